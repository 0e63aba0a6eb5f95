package cli

import (
	"bufio"
	"bytes"
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
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: terraform-provider-iam evaluate [flags] [FILE|-]")
		fmt.Fprintln(stderr, "Reads cases as JSON Lines (the format of shared/cases/README.md) and writes one line per case, in input order.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
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
	failed := false
	r := bufio.NewReaderSize(in, 64<<10)
	batch := make([]job, 0, batchSize)
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
					batch[i].out = evaluateLine(batch[i].line, opts)
				}
			}()
		}
		wg.Wait()
		for _, j := range batch {
			res := j.out
			if res.Error != "" {
				failed = true
				res.Error = fmt.Sprintf("%s:%d: %s", name, j.lineNo, res.Error)
			}
			if *format == "text" {
				writeText(out, res)
			} else if err := enc.Encode(res); err != nil {
				return err
			}
		}
		batch = batch[:0]
		return nil
	}
	for lineNo := 1; ; lineNo++ {
		line, readErr := r.ReadBytes('\n')
		if readErr != nil && !errors.Is(readErr, io.EOF) {
			out.Flush()
			fmt.Fprintf(stderr, "evaluate: reading %s: %v\n", name, readErr)
			return exitUsage
		}
		if line = bytes.TrimSpace(line); len(line) > 0 {
			batch = append(batch, job{lineNo: lineNo, line: line})
			if len(batch) == batchSize {
				if err := flush(); err != nil {
					fmt.Fprintf(stderr, "evaluate: %v\n", err)
					return exitUsage
				}
			}
		}
		if readErr != nil {
			break
		}
	}
	if err := flush(); err != nil {
		fmt.Fprintf(stderr, "evaluate: %v\n", err)
		return exitUsage
	}
	if failed {
		return exitViolation
	}
	return exitOK
}

func evaluateLine(line []byte, opts evaluator.Options) evaluateOutput {
	id := evaluator.CaseID(line)
	c, err := evaluator.ParseCase(line)
	if err != nil {
		return evaluateOutput{ID: id, Error: err.Error()}
	}
	res, err := evaluator.Authorize(&c.Policies, &c.Request, opts)
	if err != nil {
		return evaluateOutput{ID: id, Error: err.Error()}
	}
	ex := &explanation{Reason: res.Reason(), Denies: res.Denies, Allows: res.Allows}
	for _, b := range res.BlockedBy {
		ex.BlockedBy = append(ex.BlockedBy, b.String())
	}
	return evaluateOutput{ID: id, Decision: string(res.Decision), Explanation: ex}
}

func writeText(w io.Writer, res evaluateOutput) {
	id := strings.Trim(string(res.ID), `"`)
	if res.Error != "" {
		fmt.Fprintf(w, "%-44s ERROR         %s\n", id, res.Error)
		return
	}
	fmt.Fprintf(w, "%-44s %-13s %s\n", id, res.Decision, res.Explanation.Reason)
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
