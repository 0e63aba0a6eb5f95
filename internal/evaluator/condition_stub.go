package evaluator

import "errors"

// Placeholder until condition.go lands.
type compiledCondition struct{}

func compileCondition(c *Condition, version string) (*compiledCondition, error) {
	return nil, errors.New("conditions not written yet")
}

func (c *compiledCondition) eval(e *evalContext) bool { return false }
