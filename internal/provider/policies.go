package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/iamguard/terraform-provider-iam/internal/evaluator"
)

// policyInput is one policy document found in the configuration, with where it came from.
type policyInput struct {
	// label names the policy in explanations and diagnostics, e.g. "identity_policies[1]" or
	// "scps[0][2]", the way a user would write the reference in Terraform.
	label string
	path  path.Path
	value types.String
}

// parsePolicy parses one policy document, or resolves the ARN of an AWS managed policy
// (arn:aws:iam::aws:policy/NAME) from the embedded catalogue. It returns nil, with no
// diagnostic, when the value is null or unknown: a null policy is absent, and an unknown one is
// checked once it is known (during apply), so validation must not fail on it.
func parsePolicy(in policyInput, diags *diag.Diagnostics) *evaluator.Policy {
	if in.value.IsNull() || in.value.IsUnknown() {
		return nil
	}
	if text := strings.TrimSpace(in.value.ValueString()); strings.HasPrefix(text, "arn:") {
		p, err := evaluator.ManagedPolicy(text)
		if err != nil {
			diags.AddAttributeError(in.path, "Unknown AWS managed policy", fmt.Sprintf("%s: %s.", in.label, err))
			return nil
		}
		return p
	}
	if text := strings.TrimSpace(in.value.ValueString()); !strings.HasPrefix(text, "{") {
		diags.AddAttributeError(in.path, "Not a policy document", notADocument(in.label, text))
		return nil
	}
	p, err := evaluator.ParsePolicy([]byte(in.value.ValueString()))
	if err != nil {
		diags.AddAttributeError(in.path, "Invalid policy document", describeParseError(in.label, err))
		return nil
	}
	p.Name = in.label
	return p
}

// notADocument explains a value that is not even a JSON object, such as the random string a
// `mock_provider` of `terraform test` gives a policy attribute, by showing how it begins.
func notADocument(label, text string) string {
	shown := text
	if r := []rune(text); len(r) > 40 {
		shown = string(r[:40]) + "…"
	}
	if text == "" {
		return fmt.Sprintf("%s is empty; expected an IAM policy document (a JSON object such as "+
			`{"Version":"2012-10-17","Statement":[...]}`+") or the ARN of an AWS managed policy.", label)
	}
	return fmt.Sprintf("%s is not a policy document: it begins with %q. Expected an IAM policy document (a JSON "+
		`object such as {"Version":"2012-10-17","Statement":[...]}`+") or the ARN of an AWS managed policy. "+
		"In `terraform test` with a mock provider, give the mocked policy attributes JSON documents "+
		"(mock_resource or override_resource defaults).", label, shown)
}

// describeParseError turns an engine parse error into a sentence naming the attribute, the
// line and column in the document, and the JSON path of the element at fault.
func describeParseError(label string, err error) string {
	var pe *evaluator.ParseError
	if !errors.As(err, &pe) {
		return fmt.Sprintf("%s is not a valid IAM policy: %s.", label, err)
	}
	where := ""
	if pe.Line > 0 {
		where = fmt.Sprintf(" at line %d, column %d", pe.Line, pe.Column)
	}
	if pe.Path != "" {
		where += fmt.Sprintf(" (JSON path %s)", pe.Path)
	}
	return fmt.Sprintf("%s is not a valid IAM policy%s: %s", label, where, pe.Message)
}

// stringElements returns the elements of a list of strings, or nil when the list is null or
// unknown. Elements may themselves be unknown during validation.
func stringElements(ctx context.Context, list types.List, diags *diag.Diagnostics) []types.String {
	if list.IsNull() || list.IsUnknown() {
		return nil
	}
	var out []types.String
	diags.Append(list.ElementsAs(ctx, &out, false)...)
	return out
}

