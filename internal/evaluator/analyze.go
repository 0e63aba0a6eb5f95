package evaluator

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

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
			return analyzeTagVariable(q, fv, maxTagVariableDepth)
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
	q      *Question
	budget int
	nodes  int
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
	a.collectStatements()
	if err := a.cellizeActions(); err != nil {
		return nil, err
	}
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

// cellizeActions groups the actions of the question by which statements cover them.
func (a *analysis) cellizeActions() error {
	// The candidate actions: every catalogue action matching a question pattern, and
	// patterns without wildcards that the catalogue does not know, as written.
	inSet := map[int]bool{}
	var extra []string
	for _, p := range a.q.Actions {
		idx := catalog.ExpandActionPattern(p)
		for _, i := range idx {
			inSet[i] = true
		}
		if len(idx) == 0 && !strings.ContainsAny(p, "*?") {
			extra = append(extra, p)
		}
	}
	if len(inSet) == 0 && len(extra) == 0 {
		return errors.New("no action of the catalogue matches the question's actions")
	}
	candidates := make([]int, 0, len(inSet))
	for i := range inSet {
		candidates = append(candidates, i)
	}
	sort.Ints(candidates)

	// Statement coverage of catalogue actions, through the catalogue's pattern expansion
	// (a bitset per pattern, cached), so that large managed policies cost one expansion per
	// pattern rather than one match per action and pattern.
	cache := map[string]bitset{}
	expand := func(p string) bitset {
		if b, ok := cache[p]; ok {
			return b
		}
		b := newBitset(catalog.NumActions())
		for _, i := range catalog.ExpandActionPattern(p) {
			b.set(i)
		}
		cache[p] = b
		return b
	}
	stmtCover := make([]bitset, len(a.stmts))
	for si, s := range a.stmts {
		cover := newBitset(catalog.NumActions())
		for _, v := range s.Actions {
			b := expand(v.Text)
			for w := range cover {
				cover[w] |= b[w]
			}
		}
		stmtCover[si] = cover
	}
	cells := map[string]int{}
	add := func(name string, unit int, types []int, covers func(si int) bool) {
		sig := newBitset(len(a.stmts))
		for si, s := range a.stmts {
			if covers(si) != s.NotAction {
				sig.set(si)
			}
		}
		class := serviceClass(strings.ToLower(name))
		k := sig.key() + "|" + class + "|" + typesKey(unit, types)
		ci, ok := cells[k]
		if !ok {
			ci = len(a.actionCells)
			cells[k] = ci
			a.actionCells = append(a.actionCells, actionCell{sig: sig, class: class, unit: unit, types: types})
			a.units[unit].actions = append(a.units[unit].actions, ci)
		}
		a.actionCells[ci].members = append(a.actionCells[ci].members, name)
	}
	for _, i := range candidates {
		act := catalog.ActionByIndex(i)
		unit, types := a.actionResourceGroups(act)
		add(act.Name(), unit, types, func(si int) bool { return stmtCover[si].has(i) })
	}
	for _, name := range extra {
		lower := strings.ToLower(name)
		// An action the catalogue does not know: nothing is known of its resources.
		unit, anything := a.unitOf(""), a.addGroup(false, glob{globStar})
		a.addUnitType(unit, anything)
		add(name, unit, []int{anything}, func(si int) bool {
			c := a.stmts[si].compiled
			for k := range c.actions {
				if c.actions[k].match(lower) {
					return true
				}
			}
			return false
		})
	}
	a.relevant = make([]bool, len(a.stmts))
	for _, c := range a.actionCells {
		for si := range a.stmts {
			if c.sig.has(si) {
				a.relevant[si] = true
			}
		}
	}
	return nil
}

// serviceClass is what the flow reads of an action besides the statements: whether its
// service's resource policy must grant (KMS, STS) and whether RCPs govern it.
func serviceClass(actionLower string) string {
	if actionLower == "sts:getcalleridentity" {
		// Exempt from every policy (exemptAction): a class of its own.
		return "exempt"
	}
	svc, _, _ := strings.Cut(actionLower, ":")
	c := "other"
	if svc == "kms" || svc == "sts" {
		c = svc
	}
	if rcpGoverns(actionLower) {
		c += "+rcp"
	}
	return c + reservedActionClass(actionLower)
}

// typesKey tells apart the units and resource groups of actions.
func typesKey(unit int, types []int) string {
	b := make([]byte, 0, 4*(len(types)+1))
	for _, x := range append([]int{unit}, types...) {
		b = append(b, byte(x), byte(x>>8), byte(x>>16), byte(x>>24))
	}
	return string(b)
}

