package evaluator

import (
	"strings"
	"testing"
)

func TestManagedPolicy(t *testing.T) {
	p, err := ManagedPolicy("arn:aws:iam::aws:policy/ReadOnlyAccess")
	if err != nil {
		t.Fatal(err)
	}
	again, _ := ManagedPolicy("arn:aws:iam::aws:policy/ReadOnlyAccess")
	if p != again {
		t.Error("the parsed policy is not cached")
	}
	ps := &PolicySet{Identity: []*Policy{p}}
	for action, want := range map[string]Decision{"s3:GetObject": Allow, "iam:CreateUser": ImplicitDeny, "ec2:DescribeInstances": Allow} {
		r, err := Authorize(ps, &Request{Principal: "arn:aws:iam::111122223333:user/a", Action: action, Resource: "*"}, Options{})
		if err != nil || r.Decision != want {
			t.Errorf("%s: %s, want %s (%v)", action, r.Decision, want, err)
		}
		if r.Decision == Allow && r.Allows[0].Policy != "arn:aws:iam::aws:policy/ReadOnlyAccess" {
			t.Errorf("%s allowed by %q", action, r.Allows[0].Policy)
		}
	}
	if _, err := ManagedPolicy("arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"); err != nil {
		t.Errorf("path ARN: %v", err)
	}
	if _, err := ManagedPolicy("arn:aws:iam::aws:policy/NoSuchPolicy"); err == nil || !strings.Contains(err.Error(), "not in the catalogue") {
		t.Errorf("unknown: %v", err)
	}
	if _, err := ManagedPolicy("arn:aws:iam::111122223333:policy/Mine"); err == nil || !strings.Contains(err.Error(), "not an AWS managed policy ARN") {
		t.Errorf("customer: %v", err)
	}
}

func TestCaseWithManagedPolicyARN(t *testing.T) {
	c, err := ParseCase([]byte(`{"id":"m","request":{"principal":"arn:aws:iam::111122223333:user/a","action":"iam:ListUsers","resource":"*"},
		"identityPolicies":["arn:aws:iam::aws:policy/ReadOnlyAccess"],"permissionsBoundary":"arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"}`))
	if err != nil {
		t.Fatal(err)
	}
	r, _ := Authorize(&c.Policies, &c.Request, Options{})
	if r.Decision != ImplicitDeny || len(r.BlockedBy) != 1 || r.BlockedBy[0].Layer != KindPermissionsBoundary {
		t.Errorf("got %s %v", r.Decision, r.BlockedBy)
	}
	if _, err := ParseCase([]byte(`{"id":"m","request":{"principal":"arn:aws:iam::111122223333:user/a","action":"iam:ListUsers","resource":"*"},"identityPolicies":["arn:aws:iam::aws:policy/Nope"]}`)); err == nil || !strings.Contains(err.Error(), "identityPolicies[0]") {
		t.Errorf("unknown ARN: %v", err)
	}
}

func TestManagedPolicySuggestsThePath(t *testing.T) {
	_, err := ManagedPolicy("arn:aws:iam::aws:policy/AWSLambdaBasicExecutionRole")
	if err == nil || !strings.Contains(err.Error(), "did you mean arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole") {
		t.Errorf("got %v", err)
	}
}
