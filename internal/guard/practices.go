package guard

import (
	"fmt"
	"strings"

	ev "github.com/iamguard/terraform-provider-iam/internal/evaluator"
	"github.com/iamguard/terraform-provider-iam/internal/tfplan"
	"github.com/iamguard/terraform-provider-iam/internal/validate"
)

// The best practices of IAM (the common mistakes), each a finding with its own code. They
// look at what the plan creates or changes: an unchanged resource is not this plan's doing.

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

func (w *world) principalOf(u *tfplan.User) *principal {
	for _, p := range w.principals {
		if p.user == u {
			return p
		}
	}
	return nil
}

// checkAdminPolicies reports the policies that the plan grants to principals the rules do not
// name as administrators and that give full administrator access: the validator's FULL_ADMIN
// finding, on a document of the plan or on an attached AWS managed policy (AdministratorAccess).
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
		attachments, docs := p.grants()
		for _, a := range attachments {
			if a.AWSManaged() && len(managedFullAdmin(a.ARN.Text)) > 0 {
				report(a.Source.Address, a.Source.Attribute, a.ARN.Text[strings.LastIndexByte(a.ARN.Text, '/')+1:])
			}
		}
		for _, d := range docs {
			v := g.practices[docKey{d.Source, validate.PolicyTypeIdentity}]
			for _, f := range v.of(codeFullAdmin) {
				report(d.Source.Address, d.Source.Attribute, fullAdminText(v.policy, f))
			}
		}
	}
}

// grants returns the attachments and the documents (inline and customer managed) of a
// principal's identity policies, a user's groups included.
func (p *principal) grants() ([]*tfplan.PolicyAttachment, []tfplan.Document) {
	var atts []*tfplan.PolicyAttachment
	var docs []tfplan.Document
	addInline := func(list []*tfplan.InlinePolicy) {
		for _, in := range list {
			docs = append(docs, in.Document)
		}
	}
	addManaged := func(list []*tfplan.PolicyAttachment) {
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

// checkOpenTrust reports trust policies that any AWS principal or any identity of a web
// identity provider can assume: the validator's TRUST_POLICY_ANY_PRINCIPAL and
// TRUST_POLICY_ANY_WEB_IDENTITY findings on the trust policies the plan creates or changes.
func (g *guard) checkOpenTrust() {
	for _, p := range g.planned.principals {
		if p.Trust == nil || !g.changed(p.TrustSource.Address) {
			continue
		}
		v := g.practices[docKey{p.TrustSource, validate.PolicyTypeTrust}]
		for _, f := range v.of(codeTrustAnyPrincipal, codeTrustAnyWebIdentity) {
			st := statementAt(v.policy, f.Path)
			if st == nil {
				continue
			}
			who := "any AWS account"
			if f.Code == codeTrustAnyWebIdentity {
				who = "any identity of the web identity provider " + valueAt(st.Principal.Federated, f.Path).Text
			}
			how := "without a condition"
			if len(st.Conditions) > 0 {
				how = "without a condition that restricts the caller"
			}
			g.add(Finding{Code: CodeOpenTrust, Address: p.TrustSource.Address, Attribute: p.TrustSource.Attribute, Principal: p.ARN, PrincipalAddress: p.Address,
				Message: fmt.Sprintf("%s: %s of the trust policy lets %s assume %s %s", p.Label, st.Path, who, p.Label, how)})
		}
	}
}

// checkPassRoleWildcard reports Allow statements of iam:PassRole on every role in policies
// that the plan creates or changes: the validator's PASS_ROLE_ON_ALL_RESOURCES finding.
func (g *guard) checkPassRoleWildcard() {
	done := map[tfplan.Source]bool{}
	for _, p := range g.planned.principals {
		_, docs := p.grants()
		for _, d := range docs {
			if done[d.Source] || !g.changed(d.Source.Address) {
				continue
			}
			done[d.Source] = true
			v := g.practices[docKey{d.Source, validate.PolicyTypeIdentity}]
			for _, f := range v.of(codePassRoleOnAllResources) {
				st := statementAt(v.policy, f.Path)
				if st == nil {
					continue
				}
				on := `"*"`
				switch r, ok := valueOk(st.Resources, f.Path); {
				case ok:
					on = fmt.Sprintf("%q", r.Text)
				case st.NotResource:
					on = "every resource that NotResource does not list"
				}
				narrowed := ""
				if len(st.Conditions) > 0 {
					narrowed = " (its conditions may narrow it)"
				}
				g.add(Finding{Code: CodePassRoleWildcard, Address: d.Source.Address, Attribute: d.Source.Attribute,
					Message: fmt.Sprintf("%s allows iam:PassRole on %s%s: whoever holds it can hand any role, administrators included, to a service that runs their code; name the roles", st.Path, on, narrowed)})
			}
		}
	}
}
