package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/iamguard/terraform-provider-iam/internal/evaluator"
)

var _ function.Function = (*canFunction)(nil)

// NewCanFunction returns the can function: the access analysis of one forbid rule of
// iam_access_check, as an expression that answers whether a principal can make any request of
// a set, with a witness request when it can.
func NewCanFunction() function.Function {
	return &canFunction{}
}

type canFunction struct{}

// The arguments of can, by position.
const (
	canPrincipal = iota
	canActions
	canResources
	canOptions
)

// canResultType is the result of can.
var canResultType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"allowed":    types.BoolType,
	"witness":    witnessType,
	"statements": types.ListType{ElemType: types.StringType},
}}

type canResultModel struct {
	Allowed    types.Bool   `tfsdk:"allowed"`
	Witness    types.Object `tfsdk:"witness"`
	Statements types.List   `tfsdk:"statements"`
}

// canTypes are the types of can's arguments, taken from the iam_access_check schema so that
// the function reads its inputs exactly as the resource reads the same attributes.
type canTypes struct {
	principal map[string]attr.Type // the principal block, and the scps of its account
	options   map[string]attr.Type
	forbid    types.ObjectType
}

// canOptionNames are the attributes of the options argument: iam_access_check attributes that
// describe the resources and the request rather than the principal.
var canOptionNames = []string{"rcps", "resource_policies", "resource_account", "budget"}

func newCanTypes(ctx context.Context) (canTypes, error) {
	var resp resource.SchemaResponse
	(&accessCheckResource{}).Schema(ctx, resource.SchemaRequest{}, &resp)
	s := resp.Schema
	principal, ok := s.Blocks["principal"].Type().(types.ObjectType)
	forbidList, ok2 := s.Blocks["forbid"].Type().(types.ListType)
	if !ok || !ok2 {
		return canTypes{}, errors.New("the iam_access_check schema has no principal or forbid block")
	}
	forbid, ok := forbidList.ElemType.(types.ObjectType)
	if !ok {
		return canTypes{}, errors.New("the iam_access_check forbid block is not an object")
	}
	t := canTypes{principal: map[string]attr.Type{}, options: map[string]attr.Type{}, forbid: forbid}
	for k, v := range principal.AttrTypes {
		t.principal[k] = v
	}
	t.principal["scps"] = s.Attributes["scps"].GetType()
	for _, n := range canOptionNames {
		t.options[n] = s.Attributes[n].GetType()
	}
	t.options["context"] = forbid.AttrTypes["context"]
	return t, nil
}

func (f *canFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "can"
}

func (f *canFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Decides whether a principal can make any request of a set",
		MarkdownDescription: "Analyses a principal's policies symbolically, offline, as a `forbid` block of " +
			"`iam_access_check` does, and answers whether the principal can make any request whose action matches one " +
			"of `actions` and whose resource matches one of `resources`, with any request context (but for the keys " +
			"`options.context` fixes). When it can, the result carries a witness: an allowed request, checked with the " +
			"evaluator, and the statements that allow it. An answer that the analysis cannot reach (an exhausted " +
			"budget, an unsupported construct) is an error, never `allowed = false`.",
		Parameters: []function.Parameter{
			function.DynamicParameter{
				Name: "principal",
				MarkdownDescription: "An object with the attributes of the `principal` block of `iam_access_check` " +
					"(`arn`, `type`, `account_id`, `identity_policies`, `managed_policy_arns`, `permissions_boundary`, " +
					"`session_policy`, `tags`) and `scps`, the SCPs of the principal's account (one list of JSON " +
					"documents per organisation level, the root first). Without `tags`, the principal's tags are free: " +
					"the answer is `false` only if no tags at all would let a request through.",
			},
			function.ListParameter{
				Name:                "actions",
				ElementType:         types.StringType,
				MarkdownDescription: "Action patterns, such as `[\"iam:PassRole\", \"s3:Delete*\"]`; each must match an action of the service reference data.",
			},
			function.ListParameter{
				Name:        "resources",
				ElementType: types.StringType,
				MarkdownDescription: "Resource ARN patterns with `*` and `?`, such as `[\"arn:aws:s3:::logs/*\"]`, or " +
					"`[\"*\"]` for every resource.",
			},
		},
		VariadicParameter: function.DynamicParameter{
			Name: "options",
			MarkdownDescription: "At most one object with what is known of the resources and the request, as the " +
				"`iam_access_check` attributes of the same names: `resource_policies` (a map from resource ARN patterns " +
				"to JSON documents), `rcps`, `resource_account`, `context` (condition keys fixed to lists of values; " +
				"every other key is free) and `budget`.",
		},
		Return: function.ObjectReturn{AttributeTypes: canResultType.AttrTypes},
	}
}

