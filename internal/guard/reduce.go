package guard

import (
	"strings"

	"github.com/iamguard/terraform-provider-iam/internal/catalog"
	ev "github.com/iamguard/terraform-provider-iam/internal/evaluator"
)

// Before a question goes to the engine, every policy loses the statements whose Action
// element cannot cover any action of the question. The answer does not change (a statement
// that matches no request of the set has no say in any of them), and the engine's work
// shrinks a lot: a large AWS managed policy such as ViewOnlyAccess carries hundreds of
// resource patterns that questions about s3:GetObject need not consider. Statements keep
// their index, so explanations still point into the original document.

// maxReduceActions bounds the expansion of the question's action patterns; beyond it (a
// question about "*") policies are passed whole.
const maxReduceActions = 4000

// actionSet is the question's actions as exact lower-case names, or nil for "too many".
type actionSet struct {
	key   string
	names []string
}

func newActionSet(actions []string) *actionSet {
	var names []string
	for _, a := range actions {
		if !strings.ContainsAny(a, "*?") {
			names = append(names, strings.ToLower(a))
			continue
		}
		idx := catalog.ExpandActionPattern(a)
		if len(names)+len(idx) > maxReduceActions {
			return nil
		}
		for _, i := range idx {
			names = append(names, strings.ToLower(catalog.ActionByIndex(i).Name()))
		}
	}
	return &actionSet{key: strings.ToLower(strings.Join(actions, ",")), names: names}
}

// covers reports whether a statement's Action or NotAction element may cover an action of the set.
func (s *actionSet) covers(st *ev.Statement) bool {
	if st.NotAction {
		return true // NotAction covers almost everything; keep it
	}
	for _, a := range st.Actions {
		pat := strings.ToLower(a.Text)
		for _, n := range s.names {
			if ev.MatchAction(pat, n) {
				return true
			}
		}
	}
	return false
}

type reduceKey struct {
	policy  *ev.Policy
	actions string
}

// reduce returns the policy without the statements that cannot cover the set's actions.
func (g *guard) reduce(p *ev.Policy, s *actionSet) *ev.Policy {
	if p == nil || s == nil {
		return p
	}
	key := reduceKey{p, s.key}
	if r, ok := g.reduced[key]; ok {
		return r
	}
	kept := make([]*ev.Statement, 0, len(p.Statements))
	for _, st := range p.Statements {
		if s.covers(st) {
			kept = append(kept, st)
		}
	}
	r := p
	if len(kept) < len(p.Statements) {
		cp := *p
		cp.Statements = kept
		r = &cp
	}
	g.reduced[key] = r
	return r
}

func (g *guard) reduceAll(list []*ev.Policy, s *actionSet) []*ev.Policy {
	if s == nil || list == nil {
		return list
	}
	out := make([]*ev.Policy, len(list))
	for i, p := range list {
		out[i] = g.reduce(p, s)
	}
	return out
}

func (g *guard) reduceLevels(levels [][]*ev.Policy, s *actionSet) [][]*ev.Policy {
	if s == nil || levels == nil {
		return levels
	}
	out := make([][]*ev.Policy, len(levels))
	for i, l := range levels {
		out[i] = g.reduceAll(l, s)
	}
	return out
}

// reduceSet reduces every policy of a policy set.
func (g *guard) reduceSet(ps ev.PolicySet, s *actionSet) ev.PolicySet {
	if s == nil {
		return ps
	}
	ps.Identity = g.reduceAll(ps.Identity, s)
	ps.Boundary = g.reduce(ps.Boundary, s)
	ps.Session = g.reduce(ps.Session, s)
	ps.Resource = g.reduce(ps.Resource, s)
	ps.SCPs = g.reduceLevels(ps.SCPs, s)
	ps.RCPs = g.reduceLevels(ps.RCPs, s)
	return ps
}

// reduceResources reduces resource policies and drops those left without statements.
func (g *guard) reduceResources(list []ev.ResourcePolicy, s *actionSet) []ev.ResourcePolicy {
	if s == nil {
		return list
	}
	var out []ev.ResourcePolicy
	for _, rp := range list {
		r := g.reduce(rp.Policy, s)
		if r != nil && len(r.Statements) > 0 {
			out = append(out, ev.ResourcePolicy{Pattern: rp.Pattern, Policy: r})
		}
	}
	return out
}

// reduceQuestion reduces every policy of a question to its actions.
func (g *guard) reduceQuestion(q *ev.Question) {
	s := g.actionSet(q.Actions)
	q.Policies = g.reduceSet(q.Policies, s)
	q.ResourcePolicies = g.reduceResources(q.ResourcePolicies, s)
}

// actionSet returns the expanded action set of a question (cached).
func (g *guard) actionSet(actions []string) *actionSet {
	key := strings.Join(actions, ",")
	if s, ok := g.actionSets[key]; ok {
		return s
	}
	s := newActionSet(actions)
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
	q.RCPs = g.reduceLevels(q.RCPs, s)
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
