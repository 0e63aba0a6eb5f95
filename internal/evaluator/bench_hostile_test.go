package evaluator

import (
	"encoding/json"
	"fmt"
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

// Validation is linear in the number of statements: 60,000 distinct statements (the duplicate
// check compared every pair of statements of the same shape before).
func BenchmarkValidateManyStatements(b *testing.B) {
	var st []map[string]any
	for i := 0; i < 60000; i++ {
		st = append(st, map[string]any{"Effect": "Allow", "Action": "s3:GetObject", "Resource": fmt.Sprintf("arn:aws:s3:::bucket-%d/*", i)})
	}
	doc, err := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": st})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		ValidatePolicy(doc, ValidateOptions{Type: PolicyTypeIdentity})
	}
}
