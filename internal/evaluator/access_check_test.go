package evaluator

import (
	"regexp"
	"strings"
	"testing"

	"github.com/iamguard/terraform-provider-iam/internal/catalog"
)

const checkRole = "arn:aws:iam::111122223333:role/app"

func checkPolicy(t *testing.T, doc string) *Policy {
	t.Helper()
	p, err := ParsePolicy([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestResourcePolicyFor(t *testing.T) {
	objects := checkPolicy(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}]}`)
	bucket := checkPolicy(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*"}]}`)
	bucket.Name = "bucket policy"
	rps := []ResourcePolicy{{Pattern: "arn:aws:s3:::bkt/*", Policy: objects}, {Pattern: "arn:aws:s3:::bkt*", Policy: bucket}}
	tests := []struct {
		resource string
		want     string // policy name, "" for none
		stmts    int
	}{
		{"arn:aws:s3:::bkt/a/b.txt", "arn:aws:s3:::bkt/* + bucket policy", 2},
		{"arn:aws:s3:::bkt", "bucket policy", 1},
		{"arn:aws:s3:::other/x", "", 0},
		{"arn:aws:s3:::BKT/x", "", 0}, // resource ARNs match with case
	}
	for _, tt := range tests {
		p := ResourcePolicyFor(rps, tt.resource)
		switch {
		case tt.want == "" && p != nil:
			t.Errorf("%s: got policy %q, want none", tt.resource, p.Name)
		case tt.want != "" && (p == nil || p.Name != tt.want || len(p.Statements) != tt.stmts):
			t.Errorf("%s: got %+v, want %q with %d statements", tt.resource, p, tt.want, tt.stmts)
		}
	}
	if objects.Name != "" {
		t.Errorf("ResourcePolicyFor renamed the caller's policy to %q", objects.Name)
	}
}

