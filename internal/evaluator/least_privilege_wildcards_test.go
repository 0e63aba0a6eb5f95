package evaluator

import (
	"math/rand"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/iamguard/terraform-provider-iam/internal/catalog"
)

// catalogueActions returns the names of the catalogue's actions that the pattern matches.
func catalogueActions(pattern string) []string {
	var out []string
	for _, i := range catalog.ExpandActionPattern(pattern) {
		out = append(out, catalog.ActionByIndex(i).Name())
	}
	return out
}

func requestsOn(resource string, actions ...string) []Request {
	var out []Request
	for _, a := range actions {
		out = append(out, Request{Action: a, Resource: resource})
	}
	return out
}

// writtenActions returns the Action values of each statement of the policy written.
func writtenActions(t *testing.T, lp *LeastPrivilegePolicy) [][]string {
	t.Helper()
	var out [][]string
	for _, s := range lp.Policy.Statements {
		var vs []string
		for _, v := range s.Actions {
			vs = append(vs, v.Text)
		}
		out = append(out, vs)
	}
	return out
}

func TestLeastPrivilegeWildcardActions(t *testing.T) {
	const objects = "arn:aws:s3:::data/*"
	getObject := catalogueActions("s3:GetObject*")
	versions := catalogueActions("s3:GetObjectVersion*")
	if len(getObject) < 5 || len(versions) < 3 {
		t.Fatalf("catalogue: %v %v", getObject, versions)
	}
	tests := []struct {
		name     string
		required []Request
		want     []string
	}{
		// Each prefix of the two also matches actions not required (s3:GetObjectAcl,
		// s3:GetObjectVersionAcl): they stay exact.
		{"no safe prefix", requestsOn(objects, "s3:GetObject", "s3:GetObjectVersion"), []string{"s3:GetObject", "s3:GetObjectVersion"}},
		{"one family", requestsOn(objects, versions...), []string{"s3:GetObjectVersion*"}},
		// The larger family takes in the smaller: one pattern.
		{"nested families", requestsOn(objects, getObject...), []string{"s3:GetObject*"}},
		{"family and one more", requestsOn(objects, append([]string{"s3:PutObject"}, versions...)...), []string{"s3:GetObjectVersion*", "s3:PutObject"}},
		// s3:ListBucket is a prefix of s3:ListBucketVersions, which is not required.
		{"name prefix of another action", requestsOn(objects, "s3:ListBucket"), []string{"s3:ListBucket"}},
		{"two services", append(requestsOn(objects, versions...), requestsOn(objects, catalogueActions("sqs:*")...)...), []string{"s3:GetObjectVersion*", "sqs:*"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lp, err := LeastPrivilege(tt.required, LeastPrivilegeOptions{AllowWildcards: true})
			if err != nil {
				t.Fatal(err)
			}
			if got := writtenActions(t, lp); len(got) != 1 || !reflect.DeepEqual(got[0], tt.want) {
				t.Errorf("actions %v, want %v\n%s", got, tt.want, lp.Document)
			}
			// Without the option every action is spelt out.
			exact, err := LeastPrivilege(tt.required, LeastPrivilegeOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if got := writtenActions(t, exact); len(got) != 1 || len(got[0]) != len(tt.required) || strings.Contains(strings.Join(got[0], ","), "*") {
				t.Errorf("without wildcards: %v", got)
			}
		})
	}
}

// The actions of one statement collapse only over that statement's actions: an action required
// on other resources is not granted on these by a pattern.
func TestLeastPrivilegeWildcardsPerStatement(t *testing.T) {
	versions := catalogueActions("s3:GetObjectVersion*")
	required := append(requestsOn("arn:aws:s3:::a/*", versions[1:]...), requestsOn("arn:aws:s3:::b/*", versions[0])...)
	lp, err := LeastPrivilege(required, LeastPrivilegeOptions{AllowWildcards: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range lp.Policy.Statements {
		for _, a := range s.Actions {
			if strings.Contains(a.Text, "*") && (len(s.Resources) != 1 || s.Resources[0].Text != "arn:aws:s3:::a/*") {
				t.Errorf("%s on %v", a.Text, s.Resources)
			}
			if strings.EqualFold(a.Text, "s3:GetObjectVersion*") {
				t.Errorf("%s grants %s on arn:aws:s3:::a/*:\n%s", a.Text, versions[0], lp.Document)
			}
		}
	}
}

func TestLeastPrivilegeWildcardResources(t *testing.T) {
	required := []Request{
		{Action: "s3:GetObject", Resource: "arn:aws:s3:::data/reports/x"},
		{Action: "s3:GetObject", Resource: "arn:aws:s3:::data/*"},
		{Action: "s3:GetObject", Resource: "arn:aws:s3:::data/r*"},
		{Action: "s3:GetObject", Resource: "arn:aws:s3:::other/*"},
		{Action: "s3:PutObject", Resource: "arn:aws:s3:::other/*"},
		{Action: "s3:PutObject", Resource: "arn:aws:s3:::data/*"},
		// Not covered: a pattern of other objects is never widened to the bucket.
		{Action: "s3:DeleteObject", Resource: "arn:aws:s3:::data/a/*"},
		{Action: "s3:DeleteObject", Resource: "arn:aws:s3:::data/b/*"},
	}
	lp, err := LeastPrivilege(required, LeastPrivilegeOptions{AllowWildcards: true})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range lp.Policy.Statements {
		var rs, as []string
		for _, r := range s.Resources {
			rs = append(rs, r.Text)
		}
		for _, a := range s.Actions {
			as = append(as, a.Text)
		}
		got = append(got, strings.Join(as, ",")+" on "+strings.Join(rs, ","))
	}
	sort.Strings(got)
	want := []string{
		"s3:DeleteObject on arn:aws:s3:::data/a/*,arn:aws:s3:::data/b/*",
		"s3:GetObject,s3:PutObject on arn:aws:s3:::data/*,arn:aws:s3:::other/*",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("statements %q, want %q\n%s", got, want, lp.Document)
	}
	// Without the option, every resource is kept.
	exact, err := LeastPrivilege(required, LeastPrivilegeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(exact.Document), "arn:aws:s3:::data/reports/x") {
		t.Errorf("exact policy lost a resource:\n%s", exact.Document)
	}
}

func TestResourcePatternCovers(t *testing.T) {
	tests := []struct {
		p, q string
		want bool
	}{
		{"*", "arn:aws:s3:::a", true},
		{"*", "*", true},
		{"arn:aws:s3:::a/*", "*", false},
		{"arn:aws:s3:::a/*", "arn:aws:s3:::a/b", true},
		{"arn:aws:s3:::a/*", "arn:aws:s3:::a/b*", true},
		{"arn:aws:s3:::a/*", "arn:aws:s3:::a/?", true},
		{"arn:aws:s3:::a/?", "arn:aws:s3:::a/*", false},
		{"arn:aws:s3:::a/?", "arn:aws:s3:::a/?", true},
		{"arn:aws:s3:::a/b*", "arn:aws:s3:::a/*", false},
		{"arn:aws:s3:::a", "arn:aws:s3:::a", true},
		{"arn:aws:s3:::a", "arn:aws:s3:::a*", false},
		// A * inside a segment before the resource part never takes a colon; one at a
		// segment's end may (AWS): the second does not cover the first's texts.
		{"arn:aws:ec2:*:111122223333:instance/*", "arn:aws:ec2:eu-*:111122223333:instance/i-1", true},
		{"arn:aws:ec2:e*1:111122223333:instance/*", "arn:aws:ec2:eu-west-1:111122223333:instance/i-1", true},
		{"arn:aws:ec2:e*1:111122223333:instance/*", "arn:aws:ec2:e*:111122223333:instance/i-1", false},
		{"arn:aws:ec2:e*1:111122223333:instance/*", "arn:aws:ec2:e*s*1:111122223333:instance/i-1", true},
		// Variables are never compared.
		{"arn:aws:s3:::a/*", "arn:aws:s3:::a/${aws:username}", false},
		{"arn:aws:s3:::${aws:username}/*", "arn:aws:s3:::${aws:username}/x", false},
	}
	for _, tt := range tests {
		if got := resourcePatternCovers(tt.p, tt.q); got != tt.want {
			t.Errorf("resourcePatternCovers(%q, %q) = %v, want %v", tt.p, tt.q, got, tt.want)
		}
	}
}

// resourceCoverTexts are every text over the alphabet of the cover property test, up to its
// length: brute force for "every ARN that q matches".
func resourceCoverTexts() []string {
	texts := []string{""}
	all := []string{""}
	for n := 0; n < 6; n++ {
		var next []string
		for _, s := range texts {
			for _, c := range "a:/" {
				next = append(next, s+string(c))
			}
		}
		texts = next
		all = append(all, next...)
	}
	return all
}

// Soundness of resourcePatternCovers against brute force: when it says p covers q, every text
// of the alphabet that q matches (as IAM matches a Resource, with segment rules) p matches too.
// The texts start with "arn" plus colons so that the segment rules apply.
func TestResourcePatternCoversProperty(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	texts := resourceCoverTexts()
	randomPattern := func() string {
		var b strings.Builder
		b.WriteString("arn:")
		for n := rng.Intn(7); n > 0; n-- {
			b.WriteByte("a:/*?"[rng.Intn(5)])
		}
		return b.String()
	}
	covered := 0
	for i := 0; i < 3000; i++ {
		p, q := randomPattern(), randomPattern()
		if i%2 == 0 {
			// q narrows p: a wildcard of p replaced by a text or a narrower wildcard, so that
			// many pairs cover.
			q = strings.NewReplacer("*", []string{"", "a", "*a", "?", "a:*"}[rng.Intn(5)]).Replace(p)
		}
		if !resourcePatternCovers(p, q) {
			continue
		}
		covered++
		for _, s := range texts {
			if arn := "arn:" + s; MatchResource(q, arn) && !MatchResource(p, arn) {
				t.Fatalf("%q covers %q, but %q matches only the second", p, q, arn)
			}
		}
	}
	if covered < 500 {
		t.Errorf("only %d covering pairs tried", covered)
	}
}

// FuzzResourcePatternCovers: when p covers q, a text that q matches is matched by p; the text
// is q with its wildcards replaced by the fuzzed text.
func FuzzResourcePatternCovers(f *testing.F) {
	f.Add("arn:aws:s3:::a/*", "arn:aws:s3:::a/b*", "x:y")
	f.Add("arn:aws:ec2:e*1:1:i/*", "arn:aws:ec2:e*s*1:1:i/?", "")
	f.Add("*", "arn:*:x", "a")
	f.Fuzz(func(t *testing.T, p, q, fill string) {
		if !resourcePatternCovers(p, q) {
			return
		}
		for _, s := range []string{strings.NewReplacer("*", fill, "?", "a").Replace(q), strings.NewReplacer("*", "", "?", fill).Replace(q)} {
			if MatchResource(q, s) && !MatchResource(p, s) {
				t.Fatalf("%q covers %q, but %q matches only the second", p, q, s)
			}
		}
	})
}

// The property test of the collapse: random required sets over the real catalogue (families
// of actions sharing a prefix, with actions added and removed) in two statements. The
// policy written must grant, by the catalogue's expansion of its patterns and by the analysis,
// exactly the required actions; each wildcard must be as wide as the set allows (one character
// less matches an action not required) and as narrow as its expansion allows (its prefix is
// the longest its actions share); an action left exact has no prefix matching two actions or
// more, all required.
func TestLeastPrivilegeWildcardProperty(t *testing.T) {
	rng := rand.New(rand.NewSource(14))
	services := catalog.Services()
	// Each run costs two analyses over every action (about 0.5 s each on a loaded machine).
	runs := 10
	if testing.Short() {
		runs = 3
	}
	for run := 0; run < runs; run++ {
		want := map[string]map[string]bool{} // action -> resources
		var required []Request
		add := func(action string, ctx Context) {
			if want[action] == nil {
				want[action] = map[string]bool{"*": true}
			}
			required = append(required, Request{Action: action, Resource: "*", Context: ctx})
		}
		for g := 0; g < 2; g++ {
			svc := services[rng.Intn(len(services))]
			actions := svc.Actions()
			// The second group has a context, so its own statement (every action takes "*",
			// where an ARN would have to fit each action's resource types).
			var ctx Context
			if g == 1 {
				ctx.Set("aws:RequestedRegion", "eu-west-1")
			}
			for f := rng.Intn(3) + 1; f > 0; f-- {
				name := actions[rng.Intn(len(actions))].LocalName()
				family := catalogueActions(svc.Prefix() + ":" + name[:rng.Intn(len(name)+1)] + "*")
				for _, a := range family {
					if rng.Intn(8) != 0 { // some families lose a member
						add(a, ctx)
					}
				}
			}
			for n := rng.Intn(3); n > 0; n-- {
				add(actions[rng.Intn(len(actions))].Name(), ctx)
			}
		}
		if len(required) == 0 {
			continue
		}
		lp, err := LeastPrivilege(required, LeastPrivilegeOptions{AllowWildcards: true})
		if err != nil {
			t.Fatalf("run %d: %v", run, err)
		}
		granted := map[string]bool{}
		for _, s := range lp.Policy.Statements {
			for _, v := range s.Actions {
				p := v.Text
				expansion := catalogueActions(p)
				for _, a := range expansion {
					granted[a] = true
					for _, r := range s.Resources {
						if !want[a][r.Text] {
							t.Fatalf("run %d: %s grants %s on %s, not required\n%s", run, p, a, r.Text, lp.Document)
						}
					}
				}
				checkPatternExtent(t, p, expansion, want)
			}
		}
		if len(granted) != len(want) {
			t.Fatalf("run %d: the patterns grant %d actions, %d required\n%s", run, len(granted), len(want), lp.Document)
		}
		// The analysis agrees with the expansion.
		eff, err := Effective(&Question{Principal: "arn:aws:iam::111122223333:role/p", Policies: PolicySet{Identity: []*Policy{lp.Policy}}, Actions: []string{"*"}, Resources: []string{"*"}})
		if err != nil || len(eff.Undecided) > 0 {
			t.Fatalf("run %d: %v %v", run, err, eff.Undecided)
		}
		effective := map[string]bool{}
		for _, a := range eff.Actions {
			effective[a.Action] = true
		}
		if want["sts:GetCallerIdentity"] == nil {
			delete(effective, "sts:GetCallerIdentity")
		}
		if !reflect.DeepEqual(effective, granted) {
			t.Fatalf("run %d: Effective finds %d actions, the expansion %d\n%s", run, len(effective), len(granted), lp.Document)
		}
	}
}

// checkPatternExtent checks that the pattern p, with its expansion over the catalogue, is as
// wide and as narrow as the required actions allow.
func checkPatternExtent(t *testing.T, p string, expansion []string, want map[string]map[string]bool) {
	t.Helper()
	allRequired := func(pattern string) bool {
		for _, a := range catalogueActions(pattern) {
			if want[a] == nil {
				return false
			}
		}
		return true
	}
	service, local, _ := strings.Cut(p, ":")
	if !strings.HasSuffix(p, "*") {
		// Exact: every prefix matching two actions or more matches one not required.
		for n := 0; n <= len(local); n++ {
			prefix := service + ":" + local[:n] + "*"
			if m := catalogueActions(prefix); len(m) > 1 && allRequired(prefix) {
				t.Fatalf("%s is exact, but %s matches only required actions (%d)", p, prefix, len(m))
			}
		}
		return
	}
	local = strings.TrimSuffix(local, "*")
	if len(expansion) < 2 {
		t.Fatalf("%s matches %v: a pattern for fewer than two actions", p, expansion)
	}
	// The widest: the first shorter prefix that matches more actions matches one not required.
	for n := len(local) - 1; n >= 0; n-- {
		shorter := service + ":" + local[:n] + "*"
		if len(catalogueActions(shorter)) > len(expansion) {
			if allRequired(shorter) {
				t.Fatalf("%s could be %s", p, shorter)
			}
			break
		}
	}
	// The narrowest: the actions do not all share one more character.
	next := map[string]bool{}
	for _, a := range expansion {
		l := strings.ToLower(a[len(service)+1:])
		if len(l) == len(local) {
			return
		}
		next[l[len(local):len(local)+1]] = true
	}
	if len(next) < 2 {
		t.Fatalf("%s could be longer: its actions %v share the next character", p, expansion)
	}
}
