package evaluator

import (
	"sort"
	"strings"

	"github.com/iamguard/terraform-provider-iam/internal/catalog"
)

// The action dimension of the analysis: catalogue actions grouped into cells by the statements
// that cover them, the service class the flow reads, and the resource types they act on.

// cellizeActions groups the actions of the question by which statements cover them.
func (a *analysis) cellizeActions() {
	// The candidate actions (every catalogue action matching a question pattern, and
	// patterns without wildcards that the catalogue does not know, as written) and which
	// statements cover them were found when the policies were pruned.
	candidates, extra := a.coverage.candidates, a.coverage.extra
	stmtCover := make([]bitset, len(a.stmts))
	for si, s := range a.stmts {
		stmtCover[si] = a.coverage.of(s)
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
	for j, i := range candidates {
		act := catalog.ActionByIndex(i)
		unit, types := a.actionResourceGroups(act)
		add(act.Name(), unit, types, func(si int) bool { return stmtCover[si].has(j) })
	}
	for _, name := range extra {
		lower := strings.ToLower(name)
		// An action the catalogue does not know: nothing is known of its resources.
		unit, anything := a.unitOf(""), a.addGroup(false, glob{globStar})
		a.addUnitType(unit, anything)
		add(name, unit, []int{anything}, func(si int) bool { return a.coverage.matchesExtra(a.stmts[si], lower) })
	}
	a.relevant = make([]bool, len(a.stmts))
	for _, c := range a.actionCells {
		for si := range a.stmts {
			if c.sig.has(si) {
				a.relevant[si] = true
			}
		}
	}
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