// literalStar is the resource "*" of a request (an action that takes no resource), as a
// pattern that matches only that text.
var literalStar = glob{'*'}

// lit is the glob of a literal text.
func lit(s string) glob { return glob(nil).appendLiteral(s) }

// addGroup adds a group of resource patterns (or finds the same one) and returns its index.
// A group marked always is tracked in every unit's cells (the question's, the resource
// policies', the flow's).
func (a *analysis) addGroup(always bool, all ...glob) int {
	var k strings.Builder
	for _, g := range all {
		k.WriteString(g.key())
		k.WriteString("\x00\x00\x00\x80")
	}
	if i, ok := a.groupIndex[k.String()]; ok {
		a.groupAlways[i] = a.groupAlways[i] || always
		return i
	}
	group := make(globGroup, len(all))
	for i, g := range all {
		group[i] = globAtom{g: g}
	}
	a.groupIndex[k.String()] = len(a.resourceGroups)
	a.resourceGroups = append(a.resourceGroups, group)
	a.groupStmts = append(a.groupStmts, nil)
	a.groupAlways = append(a.groupAlways, always)
	return len(a.resourceGroups) - 1
}

// cellizeResources prepares the resource patterns in play; the cells themselves are made per
// unit, when the search reaches it (unitCells).
func (a *analysis) cellizeResources() error {
	var forbid []glob
	for _, r := range a.q.Resources {
		forbid = append(forbid, compileResourceGlob(r))
	}
	a.forbidGroup = a.addGroup(true, forbid...)
	for i := range a.sides {
		sd := &a.sides[i]
		for _, rp := range sd.resourcePolicies {
			sd.policyGroups = append(sd.policyGroups, a.addGroup(true, compileResourceGlob(rp.Pattern)))
		}
	}
	a.stmtResourceGroup = make([]int, len(a.stmts))
	a.stmtResourceAll = make([]bool, len(a.stmts))
	for si, s := range a.stmts {
		a.stmtResourceGroup[si] = -1
		if !a.relevant[si] {
			continue
		}
		if s.NoResource {
			a.stmtResourceAll[si] = true
			continue
		}
		var patterns []glob
		for i := range s.compiled.resources {
			m := &s.compiled.resources[i]
			switch {
			case m.all:
				a.stmtResourceAll[si] = true
			case m.withVariables != nil:
				rv := m.withVariables
				for _, k := range rv.t.variables() {
					if !a.keyIsFixed(k) {
						return freeVariable(s.Path+".Resource", "uses", k)
					}
				}
				if g, ok := rv.expand(a.base); ok {
					patterns = append(patterns, g)
				}
			case m.pattern == nil:
				patterns = append(patterns, glob(nil).appendLiteral(m.exact))
			default:
				patterns = append(patterns, m.pattern)
			}
		}
		if len(patterns) > 0 && !a.stmtResourceAll[si] {
			g := a.addGroup(false, patterns...)
			a.stmtResourceGroup[si] = g
			a.groupStmts[g] = append(a.groupStmts[g], si)
		}
	}
	// What the flow reads of the resource besides the statements: whether it is a KMS key or
	// an IAM role (their policies must grant), and its account (same account or not, and
	// aws:ResourceAccount).
	seg := glob{globStarSeg}
	arnGlob := func(service, account, rest glob) glob {
		g := lit("arn:")
		g = append(g, seg...)
		g = append(g, ':')
		g = append(g, service...)
		g = append(g, ':')
		g = append(g, seg...)
		g = append(g, ':')
		g = append(g, account...)
		g = append(g, ':')
		return append(g, rest...)
	}
	a.addGroup(true, literalStar) // the resource of actions that take none (exemptAction)
	a.addGroup(true, arnGlob(lit("kms"), seg, append(lit("key/"), globStar)))
	a.addGroup(true, arnGlob(lit("iam"), seg, append(lit("role/"), globStar)))
	for _, g := range reservedResourceGlobs() {
		a.addGroup(true, g) // resources AWS reserves (reserved.go)
	}
	if a.q.ResourceAccount == "" {
		a.addGroup(true, arnGlob(seg, seg, glob{globStar}))
		a.addGroup(true, arnGlob(seg, nil, glob{globStar}))
		if a.caller.Account != "" {
			a.addGroup(true, arnGlob(seg, lit(a.caller.Account), glob{globStar}))
		}
		for _, g := range a.resourceAccountGlobs() {
			a.addGroup(true, arnGlob(seg, g, glob{globStar}))
		}
	}
	return nil
}

