package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/iamguard/terraform-provider-iam/internal/evaluator"
)

// The JSON Lines reader of evaluate and check: one JSON object per line, LF or CRLF line
// endings, an optional UTF-8 byte order mark at the start of the input. Lines are bounded
// (a line longer than the limit stops the reading: /dev/zero or a binary file must not fill
// the memory), CR-only line endings and pretty-printed JSON are named instead of being read
// as one long line or as many broken ones, and an input without a single object is an error.

// defaultMaxLineBytes is the default limit of one input line: 16 MiB, room for a case with
// every policy IAM allows a principal (ten managed policies of 6,144 characters, inline
// policies, a boundary, five levels of five SCPs) and a resource policy, written as escaped
// strings, many times over.
const defaultMaxLineBytes = 16 << 20

// utf8BOM is the UTF-8 byte order mark that some editors put at the start of a file.
var utf8BOM = []byte("\uFEFF")

// jsonLine is one non-blank line of the input.
type jsonLine struct {
	no   int // 1-based line number
	text []byte
}

// lineReader reads the lines of a JSON Lines input.
type lineReader struct {
	r        *bufio.Reader
	name     string
	max      int
	no       int
	nonBlank int
}

func newLineReader(in io.Reader, name string, limit int) *lineReader {
	if limit <= 0 {
		limit = defaultMaxLineBytes
	}
	return &lineReader{r: bufio.NewReaderSize(in, 64<<10), name: name, max: limit}
}

// inputStop is an error that ends the reading of an input: the rest cannot be read as JSON
// Lines. It is reported once, on standard error, and the command exits with status 2.
type inputStop struct{ msg string }

func (e *inputStop) Error() string { return e.msg }

// next returns the next non-blank line, io.EOF at the end, or an *inputStop (or a read error)
// when the input cannot be read on.
func (lr *lineReader) next() (jsonLine, error) {
	for {
		text, err := lr.readLine()
		if err != nil {
			return jsonLine{}, err
		}
		lr.no++
		if lr.no == 1 {
			text = bytes.TrimPrefix(text, utf8BOM)
		}
		// CRLF line endings: the CR is trailing white space.
		text = bytes.TrimSpace(text)
		if len(text) == 0 {
			continue
		}
		lr.nonBlank++
		if i := bytes.IndexByte(text, '\r'); i >= 0 {
			return jsonLine{}, &inputStop{fmt.Sprintf("%s:%d:%d: carriage return (CR) inside the line: lines end with LF or CRLF, and this input seems to end them with CR alone; convert it (tr '\\r' '\\n')", lr.name, lr.no, i+1)}
		}
		if incompleteJSON(text) {
			return jsonLine{}, &inputStop{fmt.Sprintf("%s:%d: expected one JSON object per line; this line starts a JSON value that does not end on it (pretty-printed JSON?): write each object on one line, for example with jq -c", lr.name, lr.no)}
		}
		return jsonLine{no: lr.no, text: text}, nil
	}
}

// readLine reads up to the next LF, or to the end of the input; io.EOF when nothing is left.
func (lr *lineReader) readLine() ([]byte, error) {
	var line []byte
	for {
		chunk, err := lr.r.ReadSlice('\n')
		if len(line)+len(chunk) > lr.max {
			return nil, &inputStop{fmt.Sprintf("%s:%d: the line is longer than the limit of %d bytes (raise it with --max-line-bytes); stopped reading", lr.name, lr.no+1, lr.max)}
		}
		line = append(line, chunk...)
		switch {
		case err == nil:
			return line, nil
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case errors.Is(err, io.EOF):
			if len(line) == 0 {
				return nil, io.EOF
			}
			return line, nil
		default:
			return nil, fmt.Errorf("reading %s: %v", lr.name, err)
		}
	}
}

// noObjects is the error for an input without a single non-blank line.
func (lr *lineReader) noObjects(what string) error {
	return &inputStop{fmt.Sprintf("%s: no %ss; expected one JSON object per line", lr.name, what)}
}

// incompleteJSON reports whether a line is the start of a JSON object or array that goes on
// past the end of the line, as the first line of a pretty-printed document does.
func incompleteJSON(text []byte) bool {
	if text[0] != '{' && text[0] != '[' {
		return false
	}
	dec := json.NewDecoder(bytes.NewReader(text))
	var v json.RawMessage
	err := dec.Decode(&v)
	return errors.Is(err, io.ErrUnexpectedEOF)
}

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
// (bidirectional overrides and isolates, line and paragraph separators, zero-width
// characters) and invalid UTF-8 bytes are written as \xNN or \u{XXXX}.
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
	case 0x200B <= r && r <= 0x200F, 0x2028 <= r && r <= 0x202E, 0x2060 <= r && r <= 0x2069, r == 0xFEFF:
		return true
	}
	return false
}

// jsonLines writes each result as one JSON line on out: the emit function of eachJSONLine for
// JSON Lines output.
func jsonLines(out io.Writer) func(line int, result any) error {
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	return func(_ int, result any) error { return enc.Encode(result) }
}

// eachJSONLine runs the JSON Lines loop of check, access and least-privilege: it reads the
// input line by line, hands each line's result (or a checkError locating its fault) with the
// line's number to emit (jsonLines writes it as one JSON line), and returns the exit status: 2
// when the input cannot be read on or holds no object, 1 when a line failed or could not be
// read, 0 otherwise.
func eachJSONLine(cmd, noun string, lr *lineReader, emit func(line int, result any) error, stderr io.Writer, flush func(), run func(text []byte) (result any, failed bool, err error)) int {
	failed := false
	for {
		line, readErr := lr.next()
		if errors.Is(readErr, io.EOF) {
			break
		}
		if readErr != nil {
			flush()
			fmt.Fprintf(stderr, "%s: %v\n", cmd, readErr)
			return exitUsage
		}
		res, lineFailed, err := run(line.text)
		if err != nil {
			lineFailed = true
			res = checkError{ID: evaluator.CaseID(line.text), Error: locateError(lr.name, line.no, err)}
		}
		failed = failed || lineFailed
		if res == nil {
			continue
		}
		if err := emit(line.no, res); err != nil {
			fmt.Fprintf(stderr, "%s: %v\n", cmd, err)
			return exitUsage
		}
	}
	if lr.nonBlank == 0 {
		flush()
		fmt.Fprintf(stderr, "%s: %v\n", cmd, lr.noObjects(noun))
		return exitUsage
	}
	if failed {
		return exitViolation
	}
	return exitOK
}
