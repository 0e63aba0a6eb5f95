package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/iamguard/terraform-provider-iam/internal/casefile"
	"github.com/iamguard/terraform-provider-iam/internal/evaluator"
)

// locateError formats an error of input line no as name:line:column: field: message (or
// name:line: message when the column is not known).
func locateError(name string, no int, err error) string {
	var ie *evaluator.InputError
	if errors.As(err, &ie) && ie.Line > 0 {
		msg := ie.Message
		if ie.Field != "" {
			msg = ie.Field + ": " + msg
		}
		return fmt.Sprintf("%s:%d:%d: %s", name, no+ie.Line-1, ie.Column, msg)
	}
	return fmt.Sprintf("%s:%d: %v", name, no, err)
}

// escapeControl makes text from an input safe to print on a terminal or in a CI log: control
// characters (C0, DEL, C1), and the Unicode format characters that reorder or hide text
// (bidirectional overrides, isolates and marks, U+061C ARABIC LETTER MARK included, line and
// paragraph separators, zero-width characters) and invalid UTF-8 bytes are written as \xNN or
// \u{XXXX}.
func escapeControl(s string) string {
	clean := true
	for _, r := range s {
		if needsEscape(r) || r == utf8.RuneError {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02X`, s[i]) // an invalid UTF-8 byte
		case needsEscape(r) && r < 0x100:
			fmt.Fprintf(&b, `\x%02X`, r)
		case needsEscape(r):
			fmt.Fprintf(&b, `\u{%04X}`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

func needsEscape(r rune) bool {
	switch {
	case r < 0x20, r == 0x7F, 0x80 <= r && r <= 0x9F:
		return true
	case r == 0x061C, 0x200B <= r && r <= 0x200F, 0x2028 <= r && r <= 0x202E, 0x2060 <= r && r <= 0x2069, r == 0xFEFF:
		return true
	}
	return false
}

// The JSON Lines commands (evaluate, check, access, least-privilege) share one loop
// (casefile.Loop): lines decided on every core, outputs in input order, a panic of one line
// an internal error of that line (exit status 3), lines not decided before --timeout errors.

// lineHook, when set (by tests), runs before each line's function: it injects a panic or a
// blocking line without breaking a command.
var lineHook func(ctx context.Context, cmd string, line casefile.Line)

// linesGCPercent is the garbage collector's target during the JSON Lines loop, unless the
// user set GOGC. A run holds little (the lines in flight and the policy cache) and allocates a
// lot, so Go's default of 100 collected every few megabytes of input: a fifth of the time of
// `evaluate` on a 32 MB input. Memory stays bounded: the live heap is small and flat in the
// length of the input, and the --max-memory limit (debug.SetMemoryLimit) makes the collector
// work harder as the run nears it, whatever this target.
const linesGCPercent = 400

// runLines runs a command's line function over its input and returns the exit status: 2 when
// the input cannot be read on or holds no object, 3 when a line met an internal error, 1 when
// a line failed, could not be read or was not decided in time (or the timeout came before the
// input's end), 0 otherwise.
func runLines(ctx context.Context, cmd, noun string, lr *casefile.Reader, stdout, stderr io.Writer, do casefile.Func, errLine casefile.ErrorFunc) int {
	if os.Getenv("GOGC") == "" {
		defer debug.SetGCPercent(debug.SetGCPercent(linesGCPercent))
	}
	out := bufio.NewWriterSize(stdout, 64<<10)
	loop := casefile.Loop{Reader: lr, Noun: noun, Error: errLine, Do: func(ctx context.Context, line casefile.Line, b []byte) ([]byte, bool) {
		if lineHook != nil {
			lineHook(ctx, cmd, line)
		}
		return do(ctx, line, b)
	}}
	sum, err := loop.Run(ctx, out)
	if flushErr := out.Flush(); err == nil {
		err = flushErr
	}
	var notRead *casefile.NotReadError
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", cmd, err)
		if !errors.As(err, &notRead) {
			return exitUsage
		}
	}
	switch {
	case sum.Internal > 0:
		return exitInternal
	case sum.Failed > 0, notRead != nil:
		return exitViolation
	}
	return exitOK
}

// textOutput is a line result written as it is (a text format), not as JSON.
type textOutput []byte

// jsonLineFunc makes a line function of run, which returns the line's result (written as one
// JSON line; nil writes nothing; a textOutput is written as it is), whether the line failed,
// or the error of a line that cannot be decided (written as an error line).
func jsonLineFunc(name string, run func(ctx context.Context, text []byte) (result any, failed bool, err error)) casefile.Func {
	return func(ctx context.Context, line casefile.Line, out []byte) ([]byte, bool) {
		res, failed, err := run(ctx, line.Text)
		switch r := res.(type) {
		case nil:
		case textOutput:
			out = append(out, r...)
		default:
			out = appendJSONLine(out, r)
		}
		if err != nil {
			return appendErrorLine(out, name, line, err), true
		}
		return out, failed
	}
}

// errorLine is the output of a line that cannot be decided: its id, if it has one, and the
// error located in the input.
type errorLine struct {
	ID    json.RawMessage `json:"id"`
	Error string          `json:"error"`
}

// jsonErrorLine is the casefile.ErrorFunc of the commands that write JSON.
func jsonErrorLine(name string) casefile.ErrorFunc {
	return func(line casefile.Line, err error, out []byte) []byte {
		return appendErrorLine(out, name, line, err)
	}
}

func appendErrorLine(out []byte, name string, line casefile.Line, err error) []byte {
	return appendJSONLine(out, newErrorLine(name, line, err))
}

func newErrorLine(name string, line casefile.Line, err error) errorLine {
	return errorLine{ID: evaluator.CaseID(line.Text), Error: locateError(name, line.No, err)}
}

// appendJSONLine appends v as one JSON line, HTML characters as they are.
func appendJSONLine(out []byte, v any) []byte {
	b := bytes.NewBuffer(out)
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		// The output types always encode: an error is a bug, the line's internal error.
		panic(fmt.Sprintf("encoding %T: %v", v, err))
	}
	return b.Bytes()
}

// inputLimitFlags declares the size limits shared by the JSON Lines commands.
func inputLimitFlags(fs *flag.FlagSet) (maxLine, maxPolicy *int) {
	maxLine = fs.Int("max-line-bytes", casefile.DefaultMaxLineBytes, "the longest input line read; a longer line stops the reading (exit status 2)")
	maxPolicy = fs.Int("max-policy-bytes", evaluator.DefaultMaxPolicyBytes, "the largest policy document read; a larger one is an error of its line")
	return maxLine, maxPolicy
}

// timeoutFlag declares --timeout; undecided says what becomes of the work still open when it
// expires.
func timeoutFlag(fs *flag.FlagSet, undecided string) *time.Duration {
	return fs.Duration("timeout", 0, "stop deciding after this long (such as 5m); "+undecided+", which fails (default: no limit)")
}

// timeoutContext is the context of a command's --timeout (none for 0); false, with the
// message written, for a negative timeout. The context's cause names the flag, for the
// messages of what it left undecided.
func timeoutContext(cmd string, timeout time.Duration, stderr io.Writer) (context.Context, context.CancelFunc, bool) {
	if timeout < 0 {
		fmt.Fprintf(stderr, "%s: --timeout must not be negative, not %s\n", cmd, timeout)
		return nil, nil, false
	}
	if timeout == 0 {
		return context.Background(), func() {}, true
	}
	ctx, cancel := context.WithTimeoutCause(context.Background(), timeout, fmt.Errorf("the timeout (--timeout %s) was reached", timeout))
	return ctx, cancel, true
}
