package evaluator

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/iamguard/terraform-provider-iam/internal/jsonpos"
)

// FuzzParseAccessCheck feeds arbitrary check lines to ParseAccessCheck: every input is read or
// refused with an *InputError (never a panic), and a check that is read has a principal that
// CheckPrincipal accepts and at least one rule.
//
//	go test ./internal/evaluator -run '^$' -fuzz FuzzParseAccessCheck -fuzztime 60s
func FuzzParseAccessCheck(f *testing.F) {
	for _, seed := range []string{
		checkInputLine(inputUser, ""),
		checkInputLine(`"anonymous"`, `,"resourcePolicies":{"arn:aws:s3:::b/*":`+inputPolicy+`}`),
		checkInputLine(`"cloudtrail.amazonaws.com"`, `,"identityPolicies":[`+inputPolicy+`]`),
		`{"request":{"principal":` + inputUser + `,"principalTags":{"team":"a"}},"require":[{"action":"s3:GetObject","resource":"*","context":{"aws:SourceIp":["1.2.3.4"]}}]}`,
		`{"request":{"principal":` + inputUser + `},"forbid":[],"FORBID":[]}`,
		"\uFEFF{}", `{"id":"a` + "\xff" + `"}`, `{"request":{"principal":"*"}} {}`,
		// A duplicate key inside a policy after an error of another field.
		`{"request":{"principal":"anonymous","action":"s3:GetObject"},"identityPolicies":[{"Statement":[],"Statement":[]}]}`,
		checkInputLine(inputUser, `,"scps":[[{"Version":"2012-10-17","Version":"2012-10-17","Statement":[]}]]`),
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		c, err := ParseAccessCheck(line)
		if _, ferr := parseAccessCheckInFull(line); fmt.Sprint(err) != fmt.Sprint(ferr) {
			t.Fatalf("error %v, reading the whole line as a tree: %v", err, ferr)
		}
		if err != nil {
			var ie *InputError
			if !errors.As(err, &ie) || ie.Message == "" {
				t.Fatalf("error %v (%T) is not an *InputError with a message", err, err)
			}
			return
		}
		if _, err := CheckPrincipal(c.Principal); err != nil {
			t.Fatalf("read a check whose principal %q is refused: %v", c.Principal, err)
		}
		if len(c.Forbid) == 0 && len(c.Require) == 0 {
			t.Fatal("read a check without rules")
		}
	})
}

// FuzzParseCaseStrict: a case that is read has an accepted principal, an action and a
// resource, and no identity-side policy for a caller that cannot have one; a refused case is
// an *InputError.
func FuzzParseCaseStrict(f *testing.F) {
	f.Add([]byte(caseLine(inputUser, `,"identityPolicies":[`+inputPolicy+`]`)))
	f.Add([]byte(caseLine(`"anonymous"`, `,"resourcePolicy":`+inputPolicy)))
	f.Add([]byte(caseLine(`"alice.smith"`, "")))
	f.Add([]byte(caseLine(inputUser, `,"identityPolicies":[],"IdentityPolicies":[]`)))
	rest := strings.TrimPrefix(caseLine(inputUser, ""), `{"id":"t",`)
	// Ids for IDJSON: escapes, a number, null, an id after nested ids, white space.
	f.Add([]byte(` { "reason" : {"id":[1,{"id":2}]} , "\u0069d" : "a\"\\b" ,` + rest))
	f.Add([]byte(`{"notes":"}\"","id":-1.5e3,` + rest))
	f.Add([]byte(`{"id":null,` + rest))
	f.Add([]byte(`{` + strings.TrimSuffix(rest, "}") + `,"id":7}`))
	f.Add([]byte(`{"id"` + "\t:\n" + `"x",` + rest))
	// A duplicate key inside a policy object, after an error of another field: the line's
	// syntax error comes first, as when the whole line is read as a tree.
	f.Add([]byte(`{"id":"t","request":{"principal":"anonymous","action":"","resource":"*"},"resourcePolicy":{"Statement":[],"Statement":[]}}`))
	f.Add([]byte(caseLine(inputUser, `,"identityPolicies":[{"Version":"2012-10-17","Version":"2012-10-17","Statement":[]}]`)))
	f.Add([]byte(caseLine(inputUser, `,"scps":[[{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}],[]]`)))
	// Policy fields of the wrong shape: their objects, read as text, are described as Read's.
	f.Add([]byte(caseLine(inputUser, `,"scps":[{ }],"rcps":[{"a":1}]`)))
	f.Add([]byte(caseLine(inputUser, `,"identityPolicies":{"Statement":[]}`)))
	f.Fuzz(func(t *testing.T, line []byte) {
		c, err := ParseCase(line)
		full, ferr := parseCaseInFull(line)
		if fmt.Sprint(err) != fmt.Sprint(ferr) {
			t.Fatalf("error %v, reading the whole line as a tree: %v", err, ferr)
		}
		if err != nil {
			var ie *InputError
			if !errors.As(err, &ie) || ie.Message == "" {
				t.Fatalf("error %v (%T) is not an *InputError with a message", err, err)
			}
			return
		}
		if !reflect.DeepEqual(c.Request, full.Request) || policyShapes(&c.Policies) != policyShapes(&full.Policies) {
			t.Fatalf("case %+v %s, reading the whole line as a tree: %+v %s", c.Request, policyShapes(&c.Policies), full.Request, policyShapes(&full.Policies))
		}
		id, err := CheckPrincipal(c.Request.Principal)
		if err != nil || c.Request.Action == "" || c.Request.Resource == "" {
			t.Fatalf("read a case with principal %q (%v), action %q, resource %q", c.Request.Principal, err, c.Request.Action, c.Request.Resource)
		}
		if field, _ := identitySideProblem("request.principal", id, &c.Policies); field != "" {
			t.Fatalf("read a case with %s for a %v caller", field, id.Kind)
		}
		if want := CaseID(line); !bytes.Equal(c.IDJSON, want) {
			t.Fatalf("IDJSON %s, CaseID %s", c.IDJSON, want)
		}
	})
}

