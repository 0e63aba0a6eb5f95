package provider

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/objectvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/iamguard/terraform-provider-iam/internal/evaluator"
)

var (
	_ resource.Resource                   = (*accessCheckResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*accessCheckResource)(nil)
	_ resource.ResourceWithValidateConfig = (*accessCheckResource)(nil)
)

// NewAccessCheckResource returns the iam_access_check resource.
func NewAccessCheckResource() resource.Resource {
	return &accessCheckResource{}
}

// accessCheckResource proves, during `terraform plan`, that a principal can never reach the
// access its forbid blocks describe and can still make the requests its require blocks list.
// It manages nothing: its state only records that the check passed, so that Terraform shows a
// change (and checks again) whenever an input changes.
type accessCheckResource struct{}

// accessCheckModel is the whole resource. Inputs are kept as Terraform values so that unknown
// values survive until ModifyPlan decides what to do with them.
type accessCheckModel struct {
	ID               types.String `tfsdk:"id"`
	Principal        types.Object `tfsdk:"principal"`
	SCPs             types.List   `tfsdk:"scps"`
	RCPs             types.List   `tfsdk:"rcps"`
	ResourcePolicies types.Map    `tfsdk:"resource_policies"`
	ResourceAccount  types.String `tfsdk:"resource_account"`
	Forbid           types.List   `tfsdk:"forbid"`
	Require          types.List   `tfsdk:"require"`
	OnUnknown        types.String `tfsdk:"on_unknown"`
	Enforce          types.Bool   `tfsdk:"enforce"`
	Budget           types.Int64  `tfsdk:"budget"`
	Passed           types.Bool   `tfsdk:"passed"`
	Violations       types.Int64  `tfsdk:"violations"`
	Findings         types.List   `tfsdk:"findings"`
}

type accessPrincipalModel struct {
	ARN       types.String `tfsdk:"arn"`
	Type      types.String `tfsdk:"type"`
	AccountID types.String `tfsdk:"account_id"`
	principalPolicies
	Tags types.Map `tfsdk:"tags"`
}

type forbidModel struct {
	Actions   types.List `tfsdk:"actions"`
	Resources types.List `tfsdk:"resources"`
	Context   types.Map  `tfsdk:"context"`
	// WaiveUndecided is the reason an undecided answer of this rule is accepted, or null.
	WaiveUndecided types.String `tfsdk:"waive_undecided"`
}

type requireModel struct {
	Principal       types.String `tfsdk:"principal"`
	Action          types.String `tfsdk:"action"`
	Resource        types.String `tfsdk:"resource"`
	ResourceAccount types.String `tfsdk:"resource_account"`
	Context         types.Map    `tfsdk:"context"`
}

type findingModel struct {
	Rule       types.String `tfsdk:"rule"`
	Kind       types.String `tfsdk:"kind"`
	Witness    types.Object `tfsdk:"witness"`
	Statements types.List   `tfsdk:"statements"`
	Message    types.String `tfsdk:"message"`
}

type witnessModel struct {
	Principal       types.String `tfsdk:"principal"`
	Action          types.String `tfsdk:"action"`
	Resource        types.String `tfsdk:"resource"`
	ResourceAccount types.String `tfsdk:"resource_account"`
	Context         types.Map    `tfsdk:"context"`
}

var (
	contextMapType = types.MapType{ElemType: types.ListType{ElemType: types.StringType}}
	witnessType    = types.ObjectType{AttrTypes: map[string]attr.Type{
		"principal":        types.StringType,
		"action":           types.StringType,
		"resource":         types.StringType,
		"resource_account": types.StringType,
		"context":          contextMapType,
	}}
	findingType = types.ObjectType{AttrTypes: map[string]attr.Type{
		"rule":       types.StringType,
		"kind":       types.StringType,
		"witness":    witnessType,
		"statements": types.ListType{ElemType: types.StringType},
		"message":    types.StringType,
	}}
)

func (r *accessCheckResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_access_check"
}

// accessCheckPrincipalInputs are the policies of iam_access_check's principal block.
var accessCheckPrincipalInputs = policyInputs{
	IdentityPolicies: "The principal's identity-based policies as JSON documents (inline and " +
		"customer managed policies, a user's group policies), for example from `jsonencode` or " +
		"`data.aws_iam_policy_document.x.json`.",
	ManagedPolicyARNs: "ARNs of AWS managed policies attached to the principal, such as " +
		"`arn:aws:iam::aws:policy/ReadOnlyAccess`. Their documents come from the provider's " +
		"embedded copy of the default versions; an ARN it does not know is an error.",
	PermissionsBoundary: "The principal's permissions boundary: a JSON document, or the ARN of " +
		"an AWS managed policy. Omit it when the principal has none.",
	SessionPolicy: "The session policy passed when the principal's session was created, " +
		"as a JSON document. It applies to role-session and federated-user principals only.",
}

// accessCheckOrganisationInputs are iam_access_check's organisation policies, outside the
// principal block since RCPs belong to the resources' account.
var accessCheckOrganisationInputs = policyInputs{
	SCPs: "The service control policies of the principal's account as JSON documents, " +
		"one list per level of the organisation path: the root first, then each organizational unit, " +
		"the account last. Every level must allow a request. Omit it when the account is not governed " +
		"by SCPs (no organisation, or the management account).",
	RCPs: "The resource control policies of the resources' account, in the same shape " +
		"as `scps`. `RCPFullAWSAccess` is implied at each level given. Omit it when the account is not " +
		"governed by RCPs.",
}

