package evaluator

import (
	"fmt"
	"sort"
	"strings"
)

// A policy variable of a key the question leaves free (${aws:PrincipalTag/team} with the
// principal's tags free) makes the patterns and values it is part of depend on a value the
// search does not enumerate. The analysis then tries candidate values of the key, fixing it
// in the context: absent, the constants that conditions compare the key with, the text that
// the question's resource patterns hold where the variable stands, and one value that nothing
// names. A candidate that is allowed is a real witness (its value is in the witness's context);
// when no candidate is, other values were not searched, so the answer is Undecided, never
// Denied. (Analyze first tries to prove Denied for every value with a widened question:
// analyze_widen.go; the candidates run only when that proof fails.)

// freeVariableError is a policy variable whose key the question does not fix.
type freeVariableError struct {
	path, verb, key string // key in lower case
}

func (e freeVariableError) Error() string {
	return fmt.Sprintf("%s %s the policy variable ${%s}, whose value the question does not fix", e.path, e.verb, e.key)
}

func freeVariable(path, verb, key string) error { return freeVariableError{path, verb, key} }

// maxTagVariableDepth bounds how many free variable keys are tried in combination.
const maxTagVariableDepth = 3

// analyzeTagVariable answers q by trying candidate values of the free variable's key; hints
// are values to try first (witnessHints).
func analyzeTagVariable(q *Question, fv freeVariableError, depth int, hints []string) Answer {
	if !strings.HasPrefix(fv.key, "aws:principaltag/") || depth == 0 {
		return Answer{Outcome: Undecided, Reason: fv.Error() + "; with the variable widened to any value the policies allow some request, and candidate values are tried for principal tags only (fix the key in the question's context to decide)"}
	}
	searched := 0
	var reasons []string
	for _, v := range tagCandidates(q, fv.key, hints) {
		cp := *q
		cp.Context = q.Context.Clone()
		cp.Absent = append([]string(nil), q.Absent...)
		if v == nil {
			cp.Absent = append(cp.Absent, fv.key)
		} else {
			cp.Context.Set(principalTagKeyName(fv.key), *v)
		}
		var a Answer
		if an, err := newAnalysis(&cp); err != nil {
			var next freeVariableError
			if ok := asFreeVariable(err, &next); ok {
				a = analyzeTagVariable(&cp, next, depth-1, nil)
			} else {
				a = Answer{Outcome: Undecided, Reason: err.Error()}
			}
		} else {
			a = an.run()
		}
		searched += a.Searched
		switch a.Outcome {
		case Allowed:
			a.Searched = searched
			return a
		case Undecided:
			reasons = append(reasons, a.Reason)
		}
	}
	reason := fmt.Sprintf("%s; the policies with the variable widened to any value allow some request, but none is allowed for the values of %s tried (absent, the constants and resource text the policies and the question name, and one other value), and other values were not searched", fv.Error(), principalTagKeyName(fv.key))
	if len(reasons) > 0 {
		reason += " (" + reasons[0] + ")"
	}
	return Answer{Outcome: Undecided, Reason: reason, Searched: searched}
}

func asFreeVariable(err error, out *freeVariableError) bool {
	fv, ok := err.(freeVariableError)
	if ok {
		*out = fv
	}
	return ok
}

// principalTagKeyName writes a lower-case aws:principaltag/ key as AWS does.
func principalTagKeyName(lower string) string {
	return "aws:PrincipalTag/" + lower[len("aws:principaltag/"):]
}

