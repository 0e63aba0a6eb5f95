package guard

import ev "github.com/iamguard/terraform-provider-iam/internal/evaluator"

// The guard's text helpers, for the reports of the other commands (validate, check), so that
// every report writes Markdown, requests and statements the same way.

// MarkdownCode writes s as a Markdown code span that is safe in a table cell (mdCode).
func MarkdownCode(s string) string { return mdCode(s) }

// MarkdownEscape writes text for a Markdown table cell with Markdown's punctuation, HTML and
// mentions escaped (mdEscape).
func MarkdownEscape(s string) string { return mdEscape(s) }

// RequestText describes a request in one line: "P calls A on R (account X) with k=v".
func RequestText(r *ev.Request) string { return describeRequest(r) }

// StatementsText names each statement: "identity app statement 0 (Sid) at organisation level 1".
func StatementsText(refs []ev.StatementRef) []string { return refsText(refs) }

// MarkdownFindingLimit is the number of findings a Markdown report lists, so that it fits a
// pull-request comment.
const MarkdownFindingLimit = maxMarkdownFindings

// SecuritySeverity is the code-scanning score (security-severity) of a finding level.
func SecuritySeverity(l Level) string { return securitySeverity(l) }
