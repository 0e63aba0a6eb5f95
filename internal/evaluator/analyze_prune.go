package evaluator

import (
	"errors"
	"sort"
	"strings"

	"github.com/iamguard/terraform-provider-iam/internal/catalog"
)

// Before the analysis builds its cells, every policy loses the statements whose Action or
// NotAction element covers no action of the question. The answer does not change: a statement
// that matches no request of the set has no say in any of them. The work shrinks a lot: a
// question about s3:GetObject need not cut resource cells for the hundreds of patterns of
// ViewOnlyAccess, nor for the bucket policies of a whole account whose statements are about
// other actions. Statements keep their index and path, so explanations still point into the
// original documents. A policy left without statements stays (an empty permissions boundary
// still allows nothing); a resource policy left without statements is dropped, as a resource
// policy that grants nothing and denies nothing has no say.

// directCoverLimit is the number of candidate actions up to which statement coverage is
// computed by matching each candidate, rather than by expanding each pattern of a statement
// over the catalogue.
const directCoverLimit = 256

// actionCoverage tells which of the question's actions each statement's Action or NotAction
// list matches.
type actionCoverage struct {
	// candidates are the catalogue actions matching a question pattern (indexes, sorted);
	// extra are the question's patterns without wildcards that the catalogue does not know.
	candidates []int
	extra      []string
	services   map[string]bool // lower-case service prefixes of the question; nil: any
	expanded   map[string]bitset
	byStmt     map[*Statement]bitset
	pruned     map[*Policy]*Policy
	union      bitset // scratch: the catalogue actions of one statement's patterns
}

func newActionCoverage(patterns []string) (*actionCoverage, error) {
	inSet := map[int]bool{}
	c := &actionCoverage{services: map[string]bool{}, expanded: map[string]bitset{},
		byStmt: map[*Statement]bitset{}, pruned: map[*Policy]*Policy{}}
	for _, p := range patterns {
		idx := catalog.ExpandActionPattern(p)
		for _, i := range idx {
			inSet[i] = true
		}
		if len(idx) == 0 && !strings.ContainsAny(p, "*?") {
			c.extra = append(c.extra, p)
		}
	}
	if len(inSet) == 0 && len(c.extra) == 0 {
		return nil, errors.New("no action of the catalogue matches the question's actions")
	}
	for i := range inSet {
		c.candidates = append(c.candidates, i)
	}
	// The services of the question, from its patterns; nil when a pattern's service has a
	// wildcard (every service may be in play).
	for _, p := range patterns {
		svc, _, ok := strings.Cut(p, ":")
		if !ok || strings.ContainsAny(svc, "*?") {
			c.services = nil
			break
		}
		c.services[strings.ToLower(svc)] = true
	}
	sort.Ints(c.candidates)
	return c, nil
}

// of returns which candidates the statement's Action or NotAction list matches (the list
// itself, not its negation): bit j is candidates[j].
func (c *actionCoverage) of(s *Statement) bitset {
	if b, ok := c.byStmt[s]; ok {
		return b
	}
	cover := newBitset(len(c.candidates))
	if len(c.candidates) <= directCoverLimit && s.compiled != nil {
		// Few candidates: the statement's own matchers (those Authorize uses) decide. (A
		// statement built in Go without compiling has none: its patterns are expanded.)
		for j, i := range c.candidates {
			if s.compiled.actionSet.match(catalog.ActionByIndex(i).Name()) {
				cover.set(j)
			}
		}
	} else {
		// Many: each pattern is expanded over the catalogue once (cached), so that large
		// managed policies cost one expansion per pattern rather than one match per action
		// and pattern.
		if c.union == nil {
			c.union = newBitset(catalog.NumActions())
		}
		clear(c.union)
		for _, v := range s.Actions {
			for w, bits := range c.expand(v.Text) {
				c.union[w] |= bits
			}
		}
		for j, i := range c.candidates {
			if c.union.has(i) {
				cover.set(j)
			}
		}
	}
	c.byStmt[s] = cover
	return cover
}

// expand returns the catalogue actions that an Action pattern matches. A pattern whose
// service is literal and not a service of the question matches no candidate and is not
// expanded (nil).
func (c *actionCoverage) expand(p string) bitset {
	if b, ok := c.expanded[p]; ok {
		return b
	}
	var b bitset
	if svc, _, ok := strings.Cut(p, ":"); c.services == nil || !ok || strings.ContainsAny(svc, "*?") || c.services[strings.ToLower(svc)] {
		b = newBitset(catalog.NumActions())
		for _, i := range catalog.ExpandActionPattern(p) {
			b.set(i)
		}
	}
	c.expanded[p] = b
	return b
}

