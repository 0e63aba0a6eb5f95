package provider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
)

const canPolicies = organisationPolicies + `
locals {
  deployer = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Sid = "PassAnyRole", Effect = "Allow", Action = "iam:PassRole", Resource = "*" },
      { Sid = "Buckets", Effect = "Allow", Action = "s3:*", Resource = "*" },
      {
        Sid       = "AdminsDelete"
        Effect    = "Allow"
        Action    = "dynamodb:DeleteTable"
        Resource  = "*"
        Condition = { StringEquals = { "aws:PrincipalTag/team" = "admin" } }
      },
    ]
  })
  boundary = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["s3:*", "dynamodb:*"], Resource = "*" }]
  })
  logs_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect = "Deny", Principal = "*", Action = "s3:DeleteObject", Resource = "arn:aws:s3:::logs/*"
    }]
  })
  role = "arn:aws:iam::111122223333:role/deployer"
}
`

// A grant is found with a witness request and the statements that allow it; a permissions
// boundary that leaves the action out makes the answer false, with no witness.
func TestFunctionCan_witness(t *testing.T) {
	functionTest(t, resource.TestStep{
		Config: functionConfig(canPolicies + `
output "pass_role" {
  value = provider::iam::can({ arn = local.role, identity_policies = [local.deployer] }, ["iam:PassRole"], ["*"])
}
output "bounded" {
  value = provider::iam::can({ arn = local.role, identity_policies = [local.deployer], permissions_boundary = local.boundary }, ["iam:PassRole"], ["*"])
}
`),
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownOutputValue("pass_role", knownvalue.ObjectExact(map[string]knownvalue.Check{
				"allowed": knownvalue.Bool(true),
				"witness": knownvalue.ObjectPartial(map[string]knownvalue.Check{
					"principal":        knownvalue.StringExact("arn:aws:iam::111122223333:role/deployer"),
					"action":           knownvalue.StringExact("iam:PassRole"),
					"resource":         knownvalue.StringRegexp(regexp.MustCompile(`^arn:aws:iam::\d{12}:role/.+`)),
					"resource_account": knownvalue.StringRegexp(regexp.MustCompile(`^\d{12}$`)),
				}),
				"statements": knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact(`identity_policies[0] statement 0 ("PassAnyRole")`)}),
			})),
			statecheck.ExpectKnownOutputValue("bounded", knownvalue.ObjectExact(map[string]knownvalue.Check{
				"allowed":    knownvalue.Bool(false),
				"witness":    knownvalue.Null(),
				"statements": knownvalue.ListExact([]knownvalue.Check{}),
			})),
		},
	})
}

// The principal's tags are free unless given, as in iam_access_check: a condition on a tag is
// met by a principal that has the tag, unless tags says the principal has other tags.
func TestFunctionCan_tags(t *testing.T) {
	functionTest(t, resource.TestStep{
		Config: functionConfig(canPolicies + `
output "free_tags" {
  value = provider::iam::can({ arn = local.role, identity_policies = [local.deployer] }, ["dynamodb:DeleteTable"], ["*"])
}
output "given_tags" {
  value = provider::iam::can({ arn = local.role, identity_policies = [local.deployer], tags = { team = "dev" } }, ["dynamodb:DeleteTable"], ["*"]).allowed
}
`),
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownOutputValue("free_tags", knownvalue.ObjectPartial(map[string]knownvalue.Check{
				"allowed": knownvalue.Bool(true),
				"witness": knownvalue.ObjectPartial(map[string]knownvalue.Check{
					"action":  knownvalue.StringExact("dynamodb:DeleteTable"),
					"context": knownvalue.MapPartial(map[string]knownvalue.Check{"aws:PrincipalTag/team": knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("admin")})}),
				}),
			})),
			statecheck.ExpectKnownOutputValue("given_tags", knownvalue.Bool(false)),
		},
	})
}

// SCPs go with the principal; the options fix the request context and give the resources'
// policies, as the resource's attributes do.
func TestFunctionCan_organisationAndResources(t *testing.T) {
	functionTest(t, resource.TestStep{
		Config: functionConfig(canPolicies + `
locals {
  governed = { arn = local.role, identity_policies = [local.deployer], scps = [[local.full_access, local.deny_regions]] }
}
output "any_region" {
  value = provider::iam::can(local.governed, ["s3:DeleteObject"], ["arn:aws:s3:::data/*"]).witness.context["aws:RequestedRegion"]
}
output "other_region" {
  value = provider::iam::can(local.governed, ["s3:DeleteObject"], ["arn:aws:s3:::data/*"], { context = { "aws:RequestedRegion" = ["us-east-1"] } }).allowed
}
output "logs" {
  value = provider::iam::can(local.governed, ["s3:DeleteObject"], ["arn:aws:s3:::logs/*"], { resource_policies = { "arn:aws:s3:::logs/*" = local.logs_policy } }).allowed
}
output "new_role" {
  value = provider::iam::can({ type = "role", account_id = "111122223333", identity_policies = [local.deployer] }, ["iam:PassRole"], ["*"]).witness.principal
}
`),
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownOutputValue("any_region", knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("eu-west-1")})),
			statecheck.ExpectKnownOutputValue("other_region", knownvalue.Bool(false)),
			statecheck.ExpectKnownOutputValue("logs", knownvalue.Bool(false)),
			statecheck.ExpectKnownOutputValue("new_role", knownvalue.StringRegexp(regexp.MustCompile(`^arn:aws:iam::111122223333:role/.+`))),
		},
	})
}

