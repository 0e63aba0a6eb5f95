package evaluator

import (
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/iamguard/terraform-provider-iam/internal/catalog"
)

// Wildcards of a least-privilege policy (LeastPrivilegeOptions.AllowWildcards).
//
// Actions: the actions of one statement are replaced by prefix patterns ("s3:GetObject*") that
// match, among the catalogue's actions, exactly the statement's actions. For each action the
// shortest prefix of its name whose catalogue actions are all in the statement is taken (the
// fewest patterns: two such prefixes are either equal or disjoint, so they partition the
// statement's actions, and no cover by prefix patterns can use fewer), then lengthened to the
// longest prefix that its actions share (the narrowest pattern with the same expansion, which
// matches fewer of the actions AWS may add later). A prefix that matches one action stays the
// action's name. "service:*" is written only when every action of the service is in the
// statement, and "*" never. The proof is relative to the catalogue: an action AWS adds later
// whose name starts with a prefix written is granted by the pattern.
//
// Resources: a resource pattern always matches ARNs that were not named, so resources are
// never generalised. A required resource is only left out when another required resource of
// the same action and conditions is a pattern that matches every ARN it matches (so
// "arn:aws:s3:::data/*" makes "arn:aws:s3:::data/reports/x" and "arn:aws:s3:::data/r*"
// redundant): the set of ARNs granted is the set required.

// collapseActions returns the patterns for the actions of one statement (canonical names, as
// catalog.Action.Name), sorted; each pattern's expansion over the catalogue is a subset of the
// actions, and together they expand to all of them.
func collapseActions(actions []string) []string {
	want := map[int]bool{}
	byService := map[*catalog.Service][]int{}
	var out []string
	for _, name := range actions {
		act, ok := catalog.LookupAction(name)
		if !ok || !isASCIIText(name) {
			// Names outside the catalogue (none reach here) or with a case folding that could
			// change their length are kept as they are.
			out = append(out, name)
			continue
		}
		if !want[act.Index()] {
			want[act.Index()] = true
			byService[act.Service()] = append(byService[act.Service()], act.Index())
		}
	}
	for svc, idx := range byService {
		out = append(out, collapseService(svc, idx, want)...)
	}
	sort.Strings(out)
	return out
}

// collapseService returns the patterns for the wanted actions idx of one service.
func collapseService(svc *catalog.Service, idx []int, want map[int]bool) []string {
	first, end := svc.ActionRange()
	// Local names in lower case, in index order, which sorts them (the numbering sorts by
	// lower-case full name, and the service's prefix is common); wanted[i] counts the wanted
	// actions before first+i, so that a range's count is one subtraction.
	lower := make([]string, end-first)
	wanted := make([]int, end-first+1)
	for i := first; i < end; i++ {
		a := catalog.ActionByIndex(i)
		lower[i-first] = strings.ToLower(a.LocalName())
		wanted[i-first+1] = wanted[i-first]
		if want[i] {
			wanted[i-first+1]++
		}
	}
	if !sort.StringsAreSorted(lower) {
		// The ranges below need byte order; a catalogue sorted otherwise keeps exact names.
		out := make([]string, 0, len(idx))
		for _, i := range idx {
			out = append(out, catalog.ActionByIndex(i).Name())
		}
		return out
	}
	// rangeOf is the range [lo, hi) of the local names that start with p.
	rangeOf := func(p string) (int, int) {
		lo := sort.SearchStrings(lower, p)
		hi := lo + sort.Search(len(lower)-lo, func(k int) bool { return !strings.HasPrefix(lower[lo+k], p) })
		return lo, hi
	}
	done := map[[2]int]bool{}
	var out []string
	for _, i := range idx {
		name := lower[i-first]
		// The action alone when even its whole name is the prefix of an action not wanted
		// (s3:ListBucket of s3:ListBucketVersions).
		lo, hi := i-first, i-first+1
		for n := 0; n <= len(name); n++ {
			l, h := rangeOf(name[:n])
			if wanted[h]-wanted[l] == h-l {
				lo, hi = l, h
				break
			}
			// Some action with this prefix is not in the statement.
		}
		if !done[[2]int{lo, hi}] {
			done[[2]int{lo, hi}] = true
			out = append(out, actionPattern(svc, lo+first, hi+first, lower[lo:hi]))
		}
	}
	return out
}

