package evaluator

import (
	"testing"
)

// NarrowToReport grants only what the current policies allowed, in the context reported: the
// request without the VPC its policy requires is denied and listed, not granted; the policy
// written allows each allowed request and the analysis finds it grants no action the current
// policies do not.
func TestNarrowToReport(t *testing.T) {
	c, err := ParsePrincipal([]byte(`{"request":{"principal":"arn:aws:iam::111122223333:role/app"},"identityPolicies":[{"Version":"2012-10-17","Statement":[` +
		`{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::data/*"},` +
		`{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"*","Condition":{"StringEquals":{"aws:SourceVpc":"vpc-1"}}}]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	var vpc, otherVPC Context
	vpc.Set("aws:SourceVpc", "vpc-1")
	otherVPC.Set("aws:SourceVpc", "vpc-2")
	const queue = "arn:aws:sqs:eu-west-1:111122223333:jobs"
	reported := []ReportedRequest{
		{1, Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::data/a"}},
		{2, Request{Action: "s3:getobject", Resource: "arn:aws:s3:::data/a"}}, // the same, in other letter case
		{3, Request{Action: "sqs:SendMessage", Resource: queue, Context: vpc}},
		{4, Request{Action: "sqs:SendMessage", Resource: queue, Context: otherVPC}},
		{5, Request{Action: "s3:DeleteBucket", Resource: "arn:aws:s3:::data"}},
	}
	n, err := NarrowToReport(c, reported, Options{}, LeastPrivilegeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(n.Denied) != 2 || n.Denied[0].Line != 4 || n.Denied[1].Line != 5 {
		t.Fatalf("denied %+v", n.Denied)
	}
	if len(n.Used) != 2 || n.Used[0] != "s3:GetObject" || n.Used[1] != "sqs:SendMessage" || n.Policy == nil {
		t.Fatalf("used %v, policy %v", n.Used, n.Policy)
	}
	narrowed := PolicySet{Identity: []*Policy{n.Policy.Policy}}
	for _, rr := range reported {
		req := rr.Request
		req.Principal = c.Principal
		res, err := Authorize(&narrowed, &req, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if want := rr.Line <= 3; (res.Decision == Allow) != want {
			t.Errorf("line %d under the narrowed policy: %s", rr.Line, res.Decision)
		}
	}
	// Every action the narrowed policy grants, the current policies grant.
	current, err := Effective(&Question{Principal: c.Principal, Policies: c.Policies, Actions: []string{"*"}, Resources: []string{"*"}})
	if err != nil {
		t.Fatal(err)
	}
	after, err := Effective(&Question{Principal: c.Principal, Policies: narrowed, Actions: []string{"*"}, Resources: []string{"*"}})
	if err != nil || len(after.Undecided)+len(current.Undecided) > 0 {
		t.Fatal(err, after.Undecided, current.Undecided)
	}
	before := map[string]bool{}
	for _, a := range current.Actions {
		before[a.Action] = true
	}
	for _, a := range after.Actions {
		if !before[a.Action] {
			t.Errorf("the narrowed policy grants %s, which the current policies do not", a.Action)
		}
	}
	if len(after.Actions) != 3 { // the two used, and sts:GetCallerIdentity
		t.Errorf("narrowed grants %d actions", len(after.Actions))
	}

	// Nothing allowed: no policy, every request listed.
	n, err = NarrowToReport(c, reported[3:], Options{}, LeastPrivilegeOptions{})
	if err != nil || n.Policy != nil || len(n.Denied) != 2 {
		t.Errorf("%v %+v", err, n)
	}
}

// FuzzParseReportedRequest: a report line is read or refused with an error, never a panic, and
// a request read has an action and a resource.
func FuzzParseReportedRequest(f *testing.F) {
	f.Add(`{"action":"s3:GetObject","resource":"arn:aws:s3:::b/k"}`)
	f.Add(`{"action":"sqs:SendMessage","resource":"*","context":{"aws:SourceVpc":"vpc-1","aws:TagKeys":["a","b"]}}`)
	f.Add(`{"action":"","resource":"*"}`)
	f.Add(`{"action":"s3:GetObject"}`)
	f.Add(`{"action":"s3:GetObject","resource":"*","extra":1}`)
	f.Add(`[1]`)
	f.Fuzz(func(t *testing.T, line string) {
		req, err := ParseReportedRequest([]byte(line))
		if err == nil && (req.Action == "" || req.Resource == "") {
			t.Fatalf("%q read as %+v", line, req)
		}
	})
}
