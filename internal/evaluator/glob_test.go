package evaluator

import (
	"math/rand"
	"testing"
)

func TestGlobMatch(t *testing.T) {
	tests := []struct {
		pattern, s string
		want       bool
	}{
		{"*", "", true},
		{"*", "anything:at/all", true},
		{"a*", "a", true},
		{"a*b", "axxb", true},
		{"a*b", "axxbx", false},
		{"a?b", "axb", true},
		{"a?b", "ab", false},
		{"*Report", "GetCredentialReport", true},
		{"*Report", "GetCredentialReports", false},
		{"*AccessKey*", "CreateAccessKey", true},
		{"a*b*c", "abbbc", true},
		{"a*b*c", "acb", false},
		{"é?", "éx", true},
		{"?", "é", true},
		{"", "", true},
		{"", "a", false},
	}
	for _, tt := range tests {
		if got := compileGlob(tt.pattern).match(tt.s); got != tt.want {
			t.Errorf("%q matching %q = %v, want %v", tt.pattern, tt.s, got, tt.want)
		}
	}
	if !compileGlob("IAM:List*").matchFold("iam:listaccesskeys") {
		t.Error("matchFold is case-sensitive")
	}
	if compileGlob("IAM:List*").match("iam:listaccesskeys") {
		t.Error("match ignores case")
	}
	lit := glob(nil).appendLiteral("a*b")
	if lit.match("axb") || !lit.match("a*b") {
		t.Error("a literal * from appendLiteral acts as a wildcard")
	}
}

// TestResourceGlobSegments checks the documented Resource rule: a * that is the last character
// of an ARN segment may expand beyond colons, one inside a segment may not, and in the resource
// part everything goes.
func TestResourceGlobSegments(t *testing.T) {
	tests := []struct {
		pattern, arn string
		want         bool
	}{
		{"arn:aws:s3:::bkt/*", "arn:aws:s3:::bkt/a/b:c", true},
		{"arn:aws:s3:::*log*", "arn:aws:s3:::carlossalazar-logs/file.txt", true},
		{"arn:aws:s3:::bkt/*/test/*", "arn:aws:s3:::bkt/a/b/test/c/d.txt", true},
		{"arn:aws:s3:::MyBucket/*", "arn:aws:s3:::mybucket/a", false},
		{"arn:aws:ec2:*:*:instance/*", "arn:aws:ec2:us-east-1:111122223333:instance/i-1", true},
		{"arn:aws:ec2:us-*-1:*:instance/*", "arn:aws:ec2:us-east-1:111122223333:instance/i-1", true},
		// a * inside a segment does not cross a colon
		{"arn:aws:ec2:us-*-1:instance/*", "arn:aws:ec2:us-east:x-1:instance/i", false},
		// a * at the end of a segment may
		{"arn:aws:s3:*", "arn:aws:s3:::bkt/obj", true},
		{"arn:aws:sqs:us-east-1:*", "arn:aws:sqs:us-east-1:111122223333:queue", true},
		{"arn:aws:s?:::bkt", "arn:aws:s3:::bkt", true},
		{"arn:aws:s3:::bkt", "arn:aws:s3:::bkt/", false},
	}
	for _, tt := range tests {
		if got := compileResourceGlob(tt.pattern).match(tt.arn); got != tt.want {
			t.Errorf("%q matching %q = %v, want %v", tt.pattern, tt.arn, got, tt.want)
		}
	}
}

// TestGlobNFAAgreesWithBacktracking: with only unbounded wildcards the NFA and the
// backtracking matcher must agree on every input.
func TestGlobNFAAgreesWithBacktracking(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	alphabet := []rune("ab:*?")
	for i := 0; i < 20000; i++ {
		p := randomString(rng, alphabet, 6)
		s := randomString(rng, []rune("ab:"), 8)
		g := compileGlob(p)
		if got, want := g.matchSegments(s, false), g.matchFunc(s, false); got != want {
			t.Fatalf("pattern %q, string %q: NFA %v, backtracking %v", p, s, got, want)
		}
	}
}

// TestSegmentGlobAgainstSplit: a pattern whose segment wildcards never end a segment matches
// exactly when each colon-separated part matches on its own.
func TestSegmentGlobAgainstSplit(t *testing.T) {
	rng := rand.New(rand.NewSource(2))
	for i := 0; i < 20000; i++ {
		// three segments of pattern, each with a wildcard followed by a literal
		segs := []string{randomString(rng, []rune("ab"), 2) + "*b", "?" + randomString(rng, []rune("ab"), 2), "a*a"}
		var g glob
		for j, sg := range segs {
			if j > 0 {
				g = append(g, ':')
			}
			for _, r := range sg {
				switch r {
				case '*':
					g = append(g, globStarSeg)
				case '?':
					g = append(g, globOneSeg)
				default:
					g = append(g, r)
				}
			}
		}
		s := randomString(rng, []rune("ab:"), 10)
		want := splitMatch(segs, s)
		if got := g.match(s); got != want {
			t.Fatalf("segments %q, string %q: got %v, want %v", segs, s, got, want)
		}
	}
}

func splitMatch(segs []string, s string) bool {
	parts := splitAll(s, ':')
	if len(parts) != len(segs) {
		return false
	}
	for i := range segs {
		if !compileGlob(segs[i]).match(parts[i]) {
			return false
		}
	}
	return true
}

func splitAll(s string, sep rune) []string {
	var out []string
	start := 0
	for i, r := range s {
		if r == sep {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

func randomString(rng *rand.Rand, alphabet []rune, limit int) string {
	n := rng.Intn(limit + 1)
	out := make([]rune, n)
	for i := range out {
		out[i] = alphabet[rng.Intn(len(alphabet))]
	}
	return string(out)
}

func BenchmarkGlobMatch(b *testing.B) {
	g := compileResourceGlob("arn:aws:s3:::prod-*/reports/*.csv")
	for i := 0; i < b.N; i++ {
		g.match("arn:aws:s3:::prod-data/reports/2026/11/summary.csv")
	}
}
