package cli

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

const accessInput = `{"id":"deployer","request":{"principal":"arn:aws:iam::111122223333:role/deployer"},"identityPolicies":[{"Version":"2012-10-17","Statement":[` +
	`{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::data/*"},` +
	`{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::data","Condition":{"StringLike":{"s3:prefix":"builds/*"}}}]}]}`

func TestAccessCommand(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := Run([]string{"access", "--service", "s3"}, strings.NewReader(accessInput+"\n"), &out, &errOut, "test"); code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	var o accessOutput
	if err := json.Unmarshal(out.Bytes(), &o); err != nil {
		t.Fatal(err)
	}
	got := map[string]accessAction{}
	for _, a := range o.Actions {
		got[a.Action] = a
	}
	if len(got) != 3 || o.Summary["s3"]["Read"] != 1 || o.Summary["s3"]["Write"] != 1 || o.Summary["s3"]["List"] != 1 {
		t.Fatalf("actions %v summary %v", o.Actions, o.Summary)
	}
	if a := got["s3:ListBucket"]; !a.Conditional || strings.Join(a.ConditionKeys, ",") != "s3:prefix" {
		t.Errorf("s3:ListBucket: %+v", a)
	}
	if a := got["s3:PutObject"]; a.Conditional || strings.Join(a.Resources, ",") != "arn:aws:s3:::data/*" || !strings.HasPrefix(a.Witness.Resource, "arn:aws:s3:::data/") {
		t.Errorf("s3:PutObject: %+v", a)
	}

	out.Reset()
	if code := Run([]string{"access", "--format", "text", "--level", "Write"}, strings.NewReader(accessInput), &out, &errOut, "test"); code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	if s := out.String(); !strings.Contains(s, "deployer: 1 actions allowed") || !strings.Contains(s, "s3:PutObject [Write] on arn:aws:s3:::data/*") {
		t.Errorf("text output:\n%s", s)
	}
}

func TestAccessCommandErrors(t *testing.T) {
	tests := []struct {
		args  []string
		input string
		code  int
		msg   string
	}{
		{[]string{"access"}, "", exitUsage, "no principals; expected one JSON object per line"},
		{[]string{"access", "--level", "Admin"}, accessInput, exitUsage, "--level"},
		{[]string{"access", "--service", "nosuchservice"}, accessInput, exitUsage, "--service"},
		{[]string{"access"}, strings.Replace(accessInput, `"identityPolicies"`, `"forbid":[{"actions":["s3:*"],"resources":["*"]}],"identityPolicies"`, 1), exitViolation, "not used by access"},
	}
	for _, tt := range tests {
		var out, errOut bytes.Buffer
		code := Run(tt.args, strings.NewReader(tt.input), &out, &errOut, "test")
		if code != tt.code || !strings.Contains(out.String()+errOut.String(), tt.msg) {
			t.Errorf("%v: exit %d, output %q %q; want %d and %q", tt.args, code, out.String(), errOut.String(), tt.code, tt.msg)
		}
	}
}

func TestLeastPrivilegeCommand(t *testing.T) {
	in := `{"id":"app","require":[{"action":"s3:GetObject","resource":"arn:aws:s3:::data/*"},{"action":"s3:PutObject","resource":"arn:aws:s3:::data/*"},` +
		`{"action":"sqs:SendMessage","resource":"arn:aws:sqs:eu-west-1:111122223333:jobs","context":{"aws:SourceVpc":"vpc-1"}}]}` + "\n" +
		`{"id":"bad","require":[{"action":"s3:Nope","resource":"*"}]}` + "\n"
	var out, errOut bytes.Buffer
	code := Run([]string{"least-privilege"}, strings.NewReader(in), &out, &errOut, "test")
	if code != exitViolation {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("output:\n%s", out.String())
	}
	var o leastPrivilegeOutput
	if err := json.Unmarshal([]byte(lines[0]), &o); err != nil {
		t.Fatal(err)
	}
	if o.Statements != 2 || !strings.Contains(string(o.Policy), `"Action":["s3:GetObject","s3:PutObject"]`) ||
		!strings.Contains(string(o.Policy), `"StringEquals":{"aws:SourceVpc":["vpc-1"]}`) {
		t.Errorf("policy %s (%d statements)", o.Policy, o.Statements)
	}
	if !strings.Contains(lines[1], "stdin>:2: require[0].action") {
		t.Errorf("error line: %s", lines[1])
	}
}

