package evaluator

import (
	"bytes"
	"errors"
	"strings"
	"testing"
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
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		c, err := ParseAccessCheck(line)
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
	f.Fuzz(func(t *testing.T, line []byte) {
		c, err := ParseCase(line)
		if err != nil {
			var ie *InputError
			if !errors.As(err, &ie) || ie.Message == "" {
				t.Fatalf("error %v (%T) is not an *InputError with a message", err, err)
			}
			return
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
