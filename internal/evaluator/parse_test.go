package evaluator

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/iamguard/terraform-provider-iam/internal/jsonpos"
)

// posOf finds the n-th (0-based) occurrence of marker in doc and returns its 1-based line and
// byte column, computed independently of the parser.
func posOf(t testing.TB, doc, marker string, n int) Position {
	t.Helper()
	off := -1
	for i := 0; i <= n; i++ {
		next := strings.Index(doc[off+1:], marker)
		if next < 0 {
			t.Fatalf("marker %q occurrence %d not in document", marker, n)
		}
		off += 1 + next
	}
	line := 1 + strings.Count(doc[:off], "\n")
	lineStart := strings.LastIndex(doc[:off], "\n") + 1
	return Position{Line: line, Column: off - lineStart + 1}
}

func mustParse(t *testing.T, doc string) *Policy {
	t.Helper()
	p, err := parsePolicyDocument([]byte(doc))
	if err != nil {
		t.Fatalf("parsePolicyDocument: %v\n%s", err, doc)
	}
	return p
}

const fullPolicy = `{
  "Version": "2012-10-17",
  "Id": "policy-1",
  "Statement": [
    {
      "Sid": "First",
      "Effect": "Allow",
      "Action": ["s3:GetObject", "s3:PutObject"],
      "Resource": "arn:aws:s3:::bkt/*",
      "Condition": {
        "StringEquals": {"aws:username": ["alice", "bob"], "s3:prefix": "home/"},
        "NumericLessThan": {"s3:max-keys": 10}
      }
    },
    {
      "Effect": "Deny",
      "NotAction": "iam:*",
      "NotResource": ["arn:aws:iam::111122223333:role/admin"],
      "Principal": {"AWS": ["arn:aws:iam::111122223333:root", "444455556666"], "Service": "ec2.amazonaws.com"}
    },
    {
      "Effect": "Allow",
      "Action": "sts:AssumeRole",
      "NotPrincipal": "*"
    }
  ]
}`

func TestParsePolicyFull(t *testing.T) {
	p := mustParse(t, fullPolicy)
	if p.Version != Version2012 || p.ID != "policy-1" || p.StatementIsObject || len(p.Statements) != 3 {
		t.Fatalf("policy header: %+v", p)
	}
	if p.Pos != (Position{Line: 1, Column: 1}) || p.VersionPos != posOf(t, fullPolicy, `"2012-10-17"`, 0) {
		t.Errorf("Pos %v VersionPos %v", p.Pos, p.VersionPos)
	}

	s0 := p.Statements[0]
	if s0.Index != 0 || s0.Path != "Statement[0]" || s0.Sid != "First" || s0.Effect != EffectAllow || s0.NotAction || s0.NotResource || s0.NoResource || s0.Principal != nil {
		t.Errorf("statement 0: %+v", s0)
	}
	if s0.Pos != posOf(t, fullPolicy, "{", 1) || s0.SidPos != posOf(t, fullPolicy, `"First"`, 0) {
		t.Errorf("statement 0 Pos %v SidPos %v", s0.Pos, s0.SidPos)
	}
	wantActions := []Value{
		{Text: "s3:GetObject", Path: "Statement[0].Action[0]", Pos: posOf(t, fullPolicy, `"s3:GetObject"`, 0)},
		{Text: "s3:PutObject", Path: "Statement[0].Action[1]", Pos: posOf(t, fullPolicy, `"s3:PutObject"`, 0)},
	}
	if !reflect.DeepEqual(s0.Actions, wantActions) {
		t.Errorf("actions\n got %+v\nwant %+v", s0.Actions, wantActions)
	}
	wantResources := []Value{{Text: "arn:aws:s3:::bkt/*", Path: "Statement[0].Resource", Pos: posOf(t, fullPolicy, `"arn:aws:s3:::bkt/*"`, 0)}}
	if !reflect.DeepEqual(s0.Resources, wantResources) {
		t.Errorf("resources %+v", s0.Resources)
	}
	for _, name := range []string{"Sid", "Effect", "Action", "Resource", "Condition"} {
		if got, want := s0.ElementPos[name], posOf(t, fullPolicy, `"`+name+`"`, 0); got != want {
			t.Errorf("ElementPos[%s] = %v, want %v", name, got, want)
		}
	}
	if len(s0.ElementPos) != 5 {
		t.Errorf("ElementPos has %d entries: %v", len(s0.ElementPos), s0.ElementPos)
	}

	// Conditions keep document order: operator by operator, key by key.
	if len(s0.Conditions) != 3 {
		t.Fatalf("conditions: %d", len(s0.Conditions))
	}
	c := s0.Conditions[0]
	if c.Operator != "StringEquals" || c.Key != "aws:username" || !c.ValuesIsList ||
		c.Path != "Statement[0].Condition.StringEquals.aws:username" ||
		c.Pos != posOf(t, fullPolicy, `"aws:username"`, 0) || c.OperatorPos != posOf(t, fullPolicy, `"StringEquals"`, 0) {
		t.Errorf("condition 0: %+v", c)
	}
	wantValues := []Value{
		{Text: "alice", Path: "Statement[0].Condition.StringEquals.aws:username[0]", Pos: posOf(t, fullPolicy, `"alice"`, 0)},
		{Text: "bob", Path: "Statement[0].Condition.StringEquals.aws:username[1]", Pos: posOf(t, fullPolicy, `"bob"`, 0)},
	}
	if !reflect.DeepEqual(c.Values, wantValues) {
		t.Errorf("condition 0 values %+v", c.Values)
	}
	c = s0.Conditions[1]
	if c.Key != "s3:prefix" || c.ValuesIsList || len(c.Values) != 1 || c.Values[0].Text != "home/" ||
		c.Values[0].Path != "Statement[0].Condition.StringEquals.s3:prefix" || c.Values[0].Pos != posOf(t, fullPolicy, `"home/"`, 0) {
		t.Errorf("condition 1: %+v", c)
	}
	c = s0.Conditions[2]
	if c.Operator != "NumericLessThan" || c.Key != "s3:max-keys" || c.Values[0].Text != "10" || c.Values[0].Pos != posOf(t, fullPolicy, "10}", 0) {
		t.Errorf("condition 2: %+v", c)
	}

	s1 := p.Statements[1]
	if s1.Effect != EffectDeny || !s1.NotAction || !s1.NotResource || s1.NoResource || s1.Sid != "" || s1.SidPos != (Position{}) {
		t.Errorf("statement 1: %+v", s1)
	}
	if len(s1.Actions) != 1 || s1.Actions[0].Path != "Statement[1].NotAction" || s1.Actions[0].Text != "iam:*" {
		t.Errorf("statement 1 NotAction %+v", s1.Actions)
	}
	if len(s1.Resources) != 1 || s1.Resources[0].Path != "Statement[1].NotResource[0]" {
		t.Errorf("statement 1 NotResource %+v", s1.Resources)
	}
	pr := s1.Principal
	if pr == nil || pr.Not || pr.Wildcard || pr.Path != "Statement[1].Principal" || pr.Pos != posOf(t, fullPolicy, `{"AWS"`, 0) {
		t.Fatalf("statement 1 principal %+v", pr)
	}
	wantAWS := []Value{
		{Text: "arn:aws:iam::111122223333:root", Path: "Statement[1].Principal.AWS[0]", Pos: posOf(t, fullPolicy, `"arn:aws:iam::111122223333:root"`, 0)},
		{Text: "444455556666", Path: "Statement[1].Principal.AWS[1]", Pos: posOf(t, fullPolicy, `"444455556666"`, 0)},
	}
	if !reflect.DeepEqual(pr.AWS, wantAWS) {
		t.Errorf("principal AWS %+v", pr.AWS)
	}
	if len(pr.Service) != 1 || pr.Service[0].Text != "ec2.amazonaws.com" || pr.Service[0].Path != "Statement[1].Principal.Service" || pr.Federated != nil || pr.CanonicalUser != nil {
		t.Errorf("principal Service %+v", pr)
	}

	s2 := p.Statements[2]
	if !s2.NoResource || s2.Resources != nil || s2.Principal == nil || !s2.Principal.Not || !s2.Principal.Wildcard || s2.Principal.Path != "Statement[2].NotPrincipal" {
		t.Errorf("statement 2: %+v principal %+v", s2, s2.Principal)
	}
	if _, ok := s2.ElementPos["NotPrincipal"]; !ok {
		t.Errorf("statement 2 ElementPos lacks NotPrincipal: %v", s2.ElementPos)
	}
}

