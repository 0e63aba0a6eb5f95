package validate

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/iamguard/terraform-provider-iam/internal/catalog"
	"github.com/iamguard/terraform-provider-iam/internal/evaluator"
)

// TestValidatePolicyCases runs the hand-written invalid and risky policies of testdata/cases,
// each with every finding it must produce; a finding that is not listed fails the case too, so
// the cases also guard against false positives. Lines and columns point at the element at fault
// (the opening quote of a value or key, the brace of a statement).
func TestValidatePolicyCases(t *testing.T) {
	cases, errs := readValidateCases()
	for _, err := range errs {
		t.Error(err)
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := ValidatePolicy([]byte(tc.policy), ValidateOptions{Type: tc.typ, ResourceType: tc.resourceType})
			var gotKeys, wantKeys []string
			for _, f := range got {
				gotKeys = append(gotKeys, wantFinding{code: f.Code, path: f.Path, line: f.Line, column: f.Column}.String())
				if f.Message == "" {
					t.Errorf("%s: %s at %s has no message", tc.file, f.Code, f.Path)
				}
			}
			for _, w := range tc.want {
				wantKeys = append(wantKeys, w.String())
			}
			slices.Sort(gotKeys)
			slices.Sort(wantKeys)
			if !slices.Equal(gotKeys, wantKeys) {
				t.Errorf("%s: findings differ\ngot:\n  %s\nwant:\n  %s\nmessages:\n%s", tc.file, strings.Join(gotKeys, "\n  "), strings.Join(wantKeys, "\n  "), describeFindings(got))
			}
			for _, w := range tc.want {
				for _, f := range got {
					if f.Code != w.code || f.Path != w.path || f.Line != w.line || f.Column != w.column {
						continue
					}
					if want := validationCodeByName[w.code].SeverityFor(tc.typ); f.Severity != want {
						t.Errorf("%s:%d: %s: severity %s, want %s", tc.file, w.at, w, f.Severity, want)
					}
				}
			}
		})
	}
}

func describeFindings(fs []Finding) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "  %d:%d %s %s %s: %s\n", f.Line, f.Column, f.Severity, f.Code, f.Path, f.Message)
	}
	return b.String()
}

// Every code of the table is produced by some hand-written case (testdata/cases) or by the tests
// below, and every code a case expects is in the table.
func TestValidationCodesCovered(t *testing.T) {
	// TestValidateSizeLimits, TestValidateOptions, TestValidateVariables, TestValidateSetQualifierSeverities.
	covered := map[string]bool{"POLICY_TOO_LARGE": true, "INVALID_OPTIONS": true, "UNKNOWN_VARIABLE": true, "SET_OPERATOR_ON_SINGLE_VALUED_KEY": true}
	for _, tc := range validateCases(t) {
		for _, w := range tc.want {
			if _, ok := validationCodeByName[w.code]; !ok {
				t.Errorf("%s:%d: the case expects %s, which is not in validationCodes", tc.file, w.at, w.code)
			}
			covered[w.code] = true
		}
	}
	for _, c := range validationCodes {
		if !covered[c.Code] {
			t.Errorf("no test produces %s", c.Code)
		}
		if c.Summary == "" || c.Severity.rank() == 0 {
			t.Errorf("%s: missing summary or severity", c.Code)
		}
	}
	if len(validationCodeByName) != len(validationCodes) {
		t.Errorf("validationCodes has repeated codes")
	}
}

func TestValidateOptions(t *testing.T) {
	doc := []byte(`{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}}`)
	for _, opts := range []ValidateOptions{
		{Type: "USER"},
		{Type: PolicyTypeResource, ResourceType: "AWS::S3::Bukket"},
		{Type: PolicyTypeIdentity, ResourceType: "AWS::S3::Bucket"},
	} {
		got := ValidatePolicy(doc, opts)
		if len(got) != 1 || got[0].Code != "INVALID_OPTIONS" || got[0].Severity != SeverityError {
			t.Errorf("%+v: got %v, want one INVALID_OPTIONS error", opts, got)
		}
	}
	// Types are read in any case, and the trust resource type makes a TRUST policy.
	trust := []byte(`{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}}`)
	for _, opts := range []ValidateOptions{
		{Type: "trust"},
		{Type: PolicyTypeResource, ResourceType: "aws::iam::assumerolepolicydocument"},
	} {
		if got := ValidatePolicy(trust, opts); len(got) != 0 {
			t.Errorf("%+v: got %v, want no finding", opts, got)
		}
	}
}

