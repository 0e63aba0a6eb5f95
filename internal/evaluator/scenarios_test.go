package evaluator

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
)

// The analysis scenario corpus (testdata/analysis/scenarios.jsonl): one check a line with its
// expected answer, run through the check format like the `check` command. A violation's
// witness is re-evaluated with Authorize and must be a request AWS can receive.
type scenario struct {
	Expect                string            `json:"expect"` // pass, violation, undecided, error
	Check                 json.RawMessage   `json:"check"`
	ErrorContains         string            `json:"errorContains"`
	WitnessContext        map[string]string `json:"witnessContext"`
	WitnessResourceRegexp string            `json:"witnessResourceRegexp"`
	Note                  string            `json:"note"`
}

func TestAnalysisScenarios(t *testing.T) {
	const file = "testdata/analysis/scenarios.jsonl"
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	n := 0
	for sc.Scan() {
		n++
		// where names the scenario in every message: its file and line, and its id.
		where := fmt.Sprintf("%s:%d", file, n)
		var s scenario
		if err := json.Unmarshal(sc.Bytes(), &s); err != nil {
			t.Fatalf("%s: %v", where, err)
		}
		var named struct {
			ID string `json:"id"`
		}
		if json.Unmarshal(s.Check, &named) == nil && named.ID != "" {
			where += " (" + named.ID + ")"
		}
		c, err := ParseAccessCheck(s.Check)
		if err != nil {
			t.Fatalf("%s: %v", where, err)
		}
		t.Run(c.ID, func(t *testing.T) {
			report, err := c.Run(Options{}, 0)
			if s.Expect == "error" {
				if err == nil || !strings.Contains(err.Error(), s.ErrorContains) {
					t.Fatalf("%s: error %v, want one containing %q", where, err, s.ErrorContains)
				}
				return
			}
			if err != nil {
				t.Fatalf("%s: %v", where, err)
			}
			got := "pass"
			switch {
			case len(report.Undecided) > 0:
				got = "undecided"
			case len(report.Violations) > 0:
				got = "violation"
			}
			if got != s.Expect {
				t.Fatalf("%s: %s, want %s (%+v)", where, got, s.Expect, report)
			}
			if got != "violation" {
				return
			}
			w := report.Violations[0].Witness
			ps := c.Policies
			ps.Resource = ResourcePolicyFor(c.ResourcePolicies, w.Resource)
			if res, err := Authorize(&ps, &w, Options{}); err != nil || res.Decision != Allow {
				t.Errorf("%s: witness %+v: %v %v", where, w, res.Decision, err)
			}
			if !realRequest(w.Action, w.Resource) {
				t.Errorf("%s: witness %s on %s is not a request AWS can receive", where, w.Action, w.Resource)
			}
			for k, want := range s.WitnessContext {
				if v, ok := w.Context.Lookup(k); !ok || len(v.Values) != 1 || v.Values[0] != want {
					t.Errorf("%s: witness %s = %+v, want %q", where, k, v, want)
				}
			}
			if s.WitnessResourceRegexp != "" && !regexp.MustCompile(s.WitnessResourceRegexp).MatchString(w.Resource) {
				t.Errorf("%s: witness resource %s does not match %s", where, w.Resource, s.WitnessResourceRegexp)
			}
		})
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("%s:%d: %v", file, n+1, err)
	}
	if n < 10 {
		t.Fatalf("%s: only %d scenarios", file, n)
	}
}