// unitCells cellizes the resources of a unit: the resources inside the question's patterns
// and of one of the unit's resource types, told apart by the patterns of the statements that
// cover some action of the unit (the others cannot apply to its requests, so they are left
// out and cost nothing).
func (a *analysis) unitCells(ui int) ([]resourceCell, error) {
	u := &a.units[ui]
	if u.cellized {
		return u.cells, u.err
	}
	u.cellized = true
	stmts := newBitset(len(a.stmts))
	for _, ci := range u.actions {
		for w := range stmts {
			stmts[w] |= a.actionCells[ci].sig[w]
		}
	}
	inUnit := map[int]bool{}
	for _, g := range u.typeGroups {
		inUnit[g] = true
	}
	groups := make([]globGroup, len(a.resourceGroups))
	for gi, g := range a.resourceGroups {
		used := a.groupAlways[gi] || inUnit[gi]
		for _, si := range a.groupStmts[gi] {
			if stmts.has(si) {
				used = true
			}
		}
		if used {
			groups[gi] = g
		}
	}
	u.groups = groups
	cells, spent, err := cellizeStringsSpent(groups, a.remaining(), []int{a.forbidGroup}, u.typeGroups)
	a.nodes += spent
	if err != nil {
		u.err = undecided("the resource patterns have too many combinations for the budget (%v)", err)
		return nil, u.err
	}
	for _, c := range cells {
		rc := resourceCell{stringCell: c, hits: newBitset(len(a.stmts))}
		for si, s := range a.stmts {
			hit := a.stmtResourceAll[si] || (a.stmtResourceGroup[si] >= 0 && c.sig.has(a.stmtResourceGroup[si]))
			if s.NoResource || hit != s.NotResource {
				rc.hits.set(si)
			}
		}
		for i := range a.sides {
			rc.policies = append(rc.policies, a.mergedResourcePolicy(&a.sides[i], c.sig))
		}
		u.cells = append(u.cells, rc)
	}
	return u.cells, nil
}

// unitOf returns the unit of a service prefix ("": the actions without resource types and
// those the catalogue does not know), adding it when new.
func (a *analysis) unitOf(service string) int {
	if i, ok := a.unitIndex[service]; ok {
		return i
	}
	a.unitIndex[service] = len(a.units)
	a.units = append(a.units, resourceUnit{})
	return len(a.units) - 1
}

// addUnitType adds a resource group to a unit's types.
func (a *analysis) addUnitType(unit, group int) {
	u := &a.units[unit]
	for _, g := range u.typeGroups {
		if g == group {
			return
		}
	}
	u.typeGroups = append(u.typeGroups, group)
}

// actionResourceGroups returns the unit of a catalogue action and the resource groups of what
// it acts on: its resource types' ARN formats, "*" when it may be called without a resource
// (actionTypes), any string for a type the data does not describe.
func (a *analysis) actionResourceGroups(act catalog.Action) (int, []int) {
	types, star, anything := actionTypes(act)
	unit := a.unitOf("")
	if len(types) > 0 || anything {
		unit = a.unitOf(act.Service().Prefix())
	}
	var out []int
	addType := func(g int) {
		a.addUnitType(unit, g)
		for _, x := range out {
			if x == g {
				return
			}
		}
		out = append(out, g)
	}
	for _, rt := range types {
		g, ok := a.typeGroupOf[rt]
		if !ok {
			g = a.addGroup(false, typeGlobs(rt, a.partition)...)
			a.typeGroupOf[rt] = g
		}
		addType(g)
	}
	if star {
		addType(a.addGroup(false, literalStar))
	}
	if anything {
		addType(a.addGroup(false, glob{globStar}))
	}
	sort.Ints(out)
	return unit, out
}

// resourceAccountGlobs are the account patterns that conditions on aws:ResourceAccount compare
// with, as globs of one ARN segment.
func (a *analysis) resourceAccountGlobs() []glob {
	var out []glob
	for si, s := range a.stmts {
		if !a.relevant[si] {
			continue
		}
		for _, c := range s.compiled.conditions {
			if c.key != "aws:resourceaccount" {
				continue
			}
			for i := range c.values {
				v := &c.values[i]
				if c.family == familyString && c.op == opStringLike {
					if g, ok := v.tmpl.expandGlob(a.base); ok {
						out = append(out, segmentGlob(g))
					}
					continue
				}
				if t, ok := v.tmpl.expandString(a.base); ok {
					out = append(out, glob(nil).appendLiteral(t))
				}
			}
		}
	}
	return out
}

