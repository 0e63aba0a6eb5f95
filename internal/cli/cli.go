// Package cli is the command line of terraform-provider-iam: evaluate, validate, check, guard.
package cli

import (
	"fmt"
	"io"
)

// Run runs the subcommand in args (args[0] is the subcommand) and returns the exit status:
// 0 success, 1 violations or failed cases, 2 bad usage or unreadable input.
func Run(args []string, stdin io.Reader, stdout, stderr io.Writer, version string) int {
	fmt.Fprintln(stderr, "not implemented yet")
	return 2
}
