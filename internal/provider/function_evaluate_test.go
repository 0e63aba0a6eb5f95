package provider

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// functionConfig is a configuration that declares the provider, which Terraform requires of a
// module that calls its functions, followed by body.
func functionConfig(body string) string {
	return `
terraform {
  required_providers {
    iam = { source = "iamguard/iam" }
  }
}
` + body
}

// functionTest runs the steps of a function test; functions need Terraform 1.8 or later.
func functionTest(t *testing.T, steps ...resource.TestStep) {
	t.Helper()
	resource.ParallelTest(t, resource.TestCase{
		IsUnitTest:               true,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)},
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps:                    steps,
	})
}

// functionExample returns the documentation's example of a function,
// examples/functions/<name>/function.tf.
func functionExample(t *testing.T, name string) string {
	t.Helper()
	config, err := os.ReadFile("../../examples/functions/" + name + "/function.tf")
	if err != nil {
		t.Fatal(err)
	}
	return string(config)
}

// functionErrorStep is a step whose configuration must fail with an error matching pattern,
// in which each space matches any run of white space (Terraform wraps long messages).
func functionErrorStep(body, pattern string) resource.TestStep {
	return resource.TestStep{Config: functionConfig(body), ExpectError: regexp.MustCompile(strings.ReplaceAll(pattern, " ", `\s+`))}
}

// organisationPolicies are an SCP that allows everything and one that denies every region
// but eu-west-1.
const organisationPolicies = `
locals {
  full_access = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }]
  })
  deny_regions = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "DenyOtherRegions"
      Effect    = "Deny"
      Action    = "*"
      Resource  = "*"
      Condition = { StringNotEquals = { "aws:RequestedRegion" = ["eu-west-1"] } }
    }]
  })
}
`

const evaluateFunctionPolicies = organisationPolicies + `
locals {
  role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Sid = "ReadReports", Effect = "Allow", Action = "s3:GetObject", Resource = "arn:aws:s3:::reports/*" },
      { Sid = "Queues", Effect = "Allow", Action = "sqs:*", Resource = "*" },
    ]
  })
  boundary = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "s3:*", Resource = "*" }]
  })
  policies = {
    identity_policies    = [local.role_policy]
    permissions_boundary = local.boundary
    scps                 = [[local.full_access, local.deny_regions], [local.full_access]]
  }
  caller = "arn:aws:sts::111122223333:assumed-role/app/session"
}
`

// scpStatement is the expected matched_statements element for a statement of an SCP written
// with jsonencode.
func scpStatement(policy string, level, index int64, sid, effect string) knownvalue.Check {
	var sidCheck knownvalue.Check = knownvalue.Null()
	if sid != "" {
		sidCheck = knownvalue.StringExact(sid)
	}
	return knownvalue.ObjectExact(map[string]knownvalue.Check{
		"kind":            knownvalue.StringExact("scp"),
		"policy":          knownvalue.StringExact(policy),
		"level":           knownvalue.Int64Exact(level),
		"statement_index": knownvalue.Int64Exact(index),
		"sid":             sidCheck,
		"effect":          knownvalue.StringExact(effect),
		"line":            knownvalue.Int64Exact(1),
	})
}

// The three decisions, each with its explanation, as the data source gives them.
func TestFunctionEvaluate_decisions(t *testing.T) {
	functionTest(t, resource.TestStep{
		Config: functionConfig(evaluateFunctionPolicies + `
output "allowed" {
  value = provider::iam::evaluate(local.policies, {
    principal = local.caller
    action    = "s3:GetObject"
    resource  = "arn:aws:s3:::reports/q3.csv"
    context   = { "aws:RequestedRegion" = "eu-west-1" }
  })
}
output "boundary" {
  value = provider::iam::evaluate(local.policies, {
    principal = local.caller
    action    = "sqs:DeleteQueue"
    resource  = "arn:aws:sqs:eu-west-1:111122223333:jobs"
    context   = { "aws:RequestedRegion" = ["eu-west-1"] }
  })
}
output "denied" {
  value = provider::iam::evaluate(local.policies, {
    principal = local.caller
    action    = "s3:GetObject"
    resource  = "arn:aws:s3:::reports/q3.csv"
    context   = { "aws:RequestedRegion" = ["us-east-1"] }
  })
}
`),
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownOutputValue("allowed", knownvalue.ObjectExact(map[string]knownvalue.Check{
				"decision": knownvalue.StringExact("Allow"),
				"allowed":  knownvalue.Bool(true),
				"matched_statements": knownvalue.ListExact([]knownvalue.Check{
					// In the order of AWS's evaluation flow: the organisation's levels first.
					scpStatement("scps[0][0]", 0, 0, "", "Allow"),
					scpStatement("scps[1][0]", 1, 0, "", "Allow"),
					statement("identity", "identity_policies[0]", 0, "ReadReports", "Allow"),
					statement("permissions_boundary", "permissions_boundary", 0, "", "Allow"),
				}),
				"blocked_by": knownvalue.ListExact([]knownvalue.Check{}),
				"reason":     knownvalue.StringRegexp(regexp.MustCompile(`(?i)allow`)),
			})),
			statecheck.ExpectKnownOutputValue("boundary", knownvalue.ObjectPartial(map[string]knownvalue.Check{
				"decision":   knownvalue.StringExact("ImplicitDeny"),
				"allowed":    knownvalue.Bool(false),
				"blocked_by": knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("permissions_boundary")}),
				"reason":     knownvalue.StringRegexp(regexp.MustCompile(`(?i)boundary`)),
			})),
			statecheck.ExpectKnownOutputValue("denied", knownvalue.ObjectPartial(map[string]knownvalue.Check{
				"decision": knownvalue.StringExact("ExplicitDeny"),
				"allowed":  knownvalue.Bool(false),
				"matched_statements": knownvalue.ListExact([]knownvalue.Check{
					scpStatement("scps[0][1]", 0, 0, "DenyOtherRegions", "Deny"),
				}),
				"blocked_by": knownvalue.ListExact([]knownvalue.Check{}),
			})),
		},
	})
}

