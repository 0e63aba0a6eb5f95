package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/iamguard/terraform-provider-iam/internal/validate"
)

var _ function.Function = (*validateFunction)(nil)

// NewValidateFunction returns the validate function: the iam_policy_validation data source's
// findings, as an expression.
func NewValidateFunction() function.Function {
	return &validateFunction{}
}

type validateFunction struct{}

func (f *validateFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "validate"
}

func (f *validateFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Validates an IAM policy document for its policy type",
		MarkdownDescription: "Validates an AWS IAM policy document for its policy type, offline, with the checks of " +
			"the `iam_policy_validation` data source (grammar, size quotas, elements the type forbids or requires, " +
			"actions, ARNs and condition keys against the AWS service reference, security risks), and returns every " +
			"finding. A document that is not valid JSON or not a policy is a `SYNTAX_ERROR` finding, not an error, so " +
			"that a condition can report it; an unknown policy or resource type is an error on its argument.",
		Parameters: []function.Parameter{
			function.StringParameter{
				Name:                "policy",
				MarkdownDescription: "The policy document as JSON, for example from `jsonencode` or `data.aws_iam_policy_document.x.json`.",
			},
			function.StringParameter{
				Name: "policy_type",
				MarkdownDescription: "What the document is, in lower or upper case: " + backquotedList(validationPolicyTypes()) +
					". The type decides which elements are allowed, the size quota and which security checks apply.",
			},
		},
		VariadicParameter: function.StringParameter{
			Name: "resource_type",
			MarkdownDescription: "At most one: for `policy_type = \"resource\"`, the kind of resource the policy is " +
				"attached to, as CloudFormation names it (such as `AWS::S3::Bucket`; see the data source for the list). " +
				"It adds the resource's size quota and reports actions of other services.",
		},
		Return: function.ListReturn{ElementType: validationFindingType},
	}
}

func (f *validateFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var policy, policyType string
	var resourceTypes []string
	if resp.Error = req.Arguments.Get(ctx, &policy, &policyType, &resourceTypes); resp.Error != nil {
		return
	}
	opts := validate.ValidateOptions{Type: validate.PolicyType(strings.ToUpper(policyType))}
	if _, ok := validate.ParsePolicyType(policyType); !ok {
		resp.Error = function.NewArgumentFuncError(1, fmt.Sprintf("%q is not a policy type; expected one of %s", policyType, strings.Join(validationPolicyTypes(), ", ")))
		return
	}
	switch len(resourceTypes) {
	case 0:
	case 1:
		opts.ResourceType = resourceTypes[0]
		if err := opts.Check(); err != nil {
			resp.Error = function.NewArgumentFuncError(2, err.Error())
			return
		}
	default:
		resp.Error = function.NewArgumentFuncError(3, fmt.Sprintf("%d resource types given; expected at most one", len(resourceTypes)))
		return
	}
	findings := validate.ValidatePolicy([]byte(policy), opts)
	elems := make([]validationFindingModel, len(findings))
	for i, fd := range findings {
		elems[i] = newValidationFinding(fd)
	}
	list, diags := types.ListValueFrom(ctx, validationFindingType, elems)
	if err := diagnosticsError(diags); err != nil {
		resp.Error = function.NewFuncError(err.Error())
		return
	}
	resp.Error = resp.Result.Set(ctx, list)
}
