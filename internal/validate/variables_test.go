package validate

import (
	"encoding/json"
	"fmt"
	"github.com/iamguard/terraform-provider-iam/internal/evaluator"
	"strings"
	"testing"
)

// findingsOf validates a policy and returns its findings by code (the first of each code).
func findingsOf(t *testing.T, doc string, opts ValidateOptions) map[string]Finding {
	t.Helper()
	out := map[string]Finding{}
	for _, f := range ValidatePolicy([]byte(doc), opts) {
		if _, ok := out[f.Code]; !ok {
			out[f.Code] = f
		}
	}
	return out
}

func identityPolicy(statement string) string {
	return `{"Version": "2012-10-17", "Statement": {` + statement + `}}`
}

// Each malformed placeholder gets INVALID_VARIABLE with Access Analyzer's issue code for its
// defect, in a Resource and in a String condition alike; a placeholder naming a key that does
// not exist is UNKNOWN_VARIABLE; well-formed placeholders of known keys, of provider keys and
// the escapes get neither.
func TestValidateVariables(t *testing.T) {
	cases := []struct {
		variable, code, awsIssueCode string
	}{
		{"${aws:username", "INVALID_VARIABLE", "MISSING_BRACE_IN_VARIABLE"},
		{"${}", "INVALID_VARIABLE", "EMPTY_VARIABLE"},
		{"${ }", "INVALID_VARIABLE", "EMPTY_VARIABLE"},
		{"${, 'x'}", "INVALID_VARIABLE", "EMPTY_VARIABLE"},
		{"${aws:user name}", "INVALID_VARIABLE", "UNSUPPORTED_SPACE_IN_VARIABLE"},
		{"${ aws:username}", "INVALID_VARIABLE", "UNSUPPORTED_SPACE_IN_VARIABLE"},
		{"${aws:user#name}", "INVALID_VARIABLE", "UNSUPPORTED_SYMBOL_IN_VARIABLE"},
		{"${aws:${aws:username}}", "INVALID_VARIABLE", "UNSUPPORTED_SYMBOL_IN_VARIABLE"},
		{"${aws:username, nobody}", "INVALID_VARIABLE", "MISSING_QUOTE_IN_VARIABLE"},
		{"${aws:username, 'nobody}", "INVALID_VARIABLE", "MISSING_QUOTE_IN_VARIABLE"},
		{"${aws:username, 'it's'}", "INVALID_VARIABLE", "MISSING_QUOTE_IN_VARIABLE"},
		{"${aws:username}/${aws:userid", "INVALID_VARIABLE", "MISSING_BRACE_IN_VARIABLE"},
		{"${aws:usrname}", "UNKNOWN_VARIABLE", ""},
		{"${s3:prefx}", "UNKNOWN_VARIABLE", ""},
		{"${aws:PrincipalTagg/team}", "UNKNOWN_VARIABLE", ""},
		// Allowed.
		{"${aws:username}", "", ""},
		{"${aws:username, 'nobody'}", "", ""},
		{"${aws:username,'nobody'}", "", ""},
		{"${aws:PrincipalTag/cost-center}", "", ""},
		{"${aws:PrincipalTag/team}-${aws:userid}", "", ""},
		{"${*}${?}${$}", "", ""},
		{"${cognito-identity.amazonaws.com:sub}", "", ""},
		{"${saml:sub}", "", ""},
		{"${s3:prefix}", "", ""},
	}
	for _, c := range cases {
		for _, doc := range []string{
			identityPolicy(`"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::home/` + c.variable + `"`),
			identityPolicy(`"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::home", "Condition": {"StringLike": {"s3:prefix": "` + c.variable + `/*"}}`),
		} {
			got := findingsOf(t, doc, ValidateOptions{Type: PolicyTypeIdentity})
			for _, code := range []string{"INVALID_VARIABLE", "UNKNOWN_VARIABLE"} {
				f, found := got[code]
				if found != (code == c.code) {
					t.Errorf("%s: %s = %t, want %t (%s)\n%s", c.variable, code, found, !found, f.Message, doc)
					continue
				}
				if found && (f.AWSIssueCode != c.awsIssueCode || f.Severity != SeverityError || !strings.Contains(f.Message, ":")) {
					t.Errorf("%s: %s %s (%s): %s", c.variable, f.Severity, code, f.AWSIssueCode, f.Message)
				}
			}
		}
	}
	// Unknown keys are a question of the catalogue: an AWS managed policy gets a warning.
	doc := identityPolicy(`"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::home/${aws:usrname}"`)
	if f := findingsOf(t, doc, ValidateOptions{Type: PolicyTypeIdentity, AWSManaged: true})["UNKNOWN_VARIABLE"]; f.Severity != SeverityWarning || !strings.Contains(f.Message, "did you mean aws:username?") {
		t.Errorf("AWS managed: %s %s", f.Severity, f.Message)
	}
}

