package provider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// The policies in these tests come from cases written from AWS's documentation
// (testdata of internal/evaluator, from ../shared/cases/docs.jsonl); the case id is named at
// each test.

const evaluation = "data.iam_policy_evaluation.test"

// requestAttr is the path of a computed attribute of the i-th request block.
func requestAttr(i int, name string) tfjsonpath.Path {
	return tfjsonpath.New("request").AtSliceIndex(i).AtMapKey(name)
}

func expectRequest(i int, name string, check knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(evaluation, requestAttr(i, name), check)
}

// statement is the expected matched_statements element for a statement of a policy that is
// not an SCP or RCP, written with jsonencode (so on line 1).
func statement(kind, policy string, index int64, sid, effect string) knownvalue.Check {
	var sidCheck knownvalue.Check = knownvalue.Null()
	if sid != "" {
		sidCheck = knownvalue.StringExact(sid)
	}
	return knownvalue.ObjectExact(map[string]knownvalue.Check{
		"kind":            knownvalue.StringExact(kind),
		"policy":          knownvalue.StringExact(policy),
		"level":           knownvalue.Null(),
		"statement_index": knownvalue.Int64Exact(index),
		"sid":             sidCheck,
		"effect":          knownvalue.StringExact(effect),
		"line":            knownvalue.Int64Exact(1),
	})
}

var emptyList = knownvalue.ListExact([]knownvalue.Check{})

// doc-009-iam-getrole-allowed: iam:Get* allows iam:GetRole; the Deny of iam:*Report does not match.
func TestPolicyEvaluation_allow(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{
		IsUnitTest:               true,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
data "iam_policy_evaluation" "test" {
  identity_policies = [jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Sid = "AllowGetList", Effect = "Allow", Action = ["iam:Get*", "iam:List*"], Resource = "*" },
      { Sid = "DenyReports", Effect = "Deny", Action = "iam:*Report", Resource = "*" },
    ]
  })]
  request {
    principal = "arn:aws:iam::111122223333:user/alice"
    action    = "iam:GetRole"
    resource  = "arn:aws:iam::111122223333:role/app"
  }
}`,
			ConfigStateChecks: []statecheck.StateCheck{
				expectRequest(0, "decision", knownvalue.StringExact("Allow")),
				expectRequest(0, "allowed", knownvalue.Bool(true)),
				expectRequest(0, "matched_statements", knownvalue.ListExact([]knownvalue.Check{
					statement("identity", "identity_policies[0]", 0, "AllowGetList", "Allow"),
				})),
				expectRequest(0, "blocked_by", emptyList),
				expectRequest(0, "reason", knownvalue.StringRegexp(regexp.MustCompile(`(?i)allow`))),
				statecheck.ExpectKnownValue(evaluation, tfjsonpath.New("all_allowed"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue(evaluation, tfjsonpath.New("id"), knownvalue.StringRegexp(regexp.MustCompile(`^[0-9a-f]{64}$`))),
			},
		}},
	})
}

// doc-004-carlos-logs-bucket: DenyS3Logs (statement 2) matches arn:aws:s3:::*log*.
func TestPolicyEvaluation_explicitDeny(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{
		IsUnitTest:               true,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
data "iam_policy_evaluation" "test" {
  identity_policies = [jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Sid = "AllowS3ListRead", Effect = "Allow", Action = ["s3:GetBucketLocation", "s3:ListAllMyBuckets"], Resource = "arn:aws:s3:::*" },
      { Sid = "AllowS3Self", Effect = "Allow", Action = "s3:*", Resource = ["arn:aws:s3:::carlossalazar/*", "arn:aws:s3:::carlossalazar"] },
      { Sid = "DenyS3Logs", Effect = "Deny", Action = "s3:*", Resource = "arn:aws:s3:::*log*" },
    ]
  })]
  request {
    principal = "arn:aws:iam::111122223333:user/carlossalazar"
    action    = "s3:PutObject"
    resource  = "arn:aws:s3:::carlossalazar-logs/file.txt"
  }
}`,
			ConfigStateChecks: []statecheck.StateCheck{
				expectRequest(0, "decision", knownvalue.StringExact("ExplicitDeny")),
				expectRequest(0, "allowed", knownvalue.Bool(false)),
				expectRequest(0, "matched_statements", knownvalue.ListExact([]knownvalue.Check{
					statement("identity", "identity_policies[0]", 2, "DenyS3Logs", "Deny"),
				})),
				expectRequest(0, "blocked_by", emptyList),
				statecheck.ExpectKnownValue(evaluation, tfjsonpath.New("all_allowed"), knownvalue.Bool(false)),
			},
		}},
	})
}

