package validate

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/iamguard/terraform-provider-iam/internal/evaluator"
)

// checkCharacters reports characters IAM does not accept: "The policy document can contain only
// the following Unicode characters: horizontal tab (U+0009), linefeed (U+000A), carriage return
// (U+000D), and characters in the range U+0020 to U+00FF" (IAM quotas page). The raw text is
// checked, as it is sent to AWS: a \u2019 escape is six ASCII characters. Invalid UTF-8 is left
// to the parser, which reports it with its place.
func (v *validator) checkCharacters() {
	line, col := 1, 1
	count := 0
	var first rune
	var firstLine, firstCol int
	for i := 0; i < len(v.doc); {
		r, size := utf8.DecodeRune(v.doc[i:])
		if r == utf8.RuneError && size <= 1 {
			return
		}
		if r != '\t' && r != '\n' && r != '\r' && (r < 0x20 || r > 0xFF) {
			if count == 0 {
				first, firstLine, firstCol = r, line, col
			}
			count++
		}
		if r == '\n' {
			line, col = line+1, 1
		} else {
			col += size
		}
		i += size
	}
	if count == 0 {
		return
	}
	more := ""
	if count > 1 {
		more = fmt.Sprintf(" (and %d more)", count-1)
	}
	v.addAt("INVALID_CHARACTER", "", firstLine, firstCol,
		"the character %U %q%s is not accepted in a policy; IAM allows only tab, line feed, carriage return and U+0020 to U+00FF: replace it (for example a typographic quote by ' or \")",
		first, first, more)
}

// checkDocument runs the checks about the document as a whole.
func (v *validator) checkDocument() {
	p := v.policy
	v.checkSize()
	switch {
	case v.opts.Type == PolicyTypeSCP || v.opts.Type == PolicyTypeRCP:
		if p.Version != evaluator.Version2012 {
			path, pos, got := "", p.Pos, "no Version"
			if p.Version != "" {
				path, pos, got = "Version", p.VersionPos, "Version "+p.Version
			}
			v.add("VERSION_2012_REQUIRED", path, pos, "an %s must use \"Version\": \"2012-10-17\", this one has %s: set the Version element to \"2012-10-17\"", v.opts.Type, got)
		}
	case p.Version == "":
		v.add("MISSING_VERSION", "", p.Pos, "the policy has no Version element, so policy variables are read as literal text: add \"Version\": \"2012-10-17\" as the first element")
	case p.Version == evaluator.Version2008:
		v.add("OLD_VERSION", "Version", p.VersionPos, "Version 2008-10-17 is the legacy policy language, under which policy variables are literal text: use \"2012-10-17\"")
	}
	if len(p.Statements) == 0 {
		path, pos := v.statementElement()
		v.add("EMPTY_STATEMENT_LIST", path, pos, "the Statement array is empty, and AWS rejects a policy without statements: add a statement, or do not attach the policy")
	}
	v.checkSids()
}

// statementElement gives the place of the Statement element's value (needed only for an
// empty array).
func (v *validator) statementElement() (string, evaluator.Position) {
	if v.policy.StatementPos != (evaluator.Position{}) {
		return "Statement", v.policy.StatementPos
	}
	return "", v.policy.Pos
}

// sizeQuota is the size quota of a policy type and the size of the document as it counts.
type sizeQuota struct {
	limit int // 0 when no quota is known
	size  int
	// unit is what is counted, "characters" or "bytes"; counted says how white space counts
	// (", not counting white space"), empty when it is not worth saying.
	unit, counted string
	// name is the quota ("the managed policy quota"); note adds to it, or is empty.
	name, note string
	// fix says how to get under the quota, where splitting the policy is not the way.
	fix string
}

