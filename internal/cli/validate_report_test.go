package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/iamguard/terraform-provider-iam/internal/sarif/sariftest"
)

// sarifLog is the part of a SARIF log the tests read.
type sarifLog struct {
	Runs []struct {
		Tool struct {
			Driver struct {
				Name  string
				Rules []struct {
					ID                   string
					HelpURI              string `json:"helpUri"`
					DefaultConfiguration struct{ Level string }
					Properties           struct {
						SecuritySeverity string `json:"security-severity"`
						Tags             []string
					}
				}
			}
		}
		Results []struct {
			RuleID    string `json:"ruleId"`
			RuleIndex int    `json:"ruleIndex"`
			Level     string
			Message   struct{ Text string }
			Locations []struct {
				PhysicalLocation *struct {
					ArtifactLocation struct{ URI string }
					Region           *struct {
						StartLine   int
						StartColumn int
					}
				}
				LogicalLocations []struct{ Name, FullyQualifiedName string }
			}
			PartialFingerprints map[string]string
			Properties          map[string]any
		}
		Properties map[string]any
	}
}

// readSARIF validates out against the SARIF 2.1.0 schema and decodes it.
func readSARIF(t *testing.T, what, out string) sarifLog {
	t.Helper()
	sariftest.Validate(t, what, out)
	var log sarifLog
	if err := json.Unmarshal([]byte(out), &log); err != nil || len(log.Runs) != 1 {
		t.Fatalf("%s: %v (%d runs)\n%s", what, err, len(log.Runs), out)
	}
	return log
}

// validate --format sarif: one result per finding, at the finding's line and column, with the
// rule the finding code, Access Analyzer's ranking as security-severity, the codes guide as
// help, and fingerprints that survive a line added above; the exit status is the text format's.
func TestValidateSARIF(t *testing.T) {
	// é (two bytes, one UTF-16 unit) and U+1F600 (four bytes, two units) come before the
	// unknown action on its line: SARIF counts columns in UTF-16 units.
	unicode := `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Condition": {"StringEquals": {"aws:PrincipalTag/team": "é😀"}}, "Action": "s3:GetObjekt", "Resource": "*"}]}`
	dir := writeFiles(t, map[string]string{"pass.json": passRolePolicy, "clean.json": cleanPolicy, "unicode.json": unicode})
	t.Chdir(dir)
	textCode, textOut, _ := run(t, "", "validate", "pass.json", "clean.json", "unicode.json")
	code, out, errOut := run(t, "", "validate", "--format", "sarif", "pass.json", "clean.json", "unicode.json")
	if code != textCode || code != 1 {
		t.Fatalf("exit %d, text format's %d, want 1; stderr %s", code, textCode, errOut)
	}
	log := readSARIF(t, "validate", out)
	r := log.Runs[0]
	if r.Tool.Driver.Name != "terraform-provider-iam validate" || r.Properties["awsData"] == "" || r.Properties["policyType"] != "IDENTITY" {
		t.Errorf("driver %q, run properties %v", r.Tool.Driver.Name, r.Properties)
	}
	// Every finding of the text output is a result, in the same order, at the same place.
	var textLines []string
	for _, l := range strings.Split(strings.TrimSpace(textOut), "\n") {
		if strings.Contains(l, ".json:") {
			textLines = append(textLines, l)
		}
	}
	if len(r.Results) != len(textLines) {
		t.Fatalf("%d results, %d findings in the text output:\n%s", len(r.Results), len(textLines), textOut)
	}
	wantSeverity := map[string]string{"SECURITY_WARNING": "8.0", "ERROR": "7.0", "WARNING": "5.0", "SUGGESTION": "2.0"}
	wantLevel := map[string]string{"SECURITY_WARNING": "error", "ERROR": "error", "WARNING": "warning", "SUGGESTION": "note"}
	fingerprints := map[string]bool{}
	for i, res := range r.Results {
		rule := r.Tool.Driver.Rules[res.RuleIndex]
		sev, _ := res.Properties["severity"].(string)
		loc := res.Locations[0].PhysicalLocation
		if loc == nil || loc.Region == nil {
			t.Fatalf("result %d has no region: %+v", i, res.Locations)
		}
		file, line, col := loc.ArtifactLocation.URI, loc.Region.StartLine, loc.Region.StartColumn
		if file == "unicode.json" {
			// The text output counts bytes: é is one more than its UTF-16 unit, U+1F600 two
			// more than its two units.
			col += map[string]int{"INVALID_CHARACTER": 1, "UNKNOWN_ACTION": 1 + 2}[res.RuleID]
		}
		if !strings.HasPrefix(textLines[i], fmt.Sprintf("%s:%d:%d: %s %s", file, line, col, sev, res.RuleID)) {
			t.Errorf("result %d (%s at %s:%d:%d, %s) is not text line %q", i, res.RuleID, file, line, col, sev, textLines[i])
		}
		if rule.ID != res.RuleID || !strings.HasSuffix(rule.HelpURI, "docs/guides/validation-codes.md#"+strings.ToLower(res.RuleID)) {
			t.Errorf("result %d: rule %+v", i, rule)
		}
		if rule.Properties.SecuritySeverity != wantSeverity[sev] || res.Level != wantLevel[sev] || rule.DefaultConfiguration.Level != wantLevel[sev] {
			t.Errorf("%s (%s): security-severity %s, level %s, rule level %s", res.RuleID, sev, rule.Properties.SecuritySeverity, res.Level, rule.DefaultConfiguration.Level)
		}
		fp := res.PartialFingerprints["iamguardValidation/v1"]
		if fp == "" || fingerprints[fp] {
			t.Errorf("result %d: fingerprint %q missing or repeated", i, fp)
		}
		fingerprints[fp] = true
	}

	// Lines added above the findings move them but keep their fingerprints.
	if err := os.WriteFile("pass.json", []byte("\n\n"+passRolePolicy), 0o600); err != nil {
		t.Fatal(err)
	}
	_, moved, _ := run(t, "", "validate", "--format", "sarif", "pass.json")
	for _, res := range readSARIF(t, "validate moved", moved).Runs[0].Results {
		if !fingerprints[res.PartialFingerprints["iamguardValidation/v1"]] {
			t.Errorf("%s moved to line %d and changed its fingerprint", res.RuleID, res.Locations[0].PhysicalLocation.Region.StartLine)
		}
		if res.Locations[0].PhysicalLocation.Region.StartLine < 3 {
			t.Errorf("%s: line %d, want 3 or more", res.RuleID, res.Locations[0].PhysicalLocation.Region.StartLine)
		}
	}
}

