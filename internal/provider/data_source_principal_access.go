package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/iamguard/terraform-provider-iam/internal/evaluator"
)

var _ datasource.DataSource = (*principalAccessDataSource)(nil)

// NewPrincipalAccessDataSource returns the iam_principal_access data source.
func NewPrincipalAccessDataSource() datasource.DataSource {
	return &principalAccessDataSource{}
}

// principalAccessDataSource lists the effective permissions of a principal: every action it
// may perform, exactly (from the analysis, not sampled).
type principalAccessDataSource struct{}

type principalAccessModel struct {
	ID        types.String `tfsdk:"id"`
	Principal types.String `tfsdk:"principal"`
	principalPolicies
	SCPs          types.List `tfsdk:"scps"`
	PrincipalTags types.Map  `tfsdk:"principal_tags"`
	Actions       types.List `tfsdk:"actions"`
	Resources     types.List `tfsdk:"resources"`
	AccessLevels  types.Set  `tfsdk:"access_levels"`
	Allowed       types.List `tfsdk:"allowed"`
	Summary       types.Map  `tfsdk:"summary"`
}

type allowedActionModel struct {
	Action        types.String `tfsdk:"action"`
	Service       types.String `tfsdk:"service"`
	AccessLevel   types.String `tfsdk:"access_level"`
	Resources     types.List   `tfsdk:"resources"`
	Conditional   types.Bool   `tfsdk:"conditional"`
	ConditionKeys types.List   `tfsdk:"condition_keys"`
	WitnessARN    types.String `tfsdk:"witness_resource"`
}

var allowedActionType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"action":           types.StringType,
	"service":          types.StringType,
	"access_level":     types.StringType,
	"resources":        types.ListType{ElemType: types.StringType},
	"conditional":      types.BoolType,
	"condition_keys":   types.ListType{ElemType: types.StringType},
	"witness_resource": types.StringType,
}}

func (ds *principalAccessDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_principal_access"
}

// principalAccessPolicyInputs are the policies of iam_principal_access: those of the principal
// and its account, not of any resource.
var principalAccessPolicyInputs = policyInputs{
	IdentityPolicies: "The principal's identity-based policies as JSON documents.",
	ManagedPolicyARNs: "ARNs of AWS managed policies attached to the principal, such as " +
		"`arn:aws:iam::aws:policy/ReadOnlyAccess` (from the provider's embedded copy).",
	PermissionsBoundary: "The principal's permissions boundary: a JSON document or an AWS managed policy ARN.",
	SessionPolicy:       "The session policy of the principal's session, as a JSON document.",
	SCPs: "The SCPs of the principal's account, one list of JSON documents per level of the " +
		"organisation path (root first). Omit it when the account is not governed by SCPs.",
}

func (ds *principalAccessDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	stringList := func(description string) schema.ListAttribute {
		return schema.ListAttribute{MarkdownDescription: description, ElementType: types.StringType, Optional: true,
			Validators: []validator.List{listvalidator.NoNullValues()}}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the effective permissions of a principal: every action it may perform under " +
			"its identity policies, permissions boundary, session policy and SCPs, grouped by service and access " +
			"level, each with the `Resource` patterns that grant it and whether conditions restrict it. The list is " +
			"exact, not sampled: the analysis decides every class of requests, so an action that is not listed is " +
			"proven denied for every resource and request context in scope.",
		Attributes: principalAccessPolicyInputs.addToDataSource(map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "A hash of the inputs.",
				Computed:            true,
			},
			"principal": schema.StringAttribute{
				MarkdownDescription: "The principal: an IAM role ARN (a session of the role), an IAM user ARN, or another " +
					"caller form that `iam_policy_evaluation` accepts.",
				Required:   true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"principal_tags": principalTagsInput("All of the principal's tags. When omitted the tags are free: an action is listed " +
				"when a principal with some tags may perform it.").dataSource(),
			"actions": stringList("Action patterns to limit the list to (default every action), such as `[\"s3:*\", \"iam:*\"]`."),
			"resources": stringList("Resource ARN patterns to limit the list to (default `[\"*\"]`): only requests on " +
				"resources matching one of them are considered."),
			"access_levels": schema.SetAttribute{
				MarkdownDescription: "Access levels to limit the list to: `List`, `Read`, `Write`, `Tagging`, `Permissions management`.",
				ElementType:         types.StringType,
				Optional:            true,
				Validators: []validator.Set{
					setvalidator.ValueStringsAre(stringvalidator.OneOf(evaluator.AccessLevels()...)),
				},
			},
			"allowed": schema.ListNestedAttribute{
				MarkdownDescription: "The actions the principal may perform, sorted by name.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"action":       schema.StringAttribute{MarkdownDescription: "The action, as AWS spells it.", Computed: true},
					"service":      schema.StringAttribute{MarkdownDescription: "The service prefix.", Computed: true},
					"access_level": schema.StringAttribute{MarkdownDescription: "The access level from the Service Authorization Reference.", Computed: true},
					"resources": schema.ListAttribute{MarkdownDescription: "The `Resource` patterns of the statements that grant it; " +
						"empty for an action no policy needs to grant (`sts:GetCallerIdentity`).", ElementType: types.StringType, Computed: true},
					"conditional": schema.BoolAttribute{MarkdownDescription: "Whether some request of the action is allowed " +
						"only for some request contexts.", Computed: true},
					"condition_keys": schema.ListAttribute{MarkdownDescription: "For a conditional action, the keys that the " +
						"statements involved read.", ElementType: types.StringType, Computed: true},
					"witness_resource": schema.StringAttribute{MarkdownDescription: "The resource of an allowed request, " +
						"checked with the concrete evaluator.", Computed: true},
				}},
			},
			"summary": schema.MapAttribute{
				MarkdownDescription: "The number of allowed actions per service and access level, keyed `service/level` " +
					"(for example `s3/Write`).",
				ElementType: types.Int64Type,
				Computed:    true,
			},
		}),
	}
}