// parseCaseInFull is ParseCase reading the whole line as a tree, policies included (without
// jsonpos.ReadOpaque): what ParseCase must agree with.
func parseCaseInFull(line []byte) (*Case, error) {
	r, root, err := readInputText(line, "case", InputLimits{})
	if err != nil {
		return nil, err
	}
	return r.readCase(root)
}

// policyShapes describes the policies of a set: name, size and statements of each.
func policyShapes(ps *PolicySet) string {
	var b strings.Builder
	all := append(append([]*Policy{}, ps.Identity...), ps.Boundary, ps.Session, ps.Resource)
	for _, level := range append(ps.SCPs, ps.RCPs...) {
		all = append(all, level...)
	}
	for _, p := range all {
		if p == nil {
			b.WriteString("nil;")
			continue
		}
		fmt.Fprintf(&b, "%s %d %d", p.Name, p.Size, len(p.Statements))
		for _, st := range p.Statements {
			fmt.Fprintf(&b, " %s@%v", st.Path, st.Pos)
		}
		b.WriteString(";")
	}
	return b.String()
}

// FuzzFoldDuplicate holds the duplicate-field test to its meaning: keys that strings.ToLower
// makes equal, whatever their letters ("ſ" and "s" differ; "K", the Kelvin sign, and "k"
// agree), found alike in small objects and in large ones (which take another path).
func FuzzFoldDuplicate(f *testing.F) {
	for _, p := range [][2]string{{"id", "ID"}, {"ſ", "s"}, {"\u212a", "k"}, {"Request", "request"}, {"a", "ab"}, {"é", "É"}} {
		f.Add(p[0], p[1])
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		// Lowered, not strings.EqualFold: the reader's test is equality of the lowered keys.
		lowerA, lowerB := strings.ToLower(a), strings.ToLower(b)
		want := lowerA == lowerB
		small := []jsonpos.Member{{Key: a}, {Key: b}}
		if later, first := firstFoldDuplicate(small); (later == 1 && first == 0) != want {
			t.Fatalf("firstFoldDuplicate(%q, %q) = %d, %d, want a duplicate: %v", a, b, later, first, want)
		}
		large := []jsonpos.Member{{Key: a}}
		for i := range 40 {
			large = append(large, jsonpos.Member{Key: fmt.Sprintf("%s\x00%d", a, i)})
		}
		large = append(large, jsonpos.Member{Key: b})
		later, first := firstFoldDuplicate(large)
		earlier := later >= 0 && later < len(large)-1 // b equals a filler: a duplicate found before it
		if got := later == len(large)-1 && first == 0; got != want && !earlier {
			t.Fatalf("large object: firstFoldDuplicate = %d, %d, want a duplicate of the first and last: %v", later, first, want)
		}
	})
}

// parseAccessCheckInFull is ParseAccessCheck reading the whole line as a tree, policies
// included (without jsonpos.ReadOpaque): what ParseAccessCheck must agree with.
func parseAccessCheckInFull(line []byte) (*AccessCheck, error) {
	r, root, err := readInputText(line, "check", InputLimits{})
	if err != nil {
		return nil, err
	}
	return r.readAccessCheck(root, true)
}
