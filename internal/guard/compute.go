package guard

import (
	"fmt"
	"strings"

	ev "github.com/iamguard/terraform-provider-iam/internal/evaluator"
)

// A plan is not the whole account: functions, instances, stacks and build projects that exist
// outside it already run as some role. Whoever may change their code or send them commands
// runs code as that role, which the guard cannot see, so it reports these grants besides the
// PassRole paths it builds from the plan.

// CodeExistingCompute is the code of a grant that lets a principal run code as the role of
// compute that may exist outside the plan.
const CodeExistingCompute = "existing-compute"

// existingComputeActions change what existing compute runs, or run commands on it.
var existingComputeActions = []string{
	"lambda:UpdateFunctionCode", "lambda:UpdateFunctionConfiguration",
	"ec2:ModifyInstanceAttribute", // user data, which runs at the next start
	"ssm:SendCommand", "ssm:StartSession",
	"ecs:ExecuteCommand",
	"cloudformation:UpdateStack", "cloudformation:ExecuteChangeSet",
	"glue:UpdateDevEndpoint",
	"codebuild:UpdateProject",
}

// checkExistingCompute reports, for each principal whose policies the plan creates or changes,
// the actions of existingComputeActions that the analysis finds allowed, with a witness.
// Principals with administrative access are left out: they may grant themselves anything, and
// the administrator checks say so.
func (g *guard) checkExistingCompute() {
	for _, p := range g.planned.principals {
		if !g.grantsChanged(p) {
			continue
		}
		if g.planned.isAdmin(p).Outcome == ev.Allowed {
			continue // it may grant itself anything: the administrator finding says more
		}
		allowed, first := allowedComputeActions(func(action string) ev.Answer {
			if !g.mayAllowAny(p.Policies.Identity, []string{action}) {
				return ev.Answer{Outcome: ev.Denied}
			}
			return g.analyze(g.planned.question(p, []string{action}, []string{"*"}, false))
		})
		if len(allowed) == 0 {
			continue
		}
		g.add(Finding{Code: CodeExistingCompute, Address: addressOr(p), Principal: p.ARN, PrincipalAddress: p.Address,
			Witness: first.Witness, Allows: first.Result.Allows, Actions: allowed,
			Message: fmt.Sprintf("%s may change or command compute that may exist outside this plan (%s), and so run code as "+
				"whatever role that compute has; name the functions, instances, stacks or projects it may change",
				p.Label, strings.Join(allowed, ", "))})
	}
	g.checkComputeResourcePolicies()
}

// checkComputeResourcePolicies reports the resource policies the plan creates or changes that
// grant an action of existingComputeActions to a principal: resource policies grant such actions
// too, without any identity policy of the caller's own account. A Lambda function policy (an
// aws_lambda_permission) that lets another account call lambda:UpdateFunctionCode lets that
// account run code as the function's execution role. Every AWS principal the policy names is
// asked about (a principal of another account with that account's own policies taken to allow
// everything, as the cross-account check does), and so are every account and the anonymous
// caller when a statement admits callers it does not name.
func (g *guard) checkComputeResourcePolicies() {
	for _, t := range g.resourceTargets() {
		if !g.changed(t.Address) || !g.mayAllowAny([]*ev.Policy{t.Policy}, existingComputeActions) {
			continue
		}
		if mayAdmitAnyone(t.Policy) {
			g.computeGrantToAnyone(t)
		}
		for _, named := range namedPrincipals(t.Policy) {
			q := &ev.Question{Principal: named, ResourcePolicies: t.engine(), Resources: t.Patterns, ResourceAccount: g.account}
			if arnAccount(named) != g.account {
				q.Policies.Identity = []*ev.Policy{outsideAccountsPolicy}
			}
			q.Policies.RCPs = g.planned.rcps
			allowed, first := allowedComputeActions(func(action string) ev.Answer {
				one := *q
				one.Actions = []string{action}
				a := g.analyze(&one)
				if a.Outcome == ev.Undecided {
					g.undecided("existing compute", named, "", unknownPart{Address: t.Address, Attribute: t.Attribute, Reason: "the analysis could not decide whether " + named + " may call " + action + ": " + a.Reason})
				}
				return a
			})
			if len(allowed) > 0 {
				g.addComputeGrant(t, named, first.Witness, first.Result.Allows, allowed)
			}
		}
	}
}

// computeGrantToAnyone reports a resource policy that grants an action of
// existingComputeActions to the anonymous caller or to every AWS account.
func (g *guard) computeGrantToAnyone(t resourceTarget) {
	allowed, first := allowedComputeActions(func(action string) ev.Answer {
		ans := g.analyzePublic(&ev.PublicAccessQuestion{ResourcePolicies: t.engine(), RCPs: g.planned.rcps,
			Actions: []string{action}, Resources: t.Patterns, ResourceAccount: g.account})
		if ans.Anonymous.Outcome == ev.Allowed {
			return ans.Anonymous
		}
		if ans.OtherAccount.Outcome != ev.Allowed && ans.Outcome() == ev.Undecided {
			g.undecided("existing compute", "", t.Address, unknownPart{Address: t.Address, Attribute: t.Attribute, Reason: "the analysis could not decide whether any caller may call " + action})
		}
		return ans.OtherAccount
	})
	if len(allowed) > 0 {
		principal := first.Witness.Principal
		if principal == "" {
			principal = "anonymous"
		}
		g.addComputeGrant(t, principal, first.Witness, first.Result.Allows, allowed)
	}
}

// allowedComputeActions asks about each action of existingComputeActions and returns those
// allowed, with the answer for the first of them (its witness goes into the finding).
func allowedComputeActions(ask func(action string) ev.Answer) ([]string, ev.Answer) {
	var allowed []string
	var first ev.Answer
	for _, action := range existingComputeActions {
		if a := ask(action); a.Outcome == ev.Allowed {
			if len(allowed) == 0 {
				first = a
			}
			allowed = append(allowed, action)
		}
	}
	return allowed, first
}

// addComputeGrant reports a resource policy's grant. The finding is at the policy document's
// attribute, which a finding about a principal's own policies never has: Remedy tells the two
// apart by it.
func (g *guard) addComputeGrant(t resourceTarget, principal string, w *ev.Request, allows []ev.StatementRef, actions []string) {
	g.add(Finding{Code: CodeExistingCompute, Address: t.Address, Attribute: t.Attribute, Principal: principal,
		Witness: w, Allows: allows, Actions: actions,
		Message: fmt.Sprintf("%s lets %s change or command it (%s), and so run code as the role it runs as; "+
			"grant these actions only to the principals that deploy it, or remove them from the resource policy",
			t.Label, principal, strings.Join(actions, ", "))})
}

// grantsChanged reports whether the plan creates or changes a policy document of the principal.
func (g *guard) grantsChanged(p *principal) bool {
	atts, docs := p.grants()
	for _, d := range docs {
		if g.changed(d.Source.Address) {
			return true
		}
	}
	for _, a := range atts {
		if g.changed(a.Source.Address) {
			return true
		}
	}
	return p.Address != "" && g.changed(p.Address)
}
