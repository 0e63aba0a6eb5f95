package provider

import (
	"context"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/compare"
	tfresource "github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

const accessCheck = "iam_access_check.test"

// Policies of the tests, as HCL expressions.
const (
	allowAllHCL = `jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Sid = "AllowAll", Effect = "Allow", Action = "*", Resource = "*" }]
  })`
	// An organisation that denies IAM changes below the root, as SCPs usually do.
	denyIAMSCPsHCL = `[
    [jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }] })],
    [jsonencode({ Version = "2012-10-17", Statement = [
      { Effect = "Allow", Action = "*", Resource = "*" },
      { Sid = "DenyIAM", Effect = "Deny", Action = "iam:*", Resource = "*" },
    ] })],
  ]`
	s3BoundaryHCL = `jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Sid = "S3Only", Effect = "Allow", Action = "s3:*", Resource = "*" }]
  })`
)

// The admin role reaches IAM: the plan fails at the forbid block, and the message carries a
// witness (an IAM action) and the statement that allows it.
func TestAccessCheckForbidReachable(t *testing.T) {
	tfresource.ParallelTest(t, tfresource.TestCase{
		IsUnitTest:               true,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []tfresource.TestStep{{
			Config: `
resource "iam_access_check" "test" {
  principal {
    arn               = "arn:aws:iam::111122223333:role/app"
    identity_policies = [` + allowAllHCL + `]
  }
  forbid {
    actions   = ["iam:CreateUser"]
    resources = ["*"]
  }
}`,
			PlanOnly: true,
			ExpectError: regexp.MustCompile(`(?s)Forbidden access is reachable.*forbid\[0\] does not hold.*` +
				`iam:CreateUser on.*allowed by identity_policies\[0\] statement 0.*"AllowAll"`),
		}},
	})
}

// The same role under an SCP that denies IAM and a boundary that allows only S3 passes; the
// state records it, and planning again shows no changes.
func TestAccessCheckPasses(t *testing.T) {
	config := `
resource "iam_access_check" "test" {
  principal {
    arn                  = "arn:aws:iam::111122223333:role/app"
    identity_policies    = [` + allowAllHCL + `]
    permissions_boundary = ` + s3BoundaryHCL + `
  }
  scps = ` + denyIAMSCPsHCL + `
  forbid {
    actions   = ["iam:*"]
    resources = ["*"]
  }
  forbid {
    actions   = ["ec2:*", "s3:DeleteBucket"]
    resources = ["arn:aws:s3:::prod-*"]
    context   = { "aws:SourceIp" = ["203.0.113.5"] }
  }
  require {
    action   = "s3:GetObject"
    resource = "arn:aws:s3:::data/report.csv"
  }
}`
	// s3:DeleteBucket on prod-* is allowed by the policies above: the second forbid only holds
	// because of the Deny below.
	config = strings.Replace(config, `Statement = [{ Sid = "AllowAll", Effect = "Allow", Action = "*", Resource = "*" }]`,
		`Statement = [
      { Sid = "AllowAll", Effect = "Allow", Action = "*", Resource = "*" },
      { Sid = "KeepProd", Effect = "Deny", Action = "s3:DeleteBucket", Resource = "arn:aws:s3:::prod-*" },
    ]`, 1)
	tfresource.ParallelTest(t, tfresource.TestCase{
		IsUnitTest:               true,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []tfresource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(accessCheck, tfjsonpath.New("passed"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(accessCheck, tfjsonpath.New("findings"), knownvalue.ListExact([]knownvalue.Check{})),
					statecheck.ExpectKnownValue(accessCheck, tfjsonpath.New("on_unknown"), knownvalue.StringExact("fail")),
					statecheck.ExpectKnownValue(accessCheck, tfjsonpath.New("enforce"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(accessCheck, tfjsonpath.New("violations"), knownvalue.Int64Exact(0)),
					statecheck.ExpectKnownValue(accessCheck, tfjsonpath.New("id"), knownvalue.StringRegexp(regexp.MustCompile(`^[0-9a-f]{64}$`))),
				},
			},
			{
				Config: config,
				ConfigPlanChecks: tfresource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				// Without the Deny, the prod buckets can be deleted: the update's plan fails.
				Config:      strings.Replace(config, `Effect = "Deny", Action = "s3:DeleteBucket"`, `Effect = "Deny", Action = "s3:DeleteObject"`, 1),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)forbid\[1\] does not hold.*s3:DeleteBucket on arn:aws:s3:::prod-`),
			},
		},
	})
}

// A change of inputs that still passes updates the resource in place with a new id.
func TestAccessCheckUpdate(t *testing.T) {
	config := func(action string) string {
		return `
resource "iam_access_check" "test" {
  principal {
    arn                  = "arn:aws:iam::111122223333:role/app"
    identity_policies    = [` + allowAllHCL + `]
    permissions_boundary = ` + s3BoundaryHCL + `
  }
  forbid {
    actions   = ["` + action + `"]
    resources = ["*"]
  }
}`
	}
	idDiffers := statecheck.CompareValue(compare.ValuesDiffer())
	tfresource.ParallelTest(t, tfresource.TestCase{
		IsUnitTest:               true,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []tfresource.TestStep{
			{
				Config:            config("iam:*"),
				ConfigStateChecks: []statecheck.StateCheck{idDiffers.AddStateValue(accessCheck, tfjsonpath.New("id"))},
			},
			{
				Config: config("ec2:*"),
				ConfigPlanChecks: tfresource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						// The check runs at plan time, so the new id is already known.
						plancheck.ExpectResourceAction(accessCheck, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(accessCheck, tfjsonpath.New("passed"), knownvalue.Bool(true)),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					idDiffers.AddStateValue(accessCheck, tfjsonpath.New("id")),
				},
			},
		},
	})
}

// A require the boundary blocks fails the plan, naming the layer.
func TestAccessCheckRequireUnmet(t *testing.T) {
	tfresource.ParallelTest(t, tfresource.TestCase{
		IsUnitTest:               true,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []tfresource.TestStep{{
			Config: `
resource "iam_access_check" "test" {
  principal {
    arn                  = "arn:aws:iam::111122223333:role/app"
    identity_policies    = [` + allowAllHCL + `]
    permissions_boundary = ` + s3BoundaryHCL + `
  }
  require {
    action   = "s3:GetObject"
    resource = "arn:aws:s3:::data/report.csv"
  }
  require {
    action   = "dynamodb:GetItem"
    resource = "arn:aws:dynamodb:us-east-1:111122223333:table/orders"
  }
}`,
			PlanOnly: true,
			ExpectError: regexp.MustCompile(`(?s)Required access is denied.*require\[1\] does not hold.*` +
				`dynamodb:GetItem.*ImplicitDeny.*Blocked by: permissions_boundary`),
		}},
	})
}

// The resource policy whose key matches the resource decides a cross-account require.
func TestAccessCheckResourcePolicies(t *testing.T) {
	config := func(grantee string) string {
		return `
resource "iam_access_check" "test" {
  principal {
    arn               = "arn:aws:iam::444455556666:role/partner"
    identity_policies = [` + allowAllHCL + `]
  }
  resource_account = "111122223333"
  resource_policies = {
    "arn:aws:s3:::shared/*" = jsonencode({
      Version   = "2012-10-17"
      Statement = [{ Sid = "Partner", Effect = "Allow", Principal = { AWS = "` + grantee + `" }, Action = "s3:GetObject", Resource = "arn:aws:s3:::shared/*" }]
    })
  }
  require {
    action   = "s3:GetObject"
    resource = "arn:aws:s3:::shared/file.txt"
  }
  forbid {
    actions   = ["s3:PutObject"]
    resources = ["arn:aws:s3:::shared/*"]
  }
}`
	}
	tfresource.ParallelTest(t, tfresource.TestCase{
		IsUnitTest:               true,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []tfresource.TestStep{
			{Config: config("arn:aws:iam::444455556666:root"), PlanOnly: true, ExpectNonEmptyPlan: true},
			{
				Config:      config("arn:aws:iam::777788889999:root"),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)require\[0\] does not hold.*Blocked by: resource`),
			},
		},
	})
}

