package evaluator

import (
	"math/rand"
	"strings"
	"testing"
)

// Effective is checked against brute force over a small catalogue: ten actions of four
// services with six resource types (S3 buckets and objects, SQS queues, IAM roles and users,
// and actions without a resource type), random identity policies, boundaries, SCPs and a
// resource policy over patterns of those types, and two condition keys drawn from the pool of
// the analysis's property test. Brute force asks Authorize about every action, every resource
// of a finite sample of each type and every context of the keys' domains.
//
// Properties:
//   - every reported action has a witness of that action that Authorize allows and that lies in
//     the question's resources, and the witness is a request AWS can receive;
//   - every action of the catalogue that is neither reported nor undecided is denied by
//     Authorize for every sampled resource in scope and every sampled context;
//   - a request brute force finds allowed has its resource matched by one of the reported
//     Resource patterns (unless the action needs no grant), and when the action is reported
//     not Conditional, the request is allowed in every sampled context;
//   - nothing is undecided on these small questions.

var (
	effCatalogue = []string{
		"s3:GetObject", "s3:ListBucket", "s3:PutBucketPolicy", "s3:ListAllMyBuckets",
		"sqs:SendMessage", "sqs:ListQueues", "iam:GetRole", "iam:PassRole", "iam:CreateUser",
		"sts:GetCallerIdentity",
	}
	effActionPatterns = []string{
		"*", "s3:*", "s3:Get*", "s3:List*", "s3:PutBucketPolicy", "sqs:*", "sqs:SendMessage",
		"iam:*", "iam:Get*", "*Role", "iam:PassRole", "*:List*", "sts:*",
	}
	effResourcePatterns = []string{
		"*", "arn:aws:s3:::a*", "arn:aws:s3:::a/*", "arn:aws:s3:::*b", "arn:aws:s3:::?", "arn:aws:s3:::*/a",
		"arn:aws:sqs:us-east-1:" + acct + ":q*", "arn:aws:sqs:*:*:*", "arn:aws:iam::" + acct + ":role/a*",
		"arn:aws:iam::*:role/*", "arn:aws:iam::" + acct + ":user/*", "arn:aws:iam::" + acct + ":*",
	}
	effScopes = [][]string{{"*"}, {"*"}, {"arn:aws:s3:::a*"}, {"arn:aws:iam::" + acct + ":*", "arn:aws:sqs:*"}}
)

// effResources is the brute force's sample: a few ARNs of each resource type, and "*" for the
// actions without one.
func effResources() []string {
	out := []string{"*"}
	for _, b := range []string{"a", "b", "ab", "ba", "aa"} {
		out = append(out, "arn:aws:s3:::"+b)
		for _, k := range []string{"a", "b", "a/a", "x"} {
			out = append(out, "arn:aws:s3:::"+b+"/"+k)
		}
	}
	for _, region := range []string{"us-east-1", "eu-west-1"} {
		for _, q := range []string{"q", "qa", "a"} {
			out = append(out, "arn:aws:sqs:"+region+":"+acct+":"+q)
		}
	}
	out = append(out, "arn:aws:sqs:us-east-1:"+extAcct+":q")
	for _, n := range []string{"a", "ab", "b", "path/a"} {
		out = append(out, "arn:aws:iam::"+acct+":role/"+n, "arn:aws:iam::"+acct+":user/"+n)
	}
	out = append(out, "arn:aws:iam::"+extAcct+":role/a")
	return out
}

type effWorld struct {
	rng  *rand.Rand
	keys []keySpec
}

func (w *effWorld) some(list []string, limit int) []string {
	out := make([]string, 1+w.rng.Intn(limit))
	for i := range out {
		out[i] = list[w.rng.Intn(len(list))]
	}
	return out
}

// document writes a policy of one to three statements; principal is the Principal element of
// a resource policy ("" for the others).
func (w *effWorld) document(principal string) *Policy {
	var stmts []string
	for n := 1 + w.rng.Intn(3); n > 0; n-- {
		effect := "Allow"
		if w.rng.Intn(5) == 0 {
			effect = "Deny"
		}
		parts := []string{`"Effect":"` + effect + `"`}
		if principal != "" {
			parts = append(parts, `"Principal":`+principal)
		}
		actionKey, resourceKey := "Action", "Resource"
		if w.rng.Intn(7) == 0 {
			actionKey = "NotAction"
		}
		if w.rng.Intn(7) == 0 {
			resourceKey = "NotResource"
		}
		parts = append(parts, `"`+actionKey+`":`+quoteList(w.some(effActionPatterns, 3)),
			`"`+resourceKey+`":`+quoteList(w.some(effResourcePatterns, 2)))
		if w.rng.Intn(3) == 0 {
			k := w.keys[w.rng.Intn(len(w.keys))]
			parts = append(parts, `"Condition":{`+k.conds[w.rng.Intn(len(k.conds))]+`}`)
		}
		stmts = append(stmts, "{"+strings.Join(parts, ",")+"}")
	}
	return MustParsePolicy(`{"Version":"2012-10-17","Statement":[` + strings.Join(stmts, ",") + `]}`)
}

