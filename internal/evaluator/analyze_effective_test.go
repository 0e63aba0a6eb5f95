package evaluator

import (
	"math/rand"
	"strings"
	"testing"

	"github.com/iamguard/terraform-provider-iam/internal/catalog"
)

func effectiveCases(tb testing.TB) map[string]*Question {
	tb.Helper()
	managed := func(name string) *Policy {
		p, err := ManagedPolicy("arn:aws:iam::aws:policy/" + name)
		if err != nil {
			tb.Fatal(err)
		}
		return p
	}
	parse := func(doc string) *Policy {
		p, err := ParsePolicy([]byte(doc))
		if err != nil {
			tb.Fatal(err)
		}
		return p
	}
	full := parse(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)
	const role = "arn:aws:iam::111122223333:role/app"
	return map[string]*Question{
		"AdministratorAccess-2-SCP-levels-boundary": {Principal: role, Actions: []string{"*"}, Resources: []string{"*"},
			Policies: PolicySet{Identity: []*Policy{managed("AdministratorAccess")},
				Boundary: parse(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":["iam:*","organizations:*"],"Resource":"*"}]}`),
				SCPs: [][]*Policy{{full}, {full, parse(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:Delete*","Resource":"arn:aws:s3:::prod-*"},` +
					`{"Effect":"Deny","Action":"ec2:*","Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":["eu-west-1"]}}}]}`)}}}},
		"ReadOnlyAccess": {Principal: role, Actions: []string{"*"}, Resources: []string{"*"},
			Policies: PolicySet{Identity: []*Policy{managed("ReadOnlyAccess")}}},
		"scoped-with-conditions": {Principal: role, Actions: []string{"s3:*", "kms:*", "iam:*"}, Resources: []string{"*"},
			Policies: PolicySet{Identity: []*Policy{parse(`{"Version":"2012-10-17","Statement":[` +
				`{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::data/*"},` +
				`{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::data","Condition":{"StringLike":{"s3:prefix":"reports/*"}}},` +
				`{"Effect":"Allow","Action":"iam:Get*","Resource":"*"},` +
				`{"Effect":"Deny","Action":"iam:GetUser","Resource":"*"},` +
				`{"Effect":"Allow","Action":"kms:Decrypt","Resource":"*"}]}`)}}},
	}
}

// Every reported action has a witness that Authorize allows; every action of a sample that is
// not reported is Denied by Analyze on its own; every reported action of the sample is
// Allowed by it.
func TestEffectiveAgreesWithAnalyze(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	for name, q := range effectiveCases(t) {
		t.Run(name, func(t *testing.T) {
			eff, err := Effective(q)
			if err != nil {
				t.Fatal(err)
			}
			if len(eff.Undecided) > 0 {
				t.Fatalf("undecided: %v (%s)", eff.Undecided, eff.Reason)
			}
			reported := map[string]bool{}
			for _, acc := range eff.Actions {
				reported[acc.Action] = true
				w := acc.Witness
				ps := q.Policies
				ps.Resource = ResourcePolicyFor(q.ResourcePolicies, w.Resource)
				if res, err := Authorize(&ps, &w, Options{}); err != nil || res.Decision != Allow {
					t.Errorf("%s: witness on %s is %v (%v)", acc.Action, w.Resource, res.Decision, err)
				}
			}
			// A sample of the question's actions, decided one by one.
			var candidates []string
			for _, p := range q.Actions {
				for _, i := range catalog.ExpandActionPattern(p) {
					candidates = append(candidates, catalog.ActionByIndex(i).Name())
				}
			}
			for k := 0; k < 150; k++ {
				act := candidates[rng.Intn(len(candidates))]
				one := *q
				one.Actions = []string{act}
				a := Analyze(&one)
				if (a.Outcome == Allowed) != reported[act] {
					t.Errorf("%s: Analyze %v (%s), reported %v", act, a.Outcome, a.Reason, reported[act])
				}
			}
			t.Logf("%d actions allowed", len(eff.Actions))
		})
	}
}

func TestEffectiveDetails(t *testing.T) {
	eff, err := Effective(effectiveCases(t)["scoped-with-conditions"])
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]ActionAccess{}
	for _, a := range eff.Actions {
		got[a.Action] = a
	}
	if a := got["s3:GetObject"]; a.Conditional || len(a.Resources) != 1 || a.Resources[0] != "arn:aws:s3:::data/*" || a.AccessLevel != "Read" {
		t.Errorf("s3:GetObject: %+v", a)
	}
	if a := got["s3:ListBucket"]; !a.Conditional || len(a.ConditionKeys) != 1 || a.ConditionKeys[0] != "s3:prefix" || a.AccessLevel != "List" {
		t.Errorf("s3:ListBucket: %+v", a)
	}
	if _, ok := got["iam:GetUser"]; ok {
		t.Error("iam:GetUser is denied explicitly but reported")
	}
	if _, ok := got["iam:GetRole"]; !ok {
		t.Error("iam:GetRole not reported")
	}
	if _, ok := got["s3:DeleteObject"]; ok {
		t.Error("s3:DeleteObject reported")
	}
}