// segmentGlob turns the wildcards of g into ones that stay inside an ARN segment.
func segmentGlob(g glob) glob {
	out := make(glob, len(g))
	for i, r := range g {
		switch r {
		case globStar:
			out[i] = globStarSeg
		case globOne:
			out[i] = globOneSeg
		default:
			out[i] = r
		}
	}
	return out
}

// mergedResourcePolicy is the policy of a side for the resources with signature sig.
func (a *analysis) mergedResourcePolicy(sd *side, sig bitset) *Policy {
	return mergeResourcePolicies(sd.resourcePolicies, func(i int) bool { return sig.has(sd.policyGroups[i]) })
}

// mergeResourcePolicies is the resource policy of a resource given which patterns match it:
// the one policy, named by its pattern when it has no name, or, when several match, one policy
// with all of their statements named "a + b"; nil when none does. The analysis, the require
// requests of access checks and the guard all pick a resource's policy this way.
func mergeResourcePolicies(policies []ResourcePolicy, matches func(i int) bool) *Policy {
	var matched []*Policy
	var names []string
	for i, rp := range policies {
		if rp.Policy == nil || !matches(i) {
			continue
		}
		name := rp.Policy.Name
		if name == "" {
			name = rp.Pattern
		}
		matched = append(matched, rp.Policy)
		names = append(names, name)
	}
	switch len(matched) {
	case 0:
		return nil
	case 1:
		if matched[0].Name == "" {
			cp := *matched[0]
			cp.Name = names[0]
			return &cp
		}
		return matched[0]
	}
	merged := &Policy{Name: strings.Join(names, " + "), Version: Version2012}
	for _, p := range matched {
		merged.Statements = append(merged.Statements, p.Statements...)
	}
	return merged
}

// fixedContext is the question's Context with the principal's tags added when the question
// gives all of them (Question.PrincipalTags).
func fixedContext(q *Question) (Context, error) {
	ctx := q.Context.Clone()
	if q.PrincipalTags == nil {
		return ctx, nil
	}
	keys := make([]string, 0, len(q.PrincipalTags))
	for k := range q.PrincipalTags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if k == "" {
			return Context{}, errors.New("principal tags: an empty tag key; tag keys have 1 to 128 characters")
		}
		key := "aws:PrincipalTag/" + k
		if v, ok := ctx.Lookup(key); ok {
			if v.Multi || len(v.Values) != 1 || v.Values[0] != q.PrincipalTags[k] {
				return Context{}, fmt.Errorf("principal tags: %s is given both as a principal tag and in the context, with different values", key)
			}
			continue
		}
		ctx.Set(key, q.PrincipalTags[k])
	}
	return ctx, nil
}

// keyIsFixed reports whether the question fixes a condition key: given in the context (the
// principal's tags among them when the question gives all of them), listed as absent, or
// derived from the principal. Every other key is free.
func (a *analysis) keyIsFixed(lowerKey string) bool {
	if _, ok := a.ctx.lookupLower(lowerKey); ok {
		return true
	}
	for _, k := range a.q.Absent {
		if strings.EqualFold(k, lowerKey) {
			return true
		}
	}
	if !strings.Contains(lowerKey, ":") {
		// Not a condition key name (keys are "service:key"): no request carries it, so it is
		// always absent. Published examples write placeholders so (${account}, ${region}).
		return true
	}
	switch lowerKey {
	case "aws:principalarn", "aws:principalaccount", "aws:principaltype", "aws:username",
		"aws:principalisawsservice", "aws:principalservicename":
		return true
	}
	// With all of the principal's tags given, a tag that is not among them is absent.
	return a.q.PrincipalTags != nil && strings.HasPrefix(lowerKey, "aws:principaltag/")
}