// tagCandidates lists the values of a principal tag key to try: nil is "absent". hints are
// values read from a request of the widened question.
func tagCandidates(q *Question, key string, hints []string) []*string {
	seen := map[string]bool{}
	var vals []string
	add := func(v string) {
		if v != "" && !seen[v] && len(vals) < 16 {
			seen[v] = true
			vals = append(vals, v)
		}
	}
	for _, h := range hints {
		add(h)
	}
	eachPolicy(q, func(p *Policy) {
		for _, s := range p.Statements {
			if s.compiled == nil {
				continue
			}
			// Constants compared with the key itself.
			for _, c := range s.compiled.conditions {
				// The value the question fixes for a key compared with the variable,
				// and the text such a value has where the variable stands in the pattern
				// ("home/${aws:PrincipalTag/user}/*" against "home/bob/x" gives "bob").
				for _, vk := range conditionVariables(c) {
					if v, ok := q.Context.lookupLower(c.key); ok && vk == key {
						for _, x := range v.Values {
							add(x)
						}
						for i := range c.values {
							for _, t := range variableTextIn(c.values[i].tmpl.raw, key, v.Values) {
								add(t)
							}
						}
					}
				}
				if c.key != key {
					continue
				}
				for i := range c.values {
					if !c.values[i].tmpl.vars && !strings.ContainsAny(c.values[i].tmpl.text, "*?") {
						add(c.values[i].tmpl.text)
					}
				}
			}
			// The text of the question's resources where the variable stands in a Resource.
			for _, r := range s.Resources {
				for _, v := range variableTextIn(r.Text, key, q.Resources) {
					add(v)
				}
			}
		}
	})
	sort.Strings(vals)
	add("example")
	out := []*string{nil}
	for i := range vals {
		out = append(out, &vals[i])
	}
	return out
}

// variableTextIn finds, for a pattern holding ${key}, the text that each of the given values
// (resource patterns, request values) has where the variable stands: the pattern's literal
// text before the variable is a prefix of the value, and the variable's text runs to the next
// literal character of the pattern; where the pattern ends after the variable, to the end of
// the value; where a wildcard follows, both to the next slash and to the end.
func variableTextIn(pattern, key string, values []string) []string {
	lower := strings.ToLower(pattern)
	i := strings.Index(lower, "${"+key)
	if i < 0 {
		return nil
	}
	end := strings.IndexByte(pattern[i:], '}')
	if end < 0 {
		return nil
	}
	prefix, rest := pattern[:i], pattern[i+end+1:]
	if strings.ContainsAny(prefix, "*?$") {
		return nil
	}
	var out []string
	for _, r := range values {
		if !strings.HasPrefix(r, prefix) {
			continue
		}
		v := r[len(prefix):]
		// The value's own wildcards (a resource pattern of the question) end the text.
		if j := strings.IndexAny(v, "*?"); j >= 0 {
			v = v[:j]
		}
		switch {
		case rest == "":
			out = append(out, v)
		case rest[0] == '*' || rest[0] == '?' || rest[0] == '$':
			if j := strings.IndexByte(v, '/'); j >= 0 {
				out = append(out, v[:j])
			}
			out = append(out, v)
		default:
			if j := strings.IndexByte(v, rest[0]); j >= 0 {
				v = v[:j]
			}
			out = append(out, v)
		}
	}
	return out
}

// witnessHints are candidate values of a free variable's key read from a request that the
// widened question allows (analyze_widen.go): the text that request has where the variable
// stands in the policies' resource patterns and in the patterns compared with its keys. The
// widened policies are not the caller's, so such a value is only a candidate to try.
func witnessHints(q *Question, key string, w *Request) []string {
	if w == nil {
		return nil
	}
	var out []string
	if v, ok := w.Context.lookupLower(key); ok {
		out = append(out, v.Values...)
	}
	eachPolicy(q, func(p *Policy) {
		for _, s := range p.Statements {
			for _, r := range s.Resources {
				out = append(out, variableTextIn(r.Text, key, []string{w.Resource})...)
			}
			for _, c := range s.Conditions {
				v, ok := w.Context.Lookup(c.Key)
				if !ok {
					continue
				}
				for _, x := range c.Values {
					out = append(out, variableTextIn(x.Text, key, v.Values)...)
				}
			}
		}
	})
	return out
}

// eachPolicy calls f for every policy of the question.
func eachPolicy(q *Question, f func(*Policy)) {
	var policies []*Policy
	policies = append(policies, q.Policies.Identity...)
	policies = append(policies, q.Policies.Boundary, q.Policies.Session)
	for _, l := range q.Policies.SCPs {
		policies = append(policies, l...)
	}
	for _, l := range q.Policies.RCPs {
		policies = append(policies, l...)
	}
	for _, rp := range q.ResourcePolicies {
		policies = append(policies, rp.Policy)
	}
	for _, p := range policies {
		if p != nil {
			f(p)
		}
	}
}
