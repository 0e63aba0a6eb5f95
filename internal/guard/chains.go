package guard

import (
	"strings"

	ev "github.com/iamguard/terraform-provider-iam/internal/evaluator"
)

// Role chains. A principal reaches a role (and with it the role's access) in two ways:
//
//   - it may call sts:AssumeRole on the role, and the role's trust policy admits it;
//   - it may pass the role (iam:PassRole) to a service that runs code, whose principal the
//     role's trust policy admits, and may call the action that starts that code
//     (lambda:CreateFunction, ec2:RunInstances, ...): the code then runs with the role.
//
// Each edge is decided by the engine (Analyze), after cheap syntactic tests that rule out
// most pairs. Chains are followed breadth first up to the rules' MaxChainDepth.

// codeRunner is a service that runs code with a role that is passed to it.
type codeRunner struct {
	Principal string   // the service principal the role must trust
	Starts    []string // actions that start code with a passed role
}

var codeRunners = []codeRunner{
	{"lambda.amazonaws.com", []string{"lambda:CreateFunction", "lambda:UpdateFunctionConfiguration"}},
	{"ec2.amazonaws.com", []string{"ec2:RunInstances"}},
	{"ecs-tasks.amazonaws.com", []string{"ecs:RunTask", "ecs:StartTask", "ecs:CreateService"}},
	{"glue.amazonaws.com", []string{"glue:CreateJob", "glue:CreateDevEndpoint", "glue:UpdateJob"}},
	{"codebuild.amazonaws.com", []string{"codebuild:CreateProject", "codebuild:UpdateProject"}},
	{"cloudformation.amazonaws.com", []string{"cloudformation:CreateStack", "cloudformation:UpdateStack"}},
	{"sagemaker.amazonaws.com", []string{"sagemaker:CreateNotebookInstance", "sagemaker:CreateTrainingJob", "sagemaker:CreateProcessingJob"}},
	{"states.amazonaws.com", []string{"states:CreateStateMachine", "states:UpdateStateMachine"}},
	{"batch.amazonaws.com", []string{"batch:SubmitJob"}},
	{"datapipeline.amazonaws.com", []string{"datapipeline:CreatePipeline"}},
}

// edge is one step: the principal reaches role To by Via.
type edge struct {
	To  *principal
	Via string
}

// chain is a path from a principal to a role it reaches.
type chain struct {
	To    *principal
	Steps []Step
}

// reach returns the roles p reaches, each by its shortest chain, up to the depth bound.
func (w *world) reach(p *principal) []chain {
	depth := w.g.rules.MaxChainDepth
	seen := map[*principal]bool{p: true}
	var out []chain
	frontier := []chain{{To: p}}
	for d := 0; d < depth && len(frontier) > 0; d++ {
		var next []chain
		for _, c := range frontier {
			for _, e := range w.edgesFrom(c.To) {
				if seen[e.To] {
					continue
				}
				seen[e.To] = true
				steps := append(append([]Step(nil), c.Steps...), Step{From: c.To.ARN, To: e.To.ARN, Via: e.Via, Address: e.To.Address})
				nc := chain{To: e.To, Steps: steps}
				out = append(out, nc)
				next = append(next, nc)
			}
		}
		frontier = next
	}
	return out
}

// edgesFrom returns the roles that p reaches in one step (cached).
func (w *world) edgesFrom(p *principal) []edge {
	if e, ok := w.edges[p]; ok {
		return e
	}
	var out []edge
	canAssume := mayAllowAny(p.Policies.Identity, []string{"sts:AssumeRole"})
	canPass := mayAllowAny(p.Policies.Identity, []string{"iam:PassRole"})
	for _, r := range w.principals {
		if r == p || r.Kind != "role" || r.Trust == nil {
			continue
		}
		if canAssume && trustMayAdmit(r.Trust, p, w.g.accountKnown) && w.mayAssume(p, r) {
			out = append(out, edge{To: r, Via: "sts:AssumeRole"})
			continue
		}
		if canPass {
			if via := w.mayPass(p, r); via != "" {
				out = append(out, edge{To: r, Via: via})
			}
		}
	}
	w.edges[p] = out
	return out
}

