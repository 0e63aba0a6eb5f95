package provider

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// The functions take their object arguments as dynamic values: a Terraform object type
// constraint would make every attribute mandatory in each call (provider functions have no
// optional attributes), while the data sources they mirror have mostly optional ones. The
// readers below check such an argument by hand, in the way a schema would: the attribute
// names (a misspelt name is an error, not an ignored input), the type of each value, and the
// attributes that are required. Every error names the value as it is written in the call,
// such as `policies.scps[1][0]`.

// errUnknownArgument says that part of an argument is not known yet. Terraform does not call a
// function with unknown arguments unless the parameter allows them, so this is a safety net:
// the function's result is then unknown too.
var errUnknownArgument = errors.New("the value is not known yet")

// argumentError returns the error of argument position for err, or nil.
func argumentError(position int64, err error) *function.FuncError {
	if err == nil {
		return nil
	}
	return function.NewArgumentFuncError(position, err.Error())
}

// diagnosticsError joins the details of the error diagnostics into one error, or returns nil
// when there is none. The policy conversions of policies.go report through diagnostics.
func diagnosticsError(diags diag.Diagnostics) error {
	var parts []string
	for _, d := range diags.Errors() {
		text := d.Detail()
		if text == "" {
			text = d.Summary()
		}
		parts = append(parts, strings.TrimSuffix(text, "."))
	}
	if len(parts) == 0 {
		return nil
	}
	return errors.New(strings.Join(parts, "; "))
}

// concrete unwraps dynamic values down to the value they hold.
func concrete(v attr.Value) attr.Value {
	for {
		d, ok := v.(basetypes.DynamicValuable)
		if !ok {
			return v
		}
		dv, diags := d.ToDynamicValue(context.Background())
		if diags.HasError() || dv.IsNull() || dv.IsUnknown() || dv.IsUnderlyingValueNull() || dv.IsUnderlyingValueUnknown() {
			return dv
		}
		v = dv.UnderlyingValue()
	}
}

// absent reports whether v is null; it is errUnknownArgument's caller's job to check unknowns.
func absent(v attr.Value) bool {
	v = concrete(v)
	if d, ok := v.(types.Dynamic); ok {
		return d.IsNull() || d.IsUnderlyingValueNull()
	}
	return v == nil || v.IsNull()
}

func unknown(v attr.Value) bool {
	v = concrete(v)
	if d, ok := v.(types.Dynamic); ok {
		return d.IsUnknown() || d.IsUnderlyingValueUnknown()
	}
	return v.IsUnknown()
}

// typeName is how an error names the type of a value that is not what was expected.
func typeName(v attr.Value) string {
	switch concrete(v).(type) {
	case types.String:
		return "a string"
	case types.Number, types.Int64, types.Float64, types.Int32, types.Float32:
		return "a number"
	case types.Bool:
		return "a bool"
	case types.List, types.Tuple, types.Set:
		return "a list"
	case types.Map, types.Object:
		return "an object"
	}
	return fmt.Sprintf("a value of type %s", v.Type(context.Background()))
}

// objectAttributes reads an object (or map) argument whose attribute names must be among
// names, and returns its non-null attributes. A null object has no attributes.
func objectAttributes(v attr.Value, label string, names []string) (map[string]attr.Value, error) {
	if absent(v) {
		return map[string]attr.Value{}, nil
	}
	if unknown(v) {
		return nil, errUnknownArgument
	}
	elems, ok := entries(v)
	if !ok {
		return nil, fmt.Errorf("%s is %s; expected an object with the attributes %s", label, typeName(v), strings.Join(names, ", "))
	}
	allowed := make(map[string]bool, len(names))
	for _, n := range names {
		allowed[n] = true
	}
	out := make(map[string]attr.Value, len(elems))
	var unexpected []string
	for k, e := range elems {
		if !allowed[k] {
			unexpected = append(unexpected, fmt.Sprintf("%q", k))
			continue
		}
		if !absent(e) {
			out[k] = e
		}
	}
	if len(unexpected) > 0 {
		sort.Strings(unexpected)
		return nil, fmt.Errorf("%s has no attribute %s; expected only %s", label, strings.Join(unexpected, ", "), strings.Join(names, ", "))
	}
	return out, nil
}

// requireAttributes returns an error naming the first of names that attrs lacks.
func requireAttributes(attrs map[string]attr.Value, label string, names ...string) error {
	for _, n := range names {
		if _, ok := attrs[n]; !ok {
			return fmt.Errorf("%s.%s is required", label, n)
		}
	}
	return nil
}

// stringOf reads a string. Numbers and bools are converted to their text, as Terraform
// converts them for a string attribute.
func stringOf(v attr.Value, label string) (string, error) {
	if unknown(v) {
		return "", errUnknownArgument
	}
	switch s := concrete(v).(type) {
	case types.String:
		if s.IsNull() {
			return "", fmt.Errorf("%s is null; expected a string", label)
		}
		return s.ValueString(), nil
	case types.Number:
		if !s.IsNull() {
			return s.ValueBigFloat().Text('f', -1), nil
		}
	case types.Bool:
		if !s.IsNull() {
			return fmt.Sprint(s.ValueBool()), nil
		}
	}
	return "", fmt.Errorf("%s is %s; expected a string", label, typeName(v))
}

