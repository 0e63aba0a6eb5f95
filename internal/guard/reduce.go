package guard

import (
	"strings"

	ev "github.com/iamguard/terraform-provider-iam/internal/evaluator"
)

// Before a question goes to the engine, every policy loses the statements whose Action
// element cannot cover any action of the question. The engine prunes so itself before every
// question (evaluator.StatementPruner); the guard asks thousands of questions about the same
// few action sets over the same policies, so it keeps one pruner per action set and prunes
// each policy once for all of them.

// maxReduceActions bounds the actions a pruner is kept for; beyond it (a question about "*")
// policies are passed whole and the engine prunes them per question.
const maxReduceActions = 4000

type reduceKey struct {
	policy  *ev.Policy
	actions string
}

// pruner is the pruner of an action set, or nil when policies are passed whole.
type pruner = *ev.StatementPruner

func (g *guard) reduce(p *ev.Policy, s pruner) *ev.Policy {
	if p == nil || s == nil {
		return p
	}
	return s.Policy(p)
}

// reduceSet reduces every policy of a policy set.
func (g *guard) reduceSet(ps ev.PolicySet, s pruner) ev.PolicySet {
	if s == nil {
		return ps
	}
	return s.Set(ps)
}

// reduceResources reduces resource policies and drops those left without statements.
func (g *guard) reduceResources(list []ev.ResourcePolicy, s pruner) []ev.ResourcePolicy {
	if s == nil {
		return list
	}
	return s.ResourcePolicies(list)
}

// reduceQuestion reduces every policy of a question to its actions.
func (g *guard) reduceQuestion(q *ev.Question) {
	s := g.actionSet(q.Actions)
	q.Policies = g.reduceSet(q.Policies, s)
	q.ResourcePolicies = g.reduceResources(q.ResourcePolicies, s)
}

// actionSet returns the pruner of a question's actions (cached), or nil.
func (g *guard) actionSet(actions []string) pruner {
	key := strings.Join(actions, ",")
	if s, ok := g.actionSets[key]; ok {
		return s
	}
	s, err := ev.NewStatementPruner(actions)
	if err != nil || s.Actions() > maxReduceActions {
		// The engine reports the error itself; large sets are pruned per question.
		s = nil
	}
	g.actionSets[key] = s
	return s
}

// analyze asks the engine a question over reduced policies.
func (g *guard) analyze(q *ev.Question) ev.Answer {
	g.reduceQuestion(q)
	if !strings.HasSuffix(q.Principal, ":root") && !hasAllow(q.Policies.Identity) && !resourcesAllow(q.ResourcePolicies) {
		// Nothing is left that could allow a request of the set (only an account's root
		// user is allowed without a policy).
		return ev.Answer{Outcome: ev.Denied}
	}
	return ev.AnalyzeContext(g.ctx, q)
}

// analyzeNew asks a new-access question over reduced policies, before and after.
func (g *guard) analyzeNew(q *ev.NewAccessQuestion) ev.Answer {
	s := g.actionSet(q.Actions)
	g.reduceQuestion(&q.Question)
	q.Before = g.reduceSet(q.Before, s)
	q.BeforeResourcePolicies = g.reduceResources(q.BeforeResourcePolicies, s)
	q.Done = g.ctx.Done()
	return ev.AnalyzeNewAccess(q)
}

// analyzePublic asks a public-access question over reduced policies.
func (g *guard) analyzePublic(q *ev.PublicAccessQuestion) ev.PublicAccessAnswer {
	actions := q.Actions
	if len(actions) == 0 {
		actions = []string{"*"}
	}
	s := g.actionSet(actions)
	q.ResourcePolicies = g.reduceResources(q.ResourcePolicies, s)
	q.RCPs = g.reduceSet(ev.PolicySet{RCPs: q.RCPs}, s).RCPs
	if err := g.ctx.Err(); err != nil {
		// PublicAccessQuestion has no Done channel; a question asked after the time limit is
		// not asked.
		stopped := ev.Answer{Outcome: ev.Undecided, Reason: "the guard's time limit ended (" + err.Error() + ")"}
		return ev.PublicAccessAnswer{Anonymous: stopped, OtherAccount: stopped}
	}
	return ev.AnalyzePublicAccess(q)
}

// mayDo decides whether principal may call action on one resource in some context that agrees
// with ctx. When no statement that covers the action has a condition, the context cannot
// change the decision and one Authorize call decides; otherwise the engine's analysis does.
// resourcePolicy is the resource's policy, or nil.
func (g *guard) mayDo(principal string, ps ev.PolicySet, resourcePolicy *ev.Policy, action, resource string, ctx ev.Context) bool {
	s := g.actionSet([]string{action})
	ps = g.reduceSet(ps, s)
	ps.Resource = g.reduce(resourcePolicy, s)
	if !setHasConditions(ps) {
		req := &ev.Request{Principal: principal, Action: action, Resource: resource, Context: ctx}
		res, err := ev.Authorize(&ps, req, ev.Options{})
		return err == nil && res.Decision == ev.Allow
	}
	q := &ev.Question{Principal: principal, Policies: ps, Actions: []string{action}, Resources: []string{resource}, Context: ctx}
	if ps.Resource != nil {
		q.ResourcePolicies = []ev.ResourcePolicy{{Pattern: resource, Policy: ps.Resource}}
	}
	q.Policies.Resource = nil
	return ev.AnalyzeContext(g.ctx, q).Outcome == ev.Allowed
}

func setHasConditions(ps ev.PolicySet) bool {
	all := append([]*ev.Policy{ps.Resource, ps.Boundary, ps.Session}, ps.Identity...)
	for _, l := range ps.SCPs {
		all = append(all, l...)
	}
	for _, l := range ps.RCPs {
		all = append(all, l...)
	}
	for _, p := range all {
		if p == nil {
			continue
		}
		for _, st := range p.Statements {
			if len(st.Conditions) > 0 {
				return true
			}
		}
	}
	return false
}

// hasAllow reports whether any policy of the list has an Allow statement.
func hasAllow(list []*ev.Policy) bool {
	for _, p := range list {
		if p == nil {
			continue
		}
		for _, st := range p.Statements {
			if st.Effect == ev.EffectAllow {
				return true
			}
		}
	}
	return false
}

func resourcesAllow(list []ev.ResourcePolicy) bool {
	for _, rp := range list {
		if hasAllow([]*ev.Policy{rp.Policy}) {
			return true
		}
	}
	return false
}