// cellizeKeys gives every free condition key its representative values.
func (a *analysis) cellizeKeys() error {
	byKey := map[string][]*compiledCondition{}
	var order []string
	names := map[string]string{}
	a.conds = make([][]condRef, len(a.stmts))
	for si, s := range a.stmts {
		if !a.relevant[si] {
			continue
		}
		for i, c := range s.compiled.conditions {
			for _, vk := range conditionVariables(c) {
				if !a.keyIsFixed(vk) {
					return freeVariable(s.Conditions[i].Path, "compares with", vk)
				}
			}
			if a.keyIsFixed(c.key) || c.key == "aws:resourceaccount" {
				continue
			}
			if _, ok := byKey[c.key]; !ok {
				order = append(order, c.key)
				names[c.key] = s.Conditions[i].Key
			}
			byKey[c.key] = append(byKey[c.key], c)
		}
	}
	dims := map[string]int{}
	for _, key := range order {
		k, err := a.newKeyDim(key, names[key], byKey[key])
		if err != nil {
			return err
		}
		dims[key] = len(a.keys)
		a.keys = append(a.keys, k)
	}
	for si, s := range a.stmts {
		if !a.relevant[si] {
			continue
		}
		for _, c := range s.compiled.conditions {
			switch {
			case a.keyIsFixed(c.key):
				a.conds[si] = append(a.conds[si], condRef{c: c, kind: condFixed, fixed: c.eval(a.base)})
			case c.key == "aws:resourceaccount" && a.q.ResourceAccount == "":
				a.conds[si] = append(a.conds[si], condRef{c: c, kind: condResource})
			case c.key == "aws:resourceaccount":
				v := ContextValue{Key: "aws:ResourceAccount", Values: []string{a.q.ResourceAccount}}
				a.conds[si] = append(a.conds[si], condRef{c: c, kind: condFixed, fixed: c.evalValue(v, true, a.base)})
			default:
				d := dims[c.key]
				a.keys[d].uses++
				a.conds[si] = append(a.conds[si], condRef{c: c, kind: condFree, dim: d})
			}
		}
	}
	return nil
}

// conditionVariables lists the keys that the condition's values reference as variables.
func conditionVariables(c *compiledCondition) []string {
	if !c.hasVariables {
		return nil
	}
	var out []string
	for i := range c.values {
		out = append(out, c.values[i].tmpl.variables()...)
	}
	return out
}

// maxSetConditions bounds the conditions on one multi-valued key (their truth values are the
// bits of a word).
const maxSetConditions = 64

func (a *analysis) newKeyDim(key, name string, conds []*compiledCondition) (*keyDim, error) {
	k := &keyDim{key: key, name: name, multi: isMultiValuedKey(key, conds)}
	families := map[conditionFamily]bool{}
	for _, c := range conds {
		families[c.family] = true
	}
	delete(families, familyNull)
	if families[familyString] && families[familyARN] {
		delete(families, familyARN)
	}
	// String (or Arn) with Bool: the string cells are split at the values Bool reads as true
	// and as false (compared as strings.EqualFold does, over whole case orbits), so every cell
	// is alike for both families. Published SCPs test s3:x-amz-server-side-encryption so.
	boolToo := families[familyBool] && (families[familyString] || families[familyARN])
	if boolToo {
		delete(families, familyBool)
	}
	if len(families) > 1 {
		var fs []string
		for f := range families {
			fs = append(fs, f.String())
		}
		sort.Strings(fs)
		return nil, undecided("condition key %s is compared with operators of several families (%s); the analysis decides one family per key", name, strings.Join(fs, ", "))
	}
	switch {
	case families[familyString] || families[familyARN]:
		var groups []globGroup
		for _, c := range conds {
			if g := a.stringAtoms(c); len(g) > 0 {
				groups = append(groups, g)
			}
		}
		if boolToo {
			groups = append(groups, globGroup{{g: lit("true"), fold: true}}, globGroup{{g: lit("false"), fold: true}})
		}
		cells, spent, err := cellizeStringsSpent(groups, a.remaining(), nil, nil)
		a.nodes += spent
		if err != nil {
			return nil, undecided("the values compared with %s have too many combinations for the budget", name)
		}
		for _, c := range cells {
			k.reps = append(k.reps, c.witness)
		}
	case families[familyNumeric]:
		k.reps = numericRepresentatives(conds)
	case families[familyDate]:
		k.reps = dateRepresentatives(conds)
	case families[familyIP]:
		k.reps = ipRepresentatives(conds)
	case families[familyBool]:
		k.reps = boolRepresentatives()
	case families[familyBinary]:
		k.reps = binaryRepresentatives(conds)
	default: // Null only: presence is all that matters
		k.reps = []string{"present"}
	}
	if k.multi {
		sets, err := a.valueSets(k, conds)
		if err != nil {
			return nil, err
		}
		k.sets = sets
		k.numChoices = 1 + len(sets)
	} else {
		k.numChoices = 1 + len(k.reps)
	}
	return k, nil
}

