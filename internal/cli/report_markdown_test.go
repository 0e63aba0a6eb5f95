package cli

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/iamguard/terraform-provider-iam/internal/golden"
	"github.com/iamguard/terraform-provider-iam/internal/guard"
)

// The Markdown reports of validate and check for a few inputs are those in testdata/markdown.
// The messages come from the validator and the engine: after they change, review the
// difference and rewrite the files with go test -run TestReportMarkdownGolden -update.
func TestReportMarkdownGolden(t *testing.T) {
	unicodePolicy := `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Condition": {"StringEquals": {"aws:PrincipalTag/team": "é😀"}}, "Action": "s3:GetObjekt", "Resource": "*"}]}`
	dir := writeFiles(t, map[string]string{"pass.json": passRolePolicy, "clean.json": cleanPolicy, "unicode.json": unicodePolicy, "checks.jsonl": reportChecks,
		"passing.jsonl": strings.Split(reportChecks, "\n")[4] + "\n"})
	goldenDir, err := filepath.Abs(filepath.Join("testdata", "markdown"))
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	for _, c := range []struct {
		name     string
		args     []string
		wantExit int
	}{
		{"validate-findings", []string{"validate", "pass.json", "clean.json", "unicode.json"}, 1},
		{"validate-clean", []string{"validate", "clean.json"}, 0},
		{"validate-fail-on-none", []string{"validate", "--fail-on", "none", "pass.json"}, 0},
		{"validate-fail-on-warning", []string{"validate", "--fail-on", "warning", "pass.json"}, 1},
		{"check-failures", []string{"check", "checks.jsonl"}, 1},
		{"check-undecided", []string{"check", "--budget", "1", "checks.jsonl"}, 1},
		{"check-passing", []string{"check", "passing.jsonl"}, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := run(t, "", append(c.args, "--format", "markdown")...)
			if code != c.wantExit {
				t.Fatalf("exit %d, want %d; stderr %s", code, c.wantExit, errOut)
			}
			golden.Check(t, filepath.Join(goldenDir, c.name+".md"), out)
		})
	}
}

// hostile is policy text made to break a Markdown table: pipes, a line break that would end
// the row and start another, backticks, HTML, a mention, a terminal escape, a bell and a
// bidirectional override.
const hostile = "s3:Get|Obj`x`\n| injected | row |\u0007\u001b[31m<b>@team\u202e|"

// No policy text, check id or file name can add a row or a cell to a Markdown table or carry a
// control character into the comment.
func TestReportMarkdownHostileText(t *testing.T) {
	quoted, _ := json.Marshal(hostile)
	policy := `{"Version": "2012-10-17", "Statement": [{"Sid": ` + string(quoted) + `, "Effect": "Allow", "Action": [` + string(quoted) + `, "s3:GetObjekt"], "Resource": ` + string(quoted) + `}]}`
	check := `{"id":` + string(quoted) + `,"request":{"principal":` + role + `},"identityPolicies":[` + strings.Replace(allowAll, `"AllowAll"`, string(quoted), 1) + `],"forbid":` + forbidIAM + `}` + "\nnot json " + hostile[:14] + "\n"
	dir := writeFiles(t, map[string]string{"p|q.json": policy, "c.jsonl": check})
	t.Chdir(dir)
	for _, c := range []struct {
		name     string
		args     []string
		findings func(jsonOut string) int
	}{
		{"validate", []string{"validate", "p|q.json"}, func(out string) int {
			var v validateOutput
			if err := json.Unmarshal([]byte(out), &v); err != nil {
				t.Fatal(err)
			}
			return len(v.Findings)
		}},
		{"check", []string{"check", "c.jsonl"}, func(out string) int {
			n := 0
			for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
				var r checkResult
				if err := json.Unmarshal([]byte(l), &r); err != nil {
					t.Fatal(err)
				}
				n += len(r.Violations) + len(r.Unmet) + len(r.Undecided)
				if r.Error != "" {
					n++
				}
			}
			return n
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, jsonOut, _ := run(t, "", append(c.args, "--format", "json")...)
			want := c.findings(jsonOut)
			_, out, errOut := run(t, "", append(c.args, "--format", "markdown")...)
			if want < 2 || out == "" {
				t.Fatalf("%d findings, output %q, stderr %s", want, out, errOut)
			}
			for _, r := range out {
				if (r < 0x20 && r != '\n') || r == 0x7f || (r >= 0x80 && r < 0xa0) || unicode.Is(unicode.Bidi_Control, r) {
					t.Errorf("the report carries the control character %U:\n%s", r, out)
				}
			}
			rows := 0
			header := -1
			for _, line := range strings.Split(out, "\n") {
				if !strings.HasPrefix(line, "|") {
					header = -1
					continue
				}
				cells := unescapedPipes(line)
				switch {
				case header < 0:
					header = cells
				case strings.HasPrefix(line, "|---"):
				case cells != header:
					t.Errorf("a row with %d cell borders under a header with %d: %s", cells, header, line)
				default:
					rows++
				}
			}
			if rows != want {
				t.Errorf("%d table rows, want one per finding (%d):\n%s", rows, want, out)
			}
		})
	}
}

