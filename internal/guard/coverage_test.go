package guard

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/iamguard/terraform-provider-iam/internal/tfplan"
)

// other-policies (a real plan): the policies of OpenSearch and Elasticsearch domains, an EFS
// file system, API Gateway REST APIs (written with the execute-api:/ shorthand) and a Glacier
// vault are modelled; an S3 access point policy, a CloudWatch Logs resource policy and a KMS
// grant are not, and are listed as not checked.
func TestGuardOtherPolicies(t *testing.T) {
	r := guardFixture(t, "other-policies", nil)
	wantFindings(t, r,
		"public-access aws_api_gateway_rest_api.public",
		"public-access aws_glacier_vault.archive",
		"public-access aws_opensearch_domain_policy.logs",
		"cross-account aws_efs_file_system_policy.shared",
		"not-checked aws_s3_access_point.reports",
		"not-checked aws_cloudwatch_log_resource_policy.events",
		"not-checked aws_kms_grant.partner")
	if r.Account != "111122223333" {
		t.Errorf("account %s (%s): the Elasticsearch policy names its own domain in 111122223333", r.Account, r.AccountSource)
	}
	witnessAction(t, finding(t, r, CodePublicAccess, "aws_opensearch_domain_policy.logs"), "es:ESHttpGet")
	witnessAction(t, finding(t, r, CodePublicAccess, "aws_glacier_vault.archive"), "glacier:InitiateJob", "glacier:GetJobOutput")
	api := finding(t, r, CodePublicAccess, "aws_api_gateway_rest_api.public")
	witnessAction(t, api, "execute-api:Invoke")
	if !strings.HasPrefix(api.Witness.Resource, "arn:aws:execute-api:") {
		t.Errorf("witness resource %s: the execute-api:/ shorthand must be expanded to the API's ARN", api.Witness.Resource)
	}
	efs := finding(t, r, CodeCrossAccount, "aws_efs_file_system_policy.shared")
	if efs.Principal != "arn:aws:iam::444455556666:root" || !strings.HasPrefix(efs.Witness.Resource, "arn:aws:elasticfilesystem:") {
		t.Errorf("efs: principal %s witness %s", efs.Principal, efs.WitnessText())
	}
	for _, f := range only(r, CodeNotChecked) {
		if f.Level != LevelNote || f.Attribute == "" || !strings.Contains(f.Message, "not checked") {
			t.Errorf("not-checked %s: level %v attribute %q message %q", f.Address, f.Level, f.Attribute, f.Message)
		}
	}
	// The private API (own account only) and the Elasticsearch domain are not reported: their
	// policies were read, and they grant the account itself.
	acct := loadFixture(t, "other-policies").Planned()
	kinds := map[tfplan.ResourceKind]int{}
	for _, rp := range acct.ResourcePolicies {
		kinds[rp.Kind]++
	}
	if kinds[tfplan.RestAPI] != 2 || kinds[tfplan.SearchDomain] != 2 || kinds[tfplan.EFSFileSystem] != 1 || kinds[tfplan.GlacierVault] != 1 {
		t.Errorf("modelled resource policies by kind: %v", kinds)
	}

	// A rules setting makes what is not checked fail.
	r = guardFixture(t, "other-policies", rulesFrom(t, `finding "not-checked" { level = "fail" }`))
	if f := finding(t, r, CodeNotChecked, "aws_kms_grant.partner"); f.Level != LevelError {
		t.Errorf("not-checked level %v with level = \"fail\"", f.Level)
	}
}

func TestExpandExecuteAPI(t *testing.T) {
	got, ok := expandExecuteAPI(`{"Statement":[{"Effect":"Allow","Resource":["execute-api:/prod/GET/*","arn:aws:s3:::x"]},{"Effect":"Deny","NotResource":"execute-api:/*/POST/admin"}]}`, "arn:aws:execute-api:*:111122223333:abc123")
	want := `{"Statement":[{"Effect":"Allow","Resource":["arn:aws:execute-api:*:111122223333:abc123/prod/GET/*","arn:aws:s3:::x"]},{"Effect":"Deny","NotResource":"arn:aws:execute-api:*:111122223333:abc123/*/POST/admin"}]}`
	if !ok || got != want {
		t.Errorf("got %v %s\nwant %s", ok, got, want)
	}
	if _, ok := expandExecuteAPI(`{"Statement":{"Effect":"Allow","Resource":"*"}}`, "p"); ok {
		t.Error("a policy without the shorthand was changed")
	}
}

