package evaluator

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/iamguard/terraform-provider-iam/internal/catalog"
)

// tri is a truth value that may not be known yet.
type tri uint8

const (
	triFalse tri = iota
	triTrue
	triUnknown
)

// oracleMode says how the flow reads statements whose truth is not known yet. The flow is
// monotone: it can only allow more when more Allow statements apply and fewer Deny statements
// do. So reading unknown Allows as true and unknown Denies as false (optimistic) bounds every
// completion from above, and the reverse (pessimistic) from below.
type oracleMode uint8

const (
	modeOptimistic oracleMode = iota
	modePessimistic
	modeExact
)

// pairSearch searches the condition keys for one resource cell and one action cell.
type pairSearch struct {
	a      *analysis
	rc     *resourceCell
	ac     *actionCell
	alive  bitset
	e      *evalContext
	ps     []PolicySet // per side, with the cell's resource policy
	dims   []int       // the free keys that alive statements read, in search order
	choice []int       // per key dimension: -1 unassigned, else the choice
	// resourceConds holds the truth of conditions on aws:ResourceAccount for this cell.
	resourceConds map[*compiledCondition]bool
	table         map[condChoice]bool
}

type condChoice struct {
	c      *compiledCondition
	choice int
}

// errCancelled ends a search whose question's Done channel was closed.
var errCancelled = errors.New("the analysis was stopped before it finished (cancelled or timed out)")

// cancelled reports whether the question's Done channel is closed.
func (a *analysis) cancelled() bool {
	if a.q.Done == nil {
		return false
	}
	select {
	case <-a.q.Done:
		return true
	default:
		return false
	}
}

func (a *analysis) run() Answer {
	var undecidedReason string
	requests := false // whether the set holds any request AWS can receive
	// The actions that act on resources first: their witnesses say more than one on "*".
	order := make([]int, 0, len(a.units))
	for ui := range a.units {
		if ui != a.unitIndex[""] {
			order = append(order, ui)
		}
	}
	if ui, ok := a.unitIndex[""]; ok {
		order = append(order, ui)
	}
	// First the cheap contexts of every pair, then the exhaustive search of every pair.
	for _, cheap := range []bool{true, false} {
		undecidedReason = ""
		for _, ui := range order {
			cells, err := a.unitCells(ui)
			if err != nil {
				if undecidedReason == "" {
					undecidedReason = err.Error()
				}
				continue
			}
			for ri := range cells {
				rc := &cells[ri]
				searched := map[string]bool{}
				for _, ai := range a.units[ui].actions {
					ac := &a.actionCells[ai]
					if !actsOn(ac, rc) {
						continue
					}
					requests = true
					alive := newBitset(len(a.stmts))
					for si := range a.stmts {
						if ac.sig.has(si) && rc.hits.has(si) {
							alive.set(si)
						}
					}
					// Action cells that leave the same statements alive, with the same service
					// class, have the same answer.
					memo := alive.key() + "|" + ac.class
					if searched[memo] {
						continue
					}
					searched[memo] = true
					if a.cancelled() {
						return Answer{Outcome: Undecided, Reason: errCancelled.Error(), Searched: a.nodes}
					}
					w, err := a.searchPair(rc, ac, alive, cheap)
					if errors.Is(err, errCancelled) {
						return Answer{Outcome: Undecided, Reason: err.Error(), Searched: a.nodes}
					}
					if err != nil {
						if undecidedReason == "" {
							undecidedReason = err.Error()
						}
						continue
					}
					if w != nil {
						w.Searched = a.nodes
						return *w
					}
				}
			}
		}
	}
	if undecidedReason != "" {
		return Answer{Outcome: Undecided, Reason: undecidedReason, Searched: a.nodes}
	}
	if !requests {
		return Answer{Outcome: Denied, NoRequest: true, Searched: a.nodes,
			Reason: "no request AWS can receive is in the set: none of the actions acts on a resource that the resource patterns match (an action acts on the ARNs of its resource types, or on \"*\" when it takes no resource)"}
	}
	return Answer{Outcome: Denied, Searched: a.nodes}
}