func BenchmarkEffective(b *testing.B) {
	for name, q := range effectiveCases(b) {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if _, err := Effective(q); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// Every witness Effective reports is a request AWS can receive: its resource is an ARN of the
// action's resource types (not, say, "arn:aws:iam::111122223333:rootexample" for sts:AssumeRoot,
// whose format ends in the literal "root"), found by the independent simulator (make oracle).
func TestEffectiveWitnessesAreRealRequests(t *testing.T) {
	for _, arn := range []string{"arn:aws:iam::aws:policy/AdministratorAccess", "arn:aws:iam::aws:policy/ReadOnlyAccess"} {
		q := &Question{Principal: "arn:aws:iam::111122223333:role/app", Actions: []string{"*"}, Resources: []string{"*"}}
		q.Policies.Identity = []*Policy{managedPolicy(t, arn)}
		eff, err := Effective(q)
		if err != nil {
			t.Fatal(err)
		}
		if len(eff.Undecided) > 0 {
			t.Errorf("%s: undecided %d actions: %s", arn, len(eff.Undecided), eff.Reason)
		}
		bad := 0
		for _, acc := range eff.Actions {
			if !realRequest(acc.Witness.Action, acc.Witness.Resource) {
				if bad++; bad <= 5 {
					t.Errorf("%s: %s: witness %s on %s is not a request AWS can receive", arn, acc.Action, acc.Witness.Action, acc.Witness.Resource)
				}
			}
		}
		if bad > 5 {
			t.Errorf("%s: %d witnesses in all", arn, bad)
		}
	}
}

// Effective for principals whose policies compare with a free principal tag (ABAC), against
// brute force over tag values and resources: every listed action has a witness Authorize
// allows; every action neither listed nor undecided is denied for every sampled tag value,
// resource and context.
func TestEffectiveFreeTagVariablesAgainstBruteForce(t *testing.T) {
	actions := []string{"s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:ListBucket", "ec2:StartInstances", "ec2:StopInstances", "iam:PassRole", "kms:Decrypt"}
	resources := []string{"arn:aws:s3:::data/platform/x", "arn:aws:s3:::data/blue/x", "arn:aws:s3:::data", "arn:aws:s3:::other/x",
		"arn:aws:ec2:us-east-1:111122223333:instance/i-1", "arn:aws:iam::111122223333:role/platform", "arn:aws:iam::111122223333:role/blue",
		"arn:aws:kms:us-east-1:111122223333:key/k"}
	statements := []string{
		`{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::data/${aws:PrincipalTag/team}/*"}`,
		`{"Effect":"Allow","Action":"ec2:*Instances","Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/team":"${aws:PrincipalTag/team}"}}}`,
		`{"Effect":"Deny","Action":"s3:PutObject","Resource":"*","Condition":{"StringNotEquals":{"aws:PrincipalTag/team":"platform"}}}`,
		`{"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::111122223333:role/${aws:PrincipalTag/team}"}`,
		`{"Effect":"Deny","Action":"*","Resource":"arn:aws:iam::111122223333:role/${aws:PrincipalTag/team}","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"false"}}}`,
		`{"Effect":"Allow","Action":"kms:Decrypt","Resource":"*","Condition":{"StringLike":{"aws:PrincipalTag/team":"plat*"}}}`,
		`{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::data","Condition":{"StringLike":{"s3:prefix":"${aws:PrincipalTag/team}/*"}}}`,
		`{"Effect":"Deny","Action":"s3:*","Resource":"arn:aws:s3:::data/${aws:PrincipalTag/team}/*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"blue"}}}`,
	}
	tagValues := []*string{nil, ptr("platform"), ptr("blue"), ptr("x")}
	rng := rand.New(rand.NewSource(5))
	totalListed, totalDenied, totalUndecided := 0, 0, 0
	defer func() {
		t.Logf("%d actions listed, %d proven denied, %d undecided", totalListed, totalDenied, totalUndecided)
		if totalListed == 0 || totalDenied == 0 {
			t.Errorf("the rounds listed %d and denied %d actions: the test checks nothing", totalListed, totalDenied)
		}
	}()
	for round := 0; round < 60; round++ {
		var picked []string
		for _, s := range statements {
			if rng.Intn(2) == 0 {
				picked = append(picked, s)
			}
		}
		if len(picked) == 0 {
			picked = statements[:1]
		}
		p := MustParsePolicy(`{"Version":"2012-10-17","Statement":[` + strings.Join(picked, ",") + `]}`)
		q := &Question{Principal: "arn:aws:iam::111122223333:role/app", Actions: actions, Resources: []string{"*"}}
		q.Policies.Identity = []*Policy{p}
		eff, err := Effective(q)
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		listed := map[string]bool{}
		for _, acc := range eff.Actions {
			listed[acc.Action] = true
			ps := q.Policies
			if r, err := Authorize(&ps, &acc.Witness, Options{}); err != nil || r.Decision != Allow {
				t.Errorf("round %d: %s: witness %+v is not allowed: %v %v", round, acc.Action, acc.Witness, r.Decision, err)
			}
		}
		undecided := map[string]bool{}
		for _, u := range eff.Undecided {
			undecided[u] = true
		}
		totalListed += len(listed)
		for _, act := range actions {
			if undecided[act] || undecided["*"] {
				totalUndecided++
			}
			if listed[act] || undecided[act] || undecided["*"] {
				continue
			}
			totalDenied++
			for _, res := range resources {
				if !realRequest(act, res) {
					continue
				}
				for _, tag := range tagValues {
					for _, ctxVariant := range []map[string]string{{}, {"aws:MultiFactorAuthPresent": "true"}, {"aws:ResourceTag/team": "platform", "s3:prefix": "platform/a"}, {"aws:ResourceTag/team": "blue", "s3:prefix": "blue/a"}} {
						req := &Request{Principal: q.Principal, Action: act, Resource: res}
						if tag != nil {
							req.Context.Set("aws:PrincipalTag/team", *tag)
						}
						for k, v := range ctxVariant {
							req.Context.Set(k, v)
						}
						ps := q.Policies
						if r, err := Authorize(&ps, req, Options{}); err == nil && r.Decision == Allow {
							t.Fatalf("round %d: %s is not listed, but Authorize allows it on %s with %v (tag %v)\nlisted %v\nundecided %v %s\n%s", round, act, res, ctxVariant, tagText(tag), listed, eff.Undecided, eff.Reason, strings.Join(picked, "\n"))
						}
					}
				}
			}
		}
	}
}

func tagText(tag *string) string {
	if tag == nil {
		return "absent"
	}
	return *tag
}