// Resources of the Cloud Control provider with a policy argument are not checked.
func TestGuardAWSCCNotChecked(t *testing.T) {
	input := `{"format_version": "1.2",
	  "planned_values": {"root_module": {"resources": [
	    {"address": "awscc_s3_bucket_policy.b", "mode": "managed", "type": "awscc_s3_bucket_policy", "name": "b",
	     "values": {"bucket": "x", "policy_document": "{\"Statement\":[]}"}},
	    {"address": "awscc_s3_bucket.quiet", "mode": "managed", "type": "awscc_s3_bucket", "name": "quiet", "values": {"bucket_name": "q"}}]}},
	  "resource_changes": [],
	  "configuration": {"root_module": {"resources": [
	    {"address": "awscc_s3_bucket_policy.b", "mode": "managed", "type": "awscc_s3_bucket_policy", "name": "b",
	     "expressions": {"bucket": {"constant_value": "x"}, "policy_document": {"constant_value": "{}"}}},
	    {"address": "awscc_s3_bucket.quiet", "mode": "managed", "type": "awscc_s3_bucket", "name": "quiet",
	     "expressions": {"bucket_name": {"constant_value": "q"}}}]}}}`
	p, err := tfplan.ReadPlan(strings.NewReader(input), "cc.json")
	if err != nil {
		t.Fatal(err)
	}
	r := Check(p, nil)
	wantFindings(t, r, "not-checked awscc_s3_bucket_policy.b")
	if f := finding(t, r, CodeNotChecked, "awscc_s3_bucket_policy.b"); f.Attribute != "policy_document" {
		t.Errorf("attribute %q", f.Attribute)
	}
}

