package evaluator

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"
)

func unknownRole() *UnknownPrincipal {
	return &UnknownPrincipal{Kind: PrincipalRole, Account: "111122223333"}
}

// A check on a principal whose ARN is unknown fails when some ARN it could have breaks a rule,
// and the witness names that ARN.
func TestUnknownPrincipalChecks(t *testing.T) {
	allowAll := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`
	tests := []struct {
		name     string
		identity string
		scp      string
		bucket   string // resource policy of arn:aws:s3:::data*
		forbid   ForbidRule
		// want: "" passes, "violation" or "undecided"; named is the candidate of the violation.
		want      string
		named     string
		principal string // a concrete ARN that must agree with the outcome ("" to skip)
	}{
		{
			name:   "bucket policy naming a role grants it when the new role is that role",
			bucket: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/team/deployer"},"Action":"s3:DeleteBucket","Resource":"arn:aws:s3:::data"}]}`,
			forbid: ForbidRule{Actions: []string{"s3:DeleteBucket"}, Resources: []string{"arn:aws:s3:::data"}},
			want:   "violation", named: "role/deployer", principal: "arn:aws:iam::111122223333:role/deployer",
		},
		{
			name:     "SCP exempting admin-* roles lets such a role through",
			identity: allowAll,
			scp: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},` +
				`{"Effect":"Deny","Action":"iam:*","Resource":"*","Condition":{"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/admin-*"}}}]}`,
			forbid: ForbidRule{Actions: []string{"iam:CreateUser"}, Resources: []string{"*"}},
			want:   "violation", named: "role/admin-", principal: "arn:aws:iam::111122223333:role/admin-ops",
		},
		{
			name:     "SCP denying every role but one listed by name, an identity policy granting nothing forbidden",
			identity: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`,
			scp: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},` +
				`{"Effect":"Deny","Action":"iam:*","Resource":"*","Condition":{"StringNotEquals":{"aws:PrincipalArn":"arn:aws:iam::111122223333:role/break-glass"}}}]}`,
			forbid: ForbidRule{Actions: []string{"iam:CreateUser"}, Resources: []string{"*"}},
			want:   "", principal: "arn:aws:iam::111122223333:role/break-glass",
		},
		{
			name:     "a grant for every role of the account does not depend on the name",
			identity: allowAll,
			forbid:   ForbidRule{Actions: []string{"iam:CreateUser"}, Resources: []string{"*"}},
			want:     "violation", named: "",
		},
		{
			name:     "a condition comparing the principal's ARN with a tag variable makes it undecided",
			identity: allowAll,
			scp: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},` +
				`{"Effect":"Deny","Action":"iam:*","Resource":"*","Condition":{"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/${aws:PrincipalTag/admin-role}"}}}]}`,
			forbid: ForbidRule{Actions: []string{"iam:CreateUser"}, Resources: []string{"*"}},
			want:   "undecided",
		},
		{
			name:     "a policy variable of the principal's name makes it undecided",
			identity: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::home/${aws:username}/*"}]}`,
			forbid:   ForbidRule{Actions: []string{"s3:DeleteObject"}, Resources: []string{"arn:aws:s3:::home/admin/*"}},
			want:     "undecided",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &AccessCheck{UnknownPrincipal: unknownRole(), Forbid: []ForbidRule{tt.forbid}}
			if tt.identity != "" {
				c.Policies.Identity = []*Policy{checkPolicy(t, tt.identity)}
			}
			if tt.scp != "" {
				c.Policies.SCPs = [][]*Policy{{checkPolicy(t, tt.scp)}}
			}
			if tt.bucket != "" {
				c.ResourcePolicies = []ResourcePolicy{{Pattern: "arn:aws:s3:::data*", Policy: checkPolicy(t, tt.bucket)}}
			}
			report, err := c.Run(Options{}, 0)
			if err != nil {
				t.Fatal(err)
			}
			got := ""
			switch {
			case len(report.Violations) > 0:
				got = "violation"
				v := report.Violations[0]
				if tt.named != "" && (!v.Principal.Named || !strings.Contains(v.Principal.ARN, tt.named)) {
					t.Errorf("violation for %+v, want a named candidate containing %q", v.Principal, tt.named)
				}
				if tt.named == "" && v.Principal.Named {
					t.Errorf("violation for the named candidate %+v, want the unnamed one", v.Principal)
				}
			case len(report.Undecided) > 0:
				got = "undecided"
			}
			if got != tt.want {
				t.Fatalf("got %q (%+v), want %q", got, report, tt.want)
			}
			if tt.principal != "" {
				concrete := *c
				concrete.UnknownPrincipal, concrete.Principal = nil, tt.principal
				r2, err := concrete.Run(Options{}, 0)
				if err != nil {
					t.Fatal(err)
				}
				if (len(r2.Violations) > 0) != (tt.want == "violation") {
					t.Errorf("the concrete principal %s: %+v, disagrees with the unknown principal's %q", tt.principal, r2, tt.want)
				}
			}
		})
	}
}

// Soundness against brute force: whenever a check of an unknown principal passes, it passes
// for every concrete ARN of a pool made of the names, paths and patterns the policies use
// and fresh ones.
func TestUnknownPrincipalAgainstConcreteARNs(t *testing.T) {
	names := []string{"deployer", "admin-ops", "admin-prod-x", "Deployer", "ci", "x"}
	paths := []string{"/", "/team/", "/admin-/"}
	patterns := []string{
		`"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/admin-*"}`,
		`"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::111122223333:role/admin-prod-*"}`,
		`"StringEquals":{"aws:PrincipalArn":"arn:aws:iam::111122223333:role/deployer"}`,
		`"StringNotEqualsIgnoreCase":{"aws:PrincipalArn":"arn:aws:iam::111122223333:role/team/deployer"}`,
		`"StringLike":{"aws:PrincipalArn":"*/team/*"}`,
		`"ArnEquals":{"aws:PrincipalArn":["arn:aws:iam::111122223333:role/ci","arn:aws:iam::444455556666:role/x"]}`,
	}
	principals := []string{`"AWS":"arn:aws:iam::111122223333:role/deployer"`, `"AWS":"111122223333"`, `"AWS":"arn:aws:iam::111122223333:role/p/ci"`}
	rng := rand.New(rand.NewSource(7))
	pick := func(xs []string) string { return xs[rng.Intn(len(xs))] }
	effect := func() string {
		if rng.Intn(3) == 0 {
			return "Deny"
		}
		return "Allow"
	}
	failed := 0
	for seed := 0; seed < 150; seed++ {
		identity := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{%s}},`+
			`{"Effect":"%s","Action":"s3:DeleteBucket","Resource":"*","Condition":{%s}}]}`, pick(patterns), effect(), pick(patterns))
		bucket := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"%s","Principal":{%s},"Action":"s3:DeleteBucket","Resource":"*"}]}`,
			effect(), pick(principals))
		scp := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},`+
			`{"Effect":"Deny","Action":"s3:DeleteBucket","Resource":"*","Condition":{%s}}]}`, pick(patterns))
		c := &AccessCheck{UnknownPrincipal: unknownRole(),
			Policies:         PolicySet{Identity: []*Policy{checkPolicy(t, identity)}, SCPs: [][]*Policy{{checkPolicy(t, scp)}}},
			ResourcePolicies: []ResourcePolicy{{Pattern: "arn:aws:s3:::data", Policy: checkPolicy(t, bucket)}},
			Forbid:           []ForbidRule{{Actions: []string{"s3:DeleteBucket"}, Resources: []string{"arn:aws:s3:::data"}}},
		}
		report, err := c.Run(Options{}, 0)
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		if !report.Passed() {
			failed++
			if len(report.Violations) > 0 {
				// The violation's candidate must be a real counterexample.
				v := report.Violations[0]
				ps := c.Policies
				ps.Resource = ResourcePolicyFor(c.ResourcePolicies, v.Witness.Resource)
				w := v.Witness
				w.Principal = v.Principal.ARN
				if res, err := Authorize(&ps, &w, Options{}); err != nil || res.Decision != Allow {
					t.Errorf("seed %d: witness %+v for %s is not allowed: %v %v", seed, w, v.Principal.ARN, res.Decision, err)
				}
			}
			continue
		}
		for _, n := range names {
			for _, p := range paths {
				concrete := *c
				concrete.UnknownPrincipal, concrete.Principal = nil, "arn:aws:iam::111122223333:role"+p+n
				r2, err := concrete.Run(Options{}, 0)
				if err != nil {
					t.Fatal(err)
				}
				if !r2.Passed() {
					t.Errorf("seed %d: the unknown principal passes but %s does not:\nidentity %s\nbucket %s\nscp %s",
						seed, concrete.Principal, identity, bucket, scp)
				}
			}
		}
	}
	// Both outcomes must occur, or the comparison proves nothing.
	if failed == 0 || failed == 150 {
		t.Errorf("%d of 150 generated checks fail: the generator does not exercise both outcomes", failed)
	}
	t.Logf("%d of 150 generated checks fail", failed)
}

func TestUnknownPrincipalUser(t *testing.T) {
	c := &AccessCheck{UnknownPrincipal: &UnknownPrincipal{Kind: PrincipalUser, Account: "111122223333"},
		Policies: PolicySet{Identity: []*Policy{checkPolicy(t, `{"Version":"2012-10-17","Statement":[`+
			`{"Effect":"Allow","Action":"iam:*","Resource":"*","Condition":{"StringEquals":{"aws:username":"alice"}}}]}`)}},
		Forbid: []ForbidRule{{Actions: []string{"iam:CreateRole"}, Resources: []string{"*"}}},
	}
	report, err := c.Run(Options{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(report.Violations) != 1 || !strings.HasSuffix(report.Violations[0].Principal.ARN, "/alice") {
		t.Fatalf("want a violation by a user named alice, got %+v", report)
	}
	bad := &UnknownPrincipal{Kind: PrincipalRoleSession, Account: "111122223333"}
	if err := bad.Validate(); err == nil {
		t.Error("a role session with an unknown ARN was accepted")
	}
	if got := unknownRole().String(); got != "arn:aws:iam::111122223333:role/(known after apply)" {
		t.Errorf("String() = %q", got)
	}
}