// policySizeQuota gives the size quota of the validator's policy type.
func (v *validator) policySizeQuota() sizeQuota {
	p := v.policy
	const noSpace, withSpace = ", not counting white space", ", white space included"
	switch v.opts.Type {
	case PolicyTypeIdentity, PolicyTypePermissionsBoundary:
		// The managed policy quota. Inline policies share a per-principal quota (user 2,048,
		// group 5,120, role 10,240) that one document alone cannot decide: the guard adds up
		// the SizeNoSpace of each principal's inline policies (internal/guard/quota.go).
		return sizeQuota{limit: 6144, size: p.SizeNoSpace, unit: "characters", counted: noSpace, name: "the managed policy quota"}
	case PolicyTypeTrust:
		return sizeQuota{limit: 2048, size: p.SizeNoSpace, unit: "characters", counted: noSpace, name: "the default role trust policy quota", note: " (a quota increase can raise it to 8,192)",
			fix: "shorten it (a role has one trust policy, and one statement can list several principals), or ask for a quota increase"}
	case PolicyTypeSession:
		return sizeQuota{limit: 2048, size: p.Size, unit: "characters", name: "the session policy quota"}
	case PolicyTypeSCP:
		// AWS Organizations raised the SCP quota from 5,120 to 10,240 characters on 15 May
		// 2026 (https://aws.amazon.com/about-aws/whats-new/2026/05/aws-organizations-increased-scp-quotas/),
		// in every partition. White space counts: the quotas page ("Quotas and service limits
		// for AWS Organizations", orgs_reference_limits) says only the console removes it, and
		// an SDK or CLI call (Terraform) saves the policy "exactly as you provided".
		return sizeQuota{limit: 10240, size: p.Size, unit: "characters", counted: withSpace, name: "the SCP quota", note: " (raised from 5,120 in May 2026)"}
	case PolicyTypeRCP:
		// The RCP quota stayed 5,120 characters (the same quotas page); white space counts as
		// for SCPs.
		return sizeQuota{limit: 5120, size: p.Size, unit: "characters", counted: withSpace, name: "the RCP quota"}
	case PolicyTypeResource:
		if v.resType != nil && v.resType.maxBytes > 0 {
			return sizeQuota{limit: v.resType.maxBytes, size: len(v.doc), unit: "bytes", name: "the " + v.resType.name + " policy quota"}
		}
	}
	return sizeQuota{}
}

