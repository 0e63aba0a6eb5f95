package cli

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/iamguard/terraform-provider-iam/internal/catalog"
	"github.com/iamguard/terraform-provider-iam/internal/sarif"
	"github.com/iamguard/terraform-provider-iam/internal/validate"
)

// validatedFile is one input that validate read, kept for the reports written at the end
// (SARIF, Markdown).
type validatedFile struct {
	name     string
	managed  bool   // name is the ARN of an AWS managed policy
	doc      []byte // the file's text; nil for an AWS managed policy
	findings []validate.Finding
}

// validationSecuritySeverity scores the validator's severities for code scanning
// (security-severity, 0 to 10) in the order Access Analyzer ranks its finding types: a security
// warning reports access that is overly permissive, the one security issue (high); an error a
// part of the policy that does not work (high, just below); a warning a departure from best
// practice (medium); a suggestion a matter of style (low).
var validationSecuritySeverity = map[validate.Severity]string{
	validate.SeveritySecurityWarning: "8.0",
	validate.SeverityError:           "7.0",
	validate.SeverityWarning:         "5.0",
	validate.SeveritySuggestion:      "2.0",
}

// validationLevel is the SARIF level of a severity: the two that fail validate by default
// (--fail-on security_warning) are errors.
func validationLevel(s validate.Severity) string {
	switch s {
	case validate.SeverityError, validate.SeveritySecurityWarning:
		return sarif.LevelError
	case validate.SeverityWarning:
		return sarif.LevelWarning
	}
	return sarif.LevelNote
}

// validationRule is the SARIF rule of a finding code, with the code's severity for the policy
// type and the code's section of the validation codes guide as its help.
func validationRule(c validate.ValidationCode, t validate.PolicyType) sarif.Rule {
	sev := c.SeverityFor(t)
	uri := validate.ValidationCodeHelpURI(c.Code)
	return sarif.Rule{
		ID:                   c.Code,
		ShortDescription:     sarif.Message{Text: c.Summary},
		Help:                 &sarif.Message{Text: c.Summary + " See " + uri, Markdown: mdText(c.Summary) + " See [" + c.Code + "](" + uri + ") in the validation codes guide."},
		HelpURI:              uri,
		DefaultConfiguration: sarif.Configuration{Level: validationLevel(sev)},
		Properties:           sarif.SecurityProperties(validationSecuritySeverity[sev]),
	}
}

// writeValidateSARIF writes the findings as a SARIF 2.1.0 log: the rules are the validation
// codes, each result a finding at its line and column of its file; an AWS managed policy, which
// is no file of the repository, is named as a logical location.
func writeValidateSARIF(w io.Writer, files []validatedFile, t validate.PolicyType) error {
	driver := sarif.Driver{Name: "terraform-provider-iam validate", InformationURI: informationURI, Version: toolVersion}
	index := map[string]int{}
	for _, c := range validate.ValidationCodes() {
		index[c.Code] = len(driver.Rules)
		driver.Rules = append(driver.Rules, validationRule(c, t))
	}
	log := sarif.NewLog(driver)
	run := log.Run()
	run.Properties = map[string]any{"awsData": catalog.DataVersion(), "policyType": string(t)}
	for _, file := range files {
		uri := sarif.FileURI(file.name)
		// occurrences tells apart findings of one code at one place (fingerprints must differ).
		occurrences := map[string]int{}
		for _, f := range file.findings {
			i, ok := index[f.Code]
			if !ok {
				return fmt.Errorf("internal error: finding code %s is not in the code table", f.Code)
			}
			key := f.Code + "\x00" + f.Path
			occurrences[key]++
			res := sarif.Result{
				RuleID: f.Code, RuleIndex: i, Level: validationLevel(f.Severity),
				Message:             sarif.Message{Text: validationMessage(f)},
				Locations:           []sarif.Location{validationLocation(file, uri, f)},
				PartialFingerprints: map[string]string{"iamguardValidation/v1": fingerprint(file.name, f.Code, f.Path, strconv.Itoa(occurrences[key]))},
				Properties:          map[string]any{"severity": string(f.Severity)},
			}
			if f.Path != "" {
				res.Properties["path"] = f.Path
			}
			if f.AWSIssueCode != "" {
				res.Properties["aws_issue_code"] = f.AWSIssueCode
			}
			run.Results = append(run.Results, res)
		}
	}
	return log.Write(w)
}

