package catalog

import "strings"

// actionGlob is an action pattern compiled for matching many names. Both the pattern and the
// names are lower case already. No regexp: a pattern is matched in time linear in the name for
// the common *-only patterns and O(len(pattern)*len(name)) at worst with ?.
type actionGlob struct {
	pattern string
	// For patterns with * but no ?: the literal runs between the stars. parts[0] must be a
	// prefix and parts[len-1] a suffix; the middle runs must appear in order in between.
	// Matching each middle run at its leftmost position is exact for such patterns.
	parts    []string
	hasQmark bool
}

func compileActionGlob(p string) actionGlob {
	g := actionGlob{pattern: p, hasQmark: strings.IndexByte(p, '?') >= 0}
	if !g.hasQmark {
		g.parts = strings.Split(p, "*")
	}
	return g
}

func (g actionGlob) match(s string) bool {
	if g.hasQmark {
		return matchWildcards(g.pattern, s)
	}
	parts := g.parts
	if len(parts) == 1 {
		return s == parts[0]
	}
	first, last := parts[0], parts[len(parts)-1]
	if len(s) < len(first)+len(last) || !strings.HasPrefix(s, first) || !strings.HasSuffix(s, last) {
		return false
	}
	mid := s[len(first) : len(s)-len(last)]
	for _, part := range parts[1 : len(parts)-1] {
		i := strings.Index(mid, part)
		if i < 0 {
			return false
		}
		mid = mid[i+len(part):]
	}
	return true
}

// matchWildcards matches s against p with * (any run) and ? (one byte). It is the usual
// backtracking-to-the-last-star algorithm: when a mismatch happens, only the most recent *
// needs to absorb one more byte, because any earlier star's choices are subsumed by it.
func matchWildcards(p, s string) bool {
	pi, si := 0, 0
	star, mark := -1, 0
	for si < len(s) {
		switch {
		case pi < len(p) && (p[pi] == '?' || p[pi] == s[si]):
			pi++
			si++
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, si
			pi++
		case star >= 0:
			mark++
			si = mark
			pi = star + 1
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}
