package guard

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// The checks of the rules' patterns: a pattern that cannot match anything in its position
// would make a rule hold trivially (a forbid that forbids nothing, a selector that selects no
// principal), so it is an error at the element's file:line:column. Patterns are IAM
// wildcards (* and ?); regular-expression syntax is the common slip and gets a hint.

// regexHint is added to the problem of a pattern that looks like a regular expression.
const regexHint = `; it looks like a regular expression, but patterns are IAM wildcards: * matches any characters and ? one character, nothing else is special (write "iam:Attach*" and "iam:Put*" as two patterns, not "iam:(Attach|Put).*")`

// strongRegex matches what only a regular expression writes: an alternation group, ".*" or
// ".+", a character class range, an escape, or anchors.
var strongRegex = regexp.MustCompile(`\([^)]*\|[^)]*\)|\.\*|\.\+|\[[^\]]+-[^\]]+\]|\\[dwsDWS.]|^\^|[^}]\$$`)

// looksLikeRegex reports whether a pattern has regular-expression syntax.
func looksLikeRegex(s string) bool {
	return strongRegex.MatchString(s) || strings.ContainsAny(s, "()|\\") || strings.HasPrefix(s, "^")
}

// withRegexHint adds the hint to a problem when the pattern looks like a regular expression.
func withRegexHint(problem, pattern string) string {
	if problem != "" && looksLikeRegex(pattern) {
		return problem + regexHint
	}
	return problem
}

// iamNameChars are the characters of IAM names and paths (iam/latest/APIReference: the
// [\w+=,.@-] of names, / for paths), and the wildcards.
func iamNameChar(c rune) bool {
	return c < unicode.MaxASCII && (unicode.IsLetter(c) || unicode.IsDigit(c)) || strings.ContainsRune("_+=,.@-/*?", c)
}

// principalPatternProblem returns why an ARN pattern cannot select a role or user, or "".
// The guard's principals are roles and users: arn:PARTITION:iam::ACCOUNT:role/PATH/NAME or
// user/PATH/NAME (sts assumed-role ARNs are accepted too, for their sessions).
func principalPatternProblem(p string) string {
	if p == "*" {
		return ""
	}
	if !strings.HasPrefix(p, "arn:") {
		return withRegexHint(fmt.Sprintf(`expected an IAM ARN pattern such as "arn:aws:iam::*:role/deploy-*", or "*", not %q`, p), p)
	}
	parts := strings.SplitN(p, ":", 6)
	if len(parts) < 6 {
		return withRegexHint(fmt.Sprintf(`%q has %d of the six segments of an ARN; expected arn:aws:iam::ACCOUNT:role/NAME or arn:aws:iam::ACCOUNT:user/NAME`, p, len(parts)), p)
	}
	if !globCanMatch(parts[2], "iam") && !globCanMatch(parts[2], "sts") {
		return withRegexHint(fmt.Sprintf(`%q cannot match a principal: its service is %q, and roles and users are iam (arn:aws:iam::ACCOUNT:role/NAME)`, p, parts[2]), p)
	}
	acct := parts[4]
	if strings.Trim(acct, "0123456789*?") != "" || (!strings.ContainsAny(acct, "*?") && len(acct) != 12) {
		return withRegexHint(fmt.Sprintf(`%q cannot match a principal: its account segment %q is not 12 digits (use * for any account)`, p, acct), p)
	}
	res := parts[5]
	for _, c := range res {
		if !iamNameChar(c) {
			return withRegexHint(fmt.Sprintf(`%q cannot match a principal: %q is not a character of IAM names and paths (letters, digits, _+=,.@-/)`, p, c), p)
		}
	}
	if lp := literalPrefix(res); !prefixCompatible(lp) {
		return fmt.Sprintf(`%q cannot match a principal: the resource part must be role/PATH/NAME or user/PATH/NAME, not %q`, p, res)
	}
	return ""
}

