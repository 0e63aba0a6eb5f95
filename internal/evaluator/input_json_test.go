package evaluator

import (
	"errors"
	"strings"
	"testing"
)

func TestCheckPrincipal(t *testing.T) {
	ok := []struct {
		p    string
		kind PrincipalKind
	}{
		{"anonymous", PrincipalAnonymous},
		{"arn:aws:iam::111122223333:user/alice", PrincipalUser},
		{"arn:aws:iam::111122223333:user/division/team/alice.smith", PrincipalUser},
		{"arn:aws:iam::111122223333:role/app", PrincipalRole},
		{"arn:aws:iam::111122223333:root", PrincipalRoot},
		{"arn:aws-cn:iam::111122223333:role/app", PrincipalRole},
		{"arn:aws:sts::111122223333:assumed-role/app/session@example.com", PrincipalRoleSession},
		{"arn:aws:sts::111122223333:federated-user/bob", PrincipalFederatedUser},
		{"cloudtrail.amazonaws.com", PrincipalService},
		{"logs.eu-west-1.amazonaws.com", PrincipalService},
		{"delivery.logs.amazonaws.com", PrincipalService},
		{"ec2.amazonaws.com.cn", PrincipalService},
		{"alexa-appkit.amazon.com", PrincipalService},
	}
	for _, tt := range ok {
		id, err := CheckPrincipal(tt.p)
		if err != nil || id.Kind != tt.kind {
			t.Errorf("CheckPrincipal(%q) = %v, %v; want kind %v", tt.p, id.Kind, err, tt.kind)
		}
	}
	bad := []struct{ p, want string }{
		{"", "empty"},
		{"*", `write "anonymous"`},
		{"Anonymous", "lower case"},
		{"alice.smith", "neither an ARN nor a service principal"},
		{"arn.aws.iam.111122223333.role.admin", "neither an ARN nor a service principal"},
		{"alice", "neither an ARN nor a service principal"},
		{"CloudTrail.amazonaws.com", "lower case"},
		{"cloud_trail.amazonaws.com", "not a letter, digit or hyphen"},
		{".amazonaws.com", "neither an ARN"},
		{"a..b.amazonaws.com", "label"},
		{"arn:aws:iam::111122223333", "six colon-separated parts"},
		{"arn:aws:iam::11112222333:user/x", "12 digits"},
		{"arn:aws:s3:::bucket", `not a "s3" resource`},
		{"arn:awz:iam::111122223333:user/x", `unknown partition "awz"`},
		{"arn:aws:iam:us-east-1:111122223333:user/x", "empty region"},
		{"arn:aws:iam::111122223333:user/*", "wildcards"},
		{"arn:aws:iam::111122223333:group/g", "expected an IAM user, role or root ARN"},
		{"arn:aws:iam::111122223333:user/", "the name is empty"},
		{"arn:aws:iam::111122223333:user/al ice", "has the character ' '"},
		{"arn:aws:iam::111122223333:role/" + strings.Repeat("r", 65), "IAM allows 1 to 64"},
		{"arn:aws:sts::111122223333:assumed-role/app", "assumed-role/ROLE/SESSION"},
		{"arn:aws:iam::111122223333:saml-provider/corp", "identity provider is not the caller"},
	}
	for _, tt := range bad {
		if _, err := CheckPrincipal(tt.p); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("CheckPrincipal(%q) = %v, want an error containing %q", tt.p, err, tt.want)
		}
	}
}

