package cli

import (
	"strings"
	"testing"
)

// Checks for the report tests: a forbid that the identity policy breaks (line 1), a require
// that the boundary blocks (line 3, after a blank line), a line that is no JSON (line 4) and a
// check that passes (line 5).
var reportChecks = strings.Join([]string{
	`{"id":"admin","request":{"principal":` + role + `},"identityPolicies":[` + allowAll + `],"forbid":` + forbidIAM + `}`,
	``,
	`{"id":"boundary","request":{"principal":` + role + `},"identityPolicies":[` + allowAll + `],"permissionsBoundary":` + s3Only +
		`,"require":[{"action":"s3:GetObject","resource":"arn:aws:s3:::data/x"},{"action":"iam:GetRole","resource":"arn:aws:iam::111122223333:role/app"}]}`,
	`not json`,
	`{"id":"fine","request":{"principal":` + role + `},"identityPolicies":[` + s3Only + `],"forbid":` + forbidIAM + `}`,
}, "\n") + "\n"

// check --format sarif: a result per broken, unmet and undecided rule and per invalid line, at
// the check's input line, the witness in a violation's message; the exit status is the JSON
// format's.
func TestCheckSARIF(t *testing.T) {
	dir := writeFiles(t, map[string]string{"checks.jsonl": reportChecks})
	t.Chdir(dir)
	jsonCode, _, _ := run(t, "", "check", "checks.jsonl")
	code, out, errOut := run(t, "", "check", "checks.jsonl", "--format", "sarif")
	if code != jsonCode || code != 1 {
		t.Fatalf("exit %d, JSON format's %d, want 1; stderr %s", code, jsonCode, errOut)
	}
	r := readSARIF(t, "check", out).Runs[0]
	var ruleIDs []string
	for _, rule := range r.Tool.Driver.Rules {
		ruleIDs = append(ruleIDs, rule.ID)
		if rule.Properties.SecuritySeverity == "" || !strings.HasSuffix(rule.HelpURI, "cli-reference.md#check") {
			t.Errorf("rule %+v", rule)
		}
	}
	if got := strings.Join(ruleIDs, " "); got != "forbidden-access required-access undecided invalid-check" {
		t.Errorf("rules %s", got)
	}
	want := []struct {
		rule    string
		line    int
		message string
	}{
		{"forbidden-access", 1, "Check admin: forbid[0] is broken. Witness: arn:aws:iam::111122223333:role/app calls iam:"},
		{"required-access", 3, "Check boundary: require[1] is not met: arn:aws:iam::111122223333:role/app calls iam:GetRole on arn:aws:iam::111122223333:role/app"},
		{"invalid-check", 4, "The check on line 4: checks.jsonl:4"},
	}
	if len(r.Results) != len(want) {
		t.Fatalf("%d results, want %d:\n%s", len(r.Results), len(want), out)
	}
	fingerprints := map[string]bool{}
	for i, w := range want {
		res := r.Results[i]
		loc := res.Locations[0].PhysicalLocation
		if res.RuleID != w.rule || r.Tool.Driver.Rules[res.RuleIndex].ID != w.rule || res.Level != "error" ||
			loc == nil || loc.ArtifactLocation.URI != "checks.jsonl" || loc.Region == nil || loc.Region.StartLine != w.line ||
			!strings.HasPrefix(res.Message.Text, w.message) {
			t.Errorf("result %d: %+v\nwant %+v", i, res, w)
		}
		fp := res.PartialFingerprints["iamguardCheck/v1"]
		if fp == "" || fingerprints[fp] {
			t.Errorf("result %d: fingerprint %q missing or repeated", i, fp)
		}
		fingerprints[fp] = true
	}
	if !strings.Contains(r.Results[0].Message.Text, "Allowed by identity identityPolicies[0] statement 0 (AllowAll)") {
		t.Errorf("the violation does not name the allowing statement: %s", r.Results[0].Message.Text)
	}

	// A tiny budget leaves the forbid rules undecided: results of their own rule.
	code, out, _ = run(t, "", "check", "--budget", "1", "--format", "sarif", "checks.jsonl")
	undecided := 0
	for _, res := range readSARIF(t, "check --budget 1", out).Runs[0].Results {
		if res.RuleID == "undecided" {
			undecided++
		}
	}
	if code != 1 || undecided != 2 {
		t.Errorf("--budget 1: exit %d, %d undecided results, want 2:\n%s", code, undecided, out)
	}
}

// Input that cannot be read on (a pretty-printed object) exits 2 and writes no report: a log
// of the lines before it would close the alerts of the rest.
func TestCheckReportNotWrittenForUnreadableInput(t *testing.T) {
	for _, format := range []string{"sarif", "markdown"} {
		code, out, errOut := run(t, reportChecks+"{\n  \"id\": 1\n}\n", "check", "--format", format)
		if code != 2 || out != "" || !strings.Contains(errOut, "pretty-printed") {
			t.Errorf("%s: exit %d, stdout %q, stderr %q", format, code, out, errOut)
		}
	}
	if code, _, errOut := run(t, reportChecks, "check", "--format", "text"); code != 2 || !strings.Contains(errOut, "--format must be json, sarif or markdown") {
		t.Errorf("--format text: exit %d, %s", code, errOut)
	}
}