// literalPrefix is the part of a pattern before its first wildcard.
func literalPrefix(p string) string {
	if i := strings.IndexAny(p, "*?"); i >= 0 {
		return p[:i]
	}
	return p
}

// prefixCompatible reports whether a literal prefix can begin role/, user/ or assumed-role/.
func prefixCompatible(lp string) bool {
	for _, kind := range []string{"role/", "user/", "assumed-role/"} {
		if strings.HasPrefix(lp, kind) || strings.HasPrefix(kind, lp) {
			return true
		}
	}
	return false
}

// globCanMatch reports whether a pattern with * and ? matches s (case-sensitive).
func globCanMatch(pattern, s string) bool {
	if pattern == "" {
		return s == ""
	}
	switch pattern[0] {
	case '*':
		for i := 0; i <= len(s); i++ {
			if globCanMatch(pattern[1:], s[i:]) {
				return true
			}
		}
		return false
	case '?':
		return s != "" && globCanMatch(pattern[1:], s[1:])
	}
	return s != "" && s[0] == pattern[0] && globCanMatch(pattern[1:], s[1:])
}

// resourceRegexProblem returns a problem for a resource pattern written as a regular
// expression. ARNs may hold parentheses and other punctuation (S3 object keys), so only the
// forms that a glob would not write are refused.
func resourceRegexProblem(p string) string {
	if !strongRegex.MatchString(p) {
		return ""
	}
	return fmt.Sprintf("%q matches only resources whose ARN contains its punctuation literally", p) + regexHint
}

// tagProblem returns why a principal_tags entry cannot match a tag of a role or user, or "".
// IAM tag keys have 1 to 128 and values 0 to 256 characters: letters, digits, spaces and
// _ . : / = + - @ (iam/latest/UserGuide/id_tags.html); the rules compare values exactly.
func tagProblem(key, value string) string {
	bad := func(s string) rune {
		for _, c := range s {
			if !unicode.IsLetter(c) && !unicode.IsDigit(c) && !unicode.IsSpace(c) && !strings.ContainsRune("_.:/=+-@", c) {
				return c
			}
		}
		return 0
	}
	switch {
	case key == "" || len([]rune(key)) > 128:
		return fmt.Sprintf("tag key %q: IAM tag keys have 1 to 128 characters", key)
	case bad(key) != 0:
		return withRegexHint(fmt.Sprintf("tag key %q cannot match a tag: %q is not a character of IAM tags (letters, digits, spaces, _.:/=+-@)", key, bad(key)), key)
	case len([]rune(value)) > 256:
		return fmt.Sprintf("tag %s: IAM tag values have at most 256 characters", key)
	case bad(value) != 0:
		p := fmt.Sprintf("tag %s = %q cannot match a tag: %q is not a character of IAM tags (letters, digits, spaces, _.:/=+-@), and values are compared exactly, without wildcards", key, value, bad(value))
		if strings.ContainsAny(value, "*?") || looksLikeRegex(value) {
			p += "; to select principals whatever the value of the tag, select them by ARN pattern instead"
		}
		return p
	}
	return ""
}

// elementRange returns the range of element i of a list expression, or the whole
// expression's range when it is not a list written out.
func elementRange(e hcl.Expression, i int) hcl.Range {
	if t, ok := e.(*hclsyntax.TupleConsExpr); ok && i < len(t.Exprs) {
		return t.Exprs[i].Range()
	}
	return e.Range()
}

// mapValueRange returns the range of the value of key in a map expression written out, or
// the whole expression's range.
func mapValueRange(e hcl.Expression, key string) hcl.Range {
	if o, ok := e.(*hclsyntax.ObjectConsExpr); ok {
		for _, item := range o.Items {
			k, diags := item.KeyExpr.Value(nil)
			if !diags.HasErrors() && k.Type() == cty.String && k.IsKnown() && !k.IsNull() && k.AsString() == key {
				return item.ValueExpr.Range()
			}
		}
	}
	return e.Range()
}