// unescapedPipes counts the pipes of a table line that split cells: those not escaped by an
// odd number of backslashes.
func unescapedPipes(line string) int {
	n, backslashes := 0, 0
	for _, r := range line {
		switch {
		case r == '\\':
			backslashes++
			continue
		case r == '|' && backslashes%2 == 0:
			n++
		}
		backslashes = 0
	}
	return n
}

// A report with more findings than a comment holds lists at most guard.MarkdownFindingLimit
// rows, stays below GitHub's 65,536 characters of a comment, and says how many it left out.
func TestReportMarkdownCapped(t *testing.T) {
	for _, c := range []struct {
		name   string
		action func(i int) string
	}{
		{"many findings", func(i int) string { return fmt.Sprintf("s3:GetObjekt%d", i) }},
		{"long findings", func(i int) string { return fmt.Sprintf("s3:GetObjekt%d%s", i, strings.Repeat("@|", 400)) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			var actions []string
			for i := range 150 {
				actions = append(actions, strconv.Quote(c.action(i)))
			}
			policy := `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": [` + strings.Join(actions, ",") + `], "Resource": "*"}]}`
			dir := writeFiles(t, map[string]string{"p.json": policy})
			_, jsonOut, _ := run(t, "", "validate", "--format", "json", filepath.Join(dir, "p.json"))
			var v validateOutput
			if err := json.Unmarshal([]byte(jsonOut), &v); err != nil {
				t.Fatal(err)
			}
			_, out, _ := run(t, "", "validate", "--format", "markdown", filepath.Join(dir, "p.json"))
			rows := strings.Count(out, "\n| `")
			var left int
			if i := strings.LastIndex(out, "\n"+"\n"); i >= 0 {
				// A tail that does not read so leaves left at 0, which the check below reports.
				_, _ = fmt.Sscanf(out[i+2:], "%d more findings left out", &left)
			}
			if rows > guard.MarkdownFindingLimit || len(out) >= 65536 || left == 0 || rows+left != len(v.Findings) {
				t.Errorf("%d findings: %d rows, %d left out, %d bytes", len(v.Findings), rows, left, len(out))
			}
			if testing.Verbose() {
				t.Logf("%d findings: %d rows, %d left out, %d bytes", len(v.Findings), rows, left, len(out))
			}
		})
	}
}

// Whatever the text, a cell written with mdText or mdCodeText stays one cell of one row: no
// pipe that splits it, no line break, no control or bidirectional format character.
func FuzzMarkdownCell(f *testing.F) {
	for _, s := range []string{"", "a|b", `a\|b`, `\\|`, "`", "``|``", "x\n| y |", "\r\n", "\x00\x1b[2J", "\u202e|", "@team <b>", "\xff|", strings.Repeat("|", 600), hostile} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, cell := range []string{mdText(s), mdCodeText(s)} {
			row := "| " + cell + " | x |"
			if n := unescapedPipes(row); n != 3 {
				t.Errorf("%q: the row %q has %d cell borders, want 3", s, row, n)
			}
			for _, r := range cell {
				if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || unicode.Is(unicode.Bidi_Control, r) || r == 0x2028 || r == 0x2029 {
					t.Errorf("%q: the cell %q carries %U", s, cell, r)
				}
			}
		}
	})
}
