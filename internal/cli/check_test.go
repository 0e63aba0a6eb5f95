package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// checkResult is one output line of `check`, decoded for the tests.
type checkResult struct {
	ID         json.RawMessage `json:"id"`
	Passed     *bool           `json:"passed"`
	Error      string          `json:"error"`
	Violations []struct {
		Forbid  int `json:"forbid"`
		Witness struct {
			Action          string         `json:"action"`
			Resource        string         `json:"resource"`
			ResourceAccount string         `json:"resourceAccount"`
			Context         map[string]any `json:"context"`
		} `json:"witness"`
		Statements []struct {
			Kind   string `json:"kind"`
			Policy string `json:"policy"`
			Sid    string `json:"sid"`
			Effect string `json:"effect"`
		} `json:"statements"`
	} `json:"violations"`
	Unmet []struct {
		Require   int      `json:"require"`
		Decision  string   `json:"decision"`
		BlockedBy []string `json:"blockedBy"`
		Reason    string   `json:"reason"`
	} `json:"unmet"`
	Undecided []struct {
		Forbid int    `json:"forbid"`
		Reason string `json:"reason"`
	} `json:"undecided"`
}

const (
	role      = `"arn:aws:iam::111122223333:role/app"`
	allowAll  = `{"Version":"2012-10-17","Statement":[{"Sid":"AllowAll","Effect":"Allow","Action":"*","Resource":"*"}]}`
	s3Only    = `{"Version":"2012-10-17","Statement":[{"Sid":"S3Only","Effect":"Allow","Action":"s3:*","Resource":"*"}]}`
	denyIAM   = `[[{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}],[{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Sid":"DenyIAM","Effect":"Deny","Action":"iam:*","Resource":"*"}]}]]`
	forbidIAM = `[{"actions":["iam:*"],"resources":["*"]}]`
)

func runCheckLines(t *testing.T, args []string, lines ...string) (int, []checkResult, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := Run(append([]string{"check"}, args...), strings.NewReader(strings.Join(lines, "\n")+"\n"), &stdout, &stderr, "test")
	var out []checkResult
	for _, l := range strings.Split(strings.TrimSpace(stdout.String()), "\n") {
		if l == "" {
			continue
		}
		var r checkResult
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatalf("output line %q: %v", l, err)
		}
		out = append(out, r)
	}
	return code, out, stderr.String()
}

