package evaluator

import (
	"fmt"
	"math/big"
	"strings"
)

// Numeric operators [OPS]: integers and decimals ("10", "-2.5"), compared exactly. JSON
// numbers in the policy arrive as their text. A request value that is not a number matches
// nothing. Exponents ("1e3"), hexadecimal, NaN and infinities are not numbers here.
//
// AWS documents no range for these values ("comparing a key to an integer or decimal value").
// The numeric keys AWS fills (aws:MultiFactorAuthAge, s3:max-keys, ec2:VolumeSize, ...) are
// counts, sizes and ages of a few digits. A policy value with more than maxNumericDigits
// digits is refused when the policy is compiled, so evaluation, validation and the
// symbolic analysis (whose representatives between two constants are exact rationals, costly
// for numbers of thousands of digits) all see the same error and none of them reads the policy
// differently from the others. Request values stay unbounded: comparing one with a policy value
// looks at no more digits than the shorter of the two holds, so it is linear in the input.

// decimal is an exact decimal number held as its digit strings, which are substrings of the
// parsed text: parsing and comparing never allocate and never round.
type decimal struct {
	neg   bool   // never set for zero
	whole string // integer digits without leading zeros ("" for zero)
	frac  string // fraction digits without trailing zeros
}

// parseDecimal reads [+-]digits[.digits], also "5." and ".5".
func parseDecimal(s string) (decimal, bool) {
	var d decimal
	if s != "" && (s[0] == '+' || s[0] == '-') {
		d.neg = s[0] == '-'
		s = s[1:]
	}
	intPart, frac, _ := strings.Cut(s, ".")
	if intPart == "" && frac == "" || !allDigits(intPart) || !allDigits(frac) {
		return decimal{}, false
	}
	d.whole = strings.TrimLeft(intPart, "0")
	d.frac = strings.TrimRight(frac, "0")
	if d.whole == "" && d.frac == "" {
		d.neg = false
	}
	return d, true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// maxNumericDigits is the most digits of a Numeric value in a policy, once the leading zeros
// and the trailing zeros after the decimal point are dropped: far more than any value AWS puts
// in a request, and few enough for exact arithmetic to stay cheap.
const maxNumericDigits = 100

func parseDecimalValue(s string) (decimal, error) {
	d, ok := parseDecimal(s)
	if !ok {
		return decimal{}, fmt.Errorf("expected an integer or decimal number such as 10 or -2.5")
	}
	if n := d.digits(); n > maxNumericDigits {
		return decimal{}, fmt.Errorf("expected an integer or decimal number of at most %d digits (leading zeros and trailing zeros after the point not counted), not %d", maxNumericDigits, n)
	}
	return d, nil
}

// digits is the number of digits of d without leading zeros and trailing fraction zeros:
// "-0012.50" has 3, "0.05" has 2, "1000" has 4.
func (d decimal) digits() int { return len(d.whole) + len(d.frac) }

// cmp returns -1, 0 or +1 as d is less than, equal to or greater than x.
func (d decimal) cmp(x decimal) int {
	if d.neg != x.neg {
		if d.neg {
			return -1
		}
		return 1
	}
	m := d.cmpAbs(x)
	if d.neg {
		return -m
	}
	return m
}

func (d decimal) cmpAbs(x decimal) int {
	if len(d.whole) != len(x.whole) {
		if len(d.whole) < len(x.whole) {
			return -1
		}
		return 1
	}
	if c := strings.Compare(d.whole, x.whole); c != 0 {
		return c
	}
	// Without trailing zeros, fraction digits compare as strings: "5" (0.5) > "49" (0.49).
	return strings.Compare(d.frac, x.frac)
}

// Rat returns the number as a big.Rat, for the symbolic analysis.
func (d decimal) Rat() *big.Rat {
	r, _ := new(big.Rat).SetString(d.String())
	return r
}

// String renders the number in canonical form ("-2.5", "0", "10").
func (d decimal) String() string {
	s := d.whole
	if s == "" {
		s = "0"
	}
	if d.frac != "" {
		s += "." + d.frac
	}
	if d.neg {
		s = "-" + s
	}
	return s
}

func (c *compiledCondition) matchNumeric(s string, e *evalContext) bool {
	got, ok := e.decimal(s)
	if !ok {
		return false
	}
	for i := range c.values {
		if compareMatches(c.op, got.cmp(c.values[i].number)) {
			return true
		}
	}
	return false
}

// decimal parses a request value as a number, remembering the last one: parsing reads the
// whole value, and a policy may compare one value with thousands of conditions (a 16 MiB
// value against a 1 MiB policy took 37 s when each condition parsed it again). e may be nil.
func (e *evalContext) decimal(s string) (decimal, bool) {
	if e == nil {
		return parseDecimal(s)
	}
	return e.number.get(s, parseDecimal)
}

// lastParsed remembers the last request value parsed into a T. Comparing with the remembered
// text is O(1) when it is the same string, as it is for every condition on one key.
type lastParsed[T any] struct {
	text     string
	value    T
	ok, used bool
}

func (l *lastParsed[T]) get(s string, parse func(string) (T, bool)) (T, bool) {
	if !l.used || l.text != s {
		l.value, l.ok = parse(s)
		l.text, l.used = s, true
	}
	return l.value, l.ok
}

// compareMatches tells whether the comparison result cmp (request value against policy value)
// satisfies the Numeric or Date operator op.
func compareMatches(op conditionOp, cmp int) bool {
	switch op {
	case opNumericEquals, opDateEquals:
		return cmp == 0
	case opNumericLessThan, opDateLessThan:
		return cmp < 0
	case opNumericLessThanEquals, opDateLessThanEquals:
		return cmp <= 0
	case opNumericGreaterThan, opDateGreaterThan:
		return cmp > 0
	case opNumericGreaterThanEquals, opDateGreaterThanEquals:
		return cmp >= 0
	}
	return false
}