// actsOn reports whether the resources of a cell are of the types the actions act on.
func actsOn(ac *actionCell, rc *resourceCell) bool { return actsOnSig(ac, rc.sig) }

func (a *analysis) searchPair(rc *resourceCell, ac *actionCell, alive bitset, cheap bool) (*Answer, error) {
	action := a.preferredAction(ac)
	req := &Request{Principal: a.q.Principal, Action: action, Resource: rc.witness,
		ResourceAccount: a.q.ResourceAccount, Context: a.ctx.Clone()}
	e, err := newEvalContext(req)
	if err != nil {
		return nil, err
	}
	s := &pairSearch{a: a, rc: rc, ac: ac, alive: alive, e: e,
		resourceConds: map[*compiledCondition]bool{}, table: map[condChoice]bool{}}
	for i, sd := range a.sides {
		ps := sd.policies
		ps.Resource = rc.policies[i]
		s.ps = append(s.ps, ps)
	}
	s.choice = make([]int, len(a.keys))
	for i := range s.choice {
		s.choice[i] = -1
	}
	used := map[int]bool{}
	for si := range a.stmts {
		if !alive.has(si) {
			continue
		}
		for _, cr := range a.conds[si] {
			switch cr.kind {
			case condFree:
				used[cr.dim] = true
			case condResource:
				s.resourceConds[cr.c] = cr.c.eval(e)
			}
		}
	}
	for d := range used {
		s.dims = append(s.dims, d)
	}
	sort.Slice(s.dims, func(i, j int) bool {
		ki, kj := a.keys[s.dims[i]], a.keys[s.dims[j]]
		if ki.uses != kj.uses {
			return ki.uses > kj.uses
		}
		return ki.key < kj.key
	})
	// Keys that no alive statement reads stay absent.
	for d := range s.choice {
		if !used[d] {
			s.choice[d] = 0
		}
	}
	if cheap {
		if !s.cheapContexts() {
			return nil, nil
		}
		return a.witnessOf(s)
	}
	found, err := s.dfs(0)
	if err != nil || !found {
		return nil, err
	}
	return a.witnessOf(s)
}

// witnessOf is the answer of a pair found allowed: its witness, or only the outcome when the
// caller already has a witness for the pair's actions (Effective decides every pair, and
// building a readable witness for each would cost more than deciding it).
func (a *analysis) witnessOf(s *pairSearch) (*Answer, error) {
	if a.outcomeOnly {
		return &Answer{Outcome: Allowed}, nil
	}
	return a.witness(s)
}

// cheapContexts tries the contexts most requests have before any exhaustive search: every
// free key absent, then one key with one value and the others absent. Guard rails written as
// many conditional Denies are usually passed by such a request, and finding it first keeps
// the budget for questions that need the search.
func (s *pairSearch) cheapContexts() bool {
	for _, d := range s.dims {
		s.choice[d] = 0
	}
	s.a.nodes++
	if s.goalExact() {
		return true
	}
	for _, d := range s.dims {
		for c := 1; c < s.a.keys[d].numChoices; c++ {
			s.a.nodes++
			s.choice[d] = c
			if s.goalExact() {
				return true
			}
		}
		s.choice[d] = 0
	}
	return false
}

// dfs assigns the keys from position depth on; true when the assignment in s.choice is an
// allowed request.
func (s *pairSearch) dfs(depth int) (bool, error) {
	a := s.a
	a.nodes++
	if a.nodes%1024 == 0 && a.cancelled() {
		return false, errCancelled
	}
	if a.nodes > a.budget {
		return false, fmt.Errorf("the search budget (%d nodes) was exhausted before every combination of actions, resources and condition values was decided", a.budget)
	}
	if !s.possible() {
		return false, nil
	}
	if depth == len(s.dims) {
		return s.goalExact(), nil
	}
	if s.certain() {
		// Every completion reaches the goal: leave the remaining keys absent.
		for _, d := range s.dims[depth:] {
			s.choice[d] = 0
		}
		if s.goalExact() {
			return true, nil
		}
		for _, d := range s.dims[depth:] {
			s.choice[d] = -1
		}
	}
	d := s.dims[depth]
	for c := 0; c < a.keys[d].numChoices; c++ {
		s.choice[d] = c
		ok, err := s.dfs(depth + 1)
		if ok || err != nil {
			return ok, err
		}
	}
	s.choice[d] = -1
	return false, nil
}

