package evaluator

import (
	"context"
	"errors"
	"fmt"

	"github.com/iamguard/terraform-provider-iam/internal/catalog"
)

// Outcome is the answer of the access analysis.
type Outcome string

const (
	// Allowed: some request of the set is allowed; the answer carries it as a witness.
	Allowed Outcome = "allowed"
	// Denied: no request of the set is allowed (proven over the model of the question).
	Denied Outcome = "denied"
	// Undecided: the analysis could not decide (an exhausted budget, an unsupported
	// construct). It is never to be read as safe.
	Undecided Outcome = "undecided"
)

// ResourcePolicy is the policy of the resources that Pattern (an ARN or ARN pattern, with the
// wildcards of a Resource element) matches.
type ResourcePolicy struct {
	Pattern string
	Policy  *Policy
}

// Question asks whether any request of a set is allowed: a request whose action matches one of
// Actions, whose resource matches one of Resources, and whose context is anything that agrees
// with Context (the keys the question fixes) and with the keys derived from the principal and
// the resource.
type Question struct {
	// Principal is the caller, as Request.Principal.
	Principal string
	// PrincipalTags, when not nil, are all of the principal's tags: aws:PrincipalTag/<key> has
	// these values and every other tag key is absent. When nil, the principal's tags are free
	// (any tag key present with any value, or absent), like every key the question does not
	// fix: tags are set by whoever administers the principal, and a role session's tags by
	// whoever calls AssumeRole. Context may still fix single tags (aws:PrincipalTag/<key>) of a
	// principal whose other tags are free.
	PrincipalTags map[string]string
	// Done, when not nil, ends the analysis when it is closed (a cancelled context, a
	// timeout): the answer is then Undecided.
	Done <-chan struct{}
	// Policies are the caller's policies and its organisation's SCPs and RCPs; Policies.Resource
	// is not used: resource policies are given by ResourcePolicies.
	Policies PolicySet
	// ResourcePolicies give each resource its policy: a resource that no pattern matches has
	// none; one that several match has all of their statements.
	ResourcePolicies []ResourcePolicy
	// Actions and Resources are patterns with * and ?, matched as the Action and Resource
	// elements match.
	Actions   []string
	Resources []string
	// ResourceAccount fixes the account of every resource; empty: the ARN's account field, else
	// the principal's account (as in Request).
	ResourceAccount string
	// Context holds the condition keys the question fixes.
	Context Context
	// Absent lists condition keys the question fixes as absent.
	Absent  []string
	Options Options
	// Budget bounds the work (states of the string cellizer and nodes of the search); 0 means
	// DefaultBudget. On exhaustion the answer is Undecided.
	Budget int
}

// DefaultBudget is the work budget of a question that sets none.
const DefaultBudget = 400000

// Answer is the result of Analyze.
type Answer struct {
	Outcome Outcome
	// Witness is an allowed request (for Allowed); it has been evaluated with Authorize.
	Witness *Request
	// Result is Authorize's decision on the witness, with the statements that allow it.
	Result Result
	// Reason says why the answer is Undecided.
	Reason string
	// Searched counts the nodes of the search, for benchmarks and budgets.
	Searched int
	// NoRequest (with Denied) says that the set holds no request AWS can receive: no action
	// of it acts on a resource of it. A check of such a set checks nothing; front ends report
	// it as an error, with Reason.
	NoRequest bool
}

// Analyze answers a Question. It splits every dimension of the request into cells (classes
// of values that every policy treats alike: see cells_string.go and cells_value.go), searches
// the combinations of cells with the authorization flow itself deciding each (pruning where
// even the most favourable completion cannot be allowed), and checks every witness with
// Authorize before reporting it. The model: the actions are those of the catalogue (and any
// action named literally in the question), condition keys other than those derived from the
// principal and the resource are free and independent, and request IP values are single
// addresses.
func Analyze(q *Question) Answer {
	a, err := newAnalysis(q)
	if err != nil {
		var fv freeVariableError
		if errors.As(err, &fv) {
			proof, ok := analyzeWidened(q, fv)
			if ok {
				return proof
			}
			a := analyzeTagVariable(q, fv, maxTagVariableDepth, witnessHints(q, fv.key, proof.Witness))
			a.Searched += proof.Searched
			return a
		}
		var u undecidedError
		if errors.As(err, &u) {
			return Answer{Outcome: Undecided, Reason: u.reason}
		}
		return Answer{Outcome: Undecided, Reason: err.Error()}
	}
	return a.run()
}

