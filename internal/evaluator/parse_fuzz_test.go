package evaluator

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/iamguard/terraform-provider-iam/internal/jsonpos"
)

// FuzzParsePolicy feeds arbitrary bytes to the parser. It must never panic; every error is a
// *ParseError with a position; an accepted document is valid JSON to encoding/json, reads to
// the same tree, and yields a policy whose statements all have an Effect and actions, with
// every value's position pointing at that value in the text. The seed corpus is in
// testdata/fuzz/FuzzParsePolicy (policies from the AWS documentation cases) plus the seeds
// below.
func FuzzParsePolicy(f *testing.F) {
	for _, seed := range []string{
		fullPolicy,
		`{"Statement":{"Effect":"Deny","NotAction":"*","NotResource":[],"NotPrincipal":{"AWS":"*"}}}`,
		`{"Statement":[{"Effect":"Allow","Action":"a","Condition":{"NumericEquals":{"k":[1,-2.5e3,true]}}}]}`,
		"{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"caf\\u00e9\\ud83d\\ude00 é\"}}",
		`{"Statement":[{"Effect":"Allow","Action":"a","Effect":"Deny"}]}`,
		`{"Statement":{"\u0045ffect":"Deny","Action":"*","Condition":{"Str\u0069ngEquals":{"aws:user\u006eame":"a\/b"}}}}`,
		`[[[[{"a":[]}]]]]`,
		"",
		"null",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		p, err := parsePolicyDocument(doc)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %T is not a *ParseError: %v", err, err)
			}
			if pe.Line < 1 || pe.Column < 1 || pe.Message == "" {
				t.Fatalf("error without position or message: %#v", pe)
			}
			return
		}
		if !json.Valid(doc) {
			t.Fatalf("accepted a document encoding/json rejects: %q", doc)
		}
		checkSameTree(t, doc)
		checkPolicyInvariants(t, doc, p)
		checkCompileProblems(t, doc)
	})
}

// checkCompileProblems checks what CompilePolicy reports of a document that parses: every
// problem is positioned and names its statement (and condition, unless it is a Resource value),
// and ParsePolicy refuses the document with the first problem, or accepts it when there is none.
func checkCompileProblems(t *testing.T, doc []byte) {
	t.Helper()
	_, problems, err := CompilePolicy(doc)
	if err != nil {
		t.Fatalf("parses, but CompilePolicy gives a parse error: %v", err)
	}
	for _, pr := range problems {
		if pr.Err == nil || pr.Err.Line < 1 || pr.Err.Column < 1 || pr.Err.Message == "" || pr.Statement == nil {
			t.Fatalf("problem without place, message or statement: %+v", pr)
		}
		if (pr.Condition == nil) != !strings.Contains(pr.Err.Path, ".Condition.") || pr.Condition == nil && pr.Kind != ProblemVariable {
			t.Fatalf("problem of kind %d at %s with condition %v", pr.Kind, pr.Err.Path, pr.Condition)
		}
	}
	_, perr := ParsePolicy(doc)
	switch {
	case len(problems) == 0 && perr != nil:
		t.Fatalf("no problem, but ParsePolicy: %v", perr)
	case len(problems) > 0 && (perr == nil || perr.Error() != problems[0].Err.Error()):
		t.Fatalf("ParsePolicy: %v, want the first problem %v", perr, problems[0].Err)
	}
}

// checkSameTree compares the reader's tree with encoding/json's reading of the same text.
func checkSameTree(t *testing.T, doc []byte) {
	t.Helper()
	d, err := jsonpos.Read(doc)
	if err != nil {
		t.Fatalf("policy accepted but jsonpos.Read fails: %v", err)
	}
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	var want any
	if err := dec.Decode(&want); err != nil {
		t.Fatalf("encoding/json: %v", err)
	}
	if msg := compareTree(&d.Root, want, "$"); msg != "" {
		t.Fatalf("tree differs from encoding/json: %s\n%q", msg, doc)
	}
}

