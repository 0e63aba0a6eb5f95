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
		var allowed []string
		var first ev.Answer
		for _, action := range existingComputeActions {
			if !g.mayAllowAny(p.Policies.Identity, []string{action}) {
				continue
			}
			a := g.analyze(g.planned.question(p, []string{action}, []string{"*"}, false))
			if a.Outcome == ev.Allowed {
				if len(allowed) == 0 {
					first = a
				}
				allowed = append(allowed, action)
			}
		}
		if len(allowed) == 0 {
			continue
		}
		g.add(Finding{Code: CodeExistingCompute, Address: addressOr(p), Principal: p.ARN, PrincipalAddress: p.Address,
			Witness: first.Witness, Allows: first.Result.Allows, Actions: allowed,
			Message: fmt.Sprintf("%s may change or command compute that may exist outside this plan (%s), and so run code as "+
				"whatever role that compute has; name the functions, instances, stacks or projects it may change",
				p.Label, strings.Join(allowed, ", "))})
	}
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
