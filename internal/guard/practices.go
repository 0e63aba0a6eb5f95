package guard

import (
	"fmt"
	"strings"

	ev "github.com/iamguard/terraform-provider-iam/internal/evaluator"
)

// The best practices of IAM (the common mistakes), each a finding with its own code. They
// look at what the plan creates or changes: an unchanged resource is not this plan's doing.

const administratorAccessARN = "arn:aws:iam::aws:policy/AdministratorAccess"

// sensitiveActions are the actions a console user should do only after signing in with MFA.
var sensitiveActions = append(append([]string(nil), adminActions...),
	"iam:CreateUser", "iam:CreateAccessKey", "iam:CreateLoginProfile", "iam:UpdateLoginProfile",
	"iam:DeleteUser", "iam:DeleteRole", "iam:DeactivateMFADevice",
	"s3:DeleteBucket", "s3:PutBucketPolicy", "kms:ScheduleKeyDeletion", "kms:PutKeyPolicy",
	"ec2:TerminateInstances", "rds:DeleteDBInstance", "organizations:LeaveOrganization",
)

func (g *guard) checkAccessKeys() {
	for _, k := range g.plan.Planned().AccessKeys {
		if !g.changed(k.Address) {
			continue
		}
		f := Finding{Code: CodeAccessKey, Address: k.Address,
			Message: "a new long-lived access key: prefer roles and temporary credentials (IAM Identity Center, OIDC federation, instance roles)"}
		if k.User != nil {
			if p := g.planned.principalOf(k.User); p != nil {
				f.Principal, f.PrincipalAddress = p.ARN, p.Address
				f.Message = fmt.Sprintf("a new long-lived access key for %s: prefer roles and temporary credentials (IAM Identity Center, OIDC federation, instance roles)", p.Label)
			}
		}
		g.add(f)
	}
}

func (w *world) principalOf(u *User) *principal {
	for _, p := range w.principals {
		if p.user == u {
			return p
		}
	}
	return nil
}

// checkAdminPolicies reports AdministratorAccess, and Allow statements of Action "*" on
// Resource "*", that the plan grants to principals the rules do not name as administrators.
func (g *guard) checkAdminPolicies() {
	for _, p := range g.planned.principals {
		if g.isAdministrator(p) {
			continue
		}
		report := func(address, attribute, what string) {
			if !g.changed(address) {
				return
			}
			g.add(Finding{Code: CodeAdminPolicy, Address: address, Attribute: attribute, Principal: p.ARN, PrincipalAddress: p.Address,
				Message: fmt.Sprintf("%s grants %s to %s, which the rules do not name as an administrator (administrators = [...])", address, what, p.Label)})
		}
		attachments, inline := p.grants()
		for _, a := range attachments {
			if a.ARN.Known && a.ARN.Text == administratorAccessARN {
				report(a.Source.Address, a.Source.Attribute, "AdministratorAccess")
			}
		}
		for _, d := range inline {
			if pol, _ := g.parse(d.Source.String(), d.JSON.Text); d.JSON.Known && pol != nil && allowsEverything(pol) {
				report(d.Source.Address, d.Source.Attribute, `Action "*" on Resource "*"`)
			}
		}
	}
}

// grants returns the attachments and the documents (inline and customer managed) of a
// principal's identity policies, a user's groups included.
func (p *principal) grants() ([]*PolicyAttachment, []Document) {
	var atts []*PolicyAttachment
	var docs []Document
	addInline := func(list []*InlinePolicy) {
		for _, in := range list {
			docs = append(docs, in.Document)
		}
	}
	addManaged := func(list []*PolicyAttachment) {
		for _, m := range list {
			atts = append(atts, m)
			if m.Policy != nil {
				docs = append(docs, m.Policy.Document)
			}
		}
	}
	switch {
	case p.role != nil:
		addInline(p.role.Inline)
		addManaged(p.role.Managed)
	case p.user != nil:
		addInline(p.user.Inline)
		addManaged(p.user.Managed)
		for _, m := range p.user.Groups {
			addInline(m.Group.Inline)
			addManaged(m.Group.Managed)
		}
	}
	return atts, docs
}

// allowsEverything reports an Allow statement of Action "*" on Resource "*" without condition.
func allowsEverything(pol *ev.Policy) bool {
	for _, st := range pol.Statements {
		if st.Effect != ev.EffectAllow || st.NotAction || st.NotResource || len(st.Conditions) > 0 {
			continue
		}
		if hasStar(st.Actions) && hasStar(st.Resources) {
			return true
		}
	}
	return false
}