// Variables where AWS does not substitute them: in an action or a principal the element does
// not support them (VARIABLE_UNSUPPORTED_IN_ELEMENT); in a Numeric condition the operator does
// not (INVALID_VARIABLE_FOR_OPERATOR). Under Version 2008-10-17 the text is literal, which is
// VARIABLE_WITHOUT_VERSION where AWS would otherwise substitute.
func TestValidateVariablesNotAllowed(t *testing.T) {
	cases := []struct {
		typ                PolicyType
		statement          string
		code, awsIssueCode string
	}{
		{PolicyTypeIdentity, `"Effect": "Allow", "Action": "s3:${aws:username}", "Resource": "*"`, "VARIABLE_NOT_ALLOWED", "VARIABLE_UNSUPPORTED_IN_ELEMENT"},
		{PolicyTypeIdentity, `"Effect": "Deny", "NotAction": ["s3:GetObject", "${aws:PrincipalTag/allowed}"], "Resource": "*"`, "VARIABLE_NOT_ALLOWED", "VARIABLE_UNSUPPORTED_IN_ELEMENT"},
		{PolicyTypeResource, `"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:user/${aws:username}"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"`, "VARIABLE_NOT_ALLOWED", "VARIABLE_UNSUPPORTED_IN_ELEMENT"},
		{PolicyTypeIdentity, `"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*", "Condition": {"NumericLessThan": {"s3:max-keys": "${aws:MultiFactorAuthAge}"}}`, "VARIABLE_NOT_ALLOWED", "INVALID_VARIABLE_FOR_OPERATOR"},
		{PolicyTypeIdentity, `"Effect": "Allow", "Action": "ec2:*", "Resource": "*", "Condition": {"IpAddress": {"aws:SourceIp": "${aws:PrincipalTag/cidr}"}}`, "VARIABLE_NOT_ALLOWED", "INVALID_VARIABLE_FOR_OPERATOR"},
	}
	for _, c := range cases {
		doc := identityPolicy(c.statement)
		f, ok := findingsOf(t, doc, ValidateOptions{Type: c.typ})[c.code]
		if !ok || f.AWSIssueCode != c.awsIssueCode || f.Severity != SeverityError {
			t.Errorf("%s: got %v (%s), want %s (%s)", c.statement, ok, f.AWSIssueCode, c.code, c.awsIssueCode)
		}
		// Under 2008-10-17 the same text is literal: no VARIABLE_NOT_ALLOWED.
		old := strings.Replace(doc, "2012-10-17", "2008-10-17", 1)
		if _, ok := findingsOf(t, old, ValidateOptions{Type: c.typ})[c.code]; ok {
			t.Errorf("%s under 2008-10-17: %s", c.statement, c.code)
		}
	}
	// Allowed: variables in Resource and in String, Arn and Bool conditions.
	for _, statement := range []string{
		`"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::home/${aws:username}/*"`,
		`"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*", "Condition": {"ArnLike": {"iam:AssociatedResourceArn": "arn:aws:ec2:*:*:instance/${aws:PrincipalTag/instance}"}}`,
		`"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*", "Condition": {"StringEquals": {"s3:prefix": "${aws:username}"}}`,
	} {
		for code, f := range findingsOf(t, identityPolicy(statement), ValidateOptions{Type: PolicyTypeIdentity}) {
			if strings.Contains(code, "VARIABLE") {
				t.Errorf("%s: %s %s", statement, code, f.Message)
			}
		}
	}
}