// valueSets finds the sets of values a multi-valued key can take that the conditions on it
// tell apart, without enumerating every subset of its representatives. Over a non-empty set of
// values every condition is either "some value satisfies it" (ForAnyValue, and a plain
// positive operator) or "every value satisfies it" (ForAllValues, and a plain negated
// operator); so the truth values of the conditions on a set are the OR, or the AND, of their
// truth values on its elements, and the achievable combinations are the closure of the
// single-value combinations under that merge. Each comes with the set that reaches it. The
// empty set (present, no value) is a choice of its own.
func (a *analysis) valueSets(k *keyDim, conds []*compiledCondition) ([][]int, error) {
	if len(conds) > maxSetConditions {
		return nil, undecided("multi-valued condition key %s is tested by %d conditions; the analysis decides at most %d", k.name, len(conds), maxSetConditions)
	}
	var orBits uint64
	for j, c := range conds {
		if c.set == setForAnyValue || (c.set == setNone && !c.negated) {
			orBits |= 1 << j
		}
	}
	truth := func(set []int) uint64 {
		vals := []string{}
		for _, i := range set {
			vals = append(vals, k.reps[i])
		}
		v := ContextValue{Key: k.name, Values: vals, Multi: true}
		var bits uint64
		for j, c := range conds {
			if c.evalValue(v, true, a.base) {
				bits |= 1 << j
			}
		}
		return bits
	}
	merge := func(x, y uint64) uint64 { return (x|y)&orBits | (x&y)&^orBits }
	sets := [][]int{{}}
	seen := map[uint64]int{}
	var single []uint64
	for i := range k.reps {
		v := truth([]int{i})
		single = append(single, v)
		if _, ok := seen[v]; !ok {
			seen[v] = len(sets)
			sets = append(sets, []int{i})
		}
	}
	// Grow every known combination by one more value until nothing new appears.
	for head := 1; head < len(sets); head++ {
		base := truth(sets[head])
		for i := range k.reps {
			v := merge(base, single[i])
			if _, ok := seen[v]; ok {
				continue
			}
			if len(sets) >= a.remaining() {
				return nil, undecided("the values of %s have too many combinations for the budget", k.name)
			}
			grown := append(append([]int(nil), sets[head]...), i)
			seen[v] = len(sets)
			sets = append(sets, grown)
		}
	}
	return sets, nil
}

// stringAtoms are the globs that a String or Arn condition compares values with, with the
// principal's variables substituted.
func (a *analysis) stringAtoms(c *compiledCondition) []globAtom {
	var out []globAtom
	for i := range c.values {
		v := &c.values[i]
		switch {
		case c.family == familyARN:
			g, ok := v.tmpl.expandGlob(a.base)
			if ok {
				out = append(out, globAtom{g: arnConditionGlob(g)})
			}
		case c.op == opStringLike:
			if g, ok := v.tmpl.expandGlob(a.base); ok {
				out = append(out, globAtom{g: g})
			}
		default:
			if t, ok := v.tmpl.expandString(a.base); ok {
				out = append(out, globAtom{g: glob(nil).appendLiteral(t), fold: c.op == opStringEqualsIgnoreCase})
			}
		}
	}
	return out
}

// arnConditionGlob is the glob that accepts exactly the values an Arn condition value g
// accepts: the six parts matched separately (so wildcards of the first five stay inside
// their part), the value starting with "arn:".
func arnConditionGlob(g glob) glob {
	p := compileArnPattern(g)
	lit := func(s string) glob { return glob(nil).appendLiteral(s) }
	if !p.valid {
		return glob{} // matches only "", which no Arn comparison accepts: the reps decide
	}
	if p.anyARN {
		out := lit("arn:")
		for i := 0; i < 4; i++ {
			out = append(out, globStarSeg, ':')
		}
		return append(out, globStar)
	}
	if !p.parts[0].match("arn") {
		return glob{}
	}
	out := lit("arn")
	for i := 1; i < 6; i++ {
		out = append(out, ':')
		if i < 5 {
			out = append(out, segmentGlob(p.parts[i])...)
		} else {
			out = append(out, p.parts[i]...)
		}
	}
	return out
}

// isMultiValuedKey: the catalogue's type (ArrayOf...) for a key it knows (a request carries
// one value of a single-valued key, whatever set operators policies apply to it: evaluation
// rejects more); a key the catalogue does not know may carry any number of values.
func isMultiValuedKey(key string, conds []*compiledCondition) bool {
	if k, ok := catalog.LookupConditionKey(key); ok {
		return k.MultiValued
	}
	return true
}
