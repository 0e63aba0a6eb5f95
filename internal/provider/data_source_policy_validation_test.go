package provider

import (
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/iamguard/terraform-provider-iam/internal/evaluator"
	"github.com/iamguard/terraform-provider-iam/internal/validate"
)

const validation = "data.iam_policy_validation.test"

func expectValidation(attr string, check knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(validation, tfjsonpath.New(attr), check)
}

func finding(severity, code, path string, line, column int64) knownvalue.Check {
	return findingWithIssue(severity, code, awsIssueCodeOf(code), path, line, column)
}

// findingWithIssue is finding with the Access Analyzer issue code given.
func findingWithIssue(severity, code, awsIssueCode, path string, line, column int64) knownvalue.Check {
	return knownvalue.ObjectExact(map[string]knownvalue.Check{
		"severity":       knownvalue.StringExact(severity),
		"code":           knownvalue.StringExact(code),
		"message":        knownvalue.StringRegexp(regexp.MustCompile(`.+: .+`)),
		"path":           knownvalue.StringExact(path),
		"line":           knownvalue.Int64Exact(line),
		"column":         knownvalue.Int64Exact(column),
		"aws_issue_code": knownvalue.StringExact(awsIssueCode),
		"help_uri":       knownvalue.StringExact(validate.ValidationCodeHelpURI(code)),
	})
}

// awsIssueCodeOf is the usual Access Analyzer issue code of a validation code.
func awsIssueCodeOf(code string) string {
	for _, c := range validate.ValidationCodes() {
		if c.Code == code {
			return c.AWSIssueCode
		}
	}
	return ""
}

// Defects that Access Analyzer reports as errors are errors, with its issue codes: a
// misspelt action (with the nearest action of the service), a region in an S3 ARN, an unknown
// global condition key, a variable in a policy without Version.
func TestPolicyValidation_accessAnalyzerSeverities(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{
		IsUnitTest:               true,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
data "iam_policy_validation" "test" {
  policy_type = "identity"
  fail_on     = "none"
  policy      = <<-EOT
    {
      "Statement": {
        "Effect": "Allow",
        "Action": "s3:GetObjekt",
        "Resource": ["arn:aws:s3:us-east-1::reports/*", "arn:aws:s3:::home/$${aws:username}/*"],
        "Condition": {"IpAddress": {"aws:SourceIpAddress": "203.0.113.0/24"}}
      }
    }
  EOT
}`,
			ConfigStateChecks: []statecheck.StateCheck{
				expectValidation("valid", knownvalue.Bool(false)),
				expectValidation("findings", knownvalue.ListExact([]knownvalue.Check{
					findingWithIssue("WARNING", "MISSING_VERSION", "MISSING_VERSION", "", 1, 1),
					findingWithIssue("ERROR", "UNKNOWN_ACTION", "INVALID_ACTION", "Statement.Action", 4, 15),
					findingWithIssue("ERROR", "ARN_REGION_NOT_ALLOWED", "ARN_REGION_NOT_ALLOWED", "Statement.Resource[0]", 5, 18),
					findingWithIssue("ERROR", "VARIABLE_WITHOUT_VERSION", "VARIABLE_UNSUPPORTED_IN_VERSION", "Statement.Resource[1]", 5, 53),
					findingWithIssue("ERROR", "UNKNOWN_GLOBAL_CONDITION_KEY", "INVALID_GLOBAL_CONDITION_KEY", "Statement.Condition.IpAddress.aws:SourceIpAddress", 6, 33),
				})),
			},
		}},
	})
}

func TestPolicyValidation_clean(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{
		IsUnitTest:               true,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
data "iam_policy_validation" "test" {
  policy_type = "IDENTITY"
  fail_on     = "suggestion"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "arn:aws:s3:::reports/*" }]
  })
}`,
			ConfigStateChecks: []statecheck.StateCheck{
				expectValidation("valid", knownvalue.Bool(true)),
				expectValidation("findings", knownvalue.ListExact([]knownvalue.Check{})),
				expectValidation("id", knownvalue.StringRegexp(regexp.MustCompile(`^[0-9a-f]{64}$`))),
			},
		}},
	})
}