func (f *canFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var principal types.Dynamic
	var actions, resources []types.String
	var options []types.Dynamic
	if resp.Error = req.Arguments.Get(ctx, &principal, &actions, &resources, &options); resp.Error != nil {
		return
	}
	fail := func(position int64, err error) {
		if errors.Is(err, errUnknownArgument) {
			resp.Error = resp.Result.Set(ctx, types.ObjectUnknown(canResultType.AttrTypes))
			return
		}
		resp.Error = argumentError(position, err)
	}
	t, err := newCanTypes(ctx)
	if err != nil {
		resp.Error = function.NewFuncError(err.Error())
		return
	}
	m, err := canModel(ctx, t, principal, options)
	if err != nil {
		var ae canArgumentError
		if errors.As(err, &ae) {
			fail(ae.position, ae.err)
			return
		}
		fail(canPrincipal, err)
		return
	}
	if m.Forbid, err = canForbid(ctx, t, actions, resources, m.Forbid); err != nil {
		var ae canArgumentError
		if errors.As(err, &ae) {
			fail(ae.position, ae.err)
			return
		}
		resp.Error = function.NewFuncError(err.Error())
		return
	}

	var diags diag.Diagnostics
	check := buildAccessCheck(ctx, m, &diags)
	check.UnknownPrincipal = unknownPrincipalOf(ctx, m, &diags)
	if resp.Error = canDiagnosticsError(diags); resp.Error != nil {
		return
	}
	if problems := check.Forbid[0].Problems(); len(problems) > 0 {
		p := problems[0]
		position := int64(canActions)
		if p.Field == "resources" {
			position = canResources
		}
		resp.Error = function.NewArgumentFuncError(position, fmt.Sprintf("%s[%d]: %s", p.Field, p.Index, p.Problem))
		return
	}
	report, err := check.RunContext(ctx, evaluator.Options{}, int(m.Budget.ValueInt64()))
	if err != nil {
		resp.Error = function.NewFuncError(fmt.Sprintf("the analysis cannot run: %s", err))
		return
	}
	if len(report.Undecided) > 0 {
		resp.Error = function.NewFuncError(fmt.Sprintf("the analysis could not decide whether %s can make such a request: %s. "+
			"An undecided answer is not a proof that the access is denied; raise options.budget or narrow actions and resources",
			principalName(check), strings.TrimSuffix(report.Undecided[0].Reason, ".")))
		return
	}
	out := canResultModel{Allowed: types.BoolValue(false), Witness: types.ObjectNull(witnessType.AttrTypes)}
	out.Statements, diags = types.ListValueFrom(ctx, types.StringType, []string{})
	if len(report.Violations) > 0 {
		v := report.Violations[0]
		fm := newFinding(ctx, "", "violation", v.Principal.ARN, &v.Witness, v.Statements, "", &diags)
		out.Allowed, out.Witness, out.Statements = types.BoolValue(true), fm.Witness, fm.Statements
	}
	obj, d := types.ObjectValueFrom(ctx, canResultType.AttrTypes, out)
	diags.Append(d...)
	if err := diagnosticsError(diags); err != nil {
		resp.Error = function.NewFuncError(err.Error())
		return
	}
	resp.Error = resp.Result.Set(ctx, obj)
}

// principalName names the principal of a check in messages.
func principalName(c *evaluator.AccessCheck) string {
	if u := c.UnknownPrincipal; u != nil {
		return fmt.Sprintf("a %s of account %s whose ARN is not given", u.Kind, u.Account)
	}
	return c.Principal
}