// AWS managed policies by ARN: ReadOnlyAccess cannot create users, AdministratorAccess can.
func TestAccessCheckManagedPolicies(t *testing.T) {
	config := func(arn string) string {
		return `
resource "iam_access_check" "test" {
  principal {
    arn                 = "arn:aws:iam::111122223333:role/auditor"
    managed_policy_arns = ["` + arn + `"]
  }
  forbid {
    actions   = ["iam:CreateUser"]
    resources = ["*"]
  }
}`
	}
	tfresource.ParallelTest(t, tfresource.TestCase{
		IsUnitTest:               true,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []tfresource.TestStep{
			{
				Config: config("arn:aws:iam::aws:policy/ReadOnlyAccess"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(accessCheck, tfjsonpath.New("passed"), knownvalue.Bool(true)),
				},
			},
			{
				Config:      config("arn:aws:iam::aws:policy/AdministratorAccess"),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)forbid\[0\] does not hold.*iam:CreateUser.*arn:aws:iam::aws:policy/AdministratorAccess`),
			},
			{
				Config:      config("arn:aws:iam::aws:policy/AWSLambdaBasicExecutionRole"),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Unknown AWS managed policy.*did\s+you\s+mean.*arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole`),
			},
			// Only AWS managed policies go by ARN: a customer managed policy is given as a document.
			{
				Config:      config("arn:aws:iam::111122223333:policy/Mine"),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Unknown AWS managed policy.*managed_policy_arns\[0\]:\s+"arn:aws:iam::111122223333:policy/Mine"\s+is\s+not\s+an\s+AWS\s+managed\s+policy\s+ARN.*customer\s+managed\s+policies\s+must\s+be\s+given\s+as\s+documents`),
			},
			{
				Config:      config("ReadOnlyAccess"),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Not a policy ARN.*managed_policy_arns\[0\]\s+is\s+"ReadOnlyAccess";\s+expected\s+the\s+ARN\s+of\s+an\s+AWS\s+managed\s+policy`),
			},
			// The last configuration is the one Terraform destroys with: it must be valid.
			{Config: config("arn:aws:iam::aws:policy/ReadOnlyAccess"), PlanOnly: true},
		},
	})
}

