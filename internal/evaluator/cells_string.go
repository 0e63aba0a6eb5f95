package evaluator

import (
	"errors"
	"sort"
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
// long lists of patterns ending in * (the common shape) few. The positions are also laid out
// flat (atom, group, fold per position) so that a step visits only the positions that are set:
// a state of a large question has thousands of positions, of which a handful are active.
type groupLayout struct {
	groups  []globGroup
	offsets [][]int
	satBit  []int

	atom      []rune // per position: the atom there, or posEnd after a pattern's last atom
	group     []int32
	fold      []bool
	saturates []bool // a star from which only stars remain: reaching it saturates the group
	first     []int  // per group: its first position (its saturation bit ends its range)

	// mark and gen deduplicate the positions of the set being built: position p is in it when
	// mark[p] == gen.
	mark []uint32
	gen  uint32
}

// posEnd marks the position after a pattern's last atom (and a saturation bit).
const posEnd rune = -100

func newGroupLayout(groups []globGroup) *groupLayout {
	l := &groupLayout{groups: groups, offsets: make([][]int, len(groups)), satBit: make([]int, len(groups)), first: make([]int, len(groups))}
	for i, g := range groups {
		l.first[i] = len(l.atom)
		l.offsets[i] = make([]int, len(g))
		for j, a := range g {
			l.offsets[i][j] = len(l.atom)
			for p, t := range a.g {
				l.atom = append(l.atom, t)
				l.group = append(l.group, int32(i))
				l.fold = append(l.fold, a.fold)
				l.saturates = append(l.saturates, t == globStar && allStars(a.g[p:]))
			}
			l.atom = append(l.atom, posEnd)
			l.group = append(l.group, int32(i))
			l.fold = append(l.fold, false)
			l.saturates = append(l.saturates, false)
		}
		l.satBit[i] = len(l.atom)
		l.atom = append(l.atom, posEnd)
		l.group = append(l.group, int32(i))
		l.fold = append(l.fold, false)
		l.saturates = append(l.saturates, false)
	}
	return l
}

// cellizeStrings enumerates every achievable signature of the groups with a witness each.
// budget bounds the number of product states visited.
func cellizeStrings(groups []globGroup, budget int) ([]stringCell, error) {
	return cellizeStringsWithin(groups, budget, nil, nil)
}

// cellizeStringsWithin is cellizeStrings for the strings that every group of must accepts
// and, when anyOf is not empty, some group of anyOf accepts: states from which that can no
// longer happen are not explored, so only the cells inside are listed (with every signature
// they reach; groups outside must and anyOf are tracked as usual).
//
// budget bounds the work and the memory: each visited state costs one unit plus one per 32
// positions it holds, so that thousands of patterns active at once (a long list of bucket
// names, hundreds of StringLike patterns on one key) end in errBudget quickly instead of
// filling memory.
func cellizeStringsWithin(groups []globGroup, budget int, must, anyOf []int) ([]stringCell, error) {
	cells, _, err := cellizeStringsSpent(groups, budget, must, anyOf)
	return cells, err
}

// cellizeStringsSpent is cellizeStringsWithin that also returns the budget it spent.
func cellizeStringsSpent(groups []globGroup, budget int, must, anyOf []int) ([]stringCell, int, error) {
	l := newGroupLayout(groups)
	var atoms []globAtom
	for _, g := range groups {
		atoms = append(atoms, g...)
	}
	literals := literalRunes(atoms)
	other := otherRune(literals)
	digit := otherDigit(literals)

	type node struct {
		state  posSet
		parent int
		r      rune
	}
	l.begin()
	var start posSet
	for i, g := range groups {
		for j := range g {
			start = l.add(start, int32(l.offsets[i][j]))
		}
	}
	start = l.normalize(start)
	inside := func(state posSet) bool {
		for _, i := range must {
			if !l.live(state, i) {
				return false
			}
		}
		if len(anyOf) == 0 {
			return true
		}
		for _, i := range anyOf {
			if l.live(state, i) {
				return true
			}
		}
		return false
	}
	if !inside(start) {
		return nil, 1, nil
	}
	var outside []posSet // visited states outside the strings of interest
	nodes := []node{{state: start, parent: -1}}
	spent := start.cost()
	// seen finds visited states by a hash of their positions, compared in full on a collision.
	seen := map[uint64][]int32{start.hash(): {0}}
	visited := func(state posSet, h uint64) bool {
		for _, i := range seen[h] {
			if i >= 0 && nodes[i].state.equal(state) || i < 0 && outside[-i-1].equal(state) {
				return true
			}
		}
		return false
	}
	var cells []stringCell
	sigSeen := map[string]bool{}
	var runes []rune
	for head := 0; head < len(nodes); head++ {
		cur := nodes[head].state
		sig := l.accepting(cur)
		if k := sig.key(); !sigSeen[k] && l.acceptsAll(sig, must, anyOf) {
			sigSeen[k] = true
			cells = append(cells, stringCell{sig: sig, witness: pathString(head, func(i int) (int, rune) { return nodes[i].parent, nodes[i].r })})
		}
		runes = l.relevantRunes(cur, other, digit, runes[:0])
		for _, r := range runes {
			next := l.step(cur, r)
			h := next.hash()
			if visited(next, h) {
				continue
			}
			spent += next.cost()
			if spent >= budget {
				return nil, spent, errBudget
			}
			if !inside(next) {
				outside = append(outside, next)
				seen[h] = append(seen[h], int32(-len(outside)))
				continue
			}
			seen[h] = append(seen[h], int32(len(nodes)))
			nodes = append(nodes, node{state: next, parent: head, r: r})
		}
	}
	return cells, spent, nil
}

// posSet is a state of the product automaton: the active pattern positions, sorted. States
// are sparse (a handful of the thousands of positions of a large question are active), so a
// sorted list costs a fraction of a bitset over every position.
type posSet []int32

// cost is what storing the state charges to the budget.
func (s posSet) cost() int { return 1 + len(s)/32 }

// hash is an FNV-1a hash of the positions, for finding equal states.
func (s posSet) hash() uint64 {
	h := uint64(14695981039346656037)
	for _, p := range s {
		h ^= uint64(uint32(p))
		h *= 1099511628211
	}
	return h
}

func (s posSet) equal(o posSet) bool {
	if len(s) != len(o) {
		return false
	}
	for i := range s {
		if s[i] != o[i] {
			return false
		}
	}
	return true
}

// acceptsAll reports whether a signature is inside: every group of must and, when anyOf is
// not empty, some group of anyOf.
func (l *groupLayout) acceptsAll(sig bitset, must, anyOf []int) bool {
	for _, i := range must {
		if !sig.has(i) {
			return false
		}
	}
	if len(anyOf) == 0 {
		return true
	}
	for _, i := range anyOf {
		if sig.has(i) {
			return true
		}
	}
	return false
}

// live reports whether group i can still accept some continuation of the text read: one of
// its positions is set (every position can reach its pattern's end) or it is saturated.
func (l *groupLayout) live(state posSet, i int) bool {
	lo, hi := int32(l.first[i]), int32(l.satBit[i])
	k := sort.Search(len(state), func(k int) bool { return state[k] >= lo })
	return k < len(state) && state[k] <= hi
}

// begin starts building a new set.
func (l *groupLayout) begin() {
	if l.mark == nil {
		l.mark = make([]uint32, len(l.atom))
	}
	l.gen++
}

// add puts position p in the set being built (once: marks hold the generation of the build).
func (l *groupLayout) add(out posSet, p int32) posSet {
	if l.mark[p] == l.gen {
		return out
	}
	l.mark[p] = l.gen
	return append(out, p)
}

// normalize closes the stars of a set being built (a star matches the empty run), saturates
// groups that accept forever, and sorts the result. out must have been built with begin and
// add.
func (l *groupLayout) normalize(out posSet) posSet {
	saturated := false
	for k := 0; k < len(out); k++ {
		p := out[k]
		if isStarAtom(l.atom[p]) {
			out = l.add(out, p+1)
			// A star that only a run of stars separates from the end makes the pattern accept
			// every continuation (a segment star does not: it stops at colons).
			if l.saturates[p] {
				out = l.add(out, int32(l.satBit[l.group[p]]))
				saturated = true
			}
		}
	}
	if saturated {
		// A saturated group's positions no longer matter: keep only its saturation bit.
		kept := out[:0]
		for _, p := range out {
			g := l.group[p]
			if int(p) == l.satBit[g] || !l.isSaturatedIn(g) {
				kept = append(kept, p)
			}
		}
		out = kept
	}
	sort.Slice(out, func(a, b int) bool { return out[a] < out[b] })
	return out
}

func allStars(g glob) bool {
	for _, t := range g {
		if t != globStar {
			return false
		}
	}
	return true
}

// isSaturatedIn reports whether group g's saturation bit is in the set being built.
func (l *groupLayout) isSaturatedIn(g int32) bool {
	return l.mark[l.satBit[g]] == l.gen
}

// step reads r from state.
func (l *groupLayout) step(state posSet, r rune) posSet {
	l.begin()
	next := make(posSet, 0, len(state))
	for _, p := range state {
		t := l.atom[p]
		switch {
		case t == posEnd:
			if int(p) == l.satBit[l.group[p]] {
				next = l.add(next, p)
			}
		case t >= 0:
			if t == r || (l.fold[p] && equalFoldRune(t, r)) {
				next = l.add(next, p+1)
			}
		case !wildcardTakes(t, r):
		case isStarAtom(t):
			next = l.add(next, p)
		default:
			next = l.add(next, p+1)
		}
	}
	return l.normalize(next)
}

// accepting is the signature of a state: the groups with a pattern at its end.
func (l *groupLayout) accepting(state posSet) bitset {
	sig := newBitset(len(l.groups))
	for _, p := range state {
		if l.atom[p] == posEnd {
			sig.set(int(l.group[p]))
		}
	}
	return sig
}

// relevantRunes appends to out the characters worth trying from a state: the literals at the
// active positions (their whole case-folding orbit where the pattern ignores case), the colon
// and the slash (restricted wildcards stop at them), one digit that no pattern names (digit
// wildcards take it) and one character that no pattern names. Every other character leads
// where one of those does.
func (l *groupLayout) relevantRunes(state posSet, other, digit rune, out []rune) []rune {
	out = append(out, other, ':', '/')
	if digit >= 0 {
		out = append(out, digit)
	}
	add := func(r rune) {
		for _, x := range out {
			if x == r {
				return
			}
		}
		out = append(out, r)
	}
	for _, p := range state {
		r := l.atom[p]
		if r < 0 {
			continue
		}
		if l.fold[p] {
			for _, x := range foldOrbit(r) {
				add(x)
			}
			continue
		}
		add(r)
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

// literalRunes is every character that some atom compares literally, with its whole
// case-folding orbit for atoms that ignore case.
func literalRunes(atoms []globAtom) map[rune]bool {
	out := map[rune]bool{':': true, '/': true}
	for _, a := range atoms {
		for _, r := range a.g {
			if r < 0 {
				continue
			}
			out[r] = true
			if a.fold {
				for _, x := range foldOrbit(r) {
					out[x] = true
				}
			}
		}
	}
	return out
}

// otherDigit picks a digit that no atom names, or -1 when every digit is named: every digit
// outside the literals behaves like it.
func otherDigit(literals map[rune]bool) rune {
	for r := '1'; r <= '9'; r++ {
		if !literals[r] {
			return r
		}
	}
	if !literals['0'] {
		return '0'
	}
	return -1
}

// otherRune picks a readable character that no atom names: every character outside the
// literals behaves like it.
func otherRune(literals map[rune]bool) rune {
	// Not a digit: digits are told apart (account wildcards take only them). Not a letter
	// whose case orbit holds a literal either, so that no case-insensitive atom takes it.
	unnamed := func(r rune) bool {
		for _, x := range foldOrbit(r) {
			if literals[x] {
				return false
			}
		}
		return true
	}
	for _, r := range "xyzqwkjvXYZ-_" {
		if unnamed(r) {
			return r
		}
	}
	for r := rune(0x100); ; r++ {
		if unnamed(r) && unicode.IsLetter(r) && len(foldOrbit(r)) == 1 {
			return r
		}
	}
}

// groupMatches reports whether some pattern of the group accepts s.
func groupMatches(g globGroup, s string) bool {
	for _, a := range g {
		if a.g.matchFunc(s, a.fold) {
			return true
		}
	}
	return false
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