// matchesExtra reports whether the statement's list matches a question action that the
// catalogue does not know.
func (c *actionCoverage) matchesExtra(s *Statement, name string) bool {
	if s.compiled == nil {
		for _, v := range s.Actions {
			if m := compileAction(v.Text); m.match(name) {
				return true
			}
		}
		return false
	}
	return s.compiled.actionSet.match(name)
}

// relevant reports whether the statement covers some action of the question: its Action list
// matches one, or its NotAction list leaves one out.
func (c *actionCoverage) relevant(s *Statement) bool {
	if s.compiled == nil {
		return true
	}
	cover := c.of(s)
	for j := range c.candidates {
		if cover.has(j) != s.NotAction {
			return true
		}
	}
	for _, name := range c.extra {
		if c.matchesExtra(s, name) != s.NotAction {
			return true
		}
	}
	return false
}

// prune returns p without its irrelevant statements (p itself when all are relevant).
func (c *actionCoverage) prune(p *Policy) *Policy {
	if p == nil {
		return nil
	}
	if r, ok := c.pruned[p]; ok {
		return r
	}
	kept := make([]*Statement, 0, len(p.Statements))
	for _, s := range p.Statements {
		if c.relevant(s) {
			kept = append(kept, s)
		}
	}
	r := p
	if len(kept) < len(p.Statements) {
		cp := *p
		cp.Statements = kept
		r = &cp
	}
	c.pruned[p] = r
	return r
}

func (c *actionCoverage) pruneList(ps []*Policy) []*Policy {
	if ps == nil {
		return nil
	}
	out := make([]*Policy, len(ps))
	for i, p := range ps {
		out[i] = c.prune(p)
	}
	return out
}

// pruneSide prunes every policy of one side of the analysis.
func (c *actionCoverage) pruneSide(sd side) side {
	ps := sd.policies
	ps.Identity = c.pruneList(ps.Identity)
	ps.Resource = c.prune(ps.Resource)
	ps.Boundary = c.prune(ps.Boundary)
	ps.Session = c.prune(ps.Session)
	if ps.SCPs != nil {
		levels := make([][]*Policy, len(ps.SCPs))
		for i, l := range ps.SCPs {
			levels[i] = c.pruneList(l)
		}
		ps.SCPs = levels
	}
	if ps.RCPs != nil {
		levels := make([][]*Policy, len(ps.RCPs))
		for i, l := range ps.RCPs {
			levels[i] = c.pruneList(l)
		}
		ps.RCPs = levels
	}
	sd.policies = ps
	var rps []ResourcePolicy
	for _, rp := range sd.resourcePolicies {
		if p := c.prune(rp.Policy); p != nil && len(p.Statements) > 0 {
			rps = append(rps, ResourcePolicy{Pattern: rp.Pattern, Policy: p})
		}
	}
	sd.resourcePolicies = rps
	return sd
}

// StatementPruner prunes policies to the statements that cover some action of a fixed set,
// as the analysis does before every question. A caller that asks many questions about the
// same actions (the guard) keeps one pruner per action set: each policy is pruned once. A
// StatementPruner is not safe for concurrent use.
type StatementPruner struct{ c *actionCoverage }

// NewStatementPruner returns a pruner for the action patterns, or an error when no action
// of the catalogue matches them (and none is named literally).
func NewStatementPruner(actions []string) (*StatementPruner, error) {
	c, err := newActionCoverage(actions)
	if err != nil {
		return nil, err
	}
	return &StatementPruner{c}, nil
}

// Actions is the number of actions of the set (catalogue actions and names it does not know).
func (p *StatementPruner) Actions() int { return len(p.c.candidates) + len(p.c.extra) }

// Policy returns p without the statements that cover none of the actions (p itself when all
// do). The statements keep their index and path.
func (p *StatementPruner) Policy(policy *Policy) *Policy { return p.c.prune(policy) }

// Set prunes every policy of a policy set.
func (p *StatementPruner) Set(ps PolicySet) PolicySet {
	return p.c.pruneSide(side{policies: ps}).policies
}

// ResourcePolicies prunes resource policies and drops those left without statements.
func (p *StatementPruner) ResourcePolicies(list []ResourcePolicy) []ResourcePolicy {
	return p.c.pruneSide(side{resourcePolicies: list}).resourcePolicies
}