// multiValuedContext completes the description of a context attribute whose one-value lists
// are single values unless the service reference data types the key as multi-valued.
func multiValuedContext(description string) string {
	return description + " A list with one string is a single value unless the " +
		"service reference data says the key is multi-valued (such as `aws:TagKeys`); a longer list is " +
		"a multi-valued key."
}

func (r *accessCheckResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Proves during `terraform plan` that a principal can never reach forbidden access, " +
			"and can still make the requests it needs. Each `forbid` block names a set of requests (action " +
			"and resource patterns, any context); the provider analyses the policies symbolically, offline, " +
			"and fails the plan with a witness request and the statements that allow it when any request of " +
			"the set is allowed. Each `require` block is a concrete request that must be allowed; the plan " +
			"fails with the layer that blocks it when it is not. A forbid that the analysis cannot decide fails " +
			"too. A principal created in the same plan, whose ARN is known only after apply, is checked at plan " +
			"time as any principal of its `type` in `account_id`. Any other input known only after apply fails " +
			"the plan, unless `on_unknown = \"defer\"` moves the check to apply. With `enforce = false` the check " +
			"only reports, for `terraform test` assertions and `check` blocks. The resource manages nothing in AWS.",
		Attributes: accessCheckOrganisationInputs.addToResource(map[string]schema.Attribute{
			"resource_policies": resourcePoliciesInput("Resource-based policies (bucket policies, key policies, trust policies) as " +
				"JSON documents, keyed by the resource ARN or ARN pattern they protect: " +
				"`arn:aws:s3:::bucket/*` covers every object of the bucket. A resource that no key matches " +
				"has no resource policy; one that several keys match has the statements of all of them.").resource(),
			"id": schema.StringAttribute{
				MarkdownDescription: "A hash of every input of the check, stable across runs, so that re-planning " +
					"an unchanged configuration shows no changes.",
				Computed: true,
			},
			"resource_account": schema.StringAttribute{
				MarkdownDescription: "The 12-digit ID of the account that owns the resources of every rule. When " +
					"omitted, it is the account in each resource ARN, else the principal's account. Set it for " +
					"resources whose ARN has no account, such as S3 buckets, when they belong to another account.",
				Optional:   true,
				Validators: []validator.String{stringvalidator.RegexMatches(accountIDPattern, "must be a 12-digit AWS account ID")},
			},
			"on_unknown": schema.StringAttribute{
				MarkdownDescription: "What to do when an input other than `principal.arn` is known only after apply " +
					"(computed by a resource of the same plan), so that the check cannot run at plan time. `fail` (the " +
					"default) fails the plan with an error naming each unknown input and how to make it known. `defer` " +
					"warns and runs the check during apply instead; make every resource that grants the checked access " +
					"depend on this one (`depends_on`), so that a failing check stops the apply before anything is granted.",
				Optional:   true,
				Computed:   true,
				Default:    stringdefault.StaticString(onUnknownFail),
				Validators: []validator.String{stringvalidator.OneOf(onUnknownFail, onUnknownDefer)},
			},
			"enforce": schema.BoolAttribute{
				MarkdownDescription: "Whether a rule that does not hold fails the plan (the default, `true`). With " +
					"`false` the check only reports: each finding is a warning, and `passed`, `violations` and " +
					"`findings` carry the results, at plan time when the inputs are known, so that `terraform test` " +
					"assertions and `check` blocks can read them.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(true),
			},
			"budget": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("The work budget of the analysis, shared by all the forbid blocks "+
					"of the check (default %d units: one per explored state, plus one per 32 pattern positions it "+
					"holds, so it bounds memory too). A forbid that the analysis cannot decide within what is left "+
					"fails the check as undecided; raise it for policies with very many patterns on the same "+
					"condition key.", evaluator.DefaultBudget),
				Optional:   true,
				Validators: []validator.Int64{int64validator.AtLeast(1)},
			},
			"passed": schema.BoolAttribute{
				MarkdownDescription: "Whether every rule holds. With `enforce = true` it is always `true` in the " +
					"state, since a rule that does not hold fails the plan. It is unknown in a plan whose check is " +
					"deferred to apply, and, with `enforce = false`, in a plan whose principal's ARN is unknown and " +
					"some rule fails for one of the ARNs it could have.",
				Computed: true,
			},
			"violations": schema.Int64Attribute{
				MarkdownDescription: "The number of findings that fail the check: rules that do not hold (violated or " +
					"undecided forbid blocks, unless waived, and unmet require blocks). Zero exactly when `passed` is `true`.",
				Computed: true,
			},
			"findings": schema.ListNestedAttribute{
				MarkdownDescription: "The rules that do not hold, in the order of the `forbid` and then the " +
					"`require` blocks. With `enforce = true` it is empty in the state, since any finding fails the plan.",
				Computed: true,
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"rule": schema.StringAttribute{
							MarkdownDescription: "The rule, such as `forbid[0]` or `require[1]`.",
							Computed:            true,
						},
						"kind": schema.StringAttribute{
							MarkdownDescription: "`violation` (a forbidden request is allowed), `unmet` (a required " +
								"request is not allowed), `undecided` (the analysis could not decide a forbid) or " +
								"`waived_undecided` (an undecided forbid whose `waive_undecided` accepts it).",
							Computed: true,
						},
						"witness": schema.SingleNestedAttribute{
							MarkdownDescription: "For a violation, an allowed request of the forbidden set; null otherwise.",
							Computed:            true,
							Attributes: map[string]schema.Attribute{
								"principal": schema.StringAttribute{
									MarkdownDescription: "The caller of the request: `principal.arn`, or for a principal whose ARN " +
										"is known only after apply, `arn:aws:iam::111122223333:role/(known after apply)` with the ARN " +
										"it would need to have when a policy names that ARN.",
									Computed: true,
								},
								"action": schema.StringAttribute{
									MarkdownDescription: "The action of the request, a real action of the service reference data.",
									Computed:            true,
								},
								"resource": schema.StringAttribute{
									MarkdownDescription: "The resource ARN of the request.",
									Computed:            true,
								},
								"resource_account": schema.StringAttribute{
									MarkdownDescription: "The account that owns the resource.",
									Computed:            true,
								},
								"context": schema.MapAttribute{
									MarkdownDescription: "The condition keys of the request and their values.",
									ElementType:         types.ListType{ElemType: types.StringType},
									Computed:            true,
								},
							},
						},
						"statements": schema.ListAttribute{
							MarkdownDescription: "For a violation, the statements that allow the witness; for an unmet " +
								"require that is explicitly denied, the Deny statements; such as " +
								"`identity_policies[0] statement 1 (\"AllowAll\")`.",
							ElementType: types.StringType,
							Computed:    true,
						},
						"message": schema.StringAttribute{
							MarkdownDescription: "The finding in one paragraph, as the plan's error shows it.",
							Computed:            true,
						},
					},
				},
			},
		}),
		Blocks: map[string]schema.Block{
			"principal": schema.SingleNestedBlock{
				MarkdownDescription: "The principal whose access is checked, with every policy that applies to it.",
				Validators:          []validator.Object{objectvalidator.IsRequired()},
				Attributes: accessCheckPrincipalInputs.addToResource(map[string]schema.Attribute{
					"arn": schema.StringAttribute{
						MarkdownDescription: "The principal: an IAM role ARN (a session of the role), an IAM user " +
							"ARN, a role-session ARN (`arn:aws:sts::111122223333:assumed-role/ROLE/SESSION`), a " +
							"federated-user ARN, the account root user ARN, a service principal, or `anonymous` for " +
							"unsigned requests. For a role or user created in the same plan (`aws_iam_role.x.arn`, known " +
							"only after apply), also set `type` and `account_id`: the check then runs at plan time for " +
							"every ARN the principal could have. It may be omitted when `type` and `account_id` are set.",
						Optional:   true,
						Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
					},
					"type": schema.StringAttribute{
						MarkdownDescription: "The kind of principal, `role` or `user`, for a principal whose ARN is known " +
							"only after apply. While the ARN is unknown, the check holds only if it holds for every role " +
							"(or user) of `account_id`, whatever its path and name: a resource policy or condition that " +
							"names a specific ARN is assumed to possibly name the new principal. When `arn` is known it " +
							"must agree.",
						Optional:   true,
						Validators: []validator.String{stringvalidator.OneOf("role", "user")},
					},
					"account_id": schema.StringAttribute{
						MarkdownDescription: "The 12-digit ID of the principal's account (for example " +
							"`data.aws_caller_identity.current.account_id`), for a principal whose ARN is known only after " +
							"apply. When `arn` is known it must agree.",
						Optional:   true,
						Validators: []validator.String{stringvalidator.RegexMatches(accountIDPattern, "must be a 12-digit AWS account ID")},
					},
					"tags": principalTagsInput("All of the principal's tags, which conditions and policy variables read as " +
						"`aws:PrincipalTag/<key>`. When set, these are the only tags: every other tag key is absent. When " +
						"omitted, the principal's tags are free: the check holds only if it holds for a principal with " +
						"any tags at all, because tags are set by whoever administers the principal and a role " +
						"session's tags by whoever calls `sts:AssumeRole` with `sts:TagSession` (session tags " +
						"override the role's). Set `tags = {}` for a principal that has and can be given no tags.").resource(),
				}),
			},
			"forbid": schema.ListNestedBlock{
				MarkdownDescription: "A set of requests the principal must never be able to make: any action " +
					"matching `actions` on any resource matching `resources`, with any request context that agrees " +
					"with `context`. The plan fails when some request of the set is allowed.",
				NestedObject: schema.NestedBlockObject{
					Attributes: map[string]schema.Attribute{
						"actions": schema.ListAttribute{
							MarkdownDescription: "Action patterns, with `*` and `?` as in a policy's `Action` element, " +
								"such as `iam:*` or `s3:Delete*`.",
							ElementType: types.StringType,
							Required:    true,
							Validators: []validator.List{
								listvalidator.SizeAtLeast(1),
								listvalidator.NoNullValues(),
								listvalidator.ValueStringsAre(stringvalidator.RegexMatches(actionPatternPattern,
									"must be service:Action, with * and ? as wildcards, or *")),
							},
						},
						"resources": schema.ListAttribute{
							MarkdownDescription: "Resource ARN patterns, with `*` and `?` as in a policy's `Resource` " +
								"element, such as `arn:aws:s3:::prod-*`, or `*` for every resource.",
							ElementType: types.StringType,
							Required:    true,
							Validators: []validator.List{
								listvalidator.SizeAtLeast(1),
								listvalidator.NoNullValues(),
								listvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(1)),
							},
						},
						"context": contextInput(multiValuedContext("Condition keys fixed to these values for every request of " +
							"the set; every other key may take any value or be absent.")).resource(),
						"waive_undecided": schema.StringAttribute{
							MarkdownDescription: "Accept, for the reason given, that the analysis cannot decide this rule: an " +
								"undecided answer is then a warning instead of an error, listed in `findings` with kind " +
								"`waived_undecided`, and does not make `passed` false. A violation is never waived (a proven " +
								"forbidden request: narrow the policies or the rule), but an undecided rule may hide one that a " +
								"larger `budget` would find. When the rule is decided, the waiver is reported as having nothing to waive.",
							Optional:   true,
							Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
						},
					},
				},
			},
			"require": schema.ListNestedBlock{
				MarkdownDescription: "A concrete request that must stay allowed, decided with the same policies. " +
					"The plan fails, naming the layer that blocks it, when it is not allowed.",
				NestedObject: schema.NestedBlockObject{
					Attributes: map[string]schema.Attribute{
						"principal": schema.StringAttribute{
							MarkdownDescription: "The caller, when it is not `principal.arn` (for example another " +
								"session of the same role). The policies are still those of the `principal` block.",
							Optional:   true,
							Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
						},
						"action": schema.StringAttribute{
							MarkdownDescription: "The action, as `service:Action`, such as `s3:GetObject`.",
							Required:            true,
							Validators: []validator.String{
								stringvalidator.RegexMatches(actionPattern, "must be service:Action, for example s3:GetObject"),
							},
						},
						"resource": schema.StringAttribute{
							MarkdownDescription: "The resource ARN, or `*` for actions that take no resource.",
							Required:            true,
							Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
						},
						"resource_account": schema.StringAttribute{
							MarkdownDescription: "The 12-digit ID of the account that owns the resource, when it is " +
								"not the resource's default (see the top-level `resource_account`).",
							Optional:   true,
							Validators: []validator.String{stringvalidator.RegexMatches(accountIDPattern, "must be a 12-digit AWS account ID")},
						},
						"context": contextInput(multiValuedContext("The request's condition keys and their values, added to the " +
							"principal's tags.")).resource(),
					},
				},
			},
		},
	}
}

