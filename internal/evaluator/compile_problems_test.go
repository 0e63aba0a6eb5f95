package evaluator

import (
	"strings"
	"testing"
)

// A policy that CompilePolicy left incomplete is refused by Authorize and by the analysis: a
// Deny without the condition that did not compile would otherwise allow too much.
func TestIncompletePolicyIsNotEvaluated(t *testing.T) {
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},
		{"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"NumericLessThan":{"aws:MultiFactorAuthAge":"soon"}}}]}`
	p, problems, err := CompilePolicy([]byte(doc))
	if err != nil || len(problems) == 0 {
		t.Fatalf("CompilePolicy: %v, %d problems; want a policy with a problem", err, len(problems))
	}
	p.Name = "identity_policies[0]"
	req := Request{Principal: "arn:aws:iam::111122223333:user/alice", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k"}
	if res, err := Authorize(&PolicySet{Identity: []*Policy{p}}, &req, Options{}); err == nil || !strings.Contains(err.Error(), "identity_policies[0]") {
		t.Errorf("Authorize decided %v (%v), want an error naming the policy", res.Decision, err)
	}
	scp := *p
	scp.Name = "scps[0][0]"
	if _, err := Authorize(&PolicySet{Identity: []*Policy{MustParsePolicy(`{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}`)}, SCPs: [][]*Policy{{&scp}}}, &req, Options{}); err == nil {
		t.Error("Authorize decided with an incomplete SCP")
	}
	q := &Question{Principal: req.Principal, Policies: PolicySet{Identity: []*Policy{p}}, Actions: []string{"s3:GetObject"}, Resources: []string{"*"}}
	if a := Analyze(q); a.Outcome != Undecided || !strings.Contains(a.Reason, "did not compile") {
		t.Errorf("Analyze answered %v (%s), want Undecided for the incomplete policy", a.Outcome, a.Reason)
	}
	q = &Question{Principal: req.Principal, Policies: PolicySet{Identity: []*Policy{MustParsePolicy(`{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}`)}},
		ResourcePolicies: []ResourcePolicy{{Pattern: "*", Policy: p}}, Actions: []string{"s3:GetObject"}, Resources: []string{"*"}}
	if a := Analyze(q); a.Outcome != Undecided || !strings.Contains(a.Reason, "did not compile") {
		t.Errorf("Analyze with an incomplete resource policy answered %v (%s), want Undecided", a.Outcome, a.Reason)
	}
	// Once compiled in full, the same text is evaluated.
	if _, err := ParsePolicy([]byte(strings.Replace(doc, `"soon"`, `"3600"`, 1))); err != nil {
		t.Fatal(err)
	}
}
