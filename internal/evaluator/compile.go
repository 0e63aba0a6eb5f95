package evaluator

// ParsePolicy parses a policy document (JSON text) and compiles it for evaluation. Errors are
// *ParseError values naming the JSON path, line and column.
func ParsePolicy(doc []byte) (*Policy, error) {
	p, err := parsePolicyDocument(doc)
	if err != nil {
		return nil, err
	}
	if err := compilePolicy(p); err != nil {
		return nil, err
	}
	return p, nil
}

// compiledStatement holds the matchers of a statement, built once by compilePolicy.
type compiledStatement struct{}

func compilePolicy(p *Policy) error { return nil }