// possible reports whether some completion of the assignment may reach the goal: every side
// that must allow allows when read optimistically, and every side that must not allow does
// not allow when read pessimistically.
func (s *pairSearch) possible() bool {
	for i, sd := range s.a.sides {
		if sd.wantAllow && s.decide(i, modeOptimistic) != Allow {
			return false
		}
		if !sd.wantAllow && s.decide(i, modePessimistic) == Allow {
			return false
		}
	}
	return true
}

// certain reports whether every completion of the assignment reaches the goal.
func (s *pairSearch) certain() bool {
	for i, sd := range s.a.sides {
		if sd.wantAllow && s.decide(i, modePessimistic) != Allow {
			return false
		}
		if !sd.wantAllow && s.decide(i, modeOptimistic) == Allow {
			return false
		}
	}
	return true
}

// goalExact decides the goal on a complete assignment.
func (s *pairSearch) goalExact() bool {
	for i, sd := range s.a.sides {
		if (s.decide(i, modeExact) == Allow) != sd.wantAllow {
			return false
		}
	}
	return true
}

// decide runs the authorization flow of one side with statements read in the given mode.
func (s *pairSearch) decide(sideIndex int, mode oracleMode) Decision {
	f := flow{ps: &s.ps[sideIndex], e: s.e, opts: s.a.q.Options}
	f.applies = func(st *Statement) bool {
		t := s.status(st)
		switch {
		case t == triTrue:
			return true
		case t == triFalse:
			return false
		case mode == modeOptimistic:
			return st.Effect == EffectAllow
		case mode == modePessimistic:
			return st.Effect == EffectDeny
		}
		return false
	}
	return f.decide().Decision
}

// status is the truth of a statement's Action, Resource and Condition elements under the
// current assignment.
func (s *pairSearch) status(st *Statement) tri {
	si, ok := s.a.stmtIndex[st]
	if !ok || !s.alive.has(si) {
		return triFalse
	}
	out := triTrue
	for _, cr := range s.a.conds[si] {
		var v bool
		switch cr.kind {
		case condFixed:
			v = cr.fixed
		case condResource:
			v = s.resourceConds[cr.c]
		case condFree:
			ch := s.choice[cr.dim]
			if ch < 0 {
				out = triUnknown
				continue
			}
			v = s.condValue(cr.c, cr.dim, ch)
		}
		if !v {
			return triFalse
		}
	}
	return out
}

func (s *pairSearch) condValue(c *compiledCondition, dim, choice int) bool {
	k := condChoice{c, choice}
	if v, ok := s.table[k]; ok {
		return v
	}
	val, present := s.a.keys[dim].value(choice)
	v := c.evalValue(val, present, s.a.base)
	s.table[k] = v
	return v
}

// preferredAction picks the action of the cell to show: one the question names literally,
// else the first in catalogue order.
func (a *analysis) preferredAction(ac *actionCell) string {
	for _, p := range a.q.Actions {
		for _, m := range ac.members {
			if strings.EqualFold(p, m) {
				return m
			}
		}
	}
	return ac.members[0]
}

