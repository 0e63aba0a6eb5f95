package guard

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/iamguard/terraform-provider-iam/internal/tfplan"
)

// One test per rule kind, on small hand-made plans.

const s3All = `{"Effect":"Allow","Action":"s3:*","Resource":"*"}`

// administratorAccessARN is the AWS managed policy of full administrator access.
const administratorAccessARN = "arn:aws:iam::aws:policy/AdministratorAccess"

func TestForbidRule(t *testing.T) {
	p := (&miniPlan{}).add(
		role("app", policy(lambdaTrust)), rolePolicy("app", policy(s3All)),
		role("reader", policy(lambdaTrust)), rolePolicy("reader", policy(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}`)),
	).plan(t)
	r := Check(p, rulesFrom(t, `
forbid "no-deletes" {
  principals = ["arn:aws:iam::*:role/*"]
  actions    = ["s3:DeleteObject", "s3:DeleteBucket"]
  resources  = ["arn:aws:s3:::prod-*"]
}`))
	wantFindings(t, r, "forbidden-access aws_iam_role.app")
	f := finding(t, r, CodeForbiddenAccess, "aws_iam_role.app")
	witnessAction(t, f, "s3:DeleteObject", "s3:DeleteBucket")
	if !strings.HasPrefix(f.Witness.Resource, "arn:aws:s3:::prod-") || f.Rule != "forbid.no-deletes" || f.Level != LevelError {
		t.Errorf("witness %s rule %s level %v", f.WitnessText(), f.Rule, f.Level)
	}
	// A pattern that selects only the reader: nothing.
	r = Check(p, rulesFrom(t, `forbid "x" {
  principals = ["arn:aws:iam::*:role/reader"]
  actions    = ["s3:DeleteObject"]
}`))
	wantFindings(t, r)
}

func TestForbidByTagAndThroughAssumeRole(t *testing.T) {
	admin := role("admin", policy(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/dev"},"Action":"sts:AssumeRole"}`))
	admin.values["tags"] = map[string]any{"tier": "admin"}
	admin.values["tags_all"] = map[string]any{"tier": "admin"}
	dev := user("dev")
	p := (&miniPlan{}).add(admin, rolePolicy("admin", policy(s3All)), dev,
		userPolicy("dev", policy(`{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}`))).plan(t)
	rules := rulesFrom(t, `
account = "111122223333"
forbid "buckets" {
  actions   = ["s3:DeleteBucket"]
}
forbid "tagged" {
  principal_tags = { tier = "admin" }
  actions        = ["s3:PutObject"]
}`)
	r := Check(p, rules)
	wantFindings(t, r,
		"forbidden-access aws_iam_role.admin", "forbidden-access aws_iam_role.admin", "forbidden-access aws_iam_user.dev")
	var viaChain *Finding
	for i := range r.Findings {
		if r.Findings[i].Address == "aws_iam_user.dev" {
			viaChain = &r.Findings[i]
		}
	}
	if viaChain.Rule != "forbid.buckets" || len(viaChain.Path) != 1 || viaChain.Path[0].Via != "sts:AssumeRole" ||
		viaChain.Path[0].From != "arn:aws:iam::111122223333:user/dev" || viaChain.Path[0].To != "arn:aws:iam::111122223333:role/admin" {
		t.Errorf("dev reaches the admin role by AssumeRole: %+v", viaChain)
	}
	if viaChain.Witness.Principal != "arn:aws:iam::111122223333:role/admin" {
		t.Errorf("witness principal %s", viaChain.Witness.Principal)
	}
}