// validationMessage is a finding's message for SARIF: its severity, Access Analyzer's issue
// code, the message and the JSON path, with control characters escaped as in the text output
// (a message quotes policy text, which must not hide or reorder what a reviewer reads).
func validationMessage(f validate.Finding) string {
	var b strings.Builder
	b.WriteString(string(f.Severity))
	if f.AWSIssueCode != "" {
		b.WriteString(" (Access Analyzer " + f.AWSIssueCode + ")")
	}
	b.WriteString(": " + f.Message)
	if f.Path != "" {
		b.WriteString(" (at " + f.Path + ")")
	}
	return escapeControl(b.String())
}

// validationLocation places a finding: its file and region when the input is a file, else (an
// AWS managed policy, standard input) the input's name as a logical location.
func validationLocation(file validatedFile, uri string, f validate.Finding) sarif.Location {
	if uri == "" || file.managed {
		kind := ""
		if file.managed {
			kind = "resource"
		}
		return sarif.Location{LogicalLocations: []sarif.LogicalLocation{{Name: file.name, FullyQualifiedName: file.name + locatedPath(f.Path), Kind: kind}}}
	}
	loc := &sarif.PhysicalLocation{ArtifactLocation: sarif.ArtifactLocation{URI: uri}}
	if f.Line > 0 {
		loc.Region = &sarif.Region{StartLine: f.Line}
		if f.Column > 0 {
			loc.Region.StartColumn = utf16Column(file.doc, f.Line, f.Column)
		}
	}
	return sarif.Location{PhysicalLocation: loc}
}

func locatedPath(path string) string {
	if path == "" {
		return ""
	}
	return "#" + path
}

// severityTitles are the headings of the Markdown report's tables.
var severityTitles = map[validate.Severity]string{
	validate.SeverityError:           "Errors",
	validate.SeveritySecurityWarning: "Security warnings",
	validate.SeverityWarning:         "Warnings",
	validate.SeveritySuggestion:      "Suggestions",
}

// writeValidateMarkdown writes the findings as a pull-request comment: the verdict at --fail-on
// (threshold, or never when failNever), then a table of findings per severity, most serious
// first, each with its place, its code (linked to the guide) and its message.
func writeValidateMarkdown(w io.Writer, files []validatedFile, counts map[validate.Severity]int, failed bool, threshold validate.Severity, failNever bool) error {
	var b strings.Builder
	b.WriteString("## IAM policy validation\n\n")
	verdict, rule := "**Passes**", "fails on "+mdCodeText(string(threshold))+" and above"
	if failed {
		verdict = "**Fails**"
	}
	if failNever {
		rule = "`--fail-on none`"
	}
	fmt.Fprintf(&b, "%s (%s): %s.\n\n", verdict, rule, summarizeFindings(len(files), counts))
	var sections []mdSection
	for _, sev := range validate.Severities {
		s := mdSection{title: severityTitles[sev]}
		for _, file := range files {
			for _, f := range file.findings {
				if f.Severity == sev {
					s.rows = append(s.rows, validationRow(file, f))
				}
			}
		}
		sections = append(sections, s)
	}
	writeMarkdownTables(&b, []string{"file:line", "code", "message"}, sections, "finding",
		"run `validate` with `--format text` or `--format json` for all of them")
	_, err := io.WriteString(w, b.String())
	return err
}

// validationRow is one finding's row: place, code and message.
func validationRow(file validatedFile, f validate.Finding) []string {
	place := file.name
	if !file.managed && f.Line > 0 {
		place = fmt.Sprintf("%s:%d:%d", file.name, f.Line, f.Column)
	}
	code := "[" + mdCodeText(f.Code) + "](" + f.HelpURI + ")"
	if f.AWSIssueCode != "" {
		code += " (" + mdCodeText(f.AWSIssueCode) + ")"
	}
	msg := mdText(f.Message)
	if f.Path != "" {
		msg += " (at " + mdCodeText(f.Path) + ")"
	}
	return []string{mdCodeText(place), code, msg}
}
