package evaluator

import (
	"bufio"
	"bytes"
	"os"
	"testing"
)

// FuzzEvaluateCase feeds arbitrary case lines to ParseCase and Authorize: every input gives an
// error or a decision, never a panic, and a decision always explains itself.
//
//	go test ./internal/evaluator -run '^$' -fuzz FuzzEvaluateCase -fuzztime 60s
func FuzzEvaluateCase(f *testing.F) {
	data, err := os.ReadFile("testdata/cases/docs.jsonl")
	if err != nil {
		f.Fatal(err)
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 1<<20), 1<<22)
	for sc.Scan() {
		f.Add(append([]byte(nil), sc.Bytes()...))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		c, err := ParseCase(line)
		if err != nil {
			return
		}
		r, err := Authorize(&c.Policies, &c.Request, Options{})
		if err != nil {
			return
		}
		checkExplained(t, r)
		r2, _ := Authorize(&c.Policies, &c.Request, Options{SessionPolicyLimitsSessionGrants: true, StrictNotPrincipalDeny: true})
		checkExplained(t, r2)
	})
}

// FuzzAuthorizeRequest evaluates arbitrary principals, actions, resources and context values
// against fixed policies that use every kind of element.
func FuzzAuthorizeRequest(f *testing.F) {
	ps := typicalPolicySet(f)
	f.Add("arn:aws:sts::111122223333:assumed-role/analyst/alice", "s3:GetObject", "arn:aws:s3:::data-lake/x", "10.1.2.3", "analytics")
	f.Add("anonymous", "S3:getobject", "*", "not an ip", "")
	f.Add("arn:aws:iam::111122223333:user/x", "kms:Decrypt", "arn:aws:kms:us-east-1:111122223333:key/k", "::1", "${*}")
	f.Fuzz(func(t *testing.T, principal, action, resource, ip, tag string) {
		req := &Request{Principal: principal, Action: action, Resource: resource}
		req.Context.Set("aws:SourceIp", ip)
		req.Context.Set("aws:PrincipalTag/team", tag)
		r, err := Authorize(ps, req, Options{})
		if err != nil {
			return
		}
		checkExplained(t, r)
	})
}

func checkExplained(t *testing.T, r Result) {
	t.Helper()
	switch r.Decision {
	case Allow:
		if len(r.Allows) == 0 && r.Exempt == "" {
			t.Fatalf("Allow without statements: %+v", r)
		}
	case ExplicitDeny:
		if len(r.Denies) == 0 {
			t.Fatalf("ExplicitDeny without statements: %+v", r)
		}
	case ImplicitDeny:
		if len(r.BlockedBy) == 0 {
			t.Fatalf("ImplicitDeny without a blocking layer: %+v", r)
		}
	default:
		t.Fatalf("decision %q", r.Decision)
	}
	if r.Reason() == "" {
		t.Fatal("no reason")
	}
}
