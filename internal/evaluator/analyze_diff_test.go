package evaluator

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"
)

// Differential test of Authorize and Analyze: random policies and real requests, with values
// from the edges of every domain (non-ASCII and odd case, Unicode case orbits, dates outside
// 0000-9999 as epoch seconds, huge numbers, several values of keys the catalogue does not know).
// Two properties: the one-request set (every key fixed) is Allowed exactly when Authorize
// allows the request; and whenever Authorize allows a request, the set of its action and
// resource with the context left free is never Denied (the analysis never says denied where
// evaluation allows).

var diffActions = []struct{ name, resource string }{
	{"s3:GetObject", "arn:aws:s3:::bucket/key"},
	{"S3:getobject", "arn:aws:s3:::Bucket/ſ"},
	{"kinesis:ListStreams", "*"},
	{"kinesis:DescribeStream", "arn:aws:kinesis:us-east-1:111122223333:stream/s"},
	{"iam:CreateRole", "arn:aws:iam::111122223333:role/r"},
}

var diffActionPatterns = []string{"s3:*", "\u212Ainesis:*", "kinesis:ListStream\u017F", "S3:Get*", "*", "iam:Create?ole", "kinesis:Describe*", "s3:?etObject"}

var diffResourcePatterns = []string{"*", "arn:aws:s3:::bucket/*", "arn:aws:s3:::B*", "arn:aws:kinesis:*:111122223333:stream/*", "arn:aws:iam::*:role/r", "arn:aws:*"}

type diffCond struct {
	op, key string
	values  []string
}

var diffConds = []diffCond{
	{"StringEqualsIgnoreCase", "custom:name", []string{"s"}},
	{"StringEqualsIgnoreCase", "custom:name", []string{"K"}},
	{"StringNotEqualsIgnoreCase", "custom:name", []string{"kelvin"}},
	{"StringLike", "custom:name", []string{"*ſ*"}},
	{"DateGreaterThan", "custom:when", []string{"9999-12-31T23:59:59Z"}},
	{"DateLessThan", "custom:when", []string{"0000-01-01T00:00:00Z"}},
	{"NumericGreaterThan", "custom:n", []string{"99999999999999999999"}},
	{"NumericLessThan", "custom:n", []string{"-1000.5"}},
	{"ForAnyValue:StringEquals", "custom:tags", []string{"a"}},
	{"ForAllValues:StringEquals", "custom:tags", []string{"a", "b"}},
	{"StringEquals", "custom:tags", []string{"b"}},
	{"IpAddress", "aws:SourceIp", []string{"10.0.0.0/8"}},
	{"NotIpAddress", "aws:SourceIp", []string{"10.1.0.0/16"}},
	{"StringEqualsIgnoreCase", "aws:ResourceAccount", []string{"111122223333"}},
}

var diffValues = map[string][][]string{
	"custom:name":  {{"s"}, {"ſ"}, {"S"}, {"k"}, {"\u212A"}, {"kelvin"}, {"KELVIN"}, {"x"}},
	"custom:when":  {{"2026-01-01T00:00:00Z"}, {"253402300800"}, {"-62167219201"}, {"999999999999999"}},
	"custom:n":     {{"0"}, {"100000000000000000000"}, {"-1001"}, {"1e30"}},
	"custom:tags":  {{}, {"a"}, {"b"}, {"a", "b"}, {"a", "c"}},
	"aws:SourceIp": {{"10.0.0.1"}, {"10.1.0.1"}, {"192.0.2.1"}, {"2001:db8::1"}},
}

func (d *diffWorld) statement(effect string) string {
	pick := func(list []string, n int) []string {
		out := []string{}
		for i := 0; i < n; i++ {
			out = append(out, list[d.rng.Intn(len(list))])
		}
		return out
	}
	actions := pick(diffActionPatterns, 1+d.rng.Intn(2))
	resources := pick(diffResourcePatterns, 1+d.rng.Intn(2))
	cond := ""
	if n := d.rng.Intn(3); n > 0 {
		parts := []string{}
		seen := map[string]bool{}
		for i := 0; i < n; i++ {
			c := diffConds[d.rng.Intn(len(diffConds))]
			if seen[c.op] {
				continue
			}
			seen[c.op] = true
			parts = append(parts, fmt.Sprintf("%q:{%q:%s}", c.op, c.key, quoteList(c.values)))
		}
		cond = `,"Condition":{` + strings.Join(parts, ",") + `}`
	}
	return fmt.Sprintf(`{"Effect":%q,"Action":%s,"Resource":%s%s}`, effect, quoteList(actions), quoteList(resources), cond)
}

