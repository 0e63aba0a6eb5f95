package validate

import (
	"fmt"
	"strings"

	"github.com/iamguard/terraform-provider-iam/internal/catalog"
	"github.com/iamguard/terraform-provider-iam/internal/evaluator"
)

// Policy variables, as Access Analyzer checks them. AWS substitutes ${key} and ${key, 'default'}
// in Resource values (after the fifth colon) and in String, Arn and Bool condition values of a
// policy with "Version": "2012-10-17"; ${*}, ${?} and ${$} stand for the characters themselves
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html). Access
// Analyzer reports a malformed placeholder as an error, one issue code per defect: missing
// brace, missing quote around the default, space or other symbol in the key, empty variable
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html).

// variableIssue is the first defect of the placeholders of one value.
type variableIssue struct {
	awsIssueCode string // Access Analyzer's issue code for the defect
	message      string
}

// variableKeyChar reports whether r may appear in the key of a policy variable: the characters
// of condition keys, tag keys included (letters, digits and _ . : / = + - @; a tag key may also
// have spaces, which Access Analyzer refuses in a variable).
func variableKeyChar(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("_.:/=+-@", r)
}

// scanVariables reads the placeholders of a value in which AWS substitutes variables and
// returns their keys, in order, or the first defect. It refuses everything parseTemplate
// refuses, and more: an unclosed ${ and an empty ${}, which the engine reads as literal text
// (AWS's own reading of them is undocumented), and spaces in the key.
func scanVariables(s string) ([]string, *variableIssue) {
	var keys []string
	for i := strings.Index(s, "${"); i >= 0; {
		rest := s[i+2:]
		end := strings.IndexByte(rest, '}')
		if end < 0 {
			return nil, &variableIssue{"MISSING_BRACE_IN_VARIABLE", fmt.Sprintf("the policy variable %q has no closing brace: add } after the key, as in ${aws:username}", s[i:])}
		}
		inner, placeholder := rest[:end], s[i:i+2+end+1]
		key, def, hasDefault := strings.Cut(inner, ",")
		switch {
		case inner == "*" || inner == "?" || inner == "$":
			// The escapes of the special characters.
		case strings.TrimSpace(key) == "":
			return nil, &variableIssue{"EMPTY_VARIABLE", fmt.Sprintf("the policy variable %q names no key: write the key, as in ${aws:username}, or remove the ${ } (write ${$} for a literal $)", placeholder)}
		case strings.ContainsAny(key, " \t\r\n"):
			return nil, &variableIssue{"UNSUPPORTED_SPACE_IN_VARIABLE", fmt.Sprintf("the policy variable %q has a space in its key, which AWS does not accept: remove it (only the default after the comma may have spaces, as in ${aws:username, 'nobody'})", placeholder)}
		default:
			if j := strings.IndexFunc(key, func(r rune) bool { return !variableKeyChar(r) }); j >= 0 {
				return nil, &variableIssue{"UNSUPPORTED_SYMBOL_IN_VARIABLE", fmt.Sprintf("the policy variable %q has the character %q in its key, which no condition key has: write ${key} or ${key, 'default'}", placeholder, key[j:j+1])}
			}
			if hasDefault {
				d := strings.TrimSpace(def)
				if len(d) < 2 || d[0] != '\'' || d[len(d)-1] != '\'' || strings.ContainsRune(d[1:len(d)-1], '\'') {
					return nil, &variableIssue{"MISSING_QUOTE_IN_VARIABLE", fmt.Sprintf("the default value of the policy variable %q must be in single quotes, with no quote inside: write ${%s, 'default'}", placeholder, key)}
				}
			}
			keys = append(keys, key)
		}
		next := strings.Index(rest[end+1:], "${")
		if next < 0 {
			break
		}
		i += 2 + end + 1 + next
	}
	return keys, nil
}

// checkVariables reports the defects of the placeholders in a value where AWS substitutes
// variables: a malformed placeholder (INVALID_VARIABLE, with Access Analyzer's issue code for
// the defect) or a key that no request carries (UNKNOWN_VARIABLE). It reports whether the
// placeholders are well formed.
func (v *validator) checkVariables(path string, pos evaluator.Position, text string) bool {
	keys, issue := scanVariables(text)
	if issue != nil {
		v.addIssue("INVALID_VARIABLE", issue.awsIssueCode, path, pos, "%s", issue.message)
		return false
	}
	for _, key := range keys {
		if _, found := catalog.LookupConditionKey(key); found {
			continue
		}
		prefix, _, _ := strings.Cut(key, ":")
		_, isService := catalog.LookupService(prefix)
		// As for condition keys, keys of web identity and SAML providers
		// (${cognito-identity.amazonaws.com:sub}, ${saml:sub}) are not in the catalogue.
		if strings.EqualFold(prefix, "aws") || isService {
			v.add("UNKNOWN_VARIABLE", path, pos, "the policy variable ${%s} names a key that is not in the Service Authorization Reference%s; no request carries it, so the placeholder has no value (the statement does not apply, unless a default is given): check the spelling", key, keySuggestion(key))
		}
	}
	return true
}