// The identity policy allows s3:*, the permissions boundary only ec2:*: nothing denies, but
// the boundary gives no Allow.
func TestPolicyEvaluation_blockedByBoundary(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{
		IsUnitTest:               true,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
data "iam_policy_evaluation" "test" {
  identity_policies = [jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Sid = "S3", Effect = "Allow", Action = "s3:*", Resource = "*" }]
  })]
  permissions_boundary = jsonencode({
    Version   = "2012-10-17"
    Statement = { Effect = "Allow", Action = "ec2:*", Resource = "*" }
  })
  request {
    principal = "arn:aws:iam::111122223333:user/alice"
    action    = "s3:GetObject"
    resource  = "arn:aws:s3:::bkt/obj.txt"
  }
}`,
			ConfigStateChecks: []statecheck.StateCheck{
				expectRequest(0, "decision", knownvalue.StringExact("ImplicitDeny")),
				expectRequest(0, "allowed", knownvalue.Bool(false)),
				expectRequest(0, "blocked_by", knownvalue.ListExact([]knownvalue.Check{
					knownvalue.StringExact("permissions_boundary"),
				})),
				// The identity layer did allow; its statement is part of the explanation.
				expectRequest(0, "matched_statements", knownvalue.ListExact([]knownvalue.Check{
					statement("identity", "identity_policies[0]", 0, "S3", "Allow"),
				})),
				expectRequest(0, "reason", knownvalue.StringRegexp(regexp.MustCompile(`boundary`))),
			},
		}},
	})
}

// scp-111-ou-level-missing-allow: the OU level (level 1) only allows ec2:*; s3:GetObject is
// blocked there although the root and account levels allow everything.
func TestPolicyEvaluation_blockedBySCPLevel(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{
		IsUnitTest:               true,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
locals {
  full_access = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }] })
  ec2_only    = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "ec2:*", Resource = "*" }] })
}

data "iam_policy_evaluation" "test" {
  identity_policies = [jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "s3:*", Resource = "*" }]
  })]
  scps = [[local.full_access], [local.ec2_only], [local.full_access]]
  request {
    principal = "arn:aws:iam::111122223333:user/alice"
    action    = "s3:GetObject"
    resource  = "arn:aws:s3:::bkt/obj.txt"
  }
  request {
    principal = "arn:aws:iam::111122223333:user/alice"
    action    = "ec2:DescribeInstances"
    resource  = "*"
  }
}`,
			ConfigStateChecks: []statecheck.StateCheck{
				expectRequest(0, "decision", knownvalue.StringExact("ImplicitDeny")),
				expectRequest(0, "blocked_by", knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("scp[1]")})),
				// ec2:DescribeInstances passes every level, but the identity policy only allows s3.
				expectRequest(1, "decision", knownvalue.StringExact("ImplicitDeny")),
				expectRequest(1, "blocked_by", knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("identity")})),
			},
		}},
	})
}

