package catalog

import (
	"strings"
	"testing"
)

// FuzzLookups feeds arbitrary text to every lookup that takes user input: none may panic, and a
// pattern without wildcards expands to exactly what ActionIndex finds.
func FuzzLookups(f *testing.F) {
	for _, s := range []string{"s3:GetObject", "*Put*Policy*", "iam:?et*", "arn:aws:s3:::b/${aws:username}/*",
		"aws:ResourceTag/", "${", "arn:::::", "arn:aws:iam::aws:policy/", "\xff:*", strings.Repeat("*?", 40)} {
		f.Add(s)
	}
	s3, _ := LookupService("s3")
	object, _ := s3.ResourceType("object")
	f.Fuzz(func(t *testing.T, s string) {
		got := ExpandActionPattern(s)
		if !strings.ContainsAny(s, "*?") {
			i, ok := ActionIndex(s)
			if ok != (len(got) == 1) || (ok && got[0] != i) || len(got) > 1 {
				t.Fatalf("ExpandActionPattern(%q) = %v, ActionIndex = %d, %v", s, got, i, ok)
			}
		}
		for j := 1; j < len(got); j++ {
			if got[j] <= got[j-1] {
				t.Fatalf("ExpandActionPattern(%q) not increasing", s)
			}
		}
		LookupService(s)
		if k, ok := LookupConditionKey(s); ok && !k.Matches(s) {
			t.Fatalf("LookupConditionKey(%q) = %s, which does not match it", s, k.Name)
		}
		object.MatchesARN(s)
		ARNFormatMatches(s, s)
		ManagedPolicyByARN(s)
		ManagedPolicyByName(s)
	})
}
