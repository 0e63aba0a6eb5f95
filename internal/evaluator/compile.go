package evaluator

import (
	"github.com/iamguard/terraform-provider-iam/internal/catalog"

	"strings"
)

// ParsePolicy parses a policy document (JSON text) and compiles it for evaluation. Errors are
// *ParseError values naming the JSON path, line and column: the first problem of the document.
func ParsePolicy(doc []byte) (*Policy, error) {
	p, problems, err := CompilePolicy(doc)
	if err != nil {
		return nil, err
	}
	if len(problems) > 0 {
		return nil, problems[0].Err
	}
	return p, nil
}

// MustParsePolicy is ParsePolicy for policies written in Go code and tests; it panics on error.
func MustParsePolicy(doc string) *Policy {
	p, err := ParsePolicy([]byte(doc))
	if err != nil {
		panic(err)
	}
	return p
}

// ProblemKind says which part of a policy does not compile.
type ProblemKind uint8

const (
	// ProblemOperator is a condition operator that does not exist or is misused (an unknown
	// set qualifier, Null with IfExists).
	ProblemOperator ProblemKind = iota + 1
	// ProblemValue is a condition value that does not fit its operator, or an empty key.
	ProblemValue
	// ProblemVariable is a malformed policy variable, in a condition value or a Resource.
	ProblemVariable
)

// Problem is a part of a parsed policy that does not compile, with its place.
type Problem struct {
	Err       *ParseError
	Kind      ProblemKind
	Statement *Statement
	// Condition is the condition at fault; nil for a Resource or NotResource value.
	Condition *Condition
}

// CompilePolicy parses a policy document and compiles it, as ParsePolicy does, but reports
// every part that does not compile instead of the first one. err is the error of a document
// that does not parse (then there is no policy). Otherwise p is the parsed policy and problems
// lists the parts that do not compile, in the order of the statements (resources, then
// conditions); everything else of p is compiled. A policy with problems is for inspection
// (validation) only: evaluate only a policy without problems.
func CompilePolicy(doc []byte) (p *Policy, problems []Problem, err error) {
	p, err = parsePolicyDocument(doc)
	if err != nil {
		return nil, nil, err
	}
	problems = compileStatements(p)
	p.incomplete = len(problems) > 0
	return p, problems, nil
}

// compiledStatement holds the matchers of a statement, built once by compilePolicy.
type compiledStatement struct {
	actions    []actionMatcher
	actionSet  actionSet
	resources  []resourceMatcher // one per Resource value (the zero matcher for one with a problem)
	principal  *principalMatcher
	conditions []*compiledCondition // the conditions that compiled
}

// compilePolicy compiles the statements of p; the error is the first problem.
func compilePolicy(p *Policy) error {
	if problems := compileStatements(p); len(problems) > 0 {
		return problems[0].Err
	}
	return nil
}

// compileStatements compiles every statement of p and returns the parts that do not compile.
func compileStatements(p *Policy) []Problem {
	var problems []Problem
	for _, s := range p.Statements {
		c := &compiledStatement{
			actions:   make([]actionMatcher, 0, len(s.Actions)),
			resources: make([]resourceMatcher, 0, len(s.Resources)),
		}
		for _, a := range s.Actions {
			c.actions = append(c.actions, compileAction(a.Text))
		}
		c.actionSet = newActionSet(c.actions)
		for _, r := range s.Resources {
			m, err := compileResource(r, p.Version)
			if err != nil {
				problems = append(problems, Problem{Err: err, Kind: ProblemVariable, Statement: s})
			}
			c.resources = append(c.resources, m)
		}
		if s.Principal != nil {
			c.principal = compilePrincipal(s.Principal)
		}
		for _, cond := range s.Conditions {
			cc, err := compileOperator(cond)
			if err != nil {
				problems = append(problems, Problem{Err: err, Kind: ProblemOperator, Statement: s, Condition: cond})
				continue
			}
			if verr := cc.compileValues(cond, p.Version); verr != nil {
				kind := ProblemValue
				if verr.variable {
					kind = ProblemVariable
				}
				problems = append(problems, Problem{Err: verr.ParseError, Kind: kind, Statement: s, Condition: cond})
				continue
			}
			cond.compiled = cc
			c.conditions = append(c.conditions, cc)
		}
		s.compiled = c
	}
	return problems
}

