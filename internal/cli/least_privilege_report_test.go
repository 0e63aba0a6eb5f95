package cli

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

const (
	reportCurrent  = "testdata/least-privilege/current.json"
	reportRequests = "testdata/least-privilege/requests.jsonl"
)

// The access report of testdata/least-privilege: the principal used four of its s3 and sqs
// actions; line 6 asks for a bucket its policies do not grant, so it is listed as denied and not
// granted; the rest of what it may do is listed as unused, by service and level.
func TestLeastPrivilegeReport(t *testing.T) {
	var out, errOut bytes.Buffer
	code := Run([]string{"least-privilege", "--current", reportCurrent, "--report", reportRequests}, nil, &out, &errOut, "test")
	if code != exitViolation {
		t.Fatalf("exit %d (want 1: a request is denied): %s", code, errOut.String())
	}
	var o narrowOutput
	if err := json.Unmarshal(out.Bytes(), &o); err != nil {
		t.Fatalf("%v: %s", err, out.String())
	}
	if got := strings.Join(o.Used, ","); got != "s3:GetObject,s3:ListBucket,s3:PutObject,sqs:ReceiveMessage,sqs:SendMessage" {
		t.Errorf("used %s", got)
	}
	if len(o.Denied) != 1 || o.Denied[0].Line != 6 || o.Denied[0].Resource != "arn:aws:s3:::other/x" || o.Denied[0].Decision != "ImplicitDeny" {
		t.Errorf("denied %+v", o.Denied)
	}
	policy := string(o.Policy)
	for _, want := range []string{`"Action":["s3:GetObject"],"Resource":["arn:aws:s3:::data/reports/a.csv"]`, `"Action":["sqs:ReceiveMessage","sqs:SendMessage"]`} {
		if !strings.Contains(policy, want) {
			t.Errorf("policy %s lacks %s", policy, want)
		}
	}
	if strings.Contains(policy, "other/x") || strings.Contains(policy, "DeleteObject") || o.Statements != 4 {
		t.Errorf("policy grants more than the allowed requests: %s", policy)
	}
	unused := map[string]string{}
	for _, a := range o.Unused.Actions {
		unused[a.Action] = a.AccessLevel
	}
	if unused["s3:DeleteObject"] != "Write" || unused["sqs:DeleteQueue"] != "Write" || unused["sqs:SetQueueAttributes"] != "Permissions management" ||
		unused["sqs:SendMessage"] != "" || unused["s3:GetObject"] != "" || unused["sts:GetCallerIdentity"] != "" {
		t.Errorf("unused %v", unused)
	}
	if o.Unused.Summary["s3"]["Write"] != 1 || o.Unused.Summary["sqs"]["Permissions management"] != 3 {
		t.Errorf("summary %v", o.Unused.Summary)
	}

	out.Reset()
	errOut.Reset()
	Run([]string{"least-privilege", "--current", reportCurrent, "--report", reportRequests, "--format", "text"}, nil, &out, &errOut, "test")
	if s := out.String(); !strings.Contains(s, "Narrowed policy (4 statements") || !strings.Contains(s, "requests.jsonl:6: s3:GetObject on arn:aws:s3:::other/x") ||
		!strings.Contains(s, "s3:DeleteObject [Write] on arn:aws:s3:::data/*") {
		t.Errorf("text:\n%s", s)
	}
}

func TestLeastPrivilegeReportErrors(t *testing.T) {
	tests := []struct {
		args  []string
		input string
		msg   string
	}{
		{[]string{"--report", reportRequests}, "", "usage"},
		{[]string{"--current", reportCurrent}, "", "usage"},
		{[]string{"--current", reportCurrent, "--report", "-"}, `{"action":"s3:GetObject","resource":"arn:aws:s3:::data/x"}` + "\n" + `{"action":"s3:GetObject","resourc":"x"}`, `<stdin>:2:26: resourc: unknown field; did you mean "resource"?`},
		{[]string{"--current", reportCurrent, "--report", "-"}, `{"action":"s3:NoSuch","resource":"*"}`, `line 1: action: "s3:NoSuch" is not an action`},
		{[]string{"--current", reportCurrent, "--report", "-"}, `{"action":"s3:GetObject","resource":"data/x"}`, `line 1: resource: "data/x" is not an ARN pattern`},
		{[]string{"--current", reportCurrent, "--report", "-"}, ``, `no requests`},
		{[]string{"--current", "-", "--report", reportRequests}, `{"request":{"principal":"arn:aws:iam::111122223333:role/x"},"identityPolicies":[{"Version":"2012-10-17","Statement":[]}], "nope": 1}`, `<stdin>:1:`},
	}
	for _, tt := range tests {
		var out, errOut bytes.Buffer
		code := Run(append([]string{"least-privilege"}, tt.args...), strings.NewReader(tt.input), &out, &errOut, "test")
		if code != exitUsage || !strings.Contains(errOut.String(), tt.msg) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tt.args, code, errOut.String(), tt.msg)
		}
	}
}