// GroupDigits writes n with commas between groups of three digits, as AWS writes quotas.
func GroupDigits(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// sizeIssueCodes are Access Analyzer's size quota checks by policy type.
var sizeIssueCodes = map[PolicyType]string{
	PolicyTypeIdentity:            "POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA",
	PolicyTypePermissionsBoundary: "POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA",
	PolicyTypeTrust:               "POLICY_SIZE_EXCEEDS_ROLE_TRUST_POLICY_QUOTA",
	PolicyTypeSCP:                 "POLICY_SIZE_EXCEEDS_SCP_QUOTA",
	PolicyTypeRCP:                 "POLICY_SIZE_EXCEEDS_RCP_QUOTA",
	PolicyTypeResource:            "POLICY_SIZE_EXCEEDS_RESOURCE_POLICY_QUOTA",
}

func (v *validator) checkSize() {
	q := v.policySizeQuota()
	if q.limit > 0 && q.size > q.limit {
		fix := q.fix
		switch {
		case v.opts.AWSManaged:
			fix = "the quota binds the policies customers write, not AWS's own"
		case fix == "":
			fix = "split it into several policies, or shorten it (fewer statements, wildcards such as s3:Get*)"
		}
		v.addIssue("POLICY_TOO_LARGE", sizeIssueCodes[v.opts.Type], "", v.policy.Pos, "the policy is %s %s long%s; %s is %s %s%s: %s",
			GroupDigits(q.size), q.unit, q.counted, q.name, GroupDigits(q.limit), q.unit, q.note, fix)
	}
}

var sidRE = regexp.MustCompile(`^[A-Za-z0-9]*$`)

// checkSids reports Sids used by more than one statement ("In IAM, the Sid value must be unique
// within a JSON policy"; SQS and SNS require it too), and, in the policies IAM stores, Sids with
// characters other than ASCII letters and digits ("The Sid element supports ASCII uppercase
// letters (A-Z), lowercase letters (a-z), and numbers (0-9)"; IAM rejects others). Other
// services accept more characters (S3 bucket policies often have spaces).
func (v *validator) checkSids() {
	iamStored := v.opts.Type == PolicyTypeIdentity || v.opts.Type == PolicyTypePermissionsBoundary || v.opts.Type == PolicyTypeTrust
	first := map[string]*evaluator.Statement{}
	for _, s := range v.policy.Statements {
		if s.Sid == "" {
			continue
		}
		if iamStored && !sidRE.MatchString(s.Sid) {
			v.add("INVALID_SID", s.Path+".Sid", s.SidPos, "the Sid %q has characters other than ASCII letters and digits, which IAM rejects: write it as, for example, %q", s.Sid, sidSuggestion(s.Sid))
		}
		if prev, ok := first[s.Sid]; ok {
			v.add("DUPLICATE_SID", s.Path+".Sid", s.SidPos, "the Sid %q is also used by %s: give each statement its own Sid", s.Sid, prev.Path)
			continue
		}
		first[s.Sid] = s
	}
}

// sidSuggestion turns a Sid into letters and digits: "read-only access" gives "ReadOnlyAccess".
func sidSuggestion(sid string) string {
	var b strings.Builder
	upper := true
	for _, r := range sid {
		switch {
		case r < 0x80 && (r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'):
			if upper && r >= 'a' && r <= 'z' {
				r -= 'a' - 'A'
			}
			b.WriteRune(r)
			upper = false
		default:
			upper = true
		}
	}
	if b.Len() == 0 {
		return "Statement1"
	}
	return b.String()
}

// checkStatement runs the checks of one statement.
func (v *validator) checkStatement(s *evaluator.Statement) {
	v.checkResourceElement(s)
	v.checkPrincipalElement(s)
	v.checkActions(s)
	v.checkResources(s)
	v.checkConditions(s)
}

// checkResourceElement checks the presence of Resource for the policy type.
func (v *validator) checkResourceElement(s *evaluator.Statement) {
	name := "Resource"
	if s.NotResource {
		name = "NotResource"
	}
	switch {
	case v.opts.Type == PolicyTypeTrust && !s.NoResource:
		v.add("RESOURCE_NOT_ALLOWED", s.Path+"."+name, s.ElementPos[name], "a role trust policy may not have %s (it always applies to the role itself): remove the element", name)
	case v.opts.Type != PolicyTypeTrust && s.NoResource && (v.resType == nil || !v.resType.implicitResource):
		v.add("MISSING_RESOURCE", s.Path, s.Pos, "the statement has neither Resource nor NotResource: add \"Resource\" with the ARNs it applies to, or \"*\"")
	case !s.NoResource && len(s.Resources) == 0:
		v.add("EMPTY_RESOURCE_LIST", s.Path+"."+name, s.ElementPos[name], "%s is an empty array, which AWS rejects: list at least one ARN, or \"*\"", name)
	}
}

// checkPrincipalElement checks Principal and NotPrincipal for the policy type, and the form
// of each principal.
func (v *validator) checkPrincipalElement(s *evaluator.Statement) {
	pr := s.Principal
	t := v.opts.Type
	switch t {
	case PolicyTypeIdentity, PolicyTypePermissionsBoundary, PolicyTypeSCP, PolicyTypeSession:
		if pr != nil {
			name := principalElementName(pr)
			v.add("PRINCIPAL_NOT_ALLOWED", pr.Path, s.ElementPos[name], "%s is not allowed in %s: the policy applies to the principal it is attached to; remove the element", name, policyTypePhrase(t))
		}
		return
	}
	if pr == nil {
		v.add("MISSING_PRINCIPAL", s.Path, s.Pos, "%s needs a Principal in every statement: add \"Principal\" naming who the statement applies to%s", policyTypePhrase(t), rcpPrincipalHint(t))
		return
	}
	if pr.Not && (t == PolicyTypeTrust || t == PolicyTypeRCP) {
		v.add("NOTPRINCIPAL_NOT_ALLOWED", pr.Path, s.ElementPos["NotPrincipal"], "NotPrincipal is not supported in %s: use Principal, with conditions such as aws:PrincipalArn to exclude callers", policyTypePhrase(t))
		return
	}
	if t == PolicyTypeRCP {
		if !pr.Wildcard {
			v.add("RCP_PRINCIPAL_NOT_WILDCARD", pr.Path, pr.Pos, "in an RCP the Principal must be \"*\": write \"Principal\": \"*\" and narrow the callers with conditions (aws:PrincipalOrgID, aws:PrincipalAccount, ...)")
		}
		if s.Effect == evaluator.EffectAllow && !isRCPFullAccess(s) {
			v.add("RCP_ALLOW_NOT_ALLOWED", s.Path+".Effect", s.ElementPos["Effect"], "an RCP may only deny: Allow is reserved for the AWS-managed RCPFullAWSAccess; rewrite the statement as a Deny of what must not happen")
		}
	}
	v.checkPrincipalValues(pr)
}

func principalElementName(pr *evaluator.Principal) string {
	if pr.Not {
		return "NotPrincipal"
	}
	return "Principal"
}

func rcpPrincipalHint(t PolicyType) string {
	if t == PolicyTypeRCP {
		return " (in an RCP, \"Principal\": \"*\")"
	}
	return ""
}

func policyTypePhrase(t PolicyType) string {
	switch t {
	case PolicyTypeIdentity:
		return "an identity-based policy"
	case PolicyTypeResource:
		return "a resource-based policy"
	case PolicyTypeTrust:
		return "a role trust policy"
	case PolicyTypeSCP:
		return "a service control policy"
	case PolicyTypeRCP:
		return "a resource control policy"
	case PolicyTypePermissionsBoundary:
		return "a permissions boundary"
	case PolicyTypeSession:
		return "a session policy"
	}
	return string(t)
}

// isRCPFullAccess reports whether s is the statement of RCPFullAWSAccess: Allow "*" to "*" on
// "*" with no condition.
func isRCPFullAccess(s *evaluator.Statement) bool {
	return s.Effect == evaluator.EffectAllow && !s.NotAction && len(s.Actions) == 1 && s.Actions[0].Text == "*" &&
		!s.NotResource && len(s.Resources) == 1 && s.Resources[0].Text == "*" &&
		s.Principal != nil && s.Principal.Wildcard && len(s.Conditions) == 0
}

var (
	accountIDRE = regexp.MustCompile(`^[0-9]{12}$`)
	// principalARNRE is an IAM or STS principal ARN: the account is 12 digits, or a name for
	// AWS's own principals (arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity ...).
	principalARNRE = regexp.MustCompile(`^arn:aws[a-z-]*:(iam|sts)::([0-9]{12}|[a-z-]+):.+$`)
	// uniqueIDRE is a unique principal ID, which AWS shows in place of a deleted principal.
	uniqueIDRE = regexp.MustCompile(`^A[A-Z0-9]{15,127}$`)
)

// checkPrincipalValues reports principal values of a form AWS rejects.
func (v *validator) checkPrincipalValues(pr *evaluator.Principal) {
	variables := v.policy.Version == evaluator.Version2012
	check := func(kind string, values []evaluator.Value, valid func(string) bool, expected string) {
		for _, val := range values {
			text := val.Text
			switch {
			case variables && strings.Contains(text, "${"):
				v.add("VARIABLE_NOT_ALLOWED", val.Path, val.Pos, "policy variables are not substituted in a principal (%q): name the principal literally, and use a condition such as aws:PrincipalArn with ${...} instead", text)
			case text == "*" && kind == "AWS":
			case strings.ContainsAny(text, "*?"):
				v.add("INVALID_PRINCIPAL", val.Path, val.Pos, "the %s principal %q has a wildcard, which AWS allows only as the whole value \"*\": name principals exactly, and match patterns with a condition such as ArnLike on aws:PrincipalArn", kind, text)
			case !valid(text):
				v.add("INVALID_PRINCIPAL", val.Path, val.Pos, "the %s principal %q is not valid: expected %s", kind, text, expected)
			}
		}
	}
	check("AWS", pr.AWS, func(s string) bool {
		return accountIDRE.MatchString(s) || principalARNRE.MatchString(s) || uniqueIDRE.MatchString(s)
	}, "\"*\", a 12-digit account ID, or an IAM or STS ARN such as arn:aws:iam::111122223333:role/name")
	check("Service", pr.Service, func(s string) bool {
		return strings.Contains(s, ".") && !strings.ContainsAny(s, " /:")
	}, "a service principal such as lambda.amazonaws.com")
	check("Federated", pr.Federated, func(s string) bool {
		return s != "" && !strings.ContainsAny(s, " ")
	}, "an identity provider ARN or a web identity provider such as cognito-identity.amazonaws.com")
	check("CanonicalUser", pr.CanonicalUser, func(s string) bool {
		return s != "" && !strings.ContainsAny(s, " ")
	}, "a canonical user ID (64 hexadecimal digits)")
}

// checkDuplicateStatements reports statements equal to an earlier one, Sid aside. Each
// statement's canonical text is looked up in a map of the texts seen so far, so the check is
// linear in the number of statements (policies of tens of thousands of statements included).
func (v *validator) checkDuplicateStatements() {
	if len(v.policy.Statements) < 2 {
		return
	}
	first := make(map[string]*evaluator.Statement, len(v.policy.Statements))
	for _, s := range v.policy.Statements {
		k := statementKey(s)
		if prev, ok := first[k]; ok {
			v.add("DUPLICATE_STATEMENT", s.Path, s.Pos, "this statement repeats %s (only the Sid may differ): delete one of them", prev.Path)
			continue
		}
		first[k] = s
	}
}

// statementKey is a canonical text of a statement without its Sid: lists are sorted, actions
// and condition keys lower-cased (they are case-insensitive), and each part is quoted.
func statementKey(s *evaluator.Statement) string {
	var b strings.Builder
	list := func(tag string, values []evaluator.Value, lower bool) {
		texts := make([]string, len(values))
		for i, val := range values {
			texts[i] = val.Text
			if lower {
				texts[i] = strings.ToLower(texts[i])
			}
		}
		sort.Strings(texts)
		texts = compactStrings(texts)
		fmt.Fprintf(&b, "%s%q;", tag, texts)
	}
	fmt.Fprintf(&b, "E%d;NA%t;NR%t;NoR%t;", s.Effect, s.NotAction, s.NotResource, s.NoResource)
	list("A", s.Actions, true)
	list("R", s.Resources, false)
	if pr := s.Principal; pr != nil {
		fmt.Fprintf(&b, "P%t%t;", pr.Not, pr.Wildcard)
		list("PA", pr.AWS, false)
		list("PS", pr.Service, false)
		list("PF", pr.Federated, false)
		list("PC", pr.CanonicalUser, false)
	}
	conds := make([]string, len(s.Conditions))
	for i, c := range s.Conditions {
		values := make([]string, len(c.Values))
		for j, val := range c.Values {
			values[j] = val.Text
		}
		sort.Strings(values)
		conds[i] = fmt.Sprintf("%q%q%q", c.Operator, strings.ToLower(c.Key), compactStrings(values))
	}
	sort.Strings(conds)
	fmt.Fprintf(&b, "C%q", conds)
	return b.String()
}

// compactStrings removes adjacent repeats from a sorted slice.
func compactStrings(s []string) []string {
	out := s[:0]
	for i, x := range s {
		if i == 0 || x != s[i-1] {
			out = append(out, x)
		}
	}
	return out
}
