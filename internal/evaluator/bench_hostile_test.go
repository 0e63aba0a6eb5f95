package evaluator

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// hostilePolicies are the worst inputs of the issue on careless and hostile input: policies
// within IAM's quotas (or a little beyond) whose patterns make the analysis's automata large.
func hostilePolicies(tb testing.TB) map[string]*Question {
	tb.Helper()
	parse := func(doc any) *Policy {
		b, err := json.Marshal(doc)
		if err != nil {
			tb.Fatal(err)
		}
		p, err := ParsePolicy(b)
		if err != nil {
			tb.Fatal(err)
		}
		return p
	}
	type stmt = map[string]any
	var buckets []stmt
	for i := 0; i < 10000; i++ {
		buckets = append(buckets, stmt{"Effect": "Allow", "Action": "s3:GetObject", "Resource": fmt.Sprintf("arn:aws:s3:::bucket-%d/*", i)})
	}
	var likes []string
	for i := 0; i < 200; i++ {
		likes = append(likes, fmt.Sprintf("*a%db*c%d*", i, i%7))
	}
	const role = "arn:aws:iam::111122223333:role/app"
	return map[string]*Question{
		"10000-distinct-buckets": {Principal: role,
			Policies: PolicySet{Identity: []*Policy{parse(stmt{"Version": "2012-10-17", "Statement": buckets})}},
			Actions:  []string{"s3:*"}, Resources: []string{"*"}},
		"200-StringLike-patterns": {Principal: role,
			Policies: PolicySet{Identity: []*Policy{parse(stmt{"Version": "2012-10-17", "Statement": []stmt{
				{"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": stmt{"StringLike": stmt{"s3:prefix": likes}}},
				{"Effect": "Deny", "Action": "s3:*", "Resource": "*", "Condition": stmt{"StringNotLike": stmt{"s3:prefix": likes[:100]}}},
			}})}},
			Actions: []string{"s3:ListBucket"}, Resources: []string{"arn:aws:s3:::x"}},
	}
}

// The hostile inputs end, decided or undecided, within the default budget.
func TestHostileInputsEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 10,000-statement policy")
	}
	for name, q := range hostilePolicies(t) {
		a := Analyze(q)
		if a.Outcome == Denied {
			t.Errorf("%s: Denied, but every input here grants something forbidden or cannot be decided", name)
		}
		t.Logf("%s: %v %s", name, a.Outcome, a.Reason)
	}
}

func BenchmarkAnalyzeHostile(b *testing.B) {
	for name, q := range hostilePolicies(b) {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				Analyze(q)
			}
		})
	}
}

// numericHostilePolicy is a policy of n NumericLessThan/NumericGreaterThan pairs whose
// constants have maxNumericDigits digits and differ only in their last digits, so every
// comparison reads them whole.
func numericHostilePolicy(tb testing.TB, n int) *Policy {
	tb.Helper()
	var st []map[string]any
	for i := 0; i < n; i++ {
		prefix := "0." + strings.Repeat("3", maxNumericDigits-5)
		st = append(st, map[string]any{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*",
			"Condition": map[string]any{
				"NumericGreaterThan": map[string]any{"s3:max-keys": fmt.Sprintf("%s%04d", prefix, 2*i)},
				"NumericLessThan":    map[string]any{"s3:max-keys": fmt.Sprintf("%s%04d", prefix, 2*i+1)}}})
	}
	doc, err := json.Marshal(map[string]any{"Version": Version2012, "Statement": st})
	if err != nil {
		tb.Fatal(err)
	}
	p, err := ParsePolicy(doc)
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

// BenchmarkNumericHostile: the worst numeric inputs once values of more than maxNumericDigits
// digits are refused. quota: as many constants of the bound as IAM's largest policy (10,240
// characters) holds; 1MiB: the CLI's default policy limit; request-16MiB: a request value as
// long as the CLI's default line limit against the quota policy, and against the 1 MiB policy
// (37 s when each of its 8,000 conditions parsed the value again; it is parsed once now).
func BenchmarkNumericHostile(b *testing.B) {
	const role = "arn:aws:iam::111122223333:role/app"
	question := func(p *Policy) *Question {
		return &Question{Principal: role, Policies: PolicySet{Identity: []*Policy{p}},
			Actions: []string{"s3:ListBucket"}, Resources: []string{"arn:aws:s3:::x"}}
	}
	quota, large := numericHostilePolicy(b, 40), numericHostilePolicy(b, 4000)
	b.Run("analyze-quota", func(b *testing.B) {
		q := question(quota)
		for i := 0; i < b.N; i++ {
			if a := Analyze(q); a.Outcome != Allowed {
				b.Fatalf("%v: %s", a.Outcome, a.Reason)
			}
		}
	})
	b.Run("analyze-1MiB", func(b *testing.B) {
		q := question(large)
		for i := 0; i < b.N; i++ {
			Analyze(q)
		}
	})
	b.Run("authorize-request-16MiB", func(b *testing.B) {
		req := &Request{Principal: role, Action: "s3:ListBucket", Resource: "arn:aws:s3:::x"}
		req.Context.Set("s3:max-keys", "0."+strings.Repeat("3", 16<<20))
		ps := &PolicySet{Identity: []*Policy{quota}}
		b.SetBytes(16 << 20)
		for i := 0; i < b.N; i++ {
			if _, err := Authorize(ps, req, Options{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("authorize-request-16MiB-policy-1MiB", func(b *testing.B) {
		req := &Request{Principal: role, Action: "s3:ListBucket", Resource: "arn:aws:s3:::x"}
		req.Context.Set("s3:max-keys", "0."+strings.Repeat("3", 16<<20))
		ps := &PolicySet{Identity: []*Policy{large}}
		b.SetBytes(16 << 20)
		for i := 0; i < b.N; i++ {
			if _, err := Authorize(ps, req, Options{}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
