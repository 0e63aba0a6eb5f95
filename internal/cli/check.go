package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"sort"
	"sync"

	"github.com/iamguard/terraform-provider-iam/internal/casefile"
	"github.com/iamguard/terraform-provider-iam/internal/evaluator"
)

// checkOutput is one line of `check` output for a check that could be read.
type checkOutput struct {
	ID         json.RawMessage   `json:"id"`
	Passed     bool              `json:"passed"`
	Violations []violationOutput `json:"violations"`
	Unmet      []unmetOutput     `json:"unmet"`
	Undecided  []undecidedOutput `json:"undecided"`
}

type violationOutput struct {
	Forbid     int                      `json:"forbid"`
	Witness    witnessOutput            `json:"witness"`
	Statements []evaluator.StatementRef `json:"statements"`
	// request is the witness as the engine gave it, for the SARIF and Markdown reports.
	request evaluator.Request
}

// witnessOutput is an allowed request of a forbidden set. Context values are strings, or
// arrays of strings for multi-valued keys, as in the input.
type witnessOutput struct {
	Action          string         `json:"action"`
	Resource        string         `json:"resource"`
	ResourceAccount string         `json:"resourceAccount"`
	Context         map[string]any `json:"context"`
}

type unmetOutput struct {
	Require   int                      `json:"require"`
	Decision  evaluator.Decision       `json:"decision"`
	BlockedBy []string                 `json:"blockedBy,omitempty"`
	Denies    []evaluator.StatementRef `json:"denies,omitempty"`
	Reason    string                   `json:"reason"`
	// request is the required request as evaluated, for the SARIF and Markdown reports.
	request evaluator.Request
}

type undecidedOutput struct {
	Forbid int    `json:"forbid"`
	Reason string `json:"reason"`
}

func runCheck(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	strictSession := fs.Bool("session-policy-limits-session-grants", false,
		"let a session policy's implicit deny limit resource-policy grants to the session ARN (the documentation says it does not)")
	strictNotPrincipal := fs.Bool("strict-notprincipal-deny", false,
		"spare a caller from a Deny with NotPrincipal only when its account is listed too")
	budget := fs.Int("budget", 0, fmt.Sprintf("work budget of each forbid rule's analysis; 0 means %d; an exhausted budget makes the rule undecided (a failure)", evaluator.DefaultBudget))
	maxLine, maxPolicy := inputLimitFlags(fs)
	timeout := timeoutFlag(fs, "a check not decided by then is an error")
	format := fs.String("format", "json", "output format: json (one JSON line per check), sarif (SARIF 2.1.0 for code scanning) or markdown (a pull-request comment)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, usageLine("check"))
		fmt.Fprintln(stderr, "Reads checks as JSON Lines: a case's fields without request.action and request.resource, plus")
		fmt.Fprintln(stderr, `"resourcePolicies": {"ARN pattern": policy}, "forbid": [{"actions", "resources", "context"}] and`)
		fmt.Fprintln(stderr, `"require": [{"principal", "action", "resource", "resourceAccount", "context"}].`)
		fmt.Fprintln(stderr, "Writes one JSON line per check, in input order (--format json), or one report of them all.")
		fmt.Fprintln(stderr, "Exit status, whatever the format: 0 every check passes, 1 a check fails or a line is not a check,")
		fmt.Fprintln(stderr, "2 bad usage or input that cannot be read on (then no SARIF or Markdown report is written).")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return exitUsage
	}
	if fs.NArg() > 1 || *budget < 0 {
		fs.Usage()
		return exitUsage
	}
	switch *format {
	case "json", "sarif", "markdown":
	default:
		fmt.Fprintf(stderr, "check: --format must be json, sarif or markdown, not %q\n", *format)
		return exitUsage
	}
	ctx, cancel, ok := timeoutContext("check", *timeout, stderr)
	if !ok {
		return exitUsage
	}
	defer cancel()
	in, name, closeIn, err := openInput(fs.Arg(0), stdin)
	if err != nil {
		fmt.Fprintf(stderr, "check: %v\n", err)
		return exitUsage
	}
	defer closeIn()

	opts := evaluator.Options{SessionPolicyLimitsSessionGrants: *strictSession, StrictNotPrincipalDeny: *strictNotPrincipal}
	limits := evaluator.InputLimits{MaxPolicyBytes: *maxPolicy}
	// Each line's result is a JSON line, or is kept for the SARIF or Markdown report written
	// when the whole input is read (the lines are decided on several goroutines).
	var mu sync.Mutex
	var checked []checkedLine
	emit := func(no int, result any, out []byte) []byte {
		if *format == "json" {
			return appendJSONLine(out, result)
		}
		mu.Lock()
		checked = append(checked, checkedLine{line: no, result: result})
		mu.Unlock()
		return out
	}
	do := func(ctx context.Context, line casefile.Line, out []byte) ([]byte, bool) {
		o, err := checkLine(ctx, line.Text, opts, *budget, limits)
		if err != nil {
			return emit(line.No, newErrorLine(name, line, err), out), true
		}
		return emit(line.No, o, out), !o.Passed
	}
	errLine := func(line casefile.Line, err error, out []byte) []byte {
		return emit(line.No, newErrorLine(name, line, err), out)
	}
	status := runLines(ctx, "check", "check", casefile.NewReader(in, name, *maxLine), stdout, stderr, do, errLine)
	if *format == "json" || status == exitUsage {
		return status
	}
	sort.Slice(checked, func(i, j int) bool { return checked[i].line < checked[j].line })
	out := bufio.NewWriterSize(stdout, 64<<10)
	if *format == "sarif" {
		err = writeCheckSARIF(out, name, checked)
	} else {
		err = writeCheckMarkdown(out, name, checked, status != exitOK)
	}
	if err == nil {
		err = out.Flush()
	}
	if err != nil {
		fmt.Fprintf(stderr, "check: %v\n", err)
		return exitUsage
	}
	return status
}