// --allow-wildcards collapses the actions of a statement to the patterns that match no other
// action of the catalogue: sqs:GetQueueAttributes and sqs:GetQueueUrl are every sqs:GetQueue*
// action, while s3:GetObject stays exact (s3:GetObjectAcl is not required).
func TestLeastPrivilegeCommandWildcards(t *testing.T) {
	const queue = "arn:aws:sqs:eu-west-1:111122223333:jobs"
	in := `{"id":"w","require":[{"action":"sqs:GetQueueAttributes","resource":"` + queue + `"},{"action":"sqs:GetQueueUrl","resource":"` + queue + `"},` +
		`{"action":"sqs:SendMessage","resource":"` + queue + `"},{"action":"s3:GetObject","resource":"arn:aws:s3:::data/*"},{"action":"s3:GetObject","resource":"arn:aws:s3:::data/x"}]}` + "\n"
	for _, tt := range []struct {
		args []string
		want []string
	}{
		{[]string{"least-privilege", "--allow-wildcards"}, []string{`"Action":["sqs:GetQueue*","sqs:SendMessage"]`, `"Action":["s3:GetObject"],"Resource":["arn:aws:s3:::data/*"]}`}},
		{[]string{"least-privilege"}, []string{`"Action":["sqs:GetQueueAttributes","sqs:GetQueueUrl","sqs:SendMessage"]`, `"Resource":["arn:aws:s3:::data/*","arn:aws:s3:::data/x"]`}},
	} {
		var out, errOut bytes.Buffer
		if code := Run(tt.args, strings.NewReader(in), &out, &errOut, "test"); code != exitOK {
			t.Fatalf("%v: exit %d: %s", tt.args, code, errOut.String())
		}
		var o leastPrivilegeOutput
		if err := json.Unmarshal(out.Bytes(), &o); err != nil {
			t.Fatal(err)
		}
		for _, w := range tt.want {
			if !strings.Contains(string(o.Policy), w) {
				t.Errorf("%v: policy %s lacks %s", tt.args, o.Policy, w)
			}
		}
	}
}

func TestWhoCanCommand(t *testing.T) {
	var out, errOut bytes.Buffer
	code := Run([]string{"who-can", "iam:PassRole", "--plan", "../../examples/guard/plan.json", "--format", "json"}, nil, &out, &errOut, "test")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	var entries []map[string]any
	if err := json.Unmarshal(out.Bytes(), &entries); err != nil {
		t.Fatal(err)
	}
	if len(entries) == 0 || !strings.Contains(out.String(), `"witness": "arn:aws:iam::`) {
		t.Errorf("output: %s", out.String())
	}
	out.Reset()
	if code := Run([]string{"who-can", "--plan", "../../examples/guard/plan.json", "nosuch:Action"}, nil, &out, &errOut, "test"); code != exitUsage {
		t.Errorf("unknown action: exit %d", code)
	}
}

func TestDiffCommand(t *testing.T) {
	var out, errOut bytes.Buffer
	code := Run([]string{"diff", "--plan", "../../examples/guard/plan.json"}, nil, &out, &errOut, "test")
	if code != exitOK && code != exitViolation {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	if s := out.String(); !strings.HasPrefix(s, "## IAM access changes in this plan") || !strings.Contains(s, "| **+** | **Permissions management** |") {
		t.Errorf("markdown:\n%s", s)
	}
	out.Reset()
	if code := Run([]string{"diff", "--plan", "../../examples/guard/plan.json", "--format", "json"}, nil, &out, &errOut, "test"); code == exitUsage {
		t.Fatalf("json: exit %d", code)
	}
	var diffs []map[string]any
	if err := json.Unmarshal(out.Bytes(), &diffs); err != nil || len(diffs) == 0 {
		t.Errorf("json %v: %s", err, out.String())
	}
}

// access and least-privilege read their input with the bounded line reader of check: a line
// over the limit stops the reading with exit 2, an input of only blank lines is "no ...".
func TestAccessAndLeastPrivilegeInputLimits(t *testing.T) {
	for _, cmd := range []string{"access", "least-privilege"} {
		var out, errOut bytes.Buffer
		code := Run([]string{cmd, "--max-line-bytes", "64"}, strings.NewReader(accessInput+"\n"), &out, &errOut, "test")
		if code != exitUsage || !strings.Contains(errOut.String(), "64") {
			t.Errorf("%s over the line limit: exit %d, %q", cmd, code, errOut.String())
		}
		out.Reset()
		errOut.Reset()
		if code := Run([]string{cmd}, strings.NewReader("\n\n"), &out, &errOut, "test"); code != exitUsage || !strings.Contains(errOut.String(), "expected one JSON object per line") {
			t.Errorf("%s on blank input: exit %d, %q", cmd, code, errOut.String())
		}
	}
}
