package evaluator

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/iamguard/terraform-provider-iam/internal/catalog"
)

// The condition-key dimension of the analysis: which keys the question fixes, and the
// representative values of every free key (string cells, intervals of numbers and dates,
// networks), per family of the operators that compare it.

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
	k := &keyDim{key: key, name: name, multi: isMultiValuedKey(key)}
	families := map[OperatorFamily]bool{}
	for _, c := range conds {
		families[c.family] = true
	}
	delete(families, FamilyNull)
	if families[FamilyString] && families[FamilyARN] {
		delete(families, FamilyARN)
	}
	// String (or Arn) with Bool: the string cells are split at the values Bool reads as true
	// and as false (compared as strings.EqualFold does, over whole case orbits), so every cell
	// is alike for both families. Published SCPs test s3:x-amz-server-side-encryption so.
	boolToo := families[FamilyBool] && (families[FamilyString] || families[FamilyARN])
	if boolToo {
		delete(families, FamilyBool)
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
	case families[FamilyString] || families[FamilyARN]:
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
	case families[FamilyNumeric]:
		k.reps = numericRepresentatives(conds)
	case families[FamilyDate]:
		k.reps = dateRepresentatives(conds)
	case families[FamilyIP]:
		k.reps = ipRepresentatives(conds)
	case families[FamilyBool]:
		k.reps = boolRepresentatives()
	case families[FamilyBinary]:
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
		if c.set == SetForAnyValue || (c.set == SetNone && !c.negated) {
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
		case c.family == FamilyARN:
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
func isMultiValuedKey(key string) bool {
	if k, ok := catalog.LookupConditionKey(key); ok {
		return k.MultiValued
	}
	return true
}