// AnalyzeContext is Analyze that ends, Undecided, when ctx is done.
func AnalyzeContext(ctx context.Context, q *Question) Answer {
	cp := *q
	cp.Done = ctx.Done()
	return Analyze(&cp)
}

// remaining is what is left of the budget: the cells of every dimension and the search share
// one budget, so that a question's work is bounded as a whole.
func (a *analysis) remaining() int {
	if r := a.budget - a.nodes; r > 0 {
		return r
	}
	return 1
}

// undecidedError marks a construct the analysis does not decide.
type undecidedError struct{ reason string }

func (u undecidedError) Error() string { return u.reason }

func undecided(format string, args ...any) error {
	return undecidedError{fmt.Sprintf(format, args...)}
}

// analysis is one question being answered.
type analysis struct {
	q *Question
	// coverage tells which of the question's actions each statement covers; the sides'
	// policies are pruned to the statements that cover some (analyze_prune.go).
	coverage *actionCoverage
	budget   int
	nodes    int
	// outcomeOnly makes searchPair report an allowed pair without building its witness, and
	// plainWitness keeps the cell's own resource in a witness instead of looking for a more
	// readable one (Effective builds thousands of witnesses).
	outcomeOnly  bool
	plainWitness bool
	caller       CallerIdentity
	// ctx is the question's Context with the principal's tags when the question gives all
	// of them: the keys fixed for every request.
	ctx  Context
	base *evalContext // the principal and the fixed keys, for policy variables

	// sides are the policy sets whose decisions the question compares: one for Analyze (it
	// must allow), two for AnalyzeNewAccess (after must allow, before must not).
	sides []side

	stmts     []*Statement
	stmtIndex map[*Statement]int
	// relevant marks the statements whose Action element covers some action of the question;
	// the others cannot affect any request of it, so their resources and conditions are not
	// cellized (large managed policies have hundreds of them).
	relevant []bool

	actionCells []actionCell
	// resourceGroups are the groups of resource patterns the cells are made of; groupIndex
	// finds a group by its patterns, groupStmts lists the statements whose Resource element a
	// group is (a group without statements is always tracked: the question's, the resource
	// policies', the flow's and the resource types').
	resourceGroups []globGroup
	groupIndex     map[string]int
	groupStmts     [][]int
	groupAlways    []bool
	// units are the services whose actions the question holds, each with its resource types
	// and its resource cells (see analyze_types.go); unitIndex finds one by service prefix.
	units       []resourceUnit
	unitIndex   map[string]int
	typeGroupOf map[*catalog.ResourceType]int
	// partition is the caller's ARN partition (resources of other partitions are out of
	// reach), or "" when the caller has none.
	partition string
	// stmtResourceGroup is, per statement, the group of its Resource or NotResource entries
	// (-1: none); stmtResourceAll marks entries that match everything.
	stmtResourceGroup []int
	stmtResourceAll   []bool
	forbidGroup       int

	keys []*keyDim
	// conds lists, per statement, its conditions with how each is decided.
	conds [][]condRef
}

type actionCell struct {
	sig     bitset // bit i: statement i's Action/NotAction element covers the action
	members []string
	class   string // the service class the flow looks at (kms, sts, other; rcp governed)
	unit    int    // the resource unit of the actions
	types   []int  // the resource groups of the resource types the actions act on
}

type resourceCell struct {
	stringCell
	policies []*Policy // per side, the merged resource policy of the cell, or nil
	hits     bitset    // bit i: statement i's Resource/NotResource element covers the resource
	readable []string  // realSegments of the witness, cached for Effective's plain witnesses
}

// side is one policy set of the question and what its decision must be.
type side struct {
	policies         PolicySet
	resourcePolicies []ResourcePolicy
	policyGroups     []int // one resource group per resourcePolicies entry
	wantAllow        bool
}

