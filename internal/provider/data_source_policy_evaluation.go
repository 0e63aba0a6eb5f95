package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"

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

var (
	_ datasource.DataSource                   = (*policyEvaluationDataSource)(nil)
	_ datasource.DataSourceWithValidateConfig = (*policyEvaluationDataSource)(nil)
)

var (
	// actionPattern accepts "service:Action"; whether the action exists is not checked, so that
	// new AWS actions work without a provider release.
	actionPattern    = regexp.MustCompile(`^[^:\s]+:[^:\s]+$`)
	accountIDPattern = regexp.MustCompile(`^[0-9]{12}$`)
)

// NewPolicyEvaluationDataSource returns the iam_policy_evaluation data source.
func NewPolicyEvaluationDataSource() datasource.DataSource {
	return &policyEvaluationDataSource{}
}

// policyEvaluationDataSource decides concrete requests against a set of policies.
type policyEvaluationDataSource struct{}

// policyEvaluationModel is the whole data source, as read in Read, where Terraform guarantees
// that every configuration value is known.
type policyEvaluationModel struct {
	ID types.String `tfsdk:"id"`
	policyAttributes
	SessionPolicyLimitsSessionGrants types.Bool     `tfsdk:"session_policy_limits_session_grants"`
	Requests                         []requestModel `tfsdk:"request"`
	AllAllowed                       types.Bool     `tfsdk:"all_allowed"`
}

// requestModel is one request block: its inputs and the decision computed for it.
type requestModel struct {
	Principal       types.String `tfsdk:"principal"`
	Action          types.String `tfsdk:"action"`
	Resource        types.String `tfsdk:"resource"`
	ResourceAccount types.String `tfsdk:"resource_account"`
	Context         types.Map    `tfsdk:"context"`
	MultiValuedKeys types.Set    `tfsdk:"multi_valued_keys"`

	Decision          types.String `tfsdk:"decision"`
	Allowed           types.Bool   `tfsdk:"allowed"`
	MatchedStatements types.List   `tfsdk:"matched_statements"`
	BlockedBy         types.List   `tfsdk:"blocked_by"`
	Reason            types.String `tfsdk:"reason"`
}

// matchedStatementModel is one element of matched_statements.
type matchedStatementModel struct {
	Kind           types.String `tfsdk:"kind"`
	Policy         types.String `tfsdk:"policy"`
	Level          types.Int64  `tfsdk:"level"`
	StatementIndex types.Int64  `tfsdk:"statement_index"`
	Sid            types.String `tfsdk:"sid"`
	Effect         types.String `tfsdk:"effect"`
	Line           types.Int64  `tfsdk:"line"`
}

var matchedStatementType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"kind":            types.StringType,
	"policy":          types.StringType,
	"level":           types.Int64Type,
	"statement_index": types.Int64Type,
	"sid":             types.StringType,
	"effect":          types.StringType,
	"line":            types.Int64Type,
}}

// evaluationPolicyInputs are the policy inputs of iam_policy_evaluation (and of the evaluate
// function's policies argument).
var evaluationPolicyInputs = policyInputs{
	IdentityPolicies: "The caller's identity-based policies as JSON documents (for example from " +
		"`jsonencode` or `data.aws_iam_policy_document.x.json`): inline and managed policies of the user " +
		"or role, and the policies of the user's groups.",
	ManagedPolicyARNs: "ARNs of AWS managed policies attached to the caller, such as " +
		"`arn:aws:iam::aws:policy/ReadOnlyAccess`; their documents come from the AWS data embedded in the " +
		"provider (no AWS call is made). They are evaluated with `identity_policies`. Any policy attribute " +
		"also accepts such an ARN in place of a document.",
	ResourcePolicy: "The resource-based policy of the requested resource as a JSON document, such as " +
		"a bucket policy, a KMS key policy or a role trust policy. Omit it when the resource has none.",
	PermissionsBoundary: "The caller's permissions boundary as a JSON document, or the ARN of an AWS managed " +
		"policy used as the boundary. Omit it when the caller has none.",
	SessionPolicy: "The session policy passed when the caller's session was created (`AssumeRole`, " +
		"`GetFederationToken`) as a JSON document. Omit it when the session has none.",
	SCPs: "The service control policies of the caller's account, one list of JSON documents " +
		"per level of the organisation path: the root first, then each organizational unit, the account " +
		"last. Every level must allow a request. Omit it (or set it to `null`) when the account is not " +
		"governed by SCPs: no organisation, or the management account.",
	RCPs: "The resource control policies of the resource's account, in the same shape as " +
		"`scps`. `RCPFullAWSAccess` is implied at each level given. Omit it (or set it to `null`) when the " +
		"resource's account is not governed by RCPs.",
}

