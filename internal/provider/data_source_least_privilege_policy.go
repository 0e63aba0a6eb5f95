package provider

import (
	"context"
	"crypto/sha256"
	"encoding/hex"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/iamguard/terraform-provider-iam/internal/evaluator"
	"github.com/iamguard/terraform-provider-iam/internal/validate"
)

var _ datasource.DataSource = (*leastPrivilegeDataSource)(nil)

// NewLeastPrivilegeDataSource returns the iam_least_privilege_policy data source.
func NewLeastPrivilegeDataSource() datasource.DataSource {
	return &leastPrivilegeDataSource{}
}

// leastPrivilegeDataSource writes the smallest identity policy allowing exactly a set of
// required requests.
type leastPrivilegeDataSource struct{}

type leastPrivilegeModel struct {
	ID         types.String            `tfsdk:"id"`
	Require    []leastPrivilegeRequest `tfsdk:"require"`
	Wildcards  types.Bool              `tfsdk:"allow_wildcards"`
	JSON       types.String            `tfsdk:"json"`
	Statements types.Int64             `tfsdk:"statements"`
	Size       types.Int64             `tfsdk:"size"`
}

type leastPrivilegeRequest struct {
	Action   types.String `tfsdk:"action"`
	Resource types.String `tfsdk:"resource"`
	Context  types.Map    `tfsdk:"context"`
}

func (ds *leastPrivilegeDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_least_privilege_policy"
}

func (ds *leastPrivilegeDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Writes the smallest identity policy that allows exactly the required requests: actions " +
			"spelt exactly (no wildcards unless `allow_wildcards` is set), resources as required (requests with the same " +
			"resources share a statement), and each request's context fixed by conditions of its key's type.\n\n" +
			"The policy is proven before it is returned, and an error is raised instead when a proof fails: " +
			"(1) each statement's action patterns, expanded over the provider's action catalogue, match exactly the " +
			"actions required with that statement's resources and conditions; (2) the evaluator allows every required " +
			"request; (3) the effective-permissions analysis, over every action of the catalogue and every resource, " +
			"finds no action besides the required ones, and each of those only on resources required for it. " +
			"The proof is relative to the catalogue of this provider version: an action AWS adds later whose name " +
			"starts with a prefix written by `allow_wildcards` is granted by that pattern. " +
			"KMS keys and roles still need their own policy (key policy, trust policy) to grant.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{MarkdownDescription: "A hash of the policy document.", Computed: true},
			"json": schema.StringAttribute{
				MarkdownDescription: "The policy document, for `aws_iam_policy.policy` or `aws_iam_role_policy.policy`.",
				Computed:            true,
			},
			"allow_wildcards": schema.BoolAttribute{
				MarkdownDescription: "Write the actions of each statement as the fewest, narrowest prefix patterns " +
					"(such as `s3:GetObject*`) that match, among the catalogue's actions of their service, only actions the " +
					"statement requires (a pattern that would match one action more stays the exact names; `service:*` only " +
					"when every action of the service is required, `*` never), and leave out a required resource when " +
					"another required resource of the same action and context is a pattern matching every ARN it matches. " +
					"Resources are never generalised: a pattern only appears when a required resource is one. Defaults to `false`.",
				Optional: true,
			},
			"statements": schema.Int64Attribute{MarkdownDescription: "The number of statements of the policy.", Computed: true},
			"size": schema.Int64Attribute{
				MarkdownDescription: "The length of the document without white space, which IAM's size quotas count.",
				Computed:            true,
			},
		},
		Blocks: map[string]schema.Block{
			"require": schema.ListNestedBlock{
				MarkdownDescription: "A request the policy must allow.",
				Validators:          []validator.List{listvalidator.IsRequired(), listvalidator.SizeAtLeast(1)},
				NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
					"action": schema.StringAttribute{
						MarkdownDescription: "The action, as `service:Action` (for example `s3:GetObject`).",
						Required:            true,
						Validators:          []validator.String{stringvalidator.RegexMatches(actionPattern, "must be service:Action, for example s3:GetObject")},
					},
					"resource": schema.StringAttribute{
						MarkdownDescription: "The resource ARN (or ARN pattern), or `*` for an action without resource types.",
						Required:            true,
						Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
					},
					"context": contextInput("Condition keys the request carries, each fixed by a condition of the policy; a " +
						"list of several values is a multi-valued key (every value must be one of them).").dataSource(),
				}},
			},
		},
	}
}

func (ds *leastPrivilegeDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m leastPrivilegeModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var required []evaluator.Request
	for _, r := range m.Require {
		required = append(required, evaluator.Request{Action: r.Action.ValueString(), Resource: r.Resource.ValueString(),
			Context: contextOf(ctx, r.Context, &resp.Diagnostics)})
	}
	lp, err := evaluator.LeastPrivilege(required, evaluator.LeastPrivilegeOptions{AllowWildcards: m.Wildcards.ValueBool()})
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("require"), "Cannot write the policy", err.Error()+".")
		return
	}
	m.JSON = types.StringValue(string(lp.Document))
	m.Statements = types.Int64Value(int64(lp.Statements))
	m.Size = types.Int64Value(int64(lp.Size))
	sum := sha256.Sum256(lp.Document)
	m.ID = types.StringValue(hex.EncodeToString(sum[:]))
	for _, f := range validate.LeastPrivilegeWarnings(lp) {
		// The validator's own findings on the policy written, such as the managed policy quota.
		resp.Diagnostics.AddAttributeWarning(path.Root("require"), "Policy validation: "+string(f.Severity)+" "+f.Code, f.Message+".")
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
