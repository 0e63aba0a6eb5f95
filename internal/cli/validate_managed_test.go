package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/iamguard/terraform-provider-iam/internal/validate"
)

// A finding of a code without an Access Analyzer issue code has no parenthesis in the text.
func TestValidateTextWithoutIssueCode(t *testing.T) {
	doc := `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}`
	_, out, _ := run(t, doc, "validate", "-")
	if !strings.HasPrefix(out, "<stdin>:1:70: SECURITY_WARNING FULL_ADMIN: ") {
		t.Errorf("output %q", out)
	}
}

// AWS managed policies by ARN, with --managed or as arguments, are validated as AWS's own with
// the engine's ValidateManagedPolicy: the same findings, printed under the ARN, and no ERROR
// (ReadOnlyAccess is over the customer quota, which is a WARNING there).
func TestValidateManaged(t *testing.T) {
	const readOnly = "arn:aws:iam::aws:policy/ReadOnlyAccess"
	const admin = "arn:aws:iam::aws:policy/AdministratorAccess"
	want := func(arn string) []validate.Finding {
		fs, err := validate.ValidateManagedPolicy(arn, validate.ValidateOptions{Type: validate.PolicyTypeIdentity})
		if err != nil {
			t.Fatal(err)
		}
		return fs
	}
	for _, args := range [][]string{
		{"validate", "--format", "json", readOnly, admin},
		{"validate", "--format", "json", "--managed", readOnly, "--managed", admin},
		{"validate", "--format", "json", "--managed", readOnly, admin},
	} {
		code, out, errOut := run(t, "", args...)
		if code != 1 { // AdministratorAccess: FULL_ADMIN, a security warning
			t.Fatalf("%v: exit %d, stderr %s", args, code, errOut)
		}
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if len(lines) != 2 {
			t.Fatalf("%v: output:\n%s", args, out)
		}
		for i, arn := range []string{readOnly, admin} {
			var got validateOutput
			if err := json.Unmarshal([]byte(lines[i]), &got); err != nil {
				t.Fatal(err)
			}
			if got.File != arn || !got.AWSManaged || len(got.Findings) != len(want(arn)) {
				t.Errorf("%v: %s: file %q, awsManaged %t, %d findings, want %d", args, arn, got.File, got.AWSManaged, len(got.Findings), len(want(arn)))
			}
			for j, f := range got.Findings {
				if f != want(arn)[j] {
					t.Errorf("%s finding %d: %+v, want %+v", arn, j, f, want(arn)[j])
				}
				if f.Severity == validate.SeverityError {
					t.Errorf("%s: ERROR %s", arn, f.Code)
				}
			}
		}
	}
	_, out, _ := run(t, "", "validate", readOnly)
	if !strings.Contains(out, readOnly+":1:1: WARNING POLICY_TOO_LARGE (POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA): the policy is ") ||
		!strings.Contains(out, "the quota binds the policies customers write, not AWS's own") {
		t.Errorf("ReadOnlyAccess: no POLICY_TOO_LARGE warning in\n%s", out)
	}
}

// An unknown or misspelt ARN is an input error (exit 2) that says what was expected, and does
// not stop the other inputs; a file whose name starts with arn: is read as ./arn:...
func TestValidateManagedErrors(t *testing.T) {
	code, out, errOut := run(t, "", "validate", "arn:aws:iam::aws:policy/ReadOnlyAcess", "--managed", "arn:aws:iam::111122223333:policy/Mine", "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess")
	if code != 2 || !strings.Contains(errOut, `"arn:aws:iam::aws:policy/ReadOnlyAcess" is not in the catalogue`) ||
		!strings.Contains(errOut, "is not an AWS managed policy ARN") || !strings.Contains(out, "1 file, 0 findings; 2 files could not be read") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	dir := t.TempDir()
	name := filepath.Join(dir, "arn:aws:iam::aws:policy:ReadOnlyAccess.json")
	if err := os.WriteFile(name, []byte(cleanPolicy), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	if code, out, errOut := run(t, "", "validate", "./"+filepath.Base(name)); code != 0 || !strings.HasSuffix(out, "1 file, 0 findings\n") {
		t.Errorf("./arn:... file: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}