// The values of on_unknown.
const (
	onUnknownFail  = "fail"
	onUnknownDefer = "defer"
)

var (
	// actionPatternPattern accepts the entries of an Action element: "*" or "service:pattern".
	actionPatternPattern = regexp.MustCompile(`^(\*|[^:\s]+:[^:\s]+)$`)
)

// ValidateConfig reports what can be wrong with the configuration on its own, as early as
// `terraform validate`: invalid policy documents, unknown managed policies, malformed
// principals, and a check without rules. Unknown values are skipped; ModifyPlan checks them
// once they are known.
func (r *accessCheckResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m accessCheckModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if knownEmpty(m.Forbid) && knownEmpty(m.Require) {
		resp.Diagnostics.AddError("Access check without rules",
			"An iam_access_check needs at least one forbid or require block; without one it would pass whatever the policies say.")
	}
	buildAccessCheck(ctx, &m, &resp.Diagnostics)
}

func knownEmpty(l types.List) bool {
	return !l.IsUnknown() && len(l.Elements()) == 0
}

// ModifyPlan runs the check while Terraform plans, so that a rule that does not hold fails
// `terraform plan`. A principal whose ARN is unknown (created in the same plan) is checked as
// every principal of its kind and account. Other unknown inputs fail the plan, or with
// on_unknown = "defer" leave the check to apply: Terraform plans again during apply with the
// values computed by then, and the check runs before this resource is created or updated.
func (r *accessCheckResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return // destroying: there is nothing to check
	}
	var m accessCheckModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	newPrincipal := unknownPrincipalOf(ctx, &m, &resp.Diagnostics)
	unknown := unknownInputs(req.Config.Raw)
	if newPrincipal != nil {
		unknown = removeString(unknown, "principal.arn")
	}
	if len(unknown) > 0 {
		setUnknownResults(ctx, &resp.Plan, &resp.Diagnostics)
		detail := fmt.Sprintf("These inputs of the access check are known only after apply: %s.", strings.Join(unknown, ", "))
		if containsString(unknown, "principal.arn") {
			detail += " For a role or user created in this plan, set principal.type (\"role\" or \"user\") and " +
				"principal.account_id: the check then runs at plan time for every ARN the principal could have."
		}
		if m.OnUnknown.ValueString() == onUnknownDefer {
			resp.Diagnostics.AddWarning("Access check deferred to apply", detail+
				" on_unknown is \"defer\", so the check runs during apply, before this resource is created, and "+
				"fails the apply if a rule does not hold. Only resources that depend on this check (depends_on) "+
				"are sure to wait for it: make the policies and attachments that grant the checked access depend on it.")
			return
		}
		resp.Diagnostics.AddError("Access check inputs unknown at plan time", detail+
			" A check whose inputs are unknown proves nothing, so the plan fails. Make them known at plan time: "+
			"build ARNs from names and the account ID (\"arn:aws:s3:::${var.bucket_name}/*\" rather than "+
			"aws_s3_bucket.x.arn), write policies with aws_iam_policy_document from inputs known at plan time, "+
			"or check the whole plan with `terraform-provider-iam guard`, which resolves such values from the "+
			"plan's configuration. To check during apply instead, set on_unknown = \"defer\" and make the "+
			"resources that grant access depend on this check.")
		return
	}
	out := evaluateAccessCheck(ctx, &m, req.Config.Raw, newPrincipal, &resp.Diagnostics)
	if out == nil {
		return
	}
	if newPrincipal != nil && !out.passed.ValueBool() {
		// The principal's ARN decides which candidate's findings hold; they are known at apply.
		setUnknownResults(ctx, &resp.Plan, &resp.Diagnostics)
		return
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("passed"), out.passed)...)
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("violations"), out.violations)...)
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("findings"), out.findings)...)
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("id"), out.id)...)
}

