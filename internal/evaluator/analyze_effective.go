package evaluator

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/iamguard/terraform-provider-iam/internal/catalog"
)

// Effective permissions: every catalogue action a principal may perform, from the same cells
// and search as Analyze. Where Analyze stops at the first allowed request, Effective decides
// every pair of an action cell and a resource cell: an action is reported when some pair of
// its cell is allowed (with that pair's witness, checked with Authorize), and every action
// not reported is proven denied for every resource and context of the question.

// ActionAccess is one action the principal may perform.
type ActionAccess struct {
	Action      string
	Service     string
	AccessLevel string // List, Read, Write, Tagging, Permissions management ("" if unknown)
	// Resources are the Resource patterns of the Allow statements that grant it (in identity
	// and resource policies), sorted; "*" when a statement grants every resource.
	Resources []string
	// Conditional is true when some request of it is allowed only for some request contexts;
	// ConditionKeys are the keys the granting and denying statements read.
	Conditional   bool
	ConditionKeys []string
	// Witness is an allowed request, checked with Authorize.
	Witness Request
}

// AccessLevels are the access levels of the Service Authorization Reference, as AWS writes them,
// from the least to the most sensitive.
func AccessLevels() []string {
	var out []string
	for _, l := range []catalog.AccessLevel{catalog.AccessList, catalog.AccessRead, catalog.AccessWrite, catalog.AccessTagging, catalog.AccessPermissionsManagement} {
		out = append(out, l.String())
	}
	return out
}

// EffectiveAccess is the answer of Effective.
type EffectiveAccess struct {
	Actions []ActionAccess // sorted by action
	// Undecided lists the actions (or "resources of SERVICE") the search could not decide, with
	// the reason: they are neither reported nor proven denied.
	Undecided []string
	Reason    string
}

// Effective lists what the question's principal may do among the question's actions and
// resources (Actions ["*"] and Resources ["*"] for everything).
func Effective(q *Question) (EffectiveAccess, error) {
	a, err := newAnalysis(q)
	if err != nil {
		var und undecidedError
		if errors.As(err, &und) {
			return EffectiveAccess{Reason: und.reason, Undecided: []string{"*"}}, nil
		}
		var fv freeVariableError
		if asFreeVariable(err, &fv) {
			return effectiveWidened(q, fv)
		}
		return EffectiveAccess{}, err
	}
	type found struct {
		witness     Request
		resources   map[string]bool
		conditional bool
		keys        map[string]bool
	}
	a.plainWitness = true
	byCell := map[int]*found{}
	var out EffectiveAccess
	for ui := range a.units {
		cells, err := a.unitCells(ui)
		if err != nil {
			out.Undecided = append(out.Undecided, "resources of unit "+a.unitName(ui))
			out.Reason = err.Error()
			continue
		}
		for ri := range cells {
			rc := &cells[ri]
			// Action cells that leave the same statements alive, with the same service class,
			// have the same answer on this resource cell (as in run).
			memo := map[string]*Answer{}
			for _, ci := range a.units[ui].actions {
				ac := &a.actionCells[ci]
				if !actsOn(ac, rc) {
					continue
				}
				alive := newBitset(len(a.stmts))
				for si := range a.stmts {
					if ac.sig.has(si) && rc.hits.has(si) {
						alive.set(si)
					}
				}
				key := alive.key() + "|" + ac.class
				w, seen := memo[key]
				if !seen {
					if a.cancelled() {
						return out, errCancelled
					}
					// A witness is built for the first allowed pair of each action cell only.
					a.outcomeOnly = byCell[ci] != nil
					w, err = a.searchPair(rc, ac, alive, true)
					if err == nil && w == nil {
						w, err = a.searchPair(rc, ac, alive, false)
					}
					if err != nil {
						out.Undecided = append(out.Undecided, ac.members...)
						out.Reason = err.Error()
						continue
					}
					memo[key] = w
				}
				if w == nil {
					continue
				}
				f := byCell[ci]
				if f == nil && (w.Witness == nil || seen) {
					// The memo's answer came without a witness, or with the witness of another
					// action cell, made readable for that cell's action (its resource may have
					// moved to another cell and its context lost keys that the other action did
					// not need): build this cell's own.
					a.outcomeOnly = false
					if w, err = a.searchPair(rc, ac, alive, false); err != nil || w == nil {
						// Undecided, never dropped: the memo says the pair is allowed. The
						// reason is this cell's own (such as a condition key that AWS does not
						// send with its action), so the caller can tell why.
						out.Undecided = append(out.Undecided, ac.members...)
						if err != nil {
							out.Reason = err.Error()
						} else {
							out.Reason = "the search found " + strings.Join(ac.members, ", ") + " allowed through another action with the same statements, but no allowed request of its own"
						}
						continue
					}
				}
				if f == nil {
					f = &found{witness: *w.Witness, resources: map[string]bool{}, keys: map[string]bool{}}
					byCell[ci] = f
				}
				for si, s := range a.stmts {
					if !alive.has(si) {
						continue
					}
					if s.Effect == EffectAllow && a.grantsOwnAccess(s) {
						for _, r := range statementResourceTexts(s) {
							f.resources[r] = true
						}
					}
					for _, c := range s.Conditions {
						f.keys[c.Key] = true
					}
				}
				if !a.allowedInEveryContext(rc, ac, alive) {
					f.conditional = true
				}
			}
		}
	}
	for ci, f := range byCell {
		for _, m := range a.actionCells[ci].members {
			acc := ActionAccess{Action: m, Witness: f.witness, Conditional: f.conditional, Resources: sortedKeys(f.resources)}
			acc.Service, _, _ = strings.Cut(m, ":")
			if act, ok := catalog.LookupAction(m); ok {
				acc.Action = act.Name()
				if l := act.AccessLevel(); l != 0 {
					acc.AccessLevel = l.String()
				}
			}
			if f.conditional {
				acc.ConditionKeys = sortedKeys(f.keys)
			}
			acc.Witness.Action = acc.Action
			out.Actions = append(out.Actions, acc)
		}
	}
	sort.Slice(out.Actions, func(i, j int) bool { return out.Actions[i].Action < out.Actions[j].Action })
	sort.Strings(out.Undecided)
	return out, nil
}