// An action with a character that no service prefix or action name has is INVALID_ACTION
// (Access Analyzer's INVALID_ACTION), an error even in an AWS managed policy: it is not a
// question of the catalogue's age.
func TestValidateActionCharacters(t *testing.T) {
	for _, action := range []string{"s3:Get Object", " s3:GetObject", "s3:GetObject ", "s3:GetObjéct", "s3:Get/Object", "s3:GetObject,PutObject", "s3:GetObject;", "s$:GetObject"} {
		doc := identityPolicy(fmt.Sprintf(`"Effect": "Allow", "Action": %q, "Resource": "*"`, action))
		for _, managed := range []bool{false, true} {
			got := findingsOf(t, doc, ValidateOptions{Type: PolicyTypeIdentity, AWSManaged: managed})
			f, ok := got["INVALID_ACTION"]
			if !ok || f.Severity != SeverityError || f.AWSIssueCode != "INVALID_ACTION" || !strings.Contains(f.Message, "has the character") {
				t.Errorf("%q (AWS managed %t): %v %s", action, managed, ok, describeFindings(ValidatePolicy([]byte(doc), ValidateOptions{Type: PolicyTypeIdentity})))
			}
			if _, ok := got["UNKNOWN_ACTION"]; ok {
				t.Errorf("%q: UNKNOWN_ACTION besides INVALID_ACTION", action)
			}
		}
	}
	for _, action := range []string{"vpc-lattice:AssociateViaAWSService-EventsAndStates", "s3:Get*", "s3:?etObject", "S3:getobject", "*:Get*"} {
		doc := identityPolicy(fmt.Sprintf(`"Effect": "Allow", "Action": %q, "Resource": "*"`, action))
		if f, ok := findingsOf(t, doc, ValidateOptions{Type: PolicyTypeIdentity})["INVALID_ACTION"]; ok {
			t.Errorf("%q: %s", action, f.Message)
		}
	}
}

// Set qualifiers as Access Analyzer rates them: ForAllValues with a single-valued key is a
// security warning (it is true without the key), ForAnyValue with one only a warning, and a
// multi-valued key without a qualifier an error (MISSING_QUALIFIER), which AWS managed
// policies may have.
func TestValidateSetQualifierSeverities(t *testing.T) {
	cases := []struct {
		effect, condition  string
		code, awsIssueCode string
		severity           Severity
		managedSeverity    Severity
	}{
		{"Allow", `"ForAllValues:StringEquals": {"aws:PrincipalTag/team": "data"}`, "FORALLVALUES_WITH_SINGLE_VALUED_KEY", "FORALLVALUES_WITH_SINGLE_VALUED_KEY", SeveritySecurityWarning, SeveritySecurityWarning},
		{"Deny", `"ForAllValues:StringNotEquals": {"aws:PrincipalTag/team": "data"}`, "FORALLVALUES_WITH_SINGLE_VALUED_KEY", "FORALLVALUES_WITH_SINGLE_VALUED_KEY", SeveritySecurityWarning, SeveritySecurityWarning},
		{"Allow", `"ForAnyValue:StringEquals": {"aws:PrincipalTag/team": "data"}`, "SET_OPERATOR_ON_SINGLE_VALUED_KEY", "", SeverityWarning, SeverityWarning},
		{"Allow", `"StringEquals": {"aws:TagKeys": "team"}`, "MULTI_VALUED_KEY_WITHOUT_SET_OPERATOR", "MISSING_QUALIFIER", SeverityError, SeverityWarning},
	}
	for _, c := range cases {
		doc := identityPolicy(`"Effect": "` + c.effect + `", "Action": "ec2:CreateTags", "Resource": "*", "Condition": {` + c.condition + `}`)
		for _, managed := range []bool{false, true} {
			got := findingsOf(t, doc, ValidateOptions{Type: PolicyTypeIdentity, AWSManaged: managed})
			want := c.severity
			if managed {
				want = c.managedSeverity
			}
			f, ok := got[c.code]
			if !ok || f.Severity != want || f.AWSIssueCode != c.awsIssueCode {
				t.Errorf("%s (AWS managed %t): %v %s %s, want %s %s", c.condition, managed, ok, f.Severity, f.AWSIssueCode, want, c.awsIssueCode)
			}
			// One finding for ForAllValues on a single-valued key, not also FORALLVALUES_WITH_ALLOW.
			if _, dup := got["FORALLVALUES_WITH_ALLOW"]; dup {
				t.Errorf("%s: FORALLVALUES_WITH_ALLOW besides %s", c.condition, c.code)
			}
		}
	}
	// A multi-valued key with its qualifier has none of these findings.
	doc := identityPolicy(`"Effect": "Allow", "Action": "ec2:CreateTags", "Resource": "*", "Condition": {"ForAnyValue:StringEquals": {"aws:TagKeys": "team"}}`)
	for _, c := range cases {
		if _, ok := findingsOf(t, doc, ValidateOptions{Type: PolicyTypeIdentity})[c.code]; ok {
			t.Errorf("ForAnyValue on aws:TagKeys: %s", c.code)
		}
	}
}