// setUnknownResults marks the results as known after apply.
func setUnknownResults(ctx context.Context, plan *tfsdk.Plan, diags *diag.Diagnostics) {
	diags.Append(plan.SetAttribute(ctx, path.Root("passed"), types.BoolUnknown())...)
	diags.Append(plan.SetAttribute(ctx, path.Root("violations"), types.Int64Unknown())...)
	diags.Append(plan.SetAttribute(ctx, path.Root("findings"), types.ListUnknown(findingType))...)
	diags.Append(plan.SetAttribute(ctx, path.Root("id"), types.StringUnknown())...)
}

// unknownPrincipalOf describes the principal by its kind and account when its ARN is not
// known (or not given) and principal.type and principal.account_id are.
func unknownPrincipalOf(ctx context.Context, m *accessCheckModel, diags *diag.Diagnostics) *evaluator.UnknownPrincipal {
	if m.Principal.IsNull() || m.Principal.IsUnknown() {
		return nil
	}
	var p accessPrincipalModel
	diags.Append(m.Principal.As(ctx, &p, basetypes.ObjectAsOptions{})...)
	if !p.ARN.IsNull() && !p.ARN.IsUnknown() {
		return nil
	}
	if !isKnown(p.Type) || !isKnown(p.AccountID) {
		return nil
	}
	kind := evaluator.PrincipalRole
	if p.Type.ValueString() == "user" {
		kind = evaluator.PrincipalUser
	}
	return &evaluator.UnknownPrincipal{Kind: kind, Account: p.AccountID.ValueString()}
}

