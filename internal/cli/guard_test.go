package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const guardPlans = "../guard/testdata/plans/"

func runGuardArgs(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := Run(append([]string{"guard"}, args...), strings.NewReader(stdin), &out, &errOut, "test")
	return code, out.String(), errOut.String()
}

func TestGuardCommandExitStatus(t *testing.T) {
	// No finding: 0.
	if code, out, errOut := runGuardArgs(t, "", "--plan", guardPlans+"inline-role/plan.json"); code != 0 || !strings.Contains(out, "no findings") {
		t.Errorf("inline-role: exit %d\n%s%s", code, out, errOut)
	}
	// A new administrator: 1, and the text names the principal, the witness and the path.
	code, out, _ := runGuardArgs(t, "", "--plan", guardPlans+"passrole-escalation/plan.json")
	if code != 1 {
		t.Errorf("passrole-escalation: exit %d", code)
	}
	for _, want := range []string{"ERROR new-admin-access", "principal:  arn:aws:iam::000000000000:user/erin", "path:       1. arn:aws:iam::000000000000:user/erin -> arn:aws:iam::000000000000:role/automation via iam:PassRole + lambda:CreateFunction", "witness:", "allowed by: identity arn:aws:iam::aws:policy/AdministratorAccess statement 0"} {
		if !strings.Contains(out, want) {
			t.Errorf("text output lacks %q:\n%s", want, out)
		}
	}
	// Warnings only: 0 by default, 1 with --fail-on warning, 0 with never.
	kms := guardPlans + "kms-secrets/plan.json"
	if code, _, _ := runGuardArgs(t, "", "--plan", kms); code != 0 {
		t.Errorf("kms-secrets: exit %d", code)
	}
	if code, _, _ := runGuardArgs(t, "", "--plan", kms, "--fail-on", "warning"); code != 1 {
		t.Errorf("kms-secrets --fail-on warning: exit %d", code)
	}
	if code, _, _ := runGuardArgs(t, "", "--plan", guardPlans+"passrole-escalation/plan.json", "--fail-on", "never"); code != 0 {
		t.Errorf("--fail-on never: exit %d", code)
	}
	// The plan from standard input.
	data, err := os.ReadFile(kms)
	if err != nil {
		t.Fatal(err)
	}
	if code, out, _ := runGuardArgs(t, string(data), "--plan", "-", "--format", "json"); code != 0 || !strings.Contains(out, `"cross-account"`) {
		t.Errorf("stdin: exit %d\n%s", code, out)
	}
}

func TestGuardCommandBadInput(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "plan.json")
	if err := os.WriteFile(bad, []byte("{\"format_version\": \"1.2\",\n  \"planned_values\": [}"), 0o644); err != nil {
		t.Fatal(err)
	}
	rules := filepath.Join(dir, "guard.hcl")
	if err := os.WriteFile(rules, []byte("public_access {\n  mode = \"loud\"\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		args []string
		want string
	}{
		{[]string{}, "--plan is required"},
		{[]string{"--plan", filepath.Join(dir, "missing.json")}, "no such file"},
		{[]string{"--plan", bad}, "plan.json: line 2, column 22"},
		{[]string{"--plan", guardPlans + "state/state.json"}, "state.json: this is a Terraform state, not a plan (run terraform show -json PLANFILE"},
		{[]string{"--plan", guardPlans + "inline-role/plan.json", "--rules", rules}, "guard.hcl:2:10: Invalid mode"},
		{[]string{"--plan", guardPlans + "inline-role/plan.json", "--format", "xml"}, "--format must be text, json, sarif or markdown"},
		{[]string{"--plan", guardPlans + "inline-role/plan.json", "--fail-on", "fatal"}, "--fail-on must be"},
		{[]string{"--plan", guardPlans + "inline-role/plan.json", "extra"}, "unexpected argument"},
	}
	for _, c := range cases {
		code, _, errOut := runGuardArgs(t, "", c.args...)
		if code != 2 || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", c.args, code, errOut, c.want)
		}
	}
}

func TestGuardCommandJSONAndSARIF(t *testing.T) {
	plan := guardPlans + "public-queue-topic/plan.json"
	_, out, _ := runGuardArgs(t, "", "--plan", plan, "--format", "json")
	var report struct {
		Account  string
		Findings []struct {
			Code, Level, Address string
			Witness              struct{ Action, Principal string }
			Allows               []struct{ Kind, Policy string }
		}
	}
	if err := json.Unmarshal([]byte(out), &report); err != nil {
		t.Fatalf("json: %v\n%s", err, out)
	}
	if len(report.Findings) != 1 || report.Findings[0].Code != "public-access" || report.Findings[0].Level != "error" ||
		report.Findings[0].Address != "aws_sns_topic_policy.alerts" || report.Findings[0].Witness.Action == "" || len(report.Findings[0].Allows) != 1 {
		t.Errorf("json report: %+v", report)
	}

	_, out, _ = runGuardArgs(t, "", "--plan", plan, "--format", "sarif")
	var log struct {
		Version string
		Runs    []struct {
			Tool struct {
				Driver struct {
					Name  string
					Rules []struct{ ID string }
				}
			}
			Results []struct {
				RuleID    string
				RuleIndex int
				Level     string
				Message   struct{ Text string }
				Locations []struct {
					PhysicalLocation struct{ ArtifactLocation struct{ URI string } }
					LogicalLocations []struct{ Name, Kind string }
				}
			}
		}
	}
	if err := json.Unmarshal([]byte(out), &log); err != nil {
		t.Fatalf("sarif: %v\n%s", err, out)
	}
	if log.Version != "2.1.0" || len(log.Runs) != 1 || len(log.Runs[0].Results) != 1 {
		t.Fatalf("sarif: %s", out)
	}
	run := log.Runs[0]
	res := run.Results[0]
	if run.Tool.Driver.Rules[res.RuleIndex].ID != res.RuleID || res.RuleID != "public-access" || res.Level != "error" {
		t.Errorf("result %+v", res)
	}
	loc := res.Locations[0]
	if loc.LogicalLocations[0].Name != "aws_sns_topic_policy.alerts" || !strings.HasSuffix(loc.PhysicalLocation.ArtifactLocation.URI, "public-queue-topic/main.tf") {
		t.Errorf("location %+v", loc)
	}
	if !strings.Contains(res.Message.Text, "Witness:") {
		t.Errorf("message %q", res.Message.Text)
	}
}

// The shipped demo: the example rules over the example plan.
func TestGuardCommandExample(t *testing.T) {
	code, out, errOut := runGuardArgs(t, "", "--plan", "../../examples/guard/plan.json", "--rules", "../../examples/guard/guard.hcl")
	if code != 1 || !strings.Contains(out, "forbidden-access [forbid.users-do-not-change-iam]") || errOut != "" {
		t.Errorf("exit %d\n%s%s", code, out, errOut)
	}
}
