package evaluator

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// glob is a compiled wildcard pattern: each element is a literal character (a rune >= 0) or a
// wildcard: globStar (*, any run of characters, the empty run included) or globOne (?, exactly
// one character). Keeping wildcards out of the rune range lets a literal "*" (written ${*}, or
// substituted from a policy variable) sit in a pattern without being a wildcard.
type glob []rune

const (
	globStar rune = -1
	globOne  rune = -2
	// globStarSeg and globOneSeg are the wildcards of an ARN segment before the resource part
	// whose * is not the segment's last character: they never match a colon.
	globStarSeg rune = -3
	globOneSeg  rune = -4
	// The wildcards of the analysis's ARN formats (see typeGlob): a placeholder followed by a
	// slash has no slash, one that names a segment has neither colon nor slash, and an account
	// is twelve digits. Policies never produce them.
	globStarNoSlash rune = -5
	globOneNoSlash  rune = -6
	globStarName    rune = -7
	globOneName     rune = -8
	globDigit       rune = -9
)

// isStarAtom reports whether t is a wildcard that reads any number of characters.
func isStarAtom(t rune) bool {
	return t == globStar || t == globStarSeg || t == globStarNoSlash || t == globStarName
}

// wildcardTakes reports whether the wildcard t can read the character r.
func wildcardTakes(t, r rune) bool {
	switch t {
	case globStar, globOne:
		return true
	case globStarSeg, globOneSeg:
		return r != ':'
	case globStarNoSlash, globOneNoSlash:
		return r != '/'
	case globStarName, globOneName:
		return r != ':' && r != '/'
	case globDigit:
		return '0' <= r && r <= '9'
	}
	return false
}

// compileGlob reads s with * and ? as wildcards and every other character as itself.
func compileGlob(s string) glob {
	g := make(glob, 0, len(s))
	for _, r := range s {
		switch r {
		case '*':
			g = append(g, globStar)
		case '?':
			g = append(g, globOne)
		default:
			g = append(g, r)
		}
	}
	return g
}

// appendLiteral appends s to g with every character literal.
func (g glob) appendLiteral(s string) glob {
	for _, r := range s {
		g = append(g, r)
	}
	return g
}

// hasSegmentWildcards reports whether g has wildcards that do not take every character
// (those that stop at colons, and the restricted ones of the analysis).
func (g glob) hasSegmentWildcards() bool {
	for _, r := range g {
		if r < globOne {
			return true
		}
	}
	return false
}

// key is a map key that tells every glob apart (string(g) would not: it turns every
// wildcard into U+FFFD).
func (g glob) key() string {
	var b strings.Builder
	b.Grow(len(g) * 4)
	for _, r := range g {
		u := uint32(r)
		b.WriteByte(byte(u))
		b.WriteByte(byte(u >> 8))
		b.WriteByte(byte(u >> 16))
		b.WriteByte(byte(u >> 24))
	}
	return b.String()
}

// isStar reports whether g is the single wildcard "*".
func (g glob) isStar() bool { return len(g) == 1 && g[0] == globStar }