// With fail_on = "none" every finding is an output, with its place in the document (here a
// heredoc, so lines and columns are those of the text as written).
func TestPolicyValidation_findingsReported(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{
		IsUnitTest:               true,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
data "iam_policy_validation" "test" {
  policy_type = "trust"
  fail_on     = "none"
  policy      = <<-EOT
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
}`,
			ConfigStateChecks: []statecheck.StateCheck{
				expectValidation("valid", knownvalue.Bool(false)),
				expectValidation("findings", knownvalue.ListExact([]knownvalue.Check{
					finding("SECURITY_WARNING", "TRUST_POLICY_ANY_PRINCIPAL", "Statement.Principal", 5, 18),
					finding("ERROR", "RESOURCE_NOT_ALLOWED", "Statement.Resource", 7, 5),
				})),
			},
		}},
	})
}

// valid follows fail_on: the same warning makes the policy invalid only when fail_on reaches it
// (with "none", valid means no ERROR).
func TestPolicyValidation_validFollowsFailOn(t *testing.T) {
	config := func(failOn string) string {
		return `
data "iam_policy_validation" "test" {
  policy_type = "identity"
  fail_on     = "` + failOn + `"
  policy      = jsonencode({ Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "arn:aws:s3:::b/*" }] })
}`
	}
	missingVersion := knownvalue.ListExact([]knownvalue.Check{finding("WARNING", "MISSING_VERSION", "", 1, 1)})
	resource.ParallelTest(t, resource.TestCase{
		IsUnitTest:               true,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config("none"),
				ConfigStateChecks: []statecheck.StateCheck{
					expectValidation("valid", knownvalue.Bool(true)),
					expectValidation("findings", missingVersion),
				},
			},
			{
				Config: config("security_warning"),
				ConfigStateChecks: []statecheck.StateCheck{
					expectValidation("valid", knownvalue.Bool(true)),
					expectValidation("findings", missingVersion),
				},
			},
			{
				Config:      config("warning"),
				ExpectError: regexp.MustCompile(`policy at line 1, column 1: WARNING MISSING_VERSION`),
			},
		},
	})
}

// The default fail_on is "error": an error fails the plan with one diagnostic per finding,
// naming the attribute, line, column and JSON path; warnings do not.
func TestPolicyValidation_errorsFailThePlan(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{
		IsUnitTest:               true,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: `
data "iam_policy_validation" "test" {
  policy_type = "identity"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = "*", Action = "s3:GetObject", Resource = [] }]
  })
}`,
				ExpectError: regexp.MustCompile(`(?s)with data\.iam_policy_validation\.test.*policy at line 1, column\s+\d+\s+\(JSON\s+path\s+Statement\[0\]\.Principal\):\s+ERROR\s+PRINCIPAL_NOT_ALLOWED.*ERROR\s+EMPTY_RESOURCE_LIST`),
			},
			{
				Config: `
data "iam_policy_validation" "test" {
  policy_type = "identity"
  policy      = "{\"Version\": \"2012-10-17\", \"Statement\": [}"
}`,
				ExpectError: regexp.MustCompile(`policy at line 1, column 41 \(JSON path Statement\[0\]\):\s+ERROR\s+SYNTAX_ERROR:\s+expected a value`),
			},
			{
				Config: `
data "iam_policy_validation" "test" {
  policy_type = "identity"
  fail_on     = "security_warning"
  policy      = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "iam:PassRole", Resource = "*" }] })
}`,
				ExpectError: regexp.MustCompile(`SECURITY_WARNING\s+PASS_ROLE_ON_ALL_RESOURCES`),
			},
		},
	})
}

func TestPolicyValidation_badArguments(t *testing.T) {
	config := func(arguments string) string {
		return `