// Each policy type has its size quota, counted as the quota says: white space is not counted
// for the IAM policy types, counted for SCPs, RCPs and session policies, and resource policies
// count bytes.
func TestValidateSizeLimits(t *testing.T) {
	// policyOfSize builds a valid policy whose text is n characters, with about spaces
	// characters of white space between elements.
	policyOfSize := func(n, spaces int, principal string) string {
		head := `{"Version":"2012-10-17",` + strings.Repeat(" ", spaces) + `"Statement":[{"Sid":"`
		tail := `","Effect":"Deny",` + principal + `"Action":"s3:GetObject","Resource":"*"}]}`
		pad := n - len(head) - len(tail)
		if pad < 1 {
			t.Fatalf("size %d too small", n)
		}
		return head + strings.Repeat("A", pad) + tail
	}
	cases := []struct {
		typ          PolicyType
		resourceType string
		principal    string
		limit        int
		spaceCounts  bool
	}{
		{PolicyTypeIdentity, "", "", 6144, false},
		{PolicyTypePermissionsBoundary, "", "", 6144, false},
		{PolicyTypeSCP, "", "", 10240, true},
		{PolicyTypeRCP, "", `"Principal":"*",`, 5120, true},
		{PolicyTypeSession, "", "", 2048, true},
		{PolicyTypeTrust, "", `"Principal":{"Service":"ec2.amazonaws.com"},`, 2048, false},
		{PolicyTypeResource, "AWS::SQS::Queue", `"Principal":"*",`, 8192, true},
		{PolicyTypeResource, "AWS::S3::Bucket", `"Principal":"*",`, 20480, true},
	}
	for _, c := range cases {
		tooLarge := func(doc string) bool {
			for _, f := range ValidatePolicy([]byte(doc), ValidateOptions{Type: c.typ, ResourceType: c.resourceType}) {
				if f.Code == "POLICY_TOO_LARGE" {
					if !sizeMessageRE.MatchString(f.Message) {
						t.Errorf("%s: POLICY_TOO_LARGE message %q is not of the form %s", c.typ, f.Message, sizeMessageRE)
					}
					if f.AWSIssueCode != sizeIssueCodes[c.typ] || (f.AWSIssueCode == "") != (c.typ == PolicyTypeSession) {
						t.Errorf("%s: POLICY_TOO_LARGE has the issue code %q, want %q", c.typ, f.AWSIssueCode, sizeIssueCodes[c.typ])
					}
					if f.Line != 1 || f.Column != 1 || f.Path != "" {
						t.Errorf("%s: POLICY_TOO_LARGE at %d:%d %q, want 1:1 of the document", c.typ, f.Line, f.Column, f.Path)
					}
					return true
				}
			}
			return false
		}
		if tooLarge(policyOfSize(c.limit, 0, c.principal)) {
			t.Errorf("%s %s: a policy of exactly %d characters is reported too large", c.typ, c.resourceType, c.limit)
		}
		if !tooLarge(policyOfSize(c.limit+1, 0, c.principal)) {
			t.Errorf("%s %s: a policy of %d characters is not reported", c.typ, c.resourceType, c.limit+1)
		}
		// At the limit without white space, plus 100 spaces.
		spaced := policyOfSize(c.limit+100, 100, c.principal)
		if got := tooLarge(spaced); got != c.spaceCounts {
			t.Errorf("%s %s: white space counted = %t, want %t", c.typ, c.resourceType, got, c.spaceCounts)
		}
	}
	// AWS's own managed policies are not bound by the quota: a warning that says so.
	managedTooLarge := false
	for _, f := range ValidatePolicy([]byte(policyOfSize(6145, 0, "")), ValidateOptions{Type: PolicyTypeIdentity, AWSManaged: true}) {
		if f.Code != "POLICY_TOO_LARGE" {
			continue
		}
		managedTooLarge = true
		if f.Severity != SeverityWarning || !strings.HasSuffix(f.Message, "not AWS's own") {
			t.Errorf("AWS managed: %s %s", f.Severity, f.Message)
		}
	}
	if !managedTooLarge {
		t.Errorf("AWS managed: no POLICY_TOO_LARGE for 6,145 characters")
	}
	// Resource policies of an unknown resource type have no quota to check.
	if got := ValidatePolicy([]byte(policyOfSize(40000, 0, `"Principal":"*",`)), ValidateOptions{Type: PolicyTypeResource}); slices.ContainsFunc(got, func(f Finding) bool { return f.Code == "POLICY_TOO_LARGE" }) {
		t.Errorf("a resource policy without resource type got POLICY_TOO_LARGE")
	}
}

