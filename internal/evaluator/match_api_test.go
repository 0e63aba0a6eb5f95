package evaluator

import "testing"

func TestMatchAPI(t *testing.T) {
	for _, tc := range []struct {
		pattern, action string
		want            bool
	}{{"iam:*AccessKey*", "IAM:CreateAccessKey", true}, {"s3:Get*", "s3:PutObject", false}, {" s3:GetObject", "s3:GetObject", false}} {
		if got := MatchAction(tc.pattern, tc.action); got != tc.want {
			t.Errorf("MatchAction(%q, %q) = %v", tc.pattern, tc.action, got)
		}
	}
	for _, tc := range []struct {
		pattern, arn string
		want         bool
	}{
		{"arn:aws:iam::*:role/app-*", "arn:aws:iam::111122223333:role/app-1", true},
		{"arn:aws:s3:::bkt/*", "arn:aws:s3:::Bkt/x", false},
		{"arn:aws:ec2:us-*-1:instance/*", "arn:aws:ec2:us-east:x-1:instance/i", false},
	} {
		if got := MatchResource(tc.pattern, tc.arn); got != tc.want {
			t.Errorf("MatchResource(%q, %q) = %v", tc.pattern, tc.arn, got)
		}
	}
	p := MustParsePolicy(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":"iam:*","Resource":"*"},{"Effect":"Allow","Action":"sts:Assume*","Resource":"*"}]}`)
	if p.Statements[0].CoversAction("IAM:PassRole") || !p.Statements[0].CoversAction("s3:GetObject") || !p.Statements[1].CoversAction("sts:AssumeRole") {
		t.Error("CoversAction")
	}
}

func TestAdmitsUnnamedCallers(t *testing.T) {
	p := MustParsePolicy(`{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"},
		{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:GetObject","Resource":"*"},
		{"Effect":"Allow","Principal":{"Service":"*"},"Action":"s3:GetObject","Resource":"*"},
		{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"s3:*","Resource":"*"},
		{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::*:role/x"},"Action":"s3:GetObject","Resource":"*"},
		{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"s3:GetObject","Resource":"*"},
		{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`)
	want := []bool{true, true, true, true, false, false, false}
	for i, s := range p.Statements {
		if got := s.AdmitsUnnamedCallers(); got != want[i] {
			t.Errorf("statement %d: %v, want %v", i, got, want[i])
		}
	}
}