func removeString(items []string, s string) []string {
	out := items[:0:0]
	for _, it := range items {
		if it != s {
			out = append(out, it)
		}
	}
	return out
}

func containsString(items []string, s string) bool {
	for _, it := range items {
		if it == s {
			return true
		}
	}
	return false
}

func (r *accessCheckResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	r.save(ctx, req.Config, req.Plan, &resp.State, &resp.Diagnostics)
}

func (r *accessCheckResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	r.save(ctx, req.Config, req.Plan, &resp.State, &resp.Diagnostics)
}

// save stores the planned values with the check's results. The check runs once more on the
// final configuration: it is deterministic, so it agrees with the plan, and a check that
// somehow reached apply without holding still fails here rather than being recorded as passed.
func (r *accessCheckResource) save(ctx context.Context, config tfsdk.Config, plan tfsdk.Plan, state *tfsdk.State, diags *diag.Diagnostics) {
	var m accessCheckModel
	diags.Append(plan.Get(ctx, &m)...)
	if diags.HasError() {
		return
	}
	var cfg accessCheckModel
	diags.Append(config.Get(ctx, &cfg)...)
	if diags.HasError() {
		return
	}
	out := evaluateAccessCheck(ctx, &cfg, config.Raw, unknownPrincipalOf(ctx, &cfg, diags), diags)
	if out == nil || diags.HasError() {
		return
	}
	m.Passed, m.Violations, m.Findings, m.ID = out.passed, out.violations, out.findings, out.id
	diags.Append(state.Set(ctx, &m)...)
}

// Read keeps the state: the resource stands for nothing outside Terraform that could change.
func (r *accessCheckResource) Read(_ context.Context, _ resource.ReadRequest, _ *resource.ReadResponse) {
}

// Delete has nothing to remove; Terraform drops the state.
func (r *accessCheckResource) Delete(_ context.Context, _ resource.DeleteRequest, _ *resource.DeleteResponse) {
}

