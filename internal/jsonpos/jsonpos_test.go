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
