package evaluator

import "testing"

func TestStatementPruner(t *testing.T) {
	p := MustParsePolicy(`{"Version":"2012-10-17","Statement":[
		{"Sid":"S3","Effect":"Allow","Action":"s3:Get*","Resource":"*"},
		{"Sid":"EC2","Effect":"Allow","Action":["ec2:*","lambda:Invoke*"],"Resource":"*"},
		{"Sid":"NotS3","Effect":"Deny","NotAction":"s3:*","Resource":"*"},
		{"Sid":"NotIAM","Effect":"Deny","NotAction":"iam:*","Resource":"*"},
		{"Sid":"Any","Effect":"Allow","Action":"*Object","Resource":"*"}]}`)
	pr, err := NewStatementPruner([]string{"s3:GetObject", "s3:PutObject"})
	if err != nil {
		t.Fatal(err)
	}
	got := pr.Policy(p)
	var sids []string
	for _, s := range got.Statements {
		sids = append(sids, s.Sid)
	}
	// EC2 covers neither action; NotS3 leaves both out of its NotAction list... and so
	// covers neither; NotIAM covers both.
	want := []string{"S3", "NotIAM", "Any"}
	if len(sids) != len(want) {
		t.Fatalf("kept %v, want %v", sids, want)
	}
	for i := range want {
		if sids[i] != want[i] {
			t.Fatalf("kept %v, want %v", sids, want)
		}
	}
	if got.Statements[2].Path != p.Statements[4].Path {
		t.Errorf("a kept statement lost its path: %s", got.Statements[2].Path)
	}
	if len(p.Statements) != 5 {
		t.Error("the original policy changed")
	}
	if again := pr.Policy(p); again != got {
		t.Error("a policy is pruned once per pruner")
	}

	// A boundary left without statements still bounds (it allows nothing); a resource policy
	// left without statements is dropped.
	ec2 := MustParsePolicy(allowAll("ec2:*"))
	set := pr.Set(PolicySet{Boundary: ec2})
	if set.Boundary == nil || len(set.Boundary.Statements) != 0 {
		t.Errorf("boundary %+v, want an empty policy", set.Boundary)
	}
	if rps := pr.ResourcePolicies([]ResourcePolicy{{Pattern: "*", Policy: ec2}, {Pattern: "*", Policy: p}}); len(rps) != 1 || rps[0].Policy != got {
		t.Errorf("resource policies %+v", rps)
	}
	if _, err := NewStatementPruner([]string{"nosuch:*"}); err == nil {
		t.Error("a set without actions is an error")
	}
}

// TestAnalyzePrunedBoundaryDenies: pruning leaves a boundary about other services empty, and
// the analysis still reads it as allowing nothing.
func TestAnalyzePrunedBoundaryDenies(t *testing.T) {
	q := question("arn:aws:iam::"+acct+":role/app", []string{allowAll("*")}, []string{"s3:GetObject"}, []string{"*"})
	q.Policies.Boundary = MustParsePolicy(allowAll("ec2:*"))
	if a := Analyze(q); a.Outcome != Denied {
		t.Fatalf("outcome %v (%s), want denied", a.Outcome, a.Reason)
	}
	q.Policies.Boundary = MustParsePolicy(allowAll("s3:*"))
	if a := Analyze(q); a.Outcome != Allowed {
		t.Fatalf("outcome %v (%s), want allowed", a.Outcome, a.Reason)
	}
}
