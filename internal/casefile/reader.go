// Package casefile reads and runs the JSON Lines inputs of the evaluate, check, access and
// least-privilege commands: one JSON object per line, each line decided on its own. It knows
// lines, not IAM: the commands give it the function that decides a line and the text of the
// error line they write.
package casefile

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync/atomic"
)

// The reader: LF or CRLF line endings, an optional UTF-8 byte order mark at the start of the
// input. Lines are bounded (a line longer than the limit stops the reading: /dev/zero or a
// binary file must not fill the memory), CR-only line endings and pretty-printed JSON are named
// instead of being read as one long line or as many broken ones, and an input without a single
// object is an error.

// DefaultMaxLineBytes is the default limit of one input line: 16 MiB, room for a case with
// every policy IAM allows a principal (ten managed policies of 6,144 characters, inline
// policies, a boundary, five levels of five SCPs) and a resource policy, written as escaped
// strings, many times over.
const DefaultMaxLineBytes = 16 << 20

// utf8BOM is the UTF-8 byte order mark that some editors put at the start of a file.
var utf8BOM = []byte("\uFEFF")

// Line is one non-blank line of the input, without its line ending and surrounding white space.
type Line struct {
	No   int // 1-based line number
	Text []byte
}

// Reader reads the lines of a JSON Lines input.
type Reader struct {
	r        *bufio.Reader
	src      *source
	name     string
	max      int
	no       int
	nonBlank int
	buf      []byte // a line longer than r's buffer
}

// NewReader reads in, named name in messages (a file name, or "<stdin>"), with lines of at
// most limit bytes (DefaultMaxLineBytes when limit is not positive).
func NewReader(in io.Reader, name string, limit int) *Reader {
	if limit <= 0 {
		limit = DefaultMaxLineBytes
	}
	src := &source{r: in}
	return &Reader{r: bufio.NewReaderSize(src, 64<<10), src: src, name: name, max: limit}
}

// source is the input under the reader's buffer. It tells whether a read is under way and
// counts the reads, so that the loop need not wait past its context for an input that blocks
// (a pipe whose writer neither writes nor closes it).
type source struct {
	r      io.Reader
	inRead atomic.Bool
	reads  atomic.Int64
}

func (s *source) Read(p []byte) (int, error) {
	s.reads.Add(1)
	s.inRead.Store(true)
	defer s.inRead.Store(false)
	return s.r.Read(p)
}

// StopError is an error that ends the reading of an input: the rest cannot be read as JSON
// Lines. The commands report it once, on standard error, and exit with status 2.
type StopError struct{ msg string }

func (e *StopError) Error() string { return e.msg }

// Next returns the next non-blank line, io.EOF at the end, or a *StopError (or a read error)
// when the input cannot be read on. The line's text is valid until the next call.
func (r *Reader) Next() (Line, error) {
	for {
		text, err := r.readLine()
		if err != nil {
			return Line{}, err
		}
		if line, ok, err := r.take(text); ok || err != nil {
			return line, err
		}
	}
}

// NextBuffered is Next for a line that has already been read from the input: it returns the
// next non-blank line, with ok set, only if the buffer holds all of it, and never waits for
// the input. The loop uses it to hand several lines to a worker at once without delaying a
// line that has arrived for one that has not.
func (r *Reader) NextBuffered() (_ Line, ok bool, _ error) {
	for {
		buffered, _ := r.r.Peek(r.r.Buffered())
		if bytes.IndexByte(buffered, '\n') < 0 {
			return Line{}, false, nil
		}
		text, err := r.readLine() // ends at that newline: no read of the input
		if err != nil {
			return Line{}, false, err
		}
		if line, ok, err := r.take(text); ok || err != nil {
			return line, ok, err
		}
	}
}

