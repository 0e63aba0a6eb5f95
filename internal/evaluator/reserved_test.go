package evaluator

import (
	"strings"
	"testing"
)

// The analysis never reports a request on a resource AWS reserves as a witness, and its
// Denied answers agree with Authorize over every action and resource of a small pool.
func TestAnalyzeReservedResources(t *testing.T) {
	admin := checkPolicy(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)
	const user = "arn:aws:iam::111122223333:user/admin"
	tests := []struct {
		actions, resources []string
		want               Outcome
	}{
		{[]string{"iam:AttachRolePolicy", "iam:PutRolePolicy", "iam:DeleteRole"}, []string{"arn:aws:iam::111122223333:role/aws-reserved/*"}, Denied},
		{[]string{"iam:Attach*", "iam:Put*Role*", "iam:UpdateAssumeRolePolicy"}, []string{"arn:aws:iam::111122223333:role/aws-service-role/*"}, Denied},
		{[]string{"kms:CreateAlias", "kms:DeleteAlias", "kms:UpdateAlias"}, []string{"arn:aws:kms:*:111122223333:alias/aws/*"}, Denied},
		{[]string{"iam:*"}, []string{"arn:aws:iam::111122223333:role/aws-reserved/*"}, Allowed},
		{[]string{"iam:AttachRolePolicy"}, []string{"arn:aws:iam::111122223333:role/*"}, Allowed},
		{[]string{"kms:CreateAlias"}, []string{"arn:aws:kms:*:111122223333:alias/*"}, Allowed},
	}
	for _, tt := range tests {
		q := &Question{Principal: user, Policies: PolicySet{Identity: []*Policy{admin}}, Actions: tt.actions, Resources: tt.resources}
		a := Analyze(q)
		if a.Outcome != tt.want {
			t.Errorf("%v on %v: %v (%s), want %v", tt.actions, tt.resources, a.Outcome, a.Reason, tt.want)
			continue
		}
		if a.Outcome == Allowed {
			caller, _ := ParseCaller(user)
			if r := reservedRefusal(&caller, a.Witness); r != "" {
				t.Errorf("%v on %v: witness %s on %s is refused by AWS: %s", tt.actions, tt.resources, a.Witness.Action, a.Witness.Resource, r)
			}
		}
	}

	// Brute force: every action of the pool on every resource of the pool is refused when the
	// analysis says Denied for the pair's own singleton question.
	actions := []string{"iam:AttachRolePolicy", "iam:GetRole", "iam:DeleteRole", "iam:UpdateRoleDescription", "iam:CreateRole", "iam:DeleteServiceLinkedRole"}
	resources := []string{"arn:aws:iam::111122223333:role/app", "arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_A_1",
		"arn:aws:iam::111122223333:role/aws-service-role/x.amazonaws.com/AWSServiceRoleForX"}
	for _, act := range actions {
		for _, res := range resources {
			q := &Question{Principal: user, Policies: PolicySet{Identity: []*Policy{admin}}, Actions: []string{act}, Resources: []string{res}}
			a := Analyze(q)
			got, err := Authorize(&q.Policies, &Request{Principal: user, Action: act, Resource: res}, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if (a.Outcome == Allowed) != (got.Decision == Allow) {
				t.Errorf("%s on %s: analysis %v, Authorize %s (%s)", act, res, a.Outcome, got.Decision, got.Reason())
			}
			if got.Decision != Allow && !strings.HasPrefix(got.Reason(), "AWS reserves") {
				t.Errorf("%s on %s: refused for another reason: %s", act, res, got.Reason())
			}
		}
	}
}