data "iam_policy_validation" "test" {
` + arguments + `
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "*" }] })
}`
	}
	resource.ParallelTest(t, resource.TestCase{
		IsUnitTest:               true,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      config(`policy_type = "user"`),
				ExpectError: regexp.MustCompile(`Attribute policy_type value must be one of`),
			},
			{
				Config:      config("policy_type = \"identity\"\nfail_on = \"fatal\""),
				ExpectError: regexp.MustCompile(`Attribute fail_on value must be one of`),
			},
			{
				Config:      config("policy_type = \"identity\"\nresource_type = \"AWS::S3::Bucket\""),
				ExpectError: regexp.MustCompile(`resource type AWS::S3::Bucket applies to RESOURCE policies only, not\s+IDENTITY`),
			},
			{
				Config:      config("policy_type = \"resource\"\nresource_type = \"AWS::S3::Bukket\""),
				ExpectError: regexp.MustCompile(`Attribute resource_type value must be one of`),
			},
		},
	})
}

// An AWS managed policy given by ARN is validated as AWS's own: AWSCodeStarServiceRole names
// an ARN that fits no CloudFormation resource type (an ERROR in a customer's policy), which is
// a WARNING here, and the default fail_on = "error" does not fail the plan. The same document
// given as text fails it. An unknown ARN, or both policy and policy_arn, are errors. (The
// valid configuration comes last, for the test's final destroy.)
func TestPolicyValidation_awsManagedPolicyByARN(t *testing.T) {
	const arn = "arn:aws:iam::aws:policy/service-role/AWSCodeStarServiceRole"
	document, ok := evaluator.ManagedPolicyDocument(arn)
	if !ok {
		t.Fatalf("no %s in the catalogue", arn)
	}
	resource.ParallelTest(t, resource.TestCase{
		IsUnitTest:               true,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: `
data "iam_policy_validation" "test" {
  policy_type = "identity"
  policy      = ` + strconv.Quote(document) + `
}`,
				ExpectError: regexp.MustCompile(`Policy validation: ERROR ARN_MATCHES_NO_RESOURCE_TYPE`),
			},
			{
				Config: `
data "iam_policy_validation" "test" {
  policy_type = "identity"
  policy_arn  = "arn:aws:iam::aws:policy/AWSCodeStarServiceRole"
}`,
				ExpectError: regexp.MustCompile(`did you mean\s+arn:aws:iam::aws:policy/service-role/AWSCodeStarServiceRole`),
			},
			{
				Config: `
data "iam_policy_validation" "test" {
  policy_type = "identity"
  policy      = "{}"
  policy_arn  = "` + arn + `"
}`,
				ExpectError: regexp.MustCompile(`Invalid Attribute Combination`),
			},
			{
				Config: `
data "iam_policy_validation" "test" {
  policy_type = "identity"
  policy_arn  = "` + arn + `"
}`,
				ConfigStateChecks: []statecheck.StateCheck{
					expectValidation("valid", knownvalue.Bool(true)),
					expectValidation("findings", knownvalue.ListPartial(map[int]knownvalue.Check{
						0: knownvalue.ObjectPartial(map[string]knownvalue.Check{
							"severity":       knownvalue.StringExact("WARNING"),
							"code":           knownvalue.StringExact("ARN_MATCHES_NO_RESOURCE_TYPE"),
							"aws_issue_code": knownvalue.StringExact("INVALID_ARN_RESOURCE"),
						}),
					})),
				},
			},
		},
	})
}

// The example runs as written: the identity policy passes fail_on = "security_warning", and the
// bucket policy's findings are reported without failing the plan.
func TestExampleDataSourcePolicyValidation(t *testing.T) {
	config, err := os.ReadFile("../../examples/data-sources/iam_policy_validation/data-source.tf")
	if err != nil {
		t.Fatal(err)
	}
	resource.ParallelTest(t, resource.TestCase{
		IsUnitTest:               true,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: string(config),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.iam_policy_validation.app", tfjsonpath.New("findings"), knownvalue.ListExact([]knownvalue.Check{})),
				statecheck.ExpectKnownOutputValue("bucket_policy_valid", knownvalue.Bool(true)),
				statecheck.ExpectKnownOutputValue("bucket_policy_findings", knownvalue.ListExact([]knownvalue.Check{
					knownvalue.StringRegexp(regexp.MustCompile(`^SECURITY_WARNING RESOURCE_POLICY_PUBLIC at Statement\[0\]\.Principal \(line 1\)$`)),
					knownvalue.StringRegexp(regexp.MustCompile(`^WARNING RESOURCE_MATCHES_NO_ACTION at Statement\[0\]\.Resource \(line 1\)$`)),
				})),
			},
		}},
	})
}

// TestPolicyValidationFailOnNever: the guard's word for "never fail" means the same here.
func TestPolicyValidationFailOnNever(t *testing.T) {
	for _, word := range []string{"none", "never", "NEVER"} {
		m := policyValidationModel{FailOn: types.StringValue(word)}
		if _, fails := m.threshold(); fails {
			t.Errorf("fail_on = %q fails the plan", word)
		}
	}
	m := policyValidationModel{FailOn: types.StringValue("warning")}
	if s, fails := m.threshold(); !fails || s != validate.SeverityWarning {
		t.Errorf("fail_on = warning: %v %v", s, fails)
	}
}

// sizedPolicy is a one-statement identity policy of exactly size characters, written without
// white space.
func sizedPolicy(t *testing.T, size int) string {
	t.Helper()
	doc := func(pad int) string {
		return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::` + strings.Repeat("r", pad) + `/*"}]}`
	}
	pad := size - len(doc(0))
	if pad < 1 {
		t.Fatalf("no policy of %d characters", size)
	}
	return doc(pad)
}