// actionMatcher matches one entry of Action or NotAction. Actions are matched without regard
// to case (reference_policies_elements_action), so the pattern is kept in lower case and the
// request's action is lowered once per request. Nothing is trimmed: " s3:GetObject" matches
// no real action.
type actionMatcher struct {
	all     bool   // "*"
	exact   string // the pattern, when it has no wildcard
	prefix  string // the text before the star, for the common "literal*" shape
	pattern glob
}

func compileAction(text string) actionMatcher {
	lower := catalog.FoldActionName(text)
	if lower == "*" {
		return actionMatcher{all: true}
	}
	if !strings.ContainsAny(lower, "*?") {
		return actionMatcher{exact: lower}
	}
	if p, ok := starSuffixPrefix(lower); ok {
		return actionMatcher{prefix: p, pattern: compileGlob(lower)}
	}
	return actionMatcher{pattern: compileGlob(lower)}
}

// starSuffixPrefix returns the literal text of a pattern that is that text followed by one
// star, the most common shape ("s3:Get*", "arn:aws:s3:::bucket/*").
func starSuffixPrefix(s string) (string, bool) {
	if !strings.HasSuffix(s, "*") {
		return "", false
	}
	p := s[:len(s)-1]
	if strings.ContainsAny(p, "*?") {
		return "", false
	}
	return p, true
}

// match reports whether the request's action matches, without regard to case: the pattern
// is kept in lower case and compared with ASCII case folding, so the action needs no lowered
// copy (action names are ASCII).
func (m *actionMatcher) match(action string) bool {
	if !isASCIIText(action) {
		// Fold as the pattern was folded (catalog.FoldAction), then compare exactly.
		return m.matchFolded(catalog.FoldActionName(action))
	}
	switch {
	case m.all:
		return true
	case m.pattern == nil:
		return len(m.exact) == len(action) && equalFoldASCII(m.exact, action)
	case m.prefix != "":
		return len(action) >= len(m.prefix) && equalFoldASCII(m.prefix, action[:len(m.prefix)])
	}
	return m.pattern.matchPlain(action, true)
}

// matchFolded matches an action already folded with catalog.FoldAction.
func (m *actionMatcher) matchFolded(folded string) bool {
	switch {
	case m.all:
		return true
	case m.pattern == nil:
		return m.exact == folded
	}
	return m.pattern.matchPlain(folded, false)
}