// withoutConfiguration returns a real plan without its configuration section.
func withoutConfiguration(t *testing.T, name string) *tfplan.Plan {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "plans", name, "plan.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	delete(doc, "configuration")
	data, err = json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	p, err := tfplan.ReadPlan(bytes.NewReader(data), name+"-noconfig.json")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// A plan without its configuration section: the policies that the planned values hold are
// still checked (inline and resource policies, attachments by known ARN), and the report
// warns that references could not be resolved.
func TestGuardPlanWithoutConfiguration(t *testing.T) {
	p := withoutConfiguration(t, "passrole-escalation")
	if p.HasConfiguration {
		t.Fatal("HasConfiguration")
	}
	r := Check(p, nil)
	wantFindings(t, r,
		"new-admin-access aws_iam_role.automation", "new-admin-access aws_iam_user.dev",
		"passrole-wildcard aws_iam_user_policy.dev", "admin-policy aws_iam_role_policy_attachment.automation_admin",
		"no-configuration passrole-escalation-noconfig.json")
	if f := finding(t, r, CodeNoConfiguration, "passrole-escalation-noconfig.json"); f.Level != LevelWarning || !strings.Contains(f.Message, "cannot be traced") {
		t.Errorf("no-configuration: %v %q", f.Level, f.Message)
	}
	// Public access from a topic policy written inline, without configuration.
	r = Check(withoutConfiguration(t, "public-queue-topic"), nil)
	finding(t, r, CodePublicAccess, "aws_sns_topic_policy.alerts")
	// With the configuration, no warning.
	for _, f := range guardFixture(t, "passrole-escalation", nil).Findings {
		if f.Code == CodeNoConfiguration {
			t.Error("no-configuration on a plan that has its configuration")
		}
	}
}

// Role chains cut by max_chain_depth give an undecided finding, not a pass.
func TestChainDepthCut(t *testing.T) {
	assume := func(from string) string {
		return policy(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:` + from + `"},"Action":"sts:AssumeRole"}`)
	}
	mp := (&miniPlan{}).add(
		user("dev"), userPolicy("dev", policy(`{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}`)),
		role("hop", assume("user/dev")), rolePolicy("hop", policy(`{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}`)),
		role("admin", assume("role/hop")), rolePolicy("admin", policy(`{"Effect":"Allow","Action":"iam:*","Resource":"*"}`)),
	)
	p := mp.plan(t)
	r := Check(p, rulesFrom(t, "account = \"111122223333\"\nadministrators = [\"arn:aws:iam::*:role/admin\", \"arn:aws:iam::*:role/hop\"]\nmax_chain_depth = 1"))
	f := finding(t, r, CodeUndecided, "aws_iam_user.dev")
	if !strings.Contains(f.Message, "role chains longer than 1 step (max_chain_depth) were not followed from dev (aws_iam_user.dev), and hop (aws_iam_role.hop), 1 step away, reaches further roles") {
		t.Errorf("message %q", f.Message)
	}
	r = Check(p, rulesFrom(t, "account = \"111122223333\"\nadministrators = [\"arn:aws:iam::*:role/admin\", \"arn:aws:iam::*:role/hop\"]\nmax_chain_depth = 2"))
	wantFindings(t, r, "new-admin-access aws_iam_user.dev", "passrole-wildcard aws_iam_role_policy.admin")
	if len(finding(t, r, CodeNewAdmin, "aws_iam_user.dev").Path) != 2 {
		t.Error("the chain has two steps")
	}
}

// Module variables and outputs that refer to each other in a cycle (a malformed plan) are
// walked once; the attachment they should name is undecided, with a reason in one sentence.
func TestCyclicModuleReferences(t *testing.T) {
	input := `{"format_version": "1.2",
	  "planned_values": {"root_module": {"child_modules": [{"address": "module.a", "resources": [
	    {"address": "module.a.aws_iam_role_policy_attachment.x", "mode": "managed", "type": "aws_iam_role_policy_attachment", "name": "x",
	     "values": {"role": "app"}}]}]}},
	  "resource_changes": [{"address": "module.a.aws_iam_role_policy_attachment.x", "mode": "managed", "type": "aws_iam_role_policy_attachment", "name": "x",
	     "change": {"actions": ["create"], "before": null, "after": {"role": "app"}, "after_unknown": {"policy_arn": true}}}],
	  "configuration": {"root_module": {"module_calls": {"a": {"source": "./a",
	    "expressions": {"p": {"references": ["module.a.out", "module.a"]}},
	    "module": {"outputs": {"out": {"expression": {"references": ["var.p"]}}},
	      "resources": [{"address": "aws_iam_role_policy_attachment.x", "mode": "managed", "type": "aws_iam_role_policy_attachment", "name": "x",
	        "expressions": {"policy_arn": {"references": ["var.p", "module.a.out"]}}}]}}}}}}`
	done := make(chan *tfplan.Plan, 1)
	go func() {
		p, err := tfplan.ReadPlan(strings.NewReader(input), "cycle.json")
		if err != nil {
			t.Error(err)
		}
		done <- p
	}()
	var p *tfplan.Plan
	select {
	case p = <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("the walk through cyclic references does not end")
	}
	if p == nil {
		return
	}
	r := Check(p, nil)
	for _, f := range only(r, CodeUndecided) {
		if strings.Count(f.Message, "the policy ARN is") > 1 {
			t.Errorf("message repeats itself: %q", f.Message)
		}
	}
	if len(only(r, CodeUndecided)) == 0 {
		t.Errorf("the attachment whose policy is unknown is not undecided: %v", codesOf(r))
	}
}

// An attachment whose policy ARN is unknown and that no reference resolves reads as one
// sentence.
func TestUnknownARNReasonIsOneSentence(t *testing.T) {
	for _, reason := range []string{"", tfplan.ReasonAfterApply, "the policy ARN is known only after apply and its configuration references no aws_iam_policy of this plan", "var.x is not set"} {
		got := unknownARNReason(reason)
		if strings.Count(got, "the policy ARN is") != 1 {
			t.Errorf("%q gives %q", reason, got)
		}
	}
}

// A time limit that ends before the checks: what is still open is undecided, and the report
// says that the limit ended.
func TestCheckContextTimeout(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r := CheckContext(ctx, loadFixture(t, "passrole-escalation"), nil)
	f := finding(t, r, CodeUndecided, "testdata/plans/passrole-escalation/plan.json")
	if f.Level != LevelError || !strings.Contains(f.Message, "time limit ended") {
		t.Errorf("%v %q", f.Level, f.Message)
	}
	if !r.Failed(LevelError) {
		t.Error("a run stopped by its time limit passes")
	}
}
