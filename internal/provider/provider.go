// Package provider adapts the IAM policy engine (internal/evaluator) to Terraform with the
// terraform-plugin-framework: schemas, conversion between Terraform values and the engine's
// types, and diagnostics. It holds no IAM logic of its own.
package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

var (
	_ provider.Provider              = (*iamProvider)(nil)
	_ provider.ProviderWithFunctions = (*iamProvider)(nil)
)

// iamProvider needs no configuration: every answer is computed offline from the policies given
// to its data sources and resources, with no AWS account, credentials or network.
type iamProvider struct {
	version string
}

// New returns a constructor of the provider, as providerserver expects; version is the
// release version, or "dev" and "test" for local builds and tests.
func New(version string) func() provider.Provider {
	return func() provider.Provider {
		return &iamProvider{version: version}
	}
}

func (p *iamProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "iam"
	resp.Version = p.version
}

func (p *iamProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The `iam` provider evaluates AWS IAM policies exactly and offline, during " +
			"`terraform plan`: it decides requests against identity policies, resource policies, " +
			"permissions boundaries, session policies, SCPs and RCPs, and explains each decision. " +
			"It needs no AWS account, credentials or network access, and takes no configuration.",
	}
}

func (p *iamProvider) Configure(_ context.Context, _ provider.ConfigureRequest, _ *provider.ConfigureResponse) {
}

func (p *iamProvider) Resources(_ context.Context) []func() resource.Resource {
	return []func() resource.Resource{NewAccessCheckResource}
}

func (p *iamProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewPolicyEvaluationDataSource,
		NewPolicyValidationDataSource,
		NewPrincipalAccessDataSource,
		NewLeastPrivilegeDataSource,
	}
}

// Functions are the provider-defined functions (Terraform 1.8 and later): the engine's answers
// as expressions, for preconditions, check blocks, outputs and test assertions.
func (p *iamProvider) Functions(_ context.Context) []func() function.Function {
	return []func() function.Function{
		NewEvaluateFunction,
		NewValidateFunction,
		NewExpandActionsFunction,
		NewCanFunction,
	}
}
