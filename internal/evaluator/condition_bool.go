package evaluator

import (
	"fmt"
	"strings"
)

// Bool [OPS]: the key's value is compared with true or false. AWS spells the values in lower
// case; both the policy's and the request's are read without regard to case. A request value
// that is neither true nor false matches nothing. Policy variables are tolerated ([OPS] allows
// them, [VARS] does not list Bool): a substituted value must read as true or false.

// parseBoolValue reads a Bool or Null policy value.
func parseBoolValue(s string) (bool, error) {
	b, ok := parseBool(s)
	if !ok {
		return false, fmt.Errorf("expected true or false")
	}
	return b, nil
}

func parseBool(s string) (value, ok bool) {
	switch {
	case strings.EqualFold(s, "true"):
		return true, true
	case strings.EqualFold(s, "false"):
		return false, true
	}
	return false, false
}

func (c *compiledCondition) matchBool(s string, e *evalContext) bool {
	got, ok := parseBool(s)
	if !ok {
		return false
	}
	for i := range c.values {
		v := &c.values[i]
		want := v.boolean
		if v.tmpl.hasVariables() {
			text, ok := v.tmpl.expandString(e)
			if !ok {
				continue
			}
			if want, ok = parseBool(text); !ok {
				continue
			}
		}
		if got == want {
			return true
		}
	}
	return false
}
