package evaluator

import "errors"

// parsePolicyDocument is replaced by the real parser (parse.go).
func parsePolicyDocument(doc []byte) (*Policy, error) { return nil, errors.New("parser not written yet") }
