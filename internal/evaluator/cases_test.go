package evaluator

import (
	"bufio"
	"bytes"
	"os"
	"strings"
	"testing"
)

// TestDocsCases runs every case written from the AWS documentation
// (testdata/cases/docs.jsonl, copied from shared/cases) and requires the documented decision.
func TestDocsCases(t *testing.T) {
	cases := loadCases(t, "testdata/cases/docs.jsonl")
	if len(cases) < 80 {
		t.Fatalf("only %d cases loaded", len(cases))
	}
	for _, c := range cases {
		t.Run(c.ID, func(t *testing.T) {
			res, err := Authorize(&c.Policies, &c.Request, Options{})
			if err != nil {
				t.Fatalf("Authorize: %v", err)
			}
			if res.Decision != c.Expected {
				t.Errorf("decision %s, want %s (%s)", res.Decision, c.Expected, res.Reason())
			}
			switch res.Decision {
			case ExplicitDeny:
				if len(res.Denies) == 0 {
					t.Error("explicit deny without the Deny statements that matched")
				}
			case ImplicitDeny:
				if len(res.BlockedBy) == 0 {
					t.Error("implicit deny without the layer that blocked")
				}
			case Allow:
				if len(res.Allows) == 0 && res.Exempt == "" {
					t.Error("allow without the statements that allowed")
				}
			}
		})
	}
}

func loadCases(t testing.TB, path string) []*Case {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []*Case
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		c, err := ParseCase(line)
		if err != nil {
			t.Fatalf("%s:%d: %v", path, n, err)
		}
		out = append(out, c)
	}
	return out
}

// TestReferenceCases runs cases written for this project from shared/reference/iam-semantics.md
// (testdata/cases/reference.jsonl): behaviours the reference states and docs.jsonl does not
// cover.
func TestReferenceCases(t *testing.T) {
	for _, c := range loadCases(t, "testdata/cases/reference.jsonl") {
		t.Run(c.ID, func(t *testing.T) {
			res, err := Authorize(&c.Policies, &c.Request, Options{})
			if err != nil {
				t.Fatalf("Authorize: %v", err)
			}
			if res.Decision != c.Expected {
				t.Errorf("decision %s, want %s (%s)", res.Decision, c.Expected, res.Reason())
			}
		})
	}
}

// TestReservedCases runs the rules of reserved.go: requests on resources AWS reserves are
// refused under AdministratorAccess with the rule as the reason, and the neighbouring requests
// (other actions, other paths, the owning service) are not (testdata/cases/reserved.jsonl,
// each case citing the AWS page of its rule).
func TestReservedCases(t *testing.T) {
	for _, c := range loadCases(t, "testdata/cases/reserved.jsonl") {
		t.Run(c.ID, func(t *testing.T) {
			res, err := Authorize(&c.Policies, &c.Request, Options{})
			if err != nil {
				t.Fatalf("Authorize: %v", err)
			}
			if res.Decision != c.Expected {
				t.Errorf("decision %s, want %s (%s)", res.Decision, c.Expected, res.Reason())
			}
			if (res.Reserved != "") != (c.Expected == ExplicitDeny) || (res.Reserved != "" && !strings.HasPrefix(res.Reason(), "AWS reserves this resource")) {
				t.Errorf("reserved reason %q for decision %s", res.Reserved, res.Decision)
			}
		})
	}
}
