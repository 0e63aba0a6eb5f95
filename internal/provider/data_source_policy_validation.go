package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/boolvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/iamguard/terraform-provider-iam/internal/validate"
)

var (
	_ datasource.DataSource                   = (*policyValidationDataSource)(nil)
	_ datasource.DataSourceWithValidateConfig = (*policyValidationDataSource)(nil)
)

// NewPolicyValidationDataSource returns the iam_policy_validation data source.
func NewPolicyValidationDataSource() datasource.DataSource {
	return &policyValidationDataSource{}
}

// policyValidationDataSource lints one policy document for its policy type.
type policyValidationDataSource struct{}

type policyValidationModel struct {
	ID           types.String `tfsdk:"id"`
	Policy       types.String `tfsdk:"policy"`
	PolicyARN    types.String `tfsdk:"policy_arn"`
	PolicyType   types.String `tfsdk:"policy_type"`
	ResourceType types.String `tfsdk:"resource_type"`
	// CustomerManaged is customer_managed_policy: ValidateOptions.CustomerManagedPolicy.
	CustomerManaged types.Bool    `tfsdk:"customer_managed_policy"`
	FailOn          types.String  `tfsdk:"fail_on"`
	Waive           []waiverModel `tfsdk:"waive"`
	Findings        types.List    `tfsdk:"findings"`
	Waived          types.List    `tfsdk:"waived_findings"`
	Valid           types.Bool    `tfsdk:"valid"`
}

// waiverModel is one element of waive: a finding code accepted, with the reason why.
type waiverModel struct {
	Code   types.String `tfsdk:"code"`
	Path   types.String `tfsdk:"path"`
	Reason types.String `tfsdk:"reason"`
}

// matches reports whether the waiver covers a finding: the same code (any case) and, when the
// waiver has a path, the finding's element is that path or inside it ("Statement[1]" covers
// "Statement[1].Action[0]" but not "Statement[10]").
func (w waiverModel) matches(f validate.Finding) bool {
	if !strings.EqualFold(w.Code.ValueString(), f.Code) {
		return false
	}
	p := w.Path.ValueString()
	return p == "" || f.Path == p || strings.HasPrefix(f.Path, p+".") || strings.HasPrefix(f.Path, p+"[")
}

// validationFindingModel is one element of findings.
type validationFindingModel struct {
	Severity types.String `tfsdk:"severity"`
	Code     types.String `tfsdk:"code"`
	Message  types.String `tfsdk:"message"`
	Path     types.String `tfsdk:"path"`
	Line     types.Int64  `tfsdk:"line"`
	Column   types.Int64  `tfsdk:"column"`
	// AWSIssueCode is Access Analyzer's issue code, "" when it has none.
	AWSIssueCode types.String `tfsdk:"aws_issue_code"`
	HelpURI      types.String `tfsdk:"help_uri"`
}

var validationFindingType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"severity":       types.StringType,
	"code":           types.StringType,
	"message":        types.StringType,
	"path":           types.StringType,
	"line":           types.Int64Type,
	"column":         types.Int64Type,
	"aws_issue_code": types.StringType,
	"help_uri":       types.StringType,
}}

// validationFailOnValues are the values of fail_on, from the most to the least serious; "none"
// (and "never", the guard's word for it) never fails the plan.
var validationFailOnValues = []string{"error", "security_warning", "warning", "suggestion", "none", "never"}

// defaultValidationFailOn is fail_on when it is not set.
const defaultValidationFailOn = "error"

func (d *policyValidationDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_policy_validation"
}

func validationPolicyTypes() []string {
	out := make([]string, len(validate.PolicyTypes))
	for i, t := range validate.PolicyTypes {
		out[i] = strings.ToLower(string(t))
	}
	return out
}

func backquotedList(values []string) string {
	quoted := make([]string, len(values))
	for i, v := range values {
		quoted[i] = "`" + v + "`"
	}
	return strings.Join(quoted, ", ")
}

