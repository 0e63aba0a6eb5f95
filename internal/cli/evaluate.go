package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/iamguard/terraform-provider-iam/internal/casefile"

	"github.com/iamguard/terraform-provider-iam/internal/evaluator"
)

// evaluateOutput is one line of `evaluate` output.
type evaluateOutput struct {
	ID          json.RawMessage `json:"id"`
	Decision    string          `json:"decision,omitempty"`
	Explanation *explanation    `json:"explanation,omitempty"`
	Error       string          `json:"error,omitempty"`
	// err is the error before it is located (file:line:column).
	err error
}

type explanation struct {
	Reason    string                   `json:"reason"`
	Denies    []evaluator.StatementRef `json:"denies,omitempty"`
	Allows    []evaluator.StatementRef `json:"allows,omitempty"`
	BlockedBy []string                 `json:"blockedBy,omitempty"`
}

func runEvaluate(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("evaluate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.String("format", "json", "output format: json (one JSON line per case) or text")
	strictSession := fs.Bool("session-policy-limits-session-grants", false,
		"let a session policy's implicit deny limit resource-policy grants to the session ARN (the documentation says it does not)")
	strictNotPrincipal := fs.Bool("strict-notprincipal-deny", false,
		"spare a caller from a Deny with NotPrincipal only when its account is listed too")
	maxLine, maxPolicy := inputLimitFlags(fs)
	timeout := timeoutFlag(fs, "a case not decided by then is an error")
	fs.Usage = func() {
		fmt.Fprintln(stderr, usageLine("evaluate"))
		fmt.Fprintln(stderr, "Reads cases as JSON Lines (the format of shared/cases/README.md) and writes one line per case, in input order.")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return exitUsage
	}
	if *format != "json" && *format != "text" {
		fmt.Fprintf(stderr, "evaluate: --format must be json or text, not %q\n", *format)
		return exitUsage
	}
	if fs.NArg() > 1 {
		fs.Usage()
		return exitUsage
	}
	ctx, cancel, ok := timeoutContext("evaluate", *timeout, stderr)
	if !ok {
		return exitUsage
	}
	defer cancel()
	in, name, closeIn, err := openInput(fs.Arg(0), stdin)
	if err != nil {
		fmt.Fprintf(stderr, "evaluate: %v\n", err)
		return exitUsage
	}
	defer closeIn()

	opts := evaluator.Options{SessionPolicyLimitsSessionGrants: *strictSession, StrictNotPrincipalDeny: *strictNotPrincipal}
	// Cases of one input usually repeat their policies: each distinct text is parsed and
	// compiled once (up to policyCacheBytes of policy text).
	limits := evaluator.InputLimits{MaxPolicyBytes: *maxPolicy, Cache: evaluator.NewPolicyCache(policyCacheBytes)}
	text := *format == "text"
	// Cases are independent: the loop decides them on every core and writes them in input
	// order. A case decides in microseconds, so it does not look at the timeout itself.
	do := func(_ context.Context, line casefile.Line, out []byte) ([]byte, bool) {
		res := evaluateLine(line.Text, opts, limits)
		if res.err != nil {
			res.Error = locateError(name, line.No, res.err)
		}
		return appendEvaluateOutput(out, res, text), res.err != nil
	}
	errLine := func(line casefile.Line, err error, out []byte) []byte {
		res := evaluateOutput{ID: evaluator.CaseID(line.Text), Error: locateError(name, line.No, err)}
		return appendEvaluateOutput(out, res, text)
	}
	return runLines(ctx, "evaluate", "case", casefile.NewReader(in, name, *maxLine), stdout, stderr, do, errLine)
}

// policyCacheBytes bounds the policy text that evaluate keeps compiled: thousands of policies
// of IAM's sizes.
const policyCacheBytes = 8 << 20

func evaluateLine(line []byte, opts evaluator.Options, limits evaluator.InputLimits) evaluateOutput {
	c, err := evaluator.ParseCaseLimits(line, limits)
	if err != nil {
		return evaluateOutput{ID: evaluator.CaseID(line), err: err}
	}
	res, err := evaluator.Authorize(&c.Policies, &c.Request, opts)
	if err != nil {
		return evaluateOutput{ID: c.IDJSON, err: err}
	}
	ex := &explanation{Reason: res.Reason(), Denies: res.Denies, Allows: res.Allows}
	for _, b := range res.BlockedBy {
		ex.BlockedBy = append(ex.BlockedBy, b.String())
	}
	return evaluateOutput{ID: c.IDJSON, Decision: string(res.Decision), Explanation: ex}
}

// appendEvaluateOutput appends one line of output, as JSON or as text.
func appendEvaluateOutput(out []byte, res evaluateOutput, text bool) []byte {
	if !text {
		return appendEvaluateJSON(out, &res)
	}
	b := bytes.NewBuffer(out)
	writeText(b, res)
	return b.Bytes()
}

func writeText(w io.Writer, res evaluateOutput) {
	id := escapeControl(strings.Trim(string(res.ID), `"`))
	if res.Error != "" {
		fmt.Fprintf(w, "%-44s ERROR         %s\n", id, escapeControl(res.Error))
		return
	}
	fmt.Fprintf(w, "%-44s %-13s %s\n", id, res.Decision, escapeControl(res.Explanation.Reason))
}

// openInput opens FILE, or standard input for "" and "-".
func openInput(arg string, stdin io.Reader) (io.Reader, string, func(), error) {
	if arg == "" || arg == "-" {
		return stdin, "<stdin>", func() {}, nil
	}
	f, err := os.Open(arg)
	if err != nil {
		return nil, "", nil, err
	}
	return f, arg, func() { f.Close() }, nil
}