// A managed policy ARN, a resource policy, multi-valued keys and the session-policy option are
// read as the data source reads them.
func TestFunctionEvaluate_attributes(t *testing.T) {
	functionTest(t, resource.TestStep{
		Config: functionConfig(`
locals {
  tagging = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow", Action = "ec2:CreateTags", Resource = "*"
      Condition = { "ForAllValues:StringEquals" = { "aws:TagKeys" = ["team"] } }
    }]
  })
}
output "multi" {
  value = provider::iam::evaluate({ identity_policies = [local.tagging], session_policy_limits_session_grants = true }, {
    principal         = "arn:aws:iam::111122223333:user/alice"
    action            = "ec2:CreateTags"
    resource          = "arn:aws:ec2:eu-west-1:111122223333:instance/i-1"
    context           = { "aws:TagKeys" = ["team"] }
    multi_valued_keys = ["aws:TagKeys"]
  }).decision
}
output "managed" {
  value = provider::iam::evaluate({ managed_policy_arns = ["arn:aws:iam::aws:policy/ReadOnlyAccess"] }, {
    principal = "arn:aws:iam::111122223333:user/alice"
    action    = "s3:GetObject"
    resource  = "arn:aws:s3:::any/key"
  }).allowed
}
output "cross_account" {
  value = provider::iam::evaluate({
    resource_policy = jsonencode({
      Version   = "2012-10-17"
      Statement = [{ Effect = "Allow", Principal = { AWS = "arn:aws:iam::444455556666:root" }, Action = "s3:GetObject", Resource = "arn:aws:s3:::shared/*" }]
    })
    }, {
    principal        = "arn:aws:iam::444455556666:user/bob"
    action           = "s3:GetObject"
    resource         = "arn:aws:s3:::shared/a"
    resource_account = "111122223333"
  }).blocked_by
}
`),
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownOutputValue("multi", knownvalue.StringExact("Allow")),
			statecheck.ExpectKnownOutputValue("managed", knownvalue.Bool(true)),
			// Cross-account: the resource policy allows, the caller's account gives no Allow.
			statecheck.ExpectKnownOutputValue("cross_account", knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("identity")})),
		},
	})
}

// Bad arguments are errors that name the parameter and the attribute at fault.
func TestFunctionEvaluate_badArguments(t *testing.T) {
	const req = `{ principal = "arn:aws:iam::111122223333:user/alice", action = "s3:GetObject", resource = "*" }`
	call := func(policies, request string) string {
		return "output \"x\" {\n  value = provider::iam::evaluate(" + policies + ", " + request + ")\n}\n"
	}
	functionTest(t,
		functionErrorStep(call(`{ identity_policies = ["{\"Version\": \"2012-10-17\", \"Statement\": {\"Effect\": \"Permit\"}}"] }`, req),
			`(?s)"policies".*identity_policies\[0\] is not a valid IAM policy at line 1, column 51 \(JSON path Statement\.Effect\): expected "Allow" or "Deny", got "Permit"`),
		functionErrorStep(call(`{ identity_policy = [] }`, req),
			`(?s)"policies".*policies has no attribute "identity_policy"; expected only identity_policies, managed_policy_arns`),
		functionErrorStep(call(`{ scps = [[]] }`, req),
			`(?s)"policies".*policies\.scps\[0\] is an empty level`),
		functionErrorStep(call(`{ identity_policies = "{}" }`, req),
			`(?s)"policies".*policies\.identity_policies is a string; expected a list`),
		functionErrorStep(call(`{}`, `{ principal = "alice", action = "s3:GetObject", resource = "*" }`),
			`(?s)"request".*request\.principal:`),
		functionErrorStep(call(`{}`, `{ principal = "arn:aws:iam::111122223333:user/alice", resource = "*" }`),
			`(?s)"request".*request\.action is required`),
		functionErrorStep(call(`{}`, `{ principal = "arn:aws:iam::111122223333:user/alice", action = "GetObject", resource = "*" }`),
			`(?s)"request".*request\.action is "GetObject"; expected service:Action`),
		functionErrorStep(call(`{}`, `{ principal = "arn:aws:iam::111122223333:user/alice", action = "s3:GetObject", resource = "*", resource_account = "12" }`),
			`(?s)"request".*request\.resource_account is "12"; expected a 12-digit`),
		functionErrorStep(call(`{}`, `{ principal = "arn:aws:iam::111122223333:user/alice", action = "s3:GetObject", resource = "*", multi_valued_keys = ["aws:TagKeys"] }`),
			`(?s)"request".*multi_valued_keys names "aws:TagKeys", which is not a key of context`),
	)
}

// The documentation's example runs as written, and its output says what its comment says.
func TestFunctionEvaluate_example(t *testing.T) {
	config := functionExample(t, "evaluate")
	functionTest(t, resource.TestStep{
		Config: config,
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownOutputValue("delete_queue", knownvalue.StringRegexp(regexp.MustCompile(`^ImplicitDeny: .*boundary`))),
		},
	})
}