func (d *policyValidationDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Validates an AWS IAM policy document for its policy type, offline, in the manner of IAM " +
			"Access Analyzer's policy validation: grammar, size quotas, elements the policy type forbids or " +
			"requires, actions, ARNs and condition keys checked against the AWS service reference, and security " +
			"risks such as `iam:PassRole` on every role or a resource policy open to everyone. Each finding has a " +
			"severity, a stable code, a message that says how to fix it, and its place in the document (JSON path, " +
			"line and column). Findings at or above `fail_on` fail the plan.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "A hash of the inputs, stable across runs.",
				Computed:            true,
			},
			"policy": schema.StringAttribute{
				MarkdownDescription: "The policy document as JSON, for example from `jsonencode` or `data.aws_iam_policy_document.x.json`. " +
					"Exactly one of `policy` and `policy_arn` must be set.",
				Optional: true,
			},
			"policy_arn": schema.StringAttribute{
				MarkdownDescription: "The ARN of an AWS managed policy (`arn:aws:iam::aws:policy/ReadOnlyAccess`, path included), " +
					"validated from the provider's embedded catalogue as AWS's own policy: the rules that bind only the " +
					"policies customers write (the size quota, names the Service Authorization Reference no longer lists) " +
					"give `WARNING` findings instead of `ERROR` ones.",
				Optional: true,
				Validators: []validator.String{
					stringvalidator.ExactlyOneOf(path.MatchRoot("policy"), path.MatchRoot("policy_arn")),
				},
			},
			"policy_type": schema.StringAttribute{
				MarkdownDescription: "What the document is: `identity` (attached to a user, group or role), `resource` " +
					"(attached to a resource, such as a bucket policy), `trust` (a role trust policy), `scp`, `rcp`, " +
					"`permissions_boundary` or `session`, in lower or upper case. The type decides which elements are " +
					"allowed (a `Principal` only in resource and trust policies), the size quota, and which security " +
					"checks apply.",
				Required: true,
				Validators: []validator.String{
					stringvalidator.OneOfCaseInsensitive(validationPolicyTypes()...),
				},
			},
			"resource_type": schema.StringAttribute{
				MarkdownDescription: "For `policy_type = \"resource\"`, the kind of resource the policy is attached to, " +
					"as CloudFormation names it: " + backquotedList(validate.ResourcePolicyTypes()) + ". It adds the " +
					"resource's size quota and reports actions of other services. `AWS::IAM::AssumeRolePolicyDocument` " +
					"also fits `policy_type = \"trust\"`.",
				Optional: true,
				Validators: []validator.String{
					stringvalidator.OneOfCaseInsensitive(validate.ResourcePolicyTypes()...),
				},
			},
			"customer_managed_policy": schema.BoolAttribute{
				MarkdownDescription: "Whether an `identity` or `permissions_boundary` document is a customer managed policy " +
					"(an `aws_iam_policy`). IAM refuses a customer managed policy of more than 6,144 characters (not " +
					"counting white space) when it is created, and the quota cannot be raised, so with `true` the " +
					"`POLICY_TOO_LARGE` finding is an `ERROR`. Defaults to `false`: the document may be an inline " +
					"policy, whose quota is shared by all the inline policies of its user, group or role, and the " +
					"finding is a `WARNING`, as IAM Access Analyzer rates it. It cannot be set with `policy_arn` (an " +
					"AWS managed policy is not a customer's) or for other policy types.",
				Optional: true,
				Validators: []validator.Bool{
					boolvalidator.ConflictsWith(path.MatchRoot("policy_arn")),
				},
			},
			"fail_on": schema.StringAttribute{
				MarkdownDescription: "The lowest severity that fails the plan: " + backquotedList(validationFailOnValues) + ". " +
					"Defaults to `" + defaultValidationFailOn + "`. Each finding at or above it is an error diagnostic on " +
					"`policy`, with its line, column and JSON path; `none` (or `never`) never fails the plan.",
				Optional: true,
				Validators: []validator.String{
					stringvalidator.OneOfCaseInsensitive(validationFailOnValues...),
				},
			},
			"waive": schema.ListNestedAttribute{
				MarkdownDescription: "Findings accepted on purpose, each with its reason: a waived finding never fails the " +
					"plan and does not make `valid` false, and is listed in `waived_findings` as well as `findings`. " +
					"A waiver that matches no finding is a warning diagnostic, so that waivers do not outlive what they " +
					"were written for.",
				Optional: true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"code": schema.StringAttribute{
						MarkdownDescription: "The finding code to accept, such as `MISSING_VERSION` (see the validation codes guide; any letter case).",
						Required:            true,
						Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
					},
					"path": schema.StringAttribute{
						MarkdownDescription: "The JSON path of the element whose findings are accepted, such as `Statement[1]` " +
							"(the element and everything inside it). Without it, the code is accepted anywhere in the policy.",
						Optional: true,
					},
					"reason": schema.StringAttribute{
						MarkdownDescription: "Why the finding is accepted: a sentence for the reviewers of the configuration. Required.",
						Required:            true,
						Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
					},
				}},
			},
			"findings": schema.ListAttribute{
				MarkdownDescription: "Every finding, sorted by place in the document, then by severity (most serious " +
					"first): `severity` (`ERROR`, `SECURITY_WARNING`, `WARNING` or `SUGGESTION`), `code` (stable, see " +
					"the validation codes guide), `message`, `path` (the JSON path of the element, empty for the whole " +
					"document), `line` and `column` (1-based; the column counts bytes), `aws_issue_code` (the issue " +
					"code of IAM Access Analyzer's policy check for the same defect, such as `INVALID_ACTION`; empty " +
					"when Access Analyzer has none) and `help_uri` (the code's section of the validation codes guide).",
				ElementType: validationFindingType,
				Computed:    true,
			},
			"waived_findings": schema.ListAttribute{
				MarkdownDescription: "The findings that a `waive` entry accepts, in the form of `findings`.",
				ElementType:         validationFindingType,
				Computed:            true,
			},
			"valid": schema.BoolAttribute{
				MarkdownDescription: "Whether no finding that is not waived reaches `fail_on`, where `none` counts as `error`. With the " +
					"default, `valid` says that AWS accepts the policy and every part of it can take effect. When " +
					"`fail_on` is not `none`, a finding that reaches it fails the plan, so `valid` is `true` whenever " +
					"the data source is read; set `fail_on = \"none\"` to use `valid` in a condition of your own.",
				Computed: true,
			},
		},
	}
}

