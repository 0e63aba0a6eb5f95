package evaluator

import (
	"sort"
	"strings"
)

// What the validator (internal/validate) reads of a compiled policy: how the engine read each
// condition operator and how a statement's compiled patterns match, so that the rules of
// operators and matching stay here. CompilePolicy (compile.go) gives the policy and every part
// of it that does not compile.

// ConditionOperator is a condition operator as the engine reads it.
type ConditionOperator struct {
	Set SetQualifier
	// Base is the base operator as written, without set qualifier and IfExists
	// ("StringNotLike").
	Base     string
	IfExists bool
	Family   OperatorFamily
	// Negated marks the negated operators (StringNot*, NumericNotEquals, DateNotEquals,
	// NotIpAddress, ArnNot*).
	Negated bool
	op      conditionOp
}

// ParseConditionOperator reads an operator name as compiling a condition does
// ("ForAnyValue:StringNotLikeIfExists"); false when it is not a valid operator.
func ParseConditionOperator(operator string) (ConditionOperator, bool) {
	cc, err := compileOperator(&Condition{Operator: operator})
	if err != nil {
		return ConditionOperator{}, false
	}
	return cc.conditionOperator(), true
}

func (c *compiledCondition) conditionOperator() ConditionOperator {
	return ConditionOperator{Set: c.set, Base: c.baseName, IfExists: c.ifExists, Family: c.family, Negated: c.negated, op: c.op}
}

// CompiledOperator returns how the engine read the condition's operator; false when the condition did
// not compile (CompilePolicy reports it) or the policy was not compiled.
func (c *Condition) CompiledOperator() (ConditionOperator, bool) {
	if c.compiled == nil {
		return ConditionOperator{}, false
	}
	return c.compiled.conditionOperator(), true
}

// NullRequiresKey reports whether the condition is a compiled Null test whose only value is
// false: it holds only for requests that carry the key.
func (c *Condition) NullRequiresKey() bool {
	cc := c.compiled
	return cc != nil && cc.family == FamilyNull && len(cc.values) == 1 && !cc.values[0].boolean
}

// SubstitutesVariables reports whether AWS substitutes policy variables in the operator's
// values (String, Arn and Bool operators).
func (o ConditionOperator) SubstitutesVariables() bool { return o.Family.substitutesVariables() }

// ComparesEqual reports whether the operator is StringEquals or StringEqualsIgnoreCase (or
// their negations), which compare * and ? literally.
func (o ConditionOperator) ComparesEqual() bool {
	return o.op == opStringEquals || o.op == opStringEqualsIgnoreCase
}

// PositiveBase returns the positive form of the base operator ("StringNotEquals" gives
// "StringEquals", "NotIpAddress" gives "IpAddress").
func (o ConditionOperator) PositiveBase() string {
	if o.Negated {
		return strings.Replace(o.Base, "Not", "", 1)
	}
	return o.Base
}

// ConditionOperatorNames lists every operator name a condition can use without a set
// qualifier: the base names and their IfExists forms (Null has none), sorted.
func ConditionOperatorNames() []string {
	var names []string
	for name, spec := range operators {
		names = append(names, name)
		if spec.family != FamilyNull {
			names = append(names, name+"IfExists")
		}
	}
	sort.Strings(names)
	return names
}

// ActionValueMatches reports whether Action (or NotAction) value i of a compiled statement
// matches the action name, as evaluation matches it (without regard to case); false when the
// statement was not compiled.
func (s *Statement) ActionValueMatches(i int, action string) bool {
	if s.compiled == nil || i >= len(s.compiled.actions) {
		return false
	}
	return s.compiled.actions[i].match(action)
}

// ResourceValueMatches reports whether Resource (or NotResource) value i of a compiled
// statement matches the ARN as evaluation matches it, policy variables left unresolved (a value
// with variables matches nothing); false when the statement was not compiled.
func (s *Statement) ResourceValueMatches(i int, arn string) bool {
	if s.compiled == nil || i >= len(s.compiled.resources) {
		return false
	}
	return s.compiled.resources[i].matchText(arn)
}