// undecidedWaivers returns, for each forbid rule of the check (in the order buildAccessCheck
// reads them), the reason given to accept its undecided answer, or "".
func undecidedWaivers(ctx context.Context, m *accessCheckModel, diags *diag.Diagnostics) []string {
	var out []string
	for _, obj := range knownObjects(m.Forbid) {
		if obj.IsNull() || obj.IsUnknown() {
			continue
		}
		var f forbidModel
		diags.Append(obj.As(ctx, &f, basetypes.ObjectAsOptions{})...)
		out = append(out, f.WaiveUndecided.ValueString())
	}
	return out
}

// accessCheckOutcome is the computed attributes of a check that ran.
type accessCheckOutcome struct {
	passed     types.Bool
	violations types.Int64
	findings   types.List
	id         types.String
}

// evaluateAccessCheck runs the check of a fully known configuration (but for the principal's
// ARN when newPrincipal describes it). Every finding is also a diagnostic at the block of its
// rule: an error, or a warning when the check only reports (enforce = false). It returns nil
// when the configuration is invalid.
func evaluateAccessCheck(ctx context.Context, m *accessCheckModel, raw tftypes.Value, newPrincipal *evaluator.UnknownPrincipal, diags *diag.Diagnostics) *accessCheckOutcome {
	check := buildAccessCheck(ctx, m, diags)
	if diags.HasError() {
		return nil
	}
	check.UnknownPrincipal = newPrincipal
	for i := range check.Forbid {
		for _, p := range check.Forbid[i].Problems() {
			diags.AddAttributeError(path.Root("forbid").AtListIndex(i).AtName(p.Field).AtListIndex(p.Index), "Forbid rule matches no request",
				fmt.Sprintf("forbid[%d].%s[%d]: %s. A rule that can match no request would hold without checking anything.", i, p.Field, p.Index, p.Problem))
		}
	}
	if diags.HasError() {
		return nil
	}
	budget := int(m.Budget.ValueInt64())
	report := func(at path.Path, summary, msg string) {
		if m.Enforce.IsNull() || m.Enforce.IsUnknown() || m.Enforce.ValueBool() {
			diags.AddAttributeError(at, summary, msg)
			return
		}
		diags.AddAttributeWarning(at, summary, msg+" enforce is false, so the check only reports it.")
	}
	tflog.Debug(ctx, "iam_access_check: running the analysis", map[string]any{
		"forbid": len(check.Forbid), "require": len(check.Require), "unknown_principal": newPrincipal != nil, "budget": budget})
	started := time.Now()
	result, err := check.RunContext(ctx, evaluator.Options{}, budget)
	tflog.Debug(ctx, "iam_access_check: analysis done", map[string]any{"duration_ms": time.Since(started).Milliseconds(),
		"violations": len(result.Violations), "undecided": len(result.Undecided), "unmet": len(result.Unmet)})
	if err != nil {
		diags.AddError("Access check cannot be evaluated", err.Error()+".")
		return nil
	}
	caller := func(p evaluator.PrincipalCandidate) string {
		if newPrincipal == nil {
			return p.ARN
		}
		if p.Named {
			return fmt.Sprintf("%s (if its ARN is %s)", newPrincipal, p.ARN)
		}
		return fmt.Sprintf("%s (any ARN that no policy names)", newPrincipal)
	}
	var findings []findingModel
	for _, v := range result.Violations {
		who := caller(v.Principal)
		msg := fmt.Sprintf("forbid[%d] does not hold: %s can make the request %s. It is allowed by %s.",
			v.Forbid, who, evaluator.DescribeRequest(&v.Witness), evaluator.DescribeGrants(v.Statements))
		report(path.Root("forbid").AtListIndex(v.Forbid), "Forbidden access is reachable", msg)
		findings = append(findings, newFinding(ctx, fmt.Sprintf("forbid[%d]", v.Forbid), "violation", who, &v.Witness, v.Statements, msg, diags))
	}
	waivers := undecidedWaivers(ctx, m, diags)
	waived := 0
	undecidedRule := map[int]bool{}
	for _, u := range result.Undecided {
		undecidedRule[u.Forbid] = true
		msg := fmt.Sprintf("forbid[%d] could not be decided, and an undecided rule fails the check: %s.", u.Forbid, strings.TrimSuffix(u.Reason, "."))
		if strings.Contains(u.Reason, "budget") {
			used := budget
			if used <= 0 {
				used = evaluator.DefaultBudget
			}
			msg += fmt.Sprintf(" The budget was %d; raise budget (for example to %d), or split the rule into narrower forbid blocks.", used, used*10)
		}
		at := path.Root("forbid").AtListIndex(u.Forbid)
		if u.Forbid < len(waivers) && waivers[u.Forbid] != "" {
			msg = fmt.Sprintf("forbid[%d] could not be decided: %s. It is waived (waive_undecided): %s", u.Forbid, strings.TrimSuffix(u.Reason, "."), waivers[u.Forbid])
			diags.AddAttributeWarning(at.AtName("waive_undecided"), "Access check undecided (waived)", msg)
			findings = append(findings, newFinding(ctx, fmt.Sprintf("forbid[%d]", u.Forbid), "waived_undecided", "", nil, nil, msg, diags))
			waived++
			continue
		}
		report(at, "Access check undecided", msg)
		findings = append(findings, newFinding(ctx, fmt.Sprintf("forbid[%d]", u.Forbid), "undecided", "", nil, nil, msg, diags))
	}
	for i, reason := range waivers {
		if reason != "" && !undecidedRule[i] {
			diags.AddAttributeWarning(path.Root("forbid").AtListIndex(i).AtName("waive_undecided"), "Nothing to waive",
				fmt.Sprintf("forbid[%d] is decided, so waive_undecided (%q) waives nothing: remove it.", i, reason))
		}
	}
	for _, u := range result.Unmet {
		req := u.Request
		req.ResourceAccount = evaluator.EffectiveResourceAccount(&req)
		who := req.Principal
		if newPrincipal != nil && check.Require[u.Require].Principal == "" {
			who = caller(evaluator.PrincipalCandidate{ARN: req.Principal, Named: u.Named})
		}
		msg := fmt.Sprintf("require[%d] does not hold: %s cannot make the request %s. The decision is %s: %s.",
			u.Require, who, evaluator.DescribeRequest(&req), u.Result.Decision, strings.TrimSuffix(u.Result.Reason(), "."))
		if len(u.Result.BlockedBy) > 0 {
			layers := make([]string, len(u.Result.BlockedBy))
			for i, b := range u.Result.BlockedBy {
				layers[i] = b.String()
			}
			msg += fmt.Sprintf(" Blocked by: %s.", strings.Join(layers, ", "))
		}
		report(path.Root("require").AtListIndex(u.Require), "Required access is denied", msg)
		findings = append(findings, newFinding(ctx, fmt.Sprintf("require[%d]", u.Require), "unmet", "", nil, u.Result.Denies, msg, diags))
	}
	if findings == nil {
		findings = []findingModel{}
	}
	list, d := types.ListValueFrom(ctx, findingType, findings)
	diags.Append(d...)
	// The id hashes every input; while the principal's ARN is unknown, so is the id.
	id := types.StringUnknown()
	if h, err := inputHash(raw, notHashed...); err == nil {
		id = types.StringValue(h)
	} else if newPrincipal == nil {
		diags.AddError("Cannot compute id", err.Error())
		return nil
	}
	passed := len(result.Violations) == 0 && len(result.Unmet) == 0 && len(result.Undecided) == waived
	return &accessCheckOutcome{passed: types.BoolValue(passed), violations: types.Int64Value(int64(len(findings) - waived)),
		findings: list, id: id}
}