// actionPattern is the narrowest pattern matching the catalogue actions first..end-1 of a
// service: the action's name for one action, else the longest prefix they share and a *.
func actionPattern(svc *catalog.Service, first, end int, lower []string) string {
	a := catalog.ActionByIndex(first)
	if end-first == 1 {
		return a.Name()
	}
	common := lower[0]
	for _, l := range lower[1:] {
		n := 0
		for n < len(common) && n < len(l) && common[n] == l[n] {
			n++
		}
		common = common[:n]
	}
	if common == "" {
		return svc.Prefix() + ":*"
	}
	// The casing of the first action: matching ignores case, and AWS's casing reads best.
	return svc.Prefix() + ":" + a.LocalName()[:len(common)] + "*"
}

// checkActionPatterns proves a statement's patterns with the catalogue: each expands to a
// subset of the statement's actions, and together they expand to all of them.
func checkActionPatterns(patterns, actions []string) error {
	want := map[int]bool{}
	for _, a := range actions {
		i, ok := catalog.ActionIndex(a)
		if !ok {
			return fmt.Errorf("internal error: %s is not in the catalogue", a)
		}
		want[i] = true
	}
	got := map[int]bool{}
	for _, p := range patterns {
		for _, i := range catalog.ExpandActionPattern(p) {
			if !want[i] {
				return fmt.Errorf("internal error: the pattern %s also matches %s", p, catalog.ActionByIndex(i).Name())
			}
			got[i] = true
		}
	}
	if len(got) != len(want) {
		return fmt.Errorf("internal error: the patterns %v match %d of the statement's %d actions", patterns, len(got), len(want))
	}
	return nil
}

// pruneCoveredResources removes from the set the resources that another of its resources, a
// pattern, covers (resourcePatternCovers); of resources that cover each other (equal sets of
// ARNs, as "a*" and "a**"), the first in sorted order stays.
func pruneCoveredResources(set map[string]bool) {
	rs := sortedKeys(set)
	for j, r := range rs {
		for i, p := range rs {
			if i != j && set[p] && resourcePatternCovers(p, r) && (i < j || !resourcePatternCovers(r, p)) {
				delete(set, r)
				break
			}
		}
	}
}

// resourcePatternCovers reports whether every ARN that the Resource pattern q matches is
// matched by the Resource pattern p. It is sound, not complete: true is proven (p's wildcards
// read q's text and q's wildcards of the same or a narrower kind), false may be an inclusion
// it did not find, after which both resources are kept. Patterns with policy variables or
// invalid UTF-8 are never compared.
func resourcePatternCovers(p, q string) bool {
	if p == "*" {
		return true
	}
	// The glob reads runes, which would make two invalid bytes the same U+FFFD; matching
	// compares bytes.
	if strings.Contains(p, "${") || strings.Contains(q, "${") || !strings.ContainsAny(p, "*?") ||
		!utf8.ValidString(p) || !utf8.ValidString(q) {
		return p == q
	}
	return globCovers(compileResourceGlob(p), compileResourceGlob(q))
}

// globCovers reports whether p reads q, each wildcard of q as a symbol that only a wildcard of
// p taking at least every text it stands for may read: when it does, every text of q is a text
// of p (replace each symbol by its text in the reading).
func globCovers(p, q glob) bool {
	// reach[j]: p[:i] can read q[:j].
	reach := make([]bool, len(q)+1)
	next := make([]bool, len(q)+1)
	reach[0] = true
	for _, t := range p {
		for j := range next {
			next[j] = false
		}
		for j := 0; j <= len(q); j++ {
			if !reach[j] {
				continue
			}
			if isStarAtom(t) {
				// A star reads nothing, or each following symbol it takes.
				next[j] = true
				for k := j; k < len(q) && globTakes(t, q[k]); k++ {
					next[k+1] = true
				}
				continue
			}
			if j < len(q) && globTakes(t, q[j]) && !isStarAtom(q[j]) {
				next[j+1] = true
			}
		}
		reach, next = next, reach
	}
	return reach[len(q)]
}

// globTakes reports whether the element t of a pattern takes the element s of another: a
// literal takes itself, a wildcard a literal it reads or a wildcard of q whose every character
// it reads (the wildcards of Resource patterns only: any character, or any but a colon).
func globTakes(t, s rune) bool {
	switch {
	case t >= 0:
		return t == s
	case s >= 0:
		return wildcardTakes(t, s)
	case t == globStar || t == globOne:
		return s == globStar || s == globOne || s == globStarSeg || s == globOneSeg
	case t == globStarSeg || t == globOneSeg:
		return s == globStarSeg || s == globOneSeg
	}
	return false
}