// A permissions boundary given as an AWS managed policy ARN.
func TestAccessCheckManagedBoundary(t *testing.T) {
	tfresource.ParallelTest(t, tfresource.TestCase{
		IsUnitTest:               true,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []tfresource.TestStep{{
			Config: `
resource "iam_access_check" "test" {
  principal {
    arn                  = "arn:aws:iam::111122223333:role/app"
    identity_policies    = [` + allowAllHCL + `]
    permissions_boundary = "arn:aws:iam::aws:policy/ReadOnlyAccess"
  }
  forbid {
    actions   = ["iam:CreateUser", "s3:DeleteBucket"]
    resources = ["*"]
  }
  require {
    action   = "iam:CreateUser"
    resource = "arn:aws:iam::111122223333:user/x"
  }
}`,
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)require\[0\] does not hold.*Blocked by: permissions_boundary`),
		}},
	})
}

// Invalid policy JSON is reported at its attribute with the line, column and JSON path.
func TestAccessCheckInvalidPolicy(t *testing.T) {
	valid := `
resource "iam_access_check" "test" {
  principal { arn = "arn:aws:iam::111122223333:role/app" }
  forbid {
    actions   = ["iam:*"]
    resources = ["*"]
  }
}`
	tfresource.ParallelTest(t, tfresource.TestCase{
		IsUnitTest:               true,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []tfresource.TestStep{{
			Config: `
resource "iam_access_check" "test" {
  principal {
    arn               = "arn:aws:iam::111122223333:role/app"
    identity_policies = [` + allowAllHCL + `, "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [{\"Effect\": \"Alow\", \"Action\": \"*\", \"Resource\": \"*\"}]\n}"]
  }
  forbid {
    actions   = ["iam:*"]
    resources = ["*"]
  }
}`,
			PlanOnly: true,
			ExpectError: regexp.MustCompile(`(?s)Invalid policy document.*identity_policies\[1\] is not a valid IAM policy at line 3,` +
				`\s+column 28 \(JSON\s+path\s+Statement\[0\]\.Effect\)`),
		}, {
			// The last configuration is the one Terraform destroys with: it must be valid.
			Config: valid, PlanOnly: true, ExpectNonEmptyPlan: true,
		}},
	})
}

// An unknown policy fails the plan by default, naming the input and how to make it known;
// with on_unknown = "defer" the plan passes with the results unknown and the apply fails once
// terraform_data's output is known.
func TestAccessCheckUnknownAtPlan(t *testing.T) {
	config := func(onUnknown string) string {
		return `
resource "terraform_data" "policy" {
  input = ` + allowAllHCL + `
}
resource "iam_access_check" "test" {
  principal {
    arn               = "arn:aws:iam::111122223333:role/app"
    identity_policies = [terraform_data.policy.output]
  }
  forbid {
    actions   = ["iam:*"]
    resources = ["*"]
  }
  ` + onUnknown + `
}`
	}
	tfresource.ParallelTest(t, tfresource.TestCase{
		IsUnitTest:               true,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []tfresource.TestStep{
			{
				Config:   config(""),
				PlanOnly: true,
				ExpectError: regexp.MustCompile(`(?s)Access check inputs unknown at plan time.*principal\.identity_policies\[0\]` +
					`.*aws_iam_policy_document.*guard.*on_unknown\s+=\s+"defer"`),
			},
			{
				Config:             config(`on_unknown = "defer"`),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: tfresource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{
						plancheck.ExpectUnknownValue(accessCheck, tfjsonpath.New("passed")),
						plancheck.ExpectUnknownValue(accessCheck, tfjsonpath.New("findings")),
					},
				},
			},
			{
				Config:      config(`on_unknown = "defer"`),
				ExpectError: regexp.MustCompile(`(?s)Error running apply.*Forbidden access is reachable.*forbid\[0\] does not hold`),
			},
		},
	})
}

// The gate pattern: with on_unknown = "defer", a resource that grants and depends on the check
// is not created when the check fails during apply. The next step, whose check passes, plans
// to create it: the failed apply never did.
func TestAccessCheckDeferredGate(t *testing.T) {
	config := func(action string) string {
		return `
resource "terraform_data" "policy" {
  input = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "` + action + `", Resource = "*" }]
  })
}
resource "iam_access_check" "test" {
  principal {
    arn               = "arn:aws:iam::111122223333:role/app"
    identity_policies = [terraform_data.policy.output]
  }
  forbid {
    actions   = ["iam:*"]
    resources = ["*"]
  }
  on_unknown = "defer"
}
# Stands for the attachment that grants the policy: it waits for the check.
resource "terraform_data" "grant" {
  input      = terraform_data.policy.output
  depends_on = [iam_access_check.test]
}`
	}
	tfresource.ParallelTest(t, tfresource.TestCase{
		IsUnitTest:               true,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		ExternalProviders:        map[string]tfresource.ExternalProvider{},
		Steps: []tfresource.TestStep{
			{
				Config:      config("iam:CreateUser"),
				ExpectError: regexp.MustCompile(`(?s)Forbidden access is reachable.*forbid\[0\] does not hold.*iam:CreateUser`),
			},
			{
				Config: config("s3:GetObject"),
				ConfigPlanChecks: tfresource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("terraform_data.grant", plancheck.ResourceActionCreate),
						plancheck.ExpectResourceAction(accessCheck, plancheck.ResourceActionCreate),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(accessCheck, tfjsonpath.New("passed"), knownvalue.Bool(true)),
				},
			},
		},
	})
}

// A role created in the same plan (terraform_data stands in for its unknown ARN) is checked at
// plan time as every role of the account: a grant to any role fails the plan, a bucket policy
// naming one role fails it with that role's ARN, and a check that holds for every role passes
// with its results known in the plan.
func TestAccessCheckNewPrincipal(t *testing.T) {
	config := func(policies, extra string) string {
		return `
