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
)

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

// literal returns the pattern as plain text when it has no wildcard.
func (g glob) literal() (string, bool) {
	var b strings.Builder
	for _, r := range g {
		if r < 0 {
			return "", false
		}
		b.WriteRune(r)
	}
	return b.String(), true
}

// isStar reports whether g is the single wildcard "*".
func (g glob) isStar() bool { return len(g) == 1 && g[0] == globStar }

// String renders g back as pattern text, with * and ? for the wildcards.
func (g glob) String() string {
	var b strings.Builder
	for _, r := range g {
		switch r {
		case globStar:
			b.WriteByte('*')
		case globOne:
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

// matchFunc is the classic linear-backtracking wildcard match: on a mismatch it resumes after
// the last star, which has then swallowed one more character. Only the last star needs to be
// remembered, so the match takes O(len(g)·len(s)) at worst and never allocates.
func (g glob) matchFunc(s string, fold bool) bool {
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
	return unicode.SimpleFold(a) == b || unicode.SimpleFold(b) == a || unicode.ToLower(a) == unicode.ToLower(b)
}