func TestParsePolicySingleObjectStatement(t *testing.T) {
	doc := `{"Version":"2008-10-17","Statement":{"Effect":"Deny","Action":"*","Resource":["a","b"]}}`
	p := mustParse(t, doc)
	if !p.StatementIsObject || p.Version != Version2008 || len(p.Statements) != 1 {
		t.Fatalf("%+v", p)
	}
	s := p.Statements[0]
	if s.Path != "Statement" || s.Index != 0 || s.Pos != posOf(t, doc, `{"Effect"`, 0) {
		t.Errorf("statement %+v", s)
	}
	if s.Actions[0].Path != "Statement.Action" || s.Resources[1].Path != "Statement.Resource[1]" || s.Resources[1].Pos != posOf(t, doc, `"b"`, 0) {
		t.Errorf("paths %+v %+v", s.Actions, s.Resources)
	}
}

func TestParsePolicyOptionalElements(t *testing.T) {
	p := mustParse(t, `{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":[]}]}`)
	if p.Version != "" || p.VersionPos != (Position{}) || p.ID != "" {
		t.Errorf("missing Version/Id: %+v", p)
	}
	s := p.Statements[0]
	// Resource: [] is kept as an empty list, told apart from a missing Resource.
	if s.Resources == nil || len(s.Resources) != 0 || s.NoResource {
		t.Errorf("Resource [] gave Resources=%#v NoResource=%v", s.Resources, s.NoResource)
	}
	if s.Conditions != nil || s.Principal != nil {
		t.Errorf("unexpected elements %+v", s)
	}
	// An empty Condition block or operator adds no condition.
	p = mustParse(t, `{"Statement":[{"Effect":"Allow","Action":"s3:*","Condition":{}},{"Effect":"Allow","Action":"s3:*","Condition":{"StringEquals":{}}}]}`)
	for _, s := range p.Statements {
		if len(s.Conditions) != 0 || !s.NoResource {
			t.Errorf("%s: conditions %v NoResource %v", s.Path, s.Conditions, s.NoResource)
		}
		if _, ok := s.ElementPos["Condition"]; !ok {
			t.Errorf("%s: Condition position not recorded", s.Path)
		}
	}
}