// hasStar reports whether a list of policy values holds "*".
func hasStar(list []ev.Value) bool {
	for _, v := range list {
		if v.Text == "*" {
			return true
		}
	}
	return false
}

// checkConsoleMFA reports console users (a login profile) whose policies allow a sensitive
// action in a console session signed in without MFA (aws:MultiFactorAuthPresent is "false").
func (g *guard) checkConsoleMFA() {
	const check = "console MFA"
	for _, lp := range g.plan.Planned().LoginProfiles {
		if lp.User == nil {
			continue
		}
		p := g.planned.principalOf(lp.User)
		if p == nil || !g.mayAllowAny(p.Policies.Identity, sensitiveActions) {
			if p != nil {
				for _, u := range p.unknowns() {
					g.undecided(check, p.ARN, p.Address, u)
				}
			}
			continue
		}
		q := g.planned.question(p, sensitiveActions, []string{"*"}, false)
		q.Context.Set("aws:MultiFactorAuthPresent", "false")
		a := g.analyze(q)
		f := Finding{Code: CodeConsoleNoMFA, Address: lp.Address, Principal: p.ARN, PrincipalAddress: p.Address}
		if a.Outcome == ev.Allowed {
			f.Message = fmt.Sprintf("%s signs in to the console (%s) and may call %s without MFA: deny sensitive actions unless aws:MultiFactorAuthPresent is true", p.Label, lp.Address, a.Witness.Action)
		}
		g.reportAnswer(a, check, p, p.unknowns(), f)
	}
}

// checkOpenTrust reports trust policies that any AWS account or any web identity can assume
// without a condition.
func (g *guard) checkOpenTrust() {
	for _, p := range g.planned.principals {
		if p.Trust == nil || !g.changed(p.TrustSource.Address) {
			continue
		}
		for _, st := range p.Trust.Statements {
			if st.Effect != ev.EffectAllow || st.Principal == nil || len(st.Conditions) > 0 {
				continue
			}
			who := openTrustPrincipal(st)
			if who == "" {
				continue
			}
			g.add(Finding{Code: CodeOpenTrust, Address: p.TrustSource.Address, Attribute: p.TrustSource.Attribute, Principal: p.ARN, PrincipalAddress: p.Address,
				Message: fmt.Sprintf("%s: %s of the trust policy lets %s assume %s without a condition", p.Label, st.Path, who, p.Label)})
		}
	}
}

// openTrustPrincipal describes who an unconditioned trust statement admits when that is
// anyone: every AWS principal, or every identity of a web identity provider (web identity
// tokens are issued to anyone who signs in; only conditions on the token's claims limit them).
func openTrustPrincipal(st *ev.Statement) string {
	pr := st.Principal
	if pr.Not || pr.Wildcard || hasStar(pr.AWS) {
		return "any AWS account"
	}
	for _, v := range pr.AWS {
		if strings.Contains(v.Text, "*") {
			return "any principal matching " + v.Text
		}
	}
	for _, v := range pr.Federated {
		if !strings.Contains(v.Text, ":saml-provider/") && st.CoversAction("sts:AssumeRoleWithWebIdentity") {
			return "any identity of the web identity provider " + v.Text
		}
	}
	return ""
}

// checkPassRoleWildcard reports Allow statements of iam:PassRole on every role in policies
// that the plan creates or changes.
func (g *guard) checkPassRoleWildcard() {
	done := map[string]bool{}
	for _, p := range g.planned.principals {
		_, docs := p.grants()
		for _, d := range docs {
			key := d.Source.String()
			if done[key] || !d.JSON.Known || !g.changed(d.Source.Address) {
				continue
			}
			done[key] = true
			pol, err := g.parse(key, d.JSON.Text)
			if err != nil {
				continue
			}
			for _, st := range pol.Statements {
				if st.Effect != ev.EffectAllow || st.NotResource || len(st.Conditions) > 0 || !st.CoversAction("iam:PassRole") || hasStar(st.Actions) {
					continue
				}
				for _, r := range st.Resources {
					if r.Text == "*" || strings.HasSuffix(r.Text, ":role/*") {
						g.add(Finding{Code: CodePassRoleWildcard, Address: d.Source.Address, Attribute: d.Source.Attribute,
							Message: fmt.Sprintf("%s allows iam:PassRole on %q: whoever holds it can hand any role, administrators included, to a service that runs their code; name the roles", st.Path, r.Text)})
						break
					}
				}
			}
		}
	}
}
