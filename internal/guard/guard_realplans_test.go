package guard

import (
	"strings"
	"testing"

	"github.com/iamguard/terraform-provider-iam/internal/validate"
)

// Real plans added beside the shared ones (testdata/plans, see its README), made the same way:
// Terraform 1.11.4 and the AWS provider built from the module proxy, through a filesystem
// mirror, offline.

// policy-documents: bucket policies from aws_iam_policy_document. The reports bucket's document
// is read at plan time and grants only the organisation: no finding. The website bucket's
// document names the bucket's ARN, known only after apply, so its policy is unknown: the guard
// does not decide public access and says so.
func TestGuardPolicyDocuments(t *testing.T) {
	r := guardFixture(t, "policy-documents", nil)
	wantFindings(t, r, "undecided aws_s3_bucket_policy.website")
	f := finding(t, r, CodeUndecided, "aws_s3_bucket_policy.website")
	if !strings.Contains(f.Message, "data.aws_iam_policy_document.website") || !strings.Contains(f.Message, "public") {
		t.Errorf("message %q should name the unknown data source and the check it blocks", f.Message)
	}
	// The known document is in the model as the data source read it.
	acct := loadFixture(t, "policy-documents").Planned()
	found := false
	for _, rp := range acct.ResourcePolicies {
		if rp.Document.Source.Address == "aws_s3_bucket_policy.reports" {
			found = rp.Document.JSON.Known && strings.Contains(rp.Document.JSON.Text, "o-acme1234")
		}
	}
	if !found {
		t.Error("the reports bucket's policy (from a data source read at plan time) is not known in the model")
	}
}

// lambda-ecr-public: an ECR repository policy open to every AWS principal and a Lambda
// permission for principal "*" are public; the permission for S3 from one bucket and account is
// not. ECR repository policies are written without Resource, which validation must accept.
func TestGuardLambdaECRPublic(t *testing.T) {
	r := guardFixture(t, "lambda-ecr-public", nil)
	wantFindings(t, r, "public-access aws_ecr_repository_policy.app", "public-access aws_lambda_permission.anyone")
	witnessAction(t, finding(t, r, CodePublicAccess, "aws_ecr_repository_policy.app"), "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer")
	witnessAction(t, finding(t, r, CodePublicAccess, "aws_lambda_permission.anyone"), "lambda:InvokeFunction")
}

// nested-modules: a role made two module levels deep, its boundary's ARN (known only after
// apply) passed through two module variables. The boundary denies IAM, so AdministratorAccess
// does not make the role an administrator; the attachment and the PassRole on "*" are still
// reported as best practices.
func TestGuardNestedModules(t *testing.T) {
	r := guardFixture(t, "nested-modules", nil)
	wantFindings(t, r,
		"admin-policy module.platform.module.ops.aws_iam_role_policy_attachment.managed",
		"existing-compute module.platform.module.ops.aws_iam_role.this",
		"passrole-wildcard module.platform.module.ops.aws_iam_role_policy.inline")
	// With a rule that nobody may change IAM, the role is checked through its boundary, which
	// was resolved through the module variables: the rule holds.
	rules := rulesFrom(t, `
forbid "no-iam-changes" {
  principals = ["arn:aws:iam::*:role/*"]
  actions    = ["iam:Put*", "iam:Attach*", "iam:PassRole"]
  resources  = ["*"]
}`)
	r = guardFixture(t, "nested-modules", rules)
	for _, f := range r.Findings {
		if f.Code == CodeForbiddenAccess || f.Code == CodeUndecided {
			t.Errorf("unexpected %s on %s: %s", f.Code, f.Address, f.Message)
		}
	}
}

func TestValidateECRRepositoryPolicyWithoutResource(t *testing.T) {
	doc := []byte(`{"Version":"2012-10-17","Statement":[{"Sid":"Pull","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":["ecr:BatchGetImage","ecr:GetDownloadUrlForLayer"]}]}`)
	for _, f := range validate.ValidatePolicy(doc, validate.ValidateOptions{Type: validate.PolicyTypeResource, ResourceType: "AWS::ECR::Repository"}) {
		if f.Code == "MISSING_RESOURCE" {
			t.Errorf("ECR repository policy: %s %s", f.Code, f.Message)
		}
	}
	missing := false
	for _, f := range validate.ValidatePolicy(doc, validate.ValidateOptions{Type: validate.PolicyTypeResource, ResourceType: "AWS::S3::Bucket"}) {
		missing = missing || f.Code == "MISSING_RESOURCE"
	}
	if !missing {
		t.Error("a bucket policy statement without Resource must be reported")
	}
}