// sizeMessageRE is the sentence a POLICY_TOO_LARGE message starts with: "the policy is 7,105
// characters long, not counting white space; the managed policy quota is 6,144 characters:
// ...".
var sizeMessageRE = regexp.MustCompile(`^the policy is [1-9][0-9]{0,2}(,[0-9]{3})* (characters|bytes) long(, not counting white space|, white space included)?; the [A-Za-z0-9: ]+ quota is [1-9][0-9]{0,2}(,[0-9]{3})* (characters|bytes)( \([A-Za-z0-9, ]+\))?: [a-z]`)

// Every AWS managed policy, validated as AWS's own (ValidateManagedPolicy), has no ERROR
// finding: AWS accepts these policies, and the rules they break (the size quota, actions,
// keys and ARN formats the reference no longer lists) bind customers only. Validated as a
// customer's identity policy, the same documents may have ERROR findings of those rules only;
// POLICY_TOO_LARGE must fire exactly for the policies longer than 6,144 characters without
// white space.
func TestValidateManagedPolicies(t *testing.T) {
	if testing.Short() {
		t.Skip("validates every AWS managed policy")
	}
	arns := catalog.ManagedPolicyARNs()
	if len(arns) < 1000 {
		t.Fatalf("only %d managed policies in the catalogue", len(arns))
	}
	tooLarge := 0
	customerErrors := map[string]int{}
	for _, arn := range arns {
		mp, _ := catalog.ManagedPolicyByARN(arn)
		p, err := evaluator.ParsePolicy([]byte(mp.Document))
		if err != nil {
			t.Errorf("%s does not parse: %v", mp.Name, err)
			continue
		}
		own, err := ValidateManagedPolicy(arn, ValidateOptions{Type: PolicyTypeIdentity})
		if err != nil {
			t.Fatalf("%s: %v", arn, err)
		}
		for _, f := range own {
			if f.Severity == SeverityError {
				t.Errorf("%s as AWS's own: %d:%d %s %s: %s", mp.Name, f.Line, f.Column, f.Code, f.Path, f.Message)
			}
		}
		reportedSize := false
		for _, f := range ValidatePolicy([]byte(mp.Document), ValidateOptions{Type: PolicyTypeIdentity}) {
			reportedSize = reportedSize || f.Code == "POLICY_TOO_LARGE"
			if f.Severity != SeverityError {
				continue
			}
			customerErrors[f.Code]++
			if !validationCodeByName[f.Code].CustomerOnly {
				t.Errorf("%s as a customer policy: %d:%d %s %s: %s", mp.Name, f.Line, f.Column, f.Code, f.Path, f.Message)
			}
		}
		if want := p.SizeNoSpace > 6144; reportedSize != want {
			t.Errorf("%s: %d characters without white space, POLICY_TOO_LARGE = %t", mp.Name, p.SizeNoSpace, reportedSize)
		}
		if reportedSize {
			tooLarge++
		}
	}
	t.Logf("%d managed policies, %d of them over the customer managed policy quota; errors if a customer wrote them: %v", len(arns), tooLarge, customerErrors)
}

// A sample of managed policies gets the security findings its content calls for, and no absurd
// one: read-only and scoped policies get no security warning.
func TestValidateManagedPolicySamples(t *testing.T) {
	codes := func(name string) map[string]int {
		mp, ok := catalog.ManagedPolicyByName(name)
		if !ok {
			t.Fatalf("no managed policy %s", name)
		}
		m := map[string]int{}
		for _, f := range ValidatePolicy([]byte(mp.Document), ValidateOptions{Type: PolicyTypeIdentity}) {
			m[f.Code]++
			if f.Severity == SeveritySecurityWarning {
				m["security"]++
			}
		}
		return m
	}
	if c := codes("AdministratorAccess"); c["FULL_ADMIN"] != 1 || c["security"] != 1 {
		t.Errorf("AdministratorAccess: %v, want exactly one FULL_ADMIN", c)
	}
	if c := codes("PowerUserAccess"); c["ALLOW_WITH_NOT_ACTION"] != 1 {
		t.Errorf("PowerUserAccess: %v, want ALLOW_WITH_NOT_ACTION", c)
	}
	if c := codes("AmazonS3FullAccess"); c["FULL_SERVICE_ACCESS"] < 1 {
		t.Errorf("AmazonS3FullAccess: %v, want FULL_SERVICE_ACCESS", c)
	}
	if c := codes("IAMFullAccess"); c["FULL_SERVICE_ACCESS"] != 1 || c["PASS_ROLE_ON_ALL_RESOURCES"] != 1 {
		t.Errorf("IAMFullAccess: %v, want FULL_SERVICE_ACCESS and PASS_ROLE_ON_ALL_RESOURCES", c)
	}
	for _, name := range []string{"ReadOnlyAccess", "AmazonS3ReadOnlyAccess", "AWSLambdaBasicExecutionRole", "AmazonEC2ReadOnlyAccess", "IAMReadOnlyAccess", "SecurityAudit", "ViewOnlyAccess"} {
		if c := codes(name); c["security"] != 0 {
			t.Errorf("%s: %v, want no security warning", name, c)
		}
	}
}

