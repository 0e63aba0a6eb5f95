package evaluator

import (
	"math/rand"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/iamguard/terraform-provider-iam/internal/catalog"
)

// The published guard-rail corpus: the SCP and RCP examples AWS publishes
// (testdata/guardrails, each directory with its LICENSE and SOURCE), each under a FullAWSAccess
// level, combined with AWS managed policies and a boundary, asked the questions a security
// engineer asks of them: each action a Deny statement names, IAM, and object writes. Every
// answer is checked: a witness is allowed by Authorize (Analyze checks it), and for a Denied
// answer concrete requests drawn from the set are denied by Authorize.

type guardRailCheck struct {
	name     string
	question *Question
}

var cidrPlaceholder = regexp.MustCompile(`<[^<>"]*(cidr|CIDR|ip-range|IP)[^<>"]*>`)

func loadGuardRails(tb testing.TB) map[string]*Policy {
	tb.Helper()
	files, err := filepath.Glob("testdata/guardrails/*/*.json")
	if err != nil || len(files) == 0 {
		tb.Fatalf("no guard rails: %v", err)
	}
	out := map[string]*Policy{}
	skipped := 0
	defer func() {
		if skipped > 2 {
			tb.Errorf("%d guard rails do not parse", skipped)
		}
	}()
	for _, f := range files {
		text, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		// The examples leave the values of each organisation as <placeholders>; those that
		// must parse as networks get a documentation network.
		text = cidrPlaceholder.ReplaceAll(text, []byte("203.0.113.0/24"))
		p, err := ParsePolicy(text)
		if err != nil {
			// A published example with a comment in it: IAM rejects it too.
			tb.Logf("skipped, not a policy IAM accepts: %s: %v", f, err)
			skipped++
			continue
		}
		p.Name = filepath.Base(f)
		recordPolicySource(p, text)
		out[f] = p
	}
	return out
}

// isRCP: a resource control policy names a Principal (always "*").
func isRCP(p *Policy) bool {
	for _, s := range p.Statements {
		if s.Principal != nil {
			return true
		}
	}
	return false
}

func guardRailChecks(tb testing.TB) []guardRailCheck {
	admin := managedPolicy(tb, "arn:aws:iam::aws:policy/AdministratorAccess")
	power := managedPolicy(tb, "arn:aws:iam::aws:policy/PowerUserAccess")
	full := MustParsePolicy(allowAll("*"))
	recordPolicySource(full, []byte(allowAll("*")))
	combos := []struct {
		name     string
		identity *Policy
		boundary *Policy
	}{{"AdministratorAccess", admin, nil}, {"PowerUserAccess", power, nil}, {"AdministratorAccess+PowerUserBoundary", admin, power}}
	rails := loadGuardRails(tb)
	files := make([]string, 0, len(rails))
	for f := range rails {
		files = append(files, f)
	}
	sort.Strings(files)
	var out []guardRailCheck
	for _, f := range files {
		g := rails[f]
		questions := [][]string{{"iam:*"}, {"s3:PutObject"}}
		seen := map[string]bool{}
		for _, s := range g.Statements {
			if s.Effect != EffectDeny || s.NotAction {
				continue
			}
			for _, a := range s.Actions {
				if len(questions) < 6 && !seen[a.Text] && len(catalog.ExpandActionPattern(a.Text)) > 0 {
					seen[a.Text] = true
					questions = append(questions, []string{a.Text})
				}
			}
		}
		for _, c := range combos {
			for _, actions := range questions {
				q := &Question{Principal: "arn:aws:iam::111122223333:role/app", Actions: actions, Resources: []string{"*"}}
				q.Policies.Identity = []*Policy{c.identity}
				q.Policies.Boundary = c.boundary
				if isRCP(g) {
					q.Policies.RCPs = [][]*Policy{{full, g}}
				} else {
					q.Policies.SCPs = [][]*Policy{{full, g}}
				}
				out = append(out, guardRailCheck{name: filepath.Base(f) + " " + c.name + " " + strings.Join(actions, ","), question: q})
			}
		}
	}
	return out
}

// sampleDenied draws concrete requests of a question's set and reports one that Authorize
// allows (a Denied answer would then be wrong), or nil.
func sampleDenied(q *Question, rng *rand.Rand) *Request {
	var idx []int
	for _, p := range q.Actions {
		idx = catalog.AppendActionPattern(idx, p)
	}
	for n := 0; n < 30 && len(idx) > 0; n++ {
		act := catalog.ActionByIndex(idx[rng.Intn(len(idx))])
		resources := []string{}
		types, star, _ := actionTypes(act)
		if star {
			resources = append(resources, "*")
		}
		for _, rt := range types {
			for _, f := range rt.ARNFormats() {
				resources = append(resources, instantiateARNFormat(strings.TrimSpace(f), "111122223333"))
			}
		}
		for _, r := range resources {
			req := &Request{Principal: q.Principal, Action: act.Name(), Resource: r}
			ps := q.Policies
			if res, err := Authorize(&ps, req, q.Options); err == nil && res.Decision == Allow {
				return req
			}
		}
	}
	return nil
}

func TestPublishedGuardRails(t *testing.T) {
	checks := guardRailChecks(t)
	rng := rand.New(rand.NewSource(1))
	var durations []time.Duration
	decided := 0
	var undecided []string
	for _, c := range checks {
		start := time.Now()
		a := Analyze(c.question)
		durations = append(durations, time.Since(start))
		switch a.Outcome {
		case Undecided:
			undecided = append(undecided, c.name+": "+a.Reason)
			continue
		case Denied:
			if w := sampleDenied(c.question, rng); w != nil {
				t.Errorf("%s: denied, but Authorize allows %s on %s", c.name, w.Action, w.Resource)
			}
		case Allowed:
			if !realRequest(a.Witness.Action, a.Witness.Resource) {
				t.Errorf("%s: witness %s on %s is not a request AWS can receive", c.name, a.Witness.Action, a.Witness.Resource)
			}
		}
		decided++
	}
	sort.Slice(durations, func(i, j int) bool { return durations[i] < durations[j] })
	p := func(q float64) time.Duration { return durations[int(q*float64(len(durations)-1))] }
	t.Logf("%d checks over %d guard rails: %d decided (%.1f%%), p50 %v, p99 %v, max %v", len(checks), len(checks)/18+1, decided,
		100*float64(decided)/float64(len(checks)), p(0.5), p(0.99), durations[len(durations)-1])
	for _, u := range undecided {
		t.Logf("undecided: %s", u)
	}
	if float64(decided) < 0.99*float64(len(checks)) {
		t.Errorf("%d of %d checks decided at the default budget; the goal is 99%%", decided, len(checks))
	}
}

// BenchmarkPublishedGuardRails runs the whole corpus once per iteration.
func BenchmarkPublishedGuardRails(b *testing.B) {
	checks := guardRailChecks(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, c := range checks {
			Analyze(c.question)
		}
	}
	b.ReportMetric(float64(len(checks)), "checks/op")
}