func TestParsePolicyEscapedKeys(t *testing.T) {
	// Keys are compared after decoding, as JSON defines them: \u0045 is "E".
	doc := `{"Statement":{"\u0045ffect":"Deny","Action":"*","Condition":{"Str\u0069ngEquals":{"aws:user\u006eame":"a\/b"}}}}`
	p := mustParse(t, doc)
	s := p.Statements[0]
	if s.Effect != EffectDeny || s.ElementPos["Effect"] != posOf(t, doc, `"\u0045ffect"`, 0) {
		t.Errorf("escaped Effect key: %+v", s)
	}
	c := s.Conditions[0]
	if c.Operator != "StringEquals" || c.Key != "aws:username" || c.Values[0].Text != "a/b" ||
		c.Path != "Statement.Condition.StringEquals.aws:username" {
		t.Errorf("escaped condition: %+v", c)
	}
}

func TestParsePrincipalForms(t *testing.T) {
	tests := []struct {
		principal string
		want      Principal // Path and Pos are checked apart; Values compared by text
	}{
		{`"*"`, Principal{Wildcard: true}},
		{`{"AWS":"*"}`, Principal{AWS: []Value{{Text: "*"}}}},
		{`{"AWS":["arn:aws:iam::1:root","2"]}`, Principal{AWS: []Value{{Text: "arn:aws:iam::1:root"}, {Text: "2"}}}},
		{`{"Service":["a.amazonaws.com","b.amazonaws.com"]}`, Principal{Service: []Value{{Text: "a.amazonaws.com"}, {Text: "b.amazonaws.com"}}}},
		{`{"Federated":"cognito-identity.amazonaws.com"}`, Principal{Federated: []Value{{Text: "cognito-identity.amazonaws.com"}}}},
		{`{"CanonicalUser":"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"}`, Principal{CanonicalUser: []Value{{Text: "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"}}}},
		{`{"AWS":"1","Service":"s","Federated":"f","CanonicalUser":"c"}`, Principal{AWS: []Value{{Text: "1"}}, Service: []Value{{Text: "s"}}, Federated: []Value{{Text: "f"}}, CanonicalUser: []Value{{Text: "c"}}}},
	}
	texts := func(vs []Value) []string {
		var out []string
		for _, v := range vs {
			out = append(out, v.Text)
		}
		return out
	}
	for _, key := range []string{"Principal", "NotPrincipal"} {
		for _, tc := range tests {
			doc := `{"Statement":{"Effect":"Allow","Action":"sts:AssumeRole","` + key + `":` + tc.principal + `}}`
			p := mustParse(t, doc)
			got := p.Statements[0].Principal
			if got == nil {
				t.Fatalf("%s: no principal", doc)
			}
			if got.Not != (key == "NotPrincipal") || got.Wildcard != tc.want.Wildcard || got.Path != "Statement."+key ||
				got.Pos != posOf(t, doc, tc.principal, 0) ||
				!reflect.DeepEqual(texts(got.AWS), texts(tc.want.AWS)) || !reflect.DeepEqual(texts(got.Service), texts(tc.want.Service)) ||
				!reflect.DeepEqual(texts(got.Federated), texts(tc.want.Federated)) || !reflect.DeepEqual(texts(got.CanonicalUser), texts(tc.want.CanonicalUser)) {
				t.Errorf("%s:\n got %+v", doc, got)
			}
		}
	}
}

func TestParseConditionValueTypes(t *testing.T) {
	doc := `{"Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*","Condition":{
  "NumericLessThanEquals":{"s3:max-keys":10,"n:neg":-3.5e+2,"n:list":[1, 2.50, "3"]},
  "Bool":{"aws:SecureTransport":false,"aws:MultiFactorAuthPresent":[true]},
  "StringEquals":{"k:unicode":"caf\u00e9 \ud83d\ude00 \"q\" \\ \/ \t", "k:raw":"café"}
}}]}`
	p := mustParse(t, doc)
	type cv struct {
		key    string
		values []string
		list   bool
	}
	want := []cv{
		{"s3:max-keys", []string{"10"}, false},
		{"n:neg", []string{"-3.5e+2"}, false},
		{"n:list", []string{"1", "2.50", "3"}, true},
		{"aws:SecureTransport", []string{"false"}, false},
		{"aws:MultiFactorAuthPresent", []string{"true"}, true},
		{"k:unicode", []string{"café 😀 \"q\" \\ / \t"}, false},
		{"k:raw", []string{"café"}, false},
	}
	conds := p.Statements[0].Conditions
	if len(conds) != len(want) {
		t.Fatalf("got %d conditions", len(conds))
	}
	for i, w := range want {
		c := conds[i]
		var got []string
		for _, v := range c.Values {
			got = append(got, v.Text)
		}
		if c.Key != w.key || c.ValuesIsList != w.list || !reflect.DeepEqual(got, w.values) {
			t.Errorf("condition %d: key %q list %v values %q; want %+v", i, c.Key, c.ValuesIsList, got, w)
		}
	}
	if got, want := conds[2].Values[1].Pos, posOf(t, doc, "2.50", 0); got != want {
		t.Errorf("number position %v, want %v", got, want)
	}
	if got, want := conds[4].Values[0].Pos, posOf(t, doc, "true]", 0); got != want {
		t.Errorf("boolean position %v, want %v", got, want)
	}
	if got := conds[4].Values[0].Path; got != "Statement[0].Condition.Bool.aws:MultiFactorAuthPresent[0]" {
		t.Errorf("boolean path %q", got)
	}
	// Columns count bytes: the value after the two-byte é starts one column later than its
	// character count would say.
	if got, want := conds[6].Pos, posOf(t, doc, `"k:raw"`, 0); got != want {
		t.Errorf("key after non-ASCII text at %v, want %v", got, want)
	}
}