// checkLine reads and runs one check.
// A check whose analysis the timeout stopped with rules undecided is an error line, as the
// checks that were not started are.
func checkLine(ctx context.Context, line []byte, opts evaluator.Options, budget int, limits evaluator.InputLimits) (*checkOutput, error) {
	c, err := evaluator.ParseAccessCheckLimits(line, limits)
	if err != nil {
		return nil, err
	}
	report, err := c.RunContext(ctx, opts, budget)
	if err != nil {
		return nil, err
	}
	if ctx.Err() != nil && len(report.Undecided) > 0 {
		return nil, &casefile.NotDecidedError{Cause: context.Cause(ctx)}
	}
	o := &checkOutput{
		ID:         evaluator.CaseID(line),
		Passed:     report.Passed(),
		Violations: []violationOutput{},
		Unmet:      []unmetOutput{},
		Undecided:  []undecidedOutput{},
	}
	for _, v := range report.Violations {
		o.Violations = append(o.Violations, violationOutput{Forbid: v.Forbid, Witness: newWitnessOutput(&v.Witness), Statements: v.Statements, request: v.Witness})
	}
	for _, u := range report.Unmet {
		uo := unmetOutput{Require: u.Require, Decision: u.Result.Decision, Denies: u.Result.Denies, Reason: u.Result.Reason(), request: u.Request}
		for _, b := range u.Result.BlockedBy {
			uo.BlockedBy = append(uo.BlockedBy, b.String())
		}
		o.Unmet = append(o.Unmet, uo)
	}
	for _, u := range report.Undecided {
		o.Undecided = append(o.Undecided, undecidedOutput{Forbid: u.Forbid, Reason: u.Reason})
	}
	return o, nil
}

func newWitnessOutput(w *evaluator.Request) witnessOutput {
	out := witnessOutput{Action: w.Action, Resource: w.Resource, ResourceAccount: w.ResourceAccount, Context: map[string]any{}}
	for _, k := range w.Context.Keys() {
		v, _ := w.Context.Lookup(k)
		if v.Multi {
			out.Context[k] = v.Values
		} else {
			out.Context[k] = v.Values[0]
		}
	}
	return out
}