resource "terraform_data" "role" {
  input = "arn:aws:iam::111122223333:role/deployer"
}
resource "iam_access_check" "test" {
  principal {
    arn               = terraform_data.role.output
    type              = "role"
    account_id        = "111122223333"
    identity_policies = [` + policies + `]
  }
  ` + extra + `
}`
	}
	readOnly := `jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "*" }] })`
	bucketPolicy := `
  resource_policies = {
    "arn:aws:s3:::data" = jsonencode({ Version = "2012-10-17", Statement = [{
      Effect = "Allow", Principal = { AWS = "arn:aws:iam::111122223333:role/deployer" },
      Action = "s3:DeleteBucket", Resource = "arn:aws:s3:::data" }] })
  }
  forbid {
    actions   = ["s3:DeleteBucket"]
    resources = ["arn:aws:s3:::data"]
  }`
	tfresource.ParallelTest(t, tfresource.TestCase{
		IsUnitTest:               true,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []tfresource.TestStep{
			{
				Config: config(allowAllHCL, `forbid {
    actions   = ["iam:CreateUser"]
    resources = ["*"]
  }`),
				PlanOnly: true,
				ExpectError: regexp.MustCompile(`(?s)forbid\[0\] does not hold:\s+arn:aws:iam::111122223333:role/\(known\s+after\s+apply\)` +
					`.*iam:CreateUser`),
			},
			{
				Config:   config(readOnly, bucketPolicy),
				PlanOnly: true,
				ExpectError: regexp.MustCompile(`(?s)forbid\[0\] does not hold:.*\(if\s+its\s+ARN\s+is\s+` +
					`arn:aws:iam::111122223333:role/deployer\).*s3:DeleteBucket`),
			},
			{
				Config: config(readOnly, `forbid {
    actions   = ["iam:*", "s3:DeleteBucket"]
    resources = ["*"]
  }`),
				ConfigPlanChecks: tfresource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectKnownValue(accessCheck, tfjsonpath.New("passed"), knownvalue.Bool(true)),
						plancheck.ExpectKnownValue(accessCheck, tfjsonpath.New("violations"), knownvalue.Int64Exact(0)),
						plancheck.ExpectUnknownValue(accessCheck, tfjsonpath.New("id")),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(accessCheck, tfjsonpath.New("passed"), knownvalue.Bool(true)),
				},
			},
			{
				// Without type and account_id, the unknown ARN of a new resource is an unknown input.
				Config: strings.NewReplacer(`type              = "role"`, "", `account_id        = "111122223333"`, "",
					"terraform_data.role.output", "terraform_data.new_role.output").Replace(config(readOnly, `forbid {
    actions   = ["iam:*"]
    resources = ["*"]
  }`)) + `