const (
	inputUser   = `"arn:aws:iam::111122223333:user/alice"`
	inputPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`
)

// caseLine is a valid case with the given request principal and extra top-level fields.
func caseLine(principal, extra string) string {
	return `{"id":"t","request":{"principal":` + principal + `,"action":"s3:GetObject","resource":"arn:aws:s3:::b/k"}` + extra + `}`
}

func checkInputLine(principal, extra string) string {
	return `{"id":"t","request":{"principal":` + principal + `}` + extra + `,"forbid":[{"actions":["iam:*"],"resources":["*"]}]}`
}

// TestParseCaseInputErrors: every malformed case is an *InputError at the right column and
// field, with the message saying what was expected, and never a Go type name.
func TestParseCaseInputErrors(t *testing.T) {
	tests := []struct {
		name, line string
		column     int
		field      string
		want       string
	}{
		{"empty principal", caseLine(`""`, ""), 34, "request.principal", "empty"},
		{"star principal", caseLine(`"*"`, ""), 34, "request.principal", `write "anonymous"`},
		{"dotted name", caseLine(`"alice.smith"`, ""), 34, "request.principal", "neither an ARN nor a service principal"},
		{"ARN typo", caseLine(`"arn.aws.iam.111122223333.role.admin"`, ""), 34, "request.principal", "neither an ARN"},
		{"null principal", caseLine(`null`, ""), 34, "request.principal", "missing"},
		{"missing principal", `{"request":{"action":"s3:GetObject","resource":"*"}}`, 12, "request.principal", "missing"},
		{"number principal", caseLine(`5`, ""), 34, "request.principal", "expected a string"},
		{"identity policies for anonymous", caseLine(`"anonymous"`, `,"identityPolicies":[`+inputPolicy+`]`), 120, "identityPolicies", "anonymous caller"},
		{"boundary for a service", caseLine(`"cloudtrail.amazonaws.com"`, `,"permissionsBoundary":`+inputPolicy), 0, "permissionsBoundary", "the AWS service cloudtrail.amazonaws.com"},
		{"session policy for anonymous", caseLine(`"anonymous"`, `,"sessionPolicy":`+inputPolicy), 0, "sessionPolicy", "no identity policies"},
		{"scps for anonymous", caseLine(`"anonymous"`, `,"scps":[[`+inputPolicy+`]]`), 0, "scps", "no identity policies"},
		{"misspelt boundary", caseLine(inputUser, `,"permissionBoundary":null`), 0, "permissionBoundary", `unknown field; did you mean "permissionsBoundary"?`},
		{"scp", caseLine(inputUser, `,"scp":[]`), 0, "scp", `did you mean "scps"?`},
		{"contxt", `{"request":{"principal":` + inputUser + `,"action":"s3:GetObject","resource":"*","contxt":{}}}`, 0, "request.contxt", `did you mean "context"?`},
		{"unknown field far from any", caseLine(inputUser, `,"zzzzzzzz":1`), 0, "zzzzzzzz", "unknown field; expected one of"},
		{"identityPolicies twice", caseLine(inputUser, `,"identityPolicies":[],"identityPolicies":[]`), 150, "", `duplicate key "identityPolicies" (first at line 1, column 128)`},
		{"field twice in another case", caseLine(inputUser, `,"identityPolicies":[],"IdentityPolicies":[]`), 150, "IdentityPolicies", `field given twice (first as "identityPolicies" at column 128)`},
		{"context key twice in another case", `{"request":{"principal":` + inputUser + `,"action":"s3:GetObject","resource":"*","context":{"aws:SourceIp":"1.2.3.4","aws:sourceip":"5.6.7.8"}}}`, 139, `request.context["aws:sourceip"]`, "compared without regard to case"},
		{"wrong type of a list", caseLine(inputUser, `,"identityPolicies":{}`), 0, "identityPolicies", "expected an array of policy documents, found an empty object"},
		{"wrong type of a level", caseLine(inputUser, `,"scps":[{}]`), 0, "scps[0]", "expected a level"},
		{"wrong type of a string", `{"request":{"principal":` + inputUser + `,"action":["s3:GetObject"],"resource":"*"}}`, 73, "request.action", "expected a string, found array"},
		{"wrong type of a policy", caseLine(inputUser, `,"resourcePolicy":5`), 0, "resourcePolicy", "expected a policy document"},
		{"wrong id", `{"id":{},"request":{}}`, 7, "id", "expected a string or a number"},
		{"text after the object", caseLine(inputUser, "") + ` x`, 0, "", "one case per line"},
		{"two objects", caseLine(inputUser, "") + caseLine(inputUser, ""), 0, "", "one case per line"},
		{"NUL after the object", caseLine(inputUser, "") + "\x00", 128, "", "one case per line"},
		{"invalid UTF-8 in the id", `{"id":"a` + "\xff" + `","request":{}}`, 9, "id", "invalid UTF-8 byte 0xFF"},
		{"invalid UTF-8 in the action", `{"request":{"principal":` + inputUser + `,"action":"s3:Get` + "\xc3" + `","resource":"*"}}`, 80, "request.action", "invalid UTF-8"},
		{"lone surrogate in a context value", `{"request":{"principal":` + inputUser + `,"action":"s3:GetObject","resource":"*","context":{"k":"\udc00"}}}`, 119, `request.context.k`, "unpaired low surrogate"},
		{"byte order mark", "\uFEFF{}", 1, "", "byte order mark"},
		{"not an object", `[1]`, 1, "", "expected a JSON object (a case), found array"},
		{"not JSON", `hello`, 1, "", "expected a JSON object (one case per line), found 'h'"},
		{"policy error inside an object", caseLine(inputUser, `,"identityPolicies":[{"Statement":{"Effect":"Alow"}}]`), 0, "identityPolicies[0].Statement.Effect", `expected "Allow" or "Deny"`},
		{"expected", caseLine(inputUser, `,"expected":"allow"`), 0, "expected", "not a decision"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseCase([]byte(tt.line))
			var ie *InputError
			if !errors.As(err, &ie) {
				t.Fatalf("got %v (%T), want an *InputError", err, err)
			}
			if tt.column > 0 && ie.Column != tt.column || ie.Column == 0 || ie.Field != tt.field || !strings.Contains(ie.Message, tt.want) {
				t.Errorf("got column %d, field %q, message %q; want column %d, field %q, a message containing %q", ie.Column, ie.Field, ie.Message, tt.column, tt.field, tt.want)
			}
			if strings.Contains(ie.Message, "struct") || strings.Contains(ie.Message, "evaluator.") || strings.Contains(ie.Message, "[]string") {
				t.Errorf("message names a Go type: %q", ie.Message)
			}
		})
	}
}

func TestParseAccessCheckInputErrors(t *testing.T) {
	tests := []struct {
		name, line, field, want string
	}{
		{"forbid then FORBID", `{"request":{"principal":` + inputUser + `},"forbid":[],"FORBID":[{"actions":["iam:*"],"resources":["*"]}]}`, "FORBID", `field given twice (first as "forbid"`},
		{"Forbid alone", `{"request":{"principal":` + inputUser + `},"Forbid":[{"actions":["iam:*"],"resources":["*"]}]}`, "Forbid", `did you mean "forbid"?`},
		{"empty principal", checkInputLine(`""`, ""), "request.principal", "empty"},
		{"star", checkInputLine(`"*"`, ""), "request.principal", `write "anonymous"`},
		{"dotted", checkInputLine(`"alice.smith"`, ""), "request.principal", "neither an ARN"},
		{"identity policies for a service", checkInputLine(`"cloudtrail.amazonaws.com"`, `,"identityPolicies":[`+inputPolicy+`]`), "identityPolicies", "the AWS service"},
		{"require principal anonymous with identity policies", `{"request":{"principal":` + inputUser + `},"identityPolicies":[` + inputPolicy + `],"require":[{"principal":"anonymous","action":"s3:GetObject","resource":"*"}]}`, "identityPolicies", "require[0].principal is an anonymous caller"},
		{"require principal typo", `{"request":{"principal":` + inputUser + `},"require":[{"principal":"bob.smith","action":"s3:GetObject","resource":"*"}]}`, "require[0].principal", "neither an ARN"},
		{"resource pattern twice", `{"request":{"principal":` + inputUser + `},"resourcePolicies":{"arn:aws:s3:::b":` + inputPolicy + `,"arn:aws:s3:::b":` + inputPolicy + `},"forbid":[{"actions":["iam:*"],"resources":["*"]}]}`, "resourcePolicies", "duplicate key"},
		{"forbid actions not an array", checkInputLine(inputUser, `,"require":[]`) + ``, "", ""},
		{"principal tag twice", `{"request":{"principal":` + inputUser + `,"principalTags":{"team":"a","Team":"b"}},"forbid":[{"actions":["iam:*"],"resources":["*"]}]}`, `request.principalTags["Team"]`, "compared without regard to case"},
		{"principal tag not a string", `{"request":{"principal":` + inputUser + `,"principalTags":{"team":1}},"forbid":[{"actions":["iam:*"],"resources":["*"]}]}`, `request.principalTags["team"]`, "expected a string (the tag's value), found number 1"},
		{"misspelt forbid field", `{"request":{"principal":` + inputUser + `},"forbid":[{"action":["iam:*"],"resources":["*"]}]}`, "forbid[0].action", `did you mean "actions"?`},
		{"forbid resources element", `{"request":{"principal":` + inputUser + `},"forbid":[{"actions":["iam:*"],"resources":[1]}]}`, "forbid[0].resources[0]", "expected a string"},
		{"require wrong type", `{"request":{"principal":` + inputUser + `},"require":[{"action":"s3:GetObject","resource":"*","resourceAccount":111122223333}]}`, "require[0].resourceAccount", "expected a string, found number 111122223333"},
		{"expected is not a check field", checkInputLine(inputUser, `,"expected":"Allow"`), "expected", "unknown field"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseAccessCheck([]byte(tt.line))
			if tt.want == "" { // a valid line: the table's control
				if err != nil {
					t.Fatalf("valid check: %v", err)
				}
				return
			}
			var ie *InputError
			if !errors.As(err, &ie) {
				t.Fatalf("got %v (%T), want an *InputError", err, err)
			}
			if ie.Field != tt.field || !strings.Contains(ie.Message, tt.want) || ie.Column == 0 {
				t.Errorf("got column %d, field %q, message %q; want field %q and a message containing %q", ie.Column, ie.Field, ie.Message, tt.field, tt.want)
			}
		})
	}
}

// The people's fields, a BOM-less valid case with every kind of field, and null for the
// optional policies are accepted as before.
func TestParseCaseAccepts(t *testing.T) {
	line := `{"id":12,"source":"x","reason":"y","notes":["z"],"description":{},"request":{"principal":"anonymous","action":"s3:GetObject","resource":"arn:aws:s3:::b/k","resourceAccount":"111122223333","context":{"aws:SourceIp":"1.2.3.4","aws:TagKeys":["a","b"],"n":5,"b":true}},` +
		`"identityPolicies":[],"resourcePolicy":` + inputPolicy + `,"permissionsBoundary":null,"sessionPolicy":null,"scps":null,"rcps":[["` + strings.ReplaceAll(inputPolicy, `"`, `\"`) + `"]],"expected":"Allow"}`
	c, err := ParseCase([]byte(line))
	if err != nil {
		t.Fatal(err)
	}
	if c.ID != "12" || c.Request.Principal != "anonymous" || c.Policies.Resource == nil || len(c.Policies.RCPs) != 1 || c.Expected != Allow {
		t.Errorf("case %+v", c)
	}
	if v, ok := c.Request.Context.Lookup("n"); !ok || v.Values[0] != "5" {
		t.Errorf("context n = %+v", v)
	}
	if v, ok := c.Request.Context.Lookup("aws:TagKeys"); !ok || !v.Multi || len(v.Values) != 2 {
		t.Errorf("context aws:TagKeys = %+v", v)
	}
}

func TestPolicySizeLimit(t *testing.T) {
	line := caseLine(inputUser, `,"identityPolicies":[`+inputPolicy+`]`)
	if _, err := ParseCaseLimits([]byte(line), InputLimits{MaxPolicyBytes: len(inputPolicy)}); err != nil {
		t.Fatalf("a policy at the limit: %v", err)
	}
	_, err := ParseCaseLimits([]byte(line), InputLimits{MaxPolicyBytes: len(inputPolicy) - 1})
	var ie *InputError
	if !errors.As(err, &ie) || ie.Field != "identityPolicies[0]" || !strings.Contains(ie.Message, "more than the limit") {
		t.Errorf("a policy over the limit: %v", err)
	}
}

func TestCaseID(t *testing.T) {
	for line, want := range map[string]string{
		`{"id":"a","x":1} {"id":"b"}`: `"a"`,
		`{"id":7}` + "\x00":           `7`,
		`{"id":{"x":1}}`:              `null`,
		`not json`:                    `null`,
		`{"request":{}}`:              `null`,
	} {
		if got := string(CaseID([]byte(line))); got != want {
			t.Errorf("CaseID(%q) = %s, want %s", line, got, want)
		}
	}
}
