package evaluator

import (
	"strings"
	"testing"
)

// A cached policy is shared compiled, but each hit is its own Policy (its own Name) and
// decides as a fresh parse does; a full cache adds nothing more.
func TestPolicyCache(t *testing.T) {
	doc := `{"Version":"2012-10-17","Statement":[{"Sid":"Read","Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`
	c := NewPolicyCache(len(doc))
	a, err := c.parse(doc)
	if err != nil {
		t.Fatal(err)
	}
	b, err := c.parse(doc)
	if err != nil {
		t.Fatal(err)
	}
	if a == b || len(a.Statements) != 1 || a.Statements[0] != b.Statements[0] {
		t.Fatalf("hits %p and %p, statements %v and %v: want distinct policies sharing the compiled statements", a, b, a.Statements, b.Statements)
	}
	a.Name, b.Name = "identityPolicies[0]", "identityPolicies[1]"
	req := Request{Principal: "arn:aws:iam::111122223333:user/alice", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k"}
	res, err := Authorize(&PolicySet{Identity: []*Policy{b}}, &req, Options{})
	if err != nil || res.Decision != Allow || len(res.Allows) != 1 || res.Allows[0].Policy != "identityPolicies[1]" {
		t.Errorf("Authorize with the second hit: %v, %+v", err, res)
	}
	other := strings.Replace(doc, "Read", "Get", 1)
	if _, err := c.parse(other); err != nil {
		t.Fatal(err)
	}
	if len(c.byText) != 1 || c.bytes != len(doc) {
		t.Errorf("a full cache holds %d policies of %d bytes, want the first only", len(c.byText), c.bytes)
	}
	if _, err := c.parse(`{"Statement":[{"Effect":"allow"}]}`); err == nil {
		t.Error("a bad policy parsed through the cache")
	}
	var none *PolicyCache
	if p, err := none.parse(doc); err != nil || p == nil {
		t.Errorf("nil cache: %v", err)
	}
}
