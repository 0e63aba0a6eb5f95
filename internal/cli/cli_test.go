package cli

import (
	"bytes"
	"strings"
	"testing"
)

// commandNames lists every registered subcommand, read from the usage so that a command added
// later is covered without editing this test.
func commandNames(t *testing.T) []string {
	t.Helper()
	var out bytes.Buffer
	Run([]string{"help"}, strings.NewReader(""), &out, &out, "test")
	_, list, ok := strings.Cut(out.String(), "commands:\n")
	if !ok {
		t.Fatalf("usage has no command list:\n%s", out.String())
	}
	var names []string
	for _, line := range strings.Split(list, "\n") {
		if !strings.HasPrefix(line, "  ") {
			break
		}
		names = append(names, strings.Fields(line)[0])
	}
	if len(names) < 5 {
		t.Fatalf("usage lists %d commands: %q", len(names), names)
	}
	return names
}

func runCLI(args ...string) (status int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	status = Run(args, strings.NewReader(""), &out, &errOut, "1.2.3")
	return status, out.String(), errOut.String()
}

// Help of every subcommand, however asked for, is printed to stdout with exit status 0.
func TestHelpOfEveryCommand(t *testing.T) {
	for _, name := range commandNames(t) {
		for _, args := range [][]string{{name, "--help"}, {name, "-h"}, {name, "-help"}, {"help", name}, {name, "x.json", "--help"}} {
			status, stdout, stderr := runCLI(args...)
			if status != exitOK {
				t.Errorf("%q: exit status %d, want 0", args, status)
			}
			if !strings.HasPrefix(stdout, "usage: terraform-provider-iam "+name) {
				t.Errorf("%q: stdout does not begin with the command's usage:\n%s", args, stdout)
			}
			if stderr != "" {
				t.Errorf("%q: wrote to stderr:\n%s", args, stderr)
			}
		}
	}
}

// "--" ends the flags: a help flag after it is an argument, not a request for help.
func TestHelpFlagAfterDoubleDash(t *testing.T) {
	if wantsHelp([]string{"--", "-h"}) {
		t.Error("wantsHelp(-- -h) = true")
	}
	if !wantsHelp([]string{"cases.jsonl", "--help"}) {
		t.Error("wantsHelp(cases.jsonl --help) = false")
	}
}

func TestUsage(t *testing.T) {
	names := commandNames(t)
	for _, args := range [][]string{{"--help"}, {"-h"}, {"help"}} {
		status, stdout, _ := runCLI(args...)
		if status != exitOK {
			t.Errorf("%q: exit status %d, want 0", args, status)
		}
		for _, name := range names {
			if !strings.Contains(stdout, "\n  "+name+" ") {
				t.Errorf("%q: usage does not name %s:\n%s", args, name, stdout)
			}
		}
	}
	// No command is a usage error, but the usage is still what the person asked to see.
	if status, stdout, _ := runCLI(); status != exitUsage || !strings.Contains(stdout, "\n  evaluate ") {
		t.Errorf("no arguments: exit status %d, stdout:\n%s", status, stdout)
	}
	status, stdout, stderr := runCLI("evalute")
	if status != exitUsage || stdout != "" || !strings.Contains(stderr, `unknown command "evalute"`) {
		t.Errorf("unknown command: exit status %d, stdout %q, stderr:\n%s", status, stdout, stderr)
	}
}

func TestVersion(t *testing.T) {
	for _, args := range [][]string{{"version"}, {"--version"}, {"-version"}, {"-v"}} {
		status, stdout, stderr := runCLI(args...)
		if status != exitOK || stderr != "" {
			t.Errorf("%q: exit status %d, stderr %q", args, status, stderr)
		}
		if !strings.HasPrefix(stdout, "terraform-provider-iam 1.2.3\nAWS data: ") {
			t.Errorf("%q: stdout:\n%s", args, stdout)
		}
	}
	status, stdout, stderr := runCLI("version", "extra")
	if status != exitUsage || stdout != "" || !strings.Contains(stderr, `takes no arguments, got "extra"`) {
		t.Errorf("version extra: exit status %d, stdout %q, stderr %q", status, stdout, stderr)
	}
}

// A flag value that does not parse is named with the reason, not only with the usage.
func TestBadFlagValueGivesReason(t *testing.T) {
	status, _, stderr := runCLI("check", "--budget", "many")
	if status != exitUsage {
		t.Errorf("exit status %d, want %d", status, exitUsage)
	}
	if !strings.Contains(stderr, `invalid value "many" for flag -budget`) {
		t.Errorf("stderr does not give the reason:\n%s", stderr)
	}
}
