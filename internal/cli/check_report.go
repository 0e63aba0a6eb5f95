package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/iamguard/terraform-provider-iam/internal/catalog"
	"github.com/iamguard/terraform-provider-iam/internal/guard"
	"github.com/iamguard/terraform-provider-iam/internal/sarif"
)

// checkedLine is the result of one input line of check (a *checkOutput, or an errorLine for a
// line that is not a check that runs) with the line's number, kept for the reports written at
// the end (SARIF, Markdown).
type checkedLine struct {
	line   int
	result any
}

// The rules of check's reports: what makes a check fail.
const (
	ruleForbiddenAccess = "forbidden-access"
	ruleRequiredAccess  = "required-access"
	ruleUndecided       = "undecided"
	ruleInvalidCheck    = "invalid-check"
)

// checkRules describe the rules, in the order of the SARIF driver and of the Markdown tables.
var checkRules = []struct{ id, title, text string }{
	{ruleForbiddenAccess, "Forbidden access", "The check's principal can make a request that a forbid rule forbids: the witness is such a request, allowed by the evaluator."},
	{ruleRequiredAccess, "Required access not met", "A request that a require rule requires is not allowed."},
	{ruleUndecided, "Undecided", "The analysis could not decide a forbid rule (its budget ran out, or not for every principal the check stands for): the rule is not proven to hold, so the check fails."},
	{ruleInvalidCheck, "Invalid checks", "An input line is not a check that can be run: it is not JSON, not of the check format, or a policy or rule in it is invalid."},
}

// checkGuide documents the check command and its input.
const checkGuide = "https://github.com/iamguard/terraform-provider-iam/blob/main/docs/guides/cli-reference.md#check"

// checkFinding is one reason a check fails, as the reports show it.
type checkFinding struct {
	rule string
	line int
	id   string // the check's id as text ("" when it has none)
	// at names the check's rule ("forbid[0]", "require[1]"); "" for an invalid check.
	at string
	// what says what breaks the rule: the witness, the unmet request, the reason.
	what string
	// statements are the statements that allow the witness or deny the required request.
	statements []string
}

// message is the finding's message for SARIF.
func (f *checkFinding) message() string {
	var b strings.Builder
	if f.id != "" {
		fmt.Fprintf(&b, "Check %s: ", f.id)
	} else {
		fmt.Fprintf(&b, "The check on line %d: ", f.line)
	}
	switch f.rule {
	case ruleForbiddenAccess:
		fmt.Fprintf(&b, "%s is broken. Witness: %s", f.at, f.what)
	case ruleRequiredAccess:
		fmt.Fprintf(&b, "%s is not met: %s", f.at, f.what)
	case ruleUndecided:
		fmt.Fprintf(&b, "%s is undecided: %s", f.at, f.what)
	default:
		b.WriteString(f.what)
	}
	if len(f.statements) > 0 {
		verb := "Allowed by "
		if f.rule == ruleRequiredAccess {
			verb = "Denied by "
		}
		b.WriteString(". " + verb + strings.Join(f.statements, "; "))
	}
	return escapeControl(b.String())
}

// checkFindings lists the reasons of each failing check, in input order.
func checkFindings(lines []checkedLine) []checkFinding {
	var out []checkFinding
	for _, l := range lines {
		switch r := l.result.(type) {
		case errorLine:
			out = append(out, checkFinding{rule: ruleInvalidCheck, line: l.line, id: idText(r.ID), what: r.Error})
		case *checkOutput:
			id := idText(r.ID)
			for _, v := range r.Violations {
				out = append(out, checkFinding{rule: ruleForbiddenAccess, line: l.line, id: id, at: fmt.Sprintf("forbid[%d]", v.Forbid),
					what: guard.RequestText(&v.request), statements: guard.StatementsText(v.Statements)})
			}
			for _, u := range r.Unmet {
				out = append(out, checkFinding{rule: ruleRequiredAccess, line: l.line, id: id, at: fmt.Sprintf("require[%d]", u.Require),
					what: fmt.Sprintf("%s is %s: %s", guard.RequestText(&u.request), u.Decision, u.Reason), statements: guard.StatementsText(u.Denies)})
			}
			for _, u := range r.Undecided {
				out = append(out, checkFinding{rule: ruleUndecided, line: l.line, id: id, at: fmt.Sprintf("forbid[%d]", u.Forbid), what: u.Reason})
			}
		}
	}
	return out
}

// idText is a check's id as text: a string id unquoted, another JSON value as written, "" for
// none (null, or no id).
func idText(id json.RawMessage) string {
	if len(id) == 0 || string(id) == "null" {
		return ""
	}
	var s string
	if json.Unmarshal(id, &s) == nil {
		return s
	}
	return string(id)
}