// xacct-085-resource-only and xacct-086-both: a cross-account request needs an Allow on both
// sides; the bucket policy alone does not let bob in.
func TestPolicyEvaluation_crossAccount(t *testing.T) {
	config := func(identity string) string {
		return `
data "iam_policy_evaluation" "test" {
  identity_policies = ` + identity + `
  resource_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "BobReads"
      Effect    = "Allow"
      Action    = "s3:GetObject"
      Resource  = "arn:aws:s3:::bkt/obj.txt"
      Principal = { AWS = "arn:aws:iam::444455556666:user/bob" }
    }]
  })
  request {
    principal        = "arn:aws:iam::444455556666:user/bob"
    action           = "s3:GetObject"
    resource         = "arn:aws:s3:::bkt/obj.txt"
    resource_account = "111122223333"
  }
}`
	}
	resource.ParallelTest(t, resource.TestCase{
		IsUnitTest:               true,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config(`[]`),
				ConfigStateChecks: []statecheck.StateCheck{
					expectRequest(0, "decision", knownvalue.StringExact("ImplicitDeny")),
					expectRequest(0, "blocked_by", knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("identity")})),
				},
			},
			{
				Config: config(`[jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "*" }] })]`),
				ConfigStateChecks: []statecheck.StateCheck{
					expectRequest(0, "decision", knownvalue.StringExact("Allow")),
					expectRequest(0, "matched_statements", knownvalue.SetExact([]knownvalue.Check{
						statement("identity", "identity_policies[0]", 0, "", "Allow"),
						statement("resource", "resource_policy", 0, "BobReads", "Allow"),
					})),
				},
			},
		},
	})
}

// The second identity policy has Effect "Alow" on line 4 of its heredoc: the plan fails with
// the attribute, the line and column, and the JSON path of the element.
func TestPolicyEvaluation_invalidPolicyJSON(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{
		IsUnitTest:               true,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
data "iam_policy_evaluation" "test" {
  identity_policies = [
    jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "s3:*", Resource = "*" }] }),
    <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [{
        "Effect": "Alow",
        "Action": "s3:*",
        "Resource": "*"
      }]
    }
    EOT
  ]
  request {
    principal = "arn:aws:iam::111122223333:user/alice"
    action    = "s3:GetObject"
    resource  = "arn:aws:s3:::bkt/obj.txt"
  }
}`,
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)Invalid policy document.*identity_policies\[1\] is not a valid IAM policy\s+at\s+line\s+4,\s+column\s+15\s+\(JSON\s+path\s+Statement\[0\]\.Effect\)`),
		}},
	})
}

// A policy that is not JSON at all is reported at its attribute, here an SCP of level 0.
func TestPolicyEvaluation_invalidSCPJSON(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{
		IsUnitTest:               true,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
data "iam_policy_evaluation" "test" {
  scps = [["{\"Version\": \"2012-10-17\", \"Statement\": [}"]]
  request {
    principal = "arn:aws:iam::111122223333:user/alice"
    action    = "s3:GetObject"
    resource  = "*"
  }
}`,
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)scps\[0\]\[0\] is not a valid IAM policy\s+at\s+line\s+1,\s+column\s+41`),
		}},
	})
}

func TestPolicyEvaluation_badPrincipal(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{
		IsUnitTest:               true,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
data "iam_policy_evaluation" "test" {
  request {
    principal = "arn:aws:iam::1234:user/alice"
    action    = "s3:GetObject"
    resource  = "*"
  }
}`,
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)Invalid principal.*request\[0\]\.principal:.*12\s+digits`),
		}},
	})
}