// witness builds the allowed request from the assignment, makes it readable (a resource in
// the action's own ARN format when one is decided the same way, and no condition key that the
// decision does not need), and checks it with Authorize: a witness that Authorize does not
// allow would be a bug of the analysis and is never reported.
func (a *analysis) witness(s *pairSearch) (*Answer, error) {
	req := *s.e.req
	req.Context = a.ctx.Clone()
	var free []string
	for d, ch := range s.choice {
		if ch <= 0 {
			continue
		}
		v, _ := a.keys[d].value(ch)
		req.Context.put(v)
		free = append(free, v.Key)
	}
	// Prefer a resource in the action's own ARN format: any resource of the question's set
	// that every side still decides as the question wants will do, whichever cell it is in.
	for _, cand := range a.readableResources(req.Action, s.rc, s.ac, a.plainWitness) {
		trial := req
		trial.Resource = cand
		if _, ok, err := s.checkWitness(&trial); err == nil && ok {
			req.Resource = cand
			break
		}
	}
	res, ok, err := s.checkWitness(&req)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("internal error: the analysis found %s on %s but the evaluator disagrees (%s); please report this", req.Action, req.Resource, res.Reason())
	}
	for _, k := range free {
		trial := req
		trial.Context = req.Context.Clone()
		trial.Context.Delete(k)
		if r, ok, err := s.checkWitness(&trial); err == nil && ok {
			req, res = trial, r
		}
	}
	// Keys that a real request carries together (analyze_realistic.go).
	if variants := realisticVariants(&req); variants != nil {
		found := false
		for i := range variants {
			if !a.inQuestion(variants[i].Resource) {
				continue
			}
			if r, ok, err := s.checkWitness(&variants[i]); err == nil && ok {
				req, res, found = variants[i], r, true
				break
			}
		}
		if !found {
			return nil, undecided("the analysis found %s on %s allowed with a context that no real request has (aws:TagKeys must list the aws:RequestTag keys, aws:MultiFactorAuthAge comes with aws:MultiFactorAuthPresent true, aws:RequestedRegion is the region of the resource's ARN), and none of the requests that agree was allowed; the analysis treats those keys as independent", req.Action, req.Resource)
		}
	}
	if notReceivable(&req, free) != "" {
		// The cell's string is no resource of the action (a format that ends in a literal, such
		// as "root" or "data-lake/default", with text after it): any resource of the action's
		// own formats that is in the question and allowed is a witness.
		if act, ok := catalog.LookupAction(req.Action); ok {
			account := a.witnessAccount()
		formats:
			for _, rt := range act.ResourceTypes() {
				if rt.ResourceType == nil {
					continue
				}
				for _, f := range rt.ResourceType.ARNFormats() {
					trial := req
					trial.Resource = instantiateARNFormat(strings.TrimSpace(f), account)
					if !a.inQuestion(trial.Resource) || notReceivable(&trial, free) != "" {
						continue
					}
					if r, ok, err := s.checkWitness(&trial); err == nil && ok {
						req, res = trial, r
						break formats
					}
				}
			}
		}
	}
	if why := notReceivable(&req, free); why != "" {
		return nil, undecided("the analysis found %s on %s allowed, but %s; the analysis does not prove that no request AWS can receive is allowed", req.Action, req.Resource, why)
	}
	return &Answer{Outcome: Allowed, Witness: &req, Result: res}, nil
}

// checkWitness evaluates a request on every side with Authorize: ok when each side decides
// as the question wants. The result is that of the first side that must allow.
func (s *pairSearch) checkWitness(req *Request) (Result, bool, error) {
	var first Result
	found := false
	for _, sd := range s.a.sides {
		// The resource policy is the one of the witness's own resource, which need not be in
		// the cell the search chose: only the groups of the policies' patterns are matched.
		ps := sd.policies
		ps.Resource = mergeResourcePolicies(sd.resourcePolicies, func(k int) bool {
			return groupMatches(s.a.resourceGroups[sd.policyGroups[k]], req.Resource)
		})
		r, err := Authorize(&ps, req, s.a.q.Options)
		if err != nil {
			return Result{}, false, err
		}
		if sd.wantAllow && !found {
			first, found = r, true
		}
		if (r.Decision == Allow) != sd.wantAllow {
			return r, false, nil
		}
	}
	return first, true, nil
}

