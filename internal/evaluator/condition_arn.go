package evaluator

// Arn operators [OPS]: ArnEquals and ArnLike (and their negations) are the same test. "Each of
// the six colon-delimited components of the ARN is checked separately and each can include
// multi-character match wildcards (*) or single-character match wildcards (?)", so a wildcard
// never crosses a colon, except in the sixth part, the resource, which is the rest of the ARN
// colons included. Matching is case-sensitive. A request value that is not an ARN
// (arn:partition:service:region:account:resource) matches nothing.
//
// A policy value with fewer than six parts matches no ARN, except the value "*", which
// matches every ARN (the usual reading of a bare wildcard; a pattern such as "arn:aws:s3:*"
// is a mistake that validation reports).

// arnPattern is an Arn policy value split into its six parts.
type arnPattern struct {
	parts [6]glob
	// anyARN is set for the value "*"; valid is false for a value of fewer than six parts.
	anyARN, valid bool
}

// compileArnPattern splits g at its first five literal colons. The parts share g's memory.
func compileArnPattern(g glob) arnPattern {
	if g.isStar() {
		return arnPattern{anyARN: true, valid: true}
	}
	var p arnPattern
	start, n := 0, 0
	for i, r := range g {
		if n == 5 {
			break
		}
		if r == ':' {
			p.parts[n] = g[start:i]
			start = i + 1
			n++
		}
	}
	if n < 5 {
		return arnPattern{}
	}
	p.parts[5] = g[start:]
	p.valid = true
	return p
}

// match reports whether the ARN s matches the pattern, part by part.
func (p *arnPattern) match(s string) bool {
	if !p.valid {
		return false
	}
	a, ok := splitARN(s)
	if !ok {
		return false
	}
	if p.anyARN {
		return true
	}
	return p.parts[0].match("arn") && p.parts[1].match(a.partition) && p.parts[2].match(a.service) &&
		p.parts[3].match(a.region) && p.parts[4].match(a.account) && p.parts[5].match(a.resource)
}

func (c *compiledCondition) matchARN(s string, e *evalContext) bool {
	for i := range c.values {
		v := &c.values[i]
		if !v.tmpl.hasVariables() {
			if v.arn.match(s) {
				return true
			}
			continue
		}
		g, ok := v.tmpl.expandGlob(e)
		if !ok {
			continue
		}
		if p := compileArnPattern(g); p.match(s) {
			return true
		}
	}
	return false
}
