package provider

import (
	"os"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// The example writes three statements, and the policy it writes allows the required requests
// and denies a neighbour (checked with iam_policy_evaluation).
func TestLeastPrivilegePolicyDataSource(t *testing.T) {
	example, err := os.ReadFile("../../examples/data-sources/iam_least_privilege_policy/data-source.tf")
	if err != nil {
		t.Fatal(err)
	}
	const ds = "data.iam_least_privilege_policy.build"
	resource.ParallelTest(t, resource.TestCase{
		IsUnitTest:               true,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: string(example) + `
data "iam_policy_evaluation" "check" {
  identity_policies = [data.iam_least_privilege_policy.build.json]
  request {
    principal = "arn:aws:iam::111122223333:role/build"
    action    = "s3:PutObject"
    resource  = "arn:aws:s3:::build-artifacts/app.zip"
  }
  request {
    principal = "arn:aws:iam::111122223333:role/build"
    action    = "s3:PutObject"
    resource  = "arn:aws:s3:::build-sources/app.zip"
  }
}`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(ds, tfjsonpath.New("statements"), knownvalue.Int64Exact(3)),
				statecheck.ExpectKnownValue(ds, tfjsonpath.New("json"), knownvalue.StringRegexp(regexp.MustCompile(`"StringEquals": \{\s*"aws:SourceVpc"`))),
				statecheck.ExpectKnownValue("data.iam_policy_evaluation.check", tfjsonpath.New("request").AtSliceIndex(0).AtMapKey("decision"), knownvalue.StringExact("Allow")),
				statecheck.ExpectKnownValue("data.iam_policy_evaluation.check", tfjsonpath.New("request").AtSliceIndex(1).AtMapKey("decision"), knownvalue.StringExact("ImplicitDeny")),
			},
		}, {
			// allow_wildcards: the two sqs:GetQueue* actions are all there are, so one pattern;
			// s3:GetObject stays exact (s3:GetObjectAcl is not required), and the object
			// under the required prefix is covered by it.
			Config: `
data "iam_least_privilege_policy" "wild" {
  allow_wildcards = true
  require {
    action   = "sqs:GetQueueAttributes"
    resource = "arn:aws:sqs:eu-west-1:111122223333:jobs"
  }
  require {
    action   = "sqs:GetQueueUrl"
    resource = "arn:aws:sqs:eu-west-1:111122223333:jobs"
  }
  require {
    action   = "s3:GetObject"
    resource = "arn:aws:s3:::data/*"
  }
  require {
    action   = "s3:GetObject"
    resource = "arn:aws:s3:::data/reports/x"
  }
}

data "iam_policy_evaluation" "wild" {
  identity_policies = [data.iam_least_privilege_policy.wild.json]
  request {
    principal = "arn:aws:iam::111122223333:role/app"
    action    = "sqs:GetQueueUrl"
    resource  = "arn:aws:sqs:eu-west-1:111122223333:jobs"
  }
  request {
    principal = "arn:aws:iam::111122223333:role/app"
    action    = "s3:GetObjectAcl"
    resource  = "arn:aws:s3:::data/reports/x"
  }
}`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.iam_least_privilege_policy.wild", tfjsonpath.New("statements"), knownvalue.Int64Exact(2)),
				statecheck.ExpectKnownValue("data.iam_least_privilege_policy.wild", tfjsonpath.New("json"), knownvalue.StringRegexp(regexp.MustCompile(`"Action": \[\s*"sqs:GetQueue\*"\s*\]`))),
				statecheck.ExpectKnownValue("data.iam_least_privilege_policy.wild", tfjsonpath.New("json"), knownvalue.StringRegexp(regexp.MustCompile(`"Action": \[\s*"s3:GetObject"\s*\],\s*"Resource": \[\s*"arn:aws:s3:::data/\*"\s*\]`))),
				statecheck.ExpectKnownValue("data.iam_policy_evaluation.wild", tfjsonpath.New("request").AtSliceIndex(0).AtMapKey("decision"), knownvalue.StringExact("Allow")),
				statecheck.ExpectKnownValue("data.iam_policy_evaluation.wild", tfjsonpath.New("request").AtSliceIndex(1).AtMapKey("decision"), knownvalue.StringExact("ImplicitDeny")),
			},
		}, {
			Config: `
data "iam_least_privilege_policy" "bad" {
  require {
    action   = "s3:NoSuchAction"
    resource = "*"
  }
}`,
			ExpectError: regexp.MustCompile(`(?s)Cannot write the policy.*require\[0\]\.action`),
		}},
	})
}
