// Package validate is policy validation, in the manner of IAM Access Analyzer's ValidatePolicy:
// findings with a severity, a stable code, a message that says what is wrong and how to fix it,
// and the place (JSON path, line:column). The checks depend on the policy type. Every code is
// listed in validationCodes (codes.go) and documented in docs/guides/validation-codes.md.
//
// Validation reads the engine's compiled policy (evaluator.CompilePolicy): the document is
// parsed once, and every part that does not compile is a finding. The rules of IAM (operators,
// matching, the catalogue) stay in internal/evaluator and internal/catalog; this package turns
// what they say into findings.
//
// The files: validate.go (entry point, types, ordering), codes.go (the code table),
// document.go (text, size, version, statements, Sid, principals by policy type), actions.go
// (actions and resources against the catalogue), arns.go (ARN formats), conditions.go
// (condition keys, operators), variables.go (policy variables), security.go (security
// warnings), guard_checks.go (the checks the plan guard asks for) and managed.go (AWS managed
// policies).
package validate

import (
	"errors"
	"fmt"
	"github.com/iamguard/terraform-provider-iam/internal/evaluator"
	"sort"
	"strings"
)

// PolicyType is the kind of policy a document is validated as.
type PolicyType string

const (
	PolicyTypeIdentity            PolicyType = "IDENTITY"
	PolicyTypeResource            PolicyType = "RESOURCE"
	PolicyTypeTrust               PolicyType = "TRUST" // a role trust policy
	PolicyTypeSCP                 PolicyType = "SCP"
	PolicyTypeRCP                 PolicyType = "RCP"
	PolicyTypePermissionsBoundary PolicyType = "PERMISSIONS_BOUNDARY"
	PolicyTypeSession             PolicyType = "SESSION"
)

// PolicyTypes lists every policy type, in the order of the documentation.
var PolicyTypes = []PolicyType{
	PolicyTypeIdentity, PolicyTypeResource, PolicyTypeTrust, PolicyTypeSCP, PolicyTypeRCP,
	PolicyTypePermissionsBoundary, PolicyTypeSession,
}

// ParsePolicyType reads a policy type in any case ("identity", "Permissions_Boundary").
func ParsePolicyType(s string) (PolicyType, bool) {
	for _, t := range PolicyTypes {
		if strings.EqualFold(string(t), s) {
			return t, true
		}
	}
	return "", false
}

// Severity is how serious a finding is. From the most to the least serious: ERROR (AWS rejects
// the policy, or it cannot work), SECURITY_WARNING (it grants more than is safe), WARNING (it
// probably does not do what was meant), SUGGESTION (it can be simpler).
type Severity string

const (
	SeverityError           Severity = "ERROR"
	SeveritySecurityWarning Severity = "SECURITY_WARNING"
	SeverityWarning         Severity = "WARNING"
	SeveritySuggestion      Severity = "SUGGESTION"
)

// Severities lists the severities from the most to the least serious.
var Severities = []Severity{SeverityError, SeveritySecurityWarning, SeverityWarning, SeveritySuggestion}

// rank orders severities: a larger rank is more serious; 0 for an unknown severity.
func (s Severity) rank() int {
	switch s {
	case SeverityError:
		return 4
	case SeveritySecurityWarning:
		return 3
	case SeverityWarning:
		return 2
	case SeveritySuggestion:
		return 1
	}
	return 0
}

// AtLeast reports whether s is as serious as threshold or more.
func (s Severity) AtLeast(threshold Severity) bool {
	return s.rank() > 0 && s.rank() >= threshold.rank()
}

// ParseSeverity reads a severity in any case ("security_warning").
func ParseSeverity(s string) (Severity, bool) {
	for _, sev := range Severities {
		if strings.EqualFold(string(sev), s) {
			return sev, true
		}
	}
	return "", false
}

// Finding is one result of validation.
type Finding struct {
	Severity Severity `json:"severity"`
	Code     string   `json:"code"`
	// Message says what is wrong and how to fix it.
	Message string `json:"message"`
	// Path is the JSON path of the element at fault ("Statement[0].Action[1]"); empty for the
	// document as a whole.
	Path string `json:"path"`
	// Line and Column (1-based, the column in bytes) locate the element; 0 when unknown.
	Line   int `json:"line"`
	Column int `json:"column"`
	// AWSIssueCode is the issue code of IAM Access Analyzer's policy check for the same defect
	// ("INVALID_ACTION"); empty when Access Analyzer has none.
	AWSIssueCode string `json:"aws_issue_code,omitempty"`
	// HelpURI links to the code's section of the validation codes guide.
	HelpURI string `json:"help_uri"`
}

