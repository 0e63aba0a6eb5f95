package guard

import (
	"fmt"
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

// search follows p's chains breadth first, up to the depth bound, and calls visit on each
// role reached (by its shortest chain) until visit returns true. Roles are expanded only as
// far as the search goes: a check that stops at the first role it is looking for does not
// pay for the rest of the graph.
//
// When the bound stops the search while a role of the last step reaches a role not yet
// seen, cut is that role of the last step: the chains through it were not followed, so a
// check that found nothing has not proven anything beyond the bound.
func (w *world) search(p *principal, visit func(chain) bool) (cut *principal) {
	depth := w.g.rules.MaxChainDepth
	seen := map[*principal]bool{p: true}
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
				if visit(nc) {
					return nil
				}
				next = append(next, nc)
			}
		}
		frontier = next
	}
	for _, c := range frontier {
		for _, e := range w.edgesFrom(c.To) {
			if !seen[e.To] {
				return c.To
			}
		}
	}
	return nil
}

// chainCut is the unknown part of a check whose chain search the depth bound stopped at cut.
func (w *world) chainCut(p, cut *principal) unknownPart {
	n := w.g.rules.MaxChainDepth
	if n == 0 {
		return unknownPart{Address: p.Address,
			Reason: fmt.Sprintf("role chains are off (max_chain_depth = 0) and %s reaches roles whose access was therefore not checked", p.Label)}
	}
	steps := "steps"
	if n == 1 {
		steps = "step"
	}
	return unknownPart{Address: p.Address,
		Reason: fmt.Sprintf("role chains longer than %d %s (max_chain_depth) were not followed from %s, and %s, %d %s away, reaches further roles", n, steps, p.Label, cut.Label, n, steps)}
}

// edgesFrom returns the roles that p reaches in one step (cached).
func (w *world) edgesFrom(p *principal) []edge {
	if e, ok := w.edges[p]; ok {
		return e
	}
	var out []edge
	known := w.g.accountKnown
	// Cheap tests first: where may p's own policies call sts:AssumeRole and iam:PassRole?
	assumeScope := w.g.scopeOf(p.Policies.Identity, "sts:AssumeRole", known)
	passScope := w.g.scopeOf(p.Policies.Identity, "iam:PassRole", known)
	for _, r := range w.principals {
		if r == p || r.Kind != "role" || r.Trust == nil {
			continue
		}
		trust := w.trustOf(r)
		// Within the account, a trust policy that names p itself needs no identity policy.
		if (assumeScope.covers(r.ARN) || trust.names(p)) && trust.mayAdmit(p, known) && w.mayAssume(p, r) {
			out = append(out, edge{To: r, Via: "sts:AssumeRole"})
			continue
		}
		if passScope.covers(r.ARN) {
			if via := w.mayPass(p, r); via != "" {
				out = append(out, edge{To: r, Via: via})
			}
		}
	}
	w.edges[p] = out
	return out
}

// resourceScope is where Allow statements may let a principal call one action: every
// resource, or the resources their Resource patterns match.
type resourceScope struct {
	all      bool
	patterns []string
}

func (s resourceScope) covers(arn string) bool {
	if s.all {
		return true
	}
	for _, p := range s.patterns {
		if ev.MatchResource(p, arn) {
			return true
		}
	}
	return false
}

// scopeOf is a syntactic test: the resources that an Allow statement covering the action may
// name. Statements with NotAction, NotResource or policy variables in Resource cover every
// resource. With the placeholder account, the account field of patterns is not compared
// (the plan may deploy into the account they name).
func (g *guard) scopeOf(policies []*ev.Policy, action string, accountKnown bool) resourceScope {
	var s resourceScope
	for _, pol := range policies {
		if pol == nil {
			continue
		}
		ps := g.policyScope(pol, action, accountKnown)
		if ps.all {
			return ps
		}
		s.patterns = append(s.patterns, ps.patterns...)
	}
	return s
}