// trustMayAdmit is a syntactic test: does an Allow statement of the trust policy name p, its
// account, or every principal? With the placeholder account, an account the trust policy
// names may be the plan's own, so any account root counts.
func trustMayAdmit(trust *ev.Policy, p *principal, accountKnown bool) bool {
	acct := arnAccount(p.ARN)
	for _, st := range trust.Statements {
		if st.Effect != ev.EffectAllow || st.Principal == nil {
			continue
		}
		if st.Principal.Not || st.Principal.Wildcard {
			return true
		}
		for _, v := range st.Principal.AWS {
			t := v.Text
			switch {
			case t == "*", t == acct, t == p.ARN, strings.Contains(t, "*"):
				return true
			case arnAccount(t) == acct:
				return true
			case !accountKnown && (isAccountID(t) || strings.HasSuffix(t, ":root")):
				return true
			case !accountKnown && withAccount(t, acct) == p.ARN:
				return true
			}
		}
	}
	return false
}

// mayAssume asks the engine whether p may assume r. With the placeholder account, p and r
// are also tried in each account r's trust policy names, since the plan may deploy there.
func (w *world) mayAssume(p, r *principal) bool {
	accounts := []string{""}
	if !w.g.accountKnown {
		accounts = append(accounts, namedAccounts(r.Trust)...)
	}
	for _, acct := range accounts {
		caller, role := p.ARN, r.ARN
		if acct != "" {
			if arnAccount(caller) != w.g.account {
				continue
			}
			caller, role = withAccount(caller, acct), withAccount(role, acct)
		}
		q := &ev.Question{Principal: caller, Policies: p.Policies, Actions: []string{"sts:AssumeRole"},
			Resources: []string{role}, ResourcePolicies: []ev.ResourcePolicy{{Pattern: role, Policy: r.Trust}}}
		if w.g.analyze(q).Outcome == ev.Allowed {
			return true
		}
	}
	return false
}

// mayPass asks whether p may hand r to a code-running service that r trusts and start the
// code; it returns how ("iam:PassRole + lambda:CreateFunction (lambda.amazonaws.com)") or "".
func (w *world) mayPass(p, r *principal) string {
	for _, cr := range codeRunners {
		if !trustsService(r.Trust, cr.Principal) || !mayAllowAny(p.Policies.Identity, cr.Starts) {
			continue
		}
		// The service must be able to assume the role: decided by the trust policy alone.
		svc := &ev.Question{Principal: cr.Principal, Actions: []string{"sts:AssumeRole"}, Resources: []string{r.ARN},
			ResourcePolicies: []ev.ResourcePolicy{{Pattern: r.ARN, Policy: r.Trust}}}
		if w.g.analyze(svc).Outcome != ev.Allowed {
			continue
		}
		pass := &ev.Question{Principal: p.ARN, Policies: p.Policies, Actions: []string{"iam:PassRole"}, Resources: []string{r.ARN}}
		pass.Context.Set("iam:PassedToService", cr.Principal)
		if w.g.analyze(pass).Outcome != ev.Allowed {
			continue
		}
		start := &ev.Question{Principal: p.ARN, Policies: p.Policies, Actions: cr.Starts, Resources: []string{"*"}}
		a := w.g.analyze(start)
		if a.Outcome != ev.Allowed {
			continue
		}
		return "iam:PassRole + " + a.Witness.Action + " (" + cr.Principal + ")"
	}
	return ""
}

func trustsService(trust *ev.Policy, service string) bool {
	for _, st := range trust.Statements {
		if st.Effect != ev.EffectAllow || st.Principal == nil {
			continue
		}
		if st.Principal.Not || st.Principal.Wildcard {
			return true
		}
		for _, v := range st.Principal.Service {
			if v.Text == service || v.Text == "*" {
				return true
			}
		}
		for _, v := range st.Principal.AWS {
			if v.Text == "*" {
				return true
			}
		}
	}
	return false
}

// namedAccounts lists the accounts a policy's principals name, in order, once each.
func namedAccounts(pol *ev.Policy) []string {
	var out []string
	seen := map[string]bool{}
	for _, st := range pol.Statements {
		if st.Principal == nil {
			continue
		}
		for _, v := range st.Principal.AWS {
			acct := v.Text
			if !isAccountID(acct) {
				acct = arnAccount(v.Text)
			}
			if isAccountID(acct) && !seen[acct] {
				seen[acct] = true
				out = append(out, acct)
			}
		}
	}
	return out
}