// validationGuideURL is the published validation codes guide (docs/guides/validation-codes.md).
const validationGuideURL = "https://github.com/iamguard/terraform-provider-iam/blob/main/docs/guides/validation-codes.md"

// ValidationCodeHelpURI links to the section of the validation codes guide that documents code:
// the guide's headings are the codes, whose anchors are the codes in lower case.
func ValidationCodeHelpURI(code string) string {
	return validationGuideURL + "#" + strings.ToLower(code)
}

// ValidateOptions says what a document is validated as.
type ValidateOptions struct {
	Type PolicyType
	// ResourceType optionally names the resource a RESOURCE policy is attached to, as
	// CloudFormation writes the type ("AWS::S3::Bucket"); see ResourcePolicyTypes. It selects
	// the size quota and the service whose actions the policy may name.
	ResourceType string
	// AWSManaged says that the document is an AWS managed policy: AWS wrote it, and the rules
	// that bind only customers' policies (the size quota, names missing from the catalogue; see
	// ValidationCode.CustomerOnly) give WARNING findings instead of ERROR ones.
	AWSManaged bool
	// CustomerManagedPolicy says that an IDENTITY or PERMISSIONS_BOUNDARY document is a customer
	// managed policy (what CreatePolicy and CreatePolicyVersion store, an aws_iam_policy): IAM
	// refuses one over the managed policy quota of 6,144 characters, which AWS offers no way to
	// raise (its Knowledge Center article iam-increase-policy-size gives only workarounds), so
	// POLICY_TOO_LARGE is an ERROR. Without it the document may be an inline policy, whose quota
	// is per principal, and the finding is a WARNING, as Access Analyzer rates it.
	CustomerManagedPolicy bool
}

// ValidatePolicy checks a policy document for its policy type and returns the findings, sorted
// by place in the text, then by severity (most serious first), then by code. A document that
// does not parse gives one ERROR finding (SYNTAX_ERROR) at the error's place, plus the checks
// that need only the text (characters). Options that name an unknown policy type or resource
// type give one ERROR finding (INVALID_OPTIONS) and no other check.
func ValidatePolicy(doc []byte, opts ValidateOptions) []Finding {
	v := &validator{doc: doc, opts: opts}
	v.run()
	sortFindings(v.findings)
	return v.findings
}

// validator collects the findings of one ValidatePolicy call.
type validator struct {
	doc      []byte
	opts     ValidateOptions
	resType  *resourcePolicyType // nil when opts.ResourceType is empty
	policy   *evaluator.Policy
	findings []Finding
	// stmtActions holds what checkActions learnt about each statement's actions.
	stmtActions map[*evaluator.Statement]*statementActions
	// conditionProblems and resourceProblems are the parts of the policy that did not compile:
	// conditions, and Resource values by JSON path.
	conditionProblems map[*evaluator.Condition]*evaluator.Problem
	resourceProblems  map[string]*evaluator.Problem
}

// Check reports whether the options can be used: a known policy type (any case), and a known
// resource type, given only for RESOURCE policies (or AWS::IAM::AssumeRolePolicyDocument for
// TRUST ones). The error says what is accepted.
func (o ValidateOptions) Check() error {
	t, ok := ParsePolicyType(string(o.Type))
	if !ok {
		return fmt.Errorf("unknown policy type %q; expected one of %s", o.Type, policyTypeList())
	}
	if o.ResourceType == "" {
		return nil
	}
	rt, ok := lookupResourcePolicyType(o.ResourceType)
	if !ok {
		return fmt.Errorf("unknown resource type %q; expected one of %s", o.ResourceType, resourcePolicyTypeList())
	}
	if t != PolicyTypeResource && (t != PolicyTypeTrust || !rt.trust) {
		return fmt.Errorf("resource type %s applies to RESOURCE policies only, not %s", rt.name, t)
	}
	return nil
}

func (v *validator) run() {
	if !v.prepareOptions() {
		return
	}
	v.checkCharacters()
	p, problems, err := evaluator.CompilePolicy(v.doc)
	if err != nil {
		var pe *evaluator.ParseError
		if errors.As(err, &pe) {
			v.addFinding("SYNTAX_ERROR", syntaxIssueCode(pe), pe.Path, pe.Line, pe.Column, "%s", pe.Message)
		} else {
			v.addAt("SYNTAX_ERROR", "", 0, 0, "%v", err)
		}
		return
	}
	v.checkParsed(p, problems)
}

