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

// stringCell is one class of strings: which atoms accept them, and the shortest example.
type stringCell struct {
	sig     bitset
	witness string
}

var errBudget = errors.New("search budget exhausted")

// cellizeStrings enumerates every achievable signature of the atoms with a witness each. budget
// bounds the number of product states visited.
func cellizeStrings(atoms []globAtom, budget int) ([]stringCell, error) {
	// Positions of atom i are bits offset[i] .. offset[i]+len(atoms[i].g) of the state.
	offsets := make([]int, len(atoms)+1)
	for i, a := range atoms {
		offsets[i+1] = offsets[i] + len(a.g) + 1
	}
	words := (offsets[len(atoms)] + 63) / 64
	if words == 0 {
		words = 1
	}
	literals := literalRunes(atoms)
	other := otherRune(literals)

	type node struct {
		state  bitset
		parent int
		r      rune
	}
	start := make(bitset, words)
	for i := range atoms {
		start.set(offsets[i])
	}
	closeStars(start, atoms, offsets)
	nodes := []node{{state: start, parent: -1}}
	seen := map[string]bool{start.key(): true}
	var cells []stringCell
	sigSeen := map[string]bool{}
	for head := 0; head < len(nodes); head++ {
		cur := nodes[head].state
		sig := acceptSignature(cur, atoms, offsets)
		if k := sig.key(); !sigSeen[k] {
			sigSeen[k] = true
			cells = append(cells, stringCell{sig: sig, witness: pathString(head, func(i int) (int, rune) { return nodes[i].parent, nodes[i].r })})
		}
		for _, r := range relevantRunes(cur, atoms, offsets, other) {
			next := stepState(cur, atoms, offsets, r)
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

// relevantRunes lists the characters worth trying from a state: the literals at the active
// positions (both cases where the atom ignores case), the colon (segment wildcards stop at
// it) and one character that no atom names. Every other character leads where that one does.
func relevantRunes(state bitset, atoms []globAtom, offsets []int, other rune) []rune {
	var out []rune
	add := func(r rune) {
		for _, x := range out {
			if x == r {
				return
			}
		}
		out = append(out, r)
	}
	add(other)
	add(':')
	for i, a := range atoms {
		for p, r := range a.g {
			if r < 0 || !state.has(offsets[i]+p) {
				continue
			}
			add(r)
			if a.fold {
				add(unicode.ToLower(r))
				add(unicode.ToUpper(r))
			}
		}
	}
	return out
}

// stepState reads r from state.
func stepState(state bitset, atoms []globAtom, offsets []int, r rune) bitset {
	next := make(bitset, len(state))
	for i, a := range atoms {
		base := offsets[i]
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
	closeStars(next, atoms, offsets)
	return next
}

// closeStars adds the positions after stars that are reachable (a star matches the empty run).
func closeStars(state bitset, atoms []globAtom, offsets []int) {
	for i, a := range atoms {
		base := offsets[i]
		for p, t := range a.g {
			if (t == globStar || t == globStarSeg) && state.has(base+p) {
				state.set(base + p + 1)
			}
		}
	}
}

func acceptSignature(state bitset, atoms []globAtom, offsets []int) bitset {
	sig := newBitset(len(atoms))
	for i, a := range atoms {
		if state.has(offsets[i] + len(a.g)) {
			sig.set(i)
		}
	}
	return sig
}

// signatureOf computes the signature of a concrete string (for checking a nicer witness).
func signatureOf(atoms []globAtom, s string) bitset {
	sig := newBitset(len(atoms))
	for i, a := range atoms {
		if a.g.matchFunc(s, a.fold) {
			sig.set(i)
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