// boolOf reads a bool.
func boolOf(v attr.Value, label string) (bool, error) {
	if unknown(v) {
		return false, errUnknownArgument
	}
	if b, ok := concrete(v).(types.Bool); ok && !b.IsNull() {
		return b.ValueBool(), nil
	}
	return false, fmt.Errorf("%s is %s; expected true or false", label, typeName(v))
}

// elementsOf reads a list, tuple or set. The elements of a set come in Terraform's order.
func elementsOf(v attr.Value, label string) ([]attr.Value, error) {
	if unknown(v) {
		return nil, errUnknownArgument
	}
	switch l := concrete(v).(type) {
	case types.List:
		return l.Elements(), nil
	case types.Tuple:
		return l.Elements(), nil
	case types.Set:
		return l.Elements(), nil
	}
	return nil, fmt.Errorf("%s is %s; expected a list", label, typeName(v))
}

// stringsOf reads a list of strings; no element may be null.
func stringsOf(v attr.Value, label string) ([]string, error) {
	elems, err := elementsOf(v, label)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(elems))
	for i, e := range elems {
		if out[i], err = stringOf(e, fmt.Sprintf("%s[%d]", label, i)); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// stringListsOf reads a list of non-empty lists of strings (the levels of SCPs and RCPs).
func stringListsOf(v attr.Value, label string) ([][]string, error) {
	elems, err := elementsOf(v, label)
	if err != nil {
		return nil, err
	}
	out := make([][]string, len(elems))
	for i, e := range elems {
		at := fmt.Sprintf("%s[%d]", label, i)
		if out[i], err = stringsOf(e, at); err != nil {
			return nil, err
		}
		if len(out[i]) == 0 {
			return nil, fmt.Errorf("%s is an empty level; each level lists at least one policy (an empty level would deny every request)", at)
		}
	}
	return out, nil
}

// entries returns the attributes of an object or the elements of a map: an object literal
// and a map(...) variable are both ways to write one.
func entries(v attr.Value) (map[string]attr.Value, bool) {
	switch m := concrete(v).(type) {
	case types.Map:
		return m.Elements(), true
	case types.Object:
		return m.Attributes(), true
	}
	return nil, false
}

// mapElements reads a map or object argument's elements, sorted by key.
func mapElements(v attr.Value, label string) ([]string, map[string]attr.Value, error) {
	if unknown(v) {
		return nil, nil, errUnknownArgument
	}
	elems, ok := entries(v)
	if !ok {
		return nil, nil, fmt.Errorf("%s is %s; expected a map", label, typeName(v))
	}
	keys := make([]string, 0, len(elems))
	for k := range elems {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys, elems, nil
}

// contextValuesOf reads a context map: condition keys to lists of strings. A plain string is
// taken as a list of that one string.
func contextValuesOf(v attr.Value, label string) (map[string][]string, error) {
	keys, elems, err := mapElements(v, label)
	if err != nil {
		return nil, err
	}
	out := make(map[string][]string, len(keys))
	for _, k := range keys {
		at := fmt.Sprintf("%s[%q]", label, k)
		if k == "" {
			return nil, fmt.Errorf("%s has an empty key; expected condition keys such as aws:SourceIp", label)
		}
		if _, isString := concrete(elems[k]).(types.String); isString {
			s, err := stringOf(elems[k], at)
			if err != nil {
				return nil, err
			}
			out[k] = []string{s}
			continue
		}
		if out[k], err = stringsOf(elems[k], at); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// stringList is a known list of strings as the data sources' models hold it.
func stringList(ctx context.Context, values []string) (types.List, error) {
	l, d := types.ListValueFrom(ctx, types.StringType, values)
	return l, diagnosticsError(d)
}

// policyArgumentNames are the attributes of a policies object, the policy attributes of the
// iam_policy_evaluation data source.
var policyArgumentNames = []string{"identity_policies", "managed_policy_arns", "resource_policy", "permissions_boundary", "session_policy", "scps", "rcps"}

// policyAttributesOf reads the attributes of a policies object (any subset of
// policyArgumentNames) into the data sources' form, so that the same conversion (policySet)
// parses them.
func policyAttributesOf(ctx context.Context, attrs map[string]attr.Value, label string) (policyAttributes, error) {
	a := policyAttributes{
		principalPolicies: principalPolicies{
			IdentityPolicies: types.ListNull(types.StringType), ManagedPolicyARNs: types.ListNull(types.StringType),
			PermissionsBoundary: types.StringNull(), SessionPolicy: types.StringNull(),
		},
		ResourcePolicy: types.StringNull(),
		SCPs:           types.ListNull(types.ListType{ElemType: types.StringType}), RCPs: types.ListNull(types.ListType{ElemType: types.StringType}),
	}
	// In the order of policyArgumentNames, so that the first error is always the same one.
	lists := []struct {
		name string
		dst  *types.List
	}{{"identity_policies", &a.IdentityPolicies}, {"managed_policy_arns", &a.ManagedPolicyARNs}}
	for _, l := range lists {
		name, dst := l.name, l.dst
		if v, ok := attrs[name]; ok {
			values, err := stringsOf(v, label+"."+name)
			if err != nil {
				return a, err
			}
			if *dst, err = stringList(ctx, values); err != nil {
				return a, err
			}
		}
	}
	singles := []struct {
		name string
		dst  *types.String
	}{{"resource_policy", &a.ResourcePolicy}, {"permissions_boundary", &a.PermissionsBoundary}, {"session_policy", &a.SessionPolicy}}
	for _, one := range singles {
		name, dst := one.name, one.dst
		if v, ok := attrs[name]; ok {
			s, err := stringOf(v, label+"."+name)
			if err != nil {
				return a, err
			}
			*dst = types.StringValue(s)
		}
	}
	for _, l := range []struct {
		name string
		dst  *types.List
	}{{"scps", &a.SCPs}, {"rcps", &a.RCPs}} {
		name, dst := l.name, l.dst
		if v, ok := attrs[name]; ok {
			values, err := stringListsOf(v, label+"."+name)
			if err != nil {
				return a, err
			}
			l, d := types.ListValueFrom(ctx, types.ListType{ElemType: types.StringType}, values)
			if err := diagnosticsError(d); err != nil {
				return a, err
			}
			*dst = l
		}
	}
	return a, nil
}

// typedValue converts a value of a dynamic argument to the type t of the schema attribute it
// stands for, as Terraform would for a typed attribute: strings (from strings, numbers and
// bools), bools, int64s, lists, maps and objects of those. A null value gives the null of t.
// Elements of lists and maps may not be null: in a schema, NoNullValues rejects them, and a
// null policy silently left out would weaken what is checked.
func typedValue(ctx context.Context, v attr.Value, t attr.Type, label string) (attr.Value, error) {
	if absent(v) {
		return nullOf(ctx, t)
	}
	if unknown(v) {
		return nil, errUnknownArgument
	}
	switch t := t.(type) {
	case basetypes.StringType:
		s, err := stringOf(v, label)
		return types.StringValue(s), err
	case basetypes.BoolType:
		b, err := boolOf(v, label)
		return types.BoolValue(b), err
	case basetypes.Int64Type:
		n, ok := concrete(v).(types.Number)
		if ok && !n.IsNull() {
			if i, acc := n.ValueBigFloat().Int64(); acc == 0 {
				return types.Int64Value(i), nil
			}
		}
		return nil, fmt.Errorf("%s is %s; expected a whole number", label, typeName(v))
	case basetypes.ListType:
		elems, err := elementsOf(v, label)
		if err != nil {
			return nil, err
		}
		out := make([]attr.Value, len(elems))
		for i, e := range elems {
			at := fmt.Sprintf("%s[%d]", label, i)
			if absent(e) {
				return nil, fmt.Errorf("%s is null", at)
			}
			if out[i], err = typedValue(ctx, e, t.ElemType, at); err != nil {
				return nil, err
			}
		}
		l, d := types.ListValue(t.ElemType, out)
		return l, diagnosticsError(d)
	case basetypes.MapType:
		keys, elems, err := mapElements(v, label)
		if err != nil {
			return nil, err
		}
		out := make(map[string]attr.Value, len(keys))
		for _, k := range keys {
			at := fmt.Sprintf("%s[%q]", label, k)
			if absent(elems[k]) {
				return nil, fmt.Errorf("%s is null", at)
			}
			if out[k], err = typedValue(ctx, elems[k], t.ElemType, at); err != nil {
				return nil, err
			}
		}
		m, d := types.MapValue(t.ElemType, out)
		return m, diagnosticsError(d)
	case basetypes.ObjectType:
		return typedObject(ctx, v, t.AttrTypes, label)
	}
	return nil, fmt.Errorf("%s: the provider cannot read a value of type %s", label, t)
}

// typedObject converts an object argument to an object with the attributes attrTypes; the
// attributes it does not set are null, and any other attribute is an error.
func typedObject(ctx context.Context, v attr.Value, attrTypes map[string]attr.Type, label string) (types.Object, error) {
	names := make([]string, 0, len(attrTypes))
	for n := range attrTypes {
		names = append(names, n)
	}
	sort.Strings(names)
	given, err := objectAttributes(v, label, names)
	if err != nil {
		return types.ObjectNull(attrTypes), err
	}
	out := make(map[string]attr.Value, len(attrTypes))
	for _, n := range names {
		if out[n], err = typedValue(ctx, given[n], attrTypes[n], label+"."+n); err != nil {
			return types.ObjectNull(attrTypes), err
		}
	}
	o, d := types.ObjectValue(attrTypes, out)
	return o, diagnosticsError(d)
}

// nullOf returns the null value of t.
func nullOf(ctx context.Context, t attr.Type) (attr.Value, error) {
	return t.ValueFromTerraform(ctx, tftypes.NewValue(t.TerraformType(ctx), nil))
}
