package evaluator

import (
	"fmt"
	"math/big"
	"strings"
)

// Numeric operators [OPS]: integers and decimals ("10", "-2.5"), compared exactly. JSON
// numbers in the policy arrive as their text. A request value that is not a number matches
// nothing. Exponents ("1e3"), hexadecimal, NaN and infinities are not numbers here.

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

func parseDecimalValue(s string) (decimal, error) {
	d, ok := parseDecimal(s)
	if !ok {
		return decimal{}, fmt.Errorf("expected an integer or decimal number such as 10 or -2.5")
	}
	return d, nil
}

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

func (c *compiledCondition) matchNumeric(s string) bool {
	got, ok := parseDecimal(s)
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
