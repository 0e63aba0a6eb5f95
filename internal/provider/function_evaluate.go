package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/iamguard/terraform-provider-iam/internal/evaluator"
)

var _ function.Function = (*evaluateFunction)(nil)

// NewEvaluateFunction returns the evaluate function: the iam_policy_evaluation data source's
// decision of one request, as an expression.
func NewEvaluateFunction() function.Function {
	return &evaluateFunction{}
}

type evaluateFunction struct{}

// evaluationResultType is the result of evaluate: the computed attributes of a request block
// of iam_policy_evaluation.
var evaluationResultType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"decision":           types.StringType,
	"allowed":            types.BoolType,
	"matched_statements": types.ListType{ElemType: matchedStatementType},
	"blocked_by":         types.ListType{ElemType: types.StringType},
	"reason":             types.StringType,
}}

type evaluationResultModel struct {
	Decision          types.String `tfsdk:"decision"`
	Allowed           types.Bool   `tfsdk:"allowed"`
	MatchedStatements types.List   `tfsdk:"matched_statements"`
	BlockedBy         types.List   `tfsdk:"blocked_by"`
	Reason            types.String `tfsdk:"reason"`
}

// evaluatePolicyNames are the attributes of evaluate's policies argument: the policy inputs of
// the data source and its evaluation option.
var evaluatePolicyNames = append(append([]string(nil), policyArgumentNames...), "session_policy_limits_session_grants")

// evaluateRequestNames are the attributes of evaluate's request argument: a request block.
var evaluateRequestNames = []string{"principal", "action", "resource", "resource_account", "context", "multi_valued_keys"}

func (f *evaluateFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "evaluate"
}

func (f *evaluateFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Decides one request against a set of IAM policies",
		MarkdownDescription: "Decides one concrete AWS request against a set of IAM policies, offline and exactly as " +
			"AWS's policy evaluation logic does, and returns the decision with its explanation: the same answer as a " +
			"`request` block of the `iam_policy_evaluation` data source, as an expression for preconditions, `check` " +
			"blocks, outputs and test assertions. An invalid policy or request is an error naming the argument and " +
			"the attribute at fault.",
		Parameters: []function.Parameter{
			function.DynamicParameter{
				Name: "policies",
				MarkdownDescription: "An object with the policies to evaluate, any of the policy attributes of " +
					"`iam_policy_evaluation`: `identity_policies` (list of JSON documents), `managed_policy_arns` (list " +
					"of AWS managed policy ARNs), `resource_policy`, `permissions_boundary`, `session_policy` (JSON " +
					"documents), `scps` and `rcps` (one list of JSON documents per organisation level, the root first), " +
					"and `session_policy_limits_session_grants` (bool). Omitted or null attributes are absent.",
			},
			function.DynamicParameter{
				Name: "request",
				MarkdownDescription: "An object describing the request, as a `request` block of `iam_policy_evaluation`: " +
					"`principal`, `action` and `resource` (required strings), `resource_account` (a 12-digit account ID), " +
					"`context` (a map from condition keys to lists of values; a string is a list of one value) and " +
					"`multi_valued_keys` (keys of `context` whose one-value list is still multi-valued).",
			},
		},
		Return: function.ObjectReturn{AttributeTypes: evaluationResultType.AttrTypes},
	}
}

func (f *evaluateFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var policies, request types.Dynamic
	if resp.Error = req.Arguments.Get(ctx, &policies, &request); resp.Error != nil {
		return
	}
	ps, opts, err := evaluatePolicies(ctx, policies)
	if err != nil {
		f.fail(ctx, resp, 0, err)
		return
	}
	r, err := evaluateRequest(ctx, request)
	if err != nil {
		f.fail(ctx, resp, 1, err)
		return
	}
	res, err := evaluator.Authorize(ps, r, opts)
	if err != nil {
		resp.Error = function.NewArgumentFuncError(1, fmt.Sprintf("the request cannot be evaluated: %s", err))
		return
	}
	var m requestModel
	var diags diag.Diagnostics
	m.setResult(ctx, res, &diags)
	out := evaluationResultModel{Decision: m.Decision, Allowed: m.Allowed, MatchedStatements: m.MatchedStatements, BlockedBy: m.BlockedBy, Reason: m.Reason}
	obj, d := types.ObjectValueFrom(ctx, evaluationResultType.AttrTypes, out)
	diags.Append(d...)
	if err := diagnosticsError(diags); err != nil {
		resp.Error = function.NewFuncError(err.Error())
		return
	}
	resp.Error = resp.Result.Set(ctx, obj)
}