func TestPolicyEvaluation_badAction(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{
		IsUnitTest:               true,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
data "iam_policy_evaluation" "test" {
  request {
    principal = "arn:aws:iam::111122223333:user/alice"
    action    = "GetObject"
    resource  = "*"
  }
}`,
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`must be service:Action`),
		}},
	})
}

func TestPolicyEvaluation_requiresRequest(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{
		IsUnitTest:               true,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      `data "iam_policy_evaluation" "test" {}`,
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`Block request must have a configuration value`),
		}},
	})
}

// Several requests against one policy set: a condition on a multi-valued key (cond-049), once
// with a subset of the allowed tag keys and once not, and a KMS request with an identity Allow
// but no key policy granting it (kms-123): KMS needs the key policy to grant. all_allowed is
// false because some are denied.
func TestPolicyEvaluation_multipleRequests(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{
		IsUnitTest:               true,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
data "iam_policy_evaluation" "test" {
  identity_policies = [jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Sid = "Tags", Effect = "Allow", Action = "ec2:CreateTags", Resource = "*",
        Condition = { "ForAllValues:StringEquals" = { "aws:TagKeys" = ["env", "team"] } } },
      { Sid = "Decrypt", Effect = "Allow", Action = "kms:Decrypt", Resource = "*" },
    ]
  })]
  request {
    principal = "arn:aws:iam::111122223333:user/alice"
    action    = "ec2:CreateTags"
    resource  = "*"
    context   = { "aws:TagKeys" = ["env"] }
    multi_valued_keys = ["aws:TagKeys"]
  }
  request {
    principal = "arn:aws:iam::111122223333:user/alice"
    action    = "ec2:CreateTags"
    resource  = "*"
    context   = { "aws:TagKeys" = ["env", "owner"] }
  }
  request {
    principal = "arn:aws:iam::111122223333:user/alice"
    action    = "kms:Decrypt"
    resource  = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
  }
}`,
			ConfigStateChecks: []statecheck.StateCheck{
				expectRequest(0, "decision", knownvalue.StringExact("Allow")),
				expectRequest(1, "decision", knownvalue.StringExact("ImplicitDeny")),
				expectRequest(1, "blocked_by", knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("identity")})),
				expectRequest(2, "decision", knownvalue.StringExact("ImplicitDeny")),
				expectRequest(2, "blocked_by", knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("resource")})),
				statecheck.ExpectKnownValue(evaluation, tfjsonpath.New("all_allowed"), knownvalue.Bool(false)),
			},
		}},
	})
}

// A KMS key policy that does not delegate to the account (kms-125) stops an identity Allow:
// key policies must grant explicitly.
func TestPolicyEvaluation_kmsKeyPolicy(t *testing.T) {
	config := func(keyPrincipal string) string {
		return `
data "iam_policy_evaluation" "test" {
  identity_policies = [jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "kms:Decrypt", Resource = "*" }] })]
  resource_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Sid = "Key", Effect = "Allow", Action = "kms:*", Resource = "*", Principal = { AWS = "` + keyPrincipal + `" } }]
  })
  request {
    principal = "arn:aws:sts::111122223333:assumed-role/app/sess1"
    action    = "kms:Decrypt"
    resource  = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
  }
}`
	}
	resource.ParallelTest(t, resource.TestCase{
		IsUnitTest:               true,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:            config("arn:aws:iam::111122223333:root"),
				ConfigStateChecks: []statecheck.StateCheck{expectRequest(0, "decision", knownvalue.StringExact("Allow"))},
			},
			{
				Config: config("arn:aws:iam::111122223333:role/admin"),
				ConfigStateChecks: []statecheck.StateCheck{
					expectRequest(0, "decision", knownvalue.StringExact("ImplicitDeny")),
					expectRequest(0, "blocked_by", knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("resource")})),
				},
			},
		},
	})
}

func TestPolicyEvaluation_multiValuedKeyNotInContext(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{
		IsUnitTest:               true,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
data "iam_policy_evaluation" "test" {
  request {
    principal         = "arn:aws:iam::111122223333:user/alice"
    action            = "ec2:CreateTags"
    resource          = "*"
    context           = { "aws:TagKeys" = ["env"] }
    multi_valued_keys = ["aws:TagKey"]
  }
}`,
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)Unknown context key.*"aws:TagKey", which is not a key of\s+context`),
		}},
	})
}