// policyScope is scopeOf for one policy (cached).
func (g *guard) policyScope(pol *ev.Policy, action string, accountKnown bool) resourceScope {
	key := reduceKey{pol, action}
	if s, ok := g.scopes[key]; ok {
		return s
	}
	var s resourceScope
	if g.policyMayAllow(pol, []string{strings.ToLower(action)}) {
	statements:
		for _, st := range pol.Statements {
			if st.Effect != ev.EffectAllow || !st.CoversAction(action) {
				continue
			}
			if st.NotResource || st.NoResource {
				s = resourceScope{all: true}
				break
			}
			for _, r := range st.Resources {
				pat := r.Text
				if strings.Contains(pat, "${") || pat == "*" {
					s = resourceScope{all: true}
					break statements
				}
				if !accountKnown {
					pat = withAccount(pat, "*")
				}
				s.patterns = append(s.patterns, pat)
			}
		}
	}
	g.scopes[key] = s
	return s
}

// trustSummary is what a trust policy's Allow statements name, for the syntactic tests.
type trustSummary struct {
	anyone   bool            // "*", a wildcard principal or NotPrincipal
	arns     []string        // AWS principal ARNs (account field "*" with the placeholder account)
	accounts map[string]bool // accounts named by id or root ARN: any of their principals may be admitted
}

func (w *world) trustOf(r *principal) *trustSummary {
	if t, ok := w.trusts[r]; ok {
		return t
	}
	t := &trustSummary{accounts: map[string]bool{}}
	for _, st := range r.Trust.Statements {
		if st.Effect != ev.EffectAllow || st.Principal == nil {
			continue
		}
		if st.AdmitsUnnamedCallers() {
			t.anyone = true
		}
		for _, v := range st.Principal.AWS {
			text := v.Text
			switch {
			case strings.Contains(text, "*"):
				t.anyone = true
			case isAccountID(text):
				t.accounts[text] = true
			case strings.HasSuffix(text, ":root"):
				t.accounts[arnAccount(text)] = true
			case strings.HasPrefix(text, "arn:"):
				if !w.g.accountKnown {
					text = withAccount(text, "*")
				}
				t.arns = append(t.arns, text)
			}
		}
	}
	w.trusts[r] = t
	return t
}

// names reports whether the trust policy names p itself (or every principal).
func (t *trustSummary) names(p *principal) bool {
	if t.anyone {
		return true
	}
	for _, a := range t.arns {
		if ev.MatchResource(a, p.ARN) {
			return true
		}
	}
	return false
}

// mayAdmit reports whether the trust policy may admit p: it names p, or p's account. With
// the placeholder account, any account it names may be p's.
func (t *trustSummary) mayAdmit(p *principal, accountKnown bool) bool {
	return t.names(p) || t.accounts[arnAccount(p.ARN)] || (!accountKnown && len(t.accounts) > 0)
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
		if w.g.mayDo(caller, p.Policies, r.Trust, "sts:AssumeRole", role, ev.Context{}) {
			return true
		}
	}
	return false
}

// mayPass asks whether p may hand r to a code-running service that r trusts and start the
// code; it returns how ("iam:PassRole + lambda:CreateFunction (lambda.amazonaws.com)") or "".
func (w *world) mayPass(p, r *principal) string {
	for i, cr := range codeRunners {
		if !trustsService(r.Trust, cr.Principal) || !w.g.mayAllowAny(p.Policies.Identity, cr.Starts) {
			continue
		}
		// The service must be able to assume the role: decided by the trust policy alone.
		if !w.g.mayDo(cr.Principal, ev.PolicySet{}, r.Trust, "sts:AssumeRole", r.ARN, ev.Context{}) {
			continue
		}
		var ctx ev.Context
		ctx.Set("iam:PassedToService", cr.Principal)
		if !w.g.mayDo(p.ARN, p.Policies, nil, "iam:PassRole", r.ARN, ctx) {
			continue
		}
		start := w.startAction(p, i)
		if start == "" {
			continue
		}
		return "iam:PassRole + " + start + " (" + cr.Principal + ")"
	}
	return ""
}

type startKey struct {
	p      *principal
	runner int
}

// startAction returns an action of code runner i that p may call to start code, or "" (cached:
// it does not depend on the role).
func (w *world) startAction(p *principal, i int) string {
	key := startKey{p, i}
	if a, ok := w.starts[key]; ok {
		return a
	}
	a := w.g.analyze(&ev.Question{Principal: p.ARN, Policies: p.Policies, Actions: codeRunners[i].Starts, Resources: []string{"*"}})
	action := ""
	if a.Outcome == ev.Allowed {
		action = a.Witness.Action
	}
	w.starts[key] = action
	return action
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