// readableResources lists resources nicer than the cell's shortest string: the ARN formats of
// the action's resource types filled with examples, then the cell's string with real values
// in its region and account segments and some text where a star begins. Only resources inside
// the question's patterns and of the action's resource types are listed.
func (a *analysis) readableResources(action string, rc *resourceCell, ac *actionCell, plain bool) []string {
	if plain {
		// Only the cell's own segments made real (a region, an account), computed once per cell.
		if rc.readable == nil {
			account := a.witnessAccount()
			rc.readable = append([]string{}, realSegments(rc.witness, account, rc.sig, a.units[ac.unit].groups)...)
		}
		return rc.readable
	}
	account := a.witnessAccount()
	var cands []string
	if act, ok := catalog.LookupAction(action); ok {
		for _, rt := range act.ResourceTypes() {
			if rt.ResourceType == nil {
				continue
			}
			for _, format := range rt.ResourceType.ARNFormats() {
				cands = append(cands, instantiateARNFormat(strings.TrimSpace(format), account))
			}
		}
	}
	// The shortest format is usually the resource the action is about (an S3 object rather
	// than an object behind an access point).
	sort.SliceStable(cands, func(i, j int) bool { return len(cands[i]) < len(cands[j]) })
	cands = append(cands, realSegments(rc.witness, account, rc.sig, a.units[ac.unit].groups)...)
	var out []string
	for _, c := range cands {
		if c == rc.witness || !groupMatches(a.resourceGroups[a.forbidGroup], c) {
			continue
		}
		for _, g := range ac.types {
			if groupMatches(a.resourceGroups[g], c) {
				out = append(out, c)
				break
			}
		}
	}
	return out
}

// witnessAccount is the account of a witness's resource: the question's resource account,
// else the caller's, else the documentation's example account.
func (a *analysis) witnessAccount() string {
	switch {
	case a.q.ResourceAccount != "":
		return a.q.ResourceAccount
	case a.caller.Account != "":
		return a.caller.Account
	}
	return exampleAccount
}

// exampleAccount is the account of examples where the question names none (AWS's own
// documentation account).
const exampleAccount = "111122223333"

// exampleRegions are real regions, tried in order for the region segment of a witness.
var exampleRegions = []string{"us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "eu-north-1",
	"ap-southeast-1", "ap-southeast-2", "ap-northeast-1", "ap-south-1", "ca-central-1", "sa-east-1",
	"me-south-1", "af-south-1", "il-central-1", "us-east-2", "us-west-1", "eu-west-2", "eu-west-3",
	"eu-south-1", "ap-east-1", "ap-northeast-2", "ap-northeast-3", "me-central-1", "us-gov-west-1",
	"us-gov-east-1", "cn-north-1", "cn-northwest-1"}

// realSegments returns versions of an ARN whose region and account segments are real values
// (a region of exampleRegions, the given account) while every group decides it as it decides
// the original (same signature), and the same with "example" where the resource part ends.
func realSegments(arn, account string, sig bitset, groups []globGroup) []string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" {
		return nil
	}
	same := func(p []string) bool { return signatureOf(groups, strings.Join(p, ":")).equal(sig) }
	try := func(i int, values ...string) {
		for _, v := range values {
			if parts[i] == v {
				return
			}
			p := append([]string(nil), parts...)
			p[i] = v
			if same(p) {
				parts = p
				return
			}
		}
	}
	if parts[3] != "" {
		try(3, exampleRegions...)
	}
	if parts[4] != "" {
		try(4, account, exampleAccount)
	}
	base := strings.Join(parts, ":")
	return []string{base + "example", base}
}

// actsOnSig reports whether a resource of signature sig is of the types the actions act on.
func actsOnSig(ac *actionCell, sig bitset) bool {
	for _, g := range ac.types {
		if sig.has(g) {
			return true
		}
	}
	return false
}

// instantiateARNFormat fills an ARN format of the catalogue (arn:${Partition}:s3:::${BucketName})
// with example values.
func instantiateARNFormat(format, account string) string {
	var b strings.Builder
	for {
		i := strings.Index(format, "${")
		if i < 0 {
			b.WriteString(format)
			return b.String()
		}
		b.WriteString(format[:i])
		j := strings.IndexByte(format[i:], '}')
		if j < 0 {
			b.WriteString(format[i:])
			return b.String()
		}
		name := format[i+2 : i+j]
		switch name {
		case "Partition":
			b.WriteString("aws")
		case "Region":
			b.WriteString("us-east-1")
		case "Account":
			b.WriteString(account)
		default:
			b.WriteString("example")
		}
		format = format[i+j+1:]
	}
}

// inQuestion reports whether a resource is in the question's set.
func (a *analysis) inQuestion(resource string) bool {
	for _, p := range a.q.Resources {
		if compileResourceGlob(p).match(resource) {
			return true
		}
	}
	return false
}
