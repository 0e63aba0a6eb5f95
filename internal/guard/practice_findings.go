package guard

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	ev "github.com/iamguard/terraform-provider-iam/internal/evaluator"
	"github.com/iamguard/terraform-provider-iam/internal/tfplan"
	"github.com/iamguard/terraform-provider-iam/internal/validate"
)

// The best practice checks about what a policy grants (open trust, full administrator access,
// iam:PassRole on every role) report the validator's findings: the rules live in the
// validator (validate.ValidatePolicy), the guard adds what only the plan knows (which
// principal a policy is attached to, whether the plan changes it, whom the rules name as an
// administrator).

// The validator's codes the guard reports under codes of its own.
const (
	codeFullAdmin              = "FULL_ADMIN"                    // admin-policy
	codePassRoleOnAllResources = "PASS_ROLE_ON_ALL_RESOURCES"    // passrole-wildcard
	codeTrustAnyPrincipal      = "TRUST_POLICY_ANY_PRINCIPAL"    // open-trust
	codeTrustAnyWebIdentity    = "TRUST_POLICY_ANY_WEB_IDENTITY" // open-trust
)

// docKey names a document of the plan validated as a policy type.
type docKey struct {
	source tfplan.Source
	typ    validate.PolicyType
}

// practiceFindings are the validator's findings of one document that the best practice
// checks report, with the parsed policy they point into.
type practiceFindings struct {
	policy   *ev.Policy
	findings []validate.Finding
}

// keepPractices keeps the findings of a validation that the best practice checks report.
func (g *guard) keepPractices(key docKey, pol *ev.Policy, findings []validate.Finding) {
	var keep []validate.Finding
	for _, f := range findings {
		switch f.Code {
		case codeFullAdmin, codePassRoleOnAllResources, codeTrustAnyPrincipal, codeTrustAnyWebIdentity:
			keep = append(keep, f)
		}
	}
	if len(keep) > 0 {
		g.practices[key] = practiceFindings{policy: pol, findings: keep}
	}
}

// of returns the findings with one of the codes.
func (v practiceFindings) of(codes ...string) []validate.Finding {
	var out []validate.Finding
	for _, f := range v.findings {
		if slices.Contains(codes, f.Code) {
			out = append(out, f)
		}
	}
	return out
}

// statementAt returns the statement of the policy that a finding's JSON path is in
// ("Statement[1].Action[0]" is in "Statement[1]"), or nil.
func statementAt(pol *ev.Policy, path string) *ev.Statement {
	if pol == nil {
		return nil
	}
	for _, st := range pol.Statements {
		if path == st.Path || strings.HasPrefix(path, st.Path+".") {
			return st
		}
	}
	return nil
}

// valueOk returns the value of the list at the JSON path.
func valueOk(list []ev.Value, path string) (ev.Value, bool) {
	for _, v := range list {
		if v.Path == path {
			return v, true
		}
	}
	return ev.Value{}, false
}

// valueAt is valueOk without the flag (the zero Value when the path is not in the list).
func valueAt(list []ev.Value, path string) ev.Value {
	v, _ := valueOk(list, path)
	return v
}

// fullAdminText says what a FULL_ADMIN finding's statement grants, for the admin-policy message:
// `Action "*" on Resource "*"` in the common case.
func fullAdminText(pol *ev.Policy, f validate.Finding) string {
	st := statementAt(pol, f.Path)
	if st == nil {
		return "full administrator access"
	}
	action := "*"
	if v, ok := valueOk(st.Actions, f.Path); ok {
		action = v.Text
	}
	on := `Resource "*"`
	if st.NotResource {
		on = "every resource that NotResource does not list"
	}
	text := fmt.Sprintf("Action %q on %s", action, on)
	if len(st.Conditions) > 0 {
		text += " (under conditions that may narrow it)"
	}
	return text
}

// managedFullAdmin returns the FULL_ADMIN findings of an AWS managed policy (AdministratorAccess
// has one), once per policy and process: they do not change.
func managedFullAdmin(arn string) []validate.Finding {
	managedAdmin.Lock()
	defer managedAdmin.Unlock()
	if fs, ok := managedAdmin.byARN[arn]; ok {
		return fs
	}
	var out []validate.Finding
	if pol, err := ev.ManagedPolicy(arn); err == nil {
		out = validate.FullAdminFindings(pol)
	}
	managedAdmin.byARN[arn] = out
	return out
}

// managedAdmin caches managedFullAdmin by ARN.
var managedAdmin = struct {
	sync.Mutex
	byARN map[string][]validate.Finding
}{byARN: map[string][]validate.Finding{}}
