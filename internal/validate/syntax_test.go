package validate

import "testing"

// A document that does not parse is SYNTAX_ERROR with the issue code of the Access Analyzer
// check that names its defect; text that is not JSON keeps JSON_SYNTAX_ERROR.
func TestValidateSyntaxIssueCodes(t *testing.T) {
	const stmt = `"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"`
	for _, c := range []struct{ doc, awsIssueCode string }{
		{`{"Version": "2012-10-17", "Statement": [}`, "JSON_SYNTAX_ERROR"},
		{`{"Version": "2013-01-01", "Statement": {` + stmt + `}}`, "INVALID_VERSION"},
		{`{"Version": "2012-10-17", "Statment": {` + stmt + `}}`, "INVALID_POLICY_ELEMENT"}, //nolint:misspell // the misspelt element is the test

		{`{"Version": "2012-10-17", "Statement": {"Actions": "s3:GetObject", ` + stmt + `}}`, "INVALID_POLICY_ELEMENT"},
		{`{"Version": "2012-10-17", "Statement": {"Effect": "allow", "Action": "s3:GetObject", "Resource": "*"}}`, "INVALID_EFFECT"},
		{`{"Version": "2012-10-17", "Statement": {"Action": "s3:GetObject", "Resource": "*"}}`, "MISSING_EFFECT"},
		{`{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Resource": "*"}}`, "MISSING_ACTION"},
		{`{"Version": "2012-10-17"}`, "MISSING_STATEMENT"},
		{`{"Version": "2012-10-17", "Statement": {"NotAction": "s3:PutObject", ` + stmt + `}}`, "UNSUPPORTED_ELEMENT_COMBINATION"},
		{`{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": 3, "Resource": "*"}}`, "DATA_TYPE_MISMATCH"},
		{`{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": {"Users": "x"}, "Action": "s3:GetObject", "Resource": "*"}}`, "INVALID_PRINCIPAL_KEY"},
	} {
		var syntax []Finding
		for _, f := range ValidatePolicy([]byte(c.doc), ValidateOptions{Type: PolicyTypeResource}) {
			if f.Code == "SYNTAX_ERROR" {
				syntax = append(syntax, f)
			}
		}
		if len(syntax) != 1 || syntax[0].AWSIssueCode != c.awsIssueCode {
			t.Errorf("%s: %+v, want one SYNTAX_ERROR (%s)", c.doc, syntax, c.awsIssueCode)
		}
	}
}