func (d *policyEvaluationDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_policy_evaluation"
}

func (d *policyEvaluationDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Decides concrete AWS requests against a set of IAM policies, offline and exactly as " +
			"AWS's policy evaluation logic does, and explains each decision: the statements that allowed or " +
			"denied it, or the layer (identity policies, resource policy, permissions boundary, session policy, " +
			"an SCP or RCP level) that gave no Allow. Invalid policy JSON fails the plan with the attribute, the " +
			"line and column, and the JSON path of the error.",
		Attributes: evaluationPolicyInputs.addToDataSource(map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "A hash of every input, stable across runs, so that the same inputs always give the same `id`.",
				Computed:            true,
			},
			"session_policy_limits_session_grants": schema.BoolAttribute{
				MarkdownDescription: "Whether an implicit deny of the session policy also limits a resource-based " +
					"policy that grants access to the role-session ARN itself. The AWS documentation says it does " +
					"not, which is the default (`false`); set `true` for the stricter reading that some simulators use.",
				Optional: true,
			},
			"all_allowed": schema.BoolAttribute{
				MarkdownDescription: "Whether every `request` is allowed.",
				Computed:            true,
			},
		}),
		Blocks: map[string]schema.Block{
			"request": schema.ListNestedBlock{
				MarkdownDescription: "A request to decide. Give one block per request; each gets its own decision and explanation.",
				// An absent block list is null, which SizeAtLeast lets through; IsRequired does not.
				Validators: []validator.List{listvalidator.IsRequired(), listvalidator.SizeAtLeast(1)},
				NestedObject: schema.NestedBlockObject{
					Attributes: map[string]schema.Attribute{
						"principal": schema.StringAttribute{
							MarkdownDescription: "The caller: an IAM user ARN (`arn:aws:iam::111122223333:user/alice`), " +
								"an IAM role ARN (a session of that role), a role-session ARN " +
								"(`arn:aws:sts::111122223333:assumed-role/ROLE/SESSION`), a federated-user ARN, the " +
								"account root user ARN (`arn:aws:iam::111122223333:root`), a service principal " +
								"(`cloudtrail.amazonaws.com`), or `anonymous` for an unsigned request.",
							Required: true,
						},
						"action": schema.StringAttribute{
							MarkdownDescription: "The action, as `service:Action` (for example `s3:GetObject`); it is matched without regard to case.",
							Required:            true,
							Validators: []validator.String{
								stringvalidator.RegexMatches(actionPattern, "must be service:Action, for example s3:GetObject"),
							},
						},
						"resource": schema.StringAttribute{
							MarkdownDescription: "The ARN of the requested resource, or `*` for actions that take no resource.",
							Required:            true,
							Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
						},
						"resource_account": schema.StringAttribute{
							MarkdownDescription: "The 12-digit ID of the account that owns the resource. When omitted, it is " +
								"the account in the resource ARN, else the caller's account. Set it for cross-account " +
								"requests to resources whose ARN has no account, such as S3 buckets.",
							Optional:   true,
							Validators: []validator.String{stringvalidator.RegexMatches(accountIDPattern, "must be a 12-digit AWS account ID")},
						},
						"context": contextInput("The request's condition keys and their values, such as " +
							"`{ \"aws:SourceIp\" = [\"203.0.113.5\"] }`. A list of exactly one string is a single " +
							"value; any other list is a multi-valued key (for `ForAllValues:` and `ForAnyValue:`). " +
							"Keys the evaluator derives from the principal and resource (`aws:PrincipalArn`, " +
							"`aws:PrincipalAccount`, `aws:PrincipalType`, `aws:username`, `aws:ResourceAccount`) " +
							"are filled in unless set here.").dataSource(),
						"multi_valued_keys": schema.SetAttribute{
							MarkdownDescription: "Keys of `context` to treat as multi-valued even when their list has exactly " +
								"one value, such as `aws:TagKeys` with a single tag key.",
							ElementType: types.StringType,
							Optional:    true,
							Validators: []validator.Set{
								setvalidator.NoNullValues(),
								setvalidator.AlsoRequires(path.MatchRelative().AtParent().AtName("context")),
							},
						},
						"decision": schema.StringAttribute{
							MarkdownDescription: "The decision: `Allow`, `ExplicitDeny` (a Deny statement matched) or " +
								"`ImplicitDeny` (nothing denied, but some layer gave no Allow).",
							Computed: true,
						},
						"allowed": schema.BoolAttribute{
							MarkdownDescription: "Whether `decision` is `Allow`.",
							Computed:            true,
						},
						"matched_statements": schema.ListNestedAttribute{
							MarkdownDescription: "The statements that decided the request: for an explicit deny, the Deny " +
								"statements that matched; for an allow, the Allow statements of every layer that granted " +
								"or permitted it; for an implicit deny, the Allow statements of the layers that did allow.",
							Computed: true,
							NestedObject: schema.NestedAttributeObject{
								Attributes: map[string]schema.Attribute{
									"kind": schema.StringAttribute{
										MarkdownDescription: "The kind of policy: `identity`, `resource`, `permissions_boundary`, `session`, `scp` or `rcp`.",
										Computed:            true,
									},
									"policy": schema.StringAttribute{
										MarkdownDescription: "The policy, named by its attribute, such as `identity_policies[1]` or `scps[0][2]`.",
										Computed:            true,
									},
									"level": schema.Int64Attribute{
										MarkdownDescription: "The organisation level of an SCP or RCP (0 for the root); null for other kinds.",
										Computed:            true,
									},
									"statement_index": schema.Int64Attribute{
										MarkdownDescription: "The index of the statement in the policy's `Statement` array (0 for a single statement object).",
										Computed:            true,
									},
									"sid": schema.StringAttribute{
										MarkdownDescription: "The statement's `Sid`; null when it has none.",
										Computed:            true,
									},
									"effect": schema.StringAttribute{
										MarkdownDescription: "The statement's `Effect`: `Allow` or `Deny`.",
										Computed:            true,
									},
									"line": schema.Int64Attribute{
										MarkdownDescription: "The line of the statement in the policy document; null when not known.",
										Computed:            true,
									},
								},
							},
						},
						"blocked_by": schema.ListAttribute{
							MarkdownDescription: "For an implicit deny, the layers that gave no Allow: `identity`, `resource`, " +
								"`permissions_boundary`, `session`, `scp[N]` or `rcp[N]` (N is the organisation level, 0 for " +
								"the root). Empty for other decisions.",
							ElementType: types.StringType,
							Computed:    true,
						},
						"reason": schema.StringAttribute{
							MarkdownDescription: "One sentence saying why the request got its decision.",
							Computed:            true,
						},
					},
				},
			},
		},
	}
}

