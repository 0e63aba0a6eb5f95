// Package cli is the command line of terraform-provider-iam: evaluate, and the other
// subcommands as they land. Exit status everywhere: 0 success or no violation, 1 violations or
// failed cases, 2 bad usage or unreadable input.
package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/iamguard/terraform-provider-iam/internal/catalog"
)

// Exit statuses shared by every subcommand.
const (
	exitOK        = 0
	exitViolation = 1
	exitUsage     = 2
)

type command struct {
	name    string
	summary string
	run     func(args []string, stdin io.Reader, stdout, stderr io.Writer) int
}

// Run runs the subcommand in args (args[0] is the subcommand) and returns the exit status.
func Run(args []string, stdin io.Reader, stdout, stderr io.Writer, version string) int {
	toolVersion = version
	commands := []command{
		{"evaluate", "decide requests given as JSON Lines cases", runEvaluate},
		{"version", "print the version and the AWS data versions", func(args []string, _ io.Reader, stdout, _ io.Writer) int {
			return runVersion(stdout, version)
		}},
	}
	commands = append(commands, extraCommands...)
	if len(args) == 0 || args[0] == "help" || args[0] == "--help" || args[0] == "-h" {
		usage(stdout, commands)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	for _, c := range commands {
		if c.name == args[0] {
			return c.run(args[1:], stdin, stdout, stderr)
		}
	}
	fmt.Fprintf(stderr, "terraform-provider-iam: unknown command %q\n\n", args[0])
	usage(stderr, commands)
	return exitUsage
}

// toolVersion is the version of the binary, for reports that name their tool (SARIF).
var toolVersion string

// extraCommands are registered by the files of later subcommands.
var extraCommands []command

func usage(w io.Writer, commands []command) {
	var b strings.Builder
	b.WriteString("usage: terraform-provider-iam <command> [flags] [args]\n\n")
	b.WriteString("Without a command, the binary serves the Terraform provider (Terraform starts it).\n\ncommands:\n")
	for _, c := range commands {
		fmt.Fprintf(&b, "  %-10s %s\n", c.name, c.summary)
	}
	b.WriteString("\nRun 'terraform-provider-iam <command> -h' for the flags of a command.\n")
	b.WriteString("Exit status: 0 success, 1 violations or failed cases, 2 bad usage or unreadable input.\n")
	fmt.Fprint(w, b.String())
}

func runVersion(stdout io.Writer, version string) int {
	fmt.Fprintf(stdout, "terraform-provider-iam %s\n", version)
	for _, line := range dataVersions() {
		fmt.Fprintln(stdout, line)
	}
	return exitOK
}

// dataVersions lists the versions of the embedded AWS data.
func dataVersions() []string {
	return []string{"AWS data: " + catalog.DataVersion()}
}
