package evaluator

import (
	"errors"
	"strings"
	"unicode"
)

// This file splits a string dimension (the resource, or a string condition key) into cells:
// classes of strings that every pattern of the question treats alike. Each pattern is a glob;
// a set of globs is run as the product of their automata, whose states are, per glob, the set
// of pattern positions reachable after the text read so far. A breadth-first search over the
// product visits every reachable state, so every string leads to a visited state, and the set
// of patterns accepting at a state is the signature of the strings that reach it. The first
// (shortest) string reaching each signature is its witness. The search is finite because the
// product has finitely many states; a budget bounds it for adversarial patterns.

// globAtom is one pattern of a string dimension.
type globAtom struct {
	g    glob
	fold bool // compare without regard to case (StringEqualsIgnoreCase)
}

// globGroup is a set of patterns whose OR is what matters: the Resource list of a statement,
// the values of a condition, the question's resources. Signatures are over groups: tracking
// each pattern of a long list on its own would make up to 2^n signatures that no statement
// tells apart.
type globGroup []globAtom

// stringCell is one class of strings: which groups accept them, and the shortest example.
type stringCell struct {
	sig     bitset
	witness string
}

var errBudget = errors.New("search budget exhausted")

// groupLayout places the groups' patterns in one state bitset: pattern j of group i has the
// positions offsets[i][j] .. offsets[i][j]+len(pattern); each group also has a saturation bit,
// set once one of its patterns reaches a final star: from then on the group accepts every
// continuation, so its positions no longer matter and are cleared. That keeps the states of
// long lists of patterns ending in * (the common shape) few.
type groupLayout struct {
	groups  []globGroup
	offsets [][]int
	satBit  []int
	words   int
}

func newGroupLayout(groups []globGroup) *groupLayout {
	l := &groupLayout{groups: groups, offsets: make([][]int, len(groups)), satBit: make([]int, len(groups))}
	n := 0
	for i, g := range groups {
		l.offsets[i] = make([]int, len(g))
		for j, a := range g {
			l.offsets[i][j] = n
			n += len(a.g) + 1
		}
		l.satBit[i] = n
		n++
	}
	l.words = (n + 63) / 64
	if l.words == 0 {
		l.words = 1
	}
	return l
}

// cellizeStrings enumerates every achievable signature of the groups with a witness each.
// budget bounds the number of product states visited.
func cellizeStrings(groups []globGroup, budget int) ([]stringCell, error) {
	l := newGroupLayout(groups)
	var atoms []globAtom
	for _, g := range groups {
		atoms = append(atoms, g...)
	}
	literals := literalRunes(atoms)
	other := otherRune(literals)

	type node struct {
		state  bitset
		parent int
		r      rune
	}
	start := make(bitset, l.words)
	for i, g := range groups {
		for j := range g {
			start.set(l.offsets[i][j])
		}
	}
	l.normalize(start)
	nodes := []node{{state: start, parent: -1}}
	seen := map[string]bool{start.key(): true}
	var cells []stringCell
	sigSeen := map[string]bool{}
	for head := 0; head < len(nodes); head++ {
		cur := nodes[head].state
		sig := l.accepting(cur)
		if k := sig.key(); !sigSeen[k] {
			sigSeen[k] = true
			cells = append(cells, stringCell{sig: sig, witness: pathString(head, func(i int) (int, rune) { return nodes[i].parent, nodes[i].r })})
		}
		for _, r := range l.relevantRunes(cur, other) {
			next := l.step(cur, r)
			k := next.key()
			if seen[k] {
				continue
			}
			if len(nodes) >= budget {
				return nil, errBudget
			}
			seen[k] = true
			nodes = append(nodes, node{state: next, parent: head, r: r})
		}
	}
	return cells, nil
}

// normalize closes the stars (a star matches the empty run) and saturates groups that
// accept forever.
func (l *groupLayout) normalize(state bitset) {
	for i, g := range l.groups {
		if state.has(l.satBit[i]) {
			continue
		}
		saturated := false
		for j, a := range g {
			base := l.offsets[i][j]
			for p, t := range a.g {
				if (t == globStar || t == globStarSeg) && state.has(base+p) {
					state.set(base + p + 1)
					// A star that only a run of stars separates from the end makes the
					// pattern accept every continuation (a segment star does not: it stops
					// at colons).
					if t == globStar && allStars(a.g[p:]) {
						saturated = true
					}
				}
			}
		}
		if saturated {
			for j, a := range g {
				base := l.offsets[i][j]
				for p := 0; p <= len(a.g); p++ {
					state.clear(base + p)
				}
			}
			state.set(l.satBit[i])
		}
	}
}

func allStars(g glob) bool {
	for _, t := range g {
		if t != globStar {
			return false
		}
	}
	return true
}

