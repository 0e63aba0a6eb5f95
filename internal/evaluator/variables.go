package evaluator

import (
	"fmt"
	"strings"
)

// Policy variables (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html).
//
// A policy string of a 2012-10-17 policy may hold ${key} placeholders, replaced at evaluation by
// the value of the condition key key in the request. The rules, as AWS documents them:
//
//   - ${key, 'default'} gives default when key has no value: the default is in single quotes,
//     after a comma; white space around the key and around the quoted default is ignored.
//   - ${*}, ${?} and ${$} are the literal characters *, ? and $ ("special characters"). In Like
//     matching they are never wildcards.
//   - Only single-valued keys substitute. A key that is absent, or multi-valued, has no value
//     (then the default applies when there is one). A placeholder without a value makes the
//     whole string valueless: positive operators do not match it, negated operators do (see
//     compiledCondition), and a Resource with it matches no resource.
//   - Substituted text is literal: a * that comes from the request is not a wildcard.
//
// Decisions where AWS documents nothing:
//   - "${" without a closing "}" and the empty "${}" are not placeholders; they stay literal
//     text (AWS treats unknown syntax literally).
//   - Inside a closed ${...}, a malformed placeholder is an error that says what is wrong: an
//     empty key, a key with a character that no condition key has ({ } $ ' " , * ?), or a
//     default that is not a single-quoted string. Such text is almost certainly a typo, and
//     reading it as literal would silently change what the policy grants.

// templatePartKind tells what a part of a template is.
type templatePartKind uint8

const (
	// partText is policy text: in Like matching its * and ? are wildcards.
	partText templatePartKind = iota
	// partLiteral is text from an escape (${*}, ${?}, ${$}): always literal.
	partLiteral
	// partVariable is a ${key} placeholder.
	partVariable
)

// templatePart is one piece of a template.
type templatePart struct {
	kind templatePartKind
	// text is the text of partText and partLiteral, and the default of partVariable.
	text string
	// key is the lower-case condition key of partVariable.
	key        string
	hasDefault bool
}

// template is a policy string compiled once: the text between placeholders and the placeholders.
// A template without placeholders keeps its final text and glob, so that expanding it costs
// nothing.
type template struct {
	raw   string // as written in the policy
	parts []templatePart
	vars  bool
	// text and glob are the expansion when vars is false.
	text string
	glob glob
}

// parseTemplate compiles s. With allowVariables false (policy versions before 2012-10-17, or no
// Version) the whole string is literal policy text, ${...} included.
func parseTemplate(s string, allowVariables bool) (template, error) {
	t := template{raw: s}
	if !allowVariables || !strings.Contains(s, "${") {
		if s != "" {
			t.parts = []templatePart{{kind: partText, text: s}}
		}
		t.text = s
		t.glob = compileGlob(s)
		return t, nil
	}
	text := 0 // start of the pending policy text
	for i := 0; i < len(s); {
		if !strings.HasPrefix(s[i:], "${") {
			i++
			continue
		}
		end := strings.IndexByte(s[i+2:], '}')
		if end < 0 {
			break // not closed: the rest is literal text
		}
		inner := s[i+2 : i+2+end]
		next := i + 2 + end + 1
		var part templatePart
		switch inner {
		case "":
			i = next // "${}" stays literal text
			continue
		case "*", "?", "$":
			part = templatePart{kind: partLiteral, text: inner}
		default:
			p, err := parseVariable(inner)
			if err != nil {
				return template{}, fmt.Errorf("policy variable %q: %v", s[i:next], err)
			}
			part = p
			t.vars = true
		}
		if text < i {
			t.parts = append(t.parts, templatePart{kind: partText, text: s[text:i]})
		}
		t.parts = append(t.parts, part)
		i, text = next, next
	}
	if text < len(s) {
		t.parts = append(t.parts, templatePart{kind: partText, text: s[text:]})
	}
	if !t.vars {
		t.text, _ = t.expandString(nil)
		t.glob, _ = t.buildGlob(nil)
	}
	return t, nil
}