// The size quota has Access Analyzer's severity for each policy type: a warning for identity,
// trust and resource policies, an error for SCPs, RCPs and session policies, whose quotas AWS
// enforces whatever the account; and a message that reads as a sentence.
func TestValidateSizeSeverities(t *testing.T) {
	big := func(statement string) string {
		var b strings.Builder
		b.WriteString(`{"Version":"2012-10-17","Statement":[`)
		for i := 0; i < 200; i++ {
			if i > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, `{"Sid":"S%d",%s}`, i, statement)
		}
		b.WriteString("]}")
		return b.String()
	}
	deny := `"Effect":"Deny","Action":"s3:DeleteBucketPolicy","Resource":"arn:aws:s3:::reports-archive-bucket/*"`
	withPrincipal := `"Effect":"Deny","Principal":"*","Action":"s3:DeleteBucketPolicy","Resource":"arn:aws:s3:::reports-archive-bucket/*"`
	trust := `"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"`
	cases := []struct {
		opts     ValidateOptions
		doc      string
		severity Severity
	}{
		{ValidateOptions{Type: PolicyTypeIdentity}, big(deny), SeverityWarning},
		{ValidateOptions{Type: PolicyTypePermissionsBoundary}, big(deny), SeverityWarning},
		{ValidateOptions{Type: PolicyTypeTrust}, big(trust), SeverityWarning},
		{ValidateOptions{Type: PolicyTypeResource, ResourceType: "AWS::SQS::Queue"}, big(withPrincipal), SeverityWarning},
		{ValidateOptions{Type: PolicyTypeSCP}, big(deny), SeverityError},
		{ValidateOptions{Type: PolicyTypeRCP}, big(withPrincipal), SeverityError},
		{ValidateOptions{Type: PolicyTypeSession}, big(deny), SeverityError},
	}
	for _, c := range cases {
		for _, managed := range []bool{false, true} {
			c.opts.AWSManaged = managed
			f, ok := findingsOf(t, c.doc, c.opts)["POLICY_TOO_LARGE"]
			want := c.severity
			if managed {
				want = SeverityWarning
			}
			if !ok || f.Severity != want {
				t.Errorf("%s %s (AWS managed %t): %v %s, want %s", c.opts.Type, c.opts.ResourceType, managed, ok, f.Severity, want)
			}
			if code := validationCodeByName["POLICY_TOO_LARGE"]; !managed && code.SeverityFor(c.opts.Type) != f.Severity {
				t.Errorf("%s: SeverityFor gives %s, the finding %s", c.opts.Type, code.SeverityFor(c.opts.Type), f.Severity)
			}
		}
	}
	// A customer managed policy cannot exceed the managed policy quota: IAM refuses it.
	for _, typ := range []PolicyType{PolicyTypeIdentity, PolicyTypePermissionsBoundary} {
		if f := findingsOf(t, big(deny), ValidateOptions{Type: typ, CustomerManagedPolicy: true})["POLICY_TOO_LARGE"]; f.Severity != SeverityError {
			t.Errorf("%s customer managed policy: %s, want ERROR", typ, f.Severity)
		}
	}
	p, err := evaluator.ParsePolicy([]byte(big(deny)))
	if err != nil {
		t.Fatal(err)
	}
	f := findingsOf(t, big(deny), ValidateOptions{Type: PolicyTypeIdentity})["POLICY_TOO_LARGE"]
	want := fmt.Sprintf("the policy is %s characters long, not counting white space; the managed policy quota is 6,144 characters: split it", GroupDigits(p.SizeNoSpace))
	if !strings.HasPrefix(f.Message, want) {
		t.Errorf("message %q, want it to start with %q", f.Message, want)
	}
}

// scanVariables refuses every placeholder that the engine's parser refuses, so that no value
// the engine cannot read passes validation; and it never panics.
func FuzzScanVariables(f *testing.F) {
	for _, s := range []string{"${aws:username}", "${aws:username, 'x'}", "${", "${}", "${a, }", "${a,'b'c'}", "x${*}${?}${$}y", "${aws:${b}}", "${ a }", "${a,'\u00e9'}"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		keys, issue := scanVariables(s)
		// The engine reads s as a String condition value and as the resource part of an ARN.
		doc, err := json.Marshal(map[string]any{"Version": evaluator.Version2012, "Statement": map[string]any{
			"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::" + s,
			"Condition": map[string]any{"StringLike": map[string]any{"aws:username": s}}}})
		if err != nil {
			t.Fatal(err)
		}
		_, problems, err := evaluator.CompilePolicy(doc)
		if err != nil {
			return // not text the JSON reader takes (invalid UTF-8): no placeholder to judge
		}
		if len(problems) > 0 && issue == nil {
			err := problems[0].Err
			t.Fatalf("%q: the engine refuses it (%v), scanVariables accepts it with keys %q", s, err, keys)
		}
		if issue != nil && (issue.awsIssueCode == "" || issue.message == "") {
			t.Fatalf("%q: issue without code or message: %+v", s, issue)
		}
	})
}