func TestParsePolicyPositionsCRLF(t *testing.T) {
	doc := "{\r\n\t\"Statement\": {\r\n\t\t\"Effect\": \"Allow\",\r\n\t\t\"Action\": \"s3:*\"\r\n\t}\r\n}\r\n"
	p := mustParse(t, doc)
	if got := p.Statements[0].Actions[0].Pos; got != (Position{Line: 4, Column: 13}) {
		t.Errorf("action at %v, want 4:13", got)
	}
	if got := p.Statements[0].ElementPos["Effect"]; got != (Position{Line: 3, Column: 3}) {
		t.Errorf("Effect key at %v, want 3:3", got)
	}
}

func TestParsePolicySize(t *testing.T) {
	tests := []struct {
		doc               string
		size, sizeNoSpace int
	}{
		{`{"Statement":{"Effect":"Allow","Action":"*"}}`, 45, 45},
		// White space outside strings is not counted; inside strings it is.
		{"{ \"Statement\" :\n\t{\"Effect\":\"Allow\", \"Action\":\"a b\"}\r\n}\n", 55, 47},
		// Characters, not bytes: é is two bytes and 😀 four, one character each.
		{`{"Statement":{"Effect":"Allow","Action":"é😀"}}`, 46, 46},
	}
	for _, tc := range tests {
		p := mustParse(t, tc.doc)
		if p.Size != tc.size || p.SizeNoSpace != tc.sizeNoSpace {
			t.Errorf("%q: Size %d SizeNoSpace %d, want %d %d", tc.doc, p.Size, p.SizeNoSpace, tc.size, tc.sizeNoSpace)
		}
	}
}

// parseErrorCase is a document that must fail, with where and what.
type parseErrorCase struct {
	name string
	doc  string
	path string
	// at is a marker whose first occurrence in doc is the expected position; pos overrides
	// it when set.
	at  string
	pos Position
	// shift moves the expected position right by that many bytes from the marker.
	shift int
	msg   string // fragment of the message
}

func wrapStatement(members string) string {
	return `{"Version":"2012-10-17","Statement":[{` + members + `}]}`
}

