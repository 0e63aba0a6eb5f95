package validate

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/iamguard/terraform-provider-iam/internal/evaluator"
)

// The policy LeastPrivilege writes is validated: a policy over the managed policy quota
// carries the validator's finding, and a small one carries none.
func TestLeastPrivilegeWarnings(t *testing.T) {
	small, err := evaluator.LeastPrivilege([]evaluator.Request{{Action: "s3:GetObject", Resource: "arn:aws:s3:::data/*"}}, evaluator.LeastPrivilegeOptions{})
	if err != nil || len(LeastPrivilegeWarnings(small)) != 0 {
		t.Fatalf("small policy: %v %+v", err, small)
	}
	var many []evaluator.Request
	for i := 0; i < 200; i++ {
		many = append(many, evaluator.Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::bucket-with-a-long-name-" + strings.Repeat("x", 10) + "-" + string(rune('a'+i%26)) + strings.Repeat("y", i%7) + "/" + strings.Repeat("k", i)})
	}
	big, err := evaluator.LeastPrivilege(many, evaluator.LeastPrivilegeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	warnings := LeastPrivilegeWarnings(big)
	found := false
	for _, f := range warnings {
		found = found || f.Code == "POLICY_TOO_LARGE"
	}
	if big.Size <= 6144 || !found {
		t.Errorf("size %d, warnings %+v", big.Size, warnings)
	}
}

// A Numeric value the engine refuses (beyond its digit bound) is an error finding at the
// value, with the engine's message, not a pass: validation reads the engine's rule.
func TestValidateNumericDigitBound(t *testing.T) {
	for _, v := range []string{
		"1" + strings.Repeat("9", 100),
		"0." + strings.Repeat("0", 100) + "1",
		"-" + strings.Repeat("12345", 2000),
	} {
		doc, err := json.Marshal(map[string]any{"Version": evaluator.Version2012, "Statement": []any{map[string]any{
			"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*",
			"Condition": map[string]any{"NumericEquals": map[string]any{"s3:max-keys": []string{"1", v}}},
		}}})
		if err != nil {
			t.Fatal(err)
		}
		_, err = evaluator.ParsePolicy(doc)
		var pe *evaluator.ParseError
		if !errors.As(err, &pe) {
			t.Fatalf("value of %d characters: the engine gives %v, want a ParseError", len(v), err)
		}
		found := false
		for _, f := range ValidatePolicy(doc, ValidateOptions{Type: PolicyTypeIdentity}) {
			if f.Code == "INVALID_CONDITION_VALUE" && f.Severity == SeverityError && f.Path == pe.Path && f.Message == pe.Message && strings.Contains(f.Message, "digits") {
				found = true
			}
		}
		if !found {
			t.Errorf("validation of a value of %d characters: no INVALID_CONDITION_VALUE error at %s", len(v), pe.Path)
		}
	}
}

// Every part that does not compile is a finding, not only the first: the validator reads all
// of CompilePolicy's problems.
func TestValidateEveryCompileProblem(t *testing.T) {
	doc := `{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*", "Condition": {"NumericEquals": {"s3:max-keys": "ten"}}},
  {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*", "Condition": {"StringEqualz": {"aws:username": "a"}, "DateLessThan": {"aws:CurrentTime": "soon"}}}
]}`
	want := map[string]string{
		"Statement[0].Condition.NumericEquals.s3:max-keys":    "INVALID_CONDITION_VALUE",
		"Statement[1].Condition.StringEqualz":                 "INVALID_CONDITION_OPERATOR",
		"Statement[1].Condition.DateLessThan.aws:CurrentTime": "INVALID_CONDITION_VALUE",
	}
	got := map[string]string{}
	for _, f := range ValidatePolicy([]byte(doc), ValidateOptions{Type: PolicyTypeIdentity}) {
		got[f.Path] = f.Code
	}
	for path, code := range want {
		if got[path] != code {
			t.Errorf("%s: %q, want %s (all: %v)", path, got[path], code, got)
		}
	}
}

// Validation is linear in the number of statements: 60,000 distinct statements (the duplicate
// check compared every pair of statements of the same shape before).
func BenchmarkValidateManyStatements(b *testing.B) {
	var st []map[string]any
	for i := 0; i < 60000; i++ {
		st = append(st, map[string]any{"Effect": "Allow", "Action": "s3:GetObject", "Resource": fmt.Sprintf("arn:aws:s3:::bucket-%d/*", i)})
	}
	doc, err := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": st})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		ValidatePolicy(doc, ValidateOptions{Type: PolicyTypeIdentity})
	}
}
