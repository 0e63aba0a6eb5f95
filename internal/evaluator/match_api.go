package evaluator

import "sync"

// Matching for callers outside the engine (the guard's pre-filters and rules): the same
// compiled matchers that evaluation uses, so that there is one definition of how IAM matches
// actions and ARNs. Compiled patterns are cached: callers ask about the same few patterns many
// times.

var (
	actionPatterns   sync.Map // pattern -> actionMatcher
	resourcePatterns sync.Map // pattern -> resourceMatcher
)

// MatchAction reports whether an entry of an Action or NotAction element matches the action,
// as IAM matches them: without regard to case, * any run of characters, ? one character.
func MatchAction(pattern, action string) bool {
	m, ok := actionPatterns.Load(pattern)
	if !ok {
		m, _ = actionPatterns.LoadOrStore(pattern, compileAction(pattern))
	}
	am, _ := m.(actionMatcher)
	return am.match(action)
}

// MatchResource reports whether an entry of a Resource element (or an ARN pattern written the
// same way) matches the ARN, as IAM matches them: with case, and a * that ends an ARN segment
// may cross colons while one inside a segment may not (see compileResourceGlob). Policy
// variables are not resolved: ${...} is literal text here.
func MatchResource(pattern, arn string) bool {
	m, ok := resourcePatterns.Load(pattern)
	if !ok {
		// Compiled as evaluation compiles a Resource entry (exact, "literal*" and "*" fast
		// paths), with variables left literal.
		rm, _ := compileResource(Value{Text: pattern}, "")
		m, _ = resourcePatterns.LoadOrStore(pattern, rm)
	}
	rm, _ := m.(resourceMatcher)
	return rm.matchText(arn)
}

// matchText matches an ARN without a request: policy variables are not resolved (a pattern
// with variables matches nothing).
func (m *resourceMatcher) matchText(arn string) bool {
	switch {
	case m.all:
		return true
	case m.withVariables != nil:
		return false
	case m.pattern == nil:
		return m.exact == arn
	case m.prefix != "":
		return len(arn) >= len(m.prefix) && arn[:len(m.prefix)] == m.prefix
	case m.segmented:
		return m.pattern.matchSegments(arn, false)
	}
	return m.pattern.matchPlain(arn, false)
}

// MatchText reports whether a pattern with * (any run of characters) and ? (one character)
// matches a text, with case: the glob of the engine for texts that are not IAM elements, such
// as the Terraform addresses of the guard's waivers.
func MatchText(pattern, s string) bool {
	return compileGlob(pattern).matchPlain(s, false)
}

// CoversAction reports whether the statement's Action or NotAction element covers the action.
func (s *Statement) CoversAction(action string) bool {
	if s.compiled == nil {
		return false
	}
	return s.compiled.actionSet.match(action) != s.NotAction
}

// AdmitsUnnamedCallers reports whether the statement's Principal can let in a caller that it
// does not name: "*" in any of its forms ({"AWS": "*"}, {"Service": "*"}) or NotPrincipal. A
// partial wildcard ("arn:aws:iam::*:role/x") names nobody: AWS does not match part of a
// principal with a wildcard.
func (s *Statement) AdmitsUnnamedCallers() bool {
	if s.compiled == nil || s.compiled.principal == nil {
		return false
	}
	m := s.compiled.principal
	return m.everyone || m.not
}