// options reads the validation options from the model; false when they are unknown.
func (m *policyValidationModel) options() (validate.ValidateOptions, bool) {
	if m.PolicyType.IsUnknown() || m.PolicyType.IsNull() || m.ResourceType.IsUnknown() {
		return validate.ValidateOptions{}, false
	}
	return validate.ValidateOptions{
		Type:                  validate.PolicyType(strings.ToUpper(m.PolicyType.ValueString())),
		ResourceType:          m.ResourceType.ValueString(),
		CustomerManagedPolicy: m.CustomerManaged.ValueBool(),
	}, true
}

// checkCustomerManaged reports customer_managed_policy = true on a policy type that is never a
// customer managed policy: the option would be silently ignored there.
func checkCustomerManaged(opts validate.ValidateOptions, diags *diag.Diagnostics) {
	t, ok := validate.ParsePolicyType(string(opts.Type))
	if !ok || !opts.CustomerManagedPolicy || t == validate.PolicyTypeIdentity || t == validate.PolicyTypePermissionsBoundary {
		return
	}
	diags.AddAttributeError(path.Root("customer_managed_policy"), "Invalid customer_managed_policy",
		fmt.Sprintf("customer_managed_policy applies to policy_type identity and permissions_boundary only, not %s: "+
			"only those documents can be customer managed policies. Remove it.", strings.ToLower(string(t))))
}

// threshold returns the severity at which findings fail the plan, and whether any does.
func (m *policyValidationModel) threshold() (validate.Severity, bool) {
	failOn := defaultValidationFailOn
	if !m.FailOn.IsNull() && !m.FailOn.IsUnknown() {
		failOn = m.FailOn.ValueString()
	}
	if strings.EqualFold(failOn, "none") || strings.EqualFold(failOn, "never") {
		return validate.SeverityError, false
	}
	s, ok := validate.ParseSeverity(failOn)
	if !ok {
		return validate.SeverityError, true // the schema validator has reported it already
	}
	return s, true
}

// ValidateConfig reports a resource_type that does not fit policy_type during `terraform
// validate`, before the policy is known.
func (d *policyValidationDataSource) ValidateConfig(ctx context.Context, req datasource.ValidateConfigRequest, resp *datasource.ValidateConfigResponse) {
	var m policyValidationModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	checkWaiverCodes(m.Waive, &resp.Diagnostics)
	opts, known := m.options()
	if !known {
		return
	}
	if !m.CustomerManaged.IsUnknown() {
		checkCustomerManaged(opts, &resp.Diagnostics)
	}
	if m.ResourceType.IsNull() {
		return
	}
	if _, ok := validate.ParsePolicyType(string(opts.Type)); !ok {
		return // the schema validator reports it
	}
	if err := opts.Check(); err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("resource_type"), "Invalid resource_type", err.Error()+".")
	}
}

