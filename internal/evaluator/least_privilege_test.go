package evaluator

import (
	"strings"
	"testing"
)

func TestLeastPrivilege(t *testing.T) {
	var ctx Context
	ctx.Set("aws:SourceVpc", "vpc-1234")
	required := []Request{
		{Action: "s3:GetObject", Resource: "arn:aws:s3:::data/reports/*"},
		{Action: "S3:PutObject", Resource: "arn:aws:s3:::data/reports/*"},
		{Action: "s3:ListBucket", Resource: "arn:aws:s3:::data"},
		{Action: "kms:Decrypt", Resource: "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"},
		{Action: "sqs:SendMessage", Resource: "arn:aws:sqs:eu-west-1:111122223333:jobs", Context: ctx},
	}
	lp, err := LeastPrivilege(required, LeastPrivilegeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// GetObject and PutObject share their resources: one statement; the rest one each.
	if lp.Statements != 4 {
		t.Errorf("%d statements:\n%s", lp.Statements, lp.Document)
	}
	if strings.ContainsAny(strings.ReplaceAll(string(lp.Document), "reports/*", ""), "*?") {
		t.Errorf("wildcards beyond the required resources:\n%s", lp.Document)
	}
	// Resource policies that delegate to the account, as default key policies do: only the
	// identity policy written decides.
	ps := PolicySet{Identity: []*Policy{lp.Policy}, Resource: checkPolicy(t,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"*","Resource":"*"}]}`)}
	const caller = "arn:aws:iam::111122223333:role/app"
	decide := func(r Request) Decision {
		r.Principal = caller
		res, err := Authorize(&ps, &r, Options{})
		if err != nil {
			t.Fatal(err)
		}
		return res.Decision
	}
	for _, r := range required {
		if d := decide(r); d != Allow {
			t.Errorf("%s on %s: %s", r.Action, r.Resource, d)
		}
	}
	for _, r := range []Request{
		{Action: "s3:DeleteObject", Resource: "arn:aws:s3:::data/reports/x"},
		{Action: "s3:GetObject", Resource: "arn:aws:s3:::data/private/x"},
		{Action: "s3:ListBucket", Resource: "arn:aws:s3:::other"},
		{Action: "sqs:SendMessage", Resource: "arn:aws:sqs:eu-west-1:111122223333:jobs"}, // without the VPC
	} {
		if d := decide(r); d == Allow {
			t.Errorf("%s on %s is allowed, but not required", r.Action, r.Resource)
		}
	}
	for _, bad := range [][]Request{nil, {{Action: "s3:NoSuchAction", Resource: "*"}}, {{Action: "s3:GetObject", Resource: "data/x"}}} {
		if _, err := LeastPrivilege(bad, LeastPrivilegeOptions{}); err == nil {
			t.Errorf("%v: no error", bad)
		}
	}
}