type diffWorld struct{ rng *rand.Rand }

func (d *diffWorld) policy() *Policy {
	var stmts []string
	for i := 0; i < 1+d.rng.Intn(3); i++ {
		effect := "Allow"
		if d.rng.Intn(3) == 0 {
			effect = "Deny"
		}
		stmts = append(stmts, d.statement(effect))
	}
	p, err := ParsePolicy([]byte(`{"Version":"2012-10-17","Statement":[` + strings.Join(stmts, ",") + `]}`))
	if err != nil {
		panic(err)
	}
	return p
}

func (d *diffWorld) context() Context {
	var c Context
	for key, vals := range diffValues {
		if d.rng.Intn(3) == 0 {
			continue
		}
		v := vals[d.rng.Intn(len(vals))]
		if key == "custom:tags" {
			c.SetMulti(key, v)
		} else {
			c.Set(key, v[0])
		}
	}
	return c
}

func checkDifferential(t *testing.T, seed int64) {
	d := &diffWorld{rng: rand.New(rand.NewSource(seed))}
	ps := PolicySet{Identity: []*Policy{d.policy()}}
	if d.rng.Intn(2) == 0 {
		ps.Boundary = d.policy()
	}
	act := diffActions[d.rng.Intn(len(diffActions))]
	req := &Request{Principal: "arn:aws:iam::111122223333:role/app", Action: act.name, Resource: act.resource, Context: d.context()}
	res, err := Authorize(&ps, req, Options{})
	if err != nil {
		t.Fatalf("seed %d: %v", seed, err)
	}
	allowed := res.Decision == Allow
	var absent []string
	for key := range diffValues {
		if _, ok := req.Context.Lookup(key); !ok {
			absent = append(absent, key)
		}
	}
	one := &Question{Principal: req.Principal, Policies: ps, Actions: []string{req.Action}, Resources: []string{req.Resource},
		Context: req.Context, Absent: absent, PrincipalTags: map[string]string{}}
	a := Analyze(one)
	if a.Outcome == Undecided {
		t.Logf("seed %d: one-request set undecided: %s", seed, a.Reason)
	} else if (a.Outcome == Allowed) != allowed {
		t.Fatalf("seed %d: Authorize %s but the one-request set is %s\nrequest %+v\nidentity %s\nboundary %v", seed, res.Decision, a.Outcome, req, policyText(ps.Identity[0]), ps.Boundary != nil && true)
	}
	if !allowed {
		return
	}
	free := &Question{Principal: req.Principal, Policies: ps, Actions: []string{req.Action}, Resources: []string{req.Resource}}
	if a := Analyze(free); a.Outcome == Denied {
		t.Fatalf("seed %d: Authorize allows %+v but the set with a free context is denied\nidentity %s", seed, req, policyText(ps.Identity[0]))
	}
}

func policyText(p *Policy) string {
	var parts []string
	for _, s := range p.Statements {
		parts = append(parts, fmt.Sprintf("%s %v on %v %d conditions", s.Effect, s.Actions, s.Resources, len(s.Conditions)))
	}
	return strings.Join(parts, "; ")
}

func TestAuthorizeAnalyzeDifferential(t *testing.T) {
	n := 600
	if testing.Short() {
		n = 100
	}
	for seed := int64(1); seed <= int64(n); seed++ {
		checkDifferential(t, seed)
	}
}

func FuzzAuthorizeAnalyzeDifferential(f *testing.F) {
	for seed := int64(1); seed <= 20; seed++ {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, seed int64) { checkDifferential(t, seed) })
}