resource "terraform_data" "new_role" {
  input = "arn:aws:iam::111122223333:role/other"
}`,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Access check inputs unknown at plan time.*principal\.arn.*set\s+principal\.type`),
			},
		},
	})
}

// Principals: the type and account must agree with a known ARN, and without an ARN both are
// needed.
func TestAccessCheckPrincipalAttributes(t *testing.T) {
	config := func(principal string) string {
		return `
resource "iam_access_check" "test" {
  principal {
    ` + principal + `
    identity_policies = [` + allowAllHCL + `]
  }
  forbid {
    actions   = ["iam:*"]
    resources = ["*"]
  }
}`
	}
	tfresource.ParallelTest(t, tfresource.TestCase{
		IsUnitTest:               true,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []tfresource.TestStep{
			{
				Config:      config(`arn = "arn:aws:iam::111122223333:role/app"` + "\n    type = \"user\""),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Principal type disagrees with its ARN.*principal\.type is "user"`),
			},
			{
				Config:      config(`arn = "arn:aws:iam::111122223333:role/app"` + "\n    account_id = \"444455556666\""),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Principal account disagrees with its ARN`),
			},
			{
				Config:      config(`type = "role"`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Missing principal.*principal\.arn is required, unless principal\.type\s+and\s+principal\.account_id`),
			},
			{
				// "*" or a dotted name is not an anonymous caller or a service: an error.
				Config:      config(`arn = "*"`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Invalid principal.*principal\.arn`),
			},
			{
				Config:      config(`arn = "alice.smith"`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Invalid principal.*principal\.arn`),
			},
			{
				// Every role of the account, no ARN given: the grant of iam:* fails.
				Config:      config(`type = "role"` + "\n    account_id = \"111122223333\""),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)forbid\[0\] does not hold:\s+arn:aws:iam::111122223333:role/\(known\s+after\s+apply\)`),
			},
		},
	})
}

