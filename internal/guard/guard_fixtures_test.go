package guard

import (
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/iamguard/terraform-provider-iam/internal/tfplan"
)

// Each real plan of testdata/plans gives the findings its README says a careful guard
// reports. want lists every finding as "code address"; each then has its facts checked.

// loadFixture reads a recorded plan of testdata/plans.
func loadFixture(t *testing.T, name string) *tfplan.Plan {
	t.Helper()
	p, err := tfplan.LoadPlan(filepath.Join("testdata", "plans", name, "plan.json"))
	if err != nil {
		t.Fatalf("LoadPlan(%s): %v", name, err)
	}
	return p
}

func guardFixture(t *testing.T, name string, rules *Rules) *Report {
	t.Helper()
	return Check(loadFixture(t, name), rules)
}

func wantFindings(t *testing.T, r *Report, want ...string) {
	t.Helper()
	got := codesOf(r)
	sort.Strings(got)
	sort.Strings(want)
	if !slices.Equal(got, want) {
		var b strings.Builder
		_ = r.WriteText(&b)
		t.Fatalf("findings:\n got %q\nwant %q\n%s", got, want, b.String())
	}
}

// finding returns the one finding with the code and address.
func finding(t *testing.T, r *Report, code, address string) Finding {
	t.Helper()
	for _, f := range r.Findings {
		if f.Code == code && f.Address == address {
			return f
		}
	}
	t.Fatalf("no %s finding for %s", code, address)
	return Finding{}
}

func witnessAction(t *testing.T, f Finding, allowed ...string) {
	t.Helper()
	if f.Witness == nil {
		t.Fatalf("%s %s: no witness", f.Code, f.Address)
	}
	if !slices.Contains(allowed, f.Witness.Action) {
		t.Errorf("%s %s: witness action %s, want one of %v", f.Code, f.Address, f.Witness.Action, allowed)
	}
	if len(f.Allows) == 0 {
		t.Errorf("%s %s: no allowing statements", f.Code, f.Address)
	}
}

func TestGuardInlineRole(t *testing.T) {
	wantFindings(t, guardFixture(t, "inline-role", nil))
}

func TestGuardCustomerPolicies(t *testing.T) {
	wantFindings(t, guardFixture(t, "customer-policies", nil))
	// carol (through aws_iam_user_group_membership) and dan (through aws_iam_group_membership)
	// have the group's inline policy and its customer managed policy attached by reference.
	rules := rulesFrom(t, `
forbid "finance-data" {
  principals = ["arn:aws:iam::*:user/*"]
  actions    = ["s3:GetObject"]
  resources  = ["arn:aws:s3:::acme-finance/*"]
}
require "billing" {
  principals = ["arn:aws:iam::*:user/carol", "arn:aws:iam::*:user/dan"]
  actions    = ["ce:GetCostAndUsage", "s3:GetObject"]
  resources  = ["arn:aws:s3:::acme-finance/q1.csv"]
}`)
	r := guardFixture(t, "customer-policies", rules)
	wantFindings(t, r, "forbidden-access aws_iam_user.carol", "forbidden-access aws_iam_user.dan")
	for _, addr := range []string{"aws_iam_user.carol", "aws_iam_user.dan"} {
		f := finding(t, r, CodeForbiddenAccess, addr)
		witnessAction(t, f, "s3:GetObject")
		if !strings.Contains(f.Allows[0].Policy, "aws_iam_group_policy.finance_reports") {
			t.Errorf("%s: allowed by %v, want the group's inline policy", addr, f.Allows)
		}
	}
}

func TestGuardKeysAndConsole(t *testing.T) {
	r := guardFixture(t, "keys-and-console", nil)
	wantFindings(t, r,
		"access-key aws_iam_access_key.ci",
		"admin-policy aws_iam_user_policy_attachment.frank_admin",
		"console-without-mfa aws_iam_user_login_profile.frank",
		"existing-compute aws_iam_user.ci",
		"new-admin-access aws_iam_user.frank")
	if f := finding(t, r, CodeAccessKey, "aws_iam_access_key.ci"); !strings.HasSuffix(f.Principal, ":user/legacy-ci") {
		t.Errorf("access key principal %q", f.Principal)
	}
	admin := finding(t, r, CodeNewAdmin, "aws_iam_user.frank")
	witnessAction(t, admin, adminActions...)
	if admin.Level != LevelError || len(admin.Path) != 0 {
		t.Errorf("frank: level %v path %v", admin.Level, admin.Path)
	}
	mfa := finding(t, r, CodeConsoleNoMFA, "aws_iam_user_login_profile.frank")
	witnessAction(t, mfa, sensitiveActions...)
	if v, ok := mfa.Witness.Context.Lookup("aws:MultiFactorAuthPresent"); !ok || v.Values[0] != "false" {
		t.Errorf("the MFA witness must be a session without MFA: %+v", mfa.Witness.Context)
	}
	if r.Failed(LevelError) != true {
		t.Error("a new administrator fails the default rules")
	}
}

