package guard

import (
	"fmt"
	"sort"
	"strings"

	ev "github.com/iamguard/terraform-provider-iam/internal/evaluator"
	"github.com/iamguard/terraform-provider-iam/internal/validate"
)

// Level is how serious a finding is. The guard fails (exit status 1) when a finding is at or
// above the failing level (--fail-on, error by default).
type Level int

const (
	LevelNote Level = iota + 1
	LevelWarning
	LevelError
)

func (l Level) String() string {
	switch l {
	case LevelNote:
		return "note"
	case LevelWarning:
		return "warning"
	case LevelError:
		return "error"
	}
	return "none"
}

// ParseLevel reads "error", "warning" or "note".
func ParseLevel(s string) (Level, bool) {
	for _, l := range []Level{LevelNote, LevelWarning, LevelError} {
		if strings.EqualFold(s, l.String()) {
			return l, true
		}
	}
	return 0, false
}

// The finding codes. Each has a default level (codeInfo) that a `finding "<code>"` block of
// the rules file can change.
const (
	CodeUndecided        = "undecided"           // a check depends on something the plan does not know
	CodeInvalidPolicy    = "invalid-policy"      // a policy document does not parse: AWS would reject it
	CodeValidation       = "policy-validation"   // a validation finding (validate.ValidatePolicy)
	CodeForbiddenAccess  = "forbidden-access"    // a forbid rule's access is allowed
	CodeRequiredAccess   = "required-access"     // a require rule's access is not allowed
	CodePublicAccess     = "public-access"       // anyone, or any other account, reaches a resource
	CodeCrossAccount     = "cross-account"       // a named other account reaches a resource
	CodeNewAccess        = "new-access"          // a new_access rule's access is new in this plan
	CodeNewAdmin         = "new-admin-access"    // a principal newly may change IAM permissions
	CodeAccessKey        = "access-key"          // a new long-lived access key
	CodeAdminPolicy      = "admin-policy"        // AdministratorAccess or "*" granted to a non-administrator
	CodeConsoleNoMFA     = "console-without-mfa" // a console user may do sensitive actions without MFA
	CodeOpenTrust        = "open-trust"          // a trust policy any account or web identity can assume
	CodePassRoleWildcard = "passrole-wildcard"   // iam:PassRole on "*"
	CodeNotChecked       = "not-checked"         // a resource carries access the guard does not model
	CodeNoConfiguration  = "no-configuration"    // the plan has no configuration section
)

// codeInfo describes each code: its default level and a one-line description (SARIF rules).
var codeInfo = map[string]struct {
	Level Level
	Text  string
}{
	CodeUndecided:        {LevelError, "A check depends on a value known only after apply, or the analysis could not decide; it is not a pass."},
	CodeInvalidPolicy:    {LevelError, "A policy document does not parse: AWS rejects it at apply."},
	CodeValidation:       {LevelError, "Policy validation (the checks of IAM Access Analyzer's ValidatePolicy)."},
	CodeForbiddenAccess:  {LevelError, "A principal has access that a forbid rule forbids."},
	CodeRequiredAccess:   {LevelError, "A principal lacks access that a require rule requires."},
	CodePublicAccess:     {LevelError, "A resource policy lets anonymous callers or any AWS account in."},
	CodeCrossAccount:     {LevelWarning, "A resource policy grants access to another account that it names."},
	CodeNewAccess:        {LevelWarning, "The plan grants access that a new_access rule watches."},
	CodeNewAdmin:         {LevelError, "A principal that is not named an administrator newly may change IAM permissions (administrative access)."},
	CodeAccessKey:        {LevelWarning, "A new long-lived access key: prefer roles and short-lived credentials."},
	CodeAdminPolicy:      {LevelWarning, "AdministratorAccess or Action \"*\" granted to a principal the rules do not name as an administrator."},
	CodeConsoleNoMFA:     {LevelWarning, "A console user's policies allow sensitive actions without MFA."},
	CodeOpenTrust:        {LevelError, "A role trust policy that any AWS account or any web identity can assume without a condition."},
	CodePassRoleWildcard: {LevelWarning, "iam:PassRole on every role (Resource \"*\"): any role can be handed to a service."},
	CodeUserPolicy:       {levelOff, "A policy attached directly to an IAM user: prefer groups or roles (off by default)."},
	CodeIAMUser:          {levelOff, "An IAM user with a console password or an access key where people should sign in through federation (off by default)."},
	CodeWaiverExpired:    {LevelError, "A waiver of the rules has passed its expires date: the finding it waived fails again."},
	CodeWaiverUnused:     {LevelNote, "A waiver of the rules matches no finding."},
	CodeExistingCompute:  {LevelWarning, "A grant to change or command compute that may exist outside the plan (Lambda code, user data, SSM commands, stacks): its holder runs code as that compute's role."},
	CodeInlineQuota:      {LevelError, "The inline policies of a role, user or group together exceed IAM's quota for them (10,240, 2,048 or 5,120 characters without white space): IAM refuses them at apply."},
	CodeNotChecked:       {LevelNote, "A resource carries an access policy or grant of a kind the guard does not model: the guard did not check it."},
	CodeNoConfiguration:  {LevelWarning, "The plan has no configuration section: values known only after apply cannot be traced to the resources the configuration names."},
}

