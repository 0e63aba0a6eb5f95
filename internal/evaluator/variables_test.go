package evaluator

import (
	"reflect"
	"strings"
	"testing"
)

// [VARS] https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html;
// iam-semantics §3 rule 11; case ids are those of /work/shared/cases/docs.jsonl.

// varContext is alice (an IAM user, so aws:username is derived) with a few keys.
func varContext(t *testing.T, pairs ...string) *evalContext {
	t.Helper()
	req := condAlice()
	condSet(&req.Context, pairs...)
	req.Context.SetMulti("aws:TagKeys", []string{"a"})
	ec, err := newEvalContext(req)
	if err != nil {
		t.Fatal(err)
	}
	return ec
}

func TestTemplateExpand(t *testing.T) {
	ec := varContext(t, "aws:PrincipalTag/team", "blue", "k:star", "a*b", "k:empty", "")
	cases := []struct {
		name     string
		in       string
		allow    bool
		wantText string
		wantOK   bool
		vars     []string
	}{
		{"no variables", "home/*", true, "home/*", true, nil},
		{"username derived from the principal", "home/${aws:username}/*", true, "home/alice/*", true, []string{"aws:username"}},
		{"key case-insensitive, tag key too", "${AWS:PrincipalTag/TEAM}", true, "blue", true, []string{"aws:principaltag/team"}},
		// var-029 / var-030: default value when the key is absent, not when present.
		{"default used", "bkt-${aws:PrincipalTag/dept, 'company-wide'}", true, "bkt-company-wide", true, []string{"aws:principaltag/dept"}},
		{"default not used", "bkt-${aws:PrincipalTag/team, 'company-wide'}", true, "bkt-blue", true, []string{"aws:principaltag/team"}},
		{"default spaces ignored", "${ aws:PrincipalTag/dept ,'x y' }", true, "x y", true, []string{"aws:principaltag/dept"}},
		{"empty default", "a${aws:PrincipalTag/dept, ''}b", true, "ab", true, []string{"aws:principaltag/dept"}},
		{"empty value is a value", "a${k:empty}b", true, "ab", true, []string{"k:empty"}},
		// var-033: a key without value and without default leaves the string without value.
		{"absent key", "home/${aws:PrincipalTag/dept}", true, "", false, []string{"aws:principaltag/dept"}},
		// Only single-valued keys substitute; a multi-valued key has no value.
		{"multi-valued key", "${aws:TagKeys}", true, "", false, []string{"aws:tagkeys"}},
		{"multi-valued key default", "${aws:TagKeys, 'none'}", true, "none", true, []string{"aws:tagkeys"}},
		// [VARS] special characters: ${*} ${?} ${$} are the literal characters.
		{"escapes", "${*}${?}${$}", true, "*?$", true, nil},
		{"repeated key listed once", "${aws:username}-${AWS:USERNAME}", true, "alice-alice", true, []string{"aws:username"}},
		// Not placeholders: kept literally.
		{"unclosed", "home/${aws:username", true, "home/${aws:username", true, nil},
		{"empty braces", "a${}b", true, "a${}b", true, nil},
		{"dollar alone", "$x{y}", true, "$x{y}", true, nil},
		// var-026 / var-027: before 2012-10-17, and without Version, ${...} is literal.
		{"variables not allowed", "home/${aws:username}/*", false, "home/${aws:username}/*", true, nil},
		{"escape not allowed", "${*}", false, "${*}", true, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tm, err := parseTemplate(tc.in, tc.allow)
			if err != nil {
				t.Fatalf("parseTemplate(%q): %v", tc.in, err)
			}
			if got := tm.variables(); !reflect.DeepEqual(got, tc.vars) {
				t.Errorf("variables() = %q, want %q", got, tc.vars)
			}
			if tm.hasVariables() != (len(tc.vars) > 0) {
				t.Errorf("hasVariables() = %v", tm.hasVariables())
			}
			text, ok := tm.expandString(ec)
			if ok != tc.wantOK || text != tc.wantText {
				t.Errorf("expandString = %q, %v; want %q, %v", text, ok, tc.wantText, tc.wantOK)
			}
			if tm.String() != tc.in {
				t.Errorf("String() = %q", tm.String())
			}
		})
	}
}

func TestTemplateGlobLiteral(t *testing.T) {
	ec := varContext(t, "k:star", "a*b", "k:q", "x?")
	cases := []struct {
		pattern string
		allow   bool
		s       string
		want    bool
	}{
		// var-031 / var-032: ${*} is a literal star, not a wildcard.
		{"a${*}b", true, "a*b", true},
		{"a${*}b", true, "axb", false},
		{"a${?}", true, "a?", true},
		{"a${?}", true, "ab", false},
		// Text substituted from the request is literal too: its * is not a wildcard.
		{"${k:star}", true, "a*b", true},
		{"${k:star}", true, "axxb", false},
		{"p/${k:q}/*", true, "p/x?/anything", true},
		{"p/${k:q}/*", true, "p/xy/anything", false},
		// The policy's own wildcards keep working around a variable.
		{"home/${aws:username}/*", true, "home/alice/docs/x", true},
		{"home/${aws:username}/*", true, "home/bob/docs/x", false},
		{"home/?${aws:username}", true, "home/xalice", true},
		// A default value is literal as well.
		{"${k:absent, 'a*'}", true, "a*", true},
		{"${k:absent, 'a*'}", true, "ab", false},
		// Without variables (old Version) the text of ${*} is pattern text, * included.
		{"a${*}b", false, "a${xyz}b", true},
	}
	for _, tc := range cases {
		tm, err := parseTemplate(tc.pattern, tc.allow)
		if err != nil {
			t.Fatalf("parseTemplate(%q): %v", tc.pattern, err)
		}
		g, ok := tm.expandGlob(ec)
		if !ok {
			t.Fatalf("expandGlob(%q) unresolved", tc.pattern)
		}
		if got := g.match(tc.s); got != tc.want {
			t.Errorf("%q (variables %v) against %q = %v, want %v", tc.pattern, tc.allow, tc.s, got, tc.want)
		}
	}
	tm, _ := parseTemplate("home/${aws:PrincipalTag/none}/*", true)
	if _, ok := tm.expandGlob(ec); ok {
		t.Error("a variable without value must leave the glob unresolved")
	}
}

