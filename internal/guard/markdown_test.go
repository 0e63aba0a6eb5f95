package guard

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/iamguard/terraform-provider-iam/internal/golden"
	"github.com/iamguard/terraform-provider-iam/internal/tfplan"
)

// The Markdown report of every plan in testdata/plans (checks and access changes) is the one in
// testdata/markdown. The reports name catalogue counts: after the catalogue changes, review the
// difference and rewrite them with go test -run TestMarkdownGolden -update.
func TestMarkdownGolden(t *testing.T) {
	dirs, err := filepath.Glob("testdata/plans/*/plan.json")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no plans: %v", err)
	}
	for _, path := range dirs {
		name := filepath.Base(filepath.Dir(path))
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			p, err := tfplan.ReadPlan(bytes.NewReader(data), "plans/"+name+"/plan.json")
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			if err := CheckWithDiff(context.Background(), p, DefaultRules()).WriteMarkdown(&out, LevelError); err != nil {
				t.Fatal(err)
			}
			golden.Check(t, filepath.Join("testdata", "markdown", name+".md"), out.String())
		})
	}
}

// The access section of the Markdown report lists an action the plan adds, with the resources
// it is granted on; the widened policy's removed scope is not reported as removed access (the
// role could delete objects nowhere before). Without the diff the section is left out, and the
// text and JSON reports carry it only when asked.
func TestMarkdownListsAddedAction(t *testing.T) {
	p := readTestPlan(t, "policy-widened")
	r := CheckWithDiff(context.Background(), p, DefaultRules())
	var md bytes.Buffer
	if err := r.WriteMarkdown(&md, LevelError); err != nil {
		t.Fatal(err)
	}
	section, ok := strings.CutPrefix(md.String()[strings.Index(md.String(), "### Access changes"):], "### Access changes")
	if !ok {
		t.Fatalf("no access section:\n%s", md.String())
	}
	for _, want := range []string{"#### `aws_iam_role.etl`", "1 action added, 0 removed.", "| + | s3 | Write | `s3:DeleteObject` | `arn:aws:s3:::acme-*/*` |"} {
		if !strings.Contains(section, want) {
			t.Errorf("the access section lacks %q:\n%s", want, section)
		}
	}
	plain := Check(p, DefaultRules())
	md.Reset()
	if err := plain.WriteMarkdown(&md, LevelError); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(md.String(), "Access changes") {
		t.Errorf("a report without the diff has an access section:\n%s", md.String())
	}
	var text, js bytes.Buffer
	if err := r.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	if err := r.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text.String(), "  + s3 Write: s3:DeleteObject (on arn:aws:s3:::acme-*/*)") || !strings.Contains(js.String(), `"action": "s3:DeleteObject"`) {
		t.Errorf("text or JSON lacks the change:\n%s\n%s", text.String(), js.String())
	}
	text.Reset()
	if err := plain.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(text.String(), "access changes") {
		t.Errorf("text without the diff lists access changes:\n%s", text.String())
	}
}

// A report with more findings than the comment lists says how many it left out.
func TestMarkdownCapsFindings(t *testing.T) {
	r := &Report{Plan: "p", Account: "111122223333"}
	for i := 0; i < maxMarkdownFindings+7; i++ {
		r.Findings = append(r.Findings, Finding{Code: CodeAccessKey, Level: LevelWarning, Address: "aws_iam_access_key.k" + strconv.Itoa(i), Message: "m"})
	}
	r.Findings = append(r.Findings, Finding{Code: CodeNotChecked, Level: LevelNote, Address: "x", Message: "n"})
	var b bytes.Buffer
	if err := r.WriteMarkdown(&b, LevelError); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if n := strings.Count(out, "| `access-key`"); n != maxMarkdownFindings {
		t.Errorf("%d rows, want %d", n, maxMarkdownFindings)
	}
	if !strings.Contains(out, "8 more findings") || !strings.Contains(out, "**Passes**") {
		t.Errorf("report:\n%s", out[len(out)-400:])
	}
}

func readTestPlan(t *testing.T, name string) *tfplan.Plan {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "plans", name, "plan.json"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := tfplan.ReadPlan(bytes.NewReader(data), name)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// Every finding code has a remedy.
func TestRemedyForEveryCode(t *testing.T) {
	for _, c := range Codes() {
		if Remedy(&Finding{Code: c}) == "" {
			t.Errorf("no remedy for %s", c)
		}
	}
}

// A table cell holds any text: no line break, no pipe that splits the cell, and a code span
// that gives back the text (line breaks as spaces).
func FuzzMarkdownCell(f *testing.F) {
	for _, s := range []string{"", "a|b", "`", "``x``", "arn:aws:s3:::a-*/*", "line\nbreak\r", "@team <b>&amp;</b>", "\\|", "a`b``c", " ` "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, cell := range []string{mdCode(s), mdEscape(s)} {
			if strings.ContainsAny(cell, "\r\n") {
				t.Fatalf("line break in %q", cell)
			}
			// GitHub's table splits a row at a pipe that no backslash escapes, a backslash
			// escaping whatever character follows it.
			for i := 0; i < len(cell); i++ {
				switch cell[i] {
				case '\\':
					i++
				case '|':
					t.Fatalf("unescaped pipe in %q", cell)
				}
			}
		}
		if strings.Contains(s, `\|`) {
			return // written as escaped text
		}
		code := mdCode(s)
		n := 0
		for n < len(code) && code[n] == '`' {
			n++
		}
		fence := code[:n]
		if n == 0 || !strings.HasSuffix(code, fence) || len(code) < 2*n {
			t.Fatalf("no fence in %q", code)
		}
		inner := code[n : len(code)-n]
		if strings.Contains(inner, fence) {
			t.Fatalf("the fence %q occurs inside %q", fence, code)
		}
		want := strings.NewReplacer("\r", " ", "\n", " ").Replace(s)
		got := strings.ReplaceAll(inner, `\|`, "|")
		if got != want && got != " "+want+" " {
			t.Fatalf("mdCode(%q) = %q", s, code)
		}
	})
}

// BenchmarkGuardMarkdownWithDiff checks the passrole-escalation plan (a new administrator role
// and a user that reaches it), lists both principals' access changes over every catalogue action
// and writes the Markdown comment.
func BenchmarkGuardMarkdownWithDiff(b *testing.B) {
	data, err := os.ReadFile("testdata/plans/passrole-escalation/plan.json")
	if err != nil {
		b.Fatal(err)
	}
	p, err := tfplan.ReadPlan(bytes.NewReader(data), "plan.json")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		var out bytes.Buffer
		if err := CheckWithDiff(context.Background(), p, DefaultRules()).WriteMarkdown(&out, LevelError); err != nil {
			b.Fatal(err)
		}
	}
}