// Without account, the trust policy's account may be the plan's own: the chain is found.
func TestChainWithPlaceholderAccount(t *testing.T) {
	p := (&miniPlan{}).add(
		role("admin", policy(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sts:AssumeRole"}`)),
		res{addr: "aws_iam_role_policy_attachment.admin", values: map[string]any{"role": "admin", "policy_arn": administratorAccessARN}},
		user("dev"), userPolicy("dev", policy(`{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::*:role/admin"}`)),
	).plan(t)
	r := Check(p, nil)
	f := finding(t, r, CodeNewAdmin, "aws_iam_user.dev")
	if len(f.Path) != 1 || f.Path[0].Via != "sts:AssumeRole" {
		t.Errorf("path %+v", f.Path)
	}
	// With an account that the trust policy does not name, there is no chain.
	r = Check(p, rulesFrom(t, `account = "999999999999"`))
	for _, f := range r.Findings {
		if f.Address == "aws_iam_user.dev" {
			t.Errorf("dev cannot assume a role that trusts another account: %+v", f)
		}
	}
}

func TestRequireRule(t *testing.T) {
	p := (&miniPlan{}).add(role("app", policy(lambdaTrust)),
		rolePolicy("app", policy(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::data/*","Condition":{"StringEquals":{"aws:RequestedRegion":"eu-west-1"}}}`))).plan(t)
	r := Check(p, rulesFrom(t, `
require "reads" {
  principals = ["arn:aws:iam::*:role/app"]
  actions    = ["s3:GetObject"]
  resources  = ["arn:aws:s3:::data/report.csv"]
  context    = { "aws:RequestedRegion" = "eu-west-1" }
}`))
	wantFindings(t, r)
	r = Check(p, rulesFrom(t, `
require "writes" {
  principals = ["arn:aws:iam::*:role/app"]
  actions    = ["s3:PutObject", "s3:GetObject"]
  resources  = ["arn:aws:s3:::data/report.csv"]
}
require "nobody" {
  principals = ["arn:aws:iam::*:role/ghost"]
  actions    = ["s3:GetObject"]
  resources  = ["*"]
}`))
	// PutObject is not allowed; GetObject without the region is not either.
	got := only(r, CodeRequiredAccess)
	if len(got) != 3 {
		t.Fatalf("required-access findings: %q", codesOf(r))
	}
	var actions []string
	for _, f := range got {
		if f.Witness != nil {
			actions = append(actions, f.Witness.Action)
		} else if !strings.Contains(f.Message, "selects no principal") {
			t.Errorf("unexpected: %s", f.Message)
		}
	}
	if strings.Join(actions, ",") != "s3:GetObject,s3:PutObject" && strings.Join(actions, ",") != "s3:PutObject,s3:GetObject" {
		t.Errorf("denied actions %v", actions)
	}
}

func TestOrganizationSCPFile(t *testing.T) {
	dir := t.TempDir()
	scp := policy(`{"Effect":"Deny","Action":"ec2:*","Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":"eu-west-1"}}}`)
	if err := os.WriteFile(filepath.Join(dir, "regions.json"), []byte(scp), 0o644); err != nil {
		t.Fatal(err)
	}
	p := (&miniPlan{}).add(role("ops", policy(lambdaTrust)), rolePolicy("ops", policy(`{"Effect":"Allow","Action":"ec2:*","Resource":"*"}`))).plan(t)
	rulesText := `
account = "111122223333"
organization {
  path = ["r-ab12", "ou-ab12-prod"]
  scp {
    target = "ou-ab12-prod"
    file   = "regions.json"
  }
}
require "run-elsewhere" {
  principals = ["arn:aws:iam::*:role/ops"]
  actions    = ["ec2:RunInstances"]
  resources  = ["arn:aws:ec2:us-east-1:111122223333:instance/i-1"]
  context    = { "aws:RequestedRegion" = "us-east-1" }
}
forbid "no-ec2" {
  actions = ["ec2:RunInstances"]
}`
	rules, err := ParseRules([]byte(rulesText), filepath.Join(dir, "guard.hcl"))
	if err != nil {
		t.Fatal(err)
	}
	r := Check(p, rules)
	wantFindings(t, r, "existing-compute aws_iam_role.ops", "forbidden-access aws_iam_role.ops", "required-access aws_iam_role.ops")
	req := finding(t, r, CodeRequiredAccess, "aws_iam_role.ops")
	if !strings.Contains(req.Message, "regions.json") {
		t.Errorf("the SCP file denies: %s", req.Message)
	}
	forbid := finding(t, r, CodeForbiddenAccess, "aws_iam_role.ops")
	if v, _ := forbid.Witness.Context.Lookup("aws:RequestedRegion"); len(v.Values) != 1 || v.Values[0] != "eu-west-1" {
		t.Errorf("the only region left is eu-west-1: %s", forbid.WitnessText())
	}
}

func TestUndecidedUnknownPolicy(t *testing.T) {
	app := rolePolicy("app", "")
	delete(app.values, "policy")
	app.unknown = []string{"policy"}
	p := (&miniPlan{}).add(role("app", policy(lambdaTrust)), app).plan(t)
	r := Check(p, rulesFrom(t, `forbid "x" { actions = ["s3:DeleteBucket"] }`))
	u := only(r, CodeUndecided)
	if len(u) == 0 {
		t.Fatalf("an unknown policy must give undecided: %q", codesOf(r))
	}
	for _, f := range u {
		if f.Address != "aws_iam_role_policy.app" || f.Attribute != "policy" || f.Level != LevelError {
			t.Errorf("undecided finding: %+v", f)
		}
	}
	if !r.Failed(LevelError) {
		t.Error("undecided fails by default")
	}
}

func TestUndecidedSyntheticPlan(t *testing.T) {
	p, err := tfplan.LoadPlan("../tfplan/testdata/synthetic/refs.json")
	if err != nil {
		t.Fatal(err)
	}
	r := Check(p, nil)
	want := map[string]bool{
		"aws_iam_role_policy.orphan role":                                  false, // unresolved: whose access it changes is unknown
		"module.platform.module.team.aws_iam_role.this assume_role_policy": false, // trust from a data source read at apply
		"aws_lambda_permission.queue (permission)":                         false,
	}
	for _, f := range only(r, CodeUndecided) {
		key := f.Address + " " + f.Attribute
		if _, ok := want[key]; ok {
			want[key] = true
		}
	}
	for k, seen := range want {
		if !seen {
			var b strings.Builder
			_ = r.WriteText(&b)
			t.Errorf("no undecided finding for %s\n%s", k, b.String())
		}
	}
}

func TestBestPractices(t *testing.T) {
	open := role("open", policy(`{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}`))
	web := role("web", policy(`{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity"}`))
	scoped := role("scoped", policy(`{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringLike":{"token.actions.githubusercontent.com:sub":"repo:acme/app:*"}}}`))
	mfaUser := user("mfa")
	profile := res{addr: "aws_iam_user_login_profile.mfa", values: map[string]any{"user": "mfa", "password_reset_required": true}}
	p := (&miniPlan{}).add(open, web, scoped, mfaUser, profile,
		userPolicy("mfa", policy(
			`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}`,
			`{"Effect":"Allow","Action":["iam:ChangePassword","iam:GetUser"],"Resource":"*"}`)),
	).plan(t)
	r := Check(p, rulesFrom(t, `account = "111122223333"`))
	// The MFA user may do everything with MFA: it is an administrator, and its policy gives full
	// administrator access under a condition (the validator's FULL_ADMIN), but no console finding.
	wantFindings(t, r,
		"open-trust aws_iam_role.open", "open-trust aws_iam_role.web",
		"public-access aws_iam_role.open", "new-admin-access aws_iam_user.mfa", "admin-policy aws_iam_user_policy.mfa")
	if f := finding(t, r, CodeAdminPolicy, "aws_iam_user_policy.mfa"); !strings.Contains(f.Message, `Action "*" on Resource "*" (under conditions that may narrow it)`) {
		t.Errorf("conditioned admin: %s", f.Message)
	}
	if f := finding(t, r, CodeOpenTrust, "aws_iam_role.web"); !strings.Contains(f.Message, "web identity provider") {
		t.Errorf("web identity: %s", f.Message)
	}
	// Turned off, open-trust findings are gone; public access can be only reported.
	r = Check(p, rulesFrom(t, `
account = "111122223333"
administrators = ["arn:aws:iam::111122223333:user/mfa"]
finding "open-trust" { level = "off" }
finding "public-access" { level = "report" }`))
	wantFindings(t, r, "public-access aws_iam_role.open")
	if r.Findings[0].Level != LevelWarning {
		t.Errorf("level %v", r.Findings[0].Level)
	}
	// Without the MFA condition, the console user is a finding.
	p = (&miniPlan{}).add(mfaUser, profile, userPolicy("mfa", policy(`{"Effect":"Allow","Action":"s3:DeleteBucket","Resource":"*"}`))).plan(t)
	r = Check(p, nil)
	wantFindings(t, r, "console-without-mfa aws_iam_user_login_profile.mfa")
	witnessAction(t, r.Findings[0], "s3:DeleteBucket")
}

func TestValidationRule(t *testing.T) {
	// An identity policy whose statement names a principal: AWS rejects it (ERROR); a
	// wildcard compared literally is a warning that only a lower threshold reports.
	p := (&miniPlan{}).add(role("app", policy(lambdaTrust)),
		rolePolicy("app", policy(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}`))).plan(t)
	r := Check(p, nil)
	v := only(r, CodeValidation)
	if len(v) == 0 || v[0].Address != "aws_iam_role_policy.app" || v[0].Level != LevelError || !strings.Contains(v[0].Message, "ERROR") {
		t.Fatalf("validation: %q %+v", codesOf(r), v)
	}
	r = Check(p, rulesFrom(t, `validation { fail = "SECURITY_WARNING" }`))
	if len(only(r, CodeValidation)) == 0 {
		t.Error("errors fail at a lower threshold too")
	}
	p = (&miniPlan{}).add(role("app", policy(lambdaTrust)),
		rolePolicy("app", policy(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"dev*"}}}`))).plan(t)
	if v := only(Check(p, nil), CodeValidation); len(v) != 0 {
		t.Errorf("warnings are not reported by default: %+v", v)
	}
	r = Check(p, rulesFrom(t, `validation {
  fail   = "ERROR"
  report = "SUGGESTION"
}`))
	v = only(r, CodeValidation)
	if len(v) == 0 || v[0].Level != LevelWarning {
		t.Errorf("reported below the failing severity: %+v", v)
	}
}

func TestInvalidPolicyDocument(t *testing.T) {
	p := (&miniPlan{}).add(role("app", policy(lambdaTrust)), rolePolicy("app", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*",}]}`)).plan(t)
	r := Check(p, nil)
	f := finding(t, r, CodeInvalidPolicy, "aws_iam_role_policy.app")
	if !strings.Contains(f.Message, "line") || f.Level != LevelError {
		t.Errorf("invalid policy: %+v", f)
	}
}

// A document that parses but has several parts that do not compile gets a finding for each,
// with its place, not only the first.
func TestInvalidPolicyReportsEveryProblem(t *testing.T) {
	doc := `{"Version":"2012-10-17","Statement":[
{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEqualsSometimes":{"aws:username":"a"}}},
{"Effect":"Allow","Action":"s3:PutObject","Resource":"*","Condition":{"NumericLessThan":{"s3:max-keys":"ten"}}}]}`
	p := (&miniPlan{}).add(role("app", policy(lambdaTrust)), rolePolicy("app", doc)).plan(t)
	r := Check(p, nil)
	var messages []string
	for _, f := range only(r, CodeInvalidPolicy) {
		if f.Address != "aws_iam_role_policy.app" || f.Level != LevelError {
			t.Errorf("invalid policy finding: %+v", f)
		}
		messages = append(messages, f.Message)
	}
	if len(messages) != 2 || !strings.Contains(messages[0], "StringEqualsSometimes") || !strings.Contains(messages[0], "line 2") ||
		!strings.Contains(messages[1], "ten") || !strings.Contains(messages[1], "line 3") {
		t.Fatalf("want one finding for each problem, in order, with its line:\n%s", strings.Join(messages, "\n"))
	}
	if len(only(r, CodeValidation)) != 0 {
		t.Errorf("a refused document is not validated too: %+v", only(r, CodeValidation))
	}
}

func TestOrganizationRCPStopsPublicAccess(t *testing.T) {
	dir := t.TempDir()
	rcp := policy(`{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"StringNotEqualsIfExists":{"aws:PrincipalOrgID":"o-acme12345"},"BoolIfExists":{"aws:PrincipalIsAWSService":"false"}}}`)
	if err := os.WriteFile(filepath.Join(dir, "perimeter.json"), []byte(rcp), 0o644); err != nil {
		t.Fatal(err)
	}
	p := (&miniPlan{}).add(res{addr: "aws_s3_bucket_policy.site", values: map[string]any{"bucket": "acme-site",
		"policy": policy(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::acme-site/*"}`)}}).plan(t)
	r := Check(p, rulesFrom(t, `account = "111122223333"`))
	f := finding(t, r, CodePublicAccess, "aws_s3_bucket_policy.site")
	witnessAction(t, f, "s3:GetObject")
	rules, err := ParseRules([]byte(`
account = "111122223333"
organization {
  path = ["r-ab12"]
  rcp {
    target = "r-ab12"
    file   = "perimeter.json"
  }
}`), filepath.Join(dir, "guard.hcl"))
	if err != nil {
		t.Fatal(err)
	}
	wantFindings(t, Check(p, rules))
}
