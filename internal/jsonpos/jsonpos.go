// Package jsonpos is a small JSON reader (RFC 8259) that keeps the place of every value and object key, so that
// errors and findings about a policy can name a line and column. encoding/json cannot report
// positions of values, silently keeps the last of duplicate keys and replaces invalid text with
// U+FFFD; IAM policies need all three to be visible, so the policy path uses this reader.
package jsonpos

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// MaxDepth bounds the nesting of arrays and objects. A policy needs six levels (document,
// Statement array, statement, Condition, operator, value array); the bound keeps hostile input
// from exhausting the stack.
const MaxDepth = 64

// Kind is the JSON type of a node.
type Kind uint8

const (
	Null Kind = iota
	Bool
	Number
	String
	Array
	Object
)

func (k Kind) String() string {
	switch k {
	case Null:
		return "null"
	case Bool:
		return "boolean"
	case Number:
		return "number"
	case String:
		return "string"
	case Array:
		return "array"
	case Object:
		return "object"
	}
	return "?"
}

// Node is one JSON value with the place where it starts.
type Node struct {
	Kind Kind
	Pos  Position
	// Text is the decoded string for strings, the source text for numbers ("1.50" stays
	// "1.50") and "true" or "false" for booleans.
	Text    string
	Elems   []Node   // array elements
	Members []Member // object members in source order; keys are unique
}

// Member is one key/value pair of an object.
type Member struct {
	Key    string
	KeyPos Position
	Value  Node
}

// Document is the result of reading a whole JSON text.
type Document struct {
	Root Node
	// Runes is the number of characters of the text; SpaceBytes the number of white-space
	// bytes outside strings (white space is ASCII, so bytes and characters agree).
	Runes      int
	SpaceBytes int
}

// Read reads one JSON value that must make up the whole of data (surrounding white space
// aside). Errors are *Error values with the JSON path and line:column of the problem.
func Read(data []byte) (*Document, error) {
	// One conversion of the whole text lets every string, key and number without escapes be a
	// substring of it instead of an allocation of its own.
	r := &jsonReader{data: data, text: string(data), line: 1}
	if strings.HasPrefix(r.text, "\uFEFF") {
		return nil, r.errorf("byte order mark (U+FEFF) at the start of the document; expected JSON text")
	}
	r.takeStacks()
	root, err := r.readValue()
	r.returnStacks(err == nil)
	if err != nil {
		return nil, err
	}
	doc := &Document{Root: root}
	r.skipSpace()
	if r.off < len(r.data) {
		return nil, r.unexpected("end of input after the JSON document")
	}
	doc.Runes = utf8.RuneCount(data)
	doc.SpaceBytes = r.space
	return doc, nil
}

// ReadOpaque reads data as Read does, except for the objects that are the value of a member
// of the top-level object whose key is in opaque, or an element (in arrays at any depth) of
// such a value: their syntax is checked, but they are not built into nodes. Such an object's
// node has Kind Object, no Members, and Text holding its source text, so that a caller can
// hand the text to a reader of its own (a policy parser, a cache keyed by text) without
// building a tree it would throw away. An empty object's Text is "{}" too.
//
// Duplicate keys inside an opaque object are not reported: a caller that needs them reads the
// text again with Read. Any other error is exactly Read's error for data (the whole text is
// read again with Read to report it, with its path).
func ReadOpaque(data []byte, opaque ...string) (*Document, error) {
	r := &jsonReader{data: data, text: string(data), line: 1, opaque: opaque}
	if strings.HasPrefix(r.text, "\uFEFF") {
		return Read(data)
	}
	r.takeStacks()
	root, err := r.readValue()
	r.returnStacks(err == nil)
	if err == nil {
		r.skipSpace()
		if r.off < len(r.data) {
			err = r.unexpected("end of input after the JSON document")
		}
	}
	if err != nil {
		// Errors inside an opaque object were found without a path; Read finds the same
		// error with its path (and reports a duplicate key it may hide before it).
		return Read(data)
	}
	return &Document{Root: root, Runes: utf8.RuneCount(data), SpaceBytes: r.space}, nil
}

