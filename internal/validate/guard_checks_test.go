package validate

import (
	"github.com/iamguard/terraform-provider-iam/internal/evaluator"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// codesAt lists the findings as "CODE path", sorted.
func codesAt(fs []Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Code+" "+f.Path)
	}
	slices.Sort(out)
	return out
}

func TestValidatePassRoleOnEveryRole(t *testing.T) {
	cases := []struct {
		name, statements string
		want             []string // the security findings, "CODE path"
		message          string   // a part of the PASS_ROLE_ON_ALL_RESOURCES message
	}{
		{name: "every role of an account",
			statements: `{"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::111122223333:role/*"}`,
			want:       []string{"PASS_ROLE_ON_ALL_RESOURCES Statement.Resource"}, message: "every role of account 111122223333"},
		{name: "every role of every account, a shorter prefix",
			statements: `{"Effect":"Allow","Action":"iam:Pass*","Resource":["arn:aws:s3:::b","arn:aws:iam::*:role*"]}`,
			want:       []string{"PASS_ROLE_ON_ALL_RESOURCES Statement.Resource[1]"}, message: "every role of every account"},
		{name: "conditions may narrow it",
			statements: `{"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::111122223333:role/*","Condition":{"StringEquals":{"iam:PassedToService":"lambda.amazonaws.com"}}}`,
			want:       []string{"PASS_ROLE_ON_ALL_RESOURCES Statement.Resource"}, message: "(its conditions may narrow it)"},
		{name: "with compute",
			statements: `{"Effect":"Allow","Action":["iam:PassRole","lambda:CreateFunction"],"Resource":"arn:aws:iam::111122223333:role/*"}`,
			want:       []string{"PASS_ROLE_ON_ALL_RESOURCES Statement.Resource", "PASS_ROLE_WITH_COMPUTE Statement.Action[1]"}},
		{name: "roles of a path are named roles",
			statements: `{"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::111122223333:role/app/*"}`},
		{name: "roles of a name prefix are named roles",
			statements: `{"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::111122223333:role/app-*"}`},
		{name: "users are not roles",
			statements: `{"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::111122223333:user/*"}`},
		{name: "another action on every role",
			statements: `{"Effect":"Allow","Action":"iam:GetRole","Resource":"arn:aws:iam::111122223333:role/*"}`},
		{name: "a Deny",
			statements: `{"Effect":"Deny","Action":"iam:PassRole","Resource":"arn:aws:iam::111122223333:role/*"}`},
		{name: "NotAction is its own finding",
			statements: `{"Effect":"Allow","NotAction":"s3:*","Resource":"arn:aws:iam::111122223333:role/*"}`,
			want:       []string{"ALLOW_WITH_NOT_ACTION Statement.NotAction"}},
		{name: "on every resource, the Action value has the finding",
			statements: `{"Effect":"Allow","Action":"iam:PassRole","Resource":["*","arn:aws:iam::111122223333:role/*"]}`,
			want:       []string{"PASS_ROLE_ON_ALL_RESOURCES Statement.Action"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			doc := `{"Version":"2012-10-17","Statement":` + tc.statements + `}`
			var got []Finding
			for _, f := range ValidatePolicy([]byte(doc), ValidateOptions{Type: PolicyTypeIdentity}) {
				if f.Severity == SeveritySecurityWarning {
					got = append(got, f)
				}
			}
			if g := codesAt(got); !slices.Equal(g, tc.want) {
				t.Fatalf("got %q, want %q\n%s", g, tc.want, describeFindings(got))
			}
			for _, f := range got {
				if f.Code == "PASS_ROLE_ON_ALL_RESOURCES" && !strings.Contains(f.Message, tc.message) {
					t.Errorf("message %q lacks %q", f.Message, tc.message)
				}
			}
		})
	}
	// The role pattern is for identity policies: an SCP that allows it limits nothing.
	doc := `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::111122223333:role/*"}}`
	if fs := ValidatePolicy([]byte(doc), ValidateOptions{Type: PolicyTypeSCP}); len(fs) != 0 {
		t.Errorf("SCP: %s", describeFindings(fs))
	}
}

func TestEveryRoleOf(t *testing.T) {
	for arn, want := range map[string]struct {
		account string
		ok      bool
	}{
		"arn:aws:iam::111122223333:role/*":   {"111122223333", true},
		"arn:aws-cn:iam::111122223333:role*": {"111122223333", true},
		"arn:aws:iam::*:*":                   {"", true},
		"arn:aws:iam:::r*":                   {"", true},
		"arn:aws:iam::1111222233?3:role/*":   {"", true},
		"arn:aws:iam::111122223333:role/a*":  {},
		"arn:aws:iam::111122223333:role/*/x": {},
		"arn:aws:iam::111122223333:ro?e/*":   {},
		"arn:aws:iam::111122223333:role/x":   {},
		"arn:aws:iam::111122223333:user/*":   {},
		"arn:aws:s3:::role/*":                {},
		"arn:aws:iam::111122223333":          {},
		"*":                                  {},
	} {
		account, ok := everyRoleOf(arn)
		if account != want.account || ok != want.ok {
			t.Errorf("everyRoleOf(%q) = %q, %v; want %q, %v", arn, account, ok, want.account, want.ok)
		}
	}
}