// grantsOwnAccess reports whether a statement belongs to a policy that grants (identity or
// resource policies) rather than one that only limits (boundary, session policy, SCP, RCP).
func (a *analysis) grantsOwnAccess(s *Statement) bool {
	for _, sd := range a.sides {
		for _, p := range sd.policies.Identity {
			if p != nil && containsStatement(p, s) {
				return true
			}
		}
		for _, rp := range sd.resourcePolicies {
			if rp.Policy != nil && containsStatement(rp.Policy, s) {
				return true
			}
		}
	}
	return false
}

func containsStatement(p *Policy, s *Statement) bool {
	for _, x := range p.Statements {
		if x == s {
			return true
		}
	}
	return false
}

func statementResourceTexts(s *Statement) []string {
	if s.NoResource || s.NotResource {
		return []string{"*"}
	}
	out := make([]string, len(s.Resources))
	for i, r := range s.Resources {
		out[i] = r.Text
	}
	return out
}

// allowedInEveryContext reports whether the pair is allowed whatever the free keys hold: the
// flow allows it even reading every undecided Allow as false and every undecided Deny as true.
func (a *analysis) allowedInEveryContext(rc *resourceCell, ac *actionCell, alive bitset) bool {
	req := &Request{Principal: a.q.Principal, Action: a.preferredAction(ac), Resource: rc.witness,
		ResourceAccount: a.q.ResourceAccount, Context: a.ctx.Clone()}
	e, err := newEvalContext(req)
	if err != nil {
		return false
	}
	s := &pairSearch{a: a, rc: rc, ac: ac, alive: alive, e: e, resourceConds: map[*compiledCondition]bool{}, table: map[condChoice]bool{}}
	for i, sd := range a.sides {
		ps := sd.policies
		ps.Resource = rc.policies[i]
		s.ps = append(s.ps, ps)
	}
	s.choice = make([]int, len(a.keys))
	for i := range s.choice {
		s.choice[i] = -1
	}
	for si := range a.stmts {
		if !alive.has(si) {
			continue
		}
		for _, cr := range a.conds[si] {
			if cr.kind == condResource {
				s.resourceConds[cr.c] = cr.c.eval(e)
			}
		}
	}
	return s.certain()
}

// unitName names a resource unit in messages.
func (a *analysis) unitName(ui int) string {
	for name, i := range a.unitIndex {
		if i == ui {
			if name == "" {
				return "actions without resource types"
			}
			return name
		}
	}
	return "?"
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// maxConfirmedActions bounds how many actions effectiveWidened confirms one by one.
const maxConfirmedActions = 256

// effectiveWidened lists what a principal may do when its policies compare with a policy
// variable of a key the question leaves free (${aws:PrincipalTag/team}). The question with
// every such variable widened (analyze_widen.go) allows at least what the real one allows for
// any value, so an action it does not list is proven denied. Each action it lists is then
// decided on the real policies with Analyze (which tries the variable's candidate values):
// Allowed gives a real witness; the others are Undecided, never listed as allowed. The
// Resources of a listed action are those of the widened statements, where a placeholder of the
// variable reads as *, and the action is always reported conditional on the variable's key.
func effectiveWidened(q *Question, fv freeVariableError) (EffectiveAccess, error) {
	widened := map[string]bool{}
	cur := *q
	var wide EffectiveAccess
	for range maxWidenedKeys + 1 {
		if widened[fv.key] {
			return EffectiveAccess{Undecided: []string{"*"}, Reason: "widening " + fv.key + " left a placeholder of it"}, nil
		}
		widened[fv.key] = true
		cur = widenQuestion(cur, fv.key)
		var err error
		wide, err = Effective(&cur)
		if err == nil {
			break
		}
		if !asFreeVariable(err, &fv) {
			return EffectiveAccess{}, err
		}
	}
	keys := make([]string, 0, len(widened))
	for k := range widened {
		if strings.HasPrefix(k, "aws:principaltag/") {
			k = principalTagKeyName(k)
		}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := EffectiveAccess{Undecided: wide.Undecided, Reason: wide.Reason}
	for i, acc := range wide.Actions {
		if i >= maxConfirmedActions {
			out.Undecided = append(out.Undecided, acc.Action)
			out.Reason = fmt.Sprintf("more than %d actions may be allowed depending on the value of %s; only the first were decided", maxConfirmedActions, strings.Join(keys, ", "))
			continue
		}
		one := *q
		one.Actions = []string{acc.Action}
		ans := Analyze(&one)
		switch ans.Outcome {
		case Denied:
			continue
		case Undecided:
			out.Undecided = append(out.Undecided, acc.Action)
			out.Reason = ans.Reason
			continue
		}
		acc.Witness = *ans.Witness
		acc.Witness.Action = acc.Action
		if len(acc.Resources) > 0 { // granted by a statement, not implied (sts:GetCallerIdentity)
			acc.Conditional = true
			for _, k := range keys {
				if !containsFold(acc.ConditionKeys, k) {
					acc.ConditionKeys = append(acc.ConditionKeys, k)
				}
			}
			sort.Strings(acc.ConditionKeys)
		}
		out.Actions = append(out.Actions, acc)
	}
	sort.Strings(out.Undecided)
	return out, nil
}