var parseErrorCases = []parseErrorCase{
	// Document level.
	{name: "empty", doc: "", pos: Position{Line: 1, Column: 1}, msg: "empty policy document; expected a JSON object"},
	{name: "blank", doc: " \n\t ", pos: Position{Line: 1, Column: 1}, msg: "empty policy document"},
	{name: "null", doc: "null", pos: Position{Line: 1, Column: 1}, msg: "must be a JSON object, got null"},
	{name: "array", doc: "\n [1]", pos: Position{Line: 2, Column: 2}, msg: "must be a JSON object, got array"},
	{name: "string", doc: `"{}"`, pos: Position{Line: 1, Column: 1}, msg: `must be a JSON object, got string "{}"`},
	{name: "truncated", doc: `{"Statement":`, pos: Position{Line: 1, Column: 14}, path: "Statement", msg: "unexpected end of input; expected a value"},
	{name: "trailing data", doc: `{"Statement":{"Effect":"Allow","Action":"*"}} {}`, at: " {}", pos: Position{Line: 1, Column: 47}, msg: "expected end of input after the JSON document, found '{'"},
	{name: "unknown top element", doc: `{"Statement":{"Effect":"Allow","Action":"*"},"Statment":[]}`, at: `"Statment"`, path: "Statment", msg: `unknown element "Statment"; a policy may contain Version, Id and Statement`}, //nolint:misspell // the misspelt element is the input under test
	{name: "missing Statement", doc: "{\n\"Version\":\"2012-10-17\"}", pos: Position{Line: 1, Column: 1}, msg: "missing Statement"},
	{name: "bad Version", doc: `{"Version":"2012-10-18","Statement":[]}`, at: `"2012-10-18"`, path: "Version", msg: `expected "2012-10-17" or "2008-10-17", got "2012-10-18"`},
	{name: "Version number", doc: `{"Version":2012,"Statement":[]}`, at: "2012", path: "Version", msg: "got number 2012"},
	{name: "Id type", doc: `{"Id":["x"],"Statement":[]}`, at: `["x"]`, path: "Id", msg: "expected a string, got array"},
	{name: "Statement string", doc: `{"Statement":"Allow"}`, at: `"Allow"`, path: "Statement", msg: `expected a statement object or an array of statements, got string "Allow"`},
	{name: "Statement element not object", doc: `{"Statement":[{"Effect":"Allow","Action":"*"}, null]}`, at: "null", path: "Statement[1]", msg: "expected a statement object, got null"},

	// Statement elements.
	{name: "Effect case", doc: wrapStatement(`"Effect":"allow","Action":"*"`), at: `"allow"`, path: "Statement[0].Effect", msg: `expected "Allow" or "Deny", got "allow"`},
	{name: "Effect type", doc: wrapStatement(`"Effect":true,"Action":"*"`), at: "true", path: "Statement[0].Effect", msg: `expected "Allow" or "Deny", got boolean true`},
	{name: "missing Effect", doc: wrapStatement(`"Action":"*"`), at: `{"Action"`, path: "Statement[0]", msg: `missing Effect; expected "Allow" or "Deny"`},
	{name: "missing Action", doc: wrapStatement(`"Effect":"Allow","Resource":"*"`), at: `{"Effect"`, path: "Statement[0]", msg: "missing Action or NotAction"},
	{name: "Action and NotAction", doc: wrapStatement(`"Effect":"Allow","Action":"*","NotAction":"s3:*"`), at: `"NotAction"`, path: "Statement[0].NotAction", msg: "Action or NotAction, not both"},
	{name: "NotAction and Action", doc: wrapStatement(`"Effect":"Allow","NotAction":"*","Action":"s3:*"`), at: `"Action"`, path: "Statement[0].Action", msg: "Action or NotAction, not both"},
	{name: "empty Action", doc: wrapStatement(`"Effect":"Allow","Action":[]`), at: "[]", path: "Statement[0].Action", msg: "expected at least one action, got an empty array"},
	{name: "empty NotAction", doc: wrapStatement(`"Effect":"Allow","NotAction":[]`), at: "[]", path: "Statement[0].NotAction", msg: "expected at least one action"},
	{name: "Action element number", doc: wrapStatement(`"Effect":"Allow","Action":["s3:*",1]`), at: "1]", path: "Statement[0].Action[1]", msg: "expected a string, got number 1"},
	{name: "Action object", doc: wrapStatement(`"Effect":"Allow","Action":{}`), at: "{}", path: "Statement[0].Action", msg: "expected a string or an array of strings, got an empty object"},
	{name: "Action nested array", doc: wrapStatement(`"Effect":"Allow","Action":[["s3:*"]]`), at: `["s3:*"]`, path: "Statement[0].Action[0]", msg: "expected a string, got array"},
	{name: "Resource and NotResource", doc: wrapStatement(`"Effect":"Allow","Action":"*","Resource":"*","NotResource":"a"`), at: `"NotResource"`, path: "Statement[0].NotResource", msg: "Resource or NotResource, not both"},
	{name: "Resource number", doc: wrapStatement(`"Effect":"Allow","Action":"*","Resource":5`), at: "5", path: "Statement[0].Resource", msg: "got number 5"},
	{name: "NotResource null element", doc: wrapStatement(`"Effect":"Allow","Action":"*","NotResource":["a",null]`), at: "null", path: "Statement[0].NotResource[1]", msg: "expected a string, got null"},
	{name: "Sid number", doc: wrapStatement(`"Sid":1,"Effect":"Allow","Action":"*"`), at: `1,"Effect"`, path: "Statement[0].Sid", msg: "expected a string, got number 1"},
	{name: "unknown statement element", doc: wrapStatement(`"Effect":"Allow","Actions":"*"`), at: `"Actions"`, path: "Statement[0].Actions", msg: `unknown element "Actions"; a statement may contain Sid, Effect, Action`},
	{name: "lower-case element", doc: `{"Statement":{"effect":"Allow"}}`, at: `"effect"`, path: "Statement.effect", msg: `unknown element "effect"`},

	// Principal.
	{name: "Principal and NotPrincipal", doc: wrapStatement(`"Effect":"Allow","Action":"*","Principal":"*","NotPrincipal":"*"`), at: `"NotPrincipal"`, path: "Statement[0].NotPrincipal", msg: "Principal or NotPrincipal, not both"},
	{name: "Principal ARN string", doc: wrapStatement(`"Effect":"Allow","Action":"*","Principal":"arn:aws:iam::1:root"`), at: `"arn:`, path: "Statement[0].Principal", msg: `expected "*" or an object with AWS, Service, Federated or CanonicalUser, got "arn:aws:iam::1:root"`},
	{name: "Principal empty object", doc: wrapStatement(`"Effect":"Allow","Action":"*","Principal":{}`), at: "{}", path: "Statement[0].Principal", msg: "got an empty object"},
	{name: "Principal unknown type", doc: wrapStatement(`"Effect":"Allow","Action":"*","Principal":{"aws":"*"}`), at: `"aws"`, path: "Statement[0].Principal.aws", msg: `unknown principal type "aws"; expected AWS, Service, Federated or CanonicalUser`},
	{name: "Principal empty list", doc: wrapStatement(`"Effect":"Allow","Action":"*","Principal":{"Service":[]}`), at: "[]", path: "Statement[0].Principal.Service", msg: "expected at least one principal, got an empty array"},
	{name: "Principal null value", doc: wrapStatement(`"Effect":"Allow","Action":"*","Principal":{"AWS":["1",null]}`), at: "null", path: "Statement[0].Principal.AWS[1]", msg: "expected a string, got null"},
	{name: "Principal number", doc: wrapStatement(`"Effect":"Allow","Action":"*","NotPrincipal":7`), at: "7}", path: "Statement[0].NotPrincipal", msg: "got number 7"},

	// Condition.
	{name: "Condition string", doc: wrapStatement(`"Effect":"Allow","Action":"*","Condition":"x"`), at: `"x"`, path: "Statement[0].Condition", msg: `expected an object of condition operators, got string "x"`},
	{name: "Condition operator array", doc: wrapStatement(`"Effect":"Allow","Action":"*","Condition":{"StringEquals":["a"]}`), at: `["a"]`, path: "Statement[0].Condition.StringEquals", msg: "expected an object of condition keys and values, got array"},
	{name: "Condition value null", doc: wrapStatement(`"Effect":"Allow","Action":"*","Condition":{"Null":{"aws:TokenIssueTime":null}}`), at: "null", path: "Statement[0].Condition.Null.aws:TokenIssueTime", msg: "expected a string, number, boolean or an array of them, got null"},
	{name: "Condition value object", doc: wrapStatement(`"Effect":"Allow","Action":"*","Condition":{"StringEquals":{"k":{"a":"b"}}}`), at: `{"a"`, path: "Statement[0].Condition.StringEquals.k", msg: "got object"},
	{name: "Condition empty values", doc: wrapStatement(`"Effect":"Allow","Action":"*","Condition":{"StringEquals":{"aws:username":[]}}`), at: "[]", path: "Statement[0].Condition.StringEquals.aws:username", msg: "a condition key needs at least one value"},
	{name: "Condition nested array", doc: wrapStatement(`"Effect":"Allow","Action":"*","Condition":{"StringEquals":{"aws:username":["a",["b"]]}}`), at: `["b"]`, path: "Statement[0].Condition.StringEquals.aws:username[1]", msg: "expected a string, number or boolean, got array"},
	{name: "Condition null in list", doc: wrapStatement(`"Effect":"Allow","Action":"*","Condition":{"StringEquals":{"aws:username":[null]}}`), at: "null", path: "Statement[0].Condition.StringEquals.aws:username[0]", msg: "got null"},

	// Duplicate keys at every level: reported at the second key, with the first one's place.
	{name: "duplicate top key", doc: `{"Statement":{"Effect":"Allow","Action":"*"},` + "\n" + `"Statement":[]}`, pos: Position{Line: 2, Column: 1}, msg: `duplicate key "Statement" (first at line 1, column 2)`},
	{name: "duplicate statement key", doc: wrapStatement(`"Effect":"Allow","Action":"*","Effect":"Deny"`), at: `"Effect":"Deny"`, path: "Statement[0]", msg: `duplicate key "Effect" (first at line 1, column 39)`},
	{name: "duplicate principal key", doc: wrapStatement(`"Effect":"Allow","Action":"*","Principal":{"AWS":"1","AWS":"2"}`), at: `"AWS":"2"`, path: "Statement[0].Principal", msg: `duplicate key "AWS"`},
	{name: "duplicate condition operator", doc: wrapStatement(`"Effect":"Allow","Action":"*","Condition":{"Bool":{"a":"true"},"Bool":{"b":"true"}}`), at: `"Bool":{"b"`, path: "Statement[0].Condition", msg: `duplicate key "Bool"`},
	{name: "duplicate condition key", doc: wrapStatement(`"Effect":"Allow","Action":"*","Condition":{"StringEquals":{"k":"1","k":"2"}}`), at: `"k":"2"`, path: "Statement[0].Condition.StringEquals", msg: `duplicate key "k"`},
	{name: "duplicate key in a large object", doc: wrapStatement(`"Effect":"Allow","Action":"*","Condition":{"StringEquals":{` + manyKeys(20) + `,"k3":"x"}}`), at: `"k3":"x"`, path: "Statement[0].Condition.StringEquals", msg: `duplicate key "k3"`},
	{name: "duplicate key in an ignored shape", doc: `{"Statement":[{"Effect":"Allow","Action":"*","Condition":{"StringEquals":{"k":[{"x":1,"x":2}]}}}]}`, at: `"x":2`, path: "Statement[0].Condition.StringEquals.k[0]", msg: `duplicate key "x"`},
	{name: "keys differing in case are not duplicates", doc: wrapStatement(`"Effect":"Allow","Action":"*","action":"*"`), at: `"action"`, path: "Statement[0].action", msg: `unknown element "action"`},

	// JSON syntax.
	{name: "missing comma", doc: "{\"Statement\":{\"Effect\":\"Allow\"\n \"Action\":\"*\"}}", pos: Position{Line: 2, Column: 2}, path: "Statement", msg: `expected ',' or '}' after object member, found '"'`},
	{name: "missing comma in array", doc: wrapStatement(`"Effect":"Allow","Action":["a" "b"]`), at: `"b"`, path: "Statement[0].Action", msg: "expected ',' or ']' after array element"},
	{name: "trailing comma in object", doc: `{"Statement":{"Effect":"Allow","Action":"*",}}`, at: "}}", path: "Statement", msg: "expected an object key in double quotes, found '}'"},
	{name: "trailing comma in array", doc: wrapStatement(`"Effect":"Allow","Action":["a",]`), at: "]", path: "Statement[0].Action[1]", msg: "expected a value"},
	{name: "single quotes", doc: `{'Statement':1}`, pos: Position{Line: 1, Column: 2}, msg: "expected an object key in double quotes, found '\\''"},
	{name: "missing colon", doc: `{"Statement" {}}`, at: "{}", msg: "expected ':' after object key"},
	{name: "bad literal", doc: wrapStatement(`"Effect":tru,"Action":"*"`), at: "tru", path: "Statement[0].Effect", msg: "invalid literal; expected true, false or null"},
	{name: "unquoted word", doc: wrapStatement(`"Effect":Allow`), at: "Allow", path: "Statement[0].Effect", msg: "expected a value (object, array, string, number, true, false or null), found 'A'"},
	{name: "leading zero", doc: wrapStatement(`"Effect":"Allow","Action":"*","Condition":{"NumericEquals":{"k":012}}`), at: "12}", path: "Statement[0].Condition.NumericEquals", msg: "expected ',' or '}' after object member, found '1'"},
	{name: "bare minus", doc: wrapStatement(`"Effect":"Allow","Action":"*","Condition":{"NumericEquals":{"k":-}}`), at: "}}", path: "Statement[0].Condition.NumericEquals.k", msg: "expected a digit in number, found '}'"},
	{name: "no fraction digits", doc: wrapStatement(`"Effect":"Allow","Action":"*","Condition":{"NumericEquals":{"k":1.}}`), at: "}}", path: "Statement[0].Condition.NumericEquals.k", msg: "expected a digit after the decimal point"},
	{name: "no exponent digits", doc: wrapStatement(`"Effect":"Allow","Action":"*","Condition":{"NumericEquals":{"k":1e+}}`), at: "}}", path: "Statement[0].Condition.NumericEquals.k", msg: "expected a digit in the exponent"},
	{name: "unterminated string", doc: `{"Statement":"abc`, at: `"abc`, path: "Statement", msg: "unterminated string"},
	{name: "newline in string", doc: "{\"Statement\":\"a\nb\"}", pos: Position{Line: 1, Column: 16}, path: "Statement", msg: "control character U+000A in string"},
	{name: "tab in string", doc: wrapStatement("\"Effect\":\"Allow\",\"Action\":\"s3:\tGet\""), at: "\t", path: "Statement[0].Action", msg: "control character U+0009"},
	{name: "bad escape", doc: wrapStatement(`"Effect":"Allow","Action":"s3:\x41"`), at: `\x`, path: "Statement[0].Action", msg: "invalid escape sequence"},
	{name: "short unicode escape", doc: wrapStatement(`"Effect":"Allow","Action":"\u12"`), at: `\u`, path: "Statement[0].Action", msg: "invalid \\u escape; expected four hexadecimal digits"},
	{name: "lone high surrogate", doc: wrapStatement(`"Effect":"Allow","Action":"a\ud83dz"`), at: `\ud83d`, path: "Statement[0].Action", msg: "unpaired surrogate \\uD83D"},
	{name: "high surrogate then non-surrogate", doc: wrapStatement(`"Effect":"Allow","Action":"a\ud83d\u0041"`), at: `\ud83d`, path: "Statement[0].Action", msg: "unpaired surrogate"},
	{name: "lone low surrogate", doc: wrapStatement(`"Effect":"Allow","Action":"\ude00"`), at: `\ude00`, path: "Statement[0].Action", msg: "unpaired low surrogate \\uDE00"},
	{name: "invalid UTF-8 in string", doc: wrapStatement("\"Effect\":\"Allow\",\"Action\":\"s3:\xff\""), at: "\xff", path: "Statement[0].Action", msg: "invalid UTF-8 byte 0xFF in string"},
	{name: "truncated UTF-8 in string", doc: wrapStatement("\"Effect\":\"Allow\",\"Action\":\"caf\xc3\""), at: "\xc3", path: "Statement[0].Action", msg: "invalid UTF-8 byte 0xC3"},
	{name: "invalid UTF-8 outside strings", doc: "{\"Statement\":\xe9}", pos: Position{Line: 1, Column: 14}, path: "Statement", msg: "invalid UTF-8 byte 0xE9"},
	{name: "non-ASCII outside strings", doc: "{\"Statement\":é}", pos: Position{Line: 1, Column: 14}, path: "Statement", msg: "found 'é'"},
	{name: "byte order mark", doc: "\xEF\xBB\xBF{}", pos: Position{Line: 1, Column: 1}, msg: "byte order mark"},
	{name: "deep nesting", doc: wrapStatement(`"Effect":"Allow","Action":"*","Condition":{"StringEquals":{"k":` + strings.Repeat("[", 100000) + `}}`), at: "[[", shift: jsonpos.MaxDepth - 5, path: "Statement[0].Condition.StringEquals.k" + strings.Repeat("[0]", jsonpos.MaxDepth-5), msg: "nested more than 64 deep"},
}