func TestSeverityOrder(t *testing.T) {
	for i, s := range Severities {
		for j, threshold := range Severities {
			if got, want := s.AtLeast(threshold), i <= j; got != want {
				t.Errorf("%s.AtLeast(%s) = %t, want %t", s, threshold, got, want)
			}
		}
		if got, ok := ParseSeverity(strings.ToLower(string(s))); !ok || got != s {
			t.Errorf("ParseSeverity(%q) = %q, %t", strings.ToLower(string(s)), got, ok)
		}
	}
	if Severity("NONE").AtLeast(SeveritySuggestion) {
		t.Errorf("an unknown severity is at least SUGGESTION")
	}
	if _, ok := ParseSeverity("none"); ok {
		t.Errorf("ParseSeverity accepts none")
	}
	for _, typ := range PolicyTypes {
		if got, ok := ParsePolicyType(strings.ToLower(string(typ))); !ok || got != typ {
			t.Errorf("ParsePolicyType(%q) = %q, %t", strings.ToLower(string(typ)), got, ok)
		}
	}
}

// Findings come sorted by place, then severity, then code.
func TestValidateFindingsSorted(t *testing.T) {
	for _, tc := range validateCases(t) {
		got := ValidatePolicy([]byte(tc.policy), ValidateOptions{Type: tc.typ, ResourceType: tc.resourceType})
		if !slices.IsSortedFunc(got, func(a, b Finding) int {
			if a.Line != b.Line {
				return a.Line - b.Line
			}
			if a.Column != b.Column {
				return a.Column - b.Column
			}
			if a.Severity != b.Severity {
				return b.Severity.rank() - a.Severity.rank()
			}
			return strings.Compare(a.Code, b.Code)
		}) {
			t.Errorf("%s: findings not sorted:\n%s", tc.name, describeFindings(got))
		}
	}
}

func BenchmarkValidateReadOnlyAccess(b *testing.B) {
	mp, ok := catalog.ManagedPolicyByName("ReadOnlyAccess")
	if !ok {
		b.Fatal("no ReadOnlyAccess")
	}
	doc := []byte(mp.Document)
	ValidatePolicy(doc, ValidateOptions{Type: PolicyTypeIdentity}) // load the catalogue parts once
	b.ReportAllocs()
	b.SetBytes(int64(len(doc)))
	for b.Loop() {
		ValidatePolicy(doc, ValidateOptions{Type: PolicyTypeIdentity})
	}
}

// BenchmarkValidateTypical validates a small policy of the size most are: a few statements
// with ARNs and conditions (testdata/cases/identity-policy-without-findings.txtar).
func BenchmarkValidateTypical(b *testing.B) {
	var doc []byte
	for _, tc := range validateCases(b) {
		if tc.name == "identity-policy-without-findings" {
			doc = []byte(tc.policy)
		}
	}
	if doc == nil {
		b.Fatal("no case identity-policy-without-findings")
	}
	ValidatePolicy(doc, ValidateOptions{Type: PolicyTypeIdentity})
	b.ReportAllocs()
	for b.Loop() {
		ValidatePolicy(doc, ValidateOptions{Type: PolicyTypeIdentity})
	}
}

// BenchmarkValidateAllManagedPolicies validates every AWS managed policy once per iteration.
func BenchmarkValidateAllManagedPolicies(b *testing.B) {
	var docs [][]byte
	for _, arn := range catalog.ManagedPolicyARNs() {
		mp, _ := catalog.ManagedPolicyByARN(arn)
		docs = append(docs, []byte(mp.Document))
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, doc := range docs {
			ValidatePolicy(doc, ValidateOptions{Type: PolicyTypeIdentity})
		}
	}
}

