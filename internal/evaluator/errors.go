package evaluator

import "fmt"

// ParseError is an error in a policy document: where it is (JSON path and, for text input,
// line and column) and what was expected.
type ParseError struct {
	// Path is the JSON path of the element, e.g. "Statement[1].Condition.StringEquals";
	// empty for the document as a whole.
	Path   string
	Line   int // 1-based; 0 when unknown
	Column int // 1-based, in bytes; 0 when unknown
	// Message says what is wrong and what was expected.
	Message string
}

func (e *ParseError) Error() string {
	loc := ""
	if e.Line > 0 {
		loc = fmt.Sprintf("line %d, column %d", e.Line, e.Column)
	}
	if e.Path != "" {
		if loc != "" {
			loc += ", "
		}
		loc += e.Path
	}
	if loc == "" {
		return e.Message
	}
	return loc + ": " + e.Message
}

func errorAt(path string, pos Position, format string, args ...any) *ParseError {
	return &ParseError{Path: path, Line: pos.Line, Column: pos.Column, Message: fmt.Sprintf(format, args...)}
}
