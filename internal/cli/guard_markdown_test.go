package cli

import (
	"encoding/json"
	"strings"
	"testing"
)

// guard --format markdown carries the access changes unless --diff=false; --diff adds them to
// text and JSON; SARIF refuses them; the exit status follows --fail-on as in the other formats.
func TestGuardMarkdownAndDiffFlag(t *testing.T) {
	widened := guardPlans + "policy-widened/plan.json"
	row := "| + | s3 | Write | `s3:DeleteObject` | `arn:aws:s3:::acme-*/*` |"
	code, out, errOut := runGuardArgs(t, "", "--plan", widened, "--format", "markdown")
	if code != 0 || !strings.HasPrefix(out, "## IAM guard\n") || !strings.Contains(out, "### Access changes") || !strings.Contains(out, row) {
		t.Errorf("markdown: exit %d\n%s%s", code, out, errOut)
	}
	if _, out, _ := runGuardArgs(t, "", "--plan", widened, "--format", "markdown", "--diff=false"); strings.Contains(out, "Access changes") {
		t.Errorf("--diff=false still lists access changes:\n%s", out)
	}
	if _, out, _ := runGuardArgs(t, "", "--plan", widened); strings.Contains(out, "access changes") {
		t.Errorf("text lists access changes without --diff:\n%s", out)
	}
	if _, out, _ := runGuardArgs(t, "", "--plan", widened, "--diff"); !strings.Contains(out, "+ s3 Write: s3:DeleteObject (on arn:aws:s3:::acme-*/*)") {
		t.Errorf("text --diff:\n%s", out)
	}
	_, out, _ = runGuardArgs(t, "", "--plan", widened, "--format", "json", "--diff")
	var report struct {
		AccessChanges []struct {
			Address string
			Added   []struct{ Action string }
		} `json:"access_changes"`
	}
	if err := json.Unmarshal([]byte(out), &report); err != nil || len(report.AccessChanges) != 1 || report.AccessChanges[0].Added[0].Action != "s3:DeleteObject" {
		t.Errorf("json --diff (%v):\n%s", err, out)
	}
	if _, out, _ := runGuardArgs(t, "", "--plan", widened, "--format", "json"); strings.Contains(out, "access_changes") {
		t.Errorf("json lists access changes without --diff:\n%s", out)
	}
	if code, _, errOut := runGuardArgs(t, "", "--plan", widened, "--format", "sarif", "--diff"); code != 2 || !strings.Contains(errOut, "--diff is for text, json and markdown") {
		t.Errorf("sarif --diff: exit %d %s", code, errOut)
	}
	// A failing plan says so in the comment and exits 1; --fail-on never passes it.
	escalation := guardPlans + "passrole-escalation/plan.json"
	code, out, _ = runGuardArgs(t, "", "--plan", escalation, "--format", "markdown")
	if code != 1 || !strings.Contains(out, "**Fails**") || !strings.Contains(out, "| `new-admin-access`") || !strings.Contains(out, "**Permissions management added: ") {
		t.Errorf("escalation: exit %d\n%s", code, out)
	}
	if code, out, _ := runGuardArgs(t, "", "--plan", escalation, "--format", "markdown", "--fail-on", "never"); code != 0 || !strings.Contains(out, "**Passes**") {
		t.Errorf("--fail-on never: exit %d", code)
	}
}