// fail reports err as an error of argument position, or, for a value that is not known yet,
// sets an unknown result.
func (f *evaluateFunction) fail(ctx context.Context, resp *function.RunResponse, position int64, err error) {
	if errors.Is(err, errUnknownArgument) {
		resp.Error = resp.Result.Set(ctx, types.ObjectUnknown(evaluationResultType.AttrTypes))
		return
	}
	resp.Error = argumentError(position, err)
}

// evaluatePolicies reads the policies argument into the engine's policy set and options.
func evaluatePolicies(ctx context.Context, v types.Dynamic) (*evaluator.PolicySet, evaluator.Options, error) {
	var opts evaluator.Options
	attrs, err := objectAttributes(v, "policies", evaluatePolicyNames)
	if err != nil {
		return nil, opts, err
	}
	if b, ok := attrs["session_policy_limits_session_grants"]; ok {
		if opts.SessionPolicyLimitsSessionGrants, err = boolOf(b, "policies.session_policy_limits_session_grants"); err != nil {
			return nil, opts, err
		}
	}
	pa, err := policyAttributesOf(ctx, attrs, "policies")
	if err != nil {
		return nil, opts, err
	}
	var diags diag.Diagnostics
	ps := pa.policySet(ctx, &diags)
	return ps, opts, diagnosticsError(diags)
}

// evaluateRequest reads the request argument into the engine's request, with the checks the
// data source's schema and ValidateConfig make.
func evaluateRequest(ctx context.Context, v types.Dynamic) (*evaluator.Request, error) {
	if absent(v) {
		return nil, errors.New("request is null; expected an object with principal, action and resource")
	}
	attrs, err := objectAttributes(v, "request", evaluateRequestNames)
	if err != nil {
		return nil, err
	}
	if err := requireAttributes(attrs, "request", "principal", "action", "resource"); err != nil {
		return nil, err
	}
	m := requestModel{
		ResourceAccount: types.StringNull(),
		Context:         types.MapNull(types.ListType{ElemType: types.StringType}),
		MultiValuedKeys: types.SetNull(types.StringType),
	}
	text := map[string]string{}
	for _, name := range []string{"principal", "action", "resource", "resource_account"} {
		if a, ok := attrs[name]; ok {
			if text[name], err = stringOf(a, "request."+name); err != nil {
				return nil, err
			}
		}
	}
	if _, err := evaluator.CheckPrincipal(text["principal"]); err != nil {
		return nil, fmt.Errorf("request.principal: %s", err)
	}
	if !actionPattern.MatchString(text["action"]) {
		return nil, fmt.Errorf("request.action is %q; expected service:Action, for example s3:GetObject", text["action"])
	}
	if text["resource"] == "" {
		return nil, errors.New(`request.resource is empty; expected a resource ARN, or "*" for actions that take no resource`)
	}
	m.Principal, m.Action, m.Resource = types.StringValue(text["principal"]), types.StringValue(text["action"]), types.StringValue(text["resource"])
	if _, ok := attrs["resource_account"]; ok {
		if !accountIDPattern.MatchString(text["resource_account"]) {
			return nil, fmt.Errorf("request.resource_account is %q; expected a 12-digit AWS account ID", text["resource_account"])
		}
		m.ResourceAccount = types.StringValue(text["resource_account"])
	}
	if c, ok := attrs["context"]; ok {
		values, err := contextValuesOf(c, "request.context")
		if err != nil {
			return nil, err
		}
		var d diag.Diagnostics
		m.Context, d = types.MapValueFrom(ctx, types.ListType{ElemType: types.StringType}, values)
		if err := diagnosticsError(d); err != nil {
			return nil, err
		}
	}
	if k, ok := attrs["multi_valued_keys"]; ok {
		keys, err := stringsOf(k, "request.multi_valued_keys")
		if err != nil {
			return nil, err
		}
		var d diag.Diagnostics
		m.MultiValuedKeys, d = types.SetValueFrom(ctx, types.StringType, keys)
		if err := diagnosticsError(d); err != nil {
			return nil, err
		}
	}
	var diags diag.Diagnostics
	er := m.engineRequest(ctx, path.Root("request"), &diags)
	if err := diagnosticsError(diags); err != nil {
		return nil, fmt.Errorf("request: %w", err)
	}
	return er, nil
}
