package casefile

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// readAll reads every line of in with a line limit of limit bytes; err is what ended the reading
// (nil at the end of the input). With buffered set, each Next is followed by NextBuffered for as
// long as it gives lines, as the loop reads: the lines must be the same.
func readAll(in io.Reader, limit int, buffered bool) ([]Line, error) {
	r := NewReader(in, "in", limit)
	var lines []Line
	for {
		l, err := r.Next()
		if errors.Is(err, io.EOF) {
			return lines, nil
		}
		if err != nil {
			return lines, err
		}
		lines = append(lines, Line{No: l.No, Text: append([]byte(nil), l.Text...)})
		for buffered {
			l, ok, err := r.NextBuffered()
			if err != nil {
				return lines, err
			}
			if !ok {
				break
			}
			lines = append(lines, Line{No: l.No, Text: append([]byte(nil), l.Text...)})
		}
	}
}

// modelLines is the reader's specification written plainly: the input split at LF, the byte
// order mark dropped from the first line, white space (and so a CRLF's CR) trimmed, blank
// lines skipped; the reading stops at the first line longer than limit bytes (with its LF), at
// a CR left inside a line, or at a line that starts a JSON value it does not end (as
// encoding/json's decoder sees it). stop is the start of the message that ends the reading.
func modelLines(data []byte, limit int) (lines []Line, stop string) {
	physical := bytes.SplitAfter(data, []byte("\n"))
	for i, p := range physical {
		if len(p) == 0 {
			continue
		}
		no := i + 1
		if len(p) > limit {
			return lines, "in:" + itoa(no) + ": the line is longer than the limit"
		}
		if no == 1 {
			p = bytes.TrimPrefix(p, utf8BOM)
		}
		text := bytes.TrimSpace(p)
		if len(text) == 0 {
			continue
		}
		if bytes.IndexByte(text, '\r') >= 0 {
			return lines, "in:" + itoa(no) + ":"
		}
		if (text[0] == '{' || text[0] == '[') && decoderRunsOut(text) {
			return lines, "in:" + itoa(no) + ": expected one JSON object per line"
		}
		lines = append(lines, Line{No: no, Text: text})
	}
	return lines, ""
}

func itoa(n int) string {
	var b []byte
	for ; n > 0 || len(b) == 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

func checkReader(t *testing.T, data []byte, limit int) {
	t.Helper()
	want, stop := modelLines(data, limit)
	// One byte at a time as well as at once: lines that span the reader's buffer (and reads)
	// are read as the others.
	for i, in := range []io.Reader{bytes.NewReader(data), iotest.OneByteReader(bytes.NewReader(data)), bytes.NewReader(data), iotest.OneByteReader(bytes.NewReader(data))} {
		got, err := readAll(in, limit, i >= 2)
		if stop == "" && err != nil {
			t.Fatalf("%q: error %v, want none", data, err)
		}
		if stop != "" {
			var se *StopError
			if !errors.As(err, &se) || !strings.HasPrefix(se.Error(), stop) {
				t.Fatalf("%q: error %v, want a *StopError starting %q", data, err, stop)
			}
		}
		if len(got) != len(want) {
			t.Fatalf("%q: %d lines %v, want %d %v", data, len(got), got, len(want), want)
		}
		for i := range got {
			if got[i].No != want[i].No || !bytes.Equal(got[i].Text, want[i].Text) {
				t.Fatalf("%q: line %d is %d %q, want %d %q", data, i, got[i].No, got[i].Text, want[i].No, want[i].Text)
			}
		}
	}
}

var readerSeeds = []string{
	"",
	"\n\n  \n",
	`{"id":1}` + "\n" + `{"id":2}`,
	"\uFEFF" + `{"id":1}` + "\r\n\r\n" + `{"id":2}` + "\r\n",
	`{"id":1}` + "\r" + `{"id":2}` + "\r",
	"{\n  \"id\": 1\n}\n",
	"[1,\n2]\n",
	`{"a":"}"`,
	`{"a":"\"}"}` + "\n" + `{"a":"\\"}`,
	`{"a" 1` + "\n",
	`{]` + "\n",
	`not json` + "\n" + `{"id":"x"} trailing`,
	strings.Repeat("x", 70) + "\n" + `{"id":1}`,
	strings.Repeat("y", 63) + "\n",
	strings.Repeat("z", 64) + "\n",
	"\uFEFF\uFEFF{}",
	"\x00{}\x00\n",
}

// FuzzReader checks the line reader against its plain specification (modelLines) with a
// limit of 64 bytes, so that long lines are met too. The seeds run as a normal test.
func FuzzReader(f *testing.F) {
	for _, s := range readerSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkReader(t, data, 64)
	})
}

// The one-pass bracket test agrees with encoding/json's decoder on every line it answers.
func FuzzIncompleteJSON(f *testing.F) {
	for _, s := range readerSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, text []byte) {
		text = bytes.TrimSpace(text)
		if len(text) == 0 || (text[0] != '{' && text[0] != '[') {
			return
		}
		if bracketsClose(text) && decoderRunsOut(text) {
			t.Fatalf("%q: the brackets close but the decoder runs out of input", text)
		}
	})
}

func TestReaderLongLineSpansBuffer(t *testing.T) {
	long := `{"id":"` + strings.Repeat("a", 200<<10) + `"}`
	checkReader(t, []byte(long+"\n"+`{"id":2}`+"\n"+long), 1<<20)
	checkReader(t, []byte(long), 100<<10)
}

func TestReaderNoObjects(t *testing.T) {
	r := NewReader(strings.NewReader("\n \n"), "f.jsonl", 0)
	if _, err := r.Next(); !errors.Is(err, io.EOF) {
		t.Fatalf("Next: %v, want io.EOF", err)
	}
	if r.Lines() != 0 {
		t.Errorf("Lines() = %d", r.Lines())
	}
	if got := r.NoObjects("case").Error(); got != "f.jsonl: no cases; expected one JSON object per line" {
		t.Errorf("NoObjects: %q", got)
	}
}

func TestReaderReadError(t *testing.T) {
	_, err := readAll(iotest.ErrReader(errors.New("disk on fire")), 0, true)
	if err == nil || err.Error() != "reading in: disk on fire" {
		t.Errorf("error %v", err)
	}
}
