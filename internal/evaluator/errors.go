package evaluator

import "github.com/iamguard/terraform-provider-iam/internal/jsonpos"

// ParseError is an error in a policy document: where it is (JSON path and, for text input,
// line and column) and what was expected.
type ParseError = jsonpos.Error

func errorAt(path string, pos Position, format string, args ...any) *ParseError {
	return jsonpos.Errorf(path, pos, format, args...)
}