// prepareOptions checks the options and settles the policy type and resource type; false
// (with an INVALID_OPTIONS finding) when they cannot be used.
func (v *validator) prepareOptions() bool {
	if err := v.opts.Check(); err != nil {
		v.add("INVALID_OPTIONS", "", evaluator.Position{}, "%v", err)
		return false
	}
	v.opts.Type, _ = ParsePolicyType(string(v.opts.Type))
	if v.opts.ResourceType != "" {
		rt, _ := lookupResourcePolicyType(v.opts.ResourceType)
		if rt.trust {
			// AWS::IAM::AssumeRolePolicyDocument is how Access Analyzer names a trust policy.
			v.opts.Type = PolicyTypeTrust
		} else {
			v.resType = rt
		}
	}
	return true
}

// checkParsed runs the checks of a document that parsed as p, whose parts in problems did not
// compile.
func (v *validator) checkParsed(p *evaluator.Policy, problems []evaluator.Problem) {
	v.policy = p
	for i := range problems {
		pr := &problems[i]
		if pr.Condition != nil {
			if v.conditionProblems == nil {
				v.conditionProblems = map[*evaluator.Condition]*evaluator.Problem{}
			}
			v.conditionProblems[pr.Condition] = pr
		} else {
			if v.resourceProblems == nil {
				v.resourceProblems = map[string]*evaluator.Problem{}
			}
			v.resourceProblems[pr.Err.Path] = pr
		}
	}
	v.checkDocument()
	for _, s := range p.Statements {
		v.checkStatement(s)
	}
	v.checkDuplicateStatements()
	v.checkSecurity()
}

// add records a finding with the code's severity at pos.
func (v *validator) add(code, path string, pos evaluator.Position, format string, args ...any) {
	v.addAt(code, path, pos.Line, pos.Column, format, args...)
}

func (v *validator) addAt(code, path string, line, column int, format string, args ...any) {
	v.addFinding(code, validationCodeByName[code].AWSIssueCode, path, line, column, format, args...)
}

// addIssue records a finding whose Access Analyzer issue code is a more precise one than the
// code's usual one (MISSING_ARN_FIELD for an INVALID_ARN with too few parts).
func (v *validator) addIssue(code, awsIssueCode, path string, pos evaluator.Position, format string, args ...any) {
	v.addFinding(code, awsIssueCode, path, pos.Line, pos.Column, format, args...)
}

func (v *validator) addFinding(code, awsIssueCode, path string, line, column int, format string, args ...any) {
	v.findings = append(v.findings, Finding{
		Severity:     v.severityOf(code),
		Code:         code,
		Message:      fmt.Sprintf(format, args...),
		Path:         path,
		Line:         line,
		Column:       column,
		AWSIssueCode: awsIssueCode,
		HelpURI:      ValidationCodeHelpURI(code),
	})
}

// severityOf gives a code's severity for the policy type, except that in an AWS managed policy
// the rules that bind only customers are warnings.
func (v *validator) severityOf(code string) Severity {
	c, ok := validationCodeByName[code]
	if !ok {
		// A code missing from the table is a programming error; TestValidationCodesCovered and
		// the fuzz test catch it.
		return SeverityError
	}
	s := c.SeverityFor(v.opts.Type)
	if code == "POLICY_TOO_LARGE" && v.opts.CustomerManagedPolicy && (v.opts.Type == PolicyTypeIdentity || v.opts.Type == PolicyTypePermissionsBoundary) {
		s = SeverityError
	}
	if v.opts.AWSManaged && c.CustomerOnly && s == SeverityError {
		return SeverityWarning
	}
	return s
}

func sortFindings(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := &fs[i], &fs[j]
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Column != b.Column {
			return a.Column < b.Column
		}
		if a.Severity.rank() != b.Severity.rank() {
			return a.Severity.rank() > b.Severity.rank()
		}
		return a.Code < b.Code
	})
}

func policyTypeList() string {
	names := make([]string, len(PolicyTypes))
	for i, t := range PolicyTypes {
		names[i] = string(t)
	}
	return strings.Join(names, ", ")
}

// grants reports whether policies of the type give permissions (as opposed to limiting them):
// warnings about broad grants apply to these only. An SCP, RCP, boundary or session policy
// that allows "*" is the normal way to limit nothing.
func (t PolicyType) grants() bool {
	return t == PolicyTypeIdentity || t == PolicyTypeResource || t == PolicyTypeTrust
}