// Report-only: with enforce = false the plan and the apply pass, and the results say what
// does not hold, so that module tests can assert on them.
func TestAccessCheckReportOnly(t *testing.T) {
	tfresource.ParallelTest(t, tfresource.TestCase{
		IsUnitTest:               true,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []tfresource.TestStep{{
			Config: `
resource "iam_access_check" "test" {
  principal {
    arn               = "arn:aws:iam::111122223333:role/app"
    identity_policies = [` + allowAllHCL + `]
  }
  forbid {
    actions   = ["iam:CreateUser"]
    resources = ["*"]
  }
  require {
    action   = "s3:GetObject"
    resource = "arn:aws:s3:::data/x"
  }
  scps    = [[jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "iam:*", Resource = "*" }] })]]
  enforce = false
}`,
			ConfigPlanChecks: tfresource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue(accessCheck, tfjsonpath.New("passed"), knownvalue.Bool(false)),
					plancheck.ExpectKnownValue(accessCheck, tfjsonpath.New("violations"), knownvalue.Int64Exact(2)),
				},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(accessCheck, tfjsonpath.New("passed"), knownvalue.Bool(false)),
				statecheck.ExpectKnownValue(accessCheck, tfjsonpath.New("violations"), knownvalue.Int64Exact(2)),
				statecheck.ExpectKnownValue(accessCheck, tfjsonpath.New("findings").AtSliceIndex(0).AtMapKey("kind"), knownvalue.StringExact("violation")),
				statecheck.ExpectKnownValue(accessCheck, tfjsonpath.New("findings").AtSliceIndex(0).AtMapKey("witness").AtMapKey("action"), knownvalue.StringExact("iam:CreateUser")),
				statecheck.ExpectKnownValue(accessCheck, tfjsonpath.New("findings").AtSliceIndex(0).AtMapKey("witness").AtMapKey("principal"),
					knownvalue.StringExact("arn:aws:iam::111122223333:role/app")),
				statecheck.ExpectKnownValue(accessCheck, tfjsonpath.New("findings").AtSliceIndex(1).AtMapKey("kind"), knownvalue.StringExact("unmet")),
				statecheck.ExpectKnownValue(accessCheck, tfjsonpath.New("findings").AtSliceIndex(1).AtMapKey("rule"), knownvalue.StringExact("require[0]")),
			},
		}},
	})
}

