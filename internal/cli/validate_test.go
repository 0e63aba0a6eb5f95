package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A policy with a WARNING (no Version) and a SECURITY_WARNING (iam:PassRole on every role).
const passRolePolicy = `{
  "Statement": {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}
}`

const cleanPolicy = `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}}`

func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestValidateText(t *testing.T) {
	dir := writeFiles(t, map[string]string{"pass.json": passRolePolicy, "clean.json": cleanPolicy})
	pass, clean := filepath.Join(dir, "pass.json"), filepath.Join(dir, "clean.json")
	code, out, errOut := run(t, "", "validate", clean, pass)
	if code != 1 {
		t.Fatalf("exit %d, want 1 (a SECURITY_WARNING, the default --fail-on); stderr %s", code, errOut)
	}
	want := []string{
		pass + ":1:1: WARNING MISSING_VERSION (MISSING_VERSION): ",
		pass + ":2:46: SECURITY_WARNING PASS_ROLE_ON_ALL_RESOURCES (PASS_ROLE_WITH_STAR_IN_RESOURCE): ",
		"2 files, 2 findings: 1 SECURITY_WARNING, 1 WARNING",
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != len(want) {
		t.Fatalf("output:\n%s\nwant %d lines", out, len(want))
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("line %d: %q, want prefix %q", i+1, lines[i], w)
		}
	}
	if !strings.HasSuffix(lines[1], "(at Statement.Action)") {
		t.Errorf("line 2 does not end with the JSON path: %q", lines[1])
	}
}

func TestValidateFailOn(t *testing.T) {
	dir := writeFiles(t, map[string]string{"p.json": passRolePolicy})
	file := filepath.Join(dir, "p.json")
	for _, c := range []struct {
		failOn string
		code   int
	}{
		{"error", 0}, {"ERROR", 0}, {"security_warning", 1}, {"warning", 1}, {"suggestion", 1}, {"none", 0},
	} {
		if code, _, errOut := run(t, "", "validate", "--fail-on", c.failOn, file); code != c.code {
			t.Errorf("--fail-on %s: exit %d, want %d; stderr %s", c.failOn, code, c.code, errOut)
		}
	}
}

func TestValidateJSONAndStdin(t *testing.T) {
	code, out, errOut := run(t, passRolePolicy, "validate", "--format", "json", "--fail-on", "error", "-")
	if code != 0 {
		t.Fatalf("exit %d, want 0; stderr %s", code, errOut)
	}
	var got struct {
		File     string `json:"file"`
		Type     string `json:"type"`
		Failed   bool   `json:"failed"`
		Findings []struct {
			Severity, Code, Message, Path string
			Line, Column                  int
			AWSIssueCode                  string `json:"aws_issue_code"`
			HelpURI                       string `json:"help_uri"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("output %q: %v", out, err)
	}
	if got.File != "<stdin>" || got.Type != "IDENTITY" || got.Failed || len(got.Findings) != 2 {
		t.Fatalf("got %+v", got)
	}
	f := got.Findings[1]
	if f.Code != "PASS_ROLE_ON_ALL_RESOURCES" || f.Severity != "SECURITY_WARNING" || f.Path != "Statement.Action" || f.Line != 2 || f.Column != 46 || f.Message == "" {
		t.Errorf("finding %+v", f)
	}
	// Access Analyzer's issue code, and the guide's section of the code.
	if f.AWSIssueCode != "PASS_ROLE_WITH_STAR_IN_RESOURCE" || !strings.HasSuffix(f.HelpURI, "docs/guides/validation-codes.md#pass_role_on_all_resources") {
		t.Errorf("finding %+v: want aws_issue_code PASS_ROLE_WITH_STAR_IN_RESOURCE and the guide's link", f)
	}
	if m := got.Findings[0]; m.Code != "MISSING_VERSION" || m.AWSIssueCode != "MISSING_VERSION" {
		t.Errorf("finding %+v: want MISSING_VERSION with its issue code", m)
	}
}

// One JSON object per file, and flags may follow the files.
func TestValidateJSONPerFileAndTypes(t *testing.T) {
	trust := `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}}`
	dir := writeFiles(t, map[string]string{"a.json": trust, "b.json": cleanPolicy})
	code, out, errOut := run(t, "", "validate", filepath.Join(dir, "a.json"), filepath.Join(dir, "b.json"), "--type", "trust", "--format", "json")
	if code != 1 {
		t.Fatalf("exit %d, want 1; stderr %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 {
		t.Fatalf("output:\n%s\nwant one line per file", out)
	}
	var a, b validateOutput
	if json.Unmarshal([]byte(lines[0]), &a) != nil || json.Unmarshal([]byte(lines[1]), &b) != nil {
		t.Fatalf("output:\n%s", out)
	}
	if !a.Failed || len(a.Findings) != 1 || a.Findings[0].Code != "TRUST_POLICY_ANY_PRINCIPAL" {
		t.Errorf("a.json: %+v", a)
	}
	// A statement without Principal, and with Resource, in a trust policy.
	if b.Failed != true || len(b.Findings) != 2 || b.Findings[0].Code != "MISSING_PRINCIPAL" || b.Findings[1].Code != "RESOURCE_NOT_ALLOWED" {
		t.Errorf("b.json: %+v", b)
	}
}

func TestValidateUsageErrors(t *testing.T) {
	dir := writeFiles(t, map[string]string{"p.json": cleanPolicy})
	file := filepath.Join(dir, "p.json")
	for _, args := range [][]string{
		{"validate"},
		{"validate", "--type", "USER", file},
		{"validate", "--type", "IDENTITY", "--resource-type", "AWS::S3::Bucket", file},
		{"validate", "--type", "RESOURCE", "--resource-type", "AWS::Nope::Thing", file},
		{"validate", "--fail-on", "fatal", file},
		{"validate", "--format", "yaml", file},
		{"validate", "--nope", file},
		{"validate", filepath.Join(dir, "missing.json")},
		{"validate", "-", "-"},
	} {
		if code, _, errOut := run(t, cleanPolicy, args...); code != 2 || errOut == "" {
			t.Errorf("%v: exit %d, stderr %q; want 2 and a message", args, code, errOut)
		}
	}
	// An unreadable file does not stop the others from being validated.
	code, out, _ := run(t, "", "validate", filepath.Join(dir, "missing.json"), file)
	if code != 2 || !strings.Contains(out, "1 file, 0 findings; 1 file could not be read") {
		t.Errorf("exit %d, output %q", code, out)
	}
}

// A document that is not JSON is a finding (SYNTAX_ERROR, exit 1), not a usage error.
func TestValidateSyntaxError(t *testing.T) {
	code, out, _ := run(t, `{"Version": "2012-10-17", "Statement": [}`, "validate", "-")
	if code != 1 || !strings.HasPrefix(out, "<stdin>:1:41: ERROR SYNTAX_ERROR (JSON_SYNTAX_ERROR): ") {
		t.Errorf("exit %d, output %q", code, out)
	}
}