func (ds *principalAccessDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m principalAccessModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if _, err := evaluator.CheckPrincipal(m.Principal.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("principal"), "Invalid principal", fmt.Sprintf("principal: %s.", err))
		return
	}
	attrs := policyAttributes{principalPolicies: m.principalPolicies, SCPs: m.SCPs}
	ps := attrs.policySet(ctx, &resp.Diagnostics)
	actions := knownStrings(ctx, m.Actions, &resp.Diagnostics)
	if len(actions) == 0 {
		actions = []string{"*"}
	}
	resources := knownStrings(ctx, m.Resources, &resp.Diagnostics)
	if len(resources) == 0 {
		resources = []string{"*"}
	}
	for i, a := range actions {
		if msg := evaluator.ActionPatternProblem(a); msg != "" {
			resp.Diagnostics.AddAttributeError(path.Root("actions").AtListIndex(i), "Action pattern matches no action", fmt.Sprintf("actions[%d]: %s.", i, msg))
		}
	}
	for i, r := range resources {
		if msg := evaluator.ResourcePatternProblem(r); msg != "" {
			resp.Diagnostics.AddAttributeError(path.Root("resources").AtListIndex(i), "Invalid resource pattern", fmt.Sprintf("resources[%d]: %s.", i, msg))
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}
	q := &evaluator.Question{Principal: m.Principal.ValueString(), Policies: *ps, Actions: actions, Resources: resources,
		PrincipalTags: principalTags(m.PrincipalTags), Done: ctx.Done()}
	eff, err := evaluator.Effective(q)
	if err != nil {
		resp.Diagnostics.AddError("Effective permissions cannot be computed", err.Error()+".")
		return
	}
	if len(eff.Undecided) > 0 {
		resp.Diagnostics.AddError("Effective permissions undecided",
			fmt.Sprintf("The analysis could not decide %d actions (%v): %s. An undecided list is not reported as complete.", len(eff.Undecided), eff.Undecided, eff.Reason))
		return
	}
	levels := map[string]bool{}
	for _, l := range knownSetStrings(m.AccessLevels) {
		levels[l] = true
	}
	var allowed []allowedActionModel
	summary := map[string]int64{}
	for _, a := range eff.Actions {
		if len(levels) > 0 && !levels[a.AccessLevel] {
			continue
		}
		res, d := types.ListValueFrom(ctx, types.StringType, nonNil(a.Resources))
		resp.Diagnostics.Append(d...)
		keys, d := types.ListValueFrom(ctx, types.StringType, nonNil(a.ConditionKeys))
		resp.Diagnostics.Append(d...)
		allowed = append(allowed, allowedActionModel{Action: types.StringValue(a.Action), Service: types.StringValue(a.Service),
			AccessLevel: types.StringValue(a.AccessLevel), Resources: res, Conditional: types.BoolValue(a.Conditional),
			ConditionKeys: keys, WitnessARN: types.StringValue(a.Witness.Resource)})
		summary[a.Service+"/"+a.AccessLevel]++
	}
	if allowed == nil {
		allowed = []allowedActionModel{}
	}
	var d diag.Diagnostics
	m.Allowed, d = types.ListValueFrom(ctx, allowedActionType, allowed)
	resp.Diagnostics.Append(d...)
	m.Summary, d = types.MapValueFrom(ctx, types.Int64Type, summary)
	resp.Diagnostics.Append(d...)
	id, err := inputHash(req.Config.Raw, "id", "allowed", "summary")
	if err != nil {
		resp.Diagnostics.AddError("Cannot compute id", err.Error())
		return
	}
	m.ID = types.StringValue(id)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func knownSetStrings(s types.Set) []string {
	var out []string
	if s.IsNull() || s.IsUnknown() {
		return nil
	}
	for _, e := range s.Elements() {
		if v, ok := e.(types.String); ok && !v.IsNull() && !v.IsUnknown() {
			out = append(out, v.ValueString())
		}
	}
	return out
}