// jsonReader holds the state of one Read call.
type jsonReader struct {
	data      []byte
	text      string // data as a string
	off       int    // next byte to read
	line      int    // line of data[off]
	lineStart int    // offset of the first byte of that line
	depth     int    // arrays and objects currently open
	space     int    // white-space bytes skipped so far
	// path is the stack of keys and indexes leading to the value being read; it is turned
	// into text only when an error is reported.
	path []jsonPathStep
	// elems and members hold the children of the arrays and objects being read.
	elems   []Node
	members []Member
	// opaque lists the top-level keys whose object values ReadOpaque keeps as text, and
	// inOpaque is set while such a value is being read.
	opaque   []string
	inOpaque bool
	stacks   *readerStacks // where elems and members came from and go back to
}

// readerStacks are the element and member stacks of a reader, kept between Read calls: a
// reader of many small documents (case lines) would otherwise grow them anew for each one.
type readerStacks struct {
	elems   []Node
	members []Member
}

var stackPool = sync.Pool{New: func() any { return new(readerStacks) }}

func (r *jsonReader) takeStacks() {
	st, ok := stackPool.Get().(*readerStacks)
	if !ok {
		st = new(readerStacks)
	}
	r.elems, r.members = st.elems[:0], st.members[:0]
	st.elems, st.members = nil, nil
	r.stacks = st
}

// returnStacks gives the stacks back for the next reader when clean is set: a reading that
// succeeded closed every container, and each close cleared what it pushed. A reading that
// failed may leave references on them, and drops them instead (errors are rare). Stacks made
// large by one document are dropped too: the pool keeps the memory of ordinary documents.
func (r *jsonReader) returnStacks(clean bool) {
	const keep = 1024
	if clean && cap(r.elems) <= keep && cap(r.members) <= keep {
		r.stacks.elems, r.stacks.members = r.elems[:0], r.members[:0]
		stackPool.Put(r.stacks)
	}
	r.elems, r.members, r.stacks = nil, nil, nil
}

// jsonPathStep is one step of a JSON path: an object key, or an array index when index >= 0.
type jsonPathStep struct {
	key   string
	index int
}

func (r *jsonReader) pos() Position { return r.posAt(r.off) }

// posAt gives the position of a byte on the current line (strings and tokens never span lines).
func (r *jsonReader) posAt(off int) Position {
	return Position{Line: r.line, Column: off - r.lineStart + 1}
}

// pathString renders the path stack as "Statement[0].Condition.StringEquals".
func (r *jsonReader) pathString() string {
	var b strings.Builder
	for _, s := range r.path {
		if s.index >= 0 {
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(s.index))
			b.WriteByte(']')
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(s.key)
	}
	return b.String()
}

func (r *jsonReader) errorf(format string, args ...any) *Error {
	return r.errorAtOffset(r.off, format, args...)
}

func (r *jsonReader) errorAtOffset(off int, format string, args ...any) *Error {
	return Errorf(r.pathString(), r.posAt(off), format, args...)
}

// unexpected reports the byte at the reading position (or the end of input) where the
// described token was expected.
func (r *jsonReader) unexpected(expected string) *Error {
	if r.off >= len(r.data) {
		return r.errorf("unexpected end of input; expected %s", expected)
	}
	c := r.data[r.off]
	if c >= utf8.RuneSelf {
		ch, size := utf8.DecodeRune(r.data[r.off:])
		if ch == utf8.RuneError && size <= 1 {
			return r.errorf("invalid UTF-8 byte 0x%02X; expected %s", c, expected)
		}
		return r.errorf("expected %s, found %q", expected, ch)
	}
	return r.errorf("expected %s, found %q", expected, rune(c))
}

func (r *jsonReader) skipSpace() {
	for r.off < len(r.data) {
		switch r.data[r.off] {
		case ' ', '\t', '\r':
		case '\n':
			r.line++
			r.lineStart = r.off + 1
		default:
			return
		}
		r.off++
		r.space++
	}
}

