package validate

import "github.com/iamguard/terraform-provider-iam/internal/evaluator"

// LeastPrivilegeWarnings validates the policy that evaluator.LeastPrivilege wrote, as an
// identity policy, and returns the findings at WARNING or above, such as a size over the
// managed policy quota.
func LeastPrivilegeWarnings(lp *evaluator.LeastPrivilegePolicy) []Finding {
	var out []Finding
	for _, f := range ValidateParsed(lp.Document, lp.Policy, ValidateOptions{Type: PolicyTypeIdentity}) {
		if f.Severity.AtLeast(SeverityWarning) {
			out = append(out, f)
		}
	}
	return out
}