// An AWS managed policy and standard input are no files of the repository: their results name
// them as logical locations, and the log still conforms to the schema.
func TestValidateSARIFManagedAndStdin(t *testing.T) {
	code, out, errOut := run(t, passRolePolicy, "validate", "--format", "sarif", "--fail-on", "none", "-", "arn:aws:iam::aws:policy/AdministratorAccess")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	results := readSARIF(t, "validate stdin", out).Runs[0].Results
	if len(results) == 0 {
		t.Fatal("no results")
	}
	names := map[string]bool{}
	for _, res := range results {
		if res.Locations[0].PhysicalLocation != nil || len(res.Locations[0].LogicalLocations) != 1 {
			t.Errorf("%s: locations %+v", res.RuleID, res.Locations)
			continue
		}
		names[res.Locations[0].LogicalLocations[0].Name] = true
	}
	if !names["<stdin>"] {
		t.Errorf("no result for standard input: %v", names)
	}
}

// SARIF and Markdown are not written when an input cannot be read: a log without that file's
// results would close its alerts in code scanning. The exit status stays 2.
func TestValidateReportNotWrittenForUnreadableInput(t *testing.T) {
	dir := writeFiles(t, map[string]string{"pass.json": passRolePolicy})
	for _, format := range []string{"sarif", "markdown"} {
		code, out, errOut := run(t, "", "validate", "--format", format, filepath.Join(dir, "pass.json"), filepath.Join(dir, "missing.json"))
		if code != 2 || out != "" || !strings.Contains(errOut, "no "+format+" report written: 1 input could not be read") {
			t.Errorf("%s: exit %d, stdout %q, stderr %q", format, code, out, errOut)
		}
	}
}

func TestUTF16Column(t *testing.T) {
	doc := []byte("ab\n\"é😀\"x\n\xffz")
	for _, c := range []struct{ line, col, want int }{
		{1, 1, 1}, {1, 3, 3}, // ASCII: bytes are units
		{2, 2, 2},                         // before é
		{2, 4, 3},                         // after é (two bytes, one unit)
		{2, 8, 5},                         // after U+1F600 (four bytes, two units)
		{2, 9, 6},                         // x
		{3, 2, 2},                         // an invalid byte is one unit (U+FFFD)
		{4, 1, 1}, {2, 99, 99}, {1, 0, 0}, // not in the document: unchanged
	} {
		if got := utf16Column(doc, c.line, c.col); got != c.want {
			t.Errorf("utf16Column(line %d, column %d) = %d, want %d", c.line, c.col, got, c.want)
		}
	}
}