// readValue reads the value at the reading position. Nodes are returned by value, not filled
// through a pointer, so that the compiler can keep them off the heap.
func (r *jsonReader) readValue() (Node, error) {
	r.skipSpace()
	if r.off >= len(r.data) {
		return Node{}, r.unexpected("a value")
	}
	n := Node{Pos: r.pos()}
	var err error
	switch c := r.data[r.off]; {
	case c == '{' && r.inOpaque:
		n.Kind = Object
		start := r.off
		if err = r.skipObject(); err == nil {
			n.Text = r.text[start:r.off]
		}
	case c == '{':
		n.Kind = Object
		n.Members, err = r.readObject()
	case c == '[':
		n.Kind = Array
		n.Elems, err = r.readArray()
	case c == '"':
		n.Kind = String
		n.Text, err = r.readString()
	case c == '-' || isDigit(c):
		n.Kind = Number
		n.Text, err = r.readNumber()
	case c == 't':
		n.Kind, n.Text, err = Bool, "true", r.readLiteral("true")
	case c == 'f':
		n.Kind, n.Text, err = Bool, "false", r.readLiteral("false")
	case c == 'n':
		n.Kind, err = Null, r.readLiteral("null")
	default:
		err = r.unexpected("a value (object, array, string, number, true, false or null)")
	}
	return n, err
}