func (d *policyValidationDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m policyValidationModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	opts, _ := m.options()
	if err := opts.Check(); err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("policy_type"), "Invalid validation options", err.Error()+".")
		return
	}
	checkCustomerManaged(opts, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	var findings []validate.Finding
	if arn := m.PolicyARN.ValueString(); arn != "" {
		var err error
		if findings, err = validate.ValidateManagedPolicy(arn, opts); err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("policy_arn"), "Unknown AWS managed policy", err.Error()+".")
			return
		}
	} else {
		findings = validate.ValidatePolicy([]byte(m.Policy.ValueString()), opts)
	}
	threshold, fails := m.threshold()

	valid := true
	elems := make([]validationFindingModel, len(findings))
	waived := []validationFindingModel{}
	used := make([]bool, len(m.Waive))
	for i, f := range findings {
		elems[i] = newValidationFinding(f)
		isWaived := false
		for j, w := range m.Waive {
			if w.matches(f) {
				isWaived, used[j] = true, true
			}
		}
		if isWaived {
			waived = append(waived, elems[i])
			continue
		}
		if f.Severity.AtLeast(threshold) {
			valid = false
			if fails {
				resp.Diagnostics.AddAttributeError(path.Root("policy"), fmt.Sprintf("Policy validation: %s %s", f.Severity, f.Code), describeValidationFinding(f))
			}
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}
	for j, w := range m.Waive {
		if !used[j] {
			resp.Diagnostics.AddAttributeWarning(path.Root("waive").AtListIndex(j), "Waiver matches no finding",
				fmt.Sprintf("No finding of code %s%s: remove the waiver (its reason was %q).", w.Code.ValueString(), waiverPlace(w), w.Reason.ValueString()))
		}
	}
	list, diags := types.ListValueFrom(ctx, validationFindingType, elems)
	resp.Diagnostics.Append(diags...)
	m.Findings = list
	wlist, diags := types.ListValueFrom(ctx, validationFindingType, waived)
	resp.Diagnostics.Append(diags...)
	m.Waived = wlist
	m.Valid = types.BoolValue(valid)
	id, err := inputHash(req.Config.Raw, "id", "findings", "waived_findings", "valid")
	if err != nil {
		resp.Diagnostics.AddError("Cannot compute id", err.Error())
		return
	}
	m.ID = types.StringValue(id)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// checkWaiverCodes reports a waiver whose code is no finding code: it would never match, and
// a misspelt code must not look like an accepted finding.
func checkWaiverCodes(waivers []waiverModel, diags *diag.Diagnostics) {
	known := map[string]bool{}
	for _, c := range validate.ValidationCodes() {
		known[c.Code] = true
	}
	for j, w := range waivers {
		if w.Code.IsUnknown() || w.Code.IsNull() || known[strings.ToUpper(w.Code.ValueString())] {
			continue
		}
		diags.AddAttributeError(path.Root("waive").AtListIndex(j).AtName("code"), "Unknown finding code",
			fmt.Sprintf("%q is not a finding code of the validator; the validation codes guide lists them (such as MISSING_VERSION or INVALID_ACTION).", w.Code.ValueString()))
	}
}

func waiverPlace(w waiverModel) string {
	if p := w.Path.ValueString(); p != "" {
		return " at " + p
	}
	return ""
}

// newValidationFinding is a finding as an element of findings (and of the validate
// function's result).
func newValidationFinding(f validate.Finding) validationFindingModel {
	return validationFindingModel{
		Severity: types.StringValue(string(f.Severity)),
		Code:     types.StringValue(f.Code),
		Message:  types.StringValue(f.Message),
		Path:     types.StringValue(f.Path),
		Line:     types.Int64Value(int64(f.Line)),
		Column:   types.Int64Value(int64(f.Column)),

		AWSIssueCode: types.StringValue(f.AWSIssueCode),
		HelpURI:      types.StringValue(f.HelpURI),
	}
}

// describeValidationFinding is the detail of a finding's diagnostic: where it is and what to do.
func describeValidationFinding(f validate.Finding) string {
	where := "policy"
	if f.Line > 0 {
		where += fmt.Sprintf(" at line %d, column %d", f.Line, f.Column)
	}
	if f.Path != "" {
		where += fmt.Sprintf(" (JSON path %s)", f.Path)
	}
	return fmt.Sprintf("%s: %s %s: %s.", where, f.Severity, f.Code, strings.TrimSuffix(f.Message, "."))
}
