package jsonpos

import (
	"errors"
	"strings"
	"testing"
)

func TestReadPositions(t *testing.T) {
	doc, err := Read([]byte("{\n  \"a\": [1.50, \"x\\u00e9\"],\n  \"b\": {\"c\": true}\n}"))
	if err != nil {
		t.Fatal(err)
	}
	a := doc.Root.Members[0]
	if a.Key != "a" || a.KeyPos != (Position{Line: 2, Column: 3}) {
		t.Errorf("member a at %+v", a.KeyPos)
	}
	if n := a.Value.Elems[0]; n.Kind != Number || n.Text != "1.50" || n.Pos != (Position{Line: 2, Column: 9}) {
		t.Errorf("number %+v", n)
	}
	if s := a.Value.Elems[1]; s.Kind != String || s.Text != "xé" {
		t.Errorf("string %+v", s)
	}
	if i := FindKey(doc.Root.Members, nil, "b"); i != 1 {
		t.Errorf("FindKey b = %d", i)
	}
	if got := Describe(&a.Value.Elems[1]); got != `string "xé"` {
		t.Errorf("Describe = %s", got)
	}
}

func TestReadErrors(t *testing.T) {
	tests := []struct{ in, path, msg string }{
		{`{"a": 1, "a": 2}`, "", `duplicate key "a" (first at line 1, column 2)`},
		{`{"a": [1, }`, "a[1]", "expected"},
		{"\uFEFF{}", "", "byte order mark"},
		{"{\"a\": \"\xff\"}", "a", "UTF-8"},
		{`{} x`, "", "end of input after the JSON document"},
		{strings.Repeat("[", MaxDepth+1) + strings.Repeat("]", MaxDepth+1), "", "nested more than"},
	}
	for _, tt := range tests {
		_, err := Read([]byte(tt.in))
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("%q: error %v, want an *Error", tt.in, err)
			continue
		}
		if !strings.HasPrefix(e.Path, tt.path) || !strings.Contains(e.Message, tt.msg) || e.Line != 1 {
			t.Errorf("%q: %+v, want path %q and a message with %q", tt.in, e, tt.path, tt.msg)
		}
	}
}

// sameShape reports whether two trees hold the same values and keys, positions aside.
func sameShape(a, b *Node) bool {
	if a.Kind != b.Kind || a.Text != b.Text || len(a.Elems) != len(b.Elems) || len(a.Members) != len(b.Members) {
		return false
	}
	for i := range a.Elems {
		if !sameShape(&a.Elems[i], &b.Elems[i]) {
			return false
		}
	}
	for i := range a.Members {
		if a.Members[i].Key != b.Members[i].Key || !sameShape(&a.Members[i].Value, &b.Members[i].Value) {
			return false
		}
	}
	return true
}

// checkOpaque compares ReadOpaque's node o with Read's node full: equal with positions, except
// that an object read opaque holds its text, which Read reads to full's shape.
func checkOpaque(t *testing.T, o, full *Node, opaque bool) {
	t.Helper()
	if o.Kind != full.Kind || o.Pos != full.Pos {
		t.Fatalf("node %+v, Read gives %+v", o, full)
	}
	if Describe(o) != Describe(full) {
		t.Fatalf("Describe %q, Read's node %q", Describe(o), Describe(full))
	}
	if opaque && o.Kind == Object {
		if len(o.Members) != 0 || !strings.HasPrefix(o.Text, "{") {
			t.Fatalf("opaque object %+v holds no text", o)
		}
		sub, err := Read([]byte(o.Text))
		if err != nil {
			t.Fatalf("opaque text %q does not read: %v", o.Text, err)
		}
		if !sameShape(&sub.Root, full) {
			t.Fatalf("opaque text %q reads to another value than Read's", o.Text)
		}
		return
	}
	if o.Text != full.Text || len(o.Elems) != len(full.Elems) || len(o.Members) != len(full.Members) {
		t.Fatalf("node %+v, Read gives %+v", o, full)
	}
	for i := range o.Elems {
		checkOpaque(t, &o.Elems[i], &full.Elems[i], opaque)
	}
	for i := range o.Members {
		m, fm := &o.Members[i], &full.Members[i]
		if m.Key != fm.Key || m.KeyPos != fm.KeyPos {
			t.Fatalf("member %q at %+v, Read gives %q at %+v", m.Key, m.KeyPos, fm.Key, fm.KeyPos)
		}
		checkOpaque(t, &m.Value, &fm.Value, opaque)
	}
}