// isASCIIText reports whether s has only ASCII bytes.
func isASCIIText(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// equalFoldASCII compares a lower-case ASCII pattern with text, folding the text's ASCII
// letters; other bytes must be equal.
func equalFoldASCII(lower, text string) bool {
	for i := 0; i < len(lower); i++ {
		c := text[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}

// actionSet is the Action (or NotAction) list of a statement arranged for lookup: a long list,
// such as the ~1,400 patterns of AWS's ReadOnlyAccess, is indexed by service prefix, so that a
// request is compared only with the patterns of its own service and those whose service part
// has a wildcard.
type actionSet struct {
	all       bool
	list      []actionMatcher            // short lists: compared in order
	byService map[string][]actionMatcher // long lists: patterns with a literal service
	wild      []actionMatcher            // long lists: the other patterns
}

// actionIndexThreshold is the list length from which indexing by service pays off.
const actionIndexThreshold = 8

func newActionSet(ms []actionMatcher) actionSet {
	var set actionSet
	for _, m := range ms {
		if m.all {
			set.all = true
		}
	}
	if len(ms) < actionIndexThreshold {
		set.list = ms
		return set
	}
	set.byService = map[string][]actionMatcher{}
	for _, m := range ms {
		text := m.exact
		if m.pattern != nil {
			text = m.pattern.String()
		}
		svc, _, ok := strings.Cut(text, ":")
		if !ok || strings.ContainsAny(svc, "*?") {
			set.wild = append(set.wild, m)
			continue
		}
		set.byService[svc] = append(set.byService[svc], m)
	}
	return set
}

func (set *actionSet) match(action string) bool {
	if set.all {
		return true
	}
	if set.byService == nil {
		for i := range set.list {
			if set.list[i].match(action) {
				return true
			}
		}
		return false
	}
	svc, _, _ := strings.Cut(action, ":")
	for _, group := range [2][]actionMatcher{set.byService[lowerASCII(svc)], set.wild} {
		for i := range group {
			if group[i].match(action) {
				return true
			}
		}
	}
	return false
}

// resourceMatcher matches one entry of Resource or NotResource, with case.
type resourceMatcher struct {
	all     bool
	exact   string
	pattern glob
	// segmented is set when pattern has wildcards that stop at colons (matched by the NFA).
	segmented bool
	// prefix is the text before the star of a "literal*" pattern whose star matches anything.
	prefix string
	// withVariables is set when the pattern has policy variables (Version 2012-10-17 only);
	// they are resolved per request.
	withVariables *resourceVariables
}

func compileResource(v Value, version string) (resourceMatcher, *ParseError) {
	text := v.Text
	if text == "*" {
		return resourceMatcher{all: true}, nil
	}
	if version == Version2012 && strings.Contains(text, "${") {
		t, err := compileResourceTemplate(text)
		if err != nil {
			return resourceMatcher{}, errorAt(v.Path, v.Pos, "%v", err)
		}
		if t != nil {
			return resourceMatcher{withVariables: t}, nil
		}
	}
	if !strings.ContainsAny(text, "*?") {
		return resourceMatcher{exact: text}, nil
	}
	g := compileResourceGlob(text)
	m := resourceMatcher{pattern: g, segmented: g.hasSegmentWildcards()}
	if p, ok := starSuffixPrefix(text); ok && g[len(g)-1] == globStar {
		m.prefix = p
	}
	return m, nil
}

func (m *resourceMatcher) match(e *evalContext) bool {
	switch {
	case m.all:
		return true
	case m.withVariables != nil:
		// AWS: "If a variable that has no value ... is used as part of the Resource or
		// NotResource element, the resource that includes [it] will not match any resource."
		g, ok := m.withVariables.expand(e)
		return ok && g.match(e.req.Resource)
	case m.pattern == nil:
		return m.exact == e.req.Resource
	case m.prefix != "":
		return strings.HasPrefix(e.req.Resource, m.prefix)
	case m.segmented:
		return m.pattern.matchSegments(e.req.Resource, false)
	}
	return m.pattern.matchPlain(e.req.Resource, false)
}

// matchesActionAndResource reports whether the statement's Action/NotAction and
// Resource/NotResource elements cover the request.
func (s *Statement) matchesActionAndResource(e *evalContext) bool {
	c := s.compiled
	if c.actionSet.match(e.req.Action) == s.NotAction {
		return false
	}
	if s.NoResource {
		// Only role trust policies may leave out Resource: the statement is about the role
		// that carries the policy.
		return true
	}
	hit := false
	for i := range c.resources {
		if c.resources[i].match(e) {
			hit = true
			break
		}
	}
	return hit != s.NotResource
}

// conditionsHold reports whether every condition of the statement holds (they are ANDed).
func (s *Statement) conditionsHold(e *evalContext) bool {
	for _, c := range s.compiled.conditions {
		if !c.eval(e) {
			return false
		}
	}
	return true
}
