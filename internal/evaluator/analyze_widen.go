package evaluator

import (
	"strings"
)

// Proving Denied over every value of a free variable.
//
// A policy variable whose key the question leaves free (${aws:PrincipalTag/team} with the
// principal's tags free, ${aws:SourceVpc}, ...) makes a statement depend on a value the
// search does not enumerate. Trying candidate values (analyze_tags.go) finds real witnesses,
// but it cannot prove that no value gets through. This file proves that instead, with a
// question that allows at least as much as the original does for every value of the key:
//
//   - in an Allow statement, the placeholder in a Resource becomes "*" (it then matches every
//     text the value could make), a NotResource entry with it is left out, and a condition
//     with it is left out: each makes the statement match at least the requests it matched;
//   - in a Deny statement, a Resource entry with it is left out (the statement matches no
//     more than before), a NotResource entry with it becomes "*", and a statement with it in
//     a condition is left out: each makes the statement deny at most what it denied.
//
// AWS's decision is monotone in these sets: a request is allowed only when some Allow of every
// layer matches and no Deny matches, so a request allowed by the original question, under any
// value of the key, is allowed by the widened one. A Denied answer for the widened question is
// therefore a proof for the original. An Allowed answer is not a witness of the original (the
// widened policies are not the caller's), so it only says that the proof failed.

// maxWidenedKeys bounds how many free variable keys one question widens.
const maxWidenedKeys = 8

// analyzeWidened answers Denied when the question with every free variable widened (first
// fv's key, then each one the analysis meets next) is Denied. It returns ok false when the
// proof fails; the Answer then carries the work spent and the widened question's witness, if
// it found one.
func analyzeWidened(q *Question, fv freeVariableError) (Answer, bool) {
	widened := map[string]bool{}
	cur := *q
	searched := 0
	for range maxWidenedKeys {
		if widened[fv.key] {
			// Widening this key left a placeholder of it behind: do not loop.
			return Answer{Searched: searched}, false
		}
		widened[fv.key] = true
		cur = widenQuestion(cur, fv.key)
		an, err := newAnalysis(&cur)
		if err != nil {
			if asFreeVariable(err, &fv) {
				continue
			}
			return Answer{Searched: searched}, false
		}
		a := an.run()
		searched += a.Searched
		if a.Outcome != Denied {
			// The widened witness is no witness of q, but where it differs from the
			// original policies' requests tells which values to try (witnessHints).
			return Answer{Searched: searched, Witness: a.Witness}, false
		}
		a.Searched = searched
		a.Witness = nil
		return a, true
	}
	return Answer{Searched: searched}, false
}

// widenQuestion returns q with every policy widened for key (see the top of the file). The
// policies of q are not changed: widened policies are new values.
func widenQuestion(q Question, key string) Question {
	q.Policies = PolicySet{
		Identity: widenPolicies(q.Policies.Identity, key),
		Resource: widenPolicy(q.Policies.Resource, key),
		Boundary: widenPolicy(q.Policies.Boundary, key),
		Session:  widenPolicy(q.Policies.Session, key),
		SCPs:     widenLevels(q.Policies.SCPs, key),
		RCPs:     widenLevels(q.Policies.RCPs, key),
	}
	if q.ResourcePolicies != nil {
		rps := make([]ResourcePolicy, len(q.ResourcePolicies))
		for i, rp := range q.ResourcePolicies {
			rps[i] = ResourcePolicy{Pattern: rp.Pattern, Policy: widenPolicy(rp.Policy, key)}
		}
		q.ResourcePolicies = rps
	}
	return q
}

func widenLevels(levels [][]*Policy, key string) [][]*Policy {
	if levels == nil {
		return nil
	}
	out := make([][]*Policy, len(levels))
	for i, l := range levels {
		out[i] = widenPolicies(l, key)
	}
	return out
}

func widenPolicies(ps []*Policy, key string) []*Policy {
	if ps == nil {
		return nil
	}
	out := make([]*Policy, len(ps))
	for i, p := range ps {
		out[i] = widenPolicy(p, key)
	}
	return out
}

// widenPolicy returns p itself when no statement uses key as a variable, else a compiled copy
// with the statements widened.
func widenPolicy(p *Policy, key string) *Policy {
	if p == nil || p.Version != Version2012 || !policyUsesVariable(p, key) {
		return p
	}
	cp := *p
	cp.Statements = nil
	for _, s := range p.Statements {
		if w := widenStatement(s, key); w != nil {
			cp.Statements = append(cp.Statements, w)
		}
	}
	if err := compilePolicy(&cp); err != nil {
		// The widened text compiles whenever the original did; should it not, keep the
		// original: the analysis then meets the variable again and the proof fails.
		return p
	}
	return &cp
}

func policyUsesVariable(p *Policy, key string) bool {
	for _, s := range p.Statements {
		for _, r := range s.Resources {
			if textUsesVariable(r.Text, key) {
				return true
			}
		}
		for _, c := range s.Conditions {
			if conditionUsesVariable(c, key) {
				return true
			}
		}
	}
	return false
}

func conditionUsesVariable(c *Condition, key string) bool {
	for _, v := range c.Values {
		if textUsesVariable(v.Text, key) {
			return true
		}
	}
	return false
}

func textUsesVariable(text, key string) bool {
	if !strings.Contains(text, "${") {
		return false
	}
	t, err := parseTemplate(text, true)
	return err == nil && containsString(t.variables(), key)
}

// widenStatement returns the widened copy of s, or nil when the widened statement matches no
// request (a Deny left without resources or with a condition on the value).
func widenStatement(s *Statement, key string) *Statement {
	cp := *s
	cp.compiled = nil
	allow := s.Effect == EffectAllow
	cp.Resources = nil
	for _, r := range s.Resources {
		if !textUsesVariable(r.Text, key) {
			cp.Resources = append(cp.Resources, r)
			continue
		}
		// Allow with Resource, Deny with NotResource: the entry widens to what every value
		// could make. Allow with NotResource, Deny with Resource: the entry is left out.
		if allow == s.NotResource {
			continue
		}
		r.Text = widenResourceText(r.Text, key)
		cp.Resources = append(cp.Resources, r)
	}
	if !allow && !s.NoResource && !s.NotResource && len(cp.Resources) == 0 {
		return nil
	}
	cp.Conditions = nil
	for _, c := range s.Conditions {
		if !conditionUsesVariable(c, key) {
			cc := *c // compilePolicy sets compiled: never share the original's.
			cc.compiled = nil
			cp.Conditions = append(cp.Conditions, &cc)
			continue
		}
		if !allow {
			return nil
		}
	}
	return &cp
}

// widenResourceText replaces each ${key} of an ARN pattern with "*". A value could hold a
// colon, and the ARN's first five segments are matched one by one, so a placeholder before the
// resource segment widens the whole entry to "*".
func widenResourceText(text, key string) string {
	t, err := parseTemplate(text, true)
	if err != nil {
		return "*"
	}
	var b strings.Builder
	for _, p := range t.parts {
		switch p.kind {
		case partText:
			b.WriteString(p.text)
		case partLiteral:
			b.WriteString("${" + p.text + "}")
		case partVariable:
			if p.key != key {
				b.WriteString("${" + p.key)
				if p.hasDefault {
					b.WriteString(", '" + p.text + "'")
				}
				b.WriteString("}")
				continue
			}
			if strings.Count(b.String(), ":") < 5 {
				return "*"
			}
			b.WriteString("*")
		}
	}
	return b.String()
}