// canArgumentError is an error in the argument at position.
type canArgumentError struct {
	position int64
	err      error
}

func (e canArgumentError) Error() string { return e.err.Error() }
func (e canArgumentError) Unwrap() error { return e.err }

// canModel builds the iam_access_check model of the principal and options arguments, with the
// checks that the resource's schema validators make.
func canModel(ctx context.Context, t canTypes, principal types.Dynamic, options []types.Dynamic) (*accessCheckModel, error) {
	if absent(principal) {
		return nil, errors.New("principal is null; expected an object with arn (or type and account_id) and the principal's policies")
	}
	p, err := typedObject(ctx, principal, t.principal, "principal")
	if err != nil {
		return nil, err
	}
	pa := p.Attributes()
	if err := checkPrincipalArgument(pa); err != nil {
		return nil, err
	}
	scpsType, ok := t.principal["scps"].(types.ListType)
	if !ok {
		return nil, fmt.Errorf("internal error: principal.scps is not a list type")
	}
	m := &accessCheckModel{SCPs: types.ListNull(scpsType.ElemType), Forbid: types.ListNull(t.forbid)}
	if scps, ok := pa["scps"].(types.List); ok {
		m.SCPs = scps
		if err := checkLevels(scps, "principal.scps"); err != nil {
			return nil, err
		}
	}
	block := make(map[string]attr.Value, len(pa))
	blockTypes := make(map[string]attr.Type, len(pa))
	for k, v := range pa {
		if k != "scps" {
			block[k], blockTypes[k] = v, t.principal[k]
		}
	}
	var d diag.Diagnostics
	if m.Principal, d = types.ObjectValue(blockTypes, block); d.HasError() {
		return nil, diagnosticsError(d)
	}

	var opts types.Object
	switch len(options) {
	case 0:
		if opts, err = typedObject(ctx, types.DynamicNull(), t.options, "options"); err != nil {
			return nil, canArgumentError{canOptions, err}
		}
	case 1:
		if opts, err = typedObject(ctx, options[0], t.options, "options"); err != nil {
			return nil, canArgumentError{canOptions, err}
		}
	default:
		return nil, canArgumentError{canOptions + 1, fmt.Errorf("%d options objects given; expected at most one", len(options))}
	}
	oa := opts.Attributes()
	m.RCPs, _ = oa["rcps"].(types.List)
	m.ResourcePolicies, _ = oa["resource_policies"].(types.Map)
	m.ResourceAccount, _ = oa["resource_account"].(types.String)
	m.Budget, _ = oa["budget"].(types.Int64)
	if err := checkLevels(m.RCPs, "options.rcps"); err != nil {
		return nil, canArgumentError{canOptions, err}
	}
	if isKnown(m.ResourceAccount) && !accountIDPattern.MatchString(m.ResourceAccount.ValueString()) {
		return nil, canArgumentError{canOptions, fmt.Errorf("options.resource_account is %q; expected a 12-digit AWS account ID", m.ResourceAccount.ValueString())}
	}
	if !m.Budget.IsNull() && m.Budget.ValueInt64() < 1 {
		return nil, canArgumentError{canOptions, fmt.Errorf("options.budget is %d; expected a positive number of states", m.Budget.ValueInt64())}
	}
	if c, ok := oa["context"].(types.Map); ok && !c.IsNull() {
		for k := range c.Elements() {
			if k == "" {
				return nil, canArgumentError{canOptions, errors.New("options.context has an empty key; expected condition keys such as aws:SourceIp")}
			}
		}
	}
	// The forbid rule is completed by canForbid; its context comes from the options.
	ctxValue := oa["context"]
	rule, d := types.ObjectValue(t.forbid.AttrTypes, map[string]attr.Value{
		"actions":   types.ListNull(types.StringType),
		"resources": types.ListNull(types.StringType),
		"context":   ctxValue,
		// The function's answer is the analysis's: an undecided rule is an error, never waived.
		"waive_undecided": types.StringNull(),
	})
	if d.HasError() {
		return nil, diagnosticsError(d)
	}
	m.Forbid, d = types.ListValue(t.forbid, []attr.Value{rule})
	return m, diagnosticsError(d)
}

