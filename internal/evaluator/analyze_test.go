package evaluator

import (
	"strings"
	"testing"
)

func question(principal string, identity []string, actions, resources []string) *Question {
	q := &Question{Principal: principal, Actions: actions, Resources: resources}
	for _, d := range identity {
		q.Policies.Identity = append(q.Policies.Identity, MustParsePolicy(d))
	}
	return q
}

func TestAnalyzeScenarios(t *testing.T) {
	role := "arn:aws:iam::" + acct + ":role/app"
	admin := allowAll("*")
	tests := []struct {
		name    string
		q       *Question
		setup   func(q *Question)
		want    Outcome
		check   func(t *testing.T, a Answer)
		actions []string
	}{
		{name: "admin can reach iam", q: question(role, []string{admin}, []string{"iam:*"}, []string{"*"}), want: Allowed,
			check: func(t *testing.T, a Answer) {
				if !strings.HasPrefix(strings.ToLower(a.Witness.Action), "iam:") {
					t.Errorf("witness action %q", a.Witness.Action)
				}
			}},
		{name: "SCP denies iam", q: question(role, []string{admin}, []string{"iam:*"}, []string{"*"}),
			setup: func(q *Question) {
				q.Policies.SCPs = [][]*Policy{{MustParsePolicy(allowAll("*"))}, {MustParsePolicy(denyAll("iam:*"))}}
			}, want: Denied},
		{name: "boundary without iam", q: question(role, []string{admin}, []string{"iam:*"}, []string{"*"}),
			setup: func(q *Question) { q.Policies.Boundary = MustParsePolicy(allowAll("s3:*")) }, want: Denied},
		{name: "deny on prod buckets", q: question(role, []string{allowAll("s3:*"),
			`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:DeleteBucket","Resource":"arn:aws:s3:::prod-*"}]}`},
			[]string{"s3:DeleteBucket"}, []string{"arn:aws:s3:::prod-*"}), want: Denied},
		{name: "deny on prod buckets misses one", q: question(role, []string{allowAll("s3:*"),
			`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:DeleteBucket","Resource":"arn:aws:s3:::prod-data"}]}`},
			[]string{"s3:DeleteBucket"}, []string{"arn:aws:s3:::prod-*"}), want: Allowed,
			check: func(t *testing.T, a Answer) {
				if a.Witness.Resource == "arn:aws:s3:::prod-data" || !strings.HasPrefix(a.Witness.Resource, "arn:aws:s3:::prod-") {
					t.Errorf("witness resource %q", a.Witness.Resource)
				}
			}},
		{name: "allow only from network", q: question(role, []string{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}]}`},
			[]string{"s3:GetObject"}, []string{"arn:aws:s3:::b/*"}), want: Allowed,
			check: func(t *testing.T, a Answer) {
				v, ok := a.Witness.Context.Lookup("aws:SourceIp")
				if !ok || !strings.HasPrefix(v.Values[0], "10.") {
					t.Errorf("witness context %v", a.Witness.Context.Keys())
				}
			}},
		{name: "contradicting conditions", q: question(role, []string{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"NumericLessThan":{"s3:max-keys":"5"},"NumericGreaterThan":{"s3:max-keys":"10"}}}]}`},
			[]string{"s3:GetObject"}, []string{"*"}), want: Denied},
		{name: "deny unless MFA, via BoolIfExists", q: question(role, []string{admin,
			`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iam:*","Resource":"*","Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}}]}`},
			[]string{"iam:DeleteUser"}, []string{"*"}), want: Allowed,
			check: func(t *testing.T, a Answer) {
				v, ok := a.Witness.Context.Lookup("aws:MultiFactorAuthPresent")
				if !ok || !strings.EqualFold(v.Values[0], "true") {
					t.Errorf("witness must carry MFA=true, got %v", v)
				}
			}},
		{name: "principal tags are free unless given", q: question(role, []string{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"data"}}}]}`},
			[]string{"s3:GetObject"}, []string{"*"}), want: Allowed,
			check: func(t *testing.T, a Answer) {
				v, ok := a.Witness.Context.Lookup("aws:PrincipalTag/team")
				if !ok || v.Values[0] != "data" {
					t.Errorf("witness must carry aws:PrincipalTag/team=data, got %v", v)
				}
			}},
		{name: "all principal tags given: the others are absent", q: question(role, []string{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"data"}}}]}`},
			[]string{"s3:GetObject"}, []string{"*"}), setup: func(q *Question) { q.PrincipalTags = map[string]string{"cost-center": "42"} }, want: Denied},
		{name: "all principal tags given: a tag among them decides", q: question(role, []string{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"data"}}}]}`},
			[]string{"s3:GetObject"}, []string{"*"}), setup: func(q *Question) { q.PrincipalTags = map[string]string{"team": "data"} }, want: Allowed},
		{name: "resource policy grants cross-account", q: question("arn:aws:iam::"+extAcct+":role/ext", []string{admin}, []string{"s3:GetObject"}, []string{"arn:aws:s3:::shared/*"}),
			setup: func(q *Question) {
				q.ResourceAccount = acct
				q.ResourcePolicies = []ResourcePolicy{{Pattern: "arn:aws:s3:::shared/*", Policy: MustParsePolicy(resourcePolicy("Allow", `{"AWS":"`+extAcct+`"}`, "s3:GetObject"))}}
			}, want: Allowed},
		{name: "cross-account without resource policy", q: question("arn:aws:iam::"+extAcct+":role/ext", []string{admin}, []string{"s3:GetObject"}, []string{"arn:aws:s3:::shared/*"}),
			setup: func(q *Question) { q.ResourceAccount = acct }, want: Denied},
		{name: "variable of a free key is undecided", q: question(role, []string{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:RequestTag/x}"}]}`},
			[]string{"s3:GetObject"}, []string{"*"}), want: Undecided},
		{name: "username variable of the principal", q: question("arn:aws:iam::"+acct+":user/alice", []string{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::home/${aws:username}/*"}]}`},
			[]string{"s3:GetObject"}, []string{"arn:aws:s3:::home/bob/*"}), want: Denied},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.setup != nil {
				tt.setup(tt.q)
			}
			a := Analyze(tt.q)
			if a.Outcome != tt.want {
				t.Fatalf("outcome %s, want %s (%s)", a.Outcome, tt.want, a.Reason)
			}
			if a.Outcome == Allowed {
				r, err := Authorize(&PolicySet{}, a.Witness, Options{})
				_ = r
				if err != nil {
					t.Fatal(err)
				}
				if a.Result.Decision != Allow || len(a.Result.Allows) == 0 {
					t.Errorf("witness result %+v", a.Result)
				}
			}
			if tt.check != nil {
				tt.check(t, a)
			}
		})
	}
}

func TestAnalyzeWitnessResourceIsNeverEmpty(t *testing.T) {
	for _, action := range []string{"iam:AcceptDelegationRequest", "iam:*", "sts:GetCallerIdentity", "*"} {
		q := question("arn:aws:iam::"+acct+":role/app", []string{allowAll("*")}, []string{action}, []string{"*"})
		a := Analyze(q)
		if a.Outcome != Allowed {
			t.Fatalf("%s: %s", action, a.Outcome)
		}
		if a.Witness.Resource == "" {
			t.Errorf("%s: witness %s on an empty resource", action, a.Witness.Action)
		}
	}
}

// TestAnalyzeScopesStatements: statements about other actions do not take part (ViewOnlyAccess
// has hundreds of resource and condition patterns unrelated to a question about IAM writes).
func TestAnalyzeScopesStatements(t *testing.T) {
	for _, arn := range []string{"arn:aws:iam::aws:policy/job-function/ViewOnlyAccess", "arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::aws:policy/PowerUserAccess"} {
		p, err := ManagedPolicy(arn)
		if err != nil {
			t.Fatal(err)
		}
		q := &Question{Principal: "arn:aws:iam::" + acct + ":role/app", Actions: []string{"iam:CreateUser", "iam:PutRolePolicy"}, Resources: []string{"*"}}
		q.Policies.Identity = []*Policy{p}
		if a := Analyze(q); a.Outcome != Denied {
			t.Errorf("%s: %s (%s)", arn, a.Outcome, a.Reason)
		}
	}
}

// TestAnalyzeManyTagKeys: a tag-governance SCP with a dozen allowed tag keys (13 classes of
// values of the multi-valued aws:TagKeys) is decided, not left undecided.
func TestAnalyzeManyTagKeys(t *testing.T) {
	keys := `["team","env","owner","cost-center","project","app","tier","data-class","backup","compliance","region","service"]`
	scp := MustParsePolicy(`{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"*","Resource":"*"},
		{"Sid":"OnlyKnownTagKeys","Effect":"Deny","Action":"ec2:CreateTags","Resource":"*","Condition":{"ForAnyValue:StringNotEquals":{"aws:TagKeys":` + keys + `}}},
		{"Sid":"TagsRequired","Effect":"Deny","Action":"ec2:CreateTags","Resource":"*","Condition":{"Null":{"aws:TagKeys":"true"}}}]}`)
	q := question("arn:aws:iam::"+acct+":role/app", []string{allowAll("ec2:*")}, []string{"ec2:CreateTags"}, []string{"*"})
	q.Policies.SCPs = [][]*Policy{{scp}}
	a := Analyze(q)
	if a.Outcome != Allowed {
		t.Fatalf("outcome %s (%s)", a.Outcome, a.Reason)
	}
	v, ok := a.Witness.Context.Lookup("aws:TagKeys")
	if !ok || len(v.Values) == 0 || !strings.Contains(keys, `"`+v.Values[0]+`"`) {
		t.Errorf("witness tag keys %v (present %v)", v.Values, ok)
	}
	// With one more rule that every request must also carry a key outside the list, nothing
	// gets through: the two conditions cannot hold together.
	q.Policies.SCPs[0] = append(q.Policies.SCPs[0], MustParsePolicy(`{"Version":"2012-10-17","Statement":[
		{"Effect":"Deny","Action":"ec2:CreateTags","Resource":"*","Condition":{"ForAllValues:StringEquals":{"aws:TagKeys":`+keys+`}}}]}`))
	if a := Analyze(q); a.Outcome != Denied {
		t.Fatalf("with the contradicting rule: %s (%s) %+v", a.Outcome, a.Reason, a.Witness)
	}
}
