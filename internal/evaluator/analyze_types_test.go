package evaluator

import (
	"regexp"
	"strings"
	"testing"
)

// wellFormedARN: six segments, a region that looks like one where present, a 12-digit account
// where present.
var wellFormedARN = regexp.MustCompile(`^arn:aws:[a-z0-9-]+:([a-z]{2}(-gov)?-[a-z]+-[0-9])?:([0-9]{12}|aws)?:.+$`)

func TestAnalyzeWitnessesAreRealRequests(t *testing.T) {
	admin := MustParsePolicy(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)
	regionLimited := MustParsePolicy(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":["arn:aws:dynamodb:eu-*","arn:aws:s3:::prod-*"]}]}`)
	cases := []struct {
		name      string
		identity  *Policy
		actions   []string
		resources []string
		check     func(t *testing.T, w *Request)
	}{
		{"bucket action on any resource gets a bucket", admin, []string{"s3:PutBucketPolicy"}, []string{"*"}, func(t *testing.T, w *Request) {
			if strings.Contains(strings.TrimPrefix(w.Resource, "arn:aws:s3:::"), "/") {
				t.Errorf("s3:PutBucketPolicy on %s: not a bucket", w.Resource)
			}
		}},
		{"region segment of a pattern is filled with a real region", regionLimited, []string{"dynamodb:GetItem"}, []string{"*"}, func(t *testing.T, w *Request) {
			if !strings.HasPrefix(w.Resource, "arn:aws:dynamodb:eu-west-1:111122223333:table/") {
				t.Errorf("witness %s", w.Resource)
			}
		}},
		{"iam actions", admin, []string{"iam:*"}, []string{"*"}, nil},
		{"every action", admin, []string{"*"}, []string{"*"}, nil},
		{"lambda", admin, []string{"lambda:InvokeFunction"}, []string{"*"}, nil},
		{"objects of prod buckets", regionLimited, []string{"s3:*"}, []string{"arn:aws:s3:::prod-*"}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			q := &Question{Principal: "arn:aws:iam::111122223333:role/app", Actions: c.actions, Resources: c.resources}
			q.Policies.Identity = []*Policy{c.identity}
			a := Analyze(q)
			if a.Outcome != Allowed {
				t.Fatalf("outcome %s (%s)", a.Outcome, a.Reason)
			}
			w := a.Witness
			if !realRequest(w.Action, w.Resource) {
				t.Errorf("%s on %s is not a request AWS can receive", w.Action, w.Resource)
			}
			if w.Resource != "*" && !wellFormedARN.MatchString(w.Resource) {
				t.Errorf("%s: malformed ARN %s", w.Action, w.Resource)
			}
			if c.check != nil {
				c.check(t, w)
			}
		})
	}
}