func TestCheckCommand(t *testing.T) {
	tests := []struct {
		name     string
		lines    []string
		wantExit int
		check    func(t *testing.T, out []checkResult)
	}{
		{
			name: "passes: the SCP denies IAM and the require is allowed",
			lines: []string{`{"id":"ok","request":{"principal":` + role + `},"identityPolicies":[` + allowAll + `],"scps":` + denyIAM +
				`,"forbid":` + forbidIAM + `,"require":[{"action":"s3:GetObject","resource":"arn:aws:s3:::data/x"}]}`},
			wantExit: 0,
			check: func(t *testing.T, out []checkResult) {
				r := out[0]
				if r.Passed == nil || !*r.Passed || len(r.Violations)+len(r.Unmet)+len(r.Undecided) != 0 {
					t.Errorf("want a pass with no findings, got %+v", r)
				}
			},
		},
		{
			name:     "violation: the admin reaches IAM, with a witness and the allowing statement",
			lines:    []string{`{"id":"admin","request":{"principal":` + role + `},"identityPolicies":[` + allowAll + `],"forbid":` + forbidIAM + `}`},
			wantExit: 1,
			check: func(t *testing.T, out []checkResult) {
				r := out[0]
				if r.Passed == nil || *r.Passed || len(r.Violations) != 1 {
					t.Fatalf("want one violation, got %+v", r)
				}
				v := r.Violations[0]
				if !strings.HasPrefix(v.Witness.Action, "iam:") || !strings.HasPrefix(v.Witness.Resource, "arn:aws:iam::111122223333:") ||
					v.Witness.ResourceAccount != "111122223333" {
					t.Errorf("witness %+v", v.Witness)
				}
				if len(v.Statements) != 1 || v.Statements[0].Policy != "identityPolicies[0]" || v.Statements[0].Sid != "AllowAll" {
					t.Errorf("statements %+v", v.Statements)
				}
			},
		},
		{
			name: "violation: the witness carries the condition value that allows it",
			lines: []string{`{"id":"net","request":{"principal":` + role + `},"identityPolicies":[{"Version":"2012-10-17","Statement":[` +
				`{"Effect":"Allow","Action":"s3:DeleteBucket","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}]}],` +
				`"forbid":[{"actions":["s3:DeleteBucket"],"resources":["arn:aws:s3:::prod-*"]}]}`},
			wantExit: 1,
			check: func(t *testing.T, out []checkResult) {
				w := out[0].Violations[0].Witness
				ip, _ := w.Context["aws:SourceIp"].(string)
				if w.Action != "s3:DeleteBucket" || !strings.HasPrefix(w.Resource, "arn:aws:s3:::prod-") || !strings.HasPrefix(ip, "10.") {
					t.Errorf("witness %+v", w)
				}
			},
		},
		{
			name: "a forbid's fixed context: outside the network the same policy passes",
			lines: []string{`{"id":"net-fixed","request":{"principal":` + role + `},"identityPolicies":[{"Version":"2012-10-17","Statement":[` +
				`{"Effect":"Allow","Action":"s3:DeleteBucket","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}]}],` +
				`"forbid":[{"actions":["s3:DeleteBucket"],"resources":["arn:aws:s3:::prod-*"],"context":{"aws:SourceIp":"203.0.113.5"}}]}`},
			wantExit: 0,
		},
		{
			name: "principal tags are free unless request.principalTags gives all of them",
			lines: []string{
				`{"id":"free","request":{"principal":` + role + `},"identityPolicies":[{"Version":"2012-10-17","Statement":[` +
					`{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"data"}}}]}],"forbid":[{"actions":["s3:GetObject"],"resources":["*"]}]}`,
				`{"id":"untagged","request":{"principal":` + role + `,"principalTags":{}},"identityPolicies":[{"Version":"2012-10-17","Statement":[` +
					`{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"data"}}}]}],"forbid":[{"actions":["s3:GetObject"],"resources":["*"]}]}`,
				`{"id":"other-team","request":{"principal":` + role + `,"principalTags":{"team":"web"}},"identityPolicies":[{"Version":"2012-10-17","Statement":[` +
					`{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"data"}}}]}],"forbid":[{"actions":["s3:GetObject"],"resources":["*"]}]}`,
			},
			wantExit: 1,
			check: func(t *testing.T, out []checkResult) {
				if len(out[0].Violations) != 1 || out[0].Violations[0].Witness.Context["aws:PrincipalTag/team"] != "data" {
					t.Errorf("free tags: want a violation whose witness has the tag, got %+v", out[0])
				}
				for _, r := range out[1:] {
					if r.Passed == nil || !*r.Passed {
						t.Errorf("%s: all tags given, none grants: want a pass, got %+v", r.ID, r)
					}
				}
			},
		},
		{
			name: "unmet require: the boundary blocks it",
			lines: []string{`{"id":"boundary","request":{"principal":` + role + `},"identityPolicies":[` + allowAll + `],"permissionsBoundary":` + s3Only +
				`,"require":[{"action":"s3:GetObject","resource":"arn:aws:s3:::data/x"},{"action":"iam:GetRole","resource":"arn:aws:iam::111122223333:role/app"}]}`},
			wantExit: 1,
			check: func(t *testing.T, out []checkResult) {
				r := out[0]
				if len(r.Unmet) != 1 || r.Unmet[0].Require != 1 || r.Unmet[0].Decision != "ImplicitDeny" ||
					strings.Join(r.Unmet[0].BlockedBy, ",") != "permissions_boundary" {
					t.Errorf("want require[1] blocked by the boundary, got %+v", r.Unmet)
				}
			},
		},
		{
			name: "require: the resource policy whose key matches the resource decides a cross-account request",
			lines: []string{`{"id":"xacct","request":{"principal":"arn:aws:iam::444455556666:role/partner","resourceAccount":"111122223333"},"identityPolicies":[` + allowAll + `],` +
				`"resourcePolicies":{"arn:aws:s3:::shared/*":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::shared/*"}]}},` +
				`"require":[{"action":"s3:GetObject","resource":"arn:aws:s3:::shared/a.txt"},{"action":"s3:GetObject","resource":"arn:aws:s3:::other/a.txt"}]}`},
			wantExit: 1,
			check: func(t *testing.T, out []checkResult) {
				r := out[0]
				if len(r.Unmet) != 1 || r.Unmet[0].Require != 1 || strings.Join(r.Unmet[0].BlockedBy, ",") != "resource" {
					t.Errorf("want only require[1] (no resource policy) unmet, got %+v", r.Unmet)
				}
			},
		},
		{
			name: "undecided: a policy variable of a free key fails closed",
			lines: []string{`{"id":"var","request":{"principal":` + role + `},"identityPolicies":[{"Version":"2012-10-17","Statement":[` +
				`{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:RequestTag/x}"}]}],"forbid":[{"actions":["s3:GetObject"],"resources":["*"]}]}`},
			wantExit: 1,
			check: func(t *testing.T, out []checkResult) {
				r := out[0]
				if r.Passed == nil || *r.Passed || len(r.Undecided) != 1 || !strings.Contains(strings.ToLower(r.Undecided[0].Reason), "aws:requesttag/x") {
					t.Errorf("want an undecided forbid naming the variable, got %+v", r)
				}
			},
		},
		{
			name: "a bad line gives an error line and the run goes on, in input order",
			lines: []string{
				`{"id":7,"request":{"principal":` + role + `},"forbids":[]}`,
				`{"id":"policy","request":{"principal":` + role + `},"identityPolicies":["{\n \"Statement\": {\"Effect\": \"Alow\"}}"],"forbid":` + forbidIAM + `}`,
				`not json`,
				`{"id":"ok","request":{"principal":` + role + `},"forbid":` + forbidIAM + `}`,
			},
			wantExit: 1,
			check: func(t *testing.T, out []checkResult) {
				if len(out) != 4 {
					t.Fatalf("want 4 lines, got %d", len(out))
				}
				if string(out[0].ID) != "7" || !strings.Contains(out[0].Error, `<stdin>:1:`) || !strings.Contains(out[0].Error, `:1:70: forbids: unknown field; did you mean "forbid"?`) {
					t.Errorf("line 1: %+v", out[0])
				}
				if !strings.Contains(out[1].Error, "identityPolicies[0]: line 2, column") || !strings.Contains(out[1].Error, "Statement.Effect") {
					t.Errorf("line 2: %+v", out[1])
				}
				if string(out[2].ID) != "null" || !strings.Contains(out[2].Error, "<stdin>:3:1: expected a JSON object (one check per line), found 'n'") {
					t.Errorf("line 3: %+v", out[2])
				}
				if out[3].Passed == nil || !*out[3].Passed {
					t.Errorf("line 4: %+v", out[3])
				}
			},
		},
		{
			name: "what a check must have",
			lines: []string{
				`{"id":"no-principal","request":{},"forbid":` + forbidIAM + `}`,
				`{"id":"action","request":{"principal":` + role + `,"action":"s3:GetObject"},"forbid":` + forbidIAM + `}`,
				`{"id":"no-rules","request":{"principal":` + role + `}}`,
				`{"id":"no-resources","request":{"principal":` + role + `},"forbid":[{"actions":["iam:*"]}]}`,
				`{"id":"singular","request":{"principal":` + role + `},"resourcePolicy":` + allowAll + `,"forbid":` + forbidIAM + `}`,
			},
			wantExit: 1,
			check: func(t *testing.T, out []checkResult) {
				want := []string{"request.principal: missing", "a check takes no action or resource", "at least one rule",
					"forbid[0].resources: missing or empty", `"resourcePolicies"`}
				for i, w := range want {
					if !strings.Contains(out[i].Error, w) {
						t.Errorf("line %d: want an error containing %q, got %+v", i+1, w, out[i])
					}
				}
			},
		},
		{
			name:     "a misspelt action is an error naming the entry",
			lines:    []string{`{"id":"typo","request":{"principal":` + role + `},"identityPolicies":[` + allowAll + `],"forbid":[{"actions":["iam:CreateUsr"],"resources":["*"]}]}`},
			wantExit: 1,
			check: func(t *testing.T, out []checkResult) {
				if !strings.Contains(out[0].Error, `forbid[0].actions[0]: "iam:CreateUsr" matches no action`) {
					t.Errorf("error %q", out[0].Error)
				}
			},
		},
		{
			name:     "a bucket name where an ARN belongs is an error",
			lines:    []string{`{"id":"name","request":{"principal":` + role + `},"forbid":[{"actions":["s3:DeleteBucket"],"resources":["prod-bucket"]}]}`},
			wantExit: 1,
			check: func(t *testing.T, out []checkResult) {
				if !strings.Contains(out[0].Error, `forbid[0].resources[0]: "prod-bucket" is not an ARN pattern`) {
					t.Errorf("error %q", out[0].Error)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, stderr := runCheckLines(t, nil, tt.lines...)
			if code != tt.wantExit {
				t.Errorf("exit %d, want %d (stderr %q)", code, tt.wantExit, stderr)
			}
			if len(out) != len(tt.lines) {
				t.Fatalf("%d output lines for %d input lines", len(out), len(tt.lines))
			}
			if tt.check != nil {
				tt.check(t, out)
			}
		})
	}
}

func TestCheckUsage(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "checks.jsonl")
	line := `{"id":"ok","request":{"principal":` + role + `},"forbid":` + forbidIAM + `}` + "\n"
	if err := os.WriteFile(file, []byte(line), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		args []string
		want int
	}{
		{[]string{file}, 0},
		{[]string{"--budget", "1000", file}, 0},
		{[]string{filepath.Join(dir, "missing.jsonl")}, 2},
		{[]string{file, file}, 2},
		{[]string{"--no-such-flag"}, 2},
		{[]string{"--budget", "-1", file}, 2},
	} {
		var stdout, stderr bytes.Buffer
		if got := Run(append([]string{"check"}, tt.args...), strings.NewReader(""), &stdout, &stderr, "test"); got != tt.want {
			t.Errorf("check %v: exit %d, want %d (stderr %q)", tt.args, got, tt.want, stderr.String())
		}
	}
}

// A tiny budget makes a forbid undecided rather than passing: the check fails closed.
func TestCheckBudgetFailsClosed(t *testing.T) {
	line := `{"id":"b","request":{"principal":` + role + `},"identityPolicies":[` + s3Only + `],"forbid":[{"actions":["*"],"resources":["*"]}]}`
	code, out, _ := runCheckLines(t, []string{"--budget", "1"}, line)
	if code != 1 || len(out) != 1 || len(out[0].Undecided) != 1 || !strings.Contains(out[0].Undecided[0].Reason, "budget") {
		t.Errorf("exit %d, %+v", code, out)
	}
}