// step reads r from state.
func (l *groupLayout) step(state bitset, r rune) bitset {
	next := make(bitset, len(state))
	for i, g := range l.groups {
		if state.has(l.satBit[i]) {
			next.set(l.satBit[i])
			continue
		}
		for j, a := range g {
			base := l.offsets[i][j]
			for p, t := range a.g {
				if !state.has(base + p) {
					continue
				}
				switch t {
				case globStar:
					next.set(base + p)
				case globStarSeg:
					if r != ':' {
						next.set(base + p)
					}
				case globOne:
					next.set(base + p + 1)
				case globOneSeg:
					if r != ':' {
						next.set(base + p + 1)
					}
				default:
					if t == r || (a.fold && equalFoldRune(t, r)) {
						next.set(base + p + 1)
					}
				}
			}
		}
	}
	l.normalize(next)
	return next
}

// accepting is the signature of a state: the groups with a pattern at its end.
func (l *groupLayout) accepting(state bitset) bitset {
	sig := newBitset(len(l.groups))
	for i, g := range l.groups {
		if state.has(l.satBit[i]) {
			sig.set(i)
			continue
		}
		for j, a := range g {
			if state.has(l.offsets[i][j] + len(a.g)) {
				sig.set(i)
				break
			}
		}
	}
	return sig
}

// relevantRunes lists the characters worth trying from a state: the literals at the active
// positions (both cases where the pattern ignores case), the colon (segment wildcards stop at
// it) and one character that no pattern names. Every other character leads where that one
// does.
func (l *groupLayout) relevantRunes(state bitset, other rune) []rune {
	out := []rune{other, ':'}
	add := func(r rune) {
		for _, x := range out {
			if x == r {
				return
			}
		}
		out = append(out, r)
	}
	for i, g := range l.groups {
		if state.has(l.satBit[i]) {
			continue
		}
		for j, a := range g {
			base := l.offsets[i][j]
			for p, r := range a.g {
				if r < 0 || !state.has(base+p) {
					continue
				}
				add(r)
				if a.fold {
					add(unicode.ToLower(r))
					add(unicode.ToUpper(r))
				}
			}
		}
	}
	return out
}

// pathString spells the path from the start node to node i, given each node's parent and
// the character that led to it.
func pathString(i int, up func(int) (int, rune)) string {
	var rs []rune
	for i >= 0 {
		p, r := up(i)
		if p < 0 {
			break
		}
		rs = append(rs, r)
		i = p
	}
	for a, b := 0, len(rs)-1; a < b; a, b = a+1, b-1 {
		rs[a], rs[b] = rs[b], rs[a]
	}
	return string(rs)
}

// literalRunes is every character that some atom compares literally, with both cases for
// atoms that ignore case.
func literalRunes(atoms []globAtom) map[rune]bool {
	out := map[rune]bool{':': true}
	for _, a := range atoms {
		for _, r := range a.g {
			if r < 0 {
				continue
			}
			out[r] = true
			if a.fold {
				out[unicode.ToLower(r)] = true
				out[unicode.ToUpper(r)] = true
			}
		}
	}
	return out
}

// otherRune picks a readable character that no atom names: every character outside the
// literals behaves like it.
func otherRune(literals map[rune]bool) rune {
	for _, r := range "xyzqwkjvXYZ0123456789-_" {
		if !literals[r] && !literals[unicode.ToLower(r)] && !literals[unicode.ToUpper(r)] {
			return r
		}
	}
	for r := rune(0x100); ; r++ {
		if !literals[r] && unicode.IsLetter(r) && unicode.ToLower(r) == unicode.ToUpper(r) {
			return r
		}
	}
}

// signatureOf computes the signature of a concrete string.
func signatureOf(groups []globGroup, s string) bitset {
	sig := newBitset(len(groups))
	for i, g := range groups {
		for _, a := range g {
			if a.g.matchFunc(s, a.fold) {
				sig.set(i)
				break
			}
		}
	}
	return sig
}

// bitset is a set of small integers.
type bitset []uint64

func newBitset(n int) bitset { return make(bitset, (n+63)/64+boolInt(n == 0)) }

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (b bitset) set(i int)      { b[i/64] |= 1 << (i % 64) }
func (b bitset) clear(i int)    { b[i/64] &^= 1 << (i % 64) }
func (b bitset) has(i int) bool { return i/64 < len(b) && b[i/64]&(1<<(i%64)) != 0 }

func (b bitset) key() string {
	var sb strings.Builder
	sb.Grow(len(b) * 8)
	for _, w := range b {
		for k := 0; k < 8; k++ {
			sb.WriteByte(byte(w >> (8 * k)))
		}
	}
	return sb.String()
}

func (b bitset) equal(o bitset) bool {
	if len(b) != len(o) {
		return false
	}
	for i := range b {
		if b[i] != o[i] {
			return false
		}
	}
	return true
}