func TestReadOpaque(t *testing.T) {
	in := "{\"p\": {\"Statement\": [{\"Effect\": \"Allow\"}]},\n \"q\": [{\"a\": 1}, \"arn\", [{}]], \"r\": {\"s\": {\"t\": 2}}}"
	doc, err := ReadOpaque([]byte(in), "p", "q")
	if err != nil {
		t.Fatal(err)
	}
	p := doc.Root.Members[0].Value
	if p.Kind != Object || p.Text != `{"Statement": [{"Effect": "Allow"}]}` || p.Members != nil {
		t.Errorf("p = %+v, want its text", p)
	}
	q := doc.Root.Members[1].Value
	if q.Elems[0].Text != `{"a": 1}` || q.Elems[1].Kind != String || q.Elems[2].Elems[0].Text != "{}" {
		t.Errorf("q = %+v", q)
	}
	if q.Elems[0].Pos != (Position{Line: 2, Column: 8}) {
		t.Errorf("q[0] at %+v", q.Elems[0].Pos)
	}
	if got := Describe(&p); got != "object" {
		t.Errorf("Describe(opaque p) = %q", got)
	}
	if got := Describe(&q.Elems[2].Elems[0]); got != "an empty object" {
		t.Errorf("Describe(opaque {}) = %q", got)
	}
	if r := doc.Root.Members[2].Value; len(r.Members) != 1 || r.Members[0].Value.Text != "" {
		t.Errorf("r, not opaque, = %+v", r)
	}
	if doc.Runes != len(in) || doc.SpaceBytes != strings.Count(in, " ")+1 {
		t.Errorf("runes %d, space %d", doc.Runes, doc.SpaceBytes)
	}
	// A duplicate key inside an opaque object is left to the reader of its text; any other
	// error is Read's, with its path.
	if _, err := ReadOpaque([]byte(`{"p": {"a": 1, "a": 2}}`), "p"); err != nil {
		t.Errorf("duplicate inside an opaque object: %v", err)
	}
	_, err = ReadOpaque([]byte(`{"p": {"a": [1, }}`), "p")
	_, want := Read([]byte(`{"p": {"a": [1, }}`))
	if err == nil || err.Error() != want.Error() {
		t.Errorf("error %v, want Read's %v", err, want)
	}
}

// FuzzReadOpaque holds ReadOpaque to Read: the same tree and positions outside opaque objects,
// opaque objects whose text reads to Read's value, and Read's error whenever Read fails, except
// for a duplicate key inside an opaque object.
func FuzzReadOpaque(f *testing.F) {
	for _, s := range []string{
		`{"p": {"Statement": [{"Effect": "Allow"}]}, "q": [{"a": 1}, "x"]}`,
		`{"p": {"a": 1, "a": 2}}`, `{"p": [{"a": "\u00e9\ud83d\ude00"}, [[{}]]], "x": {"p": {}}}`,
		`{"p": {"a": [1, }}`, "{\"p\": {\"a\": \"\xff\"}}", `{"q": 1e5, "p": -0.5}`, `[{"p": {}}]`,
		"\uFEFF{}", `{"p": {}} x`, `{"p": {"a":` + strings.Repeat("[", MaxDepth) + `}}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		full, ferr := Read([]byte(in))
		doc, err := ReadOpaque([]byte(in), "p", "q")
		switch {
		case ferr == nil && err != nil:
			t.Fatalf("Read accepts %q, ReadOpaque says %v", in, err)
		case ferr != nil && err != nil:
			if err.Error() != ferr.Error() {
				t.Fatalf("%q: ReadOpaque says %v, Read %v", in, err, ferr)
			}
		case ferr != nil:
			if !strings.Contains(ferr.Error(), "duplicate key") || !opaqueTextFails(&doc.Root) {
				t.Fatalf("ReadOpaque accepts %q, Read says %v", in, ferr)
			}
		default:
			if doc.Runes != full.Runes || doc.SpaceBytes != full.SpaceBytes {
				t.Fatalf("%q: counts %d/%d, Read %d/%d", in, doc.Runes, doc.SpaceBytes, full.Runes, full.SpaceBytes)
			}
			checkTop(t, &doc.Root, &full.Root)
		}
	})
}

// checkTop compares the top-level value: only its members named p and q are opaque.
func checkTop(t *testing.T, o, full *Node) {
	t.Helper()
	if o.Kind != Object {
		checkOpaque(t, o, full, false)
		return
	}
	if len(o.Members) != len(full.Members) || o.Pos != full.Pos {
		t.Fatalf("top %+v, Read gives %+v", o, full)
	}
	for i := range o.Members {
		m, fm := &o.Members[i], &full.Members[i]
		if m.Key != fm.Key || m.KeyPos != fm.KeyPos {
			t.Fatalf("member %q at %+v, Read gives %q at %+v", m.Key, m.KeyPos, fm.Key, fm.KeyPos)
		}
		checkOpaque(t, &m.Value, &fm.Value, m.Key == "p" || m.Key == "q")
	}
}

// opaqueTextFails reports whether the text of an opaque object under n does not read.
func opaqueTextFails(n *Node) bool {
	if n.Kind == Object && n.Text != "" {
		_, err := Read([]byte(n.Text))
		return err != nil
	}
	for i := range n.Elems {
		if opaqueTextFails(&n.Elems[i]) {
			return true
		}
	}
	for i := range n.Members {
		if opaqueTextFails(&n.Members[i].Value) {
			return true
		}
	}
	return false
}
