package cli

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/iamguard/terraform-provider-iam/internal/guard"
	"github.com/iamguard/terraform-provider-iam/internal/tfplan"
)

func runGuard(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("guard", flag.ContinueOnError)
	fs.SetOutput(stderr)
	planPath := fs.String("plan", "", "the `FILE` of the plan as JSON: the output of terraform show -json PLANFILE (- for standard input)")
	rulesPath := fs.String("rules", "", "the rules file (guard.hcl); without it: validation errors, public access and new administrative access fail, best practices are reported")
	format := fs.String("format", "text", "output format: text, json, sarif or markdown (a pull-request comment)")
	withDiff := fs.Bool("diff", false, "add the plan's access changes (what each principal gains and loses) to the report (default: on for markdown, off for text and json)")
	failOn := fs.String("fail-on", "error", "the level of finding that fails (exit status 1): error, warning, note or none (never fails)")
	timeout := timeoutFlag(fs, "what is still open is undecided")
	baseline := fs.String("baseline", "", "a previous run's JSON report (--format json): findings already in it are reported as baselined and do not fail")
	configDir := fs.String("config-dir", "", "the root module's directory, for the configuration files in SARIF output (default: the plan file's directory)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, usageLine("guard"))
		fmt.Fprintln(stderr, "Checks the IAM changes of a Terraform plan. Exit status: 0 no finding at or above --fail-on, 1 findings, 2 bad input.")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "guard: unexpected argument %q (the plan is given with --plan)\n", fs.Arg(0))
		return exitUsage
	}
	if *planPath == "" {
		fmt.Fprintln(stderr, "guard: --plan is required: run `terraform plan -out=tfplan && terraform show -json tfplan > plan.json` and pass --plan plan.json")
		return exitUsage
	}
	switch *format {
	case "text", "json", "sarif", "markdown":
	default:
		fmt.Fprintf(stderr, "guard: --format must be text, json, sarif or markdown, not %q\n", *format)
		return exitUsage
	}
	diffSet := false
	fs.Visit(func(f *flag.Flag) { diffSet = diffSet || f.Name == "diff" })
	if !diffSet {
		*withDiff = *format == "markdown"
	}
	if *withDiff && *format == "sarif" {
		fmt.Fprintln(stderr, "guard: --diff is for text, json and markdown output: SARIF has no place for access changes")
		return exitUsage
	}
	failLevel, ok := guard.ParseLevel(*failOn)
	if !ok && !failsNever(*failOn) {
		fmt.Fprintf(stderr, "guard: --fail-on must be error, warning, note or none, not %q\n", *failOn)
		return exitUsage
	}

	rules := guard.DefaultRules()
	if *rulesPath != "" {
		var err error
		if rules, err = guard.LoadRules(*rulesPath); err != nil {
			fmt.Fprintf(stderr, "guard: bad rules:\n%v\n", err)
			return exitUsage
		}
	}

	var data []byte
	var err error
	name := *planPath
	if name == "-" {
		name = "<stdin>"
		data, err = io.ReadAll(stdin)
	} else {
		data, err = os.ReadFile(name)
	}
	if err != nil {
		fmt.Fprintf(stderr, "guard: %v\n", err)
		return exitUsage
	}
	plan, err := tfplan.ParsePlan(data, name)
	if err != nil {
		fmt.Fprintf(stderr, "guard: %v\n", err)
		return exitUsage
	}
	if plan.Errored {
		fmt.Fprintf(stderr, "guard: %s: warning: Terraform could not finish this plan (errored); the guard checks what it holds\n", name)
	}

	ctx, cancel, ok := timeoutContext("guard", *timeout, stderr)
	if !ok {
		return exitUsage
	}
	defer cancel()
	ctx = withTerminalProgress(ctx, "guard", stderr)
	var report *guard.Report
	if *withDiff {
		report = guard.CheckWithDiff(ctx, plan, rules)
	} else {
		report = guard.CheckContext(ctx, plan, rules)
	}
	if *baseline != "" {
		f, err := os.Open(*baseline)
		if err != nil {
			fmt.Fprintf(stderr, "guard: --baseline: %v\n", err)
			return exitUsage
		}
		known, err := guard.ReadBaseline(f, *baseline)
		f.Close()
		if err != nil {
			fmt.Fprintf(stderr, "guard: --baseline: %v\n", err)
			return exitUsage
		}
		report.ApplyBaseline(known)
	}
	out := bufio.NewWriter(stdout)
	switch *format {
	case "text":
		err = report.WriteText(out)
	case "json":
		err = report.WriteJSON(out)
	case "markdown":
		level := failLevel
		if failsNever(*failOn) {
			level = 0
		}
		err = report.WriteMarkdown(out, level)
	case "sarif":
		dir := *configDir
		if dir == "" && *planPath != "-" {
			dir = filepath.Dir(*planPath)
		}
		var locate func(string) tfplan.ConfigPlace
		if dir != "" {
			locate = plan.ConfigLocator(dir)
		}
		err = report.WriteSARIF(out, toolVersion, locate)
	}
	if err == nil {
		err = out.Flush()
	}
	if err != nil {
		fmt.Fprintf(stderr, "guard: writing the report: %v\n", err)
		return exitUsage
	}
	if !failsNever(*failOn) && report.Failed(failLevel) {
		return exitViolation
	}
	return exitOK
}
