package evaluator

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Condition operators: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
// and, for several values and set qualifiers,
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_multi-value-conditions.html.
//
// This file holds what every operator shares: reading the operator name (set qualifier, base
// operator, IfExists), the missing-key rule, IfExists, ForAllValues/ForAnyValue and the OR over
// values. Each family compares one request value with one policy value in its own file:
// condition_string.go, condition_numeric.go, condition_date.go, condition_bool.go,
// condition_binary.go, condition_ip.go, condition_arn.go and condition_null.go.

// OperatorFamily is the operator family, which decides how values are read and compared.
type OperatorFamily uint8

const (
	FamilyString OperatorFamily = iota + 1
	FamilyNumeric
	FamilyDate
	FamilyBool
	FamilyBinary
	FamilyIP
	FamilyARN
	FamilyNull
)

func (f OperatorFamily) String() string {
	switch f {
	case FamilyString:
		return "String"
	case FamilyNumeric:
		return "Numeric"
	case FamilyDate:
		return "Date"
	case FamilyBool:
		return "Bool"
	case FamilyBinary:
		return "Binary"
	case FamilyIP:
		return "IpAddress"
	case FamilyARN:
		return "Arn"
	case FamilyNull:
		return "Null"
	}
	return "?"
}

// conditionOp is a positive base operator; a negated operator (StringNotEquals, NotIpAddress,
// ...) is its positive form with compiledCondition.negated set.
type conditionOp uint8

const (
	opStringEquals conditionOp = iota + 1
	opStringEqualsIgnoreCase
	opStringLike
	opNumericEquals
	opNumericLessThan
	opNumericLessThanEquals
	opNumericGreaterThan
	opNumericGreaterThanEquals
	opDateEquals
	opDateLessThan
	opDateLessThanEquals
	opDateGreaterThan
	opDateGreaterThanEquals
	opBool
	opBinaryEquals
	opIPAddress
	opArnLike // ArnEquals and ArnLike are the same test [OPS]
	opNull
)

// operatorSpec describes one base operator name.
type operatorSpec struct {
	family  OperatorFamily
	op      conditionOp
	negated bool
}

// operators maps every base operator name (without set qualifier and IfExists) to its meaning.
// Operator names are case-sensitive, as in AWS's grammar.
var operators = map[string]operatorSpec{
	"StringEquals":              {FamilyString, opStringEquals, false},
	"StringNotEquals":           {FamilyString, opStringEquals, true},
	"StringEqualsIgnoreCase":    {FamilyString, opStringEqualsIgnoreCase, false},
	"StringNotEqualsIgnoreCase": {FamilyString, opStringEqualsIgnoreCase, true},
	"StringLike":                {FamilyString, opStringLike, false},
	"StringNotLike":             {FamilyString, opStringLike, true},
	"NumericEquals":             {FamilyNumeric, opNumericEquals, false},
	"NumericNotEquals":          {FamilyNumeric, opNumericEquals, true},
	"NumericLessThan":           {FamilyNumeric, opNumericLessThan, false},
	"NumericLessThanEquals":     {FamilyNumeric, opNumericLessThanEquals, false},
	"NumericGreaterThan":        {FamilyNumeric, opNumericGreaterThan, false},
	"NumericGreaterThanEquals":  {FamilyNumeric, opNumericGreaterThanEquals, false},
	"DateEquals":                {FamilyDate, opDateEquals, false},
	"DateNotEquals":             {FamilyDate, opDateEquals, true},
	"DateLessThan":              {FamilyDate, opDateLessThan, false},
	"DateLessThanEquals":        {FamilyDate, opDateLessThanEquals, false},
	"DateGreaterThan":           {FamilyDate, opDateGreaterThan, false},
	"DateGreaterThanEquals":     {FamilyDate, opDateGreaterThanEquals, false},
	"Bool":                      {FamilyBool, opBool, false},
	"BinaryEquals":              {FamilyBinary, opBinaryEquals, false},
	"IpAddress":                 {FamilyIP, opIPAddress, false},
	"NotIpAddress":              {FamilyIP, opIPAddress, true},
	"ArnEquals":                 {FamilyARN, opArnLike, false},
	"ArnNotEquals":              {FamilyARN, opArnLike, true},
	"ArnLike":                   {FamilyARN, opArnLike, false},
	"ArnNotLike":                {FamilyARN, opArnLike, true},
	"Null":                      {FamilyNull, opNull, false},
}

