package evaluator

import (
	"math/rand"
	"testing"
)

// TestCellizeStringsComplete checks the cellizer against brute force: for random glob sets, the
// signature of every string up to a length bound is among the enumerated cells, and every
// cell's witness really has the cell's signature.
func TestCellizeStringsComplete(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	kinds := []rune{'a', 'b', ':', globStar, globOne, globStarSeg, globOneSeg}
	for iter := 0; iter < 400; iter++ {
		var atoms []globGroup
		for n := 1 + rng.Intn(3); n > 0; n-- {
			var group globGroup
			for m := 1 + rng.Intn(2); m > 0; m-- {
				var g glob
				for l := rng.Intn(5); l > 0; l-- {
					g = append(g, kinds[rng.Intn(len(kinds))])
				}
				group = append(group, globAtom{g: g, fold: rng.Intn(4) == 0})
			}
			atoms = append(atoms, group)
		}
		cells, err := cellizeStrings(atoms, 100000)
		if err != nil {
			t.Fatal(err)
		}
		have := map[string]bool{}
		for _, c := range cells {
			if got := signatureOf(atoms, c.witness); !got.equal(c.sig) {
				t.Fatalf("atoms %v: witness %q has signature %v, cell says %v", atoms, c.witness, got, c.sig)
			}
			have[c.sig.key()] = true
		}
		var walk func(prefix string, depth int)
		walk = func(prefix string, depth int) {
			if !have[signatureOf(atoms, prefix).key()] {
				t.Fatalf("atoms %v: string %q has a signature no cell has", atoms, prefix)
			}
			if depth == 0 {
				return
			}
			for _, r := range "aAb:x" {
				walk(prefix+string(r), depth-1)
			}
		}
		walk("", 5)
	}
}