// customer_managed_policy makes the managed policy quota an ERROR, as IAM refuses a customer
// managed policy of more than 6,144 characters at create; without it the same document is a
// WARNING (it may be an inline policy, whose quota is per principal), and a document of exactly
// 6,144 characters has no finding either way. The option is refused with policy_arn and for
// policy types that are never customer managed policies. (The valid configuration comes last,
// for the test's final destroy.)
func TestPolicyValidation_customerManagedPolicy(t *testing.T) {
	over, at := sizedPolicy(t, 6145), sizedPolicy(t, 6144)
	config := func(arguments, policy string) string {
		return fmt.Sprintf("data \"iam_policy_validation\" \"test\" {\n%s\n  policy = %s\n}\n", arguments, strconv.Quote(policy))
	}
	tooLarge := func(severity string) knownvalue.Check {
		return knownvalue.ListExact([]knownvalue.Check{knownvalue.ObjectPartial(map[string]knownvalue.Check{
			"severity":       knownvalue.StringExact(severity),
			"code":           knownvalue.StringExact("POLICY_TOO_LARGE"),
			"aws_issue_code": knownvalue.StringExact("POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA"),
			"message":        knownvalue.StringRegexp(regexp.MustCompile(`^the policy is 6,145 characters long, not counting white space; the managed policy quota is 6,144 characters`)),
		})})
	}
	resource.ParallelTest(t, resource.TestCase{
		IsUnitTest:               true,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      config("  policy_type = \"identity\"\n  customer_managed_policy = true", over),
				ExpectError: regexp.MustCompile(`Policy validation: ERROR POLICY_TOO_LARGE`),
			},
			{
				Config: config("  policy_type = \"permissions_boundary\"\n  customer_managed_policy = true\n  fail_on = \"none\"", over),
				ConfigStateChecks: []statecheck.StateCheck{
					expectValidation("valid", knownvalue.Bool(false)),
					expectValidation("findings", tooLarge("ERROR")),
				},
			},
			{
				Config: config("  policy_type = \"identity\"\n  customer_managed_policy = false", over),
				ConfigStateChecks: []statecheck.StateCheck{
					expectValidation("valid", knownvalue.Bool(true)),
					expectValidation("findings", tooLarge("WARNING")),
				},
			},
			{
				Config:      config("  policy_type = \"trust\"\n  customer_managed_policy = true", at),
				ExpectError: regexp.MustCompile(`customer_managed_policy applies to policy_type identity and\s+permissions_boundary only, not trust`),
			},
			{
				Config: `
data "iam_policy_validation" "test" {
  policy_type             = "identity"
  policy_arn              = "arn:aws:iam::aws:policy/ReadOnlyAccess"
  customer_managed_policy = true
}`,
				ExpectError: regexp.MustCompile(`Invalid Attribute Combination`),
			},
			{
				Config: config("  policy_type = \"identity\"\n  customer_managed_policy = true", at),
				ConfigStateChecks: []statecheck.StateCheck{
					expectValidation("valid", knownvalue.Bool(true)),
					expectValidation("findings", knownvalue.ListExact([]knownvalue.Check{})),
				},
			},
		},
	})
}