// Every violation's witness is in the forbidden set, names a resource, and is allowed by
// Authorize with the resource policy its resource gets.
func TestAccessCheckWitnesses(t *testing.T) {
	c := &AccessCheck{
		Principal: checkRole,
		Policies: PolicySet{Identity: []*Policy{checkPolicy(t, `{"Version":"2012-10-17","Statement":[`+
			`{"Sid":"All","Effect":"Allow","Action":"*","Resource":"*"},`+
			`{"Effect":"Deny","Action":"s3:DeleteBucket","Resource":"arn:aws:s3:::prod-keep"}]}`)}},
		Forbid: []ForbidRule{
			{Actions: []string{"iam:*"}, Resources: []string{"*"}},
			{Actions: []string{"s3:DeleteBucket"}, Resources: []string{"arn:aws:s3:::prod-*"}},
			{Actions: []string{"ec2:RunInstances", "ec2:TerminateInstances"}, Resources: []string{"*"}},
		},
	}
	report, err := c.Run(Options{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(report.Violations) != 3 || report.Passed() {
		t.Fatalf("want 3 violations, got %+v", report)
	}
	for _, v := range report.Violations {
		w := v.Witness
		f := c.Forbid[v.Forbid]
		if w.Resource == "" {
			t.Errorf("forbid[%d]: witness without a resource", v.Forbid)
		}
		if w.Resource == "arn:aws:s3:::prod-keep" {
			t.Errorf("forbid[%d]: the witness is the denied bucket", v.Forbid)
		}
		inActions, inResources := false, false
		for _, p := range f.Actions {
			m := compileAction(p)
			inActions = inActions || m.match(strings.ToLower(w.Action))
		}
		for _, p := range f.Resources {
			inResources = inResources || compileResourceGlob(p).match(w.Resource)
		}
		if !inActions || !inResources {
			t.Errorf("forbid[%d]: witness %s on %s is outside the forbidden set", v.Forbid, w.Action, w.Resource)
		}
		res, err := Authorize(&c.Policies, &w, Options{})
		if err != nil || res.Decision != Allow {
			t.Errorf("forbid[%d]: witness %+v is not allowed: %v %v", v.Forbid, w, res, err)
		}
		if len(v.Statements) == 0 || v.Statements[0].Sid != "All" {
			t.Errorf("forbid[%d]: statements %+v", v.Forbid, v.Statements)
		}
	}
}

// A require gets the check's principal, resource account and context unless it gives its own.
func TestRequireRequestDefaults(t *testing.T) {
	c, err := ParseAccessCheck([]byte(`{"request":{"principal":"` + checkRole + `","resourceAccount":"444455556666",` +
		`"context":{"aws:PrincipalTag/team":"data","aws:SourceIp":"10.0.0.1"}},` +
		`"require":[{"action":"s3:GetObject","resource":"*"},` +
		`{"principal":"arn:aws:iam::111122223333:user/bob","action":"s3:GetObject","resource":"*","resourceAccount":"777788889999","context":{"aws:SourceIp":"10.0.0.2"}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	first, second := c.RequireRequest(0), c.RequireRequest(1)
	if first.Principal != checkRole || first.ResourceAccount != "444455556666" || first.Context.Len() != 2 {
		t.Errorf("require[0] = %+v", first)
	}
	ip, _ := second.Context.Lookup("aws:SourceIp")
	tag, _ := second.Context.Lookup("aws:PrincipalTag/team")
	if second.Principal != "arn:aws:iam::111122223333:user/bob" || second.ResourceAccount != "777788889999" ||
		ip.Values[0] != "10.0.0.2" || tag.Values[0] != "data" {
		t.Errorf("require[1] = %+v", second)
	}
	if _, ok := c.Context.Lookup("aws:SourceIp"); !ok || c.Context.Len() != 2 {
		t.Error("RequireRequest changed the check's context")
	}
}

func TestParseAccessCheckErrors(t *testing.T) {
	tests := []struct{ line, want string }{
		{`{"request":{"principal":"` + checkRole + `"},"forbid":[{"actions":[""],"resources":["*"]}]}`, "forbid[0].actions[0]: empty"},
		{`{"request":{"principal":"` + checkRole + `"},"require":[{"resource":"*"}]}`, "require[0].action: missing"},
		{`{"request":{"principal":"` + checkRole + `"},"require":[{"action":"s3:GetObject"}]}`, "require[0].resource: missing"},
		{`{"request":{"principal":"` + checkRole + `"},"require":[{"principal":"","action":"s3:GetObject","resource":"*"}]}`, "require[0].principal: empty"},
		{`{"request":{"principal":"` + checkRole + `"},"resourcePolicies":{"arn:aws:s3:::b":null},"forbid":[{"actions":["s3:*"],"resources":["*"]}]}`, `resourcePolicies["arn:aws:s3:::b"]: null`},
		{`{"request":{"principal":"` + checkRole + `"},"forbid":[{"actions":["s3:*"],"resources":["*"],"context":{"k":{}}}]}`, `forbid[0].context["k"]`},
		{`{"request":{"principal":"` + checkRole + `"},"forbid":[{"actions":"s3:*","resources":["*"]}]}`, "forbid[0].actions: expected an array"},
		{`{"request":{"principal":"` + checkRole + `"},"forbid":[]} {}`, "one check per line"},
	}
	for _, tt := range tests {
		_, err := ParseAccessCheck([]byte(tt.line))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: got %v, want an error containing %q", tt.line, err, tt.want)
		}
	}
}

func TestAccessCheckMalformedPrincipal(t *testing.T) {
	c := &AccessCheck{Principal: "arn:aws:iam::12:role/x", Forbid: []ForbidRule{{Actions: []string{"*"}, Resources: []string{"*"}}}}
	if _, err := c.Run(Options{}, 0); err == nil || !strings.HasPrefix(err.Error(), "principal:") {
		t.Errorf("got %v, want a principal error", err)
	}
}

// The example of iam_access_check (examples/resources/iam_access_check): PowerUserAccess and
// an inline policy under a boundary and two SCP levels, two forbids and two requires.
func BenchmarkAccessCheckExample(b *testing.B) {
	mp, ok := catalog.ManagedPolicyByARN("arn:aws:iam::aws:policy/PowerUserAccess")
	if !ok {
		b.Fatal("PowerUserAccess is not in the catalogue")
	}
	parse := func(doc string) *Policy {
		p, err := ParsePolicy([]byte(doc))
		if err != nil {
			b.Fatal(err)
		}
		return p
	}
	full := `{"Version":"2012-10-17","Statement":[{"Sid":"FullAWSAccess","Effect":"Allow","Action":"*","Resource":"*"}]}`
	c := &AccessCheck{
		Principal: "arn:aws:iam::111122223333:role/app-deployer",
		Policies: PolicySet{
			Identity: []*Policy{parse(mp.Document), parse(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:PutObject","s3:GetObject"],"Resource":"arn:aws:s3:::prod-app-artifacts/*"}]}`)},
			Boundary: parse(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":["iam:*","organizations:*","account:*"],"Resource":"*"}]}`),
			SCPs: [][]*Policy{{parse(full)}, {parse(full), parse(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":["s3:DeleteBucket","s3:DeleteBucketPolicy","s3:PutBucketPolicy"],` +
				`"Resource":"arn:aws:s3:::prod-*","Condition":{"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/break-glass"}}}]}`)}},
		},
		Forbid: []ForbidRule{
			{Actions: []string{"iam:*"}, Resources: []string{"*"}},
			{Actions: []string{"s3:DeleteBucket"}, Resources: []string{"arn:aws:s3:::prod-*"}},
		},
		Require: []Request{
			{Action: "s3:PutObject", Resource: "arn:aws:s3:::prod-app-artifacts/builds/api-1.4.2.zip"},
			{Action: "lambda:UpdateFunctionCode", Resource: "arn:aws:lambda:eu-west-1:111122223333:function:app-api"},
		},
	}
	c.Context.Set("aws:PrincipalTag/team", "app")
	for b.Loop() {
		report, err := c.Run(Options{}, 0)
		if err != nil || !report.Passed() {
			b.Fatalf("%v %+v", err, report)
		}
	}
}

// The grant comes first, the boundary's and the guard rails' allows after it, summarised.
func TestDescribeGrants(t *testing.T) {
	refs := []StatementRef{
		{Kind: KindSCP, Policy: "scps[0][0]", Level: 0, Index: 0, Sid: "FullAWSAccess", Effect: "Allow"},
		{Kind: KindPermissionsBoundary, Policy: "permissions_boundary", Level: -1, Index: 1, Effect: "Allow"},
		{Kind: KindIdentity, Policy: "identity_policies[0]", Level: -1, Index: 2, Sid: "AllowAll", Effect: "Allow"},
	}
	got := DescribeGrants(GrantsFirst(refs))
	want := regexp.MustCompile(`^identity_policies\[0\] statement 2 \("AllowAll"\); let through by permissions_boundary statement 1; ` +
		`not stopped by the organisation's guard rails \(scps\[0\]\[0\] statement 0 \("FullAWSAccess"\)\)$`)
	if !want.MatchString(got) {
		t.Errorf("DescribeGrants = %q", got)
	}
	if got := DescribeGrants(nil); !strings.Contains(got, "no statement") {
		t.Errorf("DescribeGrants(nil) = %q", got)
	}
}

// MatchText is a plain glob with case: * any run, ? one character, nothing else special, and
// it stays fast on patterns with many stars.
func TestMatchText(t *testing.T) {
	tests := []struct {
		pattern, s string
		want       bool
	}{
		{"module.deploy.aws_iam_role_policy.*", "module.deploy.aws_iam_role_policy.app", true},
		{"module.deploy.*", "module.other.x", false},
		{"aws_iam_role.?", "aws_iam_role.a", true},
		{"aws_iam_role.?", "aws_iam_role.ab", false},
		{"AWS_*", "aws_x", false},
		{"a[0]", "a[0]", true},
		{strings.Repeat("*a", 30) + "b", strings.Repeat("a", 60), false},
	}
	for _, tt := range tests {
		if got := MatchText(tt.pattern, tt.s); got != tt.want {
			t.Errorf("MatchText(%q, %q) = %v", tt.pattern, tt.s, got)
		}
	}
}
