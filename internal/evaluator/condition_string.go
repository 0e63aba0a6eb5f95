package evaluator

import "strings"

// String operators [OPS]: StringEquals and StringNotEquals compare exactly (case-sensitive),
// the IgnoreCase forms compare without regard to case, StringLike and StringNotLike match
// * (any run of characters) and ? (one character) anywhere in the value, case-sensitively. A
// value with a policy variable that has no value matches nothing (iam-semantics §3 rule 11).

func (c *compiledCondition) matchString(s string, e *evalContext) bool {
	for i := range c.values {
		if c.values[i].matchString(c.op, s, e) {
			return true
		}
	}
	return false
}

func (v *conditionValue) matchString(op conditionOp, s string, e *evalContext) bool {
	if op == opStringLike {
		g, ok := v.tmpl.expandGlob(e)
		return ok && g.match(s)
	}
	want, ok := v.tmpl.expandString(e)
	if !ok {
		return false
	}
	if op == opStringEqualsIgnoreCase {
		return strings.EqualFold(want, s)
	}
	return want == s
}
