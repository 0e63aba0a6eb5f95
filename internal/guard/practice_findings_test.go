package guard

import (
	"strings"
	"testing"
)

// The best practice findings come from the validator's findings: what it calls full
// administrator access, iam:PassRole on every role and an open trust policy, the guard reports
// under its own codes for the principals the policies are attached to.
func TestPracticesFromValidator(t *testing.T) {
	p := (&miniPlan{}).add(
		// iam:PassRole on every role of the account, and under a condition that does not name
		// the roles.
		role("ops", policy(lambdaTrust)),
		rolePolicy("ops", policy(
			`{"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::111122223333:role/*"}`,
			`{"Effect":"Allow","Action":"iam:PassRole","Resource":"*","Condition":{"StringEquals":{"iam:PassedToService":"lambda.amazonaws.com"}}}`,
			`{"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::111122223333:role/app-*"}`)),
		// "*:*" is every action too.
		role("builder", policy(lambdaTrust)),
		rolePolicy("builder", policy(`{"Effect":"Allow","Action":"*:*","Resource":"*"}`)),
		// GitHub's audience is the same for every workflow: only the subject names the repository.
		role("ci", policy(`{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"}}}`)),
		// A condition on the region does not restrict who the caller is.
		role("anyone", policy(`{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:RequestedRegion":"eu-west-1"}}}`)),
		// Restricted to the organisation: not open.
		role("org", policy(`{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abcdefghij"}}}`)),
	).plan(t)
	r := Check(p, rulesFrom(t, `account = "111122223333"`))
	var got []string
	for _, f := range r.Findings {
		switch f.Code {
		case CodePassRoleWildcard, CodeAdminPolicy, CodeOpenTrust:
			got = append(got, f.Code+" "+f.Address+": "+f.Message)
		}
	}
	want := []string{
		`passrole-wildcard aws_iam_role_policy.ops: Statement[0] allows iam:PassRole on "arn:aws:iam::111122223333:role/*": whoever holds it can hand any role, administrators included, to a service that runs their code; name the roles`,
		`passrole-wildcard aws_iam_role_policy.ops: Statement[1] allows iam:PassRole on "*" (its conditions may narrow it): whoever holds it can hand any role, administrators included, to a service that runs their code; name the roles`,
		`admin-policy aws_iam_role_policy.builder: aws_iam_role_policy.builder grants Action "*:*" on Resource "*" to builder (aws_iam_role.builder), which the rules do not name as an administrator (administrators = [...])`,
		`open-trust aws_iam_role.ci: ci (aws_iam_role.ci): Statement[0] of the trust policy lets any identity of the web identity provider arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com assume ci (aws_iam_role.ci) without a condition that restricts the caller`,
		`open-trust aws_iam_role.anyone: anyone (aws_iam_role.anyone): Statement[0] of the trust policy lets any AWS account assume anyone (aws_iam_role.anyone) without a condition that restricts the caller`,
	}
	for _, w := range want {
		if !containsString(got, w) {
			t.Errorf("missing %s", w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("got %d findings, want %d:\n%s", len(got), len(want), strings.Join(got, "\n"))
	}

	// Named as an administrator, builder's policy is no finding; an unchanged plan has none.
	r = Check(p, rulesFrom(t, `account = "111122223333"
administrators = ["arn:aws:iam::111122223333:role/builder"]`))
	if fs := only(r, CodeAdminPolicy); len(fs) != 0 {
		t.Errorf("administrator: %+v", fs)
	}
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