// checkPrincipalArgument makes the checks of the principal block's schema validators.
func checkPrincipalArgument(pa map[string]attr.Value) error {
	if typ, ok := pa["type"].(types.String); ok && isKnown(typ) && typ.ValueString() != "role" && typ.ValueString() != "user" {
		return fmt.Errorf("principal.type is %q; expected \"role\" or \"user\"", typ.ValueString())
	}
	if acct, ok := pa["account_id"].(types.String); ok && isKnown(acct) && !accountIDPattern.MatchString(acct.ValueString()) {
		return fmt.Errorf("principal.account_id is %q; expected a 12-digit AWS account ID", acct.ValueString())
	}
	if arn, ok := pa["arn"].(types.String); ok && isKnown(arn) && arn.ValueString() == "" {
		return errors.New("principal.arn is empty; expected the principal's ARN")
	}
	// managed_policy_arns is checked by the conversion of the policies (policySet), as in
	// iam_access_check itself.
	return nil
}

// checkLevels rejects an empty organisation level, as the resource's schema does.
func checkLevels(l types.List, label string) error {
	for i, e := range l.Elements() {
		if level, ok := e.(types.List); ok && len(level.Elements()) == 0 {
			return fmt.Errorf("%s[%d] is an empty level; each level lists at least one policy (an empty level would deny every request)", label, i)
		}
	}
	return nil
}

// canForbid sets the actions and resources of the one forbid rule.
func canForbid(ctx context.Context, t canTypes, actions, resources []types.String, forbid types.List) (types.List, error) {
	first, ok := forbid.Elements()[0].(types.Object)
	if !ok {
		return forbid, fmt.Errorf("internal error: the forbid rule is not an object")
	}
	attrs := first.Attributes()
	for _, arg := range []struct {
		name     string
		position int64
		values   []types.String
	}{{"actions", canActions, actions}, {"resources", canResources, resources}} {
		if len(arg.values) == 0 {
			return forbid, canArgumentError{arg.position, fmt.Errorf("%s is empty; a set of requests needs at least one pattern", arg.name)}
		}
		for i, v := range arg.values {
			if v.IsNull() {
				return forbid, canArgumentError{arg.position, fmt.Errorf("%s[%d] is null", arg.name, i)}
			}
		}
		l, d := types.ListValueFrom(ctx, types.StringType, arg.values)
		if err := diagnosticsError(d); err != nil {
			return forbid, err
		}
		attrs[arg.name] = l
	}
	rule, d := types.ObjectValue(t.forbid.AttrTypes, attrs)
	if err := diagnosticsError(d); err != nil {
		return forbid, err
	}
	l, d := types.ListValue(t.forbid, []attr.Value{rule})
	return l, diagnosticsError(d)
}

// canDiagnosticsError turns the errors of buildAccessCheck into an error of the argument that
// holds the attribute at fault: the principal block and scps are in principal, forbid's
// actions and resources are arguments of their own, and the rest is in options.
func canDiagnosticsError(diags diag.Diagnostics) *function.FuncError {
	var out *function.FuncError
	for _, d := range diags.Errors() {
		position := int64(canOptions)
		if dp, ok := d.(diag.DiagnosticWithPath); ok {
			position = canPosition(dp.Path())
		}
		text := strings.TrimSuffix(d.Detail(), ".")
		out = function.ConcatFuncErrors(out, function.NewArgumentFuncError(position, text))
	}
	return out
}

func canPosition(p path.Path) int64 {
	steps := p.Steps()
	if len(steps) == 0 {
		return canPrincipal
	}
	switch first, _ := steps[0].(path.PathStepAttributeName); first {
	case "principal", "scps":
		return canPrincipal
	case "forbid":
		for _, s := range steps[1:] {
			switch name, _ := s.(path.PathStepAttributeName); name {
			case "actions":
				return canActions
			case "resources":
				return canResources
			}
		}
	}
	return canOptions
}