// A waived finding does not fail the plan and is listed in waived_findings; a waiver is kept
// to its code and path; an unknown code and an empty reason are errors. (Configuration errors
// come first: the last step's configuration must be valid for the test's destroy.)
func TestPolicyValidation_waive(t *testing.T) {
	passRole := `jsonencode({ Version = "2012-10-17", Statement = [
    { Effect = "Allow", Action = "s3:GetObject", Resource = "arn:aws:s3:::b/*" },
    { Effect = "Allow", Action = "iam:PassRole", Resource = "*" },
  ] })`
	resource.ParallelTest(t, resource.TestCase{
		IsUnitTest:               true,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: `
data "iam_policy_validation" "test" {
  policy_type = "identity"
  policy      = ` + passRole + `
  waive = [{ code = "PASS_ROLE_ON_ALL", reason = "Misspelt." }]
}`,
				ExpectError: regexp.MustCompile(`(?s)Unknown finding code.*"PASS_ROLE_ON_ALL" is not a finding code`),
			},
			{
				Config: `
data "iam_policy_validation" "test" {
  policy_type = "identity"
  policy      = ` + passRole + `
  waive = [{ code = "PASS_ROLE_ON_ALL_RESOURCES", reason = "" }]
}`,
				ExpectError: regexp.MustCompile(`(?s)waive\[0\]\.reason string length must be at least 1`),
			},
			{
				// The path of another statement waives nothing: the finding fails the plan.
				Config: `
data "iam_policy_validation" "test" {
  policy_type = "identity"
  fail_on     = "security_warning"
  policy      = ` + passRole + `
  waive = [{ code = "PASS_ROLE_ON_ALL_RESOURCES", path = "Statement[0]", reason = "Wrong statement." }]
}`,
				ExpectError: regexp.MustCompile(`SECURITY_WARNING\s+PASS_ROLE_ON_ALL_RESOURCES`),
			},
			{
				Config: `
data "iam_policy_validation" "test" {
  policy_type = "identity"
  fail_on     = "security_warning"
  policy      = ` + passRole + `
  waive = [{ code = "pass_role_on_all_resources", path = "Statement[1]", reason = "The deploy role passes every role of this account; reviewed in SEC-123." }]
}`,
				ConfigStateChecks: []statecheck.StateCheck{
					expectValidation("valid", knownvalue.Bool(true)),
					expectValidation("findings", knownvalue.ListSizeExact(1)),
					expectValidation("waived_findings", knownvalue.ListExact([]knownvalue.Check{
						finding("SECURITY_WARNING", "PASS_ROLE_ON_ALL_RESOURCES", "Statement[1].Action", 1, 98),
					})),
				},
			},
		},
	})
}

func TestWaiverMatches(t *testing.T) {
	f := validate.Finding{Code: "PASS_ROLE_ON_ALL_RESOURCES", Path: "Statement[1].Resource"}
	for _, c := range []struct {
		code, path string
		want       bool
	}{
		{"PASS_ROLE_ON_ALL_RESOURCES", "", true},
		{"pass_role_on_all_resources", "Statement[1]", true},
		{"PASS_ROLE_ON_ALL_RESOURCES", "Statement[1].Resource", true},
		{"PASS_ROLE_ON_ALL_RESOURCES", "Statement", true},
		{"PASS_ROLE_ON_ALL_RESOURCES", "Statement[0]", false},
		{"PASS_ROLE_ON_ALL_RESOURCES", "Statement[1].Res", false},
		{"MISSING_VERSION", "", false},
	} {
		w := waiverModel{Code: types.StringValue(c.code), Path: types.StringValue(c.path), Reason: types.StringValue("r")}
		if got := w.matches(f); got != c.want {
			t.Errorf("waiver %q at %q: %v, want %v", c.code, c.path, got, c.want)
		}
	}
	f.Path = "Statement[10]"
	if (waiverModel{Code: types.StringValue(f.Code), Path: types.StringValue("Statement[1]")}).matches(f) {
		t.Error("Statement[1] covers Statement[10]")
	}
}