// ValidateConfig reports invalid policy documents and principals as early as possible: during
// `terraform validate` and at the start of `terraform plan`. Values that are unknown here (they
// depend on resources not yet created) are skipped, as the cloudinit provider does; Read checks
// them again once they are known.
func (d *policyEvaluationDataSource) ValidateConfig(ctx context.Context, req datasource.ValidateConfigRequest, resp *datasource.ValidateConfigResponse) {
	attrs := getPolicyAttributes(ctx, req.Config, &resp.Diagnostics)
	attrs.policySet(ctx, &resp.Diagnostics)

	var requests types.List
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("request"), &requests)...)
	if requests.IsNull() || requests.IsUnknown() {
		return
	}
	for i := range requests.Elements() {
		at := path.Root("request").AtListIndex(i).AtName("principal")
		var principal types.String
		resp.Diagnostics.Append(req.Config.GetAttribute(ctx, at, &principal)...)
		if principal.IsNull() || principal.IsUnknown() {
			continue
		}
		if _, err := evaluator.CheckPrincipal(principal.ValueString()); err != nil {
			resp.Diagnostics.AddAttributeError(at, "Invalid principal", fmt.Sprintf("request[%d].principal: %s.", i, err))
		}
	}
}

func (d *policyEvaluationDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m policyEvaluationModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ps := m.policySet(ctx, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	opts := evaluator.Options{SessionPolicyLimitsSessionGrants: m.SessionPolicyLimitsSessionGrants.ValueBool()}

	allAllowed := true
	for i := range m.Requests {
		r := &m.Requests[i]
		at := path.Root("request").AtListIndex(i)
		er := r.engineRequest(ctx, at, &resp.Diagnostics)
		if er == nil {
			continue
		}
		res, err := evaluator.Authorize(ps, er, opts)
		if err != nil {
			resp.Diagnostics.AddAttributeError(at, "Invalid request", fmt.Sprintf("request[%d] cannot be evaluated: %s.", i, err))
			continue
		}
		r.setResult(ctx, res, &resp.Diagnostics)
		allAllowed = allAllowed && res.Decision == evaluator.Allow
	}
	if resp.Diagnostics.HasError() {
		return
	}
	m.AllAllowed = types.BoolValue(allAllowed)
	id, err := inputHash(req.Config.Raw, "id", "all_allowed")
	if err != nil {
		resp.Diagnostics.AddError("Cannot compute id", err.Error())
		return
	}
	m.ID = types.StringValue(id)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// engineRequest converts a request block to the engine's request. It returns nil after adding
// an error when the block cannot be converted.
func (r *requestModel) engineRequest(ctx context.Context, at path.Path, diags *diag.Diagnostics) *evaluator.Request {
	er := &evaluator.Request{
		Principal:       r.Principal.ValueString(),
		Action:          r.Action.ValueString(),
		Resource:        r.Resource.ValueString(),
		ResourceAccount: r.ResourceAccount.ValueString(),
	}
	values, multi, ok := r.contextValues(ctx, at, diags)
	if !ok {
		return nil
	}
	// multi_valued_keys, not the service reference data, says which one-value lists are sets:
	// the data source decides the request exactly as it is written.
	er.Context = engineContext(values, func(key string) bool { return multi[strings.ToLower(key)] })
	return er
}

// contextValues returns the context map and the set of keys forced to be multi-valued (in
// lower case, since condition keys are compared without regard to case).
func (r *requestModel) contextValues(ctx context.Context, at path.Path, diags *diag.Diagnostics) (map[string][]string, map[string]bool, bool) {
	var values map[string][]string
	if !r.Context.IsNull() {
		if d := r.Context.ElementsAs(ctx, &values, false); d.HasError() {
			diags.Append(d...)
			return nil, nil, false
		}
	}
	present := make(map[string]bool, len(values))
	for key := range values {
		present[strings.ToLower(key)] = true
	}
	var keys []string
	if !r.MultiValuedKeys.IsNull() {
		if d := r.MultiValuedKeys.ElementsAs(ctx, &keys, false); d.HasError() {
			diags.Append(d...)
			return nil, nil, false
		}
	}
	multi := make(map[string]bool, len(keys))
	ok := true
	for _, key := range keys {
		lower := strings.ToLower(key)
		if !present[lower] {
			// A key listed here but missing from context is almost certainly a typo; ignoring it
			// would silently evaluate a different request than the one meant.
			diags.AddAttributeError(at.AtName("multi_valued_keys"), "Unknown context key",
				fmt.Sprintf("multi_valued_keys names %q, which is not a key of context.", key))
			ok = false
		}
		multi[lower] = true
	}
	return values, multi, ok
}

// setResult writes the engine's decision and explanation into the block's computed attributes.
func (r *requestModel) setResult(ctx context.Context, res evaluator.Result, diags *diag.Diagnostics) {
	r.Decision = types.StringValue(string(res.Decision))
	r.Allowed = types.BoolValue(res.Decision == evaluator.Allow)
	r.Reason = types.StringValue(res.Reason())

	matched := make([]matchedStatementModel, 0, len(res.Denies)+len(res.Allows))
	for _, refs := range [][]evaluator.StatementRef{res.Denies, res.Allows} {
		for _, s := range refs {
			matched = append(matched, newMatchedStatement(s))
		}
	}
	list, d := types.ListValueFrom(ctx, matchedStatementType, matched)
	diags.Append(d...)
	r.MatchedStatements = list

	blocked := make([]string, 0, len(res.BlockedBy))
	for _, b := range res.BlockedBy {
		blocked = append(blocked, blockLabel(b))
	}
	list, d = types.ListValueFrom(ctx, types.StringType, blocked)
	diags.Append(d...)
	r.BlockedBy = list
}

func newMatchedStatement(s evaluator.StatementRef) matchedStatementModel {
	m := matchedStatementModel{
		Kind:           types.StringValue(string(s.Kind)),
		Policy:         types.StringValue(s.Policy),
		Level:          types.Int64Null(),
		StatementIndex: types.Int64Value(int64(s.Index)),
		Sid:            types.StringNull(),
		Effect:         types.StringValue(s.Effect),
		Line:           types.Int64Null(),
	}
	if s.Kind == evaluator.KindSCP || s.Kind == evaluator.KindRCP {
		m.Level = types.Int64Value(int64(s.Level))
	}
	if s.Sid != "" {
		m.Sid = types.StringValue(s.Sid)
	}
	if s.Line > 0 {
		m.Line = types.Int64Value(int64(s.Line))
	}
	return m
}

// blockLabel names a blocking layer the way blocked_by documents it: "scp[1]" for the first
// organisational unit below the root, "permissions_boundary" for the boundary.
func blockLabel(b evaluator.Block) string {
	if b.Layer == evaluator.KindSCP || b.Layer == evaluator.KindRCP {
		return fmt.Sprintf("%s[%d]", b.Layer, b.Level)
	}
	return string(b.Layer)
}
