// Package cli is the command line of terraform-provider-iam: evaluate, and the other
// subcommands as they land. Exit status everywhere: 0 success or no violation, 1 violations or
// failed cases, 2 bad usage or unreadable input, 3 internal error, 4 out of memory.
package cli

import (
	"fmt"
	"io"
	"runtime/debug"
	"strings"

	"github.com/iamguard/terraform-provider-iam/internal/catalog"
)

// Exit statuses shared by every subcommand.
const (
	exitOK        = 0
	exitViolation = 1
	exitUsage     = 2
	// exitInternal is an internal failure (a bug: a panic), never mistaken for bad input.
	exitInternal = 3
	// exitResources (memory.go, 4): the run reached its memory limit.
)

// command is one subcommand of the binary. The table of commands (commands) drives the dispatch,
// the command list of the usage, each command's usage line and the CLI reference
// (templates/guides/cli-reference.md.tmpl).
type command struct {
	name string
	// summary is the one line that the command list shows.
	summary string
	// usage is the synopsis after the binary's name: the command, its flags and arguments.
	usage string
	run   func(args []string, stdin io.Reader, stdout, stderr io.Writer) int
}

// commands returns the table of subcommands, in the order the usage lists them. It is a
// function, not a variable, because the commands print their usage line from it.
func commands() []command {
	return []command{
		{"evaluate", "decide requests given as JSON Lines cases",
			"evaluate [flags] [FILE|-]", runEvaluate},
		{"check", "prove that principals can never reach forbidden access and still reach required access",
			"check [flags] [FILE|-]", runCheck},
		{"access", "list everything a principal may do, by service and access level (effective permissions)",
			"access [flags] [FILE|-]", runAccess},
		{"least-privilege", "write the smallest identity policy that allows exactly the required requests",
			"least-privilege [flags] [FILE|-]", runLeastPrivilege},
		{"validate", "lint policy documents for their policy type (errors, security warnings, warnings, suggestions)",
			"validate [flags] FILE|ARN...", runValidate},
		{"guard", "check a Terraform plan (terraform show -json) against IAM rules and best practices",
			"guard --plan plan.json [--rules guard.hcl] [--format text|json|sarif|markdown] [--diff] [--fail-on LEVEL]", runGuard},
		{"diff", "show the access each principal gains and loses in a plan (effective permissions before and after)",
			"diff --plan plan.json [--rules guard.hcl] [--format markdown|json]", runDiff},
		{"who-can", "list the principals of a plan that may perform an action, directly or through role chains",
			"who-can --plan plan.json [--rules guard.hcl] [--resource ARN] ACTION", runWhoCan},
		{"version", "print the version and the AWS data versions",
			"version   (also --version)", runVersion},
	}
}

// lookup returns the command of the table with the given name.
func lookup(name string) (command, bool) {
	for _, c := range commands() {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

// usageLine is the first line of a command's help: "usage: terraform-provider-iam " and the
// command's synopsis from the table.
func usageLine(name string) string {
	c, ok := lookup(name)
	if !ok {
		panic("cli: usageLine of an unknown command " + name)
	}
	return "usage: terraform-provider-iam " + c.usage
}

// Run runs the subcommand in args (args[0] is the subcommand) and returns the exit status.
// Help is asked for with -h, -help or --help anywhere among a command's arguments (before "--"),
// or as "help COMMAND"; it goes to stdout with exit status 0, since it is the output asked for.
func Run(args []string, stdin io.Reader, stdout, stderr io.Writer, version string) (status int) {
	toolVersion = version
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(stderr, "terraform-provider-iam: internal error (please report it): %v\n%s", r, debug.Stack())
			status = exitInternal
		}
	}()
	cmds := commands()
	if len(args) == 0 {
		usage(stdout, cmds)
		return exitUsage
	}
	name, rest := args[0], args[1:]
	switch {
	case isHelpFlag(name) || name == "help" && len(rest) == 0:
		usage(stdout, cmds)
		return exitOK
	case name == "help":
		name, rest = rest[0], []string{"-h"}
	case isVersionFlag(name):
		name = "version"
	}
	if c, ok := lookup(name); ok {
		rest, limit, set, err := splitMemoryFlag(rest)
		if err != nil {
			fmt.Fprintf(stderr, "%s: %v\n", name, err)
			return exitUsage
		}
		if !set {
			limit = defaultMemoryLimit()
		}
		defer watchMemory(limit, stderr)()
		if wantsHelp(rest) {
			// Every command's flag set prints its usage to the error stream and reports a usage
			// error for -h; asked for, the usage is the output and the run a success.
			c.run([]string{"-h"}, strings.NewReader(""), stdout, stdout)
			return exitOK
		}
		return c.run(rest, stdin, stdout, stderr)
	}
	fmt.Fprintf(stderr, "terraform-provider-iam: unknown command %q\n\n", name)
	usage(stderr, cmds)
	return exitUsage
}

// isHelpFlag reports whether arg is one of the spellings of the help flag the flag package
// accepts.
func isHelpFlag(arg string) bool {
	switch arg {
	case "-h", "-help", "--help", "--h":
		return true
	}
	return false
}

// isVersionFlag reports whether arg asks for the version in the form most tools take.
func isVersionFlag(arg string) bool {
	return arg == "--version" || arg == "-version" || arg == "-v"
}

// wantsHelp reports whether a command's arguments ask for its help: a help flag before the "--"
// that ends the flags.
func wantsHelp(args []string) bool {
	for _, a := range args {
		if a == "--" {
			return false
		}
		if isHelpFlag(a) {
			return true
		}
	}
	return false
}

// toolVersion is the version of the binary, for reports that name their tool (SARIF).
var toolVersion string

func usage(w io.Writer, commands []command) {
	var b strings.Builder
	b.WriteString("usage: terraform-provider-iam <command> [flags] [args]\n\n")
	b.WriteString("Without a command, the binary serves the Terraform provider (Terraform starts it).\n\ncommands:\n")
	for _, c := range commands {
		fmt.Fprintf(&b, "  %-10s %s\n", c.name, c.summary)
	}
	b.WriteString("\nRun 'terraform-provider-iam <command> -h' for the flags of a command, --version for the version.\n")
	b.WriteString("Every command takes --max-memory SIZE (such as 4GiB; 0: no limit; default: 3/4 of the machine's memory).\n")
	b.WriteString("Exit status: 0 success, 1 violations or failed cases, 2 bad usage or unreadable input, 3 internal error,\n4 out of memory (--max-memory).\n")
	fmt.Fprint(w, b.String())
}

func runVersion(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		w, status := stderr, exitUsage
		if wantsHelp(args) {
			w, status = stdout, exitOK
		} else {
			fmt.Fprintf(stderr, "version: takes no arguments, got %q\n", args[0])
		}
		fmt.Fprintln(w, usageLine("version"))
		fmt.Fprintln(w, "Prints the version of the binary and the versions of the embedded AWS data.")
		return status
	}
	fmt.Fprintf(stdout, "terraform-provider-iam %s\n", toolVersion)
	for _, line := range dataVersions() {
		fmt.Fprintln(stdout, line)
	}
	return exitOK
}

// dataVersions lists the versions of the embedded AWS data.
func dataVersions() []string {
	return []string{"AWS data: " + catalog.DataVersion()}
}
