package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/iamguard/terraform-provider-iam/internal/evaluator"
)

func init() {
	extraCommands = append(extraCommands, command{
		name:    "least-privilege",
		summary: "write the smallest identity policy that allows exactly the required requests",
		run:     runLeastPrivilege,
	})
}

type leastPrivilegeOutput struct {
	ID         json.RawMessage `json:"id"`
	Policy     json.RawMessage `json:"policy"`
	Statements int             `json:"statements"`
	Size       int             `json:"size"`
}

func runLeastPrivilege(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("least-privilege", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.String("format", "json", "output format: json (one JSON line per input line) or policy (the policy documents only, indented)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: terraform-provider-iam least-privilege [flags] [FILE|-]")
		fmt.Fprintln(stderr, `Reads JSON Lines {"id": ..., "require": [{"action", "resource", "context"}]} and writes, per line, the`)
		fmt.Fprintln(stderr, "smallest identity policy that allows exactly those requests: actions spelt exactly, resources as")
		fmt.Fprintln(stderr, "required, each request's context as conditions. Each policy is checked with the evaluator and the")
		fmt.Fprintln(stderr, "analysis before it is written. Exit status 1 when a line cannot be read.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if fs.NArg() > 1 || (*format != "json" && *format != "policy") {
		fs.Usage()
		return exitUsage
	}
	in, name, closeIn, err := openInput(fs.Arg(0), stdin)
	if err != nil {
		fmt.Fprintf(stderr, "least-privilege: %v\n", err)
		return exitUsage
	}
	defer closeIn()
	out := bufio.NewWriter(stdout)
	defer out.Flush()
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	failed, lines := false, 0
	r := bufio.NewReaderSize(in, 64<<10)
	for lineNo := 1; ; lineNo++ {
		line, readErr := r.ReadBytes('\n')
		if readErr != nil && !errors.Is(readErr, io.EOF) {
			out.Flush()
			fmt.Fprintf(stderr, "least-privilege: reading %s: %v\n", name, readErr)
			return exitUsage
		}
		if line = bytes.TrimSpace(line); len(line) > 0 {
			lines++
			var lp *evaluator.LeastPrivilegePolicy
			required, err := evaluator.ParseRequired(line)
			if err == nil {
				lp, err = evaluator.LeastPrivilege(required)
			}
			switch {
			case err != nil:
				failed = true
				e := checkError{ID: evaluator.CaseID(line), Error: fmt.Sprintf("%s:%d: %v", name, lineNo, err)}
				if err := enc.Encode(e); err != nil {
					return exitUsage
				}
			case *format == "policy":
				fmt.Fprintf(out, "%s\n", lp.Document)
			default:
				var compact bytes.Buffer
				if err := json.Compact(&compact, lp.Document); err != nil {
					return exitUsage
				}
				if err := enc.Encode(leastPrivilegeOutput{ID: evaluator.CaseID(line), Policy: compact.Bytes(), Statements: lp.Statements, Size: lp.Size}); err != nil {
					return exitUsage
				}
			}
		}
		if readErr != nil {
			break
		}
	}
	if lines == 0 {
		out.Flush()
		fmt.Fprintf(stderr, "least-privilege: %s holds no requirement (expected one JSON object per line)\n", name)
		return exitUsage
	}
	if failed {
		return exitViolation
	}
	return exitOK
}
