package evaluator

import "strings"

// The resource dimension of the analysis: the groups of resource patterns (the question's, the
// statements', the resource policies', the resource types' ARN formats), cellized per unit of
// services when the search reaches it, and the resource policy of each cell.

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
				if c.family == FamilyString && c.op == opStringLike {
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
