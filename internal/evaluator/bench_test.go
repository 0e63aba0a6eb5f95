package evaluator

import (
	"testing"

	"github.com/iamguard/terraform-provider-iam/internal/catalog"
)

// typicalPolicySet is a few policies with conditions: two identity policies, a boundary, an
// SCP path of three levels and a bucket policy.
func typicalPolicySet(tb testing.TB) *PolicySet {
	tb.Helper()
	return &PolicySet{
		Identity: []*Policy{
			MustParsePolicy(`{"Version":"2012-10-17","Statement":[
				{"Sid":"ReadData","Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::data-*","arn:aws:s3:::data-*/*"],
				 "Condition":{"StringEquals":{"aws:PrincipalTag/team":"analytics"},"IpAddress":{"aws:SourceIp":["10.0.0.0/8","192.168.0.0/16"]}}},
				{"Sid":"WriteOwn","Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::data-*/${aws:PrincipalTag/team}/*"}]}`),
			MustParsePolicy(`{"Version":"2012-10-17","Statement":[
				{"Sid":"NoDeleteWithoutMFA","Effect":"Deny","Action":"s3:Delete*","Resource":"*","Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}}]}`),
		},
		Boundary: MustParsePolicy(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:*","kms:Decrypt"],"Resource":"*"}]}`),
		SCPs: [][]*Policy{
			{MustParsePolicy(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)},
			{MustParsePolicy(`{"Version":"2012-10-17","Statement":[{"Sid":"RegionLock","Effect":"Deny","NotAction":["iam:*","sts:*","s3:*"],"Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":["eu-west-1","eu-central-1"]}}},{"Effect":"Allow","Action":"*","Resource":"*"}]}`)},
			{MustParsePolicy(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)},
		},
		Resource: MustParsePolicy(`{"Version":"2012-10-17","Statement":[
			{"Sid":"DenyInsecure","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::data-lake","arn:aws:s3:::data-lake/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}},
			{"Sid":"OrgRead","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::data-lake/*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abc123"}}}]}`),
	}
}

func typicalRequest() *Request {
	req := &Request{Principal: "arn:aws:sts::111122223333:assumed-role/analyst/alice", Action: "s3:GetObject", Resource: "arn:aws:s3:::data-lake/2026/11/part-0001.parquet"}
	req.Context.Set("aws:PrincipalTag/team", "analytics")
	req.Context.Set("aws:SourceIp", "10.1.2.3")
	req.Context.Set("aws:SecureTransport", "true")
	req.Context.Set("aws:RequestedRegion", "eu-west-1")
	req.Context.Set("aws:MultiFactorAuthPresent", "true")
	return req
}

// BenchmarkAuthorizeTypical is the "typical case": a few policies with conditions (an
// identity policy with String and IpAddress conditions and a policy variable, a second identity
// policy with a BoolIfExists Deny, and a bucket policy with a Bool Deny and a conditioned
// grant), for a role session with five context keys. Target: 1,000,000 per second on one core,
// i.e. at most 1,000 ns/op.
func BenchmarkAuthorizeTypical(b *testing.B) {
	full := typicalPolicySet(b)
	ps := &PolicySet{Identity: full.Identity, Resource: full.Resource}
	benchmarkAuthorize(b, ps, typicalRequest())
}

// BenchmarkAuthorizeWithOrganisation adds to the typical case a permissions boundary and SCPs on
// three levels of the organisation (one with a region lock): eight policies in all.
func BenchmarkAuthorizeWithOrganisation(b *testing.B) {
	benchmarkAuthorize(b, typicalPolicySet(b), typicalRequest())
}

func benchmarkAuthorize(b *testing.B, ps *PolicySet, req *Request) {
	if r, err := Authorize(ps, req, Options{}); err != nil || r.Decision != Allow {
		b.Fatalf("setup: %v %v %s", r.Decision, err, r.Reason())
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Authorize(ps, req, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func managedPolicy(tb testing.TB, arn string) *Policy {
	tb.Helper()
	mp, ok := catalog.ManagedPolicyByARN(arn)
	if !ok {
		tb.Fatalf("managed policy %s not in the catalogue", arn)
	}
	p, err := ParsePolicy([]byte(mp.Document))
	if err != nil {
		tb.Fatalf("%s: %v", arn, err)
	}
	p.Name = arn
	recordPolicySource(p, []byte(mp.Document))
	return p
}

// BenchmarkAuthorizeReadOnlyAccess: requests against AWS's ReadOnlyAccess (target: 100,000 per
// second, at most 10,000 ns/op). The denied request scans every pattern of the policy.
func BenchmarkAuthorizeReadOnlyAccess(b *testing.B) {
	ps := &PolicySet{Identity: []*Policy{managedPolicy(b, "arn:aws:iam::aws:policy/ReadOnlyAccess")}}
	for _, tc := range []struct {
		name, action string
		want         Decision
	}{{"allowed", "s3:GetObject", Allow}, {"denied", "iam:CreateUser", ImplicitDeny}} {
		req := &Request{Principal: "arn:aws:iam::111122223333:user/auditor", Action: tc.action, Resource: "arn:aws:s3:::bucket/key"}
		if r, _ := Authorize(ps, req, Options{}); r.Decision != tc.want {
			b.Fatalf("%s: %s", tc.action, r.Decision)
		}
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if _, err := Authorize(ps, req, Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// Analysis benchmarks: realistic scenarios (targets: under 5 ms typical, under 250 ms with the
// largest managed policies).
func BenchmarkAnalyze(b *testing.B) {
	regionSCP := MustParsePolicy(`{"Version":"2012-10-17","Statement":[{"Sid":"RegionLock","Effect":"Deny","NotAction":["iam:*","sts:*","organizations:*","support:*"],"Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":["eu-west-1","eu-central-1"]}}}]}`)
	fullAccess := MustParsePolicy(allowAll("*"))
	boundary := MustParsePolicy(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:*","dynamodb:*","logs:*","kms:Decrypt"],"Resource":"*"},{"Effect":"Deny","Action":"s3:DeleteBucket","Resource":"arn:aws:s3:::prod-*"}]}`)
	bucketPolicy := MustParsePolicy(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::prod-data","arn:aws:s3:::prod-data/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}},{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/app"},"Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::prod-data/*"}]}`)
	role := "arn:aws:iam::111122223333:role/app"
	scenarios := []struct {
		name      string
		identity  []string
		boundary  *Policy
		scps      bool
		actions   []string
		resources []string
		want      Outcome
	}{
		{"typical-boundary-scp-bucket", []string{"arn:aws:iam::aws:policy/PowerUserAccess"}, boundary, true, []string{"iam:*", "s3:DeleteBucket"}, []string{"arn:aws:s3:::prod-*"}, Denied},
		{"ReadOnlyAccess-no-writes", []string{"arn:aws:iam::aws:policy/ReadOnlyAccess"}, nil, false, []string{"iam:Create*", "iam:Put*", "iam:Attach*", "s3:Delete*"}, []string{"*"}, Denied},
		{"ReadOnlyAccess-reads-anything", []string{"arn:aws:iam::aws:policy/ReadOnlyAccess"}, nil, false, []string{"*"}, []string{"*"}, Allowed},
		{"PowerUserAccess-iam", []string{"arn:aws:iam::aws:policy/PowerUserAccess"}, nil, true, []string{"iam:*"}, []string{"*"}, Allowed},
		{"AdministratorAccess-everything", []string{"arn:aws:iam::aws:policy/AdministratorAccess"}, nil, true, []string{"*"}, []string{"*"}, Allowed},
		{"AdministratorAccess-boundary", []string{"arn:aws:iam::aws:policy/AdministratorAccess"}, boundary, true, []string{"iam:*", "ec2:*"}, []string{"*"}, Denied},
	}
	for _, sc := range scenarios {
		q := &Question{Principal: role, Actions: sc.actions, Resources: sc.resources,
			ResourcePolicies: []ResourcePolicy{{Pattern: "arn:aws:s3:::prod-data*", Policy: bucketPolicy}}}
		for _, arn := range sc.identity {
			q.Policies.Identity = append(q.Policies.Identity, managedPolicy(b, arn))
		}
		q.Policies.Boundary = sc.boundary
		if sc.scps {
			q.Policies.SCPs = [][]*Policy{{fullAccess}, {fullAccess, regionSCP}}
		}
		if a := Analyze(q); a.Outcome != sc.want {
			b.Fatalf("%s: %s, want %s (%s)", sc.name, a.Outcome, sc.want, a.Reason)
		}
		b.Run(sc.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				Analyze(q)
			}
		})
	}
}
