package cli

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"

	"github.com/iamguard/terraform-provider-iam/internal/guard"
)

func runDiff(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("diff", flag.ContinueOnError)
	fs.SetOutput(stderr)
	planPath := fs.String("plan", "", "the `FILE` of the plan as JSON: the output of terraform show -json PLANFILE (- for standard input)")
	rulesPath := fs.String("rules", "", "a guard rules file (for the account, chain depth and organisation)")
	format := fs.String("format", "markdown", "output format: markdown (a pull-request comment) or json")
	fs.Usage = func() {
		fmt.Fprintln(stderr, usageLine("diff"))
		fmt.Fprintln(stderr, "For every principal whose policies the plan creates or changes, lists the actions it gains and")
		fmt.Fprintln(stderr, "loses (exact effective permissions before and after), by service and access level, the largest")
		fmt.Fprintln(stderr, "changes first. Exit status 0, 1 when some principal's access is undecided, 2 on bad input.")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return exitUsage
	}
	if fs.NArg() > 0 || *planPath == "" || (*format != "markdown" && *format != "json") {
		fs.Usage()
		return exitUsage
	}
	plan, rules, ok := readPlanAndRules("diff", *planPath, *rulesPath, stdin, stderr)
	if !ok {
		return exitUsage
	}
	diffs := guard.Diff(plan, rules)
	if *format == "json" {
		if diffs == nil {
			diffs = []guard.PrincipalDiff{}
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(diffs); err != nil {
			return exitUsage
		}
	} else {
		fmt.Fprint(stdout, guard.DiffMarkdown(diffs))
	}
	for _, d := range diffs {
		if d.Undecided != "" {
			return exitViolation
		}
	}
	return exitOK
}