// Bad arguments are errors naming the parameter and the value at fault; an undecided analysis
// is an error, never a false.
func TestFunctionCan_errors(t *testing.T) {
	call := func(args string) string {
		return canPolicies + "output \"x\" {\n  value = provider::iam::can(" + args + ")\n}\n"
	}
	functionTest(t,
		functionErrorStep(call(`{ arn = local.role, identity_policies = [local.deployer] }, ["iam:PassRol"], ["*"]`),
			`Invalid value for "actions" parameter: actions\[0\]: "iam:PassRol" matches no action of the service reference data`),
		functionErrorStep(call(`{ arn = local.role }, ["s3:GetObject"], ["logs"]`),
			`Invalid value for "resources" parameter: resources\[0\]: "logs" is not an ARN pattern`),
		functionErrorStep(call(`{ arn = local.role }, [], ["*"]`),
			`Invalid value for "actions" parameter: actions is empty`),
		functionErrorStep(call(`{ arn = "deployer" }, ["s3:GetObject"], ["*"]`),
			`Invalid value for "principal" parameter: principal\.arn: `),
		functionErrorStep(call(`{ arn = local.role, identity_policy = [local.deployer] }, ["s3:GetObject"], ["*"]`),
			`Invalid value for "principal" parameter: principal has no attribute "identity_policy"; expected only account_id, arn,`),
		functionErrorStep(call(`{ arn = local.role, identity_policies = ["{}"] }, ["s3:GetObject"], ["*"]`),
			`Invalid value for "principal" parameter: identity_policies\[0\] is not a valid IAM policy`),
		functionErrorStep(call(`{ arn = local.role, identity_policies = [null] }, ["s3:GetObject"], ["*"]`),
			`Invalid value for "principal" parameter: principal\.identity_policies\[0\] is null`),
		// managed_policy_arns is checked by the conversion the resource uses too.
		functionErrorStep(call(`{ arn = local.role, managed_policy_arns = ["ReadOnlyAccess"] }, ["s3:GetObject"], ["*"]`),
			`Invalid value for "principal" parameter: managed_policy_arns\[0\] is "ReadOnlyAccess"; expected the ARN of an AWS managed policy`),
		functionErrorStep(call(`{ arn = local.role, managed_policy_arns = ["arn:aws:iam::111122223333:policy/Mine"] }, ["s3:GetObject"], ["*"]`),
			`Invalid value for "principal" parameter: managed_policy_arns\[0\]: "arn:aws:iam::111122223333:policy/Mine" is not an AWS managed policy ARN`),
		functionErrorStep(call(`{ type = "group", account_id = "111122223333" }, ["s3:GetObject"], ["*"]`),
			`Invalid value for "principal" parameter: principal\.type is "group"; expected "role" or "user"`),
		functionErrorStep(call(`{ identity_policies = [local.deployer] }, ["s3:GetObject"], ["*"]`),
			`Invalid value for "principal" parameter: principal\.arn is required, unless principal\.type and principal\.account_id`),
		functionErrorStep(call(`{ arn = local.role, scps = [[]] }, ["s3:GetObject"], ["*"]`),
			`Invalid value for "principal" parameter: principal\.scps\[0\] is an empty level`),
		functionErrorStep(call(`{ arn = local.role }, ["s3:GetObject"], ["*"], { resource_account = "1" }`),
			`Invalid value for "options" parameter: options\.resource_account is "1"; expected a 12-digit`),
		functionErrorStep(call(`{ arn = local.role }, ["s3:GetObject"], ["*"], { resource_policies = { "arn:aws:s3:::logs" = "{" } }`),
			`Invalid value for "options" parameter: resource_policies\["arn:aws:s3:::logs"\] is not a valid IAM policy`),
		functionErrorStep(call(`{ arn = local.role }, ["s3:GetObject"], ["*"], {}, {}`),
			`Invalid value for "options" parameter: 2 options objects given; expected at most one`),
		functionErrorStep(call(`{ arn = local.role, identity_policies = [local.deployer] }, ["s3:*"], ["*"], { budget = 1 }`),
			`(?s)Call to function "provider::iam::can" failed: the analysis could not decide whether arn:aws:iam::111122223333:role/deployer can make such a request: .*budget.*An undecided answer is not a proof that the access is denied; raise options.budget or narrow actions and resources\.\n`),
	)
}

// The documentation's example runs as written.
func TestFunctionCan_example(t *testing.T) {
	functionTest(t, resource.TestStep{
		Config: functionExample(t, "can"),
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownOutputValue("unbounded_can_pass_roles",
				knownvalue.StringRegexp(regexp.MustCompile(`^iam:PassRole on arn:aws:iam::\d{12}:role/\S+, allowed by identity_policies\[0\] statement 0 \("Deploy"\)$`))),
			statecheck.ExpectKnownOutputValue("deployer_can_pass_roles", knownvalue.Bool(false)),
		},
	})
}
