package cli

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/iamguard/terraform-provider-iam/internal/evaluator"
	"github.com/iamguard/terraform-provider-iam/internal/validate"
)

// validateOutput is the JSON output for one file: one object per line (JSON Lines).
type validateOutput struct {
	File string              `json:"file"`
	Type validate.PolicyType `json:"type"`
	// AWSManaged tells that File is the ARN of an AWS managed policy, validated as AWS's own.
	AWSManaged   bool   `json:"awsManaged,omitempty"`
	ResourceType string `json:"resourceType,omitempty"`
	// Failed tells whether the file has a finding at or above --fail-on.
	Failed   bool               `json:"failed"`
	Findings []validate.Finding `json:"findings"`
}

func runValidate(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("validate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	typ := fs.String("type", string(validate.PolicyTypeIdentity), "policy type: "+policyTypeNames()+" (any case)")
	resourceType := fs.String("resource-type", "", "for --type RESOURCE, the resource the policy is attached to: "+strings.Join(validate.ResourcePolicyTypes(), ", "))
	format := fs.String("format", "text", "output format: text (file:line:column: SEVERITY CODE (ACCESS_ANALYZER_CODE): message), json (one object per file, JSON Lines), sarif (SARIF 2.1.0 for code scanning) or markdown (a pull-request comment)")
	var managed managedARNs
	fs.Var(&managed, "managed", "the ARN of an AWS managed policy of the embedded catalogue to validate as AWS's own (repeatable; an argument that starts with arn: is one too)")
	failOn := fs.String("fail-on", string(validate.SeveritySecurityWarning), "exit with status 1 when a finding is at or above this severity: error, security_warning, warning, suggestion, or none")
	maxPolicy := fs.Int("max-policy-bytes", evaluator.DefaultMaxPolicyBytes, "the largest policy file read; a larger one is an error (exit status 2)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, usageLine("validate"))
		fmt.Fprintln(stderr, "Checks each policy document (FILE, or - for standard input) for its policy type and prints the findings.")
		fmt.Fprintln(stderr, "An AWS managed policy ARN (arn:aws:iam::aws:policy/ReadOnlyAccess) is read from the embedded catalogue and")
		fmt.Fprintln(stderr, "validated as AWS's own: rules that bind only customers' policies (the size quota, names the catalogue lacks) are warnings.")
		fmt.Fprintln(stderr, "Exit status: 0 no finding at or above --fail-on, 1 some, 2 bad usage or unreadable input, whatever the format.")
		fmt.Fprintln(stderr, "SARIF and Markdown are written only when every input was read: a partial SARIF log would close the alerts of the files it lacks.")
		fs.PrintDefaults()
	}
	files, ok := positionalArgs(fs, args)
	if !ok {
		return exitUsage
	}
	policyType, ok := validate.ParsePolicyType(*typ)
	if !ok {
		fmt.Fprintf(stderr, "validate: --type must be one of %s, not %q\n", policyTypeNames(), *typ)
		return exitUsage
	}
	opts := validate.ValidateOptions{Type: policyType, ResourceType: *resourceType}
	if err := opts.Check(); err != nil {
		fmt.Fprintf(stderr, "validate: --type %s --resource-type %s: %v\n", *typ, *resourceType, err)
		return exitUsage
	}
	threshold, failNever := validate.Severity(""), failsNever(*failOn)
	if !failNever {
		if threshold, ok = validate.ParseSeverity(*failOn); !ok {
			fmt.Fprintf(stderr, "validate: --fail-on must be error, security_warning, warning, suggestion or none, not %q\n", *failOn)
			return exitUsage
		}
	}
	switch *format {
	case "text", "json", "sarif", "markdown":
	default:
		fmt.Fprintf(stderr, "validate: --format must be text, json, sarif or markdown, not %q\n", *format)
		return exitUsage
	}
	inputs := validateInputs(managed, files)
	if len(inputs) == 0 {
		fs.Usage()
		return exitUsage
	}
	out := bufio.NewWriterSize(stdout, 64<<10)
	defer out.Flush()
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	status := exitOK
	counts := map[validate.Severity]int{}
	stdinUsed := false
	unreadable := 0
	var validated []validatedFile // for SARIF and Markdown, written when every input is read
	for _, in := range inputs {
		if in.arg == "-" {
			if stdinUsed {
				fmt.Fprintln(stderr, "validate: standard input (-) given more than once")
				status = exitUsage
				continue
			}
			stdinUsed = true
		}
		findings, name, doc, err := validateOne(in, opts, stdin, *maxPolicy)
		if err != nil {
			out.Flush()
			fmt.Fprintf(stderr, "validate: %s\n", escapeControl(err.Error()))
			status = exitUsage
			unreadable++
			continue
		}
		failed := false
		for _, f := range findings {
			counts[f.Severity]++
			if !failNever && f.Severity.AtLeast(threshold) {
				failed = true
			}
		}
		if failed && status == exitOK {
			status = exitViolation
		}
		switch *format {
		case "sarif", "markdown":
			validated = append(validated, validatedFile{name: name, managed: in.managed, doc: doc, findings: findings})
			continue
		case "json":
			if findings == nil {
				findings = []validate.Finding{}
			}
			if err := enc.Encode(validateOutput{File: name, Type: policyType, ResourceType: *resourceType, AWSManaged: in.managed, Failed: failed, Findings: findings}); err != nil {
				fmt.Fprintf(stderr, "validate: %v\n", err)
				return exitUsage
			}
			continue
		}
		for _, f := range findings {
			writeFinding(out, name, f)
		}
	}
	switch *format {
	case "sarif", "markdown":
		if status == exitUsage {
			out.Flush()
			fmt.Fprintf(stderr, "validate: no %s report written: %s could not be read\n", *format, plural(max(unreadable, 1), "input"))
			return status
		}
		var err error
		if *format == "sarif" {
			err = writeValidateSARIF(out, validated, policyType)
		} else {
			err = writeValidateMarkdown(out, validated, counts, status == exitViolation, threshold, failNever)
		}
		if err != nil {
			fmt.Fprintf(stderr, "validate: %v\n", err)
			return exitUsage
		}
	case "text":
		summary := summarizeFindings(len(inputs)-unreadable, counts)
		if unreadable > 0 {
			summary += fmt.Sprintf("; %s could not be read", plural(unreadable, "file"))
		}
		fmt.Fprintln(out, summary)
	}
	return status
}

// writeFinding prints one finding as file:line:column: SEVERITY CODE (AWS_ISSUE_CODE): message
// (at PATH), without the parenthesis when Access Analyzer has no issue code for the finding.
func writeFinding(w io.Writer, file string, f validate.Finding) {
	at := ""
	if f.Path != "" {
		at = " (at " + f.Path + ")"
	}
	code := f.Code
	if f.AWSIssueCode != "" {
		code += " (" + f.AWSIssueCode + ")"
	}
	// Messages quote policy text: control characters are escaped so that a policy cannot
	// rewrite the terminal or the CI log (ANSI sequences, carriage returns).
	fmt.Fprintf(w, "%s:%d:%d: %s %s: %s%s\n", escapeControl(file), f.Line, f.Column, f.Severity, code, escapeControl(f.Message), escapeControl(at))
}

// summarizeFindings is the last line of text output: "2 files, 3 findings: 1 ERROR, 2 WARNING".
func summarizeFindings(files int, counts map[validate.Severity]int) string {
	total := 0
	var parts []string
	for _, s := range validate.Severities {
		if n := counts[s]; n > 0 {
			total += n
			parts = append(parts, fmt.Sprintf("%d %s", n, s))
		}
	}
	s := fmt.Sprintf("%s, %s", plural(files, "file"), plural(total, "finding"))
	if len(parts) > 0 {
		s += ": " + strings.Join(parts, ", ")
	}
	return s
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// readInput reads FILE, or standard input for "-".
// A directory is an error (validate DIR/*.json), and so is a file larger than max bytes: it is
// not read past the limit.
func readInput(arg string, stdin io.Reader, limit int) ([]byte, string, error) {
	if arg != "-" {
		if st, err := os.Stat(arg); err == nil && st.IsDir() {
			return nil, "", fmt.Errorf("%s is a directory; expected a policy file (validate %s/*.json)", arg, strings.TrimSuffix(arg, "/"))
		}
	}
	in, name, closeIn, err := openInput(arg, stdin)
	if err != nil {
		return nil, "", err
	}
	defer closeIn()
	doc, err := io.ReadAll(io.LimitReader(in, int64(limit)+1))
	if err != nil {
		return nil, "", fmt.Errorf("reading %s: %v", name, err)
	}
	if len(doc) > limit {
		return nil, "", fmt.Errorf("%s is larger than the limit of %d bytes (IAM's largest policies are 32 KB; raise the limit with --max-policy-bytes)", name, limit)
	}
	return doc, name, nil
}

func policyTypeNames() string {
	names := make([]string, len(validate.PolicyTypes))
	for i, t := range validate.PolicyTypes {
		names[i] = string(t)
	}
	return strings.Join(names, ", ")
}
