package evaluator

import (
	"strings"
	"testing"
)

func TestAnalyzeNewAccess(t *testing.T) {
	role := "arn:aws:iam::" + acct + ":role/app"
	mk := func(before, after string) *NewAccessQuestion {
		q := &NewAccessQuestion{Question: Question{Principal: role, Actions: []string{"s3:*"}, Resources: []string{"*"}}}
		q.Before.Identity = []*Policy{MustParsePolicy(before)}
		q.Policies.Identity = []*Policy{MustParsePolicy(after)}
		return q
	}
	ipPolicy := func(cidr string) string {
		return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"` + cidr + `"}}}]}`
	}
	t.Run("widened action", func(t *testing.T) {
		a := AnalyzeNewAccess(mk(allowAll("s3:GetObject"), allowAll("s3:*")))
		if a.Outcome != Allowed || strings.EqualFold(a.Witness.Action, "s3:GetObject") {
			t.Fatalf("got %s %+v", a.Outcome, a.Witness)
		}
	})
	t.Run("unchanged", func(t *testing.T) {
		if a := AnalyzeNewAccess(mk(allowAll("s3:*"), allowAll("s3:*"))); a.Outcome != Denied {
			t.Fatalf("got %s (%s)", a.Outcome, a.Reason)
		}
	})
	t.Run("narrowed", func(t *testing.T) {
		if a := AnalyzeNewAccess(mk(allowAll("s3:*"), allowAll("s3:Get*"))); a.Outcome != Denied {
			t.Fatalf("got %s", a.Outcome)
		}
	})
	t.Run("widened network", func(t *testing.T) {
		a := AnalyzeNewAccess(mk(ipPolicy("10.0.0.0/16"), ipPolicy("10.0.0.0/8")))
		if a.Outcome != Allowed {
			t.Fatalf("got %s (%s)", a.Outcome, a.Reason)
		}
		v, _ := a.Witness.Context.Lookup("aws:SourceIp")
		if len(v.Values) != 1 || !strings.HasPrefix(v.Values[0], "10.") || strings.HasPrefix(v.Values[0], "10.0.") {
			t.Errorf("witness ip %v", v.Values)
		}
	})
}

func TestAnalyzePublicAccess(t *testing.T) {
	bucket := "arn:aws:s3:::shared"
	mk := func(policy string, rcps ...string) *PublicAccessQuestion {
		q := &PublicAccessQuestion{Resources: []string{bucket, bucket + "/*"}, ResourceAccount: acct,
			ResourcePolicies: []ResourcePolicy{{Pattern: bucket + "*", Policy: MustParsePolicy(policy)}}}
		if len(rcps) > 0 {
			level := []*Policy{}
			for _, r := range rcps {
				level = append(level, MustParsePolicy(r))
			}
			q.RCPs = [][]*Policy{level}
		}
		return q
	}
	get := func(principal, cond string) string {
		c := ""
		if cond != "" {
			c = `,"Condition":` + cond
		}
		return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":` + principal + `,"Action":"s3:GetObject","Resource":"` + bucket + `/*"` + c + `}]}`
	}
	tests := []struct {
		name            string
		q               *PublicAccessQuestion
		anon, otherAcct Outcome
	}{
		{"public read", mk(get(`"*"`, "")), Allowed, Allowed},
		{"restricted to the organisation", mk(get(`"*"`, `{"StringEquals":{"aws:PrincipalOrgID":"o-mine"}}`)), Denied, Denied},
		{"named external account", mk(get(`{"AWS":"`+extAcct+`"}`, "")), Denied, Denied},
		{"every account, signed", mk(get(`{"AWS":"*"}`, `{"Bool":{"aws:SecureTransport":"true"}}`)), Allowed, Allowed},
		{"public from a network", mk(get(`"*"`, `{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`)), Allowed, Allowed},
		{"through the owner's VPC endpoint only", mk(get(`"*"`, `{"StringEquals":{"aws:SourceVpce":"vpce-1a2b"}}`)), Denied, Denied},
		{"public but RCP perimeter", mk(get(`"*"`, ""), `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"StringNotEqualsIfExists":{"aws:PrincipalOrgID":"o-mine"},"BoolIfExists":{"aws:PrincipalIsAWSService":"false"}}}]}`), Denied, Denied},
		{"service principal only", mk(get(`{"Service":"cloudtrail.amazonaws.com"}`, "")), Denied, Denied},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := AnalyzePublicAccess(tt.q)
			if a.Anonymous.Outcome != tt.anon || a.OtherAccount.Outcome != tt.otherAcct {
				t.Fatalf("anonymous %s (%s), other account %s (%s); want %s, %s", a.Anonymous.Outcome, a.Anonymous.Reason,
					a.OtherAccount.Outcome, a.OtherAccount.Reason, tt.anon, tt.otherAcct)
			}
			if want := tt.anon == Allowed || tt.otherAcct == Allowed; (a.Outcome() == Allowed) != want {
				t.Errorf("Outcome() = %s", a.Outcome())
			}
		})
	}
}