func (r *jsonReader) readLiteral(word string) error {
	if !strings.HasPrefix(r.text[r.off:], word) {
		return r.errorf("invalid literal; expected true, false or null")
	}
	r.off += len(word)
	return nil
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// readNumber checks the RFC 8259 number grammar and returns the source text.
func (r *jsonReader) readNumber() (string, error) {
	start := r.off
	if r.data[r.off] == '-' {
		r.off++
	}
	if r.off >= len(r.data) || !isDigit(r.data[r.off]) {
		return "", r.unexpected("a digit in number")
	}
	if r.data[r.off] == '0' {
		r.off++ // a leading zero stands alone: "01" is not a number
	} else {
		r.skipDigits()
	}
	if r.off < len(r.data) && r.data[r.off] == '.' {
		r.off++
		if r.off >= len(r.data) || !isDigit(r.data[r.off]) {
			return "", r.unexpected("a digit after the decimal point")
		}
		r.skipDigits()
	}
	if r.off < len(r.data) && (r.data[r.off] == 'e' || r.data[r.off] == 'E') {
		r.off++
		if r.off < len(r.data) && (r.data[r.off] == '+' || r.data[r.off] == '-') {
			r.off++
		}
		if r.off >= len(r.data) || !isDigit(r.data[r.off]) {
			return "", r.unexpected("a digit in the exponent")
		}
		r.skipDigits()
	}
	return r.text[start:r.off], nil
}

func (r *jsonReader) skipDigits() {
	for r.off < len(r.data) && isDigit(r.data[r.off]) {
		r.off++
	}
}

// readString reads a string starting at the opening quote and returns it decoded.
func (r *jsonReader) readString() (string, error) {
	quote := r.off
	start := r.off + 1
	// Most policy strings are plain ASCII without escapes: take them as they are.
	for i := start; i < len(r.data); i++ {
		c := r.data[i]
		if c == '"' {
			r.off = i + 1
			return r.text[start:i], nil
		}
		if c == '\\' || c < 0x20 || c >= utf8.RuneSelf {
			return r.readStringSlow(quote, i)
		}
	}
	return "", r.errorAtOffset(quote, "unterminated string; expected a closing '\"'")
}

// readStringSlow decodes a string whose first escape, control or non-ASCII byte is at i.
func (r *jsonReader) readStringSlow(quote, i int) (string, error) {
	buf := make([]byte, 0, i-quote+16)
	buf = append(buf, r.data[quote+1:i]...)
	for i < len(r.data) {
		c := r.data[i]
		switch {
		case c == '"':
			r.off = i + 1
			return string(buf), nil
		case c == '\\':
			var err error
			buf, i, err = r.readEscape(buf, i)
			if err != nil {
				return "", err
			}
		case c < 0x20:
			return "", r.errorAtOffset(i, "control character U+%04X in string; write it as an escape such as \\n or \\u%04X", c, c)
		case c >= utf8.RuneSelf:
			ch, size := utf8.DecodeRune(r.data[i:])
			if ch == utf8.RuneError && size <= 1 {
				return "", r.errorAtOffset(i, "invalid UTF-8 byte 0x%02X in string", c)
			}
			buf = append(buf, r.data[i:i+size]...)
			i += size
		default:
			buf = append(buf, c)
			i++
		}
	}
	return "", r.errorAtOffset(quote, "unterminated string; expected a closing '\"'")
}

// readEscape decodes the escape sequence at data[i] (a backslash), appends it to buf and
// returns the offset after it.
func (r *jsonReader) readEscape(buf []byte, i int) ([]byte, int, error) {
	if i+1 >= len(r.data) {
		return nil, 0, r.errorAtOffset(i, "unterminated escape sequence in string")
	}
	var c byte
	switch r.data[i+1] {
	case '"':
		c = '"'
	case '\\':
		c = '\\'
	case '/':
		c = '/'
	case 'b':
		c = '\b'
	case 'f':
		c = '\f'
	case 'n':
		c = '\n'
	case 'r':
		c = '\r'
	case 't':
		c = '\t'
	case 'u':
		ch, next, err := r.readUnicodeEscape(i)
		if err != nil {
			return nil, 0, err
		}
		return utf8.AppendRune(buf, ch), next, nil
	default:
		return nil, 0, r.errorAtOffset(i, "invalid escape sequence; expected one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX")
	}
	return append(buf, c), i + 2, nil
}

// readUnicodeEscape decodes \uXXXX at data[i], joining a UTF-16 surrogate pair into one
// character. A lone surrogate is an error: it has no UTF-8 form.
func (r *jsonReader) readUnicodeEscape(i int) (rune, int, error) {
	hi, ok := r.hex4(i + 2)
	if !ok {
		return 0, 0, r.errorAtOffset(i, "invalid \\u escape; expected four hexadecimal digits")
	}
	switch {
	case 0xD800 <= hi && hi <= 0xDBFF:
		j := i + 6
		if j+1 < len(r.data) && r.data[j] == '\\' && r.data[j+1] == 'u' {
			lo, ok := r.hex4(j + 2)
			if !ok {
				return 0, 0, r.errorAtOffset(j, "invalid \\u escape; expected four hexadecimal digits")
			}
			if 0xDC00 <= lo && lo <= 0xDFFF {
				return 0x10000 + (hi-0xD800)<<10 + (lo - 0xDC00), j + 6, nil
			}
		}
		return 0, 0, r.errorAtOffset(i, "unpaired surrogate \\u%04X; expected a low surrogate \\uDC00-\\uDFFF to follow", hi)
	case 0xDC00 <= hi && hi <= 0xDFFF:
		return 0, 0, r.errorAtOffset(i, "unpaired low surrogate \\u%04X; it must follow a high surrogate \\uD800-\\uDBFF", hi)
	}
	return hi, i + 6, nil
}

func (r *jsonReader) hex4(off int) (rune, bool) {
	if off+4 > len(r.data) {
		return 0, false
	}
	var v rune
	for _, c := range r.data[off : off+4] {
		switch {
		case '0' <= c && c <= '9':
			v = v<<4 | rune(c-'0')
		case 'a' <= c && c <= 'f':
			v = v<<4 | rune(c-'a'+10)
		case 'A' <= c && c <= 'F':
			v = v<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return v, true
}

func (r *jsonReader) enter() error {
	if r.depth >= MaxDepth {
		return r.errorf("arrays and objects nested more than %d deep", MaxDepth)
	}
	r.depth++
	return nil
}

func (r *jsonReader) readArray() ([]Node, error) {
	if err := r.enter(); err != nil {
		return nil, err
	}
	r.off++ // '['
	r.skipSpace()
	if r.off < len(r.data) && r.data[r.off] == ']' {
		r.off++
		r.depth--
		return nil, nil
	}
	// Elements gather on the reader's stack (nested containers push and pop above them) and
	// are copied once into a slice of the exact size when the array closes.
	base := len(r.elems)
	for {
		r.path = append(r.path, jsonPathStep{index: len(r.elems) - base})
		e, err := r.readValue()
		if err != nil {
			return nil, err
		}
		r.path = r.path[:len(r.path)-1]
		r.elems = append(r.elems, e)
		r.skipSpace()
		if r.off < len(r.data) {
			switch r.data[r.off] {
			case ',':
				r.off++
				continue
			case ']':
				r.off++
				r.depth--
				elems := append([]Node(nil), r.elems[base:]...)
				clear(r.elems[base:]) // drop references held by the reused stack
				r.elems = r.elems[:base]
				return elems, nil
			}
		}
		return nil, r.unexpected("',' or ']' after array element")
	}
}

// smallObject is the member count up to which duplicate keys are found by a linear scan;
// larger objects (long condition blocks) use a map.
const smallObject = 16

func (r *jsonReader) readObject() ([]Member, error) {
	if err := r.enter(); err != nil {
		return nil, err
	}
	r.off++ // '{'
	r.skipSpace()
	if r.off < len(r.data) && r.data[r.off] == '}' {
		r.off++
		r.depth--
		return nil, nil
	}
	// Members gather on the reader's stack like array elements (see readArray).
	base := len(r.members)
	var seen map[string]int // key -> member index, once the object is large
	for {
		r.skipSpace()
		if r.off >= len(r.data) || r.data[r.off] != '"' {
			return nil, r.unexpected("an object key in double quotes")
		}
		keyPos := r.pos()
		key, err := r.readString()
		if err != nil {
			return nil, err
		}
		members := r.members[base:]
		if first := FindKey(members, seen, key); first >= 0 {
			fp := members[first].KeyPos
			return nil, Errorf(r.pathString(), keyPos, "duplicate key %q (first at line %d, column %d)", key, fp.Line, fp.Column)
		}
		r.skipSpace()
		if r.off >= len(r.data) || r.data[r.off] != ':' {
			return nil, r.unexpected("':' after object key")
		}
		r.off++
		r.path = append(r.path, jsonPathStep{key: key, index: -1})
		r.inOpaque = r.depth == 1 && len(r.opaque) > 0 && slices.Contains(r.opaque, key)
		value, err := r.readValue()
		r.inOpaque = false
		if err != nil {
			return nil, err
		}
		r.path = r.path[:len(r.path)-1]
		r.members = append(r.members, Member{Key: key, KeyPos: keyPos, Value: value})
		if count := len(r.members) - base; seen != nil {
			seen[key] = count - 1
		} else if count > smallObject {
			seen = make(map[string]int, 2*count)
			for i, m := range r.members[base:] {
				seen[m.Key] = i
			}
		}
		r.skipSpace()
		if r.off < len(r.data) {
			switch r.data[r.off] {
			case ',':
				r.off++
				continue
			case '}':
				r.off++
				r.depth--
				members := append([]Member(nil), r.members[base:]...)
				clear(r.members[base:])
				r.members = r.members[:base]
				return members, nil
			}
		}
		return nil, r.unexpected("',' or '}' after object member")
	}
}

// skipValue checks the syntax of the value at the reading position without building it:
// ReadOpaque's reading of opaque objects. Its errors carry no path (ReadOpaque reports Read's).
func (r *jsonReader) skipValue() error {
	r.skipSpace()
	if r.off >= len(r.data) {
		return r.unexpected("a value")
	}
	var err error
	switch c := r.data[r.off]; {
	case c == '{':
		err = r.skipObject()
	case c == '[':
		err = r.skipArray()
	case c == '"':
		_, err = r.readString()
	case c == '-' || isDigit(c):
		_, err = r.readNumber()
	case c == 't':
		err = r.readLiteral("true")
	case c == 'f':
		err = r.readLiteral("false")
	case c == 'n':
		err = r.readLiteral("null")
	default:
		err = r.unexpected("a value")
	}
	return err
}

func (r *jsonReader) skipArray() error {
	if err := r.enter(); err != nil {
		return err
	}
	r.off++ // '['
	r.skipSpace()
	if r.off < len(r.data) && r.data[r.off] == ']' {
		r.off++
		r.depth--
		return nil
	}
	for {
		if err := r.skipValue(); err != nil {
			return err
		}
		r.skipSpace()
		if r.off < len(r.data) {
			switch r.data[r.off] {
			case ',':
				r.off++
				continue
			case ']':
				r.off++
				r.depth--
				return nil
			}
		}
		return r.unexpected("',' or ']' after array element")
	}
}

func (r *jsonReader) skipObject() error {
	if err := r.enter(); err != nil {
		return err
	}
	r.off++ // '{'
	r.skipSpace()
	if r.off < len(r.data) && r.data[r.off] == '}' {
		r.off++
		r.depth--
		return nil
	}
	for {
		r.skipSpace()
		if r.off >= len(r.data) || r.data[r.off] != '"' {
			return r.unexpected("an object key in double quotes")
		}
		if _, err := r.readString(); err != nil {
			return err
		}
		r.skipSpace()
		if r.off >= len(r.data) || r.data[r.off] != ':' {
			return r.unexpected("':' after object key")
		}
		r.off++
		if err := r.skipValue(); err != nil {
			return err
		}
		r.skipSpace()
		if r.off < len(r.data) {
			switch r.data[r.off] {
			case ',':
				r.off++
				continue
			case '}':
				r.off++
				r.depth--
				return nil
			}
		}
		return r.unexpected("',' or '}' after object member")
	}
}

// FindKey returns the index of the member with the given key, or -1.
func FindKey(members []Member, seen map[string]int, key string) int {
	if seen != nil {
		if i, ok := seen[key]; ok {
			return i
		}
		return -1
	}
	for i := range members {
		if members[i].Key == key {
			return i
		}
	}
	return -1
}

// Describe names a value's type for "got ..." in messages, with the value itself when it
// is a short scalar.
func Describe(n *Node) string {
	switch n.Kind {
	case String:
		s := n.Text
		if utf8.RuneCountInString(s) > 60 {
			s = string([]rune(s)[:60]) + "..."
		}
		return fmt.Sprintf("string %q", s)
	case Number, Bool:
		return n.Kind.String() + " " + n.Text
	case Array:
		if len(n.Elems) == 0 {
			return "an empty array"
		}
		return "array"
	case Object:
		// An object read opaque (ReadOpaque) has no members but its text.
		if len(n.Members) == 0 && strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(n.Text, "{"), "}")) == "" {
			return "an empty object"
		}
		return "object"
	}
	return n.Kind.String()
}

// Position is a place in a JSON text: 1-based line and column (column counted in bytes). The
// zero Position means "unknown", for values built in Go rather than read from text.
type Position struct {
	Line   int
	Column int
}

// Error is a problem at a place of a JSON document: its JSON path and position, and what is
// wrong.
type Error struct {
	// Path is the JSON path of the element, e.g. "Statement[1].Condition.StringEquals";
	// empty for the document as a whole.
	Path   string
	Line   int // 1-based; 0 when unknown
	Column int // 1-based, in bytes; 0 when unknown
	// Message says what is wrong and what was expected.
	Message string
}

func (e *Error) Error() string {
	loc := ""
	if e.Line > 0 {
		loc = fmt.Sprintf("line %d, column %d", e.Line, e.Column)
	}
	if e.Path != "" {
		if loc != "" {
			loc += ", "
		}
		loc += e.Path
	}
	if loc == "" {
		return e.Message
	}
	return loc + ": " + e.Message
}

// Errorf returns the Error at path and pos with a formatted message.
func Errorf(path string, pos Position, format string, args ...any) *Error {
	return &Error{Path: path, Line: pos.Line, Column: pos.Column, Message: fmt.Sprintf(format, args...)}
}