// listElements returns the elements of a list of lists of strings, or nil when the list is
// null or unknown.
func listElements(ctx context.Context, list types.List, diags *diag.Diagnostics) []types.List {
	if list.IsNull() || list.IsUnknown() {
		return nil
	}
	var out []types.List
	diags.Append(list.ElementsAs(ctx, &out, false)...)
	return out
}

// policyAttributes holds the policy inputs of policy_schema.go's fragment, as raw Terraform
// values so that unknown values survive validation. It is the one conversion from
// configuration to the engine's policy set: the data sources, iam_access_check's principal block
// and the functions' arguments all fill it in and call policySet.
type policyAttributes struct {
	principalPolicies
	ResourcePolicy types.String `tfsdk:"resource_policy"`
	SCPs           types.List   `tfsdk:"scps"`
	RCPs           types.List   `tfsdk:"rcps"`

	// principal is where the principal's own policies (identity policies, managed policy ARNs,
	// boundary, session policy) are in the configuration: the root of a data source, the
	// principal block of iam_access_check. The organisation's and the resource's policies are
	// always at the root.
	principal path.Path
}

// principalPolicies are a principal's own policies. The models of the data sources and of
// iam_access_check's principal block embed them, so that each reads them under the same names.
type principalPolicies struct {
	IdentityPolicies    types.List   `tfsdk:"identity_policies"`
	ManagedPolicyARNs   types.List   `tfsdk:"managed_policy_arns"`
	PermissionsBoundary types.String `tfsdk:"permissions_boundary"`
	SessionPolicy       types.String `tfsdk:"session_policy"`
}

// getPolicyAttributes reads the policy inputs from a configuration.
func getPolicyAttributes(ctx context.Context, src tfsdk.Config, diags *diag.Diagnostics) policyAttributes {
	var a policyAttributes
	diags.Append(src.GetAttribute(ctx, path.Root("identity_policies"), &a.IdentityPolicies)...)
	diags.Append(src.GetAttribute(ctx, path.Root("managed_policy_arns"), &a.ManagedPolicyARNs)...)
	diags.Append(src.GetAttribute(ctx, path.Root("resource_policy"), &a.ResourcePolicy)...)
	diags.Append(src.GetAttribute(ctx, path.Root("permissions_boundary"), &a.PermissionsBoundary)...)
	diags.Append(src.GetAttribute(ctx, path.Root("session_policy"), &a.SessionPolicy)...)
	diags.Append(src.GetAttribute(ctx, path.Root("scps"), &a.SCPs)...)
	diags.Append(src.GetAttribute(ctx, path.Root("rcps"), &a.RCPs)...)
	return a
}

// policySet parses every known policy and builds the engine's policy set. Parse errors are
// added to diags, each at the attribute that holds the document; null and unknown values are
// left out (see parsePolicy). The caller must not evaluate when diags has errors.
func (a policyAttributes) policySet(ctx context.Context, diags *diag.Diagnostics) *evaluator.PolicySet {
	ps := &evaluator.PolicySet{}
	for i, v := range stringElements(ctx, a.IdentityPolicies, diags) {
		label := fmt.Sprintf("identity_policies[%d]", i)
		if p := parsePolicy(policyInput{label, a.principal.AtName("identity_policies").AtListIndex(i), v}, diags); p != nil {
			ps.Identity = append(ps.Identity, p)
		}
	}
	for i, v := range stringElements(ctx, a.ManagedPolicyARNs, diags) {
		label := fmt.Sprintf("managed_policy_arns[%d]", i)
		at := a.principal.AtName("managed_policy_arns").AtListIndex(i)
		if isKnown(v) && !strings.HasPrefix(strings.TrimSpace(v.ValueString()), "arn:") {
			diags.AddAttributeError(at, "Not a policy ARN",
				fmt.Sprintf("%s is %q; expected the ARN of an AWS managed policy such as arn:aws:iam::aws:policy/ReadOnlyAccess.", label, v.ValueString()))
			continue
		}
		if p := parsePolicy(policyInput{label, at, v}, diags); p != nil {
			ps.Identity = append(ps.Identity, p)
		}
	}
	ps.Resource = parsePolicy(policyInput{"resource_policy", path.Root("resource_policy"), a.ResourcePolicy}, diags)
	ps.Boundary = parsePolicy(policyInput{"permissions_boundary", a.principal.AtName("permissions_boundary"), a.PermissionsBoundary}, diags)
	ps.Session = parsePolicy(policyInput{"session_policy", a.principal.AtName("session_policy"), a.SessionPolicy}, diags)
	ps.SCPs = parseLevels(ctx, "scps", a.SCPs, diags)
	ps.RCPs = parseLevels(ctx, "rcps", a.RCPs, diags)
	return ps
}