// Codes returns every finding code, sorted.
func Codes() []string {
	out := make([]string, 0, len(codeInfo))
	for c := range codeInfo {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}

// CodeDescription is the one-line description of a code.
func CodeDescription(code string) string { return codeInfo[code].Text }

// Step is one step of a role chain: From reaches To by Via.
type Step struct {
	From string `json:"from"` // principal ARN
	To   string `json:"to"`   // role ARN
	// Via is how: "sts:AssumeRole", or "iam:PassRole + lambda:CreateFunction (lambda.amazonaws.com)".
	Via string `json:"via"`
	// Address is the role's resource address.
	Address string `json:"address"`
}

// Finding is one result of the guard.
type Finding struct {
	Code  string `json:"code"`
	Level Level  `json:"-"`
	// Rule names the rule that asked ("forbid.no-deletes"); "" for the default checks.
	Rule    string `json:"rule,omitempty"`
	Message string `json:"message"`
	// Address and Attribute locate the finding in the plan.
	Address   string `json:"address"`
	Attribute string `json:"attribute,omitempty"`
	// Principal is the ARN of the principal the finding is about (may contain the account the
	// guard assumed), with its address.
	Principal        string `json:"principal,omitempty"`
	PrincipalAddress string `json:"principal_address,omitempty"`
	// Witness is a request that shows the access, and Allows the statements that allow it.
	Witness *ev.Request       `json:"-"`
	Allows  []ev.StatementRef `json:"allows,omitempty"`
	// Path is the role chain from Principal to the role whose access the witness uses.
	Path []Step `json:"path,omitempty"`
	// Actions lists, for new access, the newly allowed actions that the guard checked one by one.
	Actions []string `json:"actions,omitempty"`
	// Validation is, for a policy-validation finding, the validator's finding it reports (its
	// code, Access Analyzer's issue code and the guide's link go to SARIF properties).
	Validation *validate.Finding `json:"validation,omitempty"`
	// Waived is the reason of the waiver that accepts the finding; Baselined says the finding
	// was in the baseline report. Either way it is reported and does not fail.
	Waived    string `json:"waived,omitempty"`
	Baselined bool   `json:"baselined,omitempty"`
}

// WitnessText describes the witness request in one line.
func (f *Finding) WitnessText() string {
	if f.Witness == nil {
		return ""
	}
	return describeRequest(f.Witness)
}

func describeRequest(r *ev.Request) string {
	var b strings.Builder
	resource := r.Resource
	if resource == "" {
		// The engine leaves the resource empty when the question's resources are "*" and
		// the allowing statements do not narrow them: any resource will do.
		resource = "any resource"
	}
	fmt.Fprintf(&b, "%s calls %s on %s", orAnonymous(r.Principal), r.Action, resource)
	if r.ResourceAccount != "" {
		fmt.Fprintf(&b, " (account %s)", r.ResourceAccount)
	}
	if keys := r.Context.Keys(); len(keys) > 0 {
		var parts []string
		for _, k := range keys {
			v, _ := r.Context.Lookup(k)
			// JSON-quoted, so that set values read unambiguously: aws:TagKeys=["","temp"].
			parts = append(parts, v.Text())
		}
		b.WriteString(" with " + strings.Join(parts, ", "))
	}
	return b.String()
}

func orAnonymous(p string) string {
	if p == "" || p == "anonymous" || p == "*" {
		return "an anonymous caller"
	}
	return p
}

// Report is what the guard found in one plan.
type Report struct {
	Plan string `json:"plan"`
	// Account is the account the guard took the plan to deploy into, and AccountSource why.
	Account       string    `json:"account"`
	AccountSource string    `json:"account_source"`
	Findings      []Finding `json:"findings"`
	// Access is what the plan changes in each principal's access (Diff), when the run listed
	// it (CheckWithDiff: AccessListed); the text, JSON and Markdown reports then show it.
	Access       []PrincipalDiff `json:"access_changes,omitempty"`
	AccessListed bool            `json:"-"`
}

// Failed reports whether some finding is at or above failOn; waived and baselined findings
// do not fail.
func (r *Report) Failed(failOn Level) bool {
	for _, f := range r.Findings {
		if f.Level >= failOn && f.Waived == "" && !f.Baselined {
			return true
		}
	}
	return false
}

// Count returns the number of findings at each level.
func (r *Report) Count() map[Level]int {
	out := make(map[Level]int)
	for _, f := range r.Findings {
		out[f.Level]++
	}
	return out
}

// sortFindings orders findings by level (most serious first), address, code and principal,
// so that reports are stable.
func sortFindings(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.Level != b.Level {
			return a.Level > b.Level
		}
		if a.Address != b.Address {
			return a.Address < b.Address
		}
		if a.Code != b.Code {
			return a.Code < b.Code
		}
		return a.Principal < b.Principal
	})
}
