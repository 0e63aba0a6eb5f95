package validate

import (
	"fmt"
	"strings"

	"github.com/iamguard/terraform-provider-iam/internal/catalog"
	"github.com/iamguard/terraform-provider-iam/internal/evaluator"
)

// checkConditions checks each operator/key pair of the statement's Condition element.
func (v *validator) checkConditions(s *evaluator.Statement) {
	if _, ok := s.ElementPos["Condition"]; ok && len(s.Conditions) == 0 {
		v.add("EMPTY_CONDITION", s.Path+".Condition", s.ElementPos["Condition"], "the Condition element has no conditions: remove it, or add the conditions it was meant to hold")
	}
	for _, c := range s.Conditions {
		v.checkCondition(s, c)
	}
}

// conditionOperatorPlace returns the JSON path and position of a condition's operator.
func conditionOperatorPlace(c *evaluator.Condition) (string, evaluator.Position) {
	pos := c.OperatorPos
	if pos == (evaluator.Position{}) {
		pos = c.Pos
	}
	return strings.TrimSuffix(c.Path, "."+c.Key), pos
}

func (v *validator) checkCondition(s *evaluator.Statement, c *evaluator.Condition) {
	opPath, opPos := conditionOperatorPlace(c)
	version2012 := v.policy.Version == evaluator.Version2012
	op, known := evaluator.ParseConditionOperator(c.Operator)
	for _, val := range c.Values {
		if !strings.Contains(val.Text, "${") {
			continue
		}
		switch {
		case !version2012:
			v.add("VARIABLE_WITHOUT_VERSION", val.Path, val.Pos, "the value %q has ${...}, but variables are substituted only under \"Version\": \"2012-10-17\"; without it the text is literal: set the Version", val.Text)
		case known && !op.SubstitutesVariables():
			v.addIssue("VARIABLE_NOT_ALLOWED", "INVALID_VARIABLE_FOR_OPERATOR", val.Path, val.Pos, "policy variables are substituted only in String, Arn and Bool conditions, not in %s: compare with a literal value", c.Operator)
			return
		default:
			if !v.checkVariables(val.Path, val.Pos, val.Text) {
				return
			}
		}
		if !version2012 {
			break // one finding per condition is enough
		}
	}
	if pr := v.conditionProblems[c]; pr != nil {
		pe := pr.Err
		code, message := "INVALID_CONDITION_VALUE", pe.Message
		switch pr.Kind {
		case evaluator.ProblemOperator:
			code = "INVALID_CONDITION_OPERATOR"
			if near := nearestOperator(c.Operator); near != "" && strings.HasPrefix(message, "unknown condition operator") {
				message = fmt.Sprintf("unknown condition operator %q: did you mean %s? (%s)", c.Operator, near, message)
			}
		case evaluator.ProblemVariable:
			// The engine refuses a placeholder that scanVariables accepted.
			code, message = "INVALID_VARIABLE", message+": write ${key} or ${key, 'default'}"
		}
		v.addAt(code, pe.Path, pe.Line, pe.Column, "%s", message)
		return
	}
	op, compiled := c.CompiledOperator()
	if !compiled {
		return // a policy that was not compiled (ValidateParsed wants ParsePolicy's)
	}
	// FORALLVALUES_WITH_SINGLE_VALUED_KEY (checkConditionKey) covers a single-valued key, with
	// the fix that removes this finding's cause too.
	if op.Set == evaluator.SetForAllValues && s.Effect == evaluator.EffectAllow && !requiresKey(s, c) && !singleValuedKey(c.Key) {
		v.add("FORALLVALUES_WITH_ALLOW", opPath, opPos, "%s in an Allow statement is true when the request has no %s at all, so it grants more than the listed values: add {\"Null\": {%q: \"false\"}} to require the key, or use ForAnyValue", c.Operator, c.Key, c.Key)
	}
	// In a Deny, ForAnyValue with a negated operator is the documented way to deny a request
	// when any of its values is outside a list; in an Allow it grants when a single value is
	// outside the list, which is rarely meant.
	if op.Set == evaluator.SetForAnyValue && op.Negated && s.Effect == evaluator.EffectAllow {
		v.add("FORANYVALUE_WITH_NEGATED_OPERATOR", opPath, opPos, "%s in an Allow statement is true when any one value of %s is not listed, even if the others are: to allow only requests whose values are all listed use ForAllValues:%s with a Null check, or to refuse unlisted values use a Deny statement with %s", c.Operator, c.Key, op.PositiveBase(), c.Operator)
	}
	if op.Family == evaluator.FamilyString && op.ComparesEqual() {
		for _, val := range c.Values {
			if hasLiteralWildcard(val.Text, version2012) {
				v.add("WILDCARD_WITHOUT_LIKE", val.Path, val.Pos, "%s compares %q literally, * and ? included: use %s to match a pattern", op.Base, val.Text, likeName(op))
				break
			}
		}
	}
	v.checkConditionKey(s, c, op, opPath, opPos)
}

// operatorNames lists every operator name a condition can use without a set qualifier.
var operatorNames = evaluator.ConditionOperatorNames()