func TestValidateWebIdentityNeedsItsAction(t *testing.T) {
	const github = `"Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"}`
	for actions, want := range map[string]bool{
		`"Action":"sts:AssumeRoleWithWebIdentity"`:    true,
		`"Action":"sts:AssumeRole*"`:                  true,
		`"Action":["sts:TagSession","sts:*"]`:         true,
		`"NotAction":"sts:AssumeRole"`:                true,
		`"Action":"sts:AssumeRole"`:                   false, // a web identity token cannot call it
		`"NotAction":"sts:AssumeRoleWithWebIdentity"`: false,
	} {
		doc := `{"Version":"2012-10-17","Statement":{"Effect":"Allow",` + github + `,` + actions + `}}`
		got := false
		for _, f := range ValidatePolicy([]byte(doc), ValidateOptions{Type: PolicyTypeTrust}) {
			got = got || f.Code == "TRUST_POLICY_ANY_WEB_IDENTITY"
		}
		if got != want {
			t.Errorf("%s: TRUST_POLICY_ANY_WEB_IDENTITY %v, want %v", actions, got, want)
		}
	}
}

// validateParsedAgrees checks that ValidateParsed of what ParsePolicy returns gives exactly
// ValidatePolicy's findings.
func validateParsedAgrees(t *testing.T, doc []byte, opts ValidateOptions) {
	t.Helper()
	p, err := evaluator.ParsePolicy(doc)
	if err != nil {
		return
	}
	want := ValidatePolicy(doc, opts)
	if got := ValidateParsed(doc, p, opts); !reflect.DeepEqual(got, want) {
		t.Fatalf("%s as %s: ValidateParsed\n%s\nValidatePolicy\n%s", doc, opts.Type, describeFindings(got), describeFindings(want))
	}
	// The policy is shared by the guard: a second run gives the same findings.
	if again := ValidateParsed(doc, p, opts); !reflect.DeepEqual(again, want) {
		t.Fatalf("%s: a second ValidateParsed differs:\n%s", doc, describeFindings(again))
	}
}

func TestValidateParsedMatchesValidatePolicy(t *testing.T) {
	n := 0
	for _, tc := range validateCases(t) {
		for _, typ := range PolicyTypes {
			validateParsedAgrees(t, []byte(tc.policy), ValidateOptions{Type: typ})
		}
		if tc.resourceType != "" {
			validateParsedAgrees(t, []byte(tc.policy), ValidateOptions{Type: tc.typ, ResourceType: tc.resourceType})
		}
		if _, err := evaluator.ParsePolicy([]byte(tc.policy)); err == nil {
			n++
		}
	}
	if n < 20 {
		t.Fatalf("only %d cases parse: the comparison covers too little", n)
	}
	if fs := ValidateParsed(nil, evaluator.MustParsePolicy(`{"Statement":[]}`), ValidateOptions{Type: "nonsense"}); len(fs) != 1 || fs[0].Code != "INVALID_OPTIONS" {
		t.Errorf("bad options: %s", describeFindings(fs))
	}
}

func FuzzValidateParsed(f *testing.F) {
	for _, tc := range validateCases(f) {
		f.Add([]byte(tc.policy), uint8(0))
	}
	f.Fuzz(func(t *testing.T, doc []byte, typ uint8) {
		validateParsedAgrees(t, doc, ValidateOptions{Type: PolicyTypes[int(typ)%len(PolicyTypes)]})
	})
}

// FullAdminFindings gives exactly ValidatePolicy's FULL_ADMIN findings of an identity policy.
func TestFullAdminFindings(t *testing.T) {
	only := func(fs []Finding) []Finding {
		var out []Finding
		for _, f := range fs {
			if f.Code == "FULL_ADMIN" {
				out = append(out, f)
			}
		}
		return out
	}
	docs := []string{
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"},{"Effect":"Allow","Action":["s3:GetObject","*:*"],"NotResource":"arn:aws:s3:::b","Condition":{"Bool":{"aws:SecureTransport":"true"}}}]}`,
		`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"arn:aws:s3:::b"}}`,
		`{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"*","Resource":"*"}}`,
		`{"Version":"2012-10-17","Statement":{"Effect":"Allow","NotAction":"*","Resource":"*"}}`,
	}
	for _, tc := range validateCases(t) {
		docs = append(docs, tc.policy)
	}
	reported := 0
	for _, doc := range docs {
		p, err := evaluator.ParsePolicy([]byte(doc))
		if err != nil {
			continue
		}
		got, want := FullAdminFindings(p), only(ValidatePolicy([]byte(doc), ValidateOptions{Type: PolicyTypeIdentity}))
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\nFullAdminFindings\n%s\nValidatePolicy\n%s", doc, describeFindings(got), describeFindings(want))
		}
		reported += len(got)
	}
	if reported < 2 {
		t.Errorf("only %d FULL_ADMIN findings: the comparison covers too little", reported)
	}
	for arn, want := range map[string]int{"arn:aws:iam::aws:policy/AdministratorAccess": 1, "arn:aws:iam::aws:policy/ReadOnlyAccess": 0, "arn:aws:iam::aws:policy/PowerUserAccess": 0} {
		p, err := evaluator.ManagedPolicy(arn)
		if err != nil {
			t.Fatal(err)
		}
		if got := FullAdminFindings(p); len(got) != want {
			t.Errorf("%s: %s", arn, describeFindings(got))
		}
	}
}
