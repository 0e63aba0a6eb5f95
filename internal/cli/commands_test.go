package cli

import (
	"flag"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// Every command takes its flags after its file names as well as before: `cmd FILE --flag v`
// does what `cmd --flag v FILE` does, and the flag has an effect (the output differs from the
// run without it), so the equality is not that of two runs that ignore the flag.
func TestFlagsAfterArguments(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	principal := write("principal.jsonl", `{"id":"p","request":{"principal":"arn:aws:iam::111122223333:user/alice"},"identityPolicies":[{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}]}`+"\n")
	required := write("required.jsonl", `{"id":1,"require":[{"action":"s3:GetObject","resource":"arn:aws:s3:::b/k"}]}`+"\n")
	policy := write("policy.json", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:PassRole","Resource":"*"}]}`)
	plan := guardPlans + "passrole-escalation/plan.json"

	// Each case: the arguments that are not flags, and one flag with its value.
	cases := map[string]struct {
		args []string
		flag []string
	}{
		"evaluate":        {[]string{"../../examples/cases/demo.jsonl"}, []string{"--format", "text"}},
		"check":           {[]string{"../../examples/checks/deployer.jsonl"}, []string{"--budget", "1"}},
		"access":          {[]string{principal}, []string{"--format", "text"}},
		"least-privilege": {[]string{required}, []string{"--format", "policy"}},
		"validate":        {[]string{policy, policy}, []string{"--format", "json"}},
		"guard":           {[]string{"--plan", plan}, []string{"--format", "json"}},
		"diff":            {[]string{"--plan", plan}, []string{"--format", "json"}},
		"who-can":         {[]string{"--plan", plan, "iam:PassRole"}, []string{"--format", "json"}},
	}
	for _, c := range commands() {
		_, fs := commandHelp(c)
		if fs == nil {
			continue
		}
		tc, ok := cases[c.name]
		if !ok {
			t.Errorf("%s has flags but no case in this test", c.name)
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			runArgs := func(args ...string) [3]string {
				status, stdout, stderr := runCLI(append([]string{c.name}, args...)...)
				return [3]string{strings.Repeat("x", status), stdout, stderr}
			}
			before := runArgs(append(append([]string{}, tc.flag...), tc.args...)...)
			after := runArgs(append(append([]string{}, tc.args...), tc.flag...)...)
			if before != after {
				t.Errorf("flag after the arguments differs:\nbefore: %q\nafter:  %q", before, after)
			}
			if without := runArgs(tc.args...); without == before {
				t.Errorf("%q has no effect; the test proves nothing: %q", tc.flag, without)
			}
			if strings.Contains(before[2], "usage:") {
				t.Errorf("usage error: %s", before[2])
			}
		})
	}
}

func TestParseFlags(t *testing.T) {
	cases := []struct {
		args       []string
		positional []string
		format     string
		strict     bool
		budget     int
	}{
		{[]string{"a", "--format", "text", "b"}, []string{"a", "b"}, "text", false, 0},
		{[]string{"a", "-format=text", "--strict", "b", "-budget", "3"}, []string{"a", "b"}, "text", true, 3},
		// A boolean flag takes no value: what follows it is an argument.
		{[]string{"--strict", "a"}, []string{"a"}, "json", true, 0},
		{[]string{"--strict=false", "a"}, []string{"a"}, "json", false, 0},
		// "-" is standard input, an argument; "--" ends the flags.
		{[]string{"-", "--format", "text"}, []string{"-"}, "text", false, 0},
		{[]string{"a", "--", "--format", "-h"}, []string{"a", "--format", "-h"}, "json", false, 0},
		{[]string{"--budget", "2", "--", "--"}, []string{"--"}, "json", false, 2},
		{nil, []string{}, "json", false, 0},
	}
	for _, c := range cases {
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		format := fs.String("format", "json", "")
		strict := fs.Bool("strict", false, "")
		budget := fs.Int("budget", 0, "")
		got, ok := positionalArgs(fs, c.args)
		if !ok {
			t.Errorf("%q: does not parse", c.args)
			continue
		}
		if !reflect.DeepEqual(got, c.positional) || *format != c.format || *strict != c.strict || *budget != c.budget {
			t.Errorf("%q: arguments %q, format %q, strict %v, budget %d; want %q, %q, %v, %d",
				c.args, got, *format, *strict, *budget, c.positional, c.format, c.strict, c.budget)
		}
	}
	for _, bad := range [][]string{{"a", "--budget"}, {"a", "--budget", "x"}, {"--nope", "a"}} {
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		fs.Int("budget", 0, "")
		if _, ok := positionalArgs(fs, bad); ok {
			t.Errorf("%q: parsed", bad)
		}
	}
}

// "none" and "never" are the same --fail-on word in every command that takes --fail-on.
func TestFailOnNoneAndNever(t *testing.T) {
	plan := guardPlans + "passrole-escalation/plan.json"
	if status, _, stderr := runCLI("guard", "--plan", plan); status != exitViolation {
		t.Fatalf("guard without --fail-on: exit %d, want 1 (the test needs failing findings); %s", status, stderr)
	}
	dir := t.TempDir()
	policy := filepath.Join(dir, "p.json")
	if err := os.WriteFile(policy, []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:PassRole","Resource":"*"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if status, _, stderr := runCLI("validate", policy); status != exitViolation {
		t.Fatalf("validate without --fail-on: exit %d, want 1; %s", status, stderr)
	}
	for _, word := range []string{"none", "never", "NONE", "Never"} {
		if status, _, stderr := runCLI("guard", "--plan", plan, "--fail-on", word); status != exitOK {
			t.Errorf("guard --fail-on %s: exit %d; %s", word, status, stderr)
		}
		if status, _, stderr := runCLI("validate", policy, "--fail-on", word); status != exitOK {
			t.Errorf("validate --fail-on %s: exit %d; %s", word, status, stderr)
		}
	}
}

// The vocabulary table says which words each command accepts: a word it accepts runs, a word
// marked "—" is a usage error.
func TestFailOnVocabulary(t *testing.T) {
	dir := t.TempDir()
	policy := filepath.Join(dir, "p.json")
	if err := os.WriteFile(policy, []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, v := range failOnVocabulary {
		for _, c := range []struct {
			name    string
			meaning string
			args    []string
		}{
			{"validate", v.validate, []string{"validate", policy, "--fail-on", v.value}},
			{"guard", v.guard, []string{"guard", "--plan", guardPlans + "inline-role/plan.json", "--fail-on", v.value}},
		} {
			status, _, stderr := runCLI(c.args...)
			if accepted := status != exitUsage; accepted != (c.meaning != "") {
				t.Errorf("%s --fail-on %s: exit %d, but the table says accepted = %v; %s", c.name, v.value, status, c.meaning != "", stderr)
			}
		}
	}
}

// The reference page is generated from the command table; the committed page must be current
// (go generate ./internal/cli rewrites it).
func TestCLIReferenceIsCurrent(t *testing.T) {
	const path = "../../templates/guides/cli-reference.md.tmpl"
	committed, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(committed) != Reference() {
		t.Errorf("%s is not current: run go generate ./internal/cli (or make generate)", path)
	}
}

// The reference names every command of the table with its usage line, and every flag of each.
func TestCLIReferenceCoversEveryCommand(t *testing.T) {
	ref := Reference()
	for _, c := range commands() {
		if !strings.Contains(ref, "\n## "+c.name+"\n") || !strings.Contains(ref, usageLine(c.name)+"\n") {
			t.Errorf("reference lacks %s or its usage line", c.name)
		}
		help, fs := commandHelp(c)
		if !strings.HasPrefix(help, usageLine(c.name)+"\n") {
			t.Errorf("%s: help does not begin with the table's usage line:\n%s", c.name, help)
		}
		if fs == nil {
			continue
		}
		fs.VisitAll(func(f *flag.Flag) {
			if !strings.Contains(ref, "| `--"+f.Name) {
				t.Errorf("reference lacks %s --%s", c.name, f.Name)
			}
		})
		if fs.Lookup("fail-on") != nil && c.name != "validate" && c.name != "guard" {
			t.Errorf("%s takes --fail-on but has no column in the vocabulary table", c.name)
		}
	}
}