func compareTree(n *jsonpos.Node, want any, path string) string {
	switch w := want.(type) {
	case nil:
		if n.Kind == jsonpos.Null {
			return ""
		}
	case bool:
		if n.Kind == jsonpos.Bool && n.Text == map[bool]string{true: "true", false: "false"}[w] {
			return ""
		}
	case json.Number:
		if n.Kind == jsonpos.Number && n.Text == string(w) {
			return ""
		}
	case string:
		if n.Kind == jsonpos.String && n.Text == w {
			return ""
		}
	case []any:
		if n.Kind != jsonpos.Array || len(n.Elems) != len(w) {
			break
		}
		for i := range w {
			if msg := compareTree(&n.Elems[i], w[i], path+"[]"); msg != "" {
				return msg
			}
		}
		return ""
	case map[string]any:
		// Keys are unique in an accepted document, so the member counts must agree.
		if n.Kind != jsonpos.Object || len(n.Members) != len(w) {
			break
		}
		for i := range n.Members {
			m := &n.Members[i]
			v, ok := w[m.Key]
			if !ok {
				return path + ": key " + m.Key + " missing in encoding/json"
			}
			if msg := compareTree(&m.Value, v, path+"."+m.Key); msg != "" {
				return msg
			}
		}
		return ""
	}
	return path + ": " + jsonpos.Describe(n) + " differs"
}

// checkPolicyInvariants checks what any successfully parsed policy must satisfy.
func checkPolicyInvariants(t testing.TB, doc []byte, p *Policy) {
	t.Helper()
	if p.Size != utf8.RuneCount(doc) || p.SizeNoSpace > p.Size || p.SizeNoSpace < 2 {
		t.Fatalf("sizes %d/%d for %d characters", p.Size, p.SizeNoSpace, utf8.RuneCount(doc))
	}
	// An empty Statement array is accepted (a policy that allows nothing; validation reports
	// EMPTY_STATEMENT_LIST); a single statement object is one statement.
	if len(p.Statements) == 0 && p.StatementIsObject {
		t.Fatal("policy without statements")
	}
	lines := bytes.Split(doc, []byte("\n"))
	// textAt returns the document text from a position to the end of its line.
	textAt := func(pos Position) string {
		if pos.Line < 1 || pos.Line > len(lines) || pos.Column < 1 || pos.Column > len(lines[pos.Line-1]) {
			t.Fatalf("position %v outside the document", pos)
		}
		return string(lines[pos.Line-1][pos.Column-1:])
	}
	// isStringAt tells whether the text at a position is a JSON string that can hold s: it
	// must start with a quote, and hold s exactly when nothing in it is escaped.
	isStringAt := func(at, s string) bool {
		if !strings.HasPrefix(at, `"`) {
			return false
		}
		end := strings.IndexAny(at[1:], `"\`)
		return end >= 0 && (at[1+end] == '\\' || at[1:1+end] == s)
	}
	checkValue := func(v Value, pathPrefix string) {
		if !strings.HasPrefix(v.Path, pathPrefix) {
			t.Fatalf("value path %q not under %q", v.Path, pathPrefix)
		}
		// Numbers and booleans start with their text.
		if at := textAt(v.Pos); !isStringAt(at, v.Text) && (at[0] == '"' || !strings.HasPrefix(at, v.Text)) {
			t.Fatalf("%s at %v reads %q, value %q", v.Path, v.Pos, at, v.Text)
		}
	}
	for i, s := range p.Statements {
		if s.Effect != EffectAllow && s.Effect != EffectDeny {
			t.Fatalf("statement %d without Effect", i)
		}
		if len(s.Actions) == 0 {
			t.Fatalf("statement %d without actions", i)
		}
		if s.Index != i || !strings.HasPrefix(textAt(s.Pos), "{") {
			t.Fatalf("statement %d: Index %d, Pos %v", i, s.Index, s.Pos)
		}
		if s.NoResource != (s.Resources == nil) {
			t.Fatalf("statement %d: NoResource %v with Resources %v", i, s.NoResource, s.Resources)
		}
		for name, pos := range s.ElementPos {
			if !isStringAt(textAt(pos), name) {
				t.Fatalf("statement %d: element %s at %v reads %q", i, name, pos, textAt(pos))
			}
		}
		for _, v := range s.Actions {
			checkValue(v, s.Path)
		}
		for _, v := range s.Resources {
			checkValue(v, s.Path)
		}
		if pr := s.Principal; pr != nil {
			if pr.Wildcard != (len(pr.AWS)+len(pr.Service)+len(pr.Federated)+len(pr.CanonicalUser) == 0) {
				t.Fatalf("statement %d: principal %+v", i, pr)
			}
			for _, list := range [][]Value{pr.AWS, pr.Service, pr.Federated, pr.CanonicalUser} {
				for _, v := range list {
					checkValue(v, pr.Path)
				}
			}
		}
		for _, c := range s.Conditions {
			if len(c.Values) == 0 || !isStringAt(textAt(c.Pos), c.Key) || !isStringAt(textAt(c.OperatorPos), c.Operator) {
				t.Fatalf("condition %s: %+v", c.Path, c)
			}
			for _, v := range c.Values {
				checkValue(v, c.Path)
			}
		}
	}
}