// Messages of likely typos name the nearest correct spelling.
func TestValidateSuggestions(t *testing.T) {
	doc := `{"Version": "2012-10-17", "Statement": {"Sid": "read only", "Effect": "Allow",
  "Action": ["s3:GetObjekt", "s4:GetObject", " s3:PutObject"], "Resource": "*",
  "Condition": {"StringEqualz": {"aws:username": "a"}, "IpAddress": {"aws:SourceIpp": "10.0.0.0/8"}}}}`
	want := map[string]string{
		"INVALID_SID":                  `write it as, for example, "ReadOnly"`,
		"UNKNOWN_ACTION":               "did you mean s3:GetObject?",
		"UNKNOWN_SERVICE":              `did you mean "s3"?`,
		"INVALID_CONDITION_OPERATOR":   "did you mean StringEquals?",
		"UNKNOWN_GLOBAL_CONDITION_KEY": "did you mean aws:SourceIp?",
	}
	whiteSpace := false
	for _, f := range ValidatePolicy([]byte(doc), ValidateOptions{Type: PolicyTypeIdentity}) {
		if f.Code == "INVALID_ACTION" && strings.Contains(f.Message, "remove the white space") {
			whiteSpace = true
			continue
		}
		if w, ok := want[f.Code]; ok {
			if !strings.Contains(f.Message, w) {
				t.Errorf("%s: %q does not say %q", f.Code, f.Message, w)
			}
			delete(want, f.Code)
		}
	}
	for code := range want {
		t.Errorf("no %s finding", code)
	}
	if !whiteSpace {
		t.Errorf("\" s3:PutObject\" is not reported as white space")
	}
}

// The severities follow Access Analyzer's policy checks: a customer's unknown action, service,
// key or misplaced ARN region is an ERROR with Access Analyzer's issue code and a link to the
// guide; the same finding in an AWS managed policy is a WARNING when the rule binds customers
// only, and stays an ERROR otherwise.
func TestValidateSeveritiesAsAccessAnalyzer(t *testing.T) {
	doc := []byte(`{"Statement": {"Effect": "Allow", "Action": ["s3:GetObjekt", "s4:GetObject"],
  "Resource": ["arn:aws:s3:us-east-1::reports/*", "arn:aws:s3:::${aws:username}/*"],
  "Condition": {"IpAddress": {"aws:SourceIpAddress": "203.0.113.0/24"}}}}`)
	want := map[string]struct {
		aws, says    string
		customerOnly bool
	}{
		"UNKNOWN_ACTION":               {"INVALID_ACTION", "did you mean s3:GetObject?", true},
		"UNKNOWN_SERVICE":              {"INVALID_SERVICE_IN_ACTION", `did you mean "s3"?`, true},
		"ARN_REGION_NOT_ALLOWED":       {"ARN_REGION_NOT_ALLOWED", `write "arn:aws:s3:::reports/*"`, false},
		"VARIABLE_WITHOUT_VERSION":     {"VARIABLE_UNSUPPORTED_IN_VERSION", "literal", false},
		"UNKNOWN_GLOBAL_CONDITION_KEY": {"INVALID_GLOBAL_CONDITION_KEY", "did you mean aws:SourceIp?", true},
	}
	for _, managed := range []bool{false, true} {
		seen := map[string]bool{}
		for _, f := range ValidatePolicy(doc, ValidateOptions{Type: PolicyTypeIdentity, AWSManaged: managed}) {
			w, ok := want[f.Code]
			if !ok {
				continue
			}
			seen[f.Code] = true
			wantSeverity := SeverityError
			if managed && w.customerOnly {
				wantSeverity = SeverityWarning
			}
			if f.Severity != wantSeverity || f.AWSIssueCode != w.aws || !strings.Contains(f.Message, w.says) {
				t.Errorf("AWS managed %t: %s is %s %s %q; want %s, %s, a message saying %q", managed, f.Code, f.Severity, f.AWSIssueCode, f.Message, wantSeverity, w.aws, w.says)
			}
			if f.HelpURI != validationGuideURL+"#"+strings.ToLower(f.Code) {
				t.Errorf("%s: help URI %q", f.Code, f.HelpURI)
			}
		}
		for code := range want {
			if !seen[code] {
				t.Errorf("AWS managed %t: no %s finding", managed, code)
			}
		}
	}
	if _, err := ValidateManagedPolicy("arn:aws:iam::aws:policy/ReadOnlyAccesss", ValidateOptions{Type: PolicyTypeIdentity}); err == nil || !strings.Contains(err.Error(), "not in the catalogue") {
		t.Errorf("ValidateManagedPolicy of an unknown ARN: %v", err)
	}
}

// BenchmarkFindRetiredActionNames scans every AWS managed policy for actions the catalogue does
// not list (done once per process, at the first unknown action), documents already decompressed.
func BenchmarkFindRetiredActionNames(b *testing.B) {
	findRetiredActionNames()
	for b.Loop() {
		findRetiredActionNames()
	}
}