func TestTemplateErrors(t *testing.T) {
	cases := []struct{ in, want string }{
		{"${ , 'x'}", "key is empty"},
		{"${aws:username, x}", "single quotes"},
		{"${aws:username, 'x}", "single quotes"},
		{"${aws:username, 'it's'}", "single quote inside"},
		{"${a${b}}", "has the character"},
		{"${a*}", "has the character"},
		{"x${aws:username,}", "single quotes"},
	}
	for _, tc := range cases {
		_, err := parseTemplate(tc.in, true)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("parseTemplate(%q) error = %v, want one containing %q", tc.in, err, tc.want)
			continue
		}
		if !strings.Contains(err.Error(), "policy variable") {
			t.Errorf("error %q does not say it is about a policy variable", err)
		}
		// The same text is not an error where variables are not recognised.
		if _, err := parseTemplate(tc.in, false); err != nil {
			t.Errorf("parseTemplate(%q, false): %v", tc.in, err)
		}
	}
}

// TestVariablesInConditions: the variable rules as seen through condition operators.
func TestVariablesInConditions(t *testing.T) {
	cases := []struct {
		name    string
		op      string
		values  []string
		version string
		key     string // tested key and its request value
		value   string
		want    bool
	}{
		// var-033: StringEquals against an unresolved variable does not match.
		{"positive unresolved (var-033)", "StringEquals", condVals("${aws:PrincipalTag/Team}"), Version2012, "s3:ExistingObjectTag/Team", "red", false},
		// var-035: StringNotEquals against an unresolved variable matches.
		{"negated unresolved (var-035)", "StringNotEquals", condVals("${aws:PrincipalTag/Team}"), Version2012, "s3:ExistingObjectTag/Team", "red", true},
		{"like unresolved", "StringLike", condVals("${aws:PrincipalTag/Team}*"), Version2012, "s3:prefix", "x", false},
		{"not like unresolved", "StringNotLike", condVals("${aws:PrincipalTag/Team}*"), Version2012, "s3:prefix", "x", true},
		// An unresolved value does not hide another value that matches.
		{"negated unresolved with other value", "StringNotEquals", condVals("${aws:PrincipalTag/Team}", "red"), Version2012, "s3:ExistingObjectTag/Team", "red", false},
		{"resolved", "StringEquals", condVals("${aws:username}"), Version2012, "s3:ExistingObjectTag/Owner", "alice", true},
		{"resolved ignore case", "StringEqualsIgnoreCase", condVals("${aws:username}"), Version2012, "s3:ExistingObjectTag/Owner", "ALICE", true},
		{"resolved in text", "StringEquals", condVals("u-${aws:username}"), Version2012, "s3:ExistingObjectTag/Owner", "u-alice", true},
		// var-026 / var-027: under 2008-10-17 or without Version the text is literal.
		{"2008 literal", "StringEquals", condVals("${aws:username}"), Version2008, "s3:ExistingObjectTag/Owner", "alice", false},
		{"2008 literal text matches", "StringEquals", condVals("${aws:username}"), Version2008, "s3:ExistingObjectTag/Owner", "${aws:username}", true},
		{"no version literal", "StringEquals", condVals("${aws:username}"), "", "s3:ExistingObjectTag/Owner", "${aws:username}", true},
		// Arn operators take variables; the substituted text stays inside its part.
		{"arn variable", "ArnLike", condVals("arn:aws:iam::${aws:PrincipalAccount}:role/*"), Version2012, "aws:SourceArn", "arn:aws:iam::111122223333:role/x", true},
		{"arn variable other account", "ArnLike", condVals("arn:aws:iam::${aws:PrincipalAccount}:role/*"), Version2012, "aws:SourceArn", "arn:aws:iam::444455556666:role/x", false},
		{"arn variable unresolved", "ArnNotLike", condVals("arn:aws:iam::${aws:PrincipalTag/acct}:role/*"), Version2012, "aws:SourceArn", "arn:aws:iam::111122223333:role/x", true},
		// Bool tolerates a variable ([OPS] Bool section).
		{"bool variable", "Bool", condVals("${k:flag}"), Version2012, "aws:SecureTransport", "true", true},
		{"bool variable unresolved", "Bool", condVals("${k:none}"), Version2012, "aws:SecureTransport", "true", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cc := mustCompileCond(t, tc.op, tc.key, tc.values, tc.version)
			req := condAlice()
			req.Context.Set(tc.key, tc.value)
			req.Context.Set("k:flag", "TRUE")
			ec, err := newEvalContext(req)
			if err != nil {
				t.Fatal(err)
			}
			if got := cc.eval(ec); got != tc.want {
				t.Errorf("%s %q (version %q) with %s=%q: %v, want %v", tc.op, tc.values, tc.version, tc.key, tc.value, got, tc.want)
			}
		})
	}
}
