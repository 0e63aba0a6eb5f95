package cli

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"sync"

	"github.com/iamguard/terraform-provider-iam/internal/evaluator"
)

// evaluateOutput is one line of `evaluate` output.
type evaluateOutput struct {
	ID          json.RawMessage `json:"id"`
	Decision    string          `json:"decision,omitempty"`
	Explanation *explanation    `json:"explanation,omitempty"`
	Error       string          `json:"error,omitempty"`
	// err is the error before it is located (file:line:column).
	err      error
	internal bool
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
	in, name, closeIn, err := openInput(fs.Arg(0), stdin)
	if err != nil {
		fmt.Fprintf(stderr, "evaluate: %v\n", err)
		return exitUsage
	}
	defer closeIn()

	opts := evaluator.Options{SessionPolicyLimitsSessionGrants: *strictSession, StrictNotPrincipalDeny: *strictNotPrincipal}
	out := bufio.NewWriterSize(stdout, 64<<10)
	defer out.Flush()
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)

	// Cases are independent: evaluate a batch of lines on every core, then write the batch in
	// input order. A batch bounds the memory held at once.
	const batchSize = 512
	type job struct {
		lineNo int
		line   []byte
		out    evaluateOutput
	}
	workers := runtime.GOMAXPROCS(0)
	failed, internal := false, false
	lr := newLineReader(in, name, *maxLine)
	limits := evaluator.InputLimits{MaxPolicyBytes: *maxPolicy}
	batch := make([]job, 0, batchSize)
	batchBytes := 0
	flush := func() error {
		var wg sync.WaitGroup
		next := make(chan int, len(batch))
		for i := range batch {
			next <- i
		}
		close(next)
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range next {
					batch[i].out = evaluateLine(batch[i].line, opts, limits)
				}
			}()
		}
		wg.Wait()
		for _, j := range batch {
			res := j.out
			if res.err != nil {
				failed = true
				internal = internal || res.internal
				res.Error = locateError(name, j.lineNo, res.err)
			}
			if *format == "text" {
				writeText(out, res)
			} else if err := enc.Encode(res); err != nil {
				return err
			}
		}
		batch, batchBytes = batch[:0], 0
		return nil
	}
	for {
		line, readErr := lr.next()
		if readErr != nil {
			if errors.Is(readErr, io.EOF) {
				break
			}
			if err := flush(); err != nil {
				fmt.Fprintf(stderr, "evaluate: %v\n", err)
				return exitUsage
			}
			out.Flush()
			fmt.Fprintf(stderr, "evaluate: %v\n", readErr)
			return exitUsage
		}
		batch = append(batch, job{lineNo: line.no, line: line.text})
		// A batch is bounded in bytes as well as in lines: lines may be long.
		if batchBytes += len(line.text); len(batch) == batchSize || batchBytes >= maxBatchBytes {
			if err := flush(); err != nil {
				fmt.Fprintf(stderr, "evaluate: %v\n", err)
				return exitUsage
			}
		}
	}
	if err := flush(); err != nil {
		fmt.Fprintf(stderr, "evaluate: %v\n", err)
		return exitUsage
	}
	if lr.nonBlank == 0 {
		out.Flush()
		fmt.Fprintf(stderr, "evaluate: %v\n", lr.noObjects("case"))
		return exitUsage
	}
	if internal {
		return exitInternal
	}
	if failed {
		return exitViolation
	}
	return exitOK
}

// maxBatchBytes bounds the input text of the cases evaluated at once.
const maxBatchBytes = 64 << 20

func evaluateLine(line []byte, opts evaluator.Options, limits evaluator.InputLimits) (out evaluateOutput) {
	id := evaluator.CaseID(line)
	// A panic in a worker goroutine would end the process with Go's status 2, the status of
	// bad input: it is an internal error of its line instead.
	defer func() {
		if r := recover(); r != nil {
			out = evaluateOutput{ID: id, err: fmt.Errorf("internal error (please report it): %v", r), internal: true}
		}
	}()
	c, err := evaluator.ParseCaseLimits(line, limits)
	if err != nil {
		return evaluateOutput{ID: id, err: err}
	}
	res, err := evaluator.Authorize(&c.Policies, &c.Request, opts)
	if err != nil {
		return evaluateOutput{ID: id, err: err}
	}
	ex := &explanation{Reason: res.Reason(), Denies: res.Denies, Allows: res.Allows}
	for _, b := range res.BlockedBy {
		ex.BlockedBy = append(ex.BlockedBy, b.String())
	}
	return evaluateOutput{ID: id, Decision: string(res.Decision), Explanation: ex}
}

func writeText(w io.Writer, res evaluateOutput) {
	id := escapeControl(strings.Trim(string(res.ID), `"`))
	if res.Error != "" {
		fmt.Fprintf(w, "%-44s ERROR         %s\n", id, escapeControl(res.Error))
		return
	}
	fmt.Fprintf(w, "%-44s %-13s %s\n", id, res.Decision, escapeControl(res.Explanation.Reason))
}

// inputLimitFlags declares the size limits shared by evaluate and check.
func inputLimitFlags(fs *flag.FlagSet) (maxLine, maxPolicy *int) {
	maxLine = fs.Int("max-line-bytes", defaultMaxLineBytes, "the longest input line read; a longer line stops the reading (exit status 2)")
	maxPolicy = fs.Int("max-policy-bytes", evaluator.DefaultMaxPolicyBytes, "the largest policy document read; a larger one is an error of its line")
	return maxLine, maxPolicy
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
