package guard

import "fmt"

// Best practices about IAM users that checkov and trivy report too: grant through groups or
// roles rather than to users directly, and prefer federation to IAM users with passwords or
// keys. Both are off by default (many accounts have users on purpose); a finding block turns
// them on: finding "user-policy" { level = "note" }.

const (
	// CodeUserPolicy is a policy attached directly to an IAM user.
	CodeUserPolicy = "user-policy"
	// CodeIAMUser is an IAM user with a console password or an access key, where federation is
	// expected.
	CodeIAMUser = "iam-user"
)

// checkUsers reports the user policies and the users with credentials that the plan creates
// or changes.
func (g *guard) checkUsers() {
	for _, p := range g.planned.principals {
		u := p.user
		if u == nil || u.External {
			continue
		}
		for _, in := range u.Inline {
			if g.changed(in.Document.Source.Address) {
				g.add(Finding{Code: CodeUserPolicy, Address: in.Document.Source.Address, Attribute: in.Document.Source.Attribute,
					Principal: p.ARN, PrincipalAddress: p.Address,
					Message: fmt.Sprintf("an inline policy of the user %s: grant permissions to groups or roles, which are easier to review and to take away", p.Label)})
			}
		}
		for _, m := range u.Managed {
			if g.changed(m.Source.Address) {
				g.add(Finding{Code: CodeUserPolicy, Address: m.Source.Address, Attribute: m.Source.Attribute,
					Principal: p.ARN, PrincipalAddress: p.Address,
					Message: fmt.Sprintf("a managed policy attached directly to the user %s: attach it to a group or a role instead", p.Label)})
			}
		}
		var credentials []string
		if u.LoginProfile != nil && g.changed(u.LoginProfile.Address) {
			credentials = append(credentials, "a console password")
		}
		for _, k := range u.AccessKeys {
			if g.changed(k.Address) {
				credentials = append(credentials, "an access key")
				break
			}
		}
		if len(credentials) > 0 {
			msg := fmt.Sprintf("the IAM user %s gets %s", p.Label, credentials[0])
			if len(credentials) > 1 {
				msg += " and " + credentials[1]
			}
			g.add(Finding{Code: CodeIAMUser, Address: addressOr(p), Principal: p.ARN, PrincipalAddress: p.Address,
				Message: msg + ": where people sign in through federation (IAM Identity Center, a SAML or OIDC provider), IAM users with long-term credentials should not exist"})
		}
	}
}