func TestAnalyzeKMSKeyWithoutGrantingKeyPolicyIsDenied(t *testing.T) {
	// A key always has its key policy; with none given that grants, no caller decrypts, whatever
	// its identity policy (the star of a region segment must not make a key ARN without account).
	q := &Question{Principal: "arn:aws:iam::111122223333:role/app", Actions: []string{"kms:Decrypt"}, Resources: []string{"*"}}
	q.Policies.Identity = []*Policy{MustParsePolicy(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:*","Resource":"*"}]}`)}
	if a := Analyze(q); a.Outcome != Denied {
		t.Fatalf("outcome %s, witness %+v", a.Outcome, a.Witness)
	}
}

func TestAnalyzeSetWithoutRealRequests(t *testing.T) {
	admin := MustParsePolicy(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)
	for _, c := range []struct{ actions, resources []string }{
		{[]string{"s3:DeleteJobTagging"}, []string{"arn:aws:s3:::prod-*"}}, // a job action on buckets
		{[]string{"s3:ListAllMyBuckets"}, []string{"arn:aws:s3:::*"}},      // an action without resource on ARNs
		{[]string{"iam:CreateRole"}, []string{"arn:aws:iam:us-east-1:111122223333:role/x"}},
	} {
		q := &Question{Principal: "arn:aws:iam::111122223333:role/app", Actions: c.actions, Resources: c.resources}
		q.Policies.Identity = []*Policy{admin}
		a := Analyze(q)
		if a.Outcome != Denied || !a.NoRequest {
			t.Errorf("%v on %v: %s NoRequest=%v", c.actions, c.resources, a.Outcome, a.NoRequest)
		}
		f := ForbidRule{Actions: c.actions, Resources: c.resources}
		ps := f.Problems()
		if len(ps) == 0 || ps[0].Field != "resources" || !strings.Contains(ps[0].Problem, "matches no request") {
			t.Errorf("%v on %v: problems %+v", c.actions, c.resources, ps)
		}
	}
	// An entry that pairs with nothing is tolerated when the rule holds requests.
	f := ForbidRule{Actions: []string{"s3:GetObject", "s3:ListBucket"}, Resources: []string{"arn:aws:s3:::b/*"}}
	if ps := f.Problems(); len(ps) != 0 {
		t.Errorf("problems %+v", ps)
	}
}

func TestFormatGlob(t *testing.T) {
	cases := []struct {
		format, excl string
		in, out      []string
	}{
		{"arn:${Partition}:s3:::${BucketName}", "/", []string{"arn:aws:s3:::b"}, []string{"arn:aws:s3:::b/k", "arn:aws:s3:::", "arn:aws-cn:s3:::b"}},
		{"arn:${Partition}:s3:::${BucketName}/${ObjectName}", "", []string{"arn:aws:s3:::b/k", "arn:aws:s3:::b/k/l:m"}, []string{"arn:aws:s3:::/k", "arn:aws:s3:::b/"}},
		{"arn:${Partition}:kms:${Region}:${Account}:key/${KeyId}", "", []string{"arn:aws:kms:us-east-1:111122223333:key/k"},
			[]string{"arn:aws:kms:::111122223333:key/k", "arn:aws:kms:us-east-1:11112222333:key/k", "arn:aws:kms:us-east-1:x11122223333:key/k", "arn:aws:kms::111122223333:key/k"}},
		{"arn:${Partition}:lambda:${Region}:${Account}:function:${FunctionName}", "", []string{"arn:aws:lambda:eu-west-1:111122223333:function:f:1"}, nil},
	}
	for _, c := range cases {
		g := formatGlob(c.format, c.excl, "aws")
		for _, s := range c.in {
			if !g.match(s) {
				t.Errorf("%s does not match %s", c.format, s)
			}
		}
		for _, s := range c.out {
			if g.match(s) {
				t.Errorf("%s matches %s", c.format, s)
			}
		}
	}
}

func TestAnalyzeKeyComparedByStringAndBool(t *testing.T) {
	// Published SCPs test one key with StringNotEquals and Bool: the analysis decides it.
	scp := MustParsePolicy(`{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"*","Resource":"*"},
		{"Effect":"Deny","Action":"s3:PutObject","Resource":"*","Condition":{"StringNotEquals":{"s3:x-amz-server-side-encryption":"aws:kms"}}},
		{"Effect":"Deny","Action":"s3:PutObject","Resource":"*","Condition":{"Bool":{"s3:x-amz-server-side-encryption":"false"}}}]}`)
	admin := MustParsePolicy(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)
	q := &Question{Principal: "arn:aws:iam::111122223333:role/app", Actions: []string{"s3:PutObject"}, Resources: []string{"*"}}
	q.Policies.Identity = []*Policy{admin}
	q.Policies.SCPs = [][]*Policy{{scp}}
	a := Analyze(q)
	if a.Outcome != Allowed {
		t.Fatalf("outcome %s (%s)", a.Outcome, a.Reason)
	}
	if v, ok := a.Witness.Context.Lookup("s3:x-amz-server-side-encryption"); !ok || v.Values[0] != "aws:kms" {
		t.Errorf("witness context %+v", a.Witness.Context)
	}
	// Forbidding the encrypted case too: only a value that is neither "aws:kms" nor read as
	// false by Bool passes the Denies, and none passes with both.
	scp2 := MustParsePolicy(`{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"*","Resource":"*"},
		{"Effect":"Deny","Action":"s3:PutObject","Resource":"*","Condition":{"StringNotEqualsIgnoreCase":{"s3:x-amz-server-side-encryption":"FALSE"}}},
		{"Effect":"Deny","Action":"s3:PutObject","Resource":"*","Condition":{"BoolIfExists":{"s3:x-amz-server-side-encryption":"false"}}}]}`)
	q.Policies.SCPs = [][]*Policy{{scp2}}
	if a := Analyze(q); a.Outcome != Denied {
		t.Fatalf("outcome %s (%s) witness %+v", a.Outcome, a.Reason, a.Witness)
	}
}

func TestGrantsFirstAndValueText(t *testing.T) {
	in := []StatementRef{{Kind: KindSCP, Policy: "FullAWSAccess"}, {Kind: KindPermissionsBoundary, Policy: "b"}, {Kind: KindIdentity, Policy: "admin"}, {Kind: KindRCP, Policy: "r"}, {Kind: KindResource, Policy: "bucket"}}
	var got []string
	for _, s := range GrantsFirst(in) {
		got = append(got, s.Policy)
	}
	if strings.Join(got, " ") != "admin bucket b FullAWSAccess r" {
		t.Errorf("order %v", got)
	}
	if s := (ContextValue{Key: "aws:TagKeys", Values: []string{"", "temp"}, Multi: true}).Text(); s != `aws:TagKeys=["","temp"]` {
		t.Errorf("text %s", s)
	}
	if s := (ContextValue{Key: "s3:prefix", Values: []string{"a,b"}}).Text(); s != `s3:prefix="a,b"` {
		t.Errorf("text %s", s)
	}
}