// parseLevels parses SCPs or RCPs: one list of policies per level of the organisation path.
// A null attribute gives nil, which the engine reads as "not governed".
func parseLevels(ctx context.Context, name string, list types.List, diags *diag.Diagnostics) [][]*evaluator.Policy {
	levels := listElements(ctx, list, diags)
	if levels == nil {
		return nil
	}
	out := make([][]*evaluator.Policy, len(levels))
	for i, level := range levels {
		out[i] = []*evaluator.Policy{}
		for j, v := range stringElements(ctx, level, diags) {
			label := fmt.Sprintf("%s[%d][%d]", name, i, j)
			if p := parsePolicy(policyInput{label, path.Root(name).AtListIndex(i).AtListIndex(j), v}, diags); p != nil {
				out[i] = append(out[i], p)
			}
		}
	}
	return out
}

// principalTags returns all of a principal's tags, or nil when the map is null: the tags are
// then free, which the analysis reads as "any tags at all". Unknown values are left out (the
// configuration is only evaluated once every value is known).
func principalTags(tags types.Map) map[string]string {
	if tags.IsNull() || tags.IsUnknown() {
		return nil
	}
	out := make(map[string]string, len(tags.Elements()))
	for key, v := range tags.Elements() {
		if s, ok := v.(types.String); ok && isKnown(s) {
			out[key] = s.ValueString()
		}
	}
	return out
}

// contextValues returns the known values of a context map, a condition key's list included
// only when the list is known.
func contextValues(ctx context.Context, m types.Map, diags *diag.Diagnostics) map[string][]string {
	if m.IsNull() || m.IsUnknown() {
		return nil
	}
	out := make(map[string][]string, len(m.Elements()))
	for key, v := range m.Elements() {
		if l, ok := v.(types.List); ok && !l.IsNull() && !l.IsUnknown() {
			out[key] = knownStrings(ctx, l, diags)
		}
	}
	return out
}

// engineContext converts context values to the engine's request context. A list of one value
// is a single value unless multiValued says its key is multi-valued; any other list (an empty
// one included) is a multi-valued key, for ForAllValues: and ForAnyValue:.
func engineContext(values map[string][]string, multiValued func(key string) bool) evaluator.Context {
	var out evaluator.Context
	for key, vs := range values {
		if len(vs) == 1 && !multiValued(key) {
			out.Set(key, vs[0])
		} else {
			out.SetMulti(key, vs)
		}
	}
	return out
}

// contextOf converts a context map whose one-value lists are single values unless the service
// reference data types the key as multi-valued: ForAnyValue:StringEquals on aws:TagKeys must see
// a set even when it has one member.
func contextOf(ctx context.Context, m types.Map, diags *diag.Diagnostics) evaluator.Context {
	return engineContext(contextValues(ctx, m, diags), evaluator.KeyIsMultiValued)
}

func isKnown(v types.String) bool { return !v.IsNull() && !v.IsUnknown() }

// knownStrings returns the known elements of a list of strings.
func knownStrings(ctx context.Context, l types.List, diags *diag.Diagnostics) []string {
	var out []string
	for _, v := range stringElements(ctx, l, diags) {
		if isKnown(v) {
			out = append(out, v.ValueString())
		}
	}
	return out
}