// knownOperators lists the base operator names for error messages.
var knownOperators = func() string {
	names := make([]string, 0, len(operators))
	for name := range operators {
		names = append(names, name)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}()

// SetQualifier is the ForAllValues:/ForAnyValue: prefix of an operator.
type SetQualifier uint8

const (
	SetNone SetQualifier = iota
	SetForAllValues
	SetForAnyValue
)

func (q SetQualifier) String() string {
	switch q {
	case SetForAllValues:
		return "ForAllValues"
	case SetForAnyValue:
		return "ForAnyValue"
	}
	return ""
}

// compiledCondition is one operator/key pair of a Condition block, compiled once per policy.
// Evaluating it does not allocate unless a policy variable must be put into a longer string.
//
// The fields describe the condition completely, for the symbolic analysis:
//   - key: the condition key in lower case (keys are case-insensitive, tag-key parts too).
//   - family and op: the operator family and the positive base operator (StringNotLike has
//     op opStringLike and negated true; ArnEquals and ArnLike are both opArnLike).
//   - baseName: the base operator as written without set qualifier and IfExists
//     ("StringNotLike"); operator: the whole operator as written.
//   - negated: the operator is negated (StringNot*, NumericNotEquals, DateNotEquals,
//     NotIpAddress, ArnNot*): the key matches when its value matches none of the values.
//   - ifExists: the ...IfExists form: an absent key makes the condition true.
//   - set: the ForAllValues:/ForAnyValue: qualifier, or SetNone.
//   - values: the policy values, parsed for the family (see conditionValue).
//   - hasVariables: some value has a ${key} placeholder.
type compiledCondition struct {
	key          string
	family       OperatorFamily
	op           conditionOp
	baseName     string
	operator     string
	negated      bool
	ifExists     bool
	set          SetQualifier
	values       []conditionValue
	hasVariables bool
}

// conditionValue is one policy value, parsed for the operator family. Only the fields of the
// family are set.
type conditionValue struct {
	text string // as written
	// tmpl is the value as a template for String, Arn and Bool (the families that accept
	// policy variables); without placeholders its text and glob are fixed.
	tmpl template
	// arn is the Arn pattern split into its six parts, when tmpl has no placeholders.
	arn arnPattern
	// number is the value of a Numeric operator, exact.
	number decimal
	// date is the value of a Date operator (also available as a time.Time: date.Time()).
	date instant
	// prefix is the network of an IP operator; a bare address is a /32 or /128, and an
	// IPv4-mapped IPv6 network is held as the IPv4 network.
	prefix ipPrefix
	// bytes is the decoded value of BinaryEquals.
	bytes []byte
	// boolean is the value of Bool (when tmpl has no placeholders) and of Null.
	boolean bool
}

// compileCondition compiles c. version is the policy's Version: policy variables are
// recognised only under 2012-10-17; otherwise ${...} is literal text. Errors are *ParseError
// values at the condition (operator errors) or at the value (value errors).
func compileCondition(c *Condition, version string) (*compiledCondition, error) {
	cc, err := compileOperator(c)
	if err != nil {
		return nil, err
	}
	if err := cc.compileValues(c, version); err != nil {
		return nil, err.ParseError
	}
	return cc, nil
}

// compileOperator reads the operator of c; the error is at the operator.
func compileOperator(c *Condition) (*compiledCondition, *ParseError) {
	cc := &compiledCondition{key: strings.ToLower(c.Key), operator: c.Operator}
	opPath := strings.TrimSuffix(c.Path, "."+c.Key)
	opPos := c.OperatorPos
	if opPos == (Position{}) {
		opPos = c.Pos
	}
	q, name, ifExists := splitOperator(c.Operator)
	switch q {
	case "":
	case "ForAllValues":
		cc.set = SetForAllValues
	case "ForAnyValue":
		cc.set = SetForAnyValue
	default:
		return nil, errorAt(opPath, opPos, "condition operator %q: unknown set qualifier %q; expected ForAllValues: or ForAnyValue:", c.Operator, q+":")
	}
	cc.ifExists = ifExists
	spec, ok := operators[name]
	if !ok {
		return nil, errorAt(opPath, opPos, "unknown condition operator %q%s; known operators: %s (each may end in IfExists, except Null, and start with ForAllValues: or ForAnyValue:)", c.Operator, didYouMean(name), knownOperators)
	}
	cc.family, cc.op, cc.negated, cc.baseName = spec.family, spec.op, spec.negated, name
	if cc.family == FamilyNull {
		if cc.ifExists {
			return nil, errorAt(opPath, opPos, "condition operator %q: Null has no IfExists form (Null itself tests whether the key exists)", c.Operator)
		}
		if cc.set != SetNone {
			return nil, errorAt(opPath, opPos, "condition operator %q: Null takes no set qualifier (it tests whether the key exists, not its values)", c.Operator)
		}
	}
	return cc, nil
}

// splitOperator splits an operator name into its set qualifier (before a colon, "" when there
// is none), its base operator and whether it ends in IfExists.
func splitOperator(operator string) (qualifier, base string, ifExists bool) {
	base = operator
	if q, rest, ok := strings.Cut(base, ":"); ok {
		qualifier, base = q, rest
	}
	if b, ok := strings.CutSuffix(base, "IfExists"); ok && b != "" {
		base, ifExists = b, true
	}
	return qualifier, base, ifExists
}

// valueError is a condition value that does not compile; variable marks a malformed policy
// variable (as opposed to a value that does not fit the operator).
type valueError struct {
	*ParseError
	variable bool
}

// compileValues reads the key and the values of c for the operator compileOperator read.
func (cc *compiledCondition) compileValues(c *Condition, version string) *valueError {
	if cc.key == "" {
		return &valueError{ParseError: errorAt(c.Path, c.Pos, "the condition key is empty")}
	}
	variables := version == Version2012
	cc.values = make([]conditionValue, len(c.Values))
	for i := range c.Values {
		v := &c.Values[i]
		cv, err := cc.compileValue(v.Text, variables)
		if err != nil {
			path, pos := v.Path, v.Pos
			if path == "" {
				path, pos = c.Path, c.Pos
			}
			var te templateError
			return &valueError{ParseError: errorAt(path, pos, "%s value %s: %v", cc.baseName, quoteExcerpt(v.Text), err), variable: errors.As(err, &te)}
		}
		if cv.tmpl.hasVariables() {
			cc.hasVariables = true
		}
		cc.values[i] = cv
	}
	return nil
}

// didYouMean suggests the operator name that differs from name only in case.
func didYouMean(name string) string {
	for known := range operators {
		if strings.EqualFold(known, name) {
			return " (operator names are case-sensitive: did you mean " + known + "?)"
		}
	}
	return ""
}

// compileValue parses one policy value for the family.
func (c *compiledCondition) compileValue(s string, variables bool) (conditionValue, error) {
	cv := conditionValue{text: s}
	if variables && !c.family.substitutesVariables() && strings.Contains(s, "${") {
		return cv, fmt.Errorf("policy variables are allowed only in String, Arn and Bool operators, not %s", c.family)
	}
	if c.family.substitutesVariables() {
		t, err := parseTemplate(s, variables)
		if err != nil {
			return cv, templateError{err}
		}
		cv.tmpl = t
	}
	var err error
	switch c.family {
	case FamilyARN:
		if !cv.tmpl.hasVariables() {
			cv.arn = compileArnPattern(cv.tmpl.glob)
		}
	case FamilyBool:
		if !cv.tmpl.hasVariables() {
			cv.boolean, err = parseBoolValue(cv.tmpl.text)
		}
	case FamilyNull:
		cv.boolean, err = parseBoolValue(s)
	case FamilyNumeric:
		cv.number, err = parseDecimalValue(s)
	case FamilyDate:
		cv.date, err = parseDateValue(s)
	case FamilyIP:
		cv.prefix, err = parseIPValue(s)
	case FamilyBinary:
		cv.bytes, err = parseBinaryValue(s)
	}
	return cv, err
}

// templateError is a policy variable that does not parse in a condition value.
type templateError struct{ error }

// substitutesVariables reports whether AWS substitutes policy variables in the values of
// operators of the family: String, Arn and Bool only.
func (f OperatorFamily) substitutesVariables() bool {
	return f == FamilyString || f == FamilyARN || f == FamilyBool
}

// eval decides the condition for the request: it looks the key up and calls evalValue.
func (c *compiledCondition) eval(e *evalContext) bool {
	v, present := e.get(c.key)
	return c.evalValue(v, present, e)
}

// evalValue decides the condition for the key value v (present false: the key is absent). e
// only resolves policy variables in the condition's values; it may be nil when there are none.
func (c *compiledCondition) evalValue(v ContextValue, present bool, e *evalContext) bool {
	if c.family == FamilyNull {
		return c.evalNull(v, present)
	}
	if !present {
		// [OPS] "If the key that you specify in a policy condition is not present in the
		// request context, the values do not match and the condition is false. If the policy
		// condition requires that the key is not matched, such as StringNotLike or ArnNotLike,
		// and the right key is not present, the condition is true." IfExists overrides this:
		// "If the policy key is not present in the context of the request, the condition
		// evaluates to true". [MULTI] ForAllValues "returns true if there are no keys in the
		// request"; ForAnyValue needs at least one value, so it is false.
		switch {
		case c.ifExists:
			return true
		case c.set == SetForAllValues:
			return true
		case c.set == SetForAnyValue:
			return false
		}
		return c.negated
	}
	switch c.set {
	case SetForAllValues:
		// [MULTI] every request value must satisfy the operator; an empty set is vacuously
		// true ("if the key values resolve to a null data set").
		for _, s := range v.Values {
			if !c.satisfied(s, e) {
				return false
			}
		}
		return true
	case SetForAnyValue:
		// [MULTI] at least one request value must satisfy the operator.
		for _, s := range v.Values {
			if c.satisfied(s, e) {
				return true
			}
		}
		return false
	}
	// No qualifier. A single-valued key has one value and both readings below agree. AWS does
	// not document a multi-valued key under a plain operator (its validator warns about it):
	// a positive operator is read as ForAnyValue (some request value matches some policy
	// value), a negated one as "no request value matches any policy value", which is the
	// [MULTI] "negated operators work like a logical AND" rule taken over every request value.
	if c.negated {
		for _, s := range v.Values {
			if c.matchesAny(s, e) {
				return false
			}
		}
		return true
	}
	for _, s := range v.Values {
		if c.matchesAny(s, e) {
			return true
		}
	}
	return false
}

// satisfied reports whether one request value satisfies the operator: it matches some policy
// value, or, for a negated operator, none of them ([MULTI]: values of one key are ORed, and a
// negated operator is the NOT of that OR).
func (c *compiledCondition) satisfied(s string, e *evalContext) bool {
	return c.matchesAny(s, e) != c.negated
}

// matchesAny reports whether the request value s matches at least one policy value under the
// positive base operator. The request value is parsed once for the family; a value that does
// not parse matches nothing, so a negated operator (NumericNotEquals, NotIpAddress, ...) holds
// for it, consistently with "matches none of the values". AWS does not document this case.
func (c *compiledCondition) matchesAny(s string, e *evalContext) bool {
	switch c.family {
	case FamilyString:
		return c.matchString(s, e)
	case FamilyNumeric:
		return c.matchNumeric(s, e)
	case FamilyDate:
		return c.matchDate(s, e)
	case FamilyBool:
		return c.matchBool(s, e)
	case FamilyBinary:
		return c.matchBinary(s)
	case FamilyIP:
		return c.matchIP(s)
	case FamilyARN:
		return c.matchARN(s, e)
	}
	return false
}

// maxQuotedValue is the longest value an error message quotes whole: a refused value of
// megabytes must not become a message of megabytes.
const maxQuotedValue = 120

// quoteExcerpt quotes s, or its start and its length when it is longer than maxQuotedValue.
func quoteExcerpt(s string) string {
	if len(s) <= maxQuotedValue {
		return strconv.Quote(s)
	}
	cut := maxQuotedValue
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return fmt.Sprintf("%s... (%d bytes)", strconv.Quote(s[:cut]), len(s))
}
