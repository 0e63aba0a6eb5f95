package evaluator

import (
	"strings"
	"testing"
)

// TestWitnessKeysAgree: a witness carries the keys a real request carries together.
func TestWitnessKeysAgree(t *testing.T) {
	role := "arn:aws:iam::" + acct + ":role/app"
	requireTeam := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"ec2:RunInstances","Resource":"arn:aws:ec2:*:*:instance/*","Condition":{"Null":{"aws:RequestTag/team":"true"}}},` +
		`{"Effect":"Deny","Action":"ec2:RunInstances","Resource":"*","Condition":{"ForAnyValue:StringNotEquals":{"aws:TagKeys":["team","env"]}}}]}`
	q := question(role, []string{allowAll("*")}, []string{"ec2:RunInstances"}, []string{"arn:aws:ec2:*:*:instance/*"})
	q.Policies.SCPs = [][]*Policy{{MustParsePolicy(allowAll("*")), MustParsePolicy(requireTeam)}}
	a := Analyze(q)
	if a.Outcome != Allowed {
		t.Fatalf("outcome %v (%s), want allowed", a.Outcome, a.Reason)
	}
	keys, ok := a.Witness.Context.Lookup("aws:TagKeys")
	if _, tagged := a.Witness.Context.Lookup("aws:RequestTag/team"); !tagged || !ok || !containsString(keys.Values, "team") {
		t.Errorf("witness context %v: a request with aws:RequestTag/team lists team in aws:TagKeys", contextString(a.Witness.Context))
	}

	// Every real request is denied: the tag is required and its key is refused. The keys taken
	// apart would let a request through; together they do not, so no witness is reported.
	refuseTeam := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"ec2:RunInstances","Resource":"arn:aws:ec2:*:*:instance/*","Condition":{"Null":{"aws:RequestTag/team":"true"}}},` +
		`{"Effect":"Deny","Action":"ec2:RunInstances","Resource":"*","Condition":{"ForAnyValue:StringEquals":{"aws:TagKeys":"team"}}}]}`
	q.Policies.SCPs = [][]*Policy{{MustParsePolicy(allowAll("*")), MustParsePolicy(refuseTeam)}}
	if a := Analyze(q); a.Outcome == Allowed {
		t.Errorf("witness %v is no request AWS receives", contextString(a.Witness.Context))
	} else if a.Outcome == Undecided && !strings.Contains(a.Reason, "aws:TagKeys") {
		t.Errorf("reason %q", a.Reason)
	}

	// aws:MultiFactorAuthAge comes with aws:MultiFactorAuthPresent true.
	mfa := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"NumericLessThan":{"aws:MultiFactorAuthAge":"3600"}}}]}`
	q = question(role, []string{mfa}, []string{"s3:GetObject"}, []string{"arn:aws:s3:::b/*"})
	a = Analyze(q)
	if a.Outcome != Allowed {
		t.Fatalf("outcome %v (%s), want allowed", a.Outcome, a.Reason)
	}
	if v, ok := a.Witness.Context.Lookup("aws:MultiFactorAuthPresent"); !ok || v.Values[0] != "true" {
		t.Errorf("witness context %v: MFA age without MFA", contextString(a.Witness.Context))
	}
}

// TestWitnessRegionAgrees: aws:RequestedRegion is the region of a resource whose ARN has one.
func TestWitnessRegionAgrees(t *testing.T) {
	role := "arn:aws:iam::" + acct + ":role/app"
	lock := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotAction":"iam:*","Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":["eu-west-1"]}}}]}`
	q := question(role, []string{allowAll("*")}, []string{"ec2:TerminateInstances"}, []string{"arn:aws:ec2:*:*:instance/*"})
	q.Policies.SCPs = [][]*Policy{{MustParsePolicy(allowAll("*")), MustParsePolicy(lock)}}
	a := Analyze(q)
	if a.Outcome != Allowed {
		t.Fatalf("outcome %v (%s), want allowed", a.Outcome, a.Reason)
	}
	if !strings.HasPrefix(a.Witness.Resource, "arn:aws:ec2:eu-west-1:") {
		t.Errorf("witness %s with %s: the instance is not in the requested region", a.Witness.Resource, contextString(a.Witness.Context))
	}
	// Instances of us-east-1 only: a request for them goes to us-east-1, which the SCP denies.
	q.Resources = []string{"arn:aws:ec2:us-east-1:*:instance/*"}
	if a := Analyze(q); a.Outcome == Allowed {
		t.Errorf("witness %s with %s is no request AWS receives", a.Witness.Resource, contextString(a.Witness.Context))
	}
}