// take numbers a line read from the input and returns it, trimmed, when it is not blank, or
// the *StopError that ends the reading at it.
func (r *Reader) take(text []byte) (_ Line, ok bool, _ error) {
	r.no++
	if r.no == 1 {
		text = bytes.TrimPrefix(text, utf8BOM)
	}
	// CRLF line endings: the CR is trailing white space.
	text = bytes.TrimSpace(text)
	if len(text) == 0 {
		return Line{}, false, nil
	}
	r.nonBlank++
	if i := bytes.IndexByte(text, '\r'); i >= 0 {
		return Line{}, false, &StopError{fmt.Sprintf("%s:%d:%d: carriage return (CR) inside the line: lines end with LF or CRLF, and this input seems to end them with CR alone; convert it (tr '\\r' '\\n')", r.name, r.no, i+1)}
	}
	if incompleteJSON(text) {
		return Line{}, false, &StopError{fmt.Sprintf("%s:%d: expected one JSON object per line; this line starts a JSON value that does not end on it (pretty-printed JSON?): write each object on one line, for example with jq -c", r.name, r.no)}
	}
	return Line{No: r.no, Text: text}, true, nil
}

// readLine reads up to the next LF, or to the end of the input; io.EOF when nothing is left.
// A line that fits in the reader's buffer is returned in place, without a copy.
func (r *Reader) readLine() ([]byte, error) {
	r.buf = r.buf[:0]
	for {
		chunk, err := r.r.ReadSlice('\n')
		if len(r.buf)+len(chunk) > r.max {
			return nil, &StopError{fmt.Sprintf("%s:%d: the line is longer than the limit of %d bytes (raise it with --max-line-bytes); stopped reading", r.name, r.no+1, r.max)}
		}
		switch {
		case err == nil && len(r.buf) == 0:
			return chunk, nil
		case err == nil:
			return append(r.buf, chunk...), nil
		case errors.Is(err, bufio.ErrBufferFull):
			r.buf = append(r.buf, chunk...)
			continue
		case errors.Is(err, io.EOF):
			if len(r.buf)+len(chunk) == 0 {
				return nil, io.EOF
			}
			if len(r.buf) == 0 {
				return chunk, nil
			}
			return append(r.buf, chunk...), nil
		default:
			return nil, fmt.Errorf("reading %s: %w", r.name, err)
		}
	}
}

// Lines is the number of non-blank lines read so far.
func (r *Reader) Lines() int { return r.nonBlank }

// NoObjects is the error for an input without a single non-blank line; what names one line's
// object ("case", "check").
func (r *Reader) NoObjects(what string) error {
	return &StopError{fmt.Sprintf("%s: no %ss; expected one JSON object per line", r.name, what)}
}

// incompleteJSON reports whether a line is the start of a JSON object or array that goes on
// past the end of the line, as the first line of a pretty-printed document does: what
// encoding/json's decoder reports as an unexpected end of input. When the first value's
// brackets close on the line (outside strings) the decoder does not run out of input, whatever
// else is wrong, so one pass over the bytes answers for every well-formed line and the decoder
// is asked only about the others.
func incompleteJSON(text []byte) bool {
	if text[0] != '{' && text[0] != '[' {
		return false
	}
	if bracketsClose(text) {
		return false
	}
	return decoderRunsOut(text)
}

// bracketsClose reports whether the brackets opened by text's first byte close on it, counting
// the brackets outside JSON strings.
func bracketsClose(text []byte) bool {
	depth := 0
	for i := 0; i < len(text); i++ {
		switch text[i] {
		case '"':
			// Skip the string: up to the next quote that no backslash escapes.
			for i++; i < len(text) && text[i] != '"'; i++ {
				if text[i] == '\\' {
					i++
				}
			}
		case '{', '[':
			depth++
		case '}', ']':
			if depth--; depth == 0 {
				return true
			}
		}
	}
	return false
}

// decoderRunsOut reports whether encoding/json's decoder reaches the end of text inside its
// first value.
func decoderRunsOut(text []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(text))
	var v json.RawMessage
	return errors.Is(dec.Decode(&v), io.ErrUnexpectedEOF)
}