func (w *effWorld) question() *Question {
	role := "arn:aws:sts::" + acct + ":assumed-role/app/s"
	q := &Question{Principal: role, Actions: []string{"*"}, Resources: effScopes[w.rng.Intn(len(effScopes))]}
	for n := 1 + w.rng.Intn(3); n > 0; n-- {
		q.Policies.Identity = append(q.Policies.Identity, w.document(""))
	}
	if w.rng.Intn(4) == 0 {
		q.Policies.Boundary = w.document("")
	}
	if w.rng.Intn(4) == 0 {
		q.Policies.SCPs = [][]*Policy{{MustParsePolicy(allowAll("*"))}, {w.document("")}}
	}
	if w.rng.Intn(3) == 0 {
		principals := []string{`"*"`, `{"AWS":"` + acct + `"}`, `{"AWS":"` + role + `"}`, `{"AWS":"` + extAcct + `"}`}
		pattern := []string{"arn:aws:s3:::a*", "arn:aws:sqs:us-east-1:" + acct + ":q*", "arn:aws:iam::" + acct + ":role/a"}[w.rng.Intn(3)]
		q.ResourcePolicies = []ResourcePolicy{{Pattern: pattern, Policy: w.document(principals[w.rng.Intn(len(principals))])}}
	}
	return q
}

// contexts lists every context of the world's keys (each absent or one of its values).
func (w *effWorld) contexts() []Context {
	out := []Context{{}}
	for _, k := range w.keys {
		var next []Context
		for _, c := range out {
			for _, v := range k.domain {
				c2 := c.Clone()
				switch v := v.(type) {
				case string:
					c2.Set(k.name, v)
				case []string:
					c2.SetMulti(k.name, v)
				}
				next = append(next, c2)
			}
		}
		out = next
	}
	return out
}

func inScope(patterns []string, resource string) bool {
	for _, p := range patterns {
		if compileResourceGlob(p).match(resource) {
			return true
		}
	}
	return false
}

func checkEffectiveAgainstBruteForce(t *testing.T, seed int64) {
	t.Helper()
	rng := rand.New(rand.NewSource(seed))
	perm := rng.Perm(len(propertyKeys))
	w := &effWorld{rng: rng, keys: []keySpec{propertyKeys[perm[0]], propertyKeys[perm[1]]}}
	q := w.question()
	// The catalogue of the question: its actions are the small catalogue's.
	q.Actions = effCatalogue
	eff, err := Effective(q)
	if err != nil {
		t.Fatalf("seed %d: %v\n%s", seed, err, describeQuestion(q))
	}
	if len(eff.Undecided) > 0 && notReceivableReason(eff.Reason) {
		return // as in checkAgainstBruteForce: service keys on actions that never carry them
	}
	if len(eff.Undecided) > 0 {
		t.Fatalf("seed %d: undecided %v: %s\n%s", seed, eff.Undecided, eff.Reason, describeQuestion(q))
	}
	authorize := func(req *Request) bool {
		ps := q.Policies
		ps.Resource = ResourcePolicyFor(q.ResourcePolicies, req.Resource)
		r, err := Authorize(&ps, req, q.Options)
		return err == nil && r.Decision == Allow
	}
	reported := map[string]ActionAccess{}
	for _, acc := range eff.Actions {
		reported[acc.Action] = acc
		wit := acc.Witness
		if wit.Action != acc.Action {
			t.Fatalf("seed %d: %s has a witness of %s", seed, acc.Action, wit.Action)
		}
		if !authorize(&wit) {
			t.Fatalf("seed %d: %s: witness on %q with %s is not allowed\n%s", seed, acc.Action, wit.Resource, contextString(wit.Context), describeQuestion(q))
		}
		if wit.Resource != "" && (!inScope(q.Resources, wit.Resource) || !realRequest(wit.Action, wit.Resource)) {
			t.Fatalf("seed %d: %s: witness resource %q is outside the question or no resource of the action\n%s", seed, acc.Action, wit.Resource, describeQuestion(q))
		}
	}
	contexts := w.contexts()
	for _, action := range effCatalogue {
		acc, isReported := reported[action]
		for _, res := range effResources() {
			if !inScope(q.Resources, res) || !realRequest(action, res) {
				continue
			}
			allowedIn, deniedIn := 0, 0
			var first *Request
			for _, ctx := range contexts {
				req := &Request{Principal: q.Principal, Action: action, Resource: res, Context: ctx}
				if authorize(req) {
					allowedIn++
					if first == nil {
						first = req
					}
				} else {
					deniedIn++
				}
			}
			if allowedIn == 0 {
				continue
			}
			if !isReported {
				t.Fatalf("seed %d: %s is not reported, but Authorize allows it on %s with %s\n%s", seed, action, res, contextString(first.Context), describeQuestion(q))
			}
			if len(acc.Resources) > 0 && !inScope(acc.Resources, res) {
				t.Fatalf("seed %d: %s is allowed on %s, which none of the reported resources %v matches\n%s", seed, action, res, acc.Resources, describeQuestion(q))
			}
			if !acc.Conditional && deniedIn > 0 {
				t.Fatalf("seed %d: %s is reported unconditional, but on %s %d of %d contexts are denied\n%s", seed, action, res, deniedIn, len(contexts), describeQuestion(q))
			}
		}
	}
}

func TestEffectiveAgainstBruteForce(t *testing.T) {
	n := 300
	if testing.Short() {
		n = 50
	}
	for seed := int64(1); seed <= int64(n); seed++ {
		checkEffectiveAgainstBruteForce(t, seed)
	}
}

// FuzzEffectiveAgainstBruteForce explores more seeds (go test -fuzz FuzzEffectiveAgainstBruteForce
// ./internal/evaluator); its seed corpus runs as a normal test.
func FuzzEffectiveAgainstBruteForce(f *testing.F) {
	for _, s := range []int64{0, 1, 7, 1 << 40, -3} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, seed int64) { checkEffectiveAgainstBruteForce(t, seed) })
}
