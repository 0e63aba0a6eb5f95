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

func TestPrincipalAccessDataSource(t *testing.T) {
	const ds = "data.iam_principal_access.test"
	resource.ParallelTest(t, resource.TestCase{
		IsUnitTest:               true,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
data "iam_principal_access" "test" {
  principal = "arn:aws:iam::111122223333:role/app"
  identity_policies = [jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = ["s3:GetObject", "s3:PutObject"], Resource = "arn:aws:s3:::data/*" },
      { Effect = "Allow", Action = "s3:ListBucket", Resource = "arn:aws:s3:::data", Condition = { StringLike = { "s3:prefix" = "builds/*" } } },
    ]
  })]
  actions = ["s3:*"]
}`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(ds, tfjsonpath.New("allowed"), knownvalue.ListSizeExact(3)),
				statecheck.ExpectKnownValue(ds, tfjsonpath.New("allowed").AtSliceIndex(0).AtMapKey("action"), knownvalue.StringExact("s3:GetObject")),
				statecheck.ExpectKnownValue(ds, tfjsonpath.New("allowed").AtSliceIndex(0).AtMapKey("resources"),
					knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("arn:aws:s3:::data/*")})),
				statecheck.ExpectKnownValue(ds, tfjsonpath.New("allowed").AtSliceIndex(1).AtMapKey("conditional"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue(ds, tfjsonpath.New("summary").AtMapKey("s3/Write"), knownvalue.Int64Exact(1)),
			},
		}, {
			Config: `
data "iam_principal_access" "test" {
  principal = "arn:aws:iam::111122223333:role/app"
  actions   = ["s3:NoSuchAction*"]
}`,
			ExpectError: regexp.MustCompile(`(?s)Action pattern matches no action.*actions\[0\]`),
		}},
	})
}

// The registry example runs as written: the boundary leaves no IAM action, and the permissions
// management left is S3's.
func TestExamplePrincipalAccess(t *testing.T) {
	config, err := os.ReadFile("../../examples/data-sources/iam_principal_access/data-source.tf")
	if err != nil {
		t.Fatal(err)
	}
	resource.ParallelTest(t, resource.TestCase{
		IsUnitTest:               true,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: string(config),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("deployer_iam_actions", knownvalue.ListSizeExact(0)),
				statecheck.ExpectKnownOutputValue("deployer_permissions_management", knownvalue.ListPartial(map[int]knownvalue.Check{
					0: knownvalue.StringRegexp(regexp.MustCompile(`^s3:`))})),
			},
		}},
	})
}
