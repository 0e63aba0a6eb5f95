package guard

import (
	"fmt"
	"strings"
	"testing"

	"github.com/iamguard/terraform-provider-iam/internal/validate"
)

// The managed policy quota is an error for an aws_iam_policy, which IAM refuses over 6,144
// characters, and a warning for an inline policy, whose quota is per principal (Access
// Analyzer's rating of an identity policy whose kind it does not know), which the default rules
// (report errors) leave out.
func TestValidationManagedPolicyQuota(t *testing.T) {
	var statements []string
	for i := 0; i < 80; i++ {
		statements = append(statements, fmt.Sprintf(`{"Sid":"Read%d","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::acme-reports-%d/*"}`, i, i))
	}
	doc := policy(statements...)
	plan := (&miniPlan{}).add(
		res{addr: "aws_iam_policy.big", values: map[string]any{"name": "big", "path": "/", "policy": doc}, unknown: []string{"arn", "id", "policy_id"}},
		role("app", policy(lambdaTrust)),
		rolePolicy("app", doc),
	).plan(t)
	r := Check(plan, rulesFrom(t, "account = \"111122223333\"\nvalidation {\n  report = \"warning\"\n}"))
	want := map[string]validate.Severity{"aws_iam_policy.big": validate.SeverityError, "aws_iam_role_policy.app": validate.SeverityWarning}
	level := map[validate.Severity]Level{validate.SeverityError: LevelError, validate.SeverityWarning: LevelWarning}
	for _, f := range r.Findings {
		if f.Code != CodeValidation || f.Validation == nil || f.Validation.Code != "POLICY_TOO_LARGE" {
			continue
		}
		if sev, ok := want[f.Address]; !ok || f.Validation.Severity != sev || f.Level != level[sev] || !strings.Contains(f.Message, "the managed policy quota is 6,144 characters") {
			t.Errorf("%s: %s %s", f.Address, f.Validation.Severity, f.Message)
		}
		delete(want, f.Address)
	}
	for addr := range want {
		t.Errorf("%s: no POLICY_TOO_LARGE finding", addr)
	}
	for _, f := range Check(plan, rulesFrom(t, `account = "111122223333"`)).Findings {
		if f.Code == CodeValidation && f.Address != "aws_iam_policy.big" {
			t.Errorf("default rules: %s %s", f.Address, f.Message)
		}
	}
}
