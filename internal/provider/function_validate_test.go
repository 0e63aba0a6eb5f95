package provider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
)

// The findings are the data source's: the same codes, severities and places, for each policy
// type and resource type.
func TestFunctionValidate_findings(t *testing.T) {
	functionTest(t, resource.TestStep{
		Config: functionConfig(`
locals {
  trust = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": {
        "Effect": "Allow",
        "Principal": {"AWS": "*"},
        "Action": "sts:AssumeRole",
        "Resource": "*"
      }
    }
  EOT
  read = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "arn:aws:s3:::reports/*" }]
  })
  bucket_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::111122223333:root" }
      Action    = "sqs:SendMessage"
      Resource  = "arn:aws:s3:::reports/*"
    }]
  })
}
output "trust" {
  value = provider::iam::validate(local.trust, "trust")
}
output "clean" {
  value = provider::iam::validate(local.read, "PERMISSIONS_BOUNDARY")
}
output "syntax" {
  value = [for f in provider::iam::validate("{\"Version\": \"2012-10-17\",", "identity") : f.code]
}
output "bucket" {
  value = [for f in provider::iam::validate(local.bucket_policy, "resource", "AWS::S3::Bucket") : f.code]
}
output "any_resource" {
  value = [for f in provider::iam::validate(local.bucket_policy, "resource") : f.code]
}
`),
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownOutputValue("trust", knownvalue.ListExact([]knownvalue.Check{
				finding("SECURITY_WARNING", "TRUST_POLICY_ANY_PRINCIPAL", "Statement.Principal", 5, 18),
				finding("ERROR", "RESOURCE_NOT_ALLOWED", "Statement.Resource", 7, 5),
			})),
			statecheck.ExpectKnownOutputValue("clean", knownvalue.ListExact([]knownvalue.Check{})),
			statecheck.ExpectKnownOutputValue("syntax", knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("SYNTAX_ERROR")})),
			// The resource type makes an action of another service an error; without it, only the
			// mismatch of the action and the resource is reported.
			statecheck.ExpectKnownOutputValue("bucket", knownvalue.ListExact([]knownvalue.Check{
				knownvalue.StringExact("UNSUPPORTED_ACTION_FOR_RESOURCE_TYPE"), knownvalue.StringExact("RESOURCE_MATCHES_NO_ACTION"),
			})),
			statecheck.ExpectKnownOutputValue("any_resource", knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("RESOURCE_MATCHES_NO_ACTION")})),
		},
	})
}

// Unknown policy and resource types are errors on their arguments.
func TestFunctionValidate_badArguments(t *testing.T) {
	call := func(args string) string {
		return "output \"x\" {\n  value = provider::iam::validate(jsonencode({ Version = \"2012-10-17\", Statement = [] }), " + args + ")\n}\n"
	}
	functionTest(t,
		functionErrorStep(call(`"bucket"`), `Invalid value for "policy_type" parameter: "bucket" is not a policy type; expected one of identity, resource, trust`),
		functionErrorStep(call(`"identity", "AWS::S3::Bucket"`), `Invalid value for "resource_type" parameter: resource type AWS::S3::Bucket applies to RESOURCE policies only, not IDENTITY`),
		functionErrorStep(call(`"resource", "AWS::S3::Bucketz"`), `Invalid value for "resource_type" parameter: unknown resource type "AWS::S3::Bucketz"; expected one of`),
		functionErrorStep(call(`"resource", "AWS::S3::Bucket", "AWS::SQS::Queue"`), `Invalid value for "resource_type" parameter: 2 resource types given; expected at most one`),
	)
}

// The documentation's example runs as written.
func TestFunctionValidate_example(t *testing.T) {
	config := functionExample(t, "validate")
	functionTest(t, resource.TestStep{
		Config: config,
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownOutputValue("bucket_policy_findings", knownvalue.ListExact([]knownvalue.Check{
				knownvalue.StringRegexp(regexp.MustCompile(`^SECURITY_WARNING [A-Z_]+ at Statement\[0\]\.Principal`)),
			})),
		},
	})
}