func manyKeys(n int) string {
	var keys []string
	for i := range n {
		keys = append(keys, fmt.Sprintf(`"k%d":"v"`, i))
	}
	return strings.Join(keys, ",")
}

func TestParsePolicyErrors(t *testing.T) {
	for _, tc := range parseErrorCases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := parsePolicyDocument([]byte(tc.doc))
			if err == nil {
				t.Fatalf("no error; got %+v", p)
			}
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %T is not a *ParseError: %v", err, err)
			}
			want := tc.pos
			if want == (Position{}) {
				want = posOf(t, tc.doc, tc.at, 0)
				want.Column += tc.shift
			}
			if pe.Line != want.Line || pe.Column != want.Column {
				t.Errorf("at %d:%d, want %d:%d (%v)", pe.Line, pe.Column, want.Line, want.Column, err)
			}
			if tc.path != pe.Path {
				t.Errorf("path %q, want %q (%v)", pe.Path, tc.path, err)
			}
			if !strings.Contains(pe.Message, tc.msg) {
				t.Errorf("message %q lacks %q", pe.Message, tc.msg)
			}
			// The full text names the place too.
			if !strings.Contains(err.Error(), fmt.Sprintf("line %d, column %d", want.Line, want.Column)) {
				t.Errorf("Error() = %q lacks the position", err.Error())
			}
		})
	}
}

