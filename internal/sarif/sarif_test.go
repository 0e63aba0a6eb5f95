package sarif_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/iamguard/terraform-provider-iam/internal/sarif"
	"github.com/iamguard/terraform-provider-iam/internal/sarif/sariftest"
)

func TestFileURI(t *testing.T) {
	for _, c := range []struct{ name, want string }{
		{"policy.json", "policy.json"},
		{"policies/a b.json", "policies/a%20b.json"},
		{"./p/x#1.json", "./p/x%231.json"},
		{"/abs/p.json", "file:///abs/p.json"},
		{"<stdin>", ""},
		{"-", ""},
		{"", ""},
	} {
		if got := sarif.FileURI(c.name); got != c.want {
			t.Errorf("FileURI(%q) = %q, want %q", c.name, got, c.want)
		}
	}
}

// recorder is a testing.TB that records the failures of sariftest.Validate.
type recorder struct {
	testing.TB
	failures []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.failures = append(r.failures, fmt.Sprintf(format, args...))
}
func (r *recorder) Fatalf(format string, args ...any) { r.Errorf(format, args...) }

// A log written by Write conforms to the schema; the schema check refuses a log that breaks it
// (a region's line 0, a level SARIF does not have), so the commands' schema tests can fail.
func TestWriteConformsAndSchemaRefuses(t *testing.T) {
	log := sarif.NewLog(sarif.Driver{Name: "t", Rules: []sarif.Rule{{ID: "R", ShortDescription: sarif.Message{Text: "r"}, DefaultConfiguration: sarif.Configuration{Level: sarif.LevelError}}}})
	run := log.Run()
	if i, ok := run.RuleIndex("R"); !ok || i != 0 {
		t.Fatalf("RuleIndex(R) = %d, %v", i, ok)
	}
	if _, ok := run.RuleIndex("S"); ok {
		t.Fatal("RuleIndex(S) found a rule")
	}
	region := &sarif.Region{StartLine: 3, StartColumn: 7}
	run.Results = append(run.Results, sarif.Result{RuleID: "R", Level: sarif.LevelError, Message: sarif.Message{Text: "m <&>"},
		Locations: []sarif.Location{{PhysicalLocation: &sarif.PhysicalLocation{ArtifactLocation: sarif.ArtifactLocation{URI: "p.json"}, Region: region}}}})
	var buf bytes.Buffer
	if err := log.Write(&buf); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `"text": "m <&>"`) {
		t.Errorf("HTML characters escaped: %s", buf.String())
	}
	sariftest.Validate(t, "written log", buf.String())

	for _, c := range []struct {
		name  string
		line  int
		level string
	}{{"line 0", 0, sarif.LevelError}, {"bad level", 3, "fatal"}} {
		name := c.name
		region.StartLine, run.Results[0].Level = c.line, c.level
		buf.Reset()
		if err := log.Write(&buf); err != nil {
			t.Fatal(err)
		}
		rec := &recorder{TB: t}
		sariftest.Validate(rec, name, buf.String())
		if len(rec.failures) == 0 {
			t.Errorf("%s: the schema accepted %s", name, buf.String())
		}
	}
}