// String renders g back as pattern text, with * and ? for the wildcards.
func (g glob) String() string {
	var b strings.Builder
	for _, r := range g {
		switch r {
		case globStar, globStarSeg, globStarNoSlash, globStarName:
			b.WriteByte('*')
		case globOne, globOneSeg, globOneNoSlash, globOneName, globDigit:
			b.WriteByte('?')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// match reports whether s matches g, comparing characters exactly.
func (g glob) match(s string) bool { return g.matchFunc(s, false) }

// matchFold reports whether s matches g without regard to case.
func (g glob) matchFold(s string) bool { return g.matchFunc(s, true) }

// matchFunc matches with or without regard to case.
func (g glob) matchFunc(s string, fold bool) bool {
	if g.hasSegmentWildcards() {
		return g.matchSegments(s, fold)
	}
	return g.matchPlain(s, fold)
}

// matchFunc is the classic linear-backtracking wildcard match: on a mismatch it resumes after
// the last star, which has then swallowed one more character. Only the last star needs to be
// remembered, so the match takes O(len(g)·len(s)) at worst and never allocates.
// matchPlain matches a pattern without segment wildcards.
func (g glob) matchPlain(s string, fold bool) bool {
	pi, si := 0, 0
	starP, starS := -1, 0
	for si < len(s) {
		r, n := utf8.DecodeRuneInString(s[si:])
		if pi < len(g) {
			p := g[pi]
			if p == globStar {
				starP, starS = pi, si
				pi++
				continue
			}
			if p == globOne || p == r || (fold && p >= 0 && equalFoldRune(p, r)) {
				pi++
				si += n
				continue
			}
		}
		if starP < 0 {
			return false
		}
		_, n = utf8.DecodeRuneInString(s[starS:])
		starS += n
		si = starS
		pi = starP + 1
	}
	for pi < len(g) && g[pi] == globStar {
		pi++
	}
	return pi == len(g)
}

func equalFoldRune(a, b rune) bool {
	if a < utf8.RuneSelf && b < utf8.RuneSelf {
		if 'A' <= a && a <= 'Z' {
			a += 'a' - 'A'
		}
		if 'A' <= b && b <= 'Z' {
			b += 'a' - 'A'
		}
		return a == b
	}
	// The whole simple-folding orbit, as strings.EqualFold compares (StringEqualsIgnoreCase
	// evaluates with it): the Kelvin sign equals k, and the long s equals s.
	if a == b {
		return true
	}
	for r := unicode.SimpleFold(a); r != a; r = unicode.SimpleFold(r) {
		if r == b {
			return true
		}
	}
	return false
}

// foldOrbit lists the characters that equal r without regard to case, r first.
func foldOrbit(r rune) []rune {
	out := []rune{r}
	for x := unicode.SimpleFold(r); x != r; x = unicode.SimpleFold(x) {
		out = append(out, x)
	}
	return out
}

// matchSegments matches patterns with colon-bounded wildcards. With two kinds of star the
// remember-the-last-star shortcut is wrong (a segment star cannot swallow a colon, so an
// earlier star may have to), so this runs the pattern's NFA: the set of pattern positions
// reachable after each character, a bitset over positions.
func (g glob) matchSegments(s string, fold bool) bool {
	n := len(g) + 1
	var small [2][4]uint64
	cur, next := small[0][:], small[1][:]
	if words := (n + 63) / 64; words > len(cur) {
		cur, next = make([]uint64, words), make([]uint64, words)
	} else {
		cur, next = cur[:words], next[:words]
	}
	set := func(b []uint64, i int) { b[i/64] |= 1 << (i % 64) }
	has := func(b []uint64, i int) bool { return b[i/64]&(1<<(i%64)) != 0 }
	// closure: a star may match the empty run, so the position after it is reachable too.
	closure := func(b []uint64) {
		for i := 0; i < len(g); i++ {
			if has(b, i) && isStarAtom(g[i]) {
				set(b, i+1)
			}
		}
	}
	set(cur, 0)
	closure(cur)
	for _, r := range s {
		clear(next)
		alive := false
		for i := 0; i < len(g); i++ {
			if !has(cur, i) {
				continue
			}
			switch p := g[i]; {
			case p >= 0:
				if p == r || (fold && equalFoldRune(p, r)) {
					set(next, i+1)
					alive = true
				}
			case !wildcardTakes(p, r):
			case isStarAtom(p):
				set(next, i)
				alive = true
			default:
				set(next, i+1)
				alive = true
			}
		}
		if !alive {
			return false
		}
		closure(next)
		cur, next = next, cur
	}
	return has(cur, len(g))
}

// compileResourceGlob reads an ARN pattern of a Resource element. AWS: wildcards may be used
// within each colon-separated segment; "If the * wildcard is the last character of a resource
// ARN segment, it can expand to match beyond the colon boundaries"; in the resource part (after
// the fifth colon) * matches everything, slashes and colons included
// (reference_policies_elements_resource). So a * or ? before the fifth colon that is not at the
// end of its segment stays inside the segment.
func compileResourceGlob(s string) glob {
	g, _ := appendResourceGlob(make(glob, 0, len(s)), s, 0, true)
	return g
}

// appendResourceGlob appends the pattern text s to g under the rule of compileResourceGlob,
// given the number of colons before s; last tells whether s ends the pattern (a * at its end
// then ends a segment). It returns the colon count after s.
func appendResourceGlob(g glob, s string, colons int, last bool) (glob, int) {
	for i, r := range s {
		switch r {
		case ':':
			colons++
			g = append(g, r)
		case '*':
			endsSegment := (i+1 == len(s) && last) || (i+1 < len(s) && s[i+1] == ':')
			if colons < 5 && !endsSegment {
				g = append(g, globStarSeg)
			} else {
				g = append(g, globStar)
			}
		case '?':
			if colons < 5 {
				g = append(g, globOneSeg)
			} else {
				g = append(g, globOne)
			}
		default:
			g = append(g, r)
		}
	}
	return g, colons
}