func newFinding(ctx context.Context, rule, kind, caller string, witness *evaluator.Request, statements []evaluator.StatementRef, msg string, diags *diag.Diagnostics) findingModel {
	f := findingModel{Rule: types.StringValue(rule), Kind: types.StringValue(kind), Message: types.StringValue(msg),
		Witness: types.ObjectNull(witnessType.AttrTypes)}
	names := make([]string, len(statements))
	for i, s := range statements {
		names[i] = s.String()
	}
	var d diag.Diagnostics
	f.Statements, d = types.ListValueFrom(ctx, types.StringType, names)
	diags.Append(d...)
	if witness != nil {
		values := map[string][]string{}
		for _, k := range witness.Context.Keys() {
			v, _ := witness.Context.Lookup(k)
			values[k] = v.Values
		}
		w := witnessModel{Principal: types.StringValue(caller), Action: types.StringValue(witness.Action), Resource: types.StringValue(witness.Resource),
			ResourceAccount: types.StringValue(witness.ResourceAccount)}
		w.Context, d = types.MapValueFrom(ctx, types.ListType{ElemType: types.StringType}, values)
		diags.Append(d...)
		f.Witness, d = types.ObjectValueFrom(ctx, witnessType.AttrTypes, w)
		diags.Append(d...)
	}
	return f
}