// The id is a hash of the inputs: the same configuration keeps its id, and a changed request
// changes it.
func TestPolicyEvaluation_stableID(t *testing.T) {
	config := func(action string) string {
		return `
data "iam_policy_evaluation" "test" {
  identity_policies = [jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "s3:*", Resource = "*" }] })]
  request {
    principal = "arn:aws:iam::111122223333:user/alice"
    action    = "` + action + `"
    resource  = "*"
  }
}`
	}
	same := statecheck.CompareValue(compare.ValuesSame())
	differ := statecheck.CompareValue(compare.ValuesDiffer())
	id := tfjsonpath.New("id")
	resource.ParallelTest(t, resource.TestCase{
		IsUnitTest:               true,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config("s3:GetObject"), ConfigStateChecks: []statecheck.StateCheck{same.AddStateValue(evaluation, id), differ.AddStateValue(evaluation, id)}},
			{Config: config("s3:GetObject"), ConfigStateChecks: []statecheck.StateCheck{same.AddStateValue(evaluation, id)}},
			{Config: config("s3:PutObject"), ConfigStateChecks: []statecheck.StateCheck{differ.AddStateValue(evaluation, id)}},
		},
	})
}

// A policy that is unknown at plan time (it comes from a resource created in the same run)
// must not fail validation; the data source is read during apply instead, as in the cloudinit
// provider's regression test for its issue 102.
func TestPolicyEvaluation_unknownPolicyAtPlan(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{
		IsUnitTest:               true,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
resource "terraform_data" "policy" {
  input = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "s3:*", Resource = "*" }] })
}

data "iam_policy_evaluation" "test" {
  identity_policies = [terraform_data.policy.output]
  request {
    principal = "arn:aws:iam::111122223333:user/alice"
    action    = "s3:GetObject"
    resource  = "*"
  }
}`,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{
					plancheck.ExpectUnknownValue(evaluation, tfjsonpath.New("all_allowed")),
				},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				expectRequest(0, "decision", knownvalue.StringExact("Allow")),
			},
		}},
	})
}

// AWS managed policies by ARN: in managed_policy_arns and in place of a document (here the
// permissions boundary), resolved from the embedded catalogue.
func TestPolicyEvaluation_managedPolicyARNs(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{
		IsUnitTest:               true,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
data "iam_policy_evaluation" "test" {
  managed_policy_arns  = ["arn:aws:iam::aws:policy/ReadOnlyAccess"]
  permissions_boundary = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
  request {
    principal = "arn:aws:iam::111122223333:user/auditor"
    action    = "s3:GetObject"
    resource  = "arn:aws:s3:::reports/2026.csv"
  }
  request {
    principal = "arn:aws:iam::111122223333:user/auditor"
    action    = "ec2:DescribeInstances"
    resource  = "*"
  }
  request {
    principal = "arn:aws:iam::111122223333:user/auditor"
    action    = "s3:PutObject"
    resource  = "arn:aws:s3:::reports/2026.csv"
  }
}`,
			ConfigStateChecks: []statecheck.StateCheck{
				expectRequest(0, "decision", knownvalue.StringExact("Allow")),
				expectRequest(1, "decision", knownvalue.StringExact("ImplicitDeny")),
				expectRequest(1, "blocked_by", knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("permissions_boundary")})),
				expectRequest(2, "blocked_by", knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("identity"), knownvalue.StringExact("permissions_boundary")})),
			},
		}},
	})
}

func TestPolicyEvaluation_unknownManagedPolicyARN(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{
		IsUnitTest:               true,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
data "iam_policy_evaluation" "test" {
  managed_policy_arns = ["arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::aws:policy/NoSuchPolicy"]
  request {
    principal = "arn:aws:iam::111122223333:user/auditor"
    action    = "s3:GetObject"
    resource  = "*"
  }
}`,
			ExpectError: regexp.MustCompile(`managed_policy_arns\[1\][\s\S]*NoSuchPolicy[\s\S]*not in the catalogue`),
		}},
	})
}
