package cli

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// scripts/ci-guard.sh, which the GitHub Action and the GitLab example run, guards a plan with
// the binary: SARIF for code scanning, the text report, and a Markdown summary with the diff.
func TestCIGuardScript(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "terraform-provider-iam")
	build := exec.Command("go", "build", "-o", bin, "../..")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	plan, err := os.ReadFile("../../examples/guard/plan.json")
	if err != nil {
		t.Fatal(err)
	}
	planPath := filepath.Join(dir, "plan.json")
	if err := os.WriteFile(planPath, plan, 0o600); err != nil {
		t.Fatal(err)
	}
	summary := filepath.Join(dir, "summary.md")
	cmd := exec.Command("bash", "../../scripts/ci-guard.sh", bin, planPath, "../../examples/guard/guard.hcl", "error")
	cmd.Env = append(os.Environ(), "GITHUB_STEP_SUMMARY="+summary)
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("want exit status 1 (the shipped plan has findings), got %v\n%s", err, out)
	}
	sarif, err := os.ReadFile(filepath.Join(dir, "guard.sarif"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Version string `json:"version"`
		Runs    []struct {
			Results []json.RawMessage `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(sarif, &doc); err != nil || doc.Version != "2.1.0" || len(doc.Runs) != 1 || len(doc.Runs[0].Results) == 0 {
		t.Errorf("SARIF %v: version %q runs %d", err, doc.Version, len(doc.Runs))
	}
	md, err := os.ReadFile(summary)
	if err != nil {
		t.Fatal(err)
	}
	if s := string(md); !strings.Contains(s, "## IAM guard") || !strings.Contains(s, "### Access changes") || !strings.Contains(s, "| finding | resource | principal | witness | how to fix |") {
		t.Errorf("summary:\n%s", s)
	}
}