// buildAccessCheck converts the configuration to the engine's check, adding an error at the
// attribute of every invalid value. Unknown values are left out, so ValidateConfig can use it
// too; only a fully known configuration is ever run.
func buildAccessCheck(ctx context.Context, m *accessCheckModel, diags *diag.Diagnostics) *evaluator.AccessCheck {
	c := &evaluator.AccessCheck{ResourceAccount: m.ResourceAccount.ValueString()}
	// The principal's policies are in its block, the organisation's at the root.
	attrs := policyAttributes{SCPs: m.SCPs, RCPs: m.RCPs, principal: path.Root("principal")}
	if !m.Principal.IsNull() && !m.Principal.IsUnknown() {
		var p accessPrincipalModel
		diags.Append(m.Principal.As(ctx, &p, basetypes.ObjectAsOptions{})...)
		checkPrincipal(&p, c, diags)
		attrs.principalPolicies = p.principalPolicies
		c.PrincipalTags = principalTags(p.Tags)
	}
	c.Policies = *attrs.policySet(ctx, diags)

	if !m.ResourcePolicies.IsNull() && !m.ResourcePolicies.IsUnknown() {
		elems := m.ResourcePolicies.Elements()
		patterns := make([]string, 0, len(elems))
		for k := range elems {
			patterns = append(patterns, k)
		}
		sort.Strings(patterns) // explanations must not depend on Go's map order
		for _, pattern := range patterns {
			v, ok := elems[pattern].(types.String)
			if !ok {
				continue
			}
			in := policyInput{fmt.Sprintf("resource_policies[%q]", pattern), path.Root("resource_policies").AtMapKey(pattern), v}
			if p := parsePolicy(in, diags); p != nil {
				c.ResourcePolicies = append(c.ResourcePolicies, evaluator.ResourcePolicy{Pattern: pattern, Policy: p})
			}
		}
	}

	for _, obj := range knownObjects(m.Forbid) {
		if obj.IsNull() || obj.IsUnknown() {
			continue
		}
		var f forbidModel
		diags.Append(obj.As(ctx, &f, basetypes.ObjectAsOptions{})...)
		rule := evaluator.ForbidRule{
			Actions:   knownStrings(ctx, f.Actions, diags),
			Resources: knownStrings(ctx, f.Resources, diags),
			Context:   contextOf(ctx, f.Context, diags),
		}
		c.Forbid = append(c.Forbid, rule)
	}
	for i, obj := range knownObjects(m.Require) {
		if obj.IsNull() || obj.IsUnknown() {
			continue
		}
		var rq requireModel
		diags.Append(obj.As(ctx, &rq, basetypes.ObjectAsOptions{})...)
		req := evaluator.Request{
			Principal:       rq.Principal.ValueString(),
			Action:          rq.Action.ValueString(),
			Resource:        rq.Resource.ValueString(),
			ResourceAccount: rq.ResourceAccount.ValueString(),
			Context:         contextOf(ctx, rq.Context, diags),
		}
		if !rq.Principal.IsNull() && !rq.Principal.IsUnknown() {
			if _, err := evaluator.CheckPrincipal(req.Principal); err != nil {
				diags.AddAttributeError(path.Root("require").AtListIndex(i).AtName("principal"), "Invalid principal",
					fmt.Sprintf("require[%d].principal: %s.", i, err))
			}
		}
		c.Require = append(c.Require, req)
	}
	return c
}

// checkPrincipal sets the caller from the principal block, and checks that its ARN, type and
// account agree.
func checkPrincipal(p *accessPrincipalModel, c *evaluator.AccessCheck, diags *diag.Diagnostics) {
	at := path.Root("principal")
	c.Principal = p.ARN.ValueString()
	switch {
	case isKnown(p.ARN):
		caller, err := evaluator.CheckPrincipal(c.Principal)
		if err != nil {
			diags.AddAttributeError(at.AtName("arn"), "Invalid principal", fmt.Sprintf("principal.arn: %s.", err))
			break
		}
		if isKnown(p.Type) && !kindIs(caller.Kind, p.Type.ValueString()) {
			diags.AddAttributeError(at.AtName("type"), "Principal type disagrees with its ARN",
				fmt.Sprintf("principal.type is %q but principal.arn %s is a %s.", p.Type.ValueString(), c.Principal, caller.Kind))
		}
		if isKnown(p.AccountID) && caller.Account != p.AccountID.ValueString() {
			diags.AddAttributeError(at.AtName("account_id"), "Principal account disagrees with its ARN",
				fmt.Sprintf("principal.account_id is %s but principal.arn %s is in account %q.", p.AccountID.ValueString(), c.Principal, caller.Account))
		}
	case p.ARN.IsNull() && (p.Type.IsNull() || p.AccountID.IsNull()):
		diags.AddAttributeError(at.AtName("arn"), "Missing principal",
			"principal.arn is required, unless principal.type and principal.account_id describe a role or user "+
				"whose ARN is not known (for example one created in the same plan).")
	}
}

// kindIs reports whether a caller of the kind is a principal of the principal.type value.
func kindIs(kind evaluator.PrincipalKind, typ string) bool {
	switch typ {
	case "role":
		return kind == evaluator.PrincipalRole || kind == evaluator.PrincipalRoleSession
	case "user":
		return kind == evaluator.PrincipalUser
	}
	return false
}

// knownObjects returns the elements of a list of blocks, or nil when the list itself is null
// or unknown (a dynamic block over an unknown collection).
func knownObjects(l types.List) []types.Object {
	if l.IsNull() || l.IsUnknown() {
		return nil
	}
	var out []types.Object
	for _, e := range l.Elements() {
		if o, ok := e.(types.Object); ok {
			out = append(out, o)
		}
	}
	return out
}

// unknownInputs lists the configuration values that are not known yet, the way a user would
// write them ("principal.identity_policies[0]"), sorted.
func unknownInputs(config tftypes.Value) []string {
	var out []string
	_ = tftypes.Walk(config, func(p *tftypes.AttributePath, v tftypes.Value) (bool, error) {
		if v.IsKnown() {
			return true, nil
		}
		out = append(out, attributePathString(p))
		return false, nil
	})
	sort.Strings(out)
	return out
}

func attributePathString(p *tftypes.AttributePath) string {
	var b strings.Builder
	for _, step := range p.Steps() {
		switch s := step.(type) {
		case tftypes.AttributeName:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(string(s))
		case tftypes.ElementKeyInt:
			fmt.Fprintf(&b, "[%d]", int64(s))
		case tftypes.ElementKeyString:
			fmt.Fprintf(&b, "[%q]", string(s))
		default:
			b.WriteString("[…]")
		}
	}
	return b.String()
}

// notHashed are the attributes that do not change what the check decides.
var notHashed = []string{"id", "passed", "violations", "findings", "on_unknown", "enforce"}