// condRef is one condition of a statement, with the dimension it reads.
type condRef struct {
	c *compiledCondition
	// kind: fixed (value known now), resource (aws:ResourceAccount: known per resource cell)
	// or free (dimension dim).
	kind  condKind
	fixed bool
	dim   int
}

type condKind uint8

const (
	condFixed condKind = iota
	condResource
	condFree
)

// keyDim is a free condition key: its domain and each condition's value on each choice.
type keyDim struct {
	key   string // lower case
	name  string // as first written
	multi bool
	reps  []string
	// choices: 0 is "absent"; for a single-valued key choice i>0 is reps[i-1]; for a
	// multi-valued key choice i>0 is the set of values sets[i-1] (indexes into reps; the
	// first set is empty: the key present with no value).
	sets       [][]int
	numChoices int
	uses       int
}

func (k *keyDim) value(choice int) (ContextValue, bool) {
	if choice == 0 {
		return ContextValue{}, false
	}
	if !k.multi {
		return ContextValue{Key: k.name, Values: []string{k.reps[choice-1]}}, true
	}
	vals := []string{}
	for _, i := range k.sets[choice-1] {
		vals = append(vals, k.reps[i])
	}
	return ContextValue{Key: k.name, Values: vals, Multi: true}, true
}

func newAnalysis(q *Question) (*analysis, error) {
	return newAnalysisOf(q, []side{{policies: q.Policies, resourcePolicies: q.ResourcePolicies, wantAllow: true}})
}

func newAnalysisOf(q *Question, sides []side) (*analysis, error) {
	if len(q.Actions) == 0 {
		return nil, errors.New("the question names no action")
	}
	if len(q.Resources) == 0 {
		return nil, errors.New("the question names no resource")
	}
	caller, err := ParseCaller(q.Principal)
	if err != nil {
		return nil, err
	}
	resourceSide := PolicySet{}
	for _, rp := range q.ResourcePolicies {
		resourceSide.Identity = append(resourceSide.Identity, rp.Policy)
	}
	if err := q.Policies.refuseIncomplete(); err != nil {
		return nil, err
	}
	if err := resourceSide.refuseIncomplete(); err != nil {
		return nil, err
	}
	a := &analysis{q: q, budget: q.Budget, caller: caller, stmtIndex: map[*Statement]int{}, sides: sides,
		groupIndex: map[string]int{}, unitIndex: map[string]int{}, typeGroupOf: map[*catalog.ResourceType]int{}, partition: caller.Partition}
	if a.budget <= 0 {
		a.budget = DefaultBudget
	}
	if a.ctx, err = fixedContext(q); err != nil {
		return nil, err
	}
	a.base, err = newEvalContext(&Request{Principal: q.Principal, Action: "", Resource: "*", ResourceAccount: q.ResourceAccount, Context: a.ctx})
	if err != nil {
		return nil, err
	}
	if a.coverage, err = newActionCoverage(q.Actions); err != nil {
		return nil, err
	}
	for i := range a.sides {
		a.sides[i] = a.coverage.pruneSide(a.sides[i])
	}
	a.collectStatements()
	a.cellizeActions()
	if err := a.cellizeResources(); err != nil {
		return nil, err
	}
	if err := a.cellizeKeys(); err != nil {
		return nil, err
	}
	return a, nil
}

func (a *analysis) addPolicy(p *Policy) {
	if p == nil {
		return
	}
	for _, s := range p.Statements {
		if _, ok := a.stmtIndex[s]; !ok {
			a.stmtIndex[s] = len(a.stmts)
			a.stmts = append(a.stmts, s)
		}
	}
}

func (a *analysis) collectStatements() {
	for _, sd := range a.sides {
		ps := &sd.policies
		for _, p := range ps.Identity {
			a.addPolicy(p)
		}
		a.addPolicy(ps.Boundary)
		a.addPolicy(ps.Session)
		for _, l := range ps.SCPs {
			for _, p := range l {
				a.addPolicy(p)
			}
		}
		for _, l := range ps.RCPs {
			for _, p := range l {
				a.addPolicy(p)
			}
		}
		for _, rp := range sd.resourcePolicies {
			a.addPolicy(rp.Policy)
		}
	}
}