// parseVariable reads the inside of ${...}: a key, optionally followed by , 'default'.
func parseVariable(inner string) (templatePart, error) {
	key, def, hasDefault := strings.Cut(inner, ",")
	key = strings.TrimSpace(key)
	if key == "" {
		return templatePart{}, fmt.Errorf("the condition key is empty; expected ${key} or ${key, 'default'}")
	}
	if i := strings.IndexAny(key, "{}$'\",*?"); i >= 0 {
		return templatePart{}, fmt.Errorf("the condition key %q has the character %q, which no condition key has", key, key[i])
	}
	part := templatePart{kind: partVariable, key: strings.ToLower(key), hasDefault: hasDefault}
	if hasDefault {
		def = strings.TrimSpace(def)
		if len(def) < 2 || def[0] != '\'' || def[len(def)-1] != '\'' {
			return templatePart{}, fmt.Errorf("the default value must be in single quotes, as in ${%s, 'default'}", key)
		}
		def = def[1 : len(def)-1]
		if strings.ContainsRune(def, '\'') {
			return templatePart{}, fmt.Errorf("the default value %q has a single quote inside it", def)
		}
		part.text = def
	}
	return part, nil
}

// hasVariables reports whether t has ${key} placeholders (escapes such as ${*} do not count).
func (t template) hasVariables() bool { return t.vars }

// variables returns the lower-case keys that t refers to, in order, without repeats.
func (t template) variables() []string {
	var keys []string
	for _, p := range t.parts {
		if p.kind == partVariable && !containsString(keys, p.key) {
			keys = append(keys, p.key)
		}
	}
	return keys
}

// String returns the template as written.
func (t template) String() string { return t.raw }

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// resolve gives the value of placeholder p in the request: the key's value when the key is
// single-valued, else the default, else nothing. A nil e has no keys (every placeholder
// without default is unresolved).
func (p *templatePart) resolve(e *evalContext) (string, bool) {
	if e != nil {
		if v, ok := e.get(p.key); ok && !v.Multi && len(v.Values) == 1 {
			return v.Values[0], true
		}
	}
	if p.hasDefault {
		return p.text, true
	}
	return "", false
}

// expandString returns the text of t with placeholders replaced and escapes resolved. false
// means a placeholder has no value. A template that is a single placeholder returns the
// request's string itself, so the common ${aws:PrincipalTag/x} value costs no allocation.
func (t template) expandString(e *evalContext) (string, bool) {
	if !t.vars && t.glob != nil {
		return t.text, true
	}
	if len(t.parts) == 1 {
		p := &t.parts[0]
		if p.kind == partVariable {
			return p.resolve(e)
		}
		return p.text, true
	}
	var b strings.Builder
	for i := range t.parts {
		p := &t.parts[i]
		if p.kind != partVariable {
			b.WriteString(p.text)
			continue
		}
		v, ok := p.resolve(e)
		if !ok {
			return "", false
		}
		b.WriteString(v)
	}
	return b.String(), true
}

// expandGlob returns t as a wildcard pattern: * and ? of the policy text are wildcards, the
// text of escapes and of substituted values is literal. false means a placeholder has no value.
func (t template) expandGlob(e *evalContext) (glob, bool) {
	if !t.vars && t.glob != nil {
		return t.glob, true
	}
	return t.buildGlob(e)
}

func (t template) buildGlob(e *evalContext) (glob, bool) {
	g := make(glob, 0, len(t.raw))
	for i := range t.parts {
		p := &t.parts[i]
		switch p.kind {
		case partText:
			g = append(g, compileGlob(p.text)...)
		case partLiteral:
			g = g.appendLiteral(p.text)
		case partVariable:
			v, ok := p.resolve(e)
			if !ok {
				return nil, false
			}
			g = g.appendLiteral(v)
		}
	}
	return g, true
}