// writeCheckSARIF writes the failing checks as a SARIF 2.1.0 log: one result per broken,
// unmet or undecided rule and per invalid line, located at the check's line of the input file.
func writeCheckSARIF(w io.Writer, name string, lines []checkedLine) error {
	driver := sarif.Driver{Name: "terraform-provider-iam check", InformationURI: informationURI, Version: toolVersion}
	index := map[string]int{}
	for i, r := range checkRules {
		index[r.id] = i
		driver.Rules = append(driver.Rules, sarif.Rule{ID: r.id, ShortDescription: sarif.Message{Text: r.text},
			Help:                 &sarif.Message{Text: r.text + " See " + checkGuide, Markdown: mdText(r.text) + " See [check](" + checkGuide + ") in the command line reference."},
			HelpURI:              checkGuide,
			DefaultConfiguration: sarif.Configuration{Level: sarif.LevelError},
			// Every rule fails the check, as an error-level finding of the guard does.
			Properties: sarif.SecurityProperties(guard.SecuritySeverity(guard.LevelError))})
	}
	log := sarif.NewLog(driver)
	run := log.Run()
	run.Properties = map[string]any{"awsData": catalog.DataVersion()}
	uri := sarif.FileURI(name)
	for _, f := range checkFindings(lines) {
		// A check keeps its identity by its id; one without an id by its line.
		identity := "id " + f.id
		if f.id == "" {
			identity = "line " + strconv.Itoa(f.line)
		}
		logical := sarif.LogicalLocation{Name: f.id, FullyQualifiedName: f.id + locatedPath(f.at), Kind: "object"}
		if f.id == "" {
			logical.Name, logical.FullyQualifiedName = identity, identity+locatedPath(f.at)
		}
		loc := sarif.Location{LogicalLocations: []sarif.LogicalLocation{logical}}
		if uri != "" {
			loc.PhysicalLocation = &sarif.PhysicalLocation{ArtifactLocation: sarif.ArtifactLocation{URI: uri}, Region: &sarif.Region{StartLine: f.line}}
		}
		res := sarif.Result{RuleID: f.rule, RuleIndex: index[f.rule], Level: sarif.LevelError, Message: sarif.Message{Text: f.message()},
			Locations: []sarif.Location{loc}, PartialFingerprints: map[string]string{"iamguardCheck/v1": fingerprint(name, identity, f.rule, f.at)}}
		if len(f.statements) > 0 {
			res.Properties = map[string]any{"statements": f.statements}
		}
		run.Results = append(run.Results, res)
	}
	return log.Write(w)
}

// writeCheckMarkdown writes the checks as a pull-request comment: the verdict, then a table of
// the failures per rule, each with the check, its rule, the witness (or what is unmet or
// undecided) and the statements that allow or deny it.
func writeCheckMarkdown(w io.Writer, name string, lines []checkedLine, failed bool) error {
	findings := checkFindings(lines)
	failing := map[int]bool{}
	for _, f := range findings {
		failing[f.line] = true
	}
	var b strings.Builder
	b.WriteString("## IAM access checks\n\n")
	verdict := "**Passes**"
	if failed {
		verdict = "**Fails**"
	}
	fmt.Fprintf(&b, "%s: %s in %s, %d failing", verdict, plural(len(lines), "check"), mdCodeText(name), len(failing))
	counts := map[string]int{}
	for _, f := range findings {
		counts[f.rule]++
	}
	var parts []string
	for _, r := range checkRules {
		if n := counts[r.id]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, r.id))
		}
	}
	if len(parts) > 0 {
		fmt.Fprintf(&b, " (%s)", strings.Join(parts, ", "))
	}
	b.WriteString(".\n\n")
	var sections []mdSection
	for _, r := range checkRules {
		s := mdSection{title: r.title}
		for _, f := range findings {
			if f.rule == r.id {
				s.rows = append(s.rows, checkRow(&f))
			}
		}
		sections = append(sections, s)
	}
	writeMarkdownTables(&b, []string{"check", "rule", "witness or reason", "statements"}, sections, "failure",
		"run `check` with `--format json` for all of them")
	_, err := io.WriteString(w, b.String())
	return err
}

// checkRow is one failure's row.
func checkRow(f *checkFinding) []string {
	check := fmt.Sprintf("line %d", f.line)
	if f.id != "" {
		check = mdCodeText(f.id) + " (" + check + ")"
	}
	at, what := mdCodeText(f.at), mdCodeText(f.what)
	switch f.rule {
	case ruleInvalidCheck:
		at, what = "", mdText(f.what)
	case ruleUndecided:
		what = mdText(f.what)
	}
	statements := ""
	if len(f.statements) > 0 {
		verb := "allowed by "
		if f.rule == ruleRequiredAccess {
			verb = "denied by "
		}
		statements = verb + mdText(strings.Join(f.statements, "; "))
	}
	return []string{check, at, what, statements}
}