// nearestOperator proposes the operator name closest to a misspelt one (StringEqualz gives
// StringEquals), keeping its set qualifier; "" when none is close (two edits at most, fewer
// for short names, so that "Foo" suggests nothing).
func nearestOperator(operator string) string {
	qualifier, name := "", operator
	if q, rest, ok := strings.Cut(operator, ":"); ok {
		qualifier, name = q+":", rest
	}
	best, bestDist := "", min(3, len(name)/4+1)
	lower := strings.ToLower(name)
	for _, known := range operatorNames {
		if d := evaluator.EditDistance(lower, strings.ToLower(known), bestDist); d < bestDist {
			best, bestDist = known, d
		}
	}
	if best == "" {
		return ""
	}
	return qualifier + best
}

// requiresKey reports whether another condition of the statement is false when c's key is
// absent: a Null test with "false", or a ForAnyValue operator (false on an empty set).
func requiresKey(s *evaluator.Statement, c *evaluator.Condition) bool {
	for _, other := range s.Conditions {
		if other == c || !strings.EqualFold(other.Key, c.Key) {
			continue
		}
		oc, ok := other.CompiledOperator()
		if !ok {
			continue
		}
		if other.NullRequiresKey() {
			return true
		}
		if oc.Set == evaluator.SetForAnyValue && !oc.IfExists {
			return true
		}
	}
	// A request that must carry a tag has a non-empty aws:TagKeys.
	if strings.EqualFold(c.Key, "aws:TagKeys") {
		for _, other := range s.Conditions {
			oc, ok := other.CompiledOperator()
			if ok && hasPrefixFold(other.Key, "aws:RequestTag/") && !oc.Negated && !oc.IfExists && oc.Set != evaluator.SetForAllValues && oc.Family != evaluator.FamilyNull {
				return true
			}
		}
	}
	return false
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

func likeName(op evaluator.ConditionOperator) string {
	if op.Negated {
		return "StringNotLike"
	}
	return "StringLike"
}

// hasLiteralWildcard reports whether a String value has * or ? outside the ${*} and ${?}
// escapes (which stand for the literal characters).
func hasLiteralWildcard(s string, variables bool) bool {
	if variables {
		s = strings.NewReplacer("${*}", "", "${?}", "").Replace(s)
	}
	return strings.ContainsAny(s, "*?")
}

// checkConditionKey checks a condition key against the catalogue: whether it exists, whether
// the statement's actions support it, and whether the operator fits its type.
func (v *validator) checkConditionKey(s *evaluator.Statement, c *evaluator.Condition, cc evaluator.ConditionOperator, opPath string, opPos evaluator.Position) {
	k, found := catalog.LookupConditionKey(c.Key)
	if !found {
		prefix, _, _ := strings.Cut(c.Key, ":")
		_, isService := catalog.LookupService(prefix)
		// Keys of web identity and SAML providers (token.actions.githubusercontent.com:sub) are
		// named after the provider, not a service; the catalogue cannot know them all.
		switch {
		case strings.EqualFold(prefix, "aws"):
			v.add("UNKNOWN_GLOBAL_CONDITION_KEY", c.Path, c.Pos, "the condition key %q is not a global condition key in the Service Authorization Reference%s; a key that no request carries is absent, so the condition is false (true for negated operators and IfExists): check the spelling", c.Key, keySuggestion(c.Key))
		case isService:
			v.add("UNKNOWN_CONDITION_KEY", c.Path, c.Pos, "the condition key %q is neither a global key nor a key of its service in the Service Authorization Reference%s; a key that no request carries is absent, so the condition is false (true for negated operators and IfExists): check the spelling", c.Key, keySuggestion(c.Key))
		}
		return
	}
	if sa := v.actionsOf(s); !k.Global && !sa.any && len(sa.actions) > 0 {
		supported := false
		for _, idx := range sa.actions {
			if catalog.ActionByIndex(idx).SupportsConditionKey(c.Key) {
				supported = true
				break
			}
		}
		if !supported {
			v.add("CONDITION_KEY_NOT_SUPPORTED", c.Path, c.Pos, "none of the statement's actions (%s) supports the condition key %s, so their requests never carry it: use a key they support, or move the condition to a statement with actions that do", describeActionList(sa.actions, 3), k.Name)
		}
	}
	if cc.Family != evaluator.FamilyNull && !familyFitsKey(cc.Family, k) {
		v.add("OPERATOR_TYPE_MISMATCH", opPath, opPos, "%s is a %s operator, but %s holds %s values: use %s", c.Operator, cc.Family, c.Key, k.TypeName(), operatorsForKey(k))
	}
	switch {
	case cc.Set == evaluator.SetForAllValues && !k.MultiValued:
		// Access Analyzer rates this a security warning: ForAllValues is true for a request
		// without the key, so the condition can grant (or fail to deny) more than it lists.
		v.add("FORALLVALUES_WITH_SINGLE_VALUED_KEY", opPath, opPos, "%s is for multi-valued keys, but %s has a single value, and ForAllValues is also true when the request has no %s at all, which can be overly permissive: use %s without the ForAllValues: qualifier", c.Operator, c.Key, c.Key, strings.TrimPrefix(c.Operator, cc.Set.String()+":"))
	case cc.Set != evaluator.SetNone && !k.MultiValued:
		v.add("SET_OPERATOR_ON_SINGLE_VALUED_KEY", opPath, opPos, "%s is for multi-valued keys, but %s has a single value: use %s without the %s: qualifier", c.Operator, c.Key, strings.TrimPrefix(c.Operator, cc.Set.String()+":"), cc.Set)
	case cc.Set == evaluator.SetNone && k.MultiValued && cc.Family != evaluator.FamilyNull:
		v.add("MULTI_VALUED_KEY_WITHOUT_SET_OPERATOR", opPath, opPos, "%s can have several values, so %s needs a set qualifier: use ForAnyValue:%s (some value matches) or ForAllValues:%s (every value matches)", c.Key, c.Operator, c.Operator, c.Operator)
	}
}

// singleValuedKey reports whether the catalogue knows key as a single-valued key.
func singleValuedKey(key string) bool {
	k, found := catalog.LookupConditionKey(key)
	return found && !k.MultiValued
}

// familyFitsKey reports whether an operator family can compare values of the key's type. String
// operators also fit ARN keys, as AWS allows, and Arn operators fit String keys: many String
// keys hold ARNs (kms:EncryptionContext:aws:s3:arn, tags), and AWS's own policies compare them
// with ArnLike.
func familyFitsKey(f evaluator.OperatorFamily, k catalog.ConditionKey) bool {
	for _, t := range []catalog.KeyType{k.Type, k.AlternateType} {
		switch {
		case t == 0:
		case f == evaluator.FamilyString && (t == catalog.TypeString || t == catalog.TypeARN),
			f == evaluator.FamilyARN && (t == catalog.TypeARN || t == catalog.TypeString),
			f == evaluator.FamilyNumeric && t == catalog.TypeNumeric,
			f == evaluator.FamilyDate && t == catalog.TypeDate,
			f == evaluator.FamilyBool && t == catalog.TypeBool,
			f == evaluator.FamilyBinary && t == catalog.TypeBinary,
			f == evaluator.FamilyIP && t == catalog.TypeIPAddress:
			return true
		}
	}
	return false
}

// operatorsForKey names the operators that fit the key's type.
func operatorsForKey(k catalog.ConditionKey) string {
	names := func(t catalog.KeyType) string {
		switch t {
		case catalog.TypeString:
			return "String operators (StringEquals, StringLike, ...) or, for ARN values, Arn operators"
		case catalog.TypeARN:
			return "Arn operators (ArnLike, ArnEquals, ...) or String operators"
		case catalog.TypeNumeric:
			return "Numeric operators (NumericEquals, NumericLessThan, ...)"
		case catalog.TypeDate:
			return "Date operators (DateGreaterThan, ...)"
		case catalog.TypeBool:
			return "Bool"
		case catalog.TypeIPAddress:
			return "IpAddress or NotIpAddress"
		case catalog.TypeBinary:
			return "BinaryEquals"
		}
		return "an operator of its type"
	}
	s := names(k.Type)
	if k.AlternateType != 0 {
		s += " or " + names(k.AlternateType)
	}
	return s
}

func describeActionList(actions []int, limit int) string {
	var names []string
	for i, idx := range actions {
		if i == limit {
			names = append(names, fmt.Sprintf("and %d more", len(actions)-limit))
			break
		}
		names = append(names, catalog.ActionByIndex(idx).Name())
	}
	return strings.Join(names, ", ")
}

// keySuggestion proposes the known key nearest to name: a global key, or a key of its service.
// Nearest is two edits at most; failing that, the longest known key that name starts with
// (aws:SourceIpAddress gives aws:SourceIp), or the shortest that starts with name.
func keySuggestion(name string) string {
	lower := strings.ToLower(name)
	best, bestDist := "", 3
	longestPrefix, shortestExtension := "", ""
	try := func(k catalog.ConditionKey) {
		if k.Templated() {
			return
		}
		known := strings.ToLower(k.Name)
		if d := evaluator.EditDistance(lower, known, bestDist); d < bestDist {
			best, bestDist = k.Name, d
		}
		_, local, _ := strings.Cut(known, ":")
		switch {
		case len(local) < 4:
			// "aws:Ip" would be the prefix of too much to mean anything.
		case strings.HasPrefix(lower, known) && len(k.Name) > len(longestPrefix):
			longestPrefix = k.Name
		case strings.HasPrefix(known, lower) && (shortestExtension == "" || len(k.Name) < len(shortestExtension)):
			shortestExtension = k.Name
		}
	}
	for _, k := range catalog.GlobalConditionKeys() {
		try(k)
	}
	prefix, _, _ := strings.Cut(name, ":")
	if svc, ok := catalog.LookupService(prefix); ok {
		for _, k := range svc.ConditionKeys() {
			try(k)
		}
	}
	for _, s := range []string{best, longestPrefix, shortestExtension} {
		if s != "" {
			return fmt.Sprintf(" (did you mean %s?)", s)
		}
	}
	return ""
}