// A value that is not a policy document (what a mock provider invents) is named with how it
// begins.
func TestAccessCheckNotADocument(t *testing.T) {
	tfresource.ParallelTest(t, tfresource.TestCase{
		IsUnitTest:               true,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []tfresource.TestStep{{
			Config: `
resource "iam_access_check" "test" {
  principal {
    arn               = "arn:aws:iam::111122223333:role/app"
    identity_policies = ["a1b2c3d4e5"]
  }
  forbid {
    actions   = ["iam:*"]
    resources = ["*"]
  }
}`,
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)Not a policy document.*identity_policies\[0\] is not a policy document: it\s+begins\s+with\s+"a1b2c3d4e5"`),
		}},
	})
}

// The warning for unknown inputs under on_unknown = "defer", which the acceptance test
// framework cannot observe: the plan modifier is called directly with a configuration whose
// identity policy is unknown.
func TestAccessCheckUnknownWarning(t *testing.T) {
	ctx := context.Background()
	r := &accessCheckResource{}
	var sresp resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &sresp)
	objType, ok1 := sresp.Schema.Type().TerraformType(ctx).(tftypes.Object)
	principalType, ok2 := objType.AttributeTypes["principal"].(tftypes.Object)
	forbidList, ok3 := objType.AttributeTypes["forbid"].(tftypes.List)
	forbidType, ok4 := forbidList.ElementType.(tftypes.Object)
	if !ok1 || !ok2 || !ok3 || !ok4 {
		t.Fatalf("unexpected schema types: %v", objType)
	}
	config := objectWith(objType, map[string]tftypes.Value{
		"principal": objectWith(principalType, map[string]tftypes.Value{
			"arn": tftypes.NewValue(tftypes.String, "arn:aws:iam::111122223333:role/app"),
			"identity_policies": tftypes.NewValue(tftypes.List{ElementType: tftypes.String},
				[]tftypes.Value{tftypes.NewValue(tftypes.String, tftypes.UnknownValue)}),
		}),
		"forbid": tftypes.NewValue(objType.AttributeTypes["forbid"], []tftypes.Value{objectWith(forbidType, map[string]tftypes.Value{
			"actions":   tftypes.NewValue(tftypes.List{ElementType: tftypes.String}, []tftypes.Value{tftypes.NewValue(tftypes.String, "iam:*")}),
			"resources": tftypes.NewValue(tftypes.List{ElementType: tftypes.String}, []tftypes.Value{tftypes.NewValue(tftypes.String, "*")}),
		})}),
		"on_unknown": tftypes.NewValue(tftypes.String, "defer"),
	})
	req := resource.ModifyPlanRequest{
		Config: tfsdk.Config{Raw: config, Schema: sresp.Schema},
		Plan:   tfsdk.Plan{Raw: config, Schema: sresp.Schema},
		State:  tfsdk.State{Raw: tftypes.NewValue(objType, nil), Schema: sresp.Schema},
	}
	resp := resource.ModifyPlanResponse{Plan: req.Plan}
	r.ModifyPlan(ctx, req, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatalf("unexpected errors: %v", resp.Diagnostics)
	}
	warnings := resp.Diagnostics.Warnings()
	if len(warnings) != 1 || warnings[0].Summary() != "Access check deferred to apply" ||
		!strings.Contains(warnings[0].Detail(), "principal.identity_policies[0]") {
		t.Fatalf("want one warning naming principal.identity_policies[0], got %v", resp.Diagnostics)
	}
	var passed tftypes.Value
	attrs := map[string]tftypes.Value{}
	if err := resp.Plan.Raw.As(&attrs); err != nil {
		t.Fatal(err)
	}
	passed = attrs["passed"]
	if passed.IsKnown() {
		t.Errorf("passed is known in the plan: %v", passed)
	}
}

// objectWith builds a value of an object type with the given attributes and every other
// attribute null.
func objectWith(t tftypes.Object, set map[string]tftypes.Value) tftypes.Value {
	vals := map[string]tftypes.Value{}
	for name, at := range t.AttributeTypes {
		if v, ok := set[name]; ok {
			vals[name] = v
		} else {
			vals[name] = tftypes.NewValue(at, nil)
		}
	}
	return tftypes.NewValue(t, vals)
}

// The example runs as written and passes; without the boundary IAM is reachable (through
// PowerUserAccess), and without the SCP's Deny a production bucket can be deleted.
func TestAccessCheckExample(t *testing.T) {
	b, err := os.ReadFile("../../examples/resources/iam_access_check/resource.tf")
	if err != nil {
		t.Fatal(err)
	}
	config := string(b)
	withoutBoundaryDeny := strings.Replace(config, `Effect = "Deny", Action = ["iam:*", "organizations:*", "account:*"]`,
		`Effect = "Deny", Action = ["organizations:*", "account:*"]`, 1)
	withoutSCPDeny := strings.Replace(config, `Action    = ["s3:DeleteBucket", "s3:DeleteBucketPolicy", "s3:PutBucketPolicy"]`,
		`Action    = ["s3:DeleteBucketPolicy", "s3:PutBucketPolicy"]`, 1)
	if withoutBoundaryDeny == config || withoutSCPDeny == config {
		t.Fatal("the example no longer has the guards this test removes")
	}
	const example = "iam_access_check.app_deployer"
	tfresource.ParallelTest(t, tfresource.TestCase{
		IsUnitTest:               true,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []tfresource.TestStep{
			{
				Config:      withoutBoundaryDeny,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)forbid\[0\] does not hold.*iam:.*arn:aws:iam::aws:policy/PowerUserAccess`),
			},
			{
				Config:      withoutSCPDeny,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)forbid\[1\] does not hold.*s3:DeleteBucket on\s+arn:aws:s3:::prod-`),
			},
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(example, tfjsonpath.New("passed"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(example, tfjsonpath.New("findings"), knownvalue.ListExact([]knownvalue.Check{})),
				},
			},
		},
	})
}

// waive_undecided accepts an undecided rule, with its reason, as a warning: passed stays true
// and the finding is kept as waived_undecided. An undecided rule without it fails the plan,
// and a violation the analysis finds is never waived (budget = 1 makes the tag patterns
// undecided).
func TestAccessCheckWaiveUndecided(t *testing.T) {
	conditional := `jsonencode({ Version = "2012-10-17", Statement = [
      { Effect = "Allow", Action = "s3:*", Resource = "*", Condition = { StringLike = { "aws:PrincipalTag/team" = "a*" } } },
      { Effect = "Deny", Action = "s3:*", Resource = "*", Condition = { StringLike = { "aws:PrincipalTag/team" = "*b" } } },
    ] })`
	check := func(waiver, policy, budget string) string {
		return `
resource "iam_access_check" "test" {
  ` + budget + `
  principal {
    arn               = "arn:aws:iam::111122223333:role/app"
    identity_policies = [` + policy + `]
  }
  forbid {
    actions   = ["s3:*"]
    resources = ["*"]
    ` + waiver + `
  }
}`
	}
	tfresource.ParallelTest(t, tfresource.TestCase{
		IsUnitTest:               true,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []tfresource.TestStep{
			{
				Config:      check("", conditional, "budget = 1"),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Access check undecided.*forbid\[0\] could not be decided`),
			},
			{
				// A violation is not waived by waive_undecided.
				Config:      check(`waive_undecided = "Reviewed in SEC-9."`, allowAllHCL, ""),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Forbidden access is reachable.*forbid\[0\] does not hold`),
			},
			{
				Config: check(`waive_undecided = "The analysis cannot decide tag patterns cheaply; reviewed in SEC-9."`, conditional, "budget = 1"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("iam_access_check.test", tfjsonpath.New("passed"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue("iam_access_check.test", tfjsonpath.New("violations"), knownvalue.Int64Exact(0)),
					statecheck.ExpectKnownValue("iam_access_check.test", tfjsonpath.New("findings").AtSliceIndex(0).AtMapKey("kind"), knownvalue.StringExact("waived_undecided")),
					statecheck.ExpectKnownValue("iam_access_check.test", tfjsonpath.New("findings").AtSliceIndex(0).AtMapKey("message"),
						knownvalue.StringRegexp(regexp.MustCompile(`waived \(waive_undecided\): The analysis cannot decide`))),
				},
			},
		},
	})
}
