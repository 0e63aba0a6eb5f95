package evaluator

import "strings"

// resourceVariables is a Resource pattern with policy variables, such as
// arn:aws:s3:::home/${aws:username}/*. AWS allows variables only in the resource part, after the
// fifth colon ("You can't use a variable to replace parts of the ARN before the fifth colon").
type resourceVariables struct {
	t template
}

// compileResourceTemplate compiles a Resource pattern with policy variables; nil when the text
// has none (escapes such as ${*} alone still make it a template: they are literal characters).
func compileResourceTemplate(text string) (*resourceVariables, error) {
	t, err := parseTemplate(text, true)
	if err != nil {
		return nil, err
	}
	if !t.hasVariables() && !strings.Contains(text, "${") {
		return nil, nil
	}
	return &resourceVariables{t: t}, nil
}

// expand builds the pattern for one request: the policy text keeps the wildcard rules of a
// Resource element, escapes and substituted values are literal text.
func (r *resourceVariables) expand(e *evalContext) (glob, bool) {
	g := make(glob, 0, len(r.t.raw)+16)
	colons := 0
	for i := range r.t.parts {
		p := &r.t.parts[i]
		switch p.kind {
		case partText:
			g, colons = appendResourceGlob(g, p.text, colons, i == len(r.t.parts)-1)
		case partLiteral:
			g = g.appendLiteral(p.text)
			colons += strings.Count(p.text, ":")
		case partVariable:
			v, ok := p.resolve(e)
			if !ok {
				return nil, false
			}
			g = g.appendLiteral(v)
			colons += strings.Count(v, ":")
		}
	}
	return g, true
}