func TestGuardKMSSecrets(t *testing.T) {
	r := guardFixture(t, "kms-secrets", nil)
	// The key policy's kms:* delegation to the root names the plan's own account.
	if r.Account != "111122223333" {
		t.Errorf("account %s (%s)", r.Account, r.AccountSource)
	}
	wantFindings(t, r, "cross-account aws_kms_key.data", "cross-account aws_secretsmanager_secret_policy.db")
	key := finding(t, r, CodeCrossAccount, "aws_kms_key.data")
	witnessAction(t, key, "kms:Decrypt", "kms:DescribeKey")
	if key.Principal != "arn:aws:iam::444455556666:root" || !slices.Equal(key.Actions, []string{"kms:Decrypt", "kms:DescribeKey"}) {
		t.Errorf("key: principal %s actions %v", key.Principal, key.Actions)
	}
	secret := finding(t, r, CodeCrossAccount, "aws_secretsmanager_secret_policy.db")
	witnessAction(t, secret, "secretsmanager:GetSecretValue")
	if secret.Principal != "arn:aws:iam::444455556666:role/reporting" || r.Failed(LevelError) {
		t.Errorf("secret: principal %s; cross-account access is reported, it does not fail by default", secret.Principal)
	}
}

func TestGuardModuleRoles(t *testing.T) {
	wantFindings(t, guardFixture(t, "module-roles", nil))
	// Each role reaches only its own buckets, and the boundary's Deny removes bucket deletion.
	rules := rulesFrom(t, `
forbid "delete-buckets" {
  actions = ["s3:DeleteBucket", "s3:PutBucketPolicy"]
}
forbid "orders-data" {
  principals = ["arn:aws:iam::*:role/app-*"]
  actions    = ["s3:GetObject"]
  resources  = ["arn:aws:s3:::acme-orders/*"]
}`)
	r := guardFixture(t, "module-roles", rules)
	wantFindings(t, r, "forbidden-access module.orders.aws_iam_role.this")
	f := finding(t, r, CodeForbiddenAccess, "module.orders.aws_iam_role.this")
	witnessAction(t, f, "s3:GetObject")
	if f.Rule != "forbid.orders-data" || !strings.HasSuffix(f.Principal, ":role/app-orders") {
		t.Errorf("rule %s principal %s", f.Rule, f.Principal)
	}
}

func TestGuardPassRoleEscalation(t *testing.T) {
	r := guardFixture(t, "passrole-escalation", nil)
	wantFindings(t, r,
		"admin-policy aws_iam_role_policy_attachment.automation_admin",
		"new-admin-access aws_iam_role.automation",
		"new-admin-access aws_iam_user.dev",
		"passrole-wildcard aws_iam_user_policy.dev")
	erin := finding(t, r, CodeNewAdmin, "aws_iam_user.dev")
	witnessAction(t, erin, adminActions...)
	if len(erin.Path) != 1 || !strings.HasSuffix(erin.Path[0].From, ":user/erin") || !strings.HasSuffix(erin.Path[0].To, ":role/automation") ||
		erin.Path[0].Via != "iam:PassRole + lambda:CreateFunction (lambda.amazonaws.com)" || erin.Path[0].Address != "aws_iam_role.automation" {
		t.Errorf("erin's path: %+v", erin.Path)
	}
	if !strings.HasSuffix(erin.Witness.Principal, ":role/automation") {
		t.Errorf("the witness is the role's request: %s", erin.Witness.Principal)
	}
	automation := finding(t, r, CodeNewAdmin, "aws_iam_role.automation")
	if len(automation.Path) != 0 || automation.Allows[0].Policy != administratorAccessARN {
		t.Errorf("automation: path %v allows %v", automation.Path, automation.Allows)
	}

	// Named as an administrator, automation is no finding; erin still is. A depth of 0 turns
	// chains off, and erin, who reaches a role, is then undecided, not passed.
	r = guardFixture(t, "passrole-escalation", rulesFrom(t, `administrators = ["arn:aws:iam::*:role/automation"]`))
	wantFindings(t, r, "new-admin-access aws_iam_user.dev", "passrole-wildcard aws_iam_user_policy.dev")
	r = guardFixture(t, "passrole-escalation", rulesFrom(t, "administrators = [\"arn:aws:iam::*:role/automation\"]\nmax_chain_depth = 0"))
	wantFindings(t, r, "existing-compute aws_iam_user.dev", "passrole-wildcard aws_iam_user_policy.dev", "undecided aws_iam_user.dev")
	if f := finding(t, r, CodeUndecided, "aws_iam_user.dev"); !strings.Contains(f.Message, "role chains are off (max_chain_depth = 0) and erin (aws_iam_user.dev) reaches roles") {
		t.Errorf("message %q", f.Message)
	}
}