func TestParsePolicyDepthLimitBoundary(t *testing.T) {
	// A nesting depth of exactly jsonpos.MaxDepth is read; one more is an error.
	nested := func(depth int) string {
		return `{"Statement":[{"Effect":"Allow","Action":"*","Condition":{"StringEquals":{"k":` +
			strings.Repeat("[", depth) + strings.Repeat("]", depth) + `}}}]}`
	}
	// Levels used before the condition value: document, Statement array, statement,
	// Condition and operator.
	const used = 5
	_, err := jsonpos.Read([]byte(nested(jsonpos.MaxDepth - used)))
	if err != nil {
		t.Fatalf("depth %d rejected: %v", jsonpos.MaxDepth, err)
	}
	_, err = jsonpos.Read([]byte(nested(jsonpos.MaxDepth - used + 1)))
	if err == nil || !strings.Contains(err.Error(), "nested more than") {
		t.Fatalf("depth %d accepted or wrong error: %v", jsonpos.MaxDepth+1, err)
	}
}

func TestReadJSONTree(t *testing.T) {
	doc := "{\"b\": [1, -0.5e10, true, false, null, \"s\"],\n \"a\": {\"z\": {}, \"y\": []}, \"\": \"\\u00e9\"}"
	d, err := jsonpos.Read([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	root := d.Root
	if root.Kind != jsonpos.Object || len(root.Members) != 3 {
		t.Fatalf("root %+v", root)
	}
	// Key order is the document's.
	if root.Members[0].Key != "b" || root.Members[1].Key != "a" || root.Members[2].Key != "" {
		t.Errorf("keys out of order: %q %q %q", root.Members[0].Key, root.Members[1].Key, root.Members[2].Key)
	}
	if got, want := root.Members[1].KeyPos, (Position{Line: 2, Column: 2}); got != want {
		t.Errorf("key a at %v, want %v", got, want)
	}
	elems := root.Members[0].Value.Elems
	wantKinds := []jsonpos.Kind{jsonpos.Number, jsonpos.Number, jsonpos.Bool, jsonpos.Bool, jsonpos.Null, jsonpos.String}
	wantTexts := []string{"1", "-0.5e10", "true", "false", "", "s"}
	markers := []string{"1,", "-0.5e10", "true", "false", "null", `"s"`}
	if len(elems) != len(wantKinds) {
		t.Fatalf("%d elements", len(elems))
	}
	for i, e := range elems {
		if e.Kind != wantKinds[i] || e.Text != wantTexts[i] || e.Pos != posOf(t, doc, markers[i], 0) {
			t.Errorf("element %d: %+v", i, e)
		}
	}
	a := root.Members[1].Value
	if a.Members[0].Value.Kind != jsonpos.Object || len(a.Members[0].Value.Members) != 0 || a.Members[1].Value.Kind != jsonpos.Array || len(a.Members[1].Value.Elems) != 0 {
		t.Errorf("empty containers: %+v", a)
	}
	if root.Members[2].Value.Text != "é" {
		t.Errorf("escaped string %q", root.Members[2].Value.Text)
	}
}

// TestParseDocsCorpus parses the policies taken from the AWS documentation cases (the seed
// corpus of the fuzz test): all of them are valid.
func TestParseDocsCorpus(t *testing.T) {
	docs := docsSeedPolicies(t)
	if len(docs) < 10 {
		t.Fatalf("only %d docs seeds", len(docs))
	}
	for name, doc := range docs {
		p, err := parsePolicyDocument(doc)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		checkPolicyInvariants(t, doc, p)
	}
}

// docsSeedPolicies reads the fuzz seed files named docs-* (Go fuzz corpus format, one []byte).
func docsSeedPolicies(t testing.TB) map[string][]byte {
	files, err := filepath.Glob(filepath.Join("testdata", "fuzz", "FuzzParsePolicy", "docs-*"))
	if err != nil {
		t.Fatal(err)
	}
	out := make(map[string][]byte)
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.SplitN(strings.TrimSpace(string(data)), "\n", 2)
		if len(lines) != 2 || lines[0] != "go test fuzz v1" || !strings.HasPrefix(lines[1], "[]byte(") || !strings.HasSuffix(lines[1], ")") {
			t.Fatalf("%s: not a fuzz corpus file", f)
		}
		s, err := strconv.Unquote(strings.TrimSuffix(strings.TrimPrefix(lines[1], "[]byte("), ")"))
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		out[filepath.Base(f)] = []byte(s)
	}
	return out
}

// benchmarkPolicy builds a 30-statement policy with the usual mix of elements.
func benchmarkPolicy() []byte {
	var b strings.Builder
	b.WriteString("{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n")
	for i := range 30 {
		if i > 0 {
			b.WriteString(",\n")
		}
		fmt.Fprintf(&b, `    {
      "Sid": "Statement%d",
      "Effect": "%s",
      "Action": ["s3:GetObject", "s3:PutObject", "s3:List*", "kms:Decrypt"],
      "Resource": ["arn:aws:s3:::bucket-%d/*", "arn:aws:s3:::bucket-%d", "arn:aws:kms:us-east-1:111122223333:key/*"],
      "Principal": {"AWS": ["arn:aws:iam::111122223333:role/app-%d", "444455556666"]},
      "Condition": {
        "StringEquals": {"aws:PrincipalTag/team": ["blue", "green"], "s3:prefix": "home/${aws:username}/"},
        "NumericLessThan": {"s3:max-keys": 100},
        "Bool": {"aws:SecureTransport": true}
      }
    }`, i, []string{"Allow", "Deny"}[i%2], i, i, i)
	}
	b.WriteString("\n  ]\n}\n")
	return []byte(b.String())
}

func BenchmarkParsePolicy(b *testing.B) {
	doc := benchmarkPolicy()
	if _, err := parsePolicyDocument(doc); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := parsePolicyDocument(doc); err != nil {
			b.Fatal(err)
		}
	}
}

func TestParseEmptyStatementArray(t *testing.T) {
	p, err := ParsePolicy([]byte(`{"Version":"2012-10-17","Statement":[]}`))
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Statements) != 0 || p.StatementIsObject {
		t.Errorf("got %d statements, object=%v", len(p.Statements), p.StatementIsObject)
	}
}