func TestGuardPolicyWidened(t *testing.T) {
	wantFindings(t, guardFixture(t, "policy-widened", nil))
	r := guardFixture(t, "policy-widened", rulesFrom(t, `
new_access "data" {
  actions = ["s3:*"]
  mode    = "forbid"
}`))
	wantFindings(t, r, "new-access aws_iam_role.etl")
	f := finding(t, r, CodeNewAccess, "aws_iam_role.etl")
	witnessAction(t, f, "s3:DeleteObject", "s3:PutObject")
	// PutObject is new on every acme-* bucket but acme-curated; DeleteObject is new everywhere.
	if !slices.Equal(f.Actions, []string{"s3:DeleteObject", "s3:PutObject"}) || f.Level != LevelError {
		t.Errorf("actions %v level %v", f.Actions, f.Level)
	}
	if f.Witness.Action == "s3:PutObject" && strings.HasPrefix(f.Witness.Resource, "arn:aws:s3:::acme-curated/") {
		t.Errorf("PutObject on acme-curated was allowed before: %s", f.WitnessText())
	}
	// Reading is not new: a rule on reads finds nothing.
	r = guardFixture(t, "policy-widened", rulesFrom(t, `new_access "reads" { actions = ["s3:Get*"] }`))
	wantFindings(t, r)
}

func TestGuardPublicQueueTopic(t *testing.T) {
	r := guardFixture(t, "public-queue-topic", nil)
	wantFindings(t, r, "public-access aws_sns_topic_policy.alerts")
	f := finding(t, r, CodePublicAccess, "aws_sns_topic_policy.alerts")
	witnessAction(t, f, "sns:Publish", "sns:Subscribe")
	if !slices.Equal(f.Actions, []string{"sns:Publish", "sns:Subscribe"}) || f.Level != LevelError {
		t.Errorf("actions %v level %v", f.Actions, f.Level)
	}
	// report: a warning; except: nothing.
	r = guardFixture(t, "public-queue-topic", rulesFrom(t, `public_access { mode = "report" }`))
	if f := finding(t, r, CodePublicAccess, "aws_sns_topic_policy.alerts"); f.Level != LevelWarning || r.Failed(LevelError) {
		t.Errorf("report mode: level %v", f.Level)
	}
	r = guardFixture(t, "public-queue-topic", rulesFrom(t, `public_access { except = ["aws_sns_topic_policy.alerts"] }`))
	wantFindings(t, r)
}

func TestGuardSCPRCPOnOU(t *testing.T) {
	wantFindings(t, guardFixture(t, "scp-rcp-on-ou", nil))
	// Placed under the OU, the account gets the SCP at the OU level and the RCP at the root.
	p := loadFixture(t, "scp-rcp-on-ou")
	g := &guard{plan: p, rules: rulesFrom(t, `
account = "111122223333"
organization { path = ["r-ab12", "ou-ab12-workload1"] }`), parsed: map[string]parsedPolicy{}, validated: map[string]bool{}, seen: map[string]bool{}}
	g.account = "111122223333"
	scps, rcps := g.orgLevels(p.Planned())
	if len(scps) != 3 || len(scps[0]) != 1 || len(scps[1]) != 2 || len(scps[2]) != 1 {
		t.Fatalf("SCP levels: %v", scps)
	}
	if !strings.Contains(scps[1][1].Name, "aws_organizations_policy.guardrails") || len(rcps[0]) != 1 || len(rcps[1]) != 0 {
		t.Errorf("levels: scps %v rcps %v", scps, rcps)
	}
	// Without the path, the plan attaches them to targets that are not the account's.
	g.rules = DefaultRules()
	if scps, rcps := g.orgLevels(p.Planned()); scps != nil || rcps != nil {
		t.Errorf("unplaced account: scps %v rcps %v", scps, rcps)
	}

}
