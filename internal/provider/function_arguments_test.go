package provider

import (
	"context"
	"errors"
	"math/big"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/iamguard/terraform-provider-iam/internal/evaluator"
)

func tuple(values ...attr.Value) types.Tuple {
	ts := make([]attr.Type, len(values))
	for i, v := range values {
		ts[i] = v.Type(context.Background())
	}
	return types.TupleValueMust(ts, values)
}

func object(attrs map[string]attr.Value) types.Object {
	ts := make(map[string]attr.Type, len(attrs))
	for k, v := range attrs {
		ts[k] = v.Type(context.Background())
	}
	return types.ObjectValueMust(ts, attrs)
}

// typedValue reads a dynamic value as the schema type would, and says where it is wrong.
func TestTypedValue(t *testing.T) {
	ctx := context.Background()
	listOfStrings := types.ListType{ElemType: types.StringType}
	cases := []struct {
		name  string
		value attr.Value
		typ   attr.Type
		want  string // the error, or "" for none
	}{
		{"tuple of strings", tuple(types.StringValue("a"), types.StringValue("b")), listOfStrings, ""},
		{"number as string", types.NumberValue(big.NewFloat(111122223333)), types.StringType, ""},
		{"null element", tuple(types.StringValue("a"), types.StringNull()), listOfStrings, "x[1] is null"},
		{"string for a list", types.StringValue("a"), listOfStrings, "x is a string; expected a list"},
		{"fraction for an int", types.NumberValue(big.NewFloat(1.5)), types.Int64Type, "x is a number; expected a whole number"},
		{"misspelt attribute", object(map[string]attr.Value{"arm": types.StringValue("a")}),
			types.ObjectType{AttrTypes: map[string]attr.Type{"arn": types.StringType}}, `x has no attribute "arm"; expected only arn`},
		{"map value null", types.MapValueMust(types.StringType, map[string]attr.Value{"k": types.StringNull()}),
			types.MapType{ElemType: types.StringType}, `x["k"] is null`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := typedValue(ctx, types.DynamicValue(c.value), c.typ, "x")
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != c.want {
				t.Errorf("got error %q, want %q", got, c.want)
			}
		})
	}
	if _, err := typedValue(ctx, types.DynamicUnknown(), types.StringType, "x"); !errors.Is(err, errUnknownArgument) {
		t.Errorf("unknown value: got %v, want errUnknownArgument", err)
	}
	v, err := typedValue(ctx, types.DynamicNull(), listOfStrings, "x")
	if err != nil || !v.IsNull() {
		t.Errorf("null value: got %v, %v; want a null list", v, err)
	}
}

// FuzzEvaluateArguments feeds arbitrary policies and requests through evaluate's argument
// readers and the evaluator: bad input must give an error (non-empty, without the final period
// Terraform adds), never a panic. Authorize may still refuse an accepted request; evaluate then
// reports that as an error of the request argument.
func FuzzEvaluateArguments(f *testing.F) {
	f.Add(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}`, "arn:aws:iam::111122223333:user/a", "s3:GetObject", "*", "aws:SourceIp", "203.0.113.5")
	f.Add(`{"Statement":[{"Effect":"Deny","NotAction":"iam:*","Resource":"*"}]}`, "anonymous", "iam:PassRole", "arn:aws:iam::111122223333:role/x", "", "")
	f.Add(`{`, "alice", "GetObject", "", "aws:TagKeys", "")
	f.Add(`arn:aws:iam::aws:policy/ReadOnlyAccess`, "cloudtrail.amazonaws.com", "s3:PutObject", "arn:aws:s3:::b/k", "aws:PrincipalTag/team", "x")
	f.Fuzz(func(t *testing.T, policy, principal, action, resource, key, value string) {
		ctx := context.Background()
		policies := types.DynamicValue(object(map[string]attr.Value{
			"identity_policies": tuple(types.StringValue(policy)),
			"scps":              tuple(tuple(types.StringValue(policy))),
		}))
		request := map[string]attr.Value{
			"principal": types.StringValue(principal),
			"action":    types.StringValue(action),
			"resource":  types.StringValue(resource),
		}
		if key != "" {
			request["context"] = object(map[string]attr.Value{key: types.StringValue(value)})
		}
		ps, opts, err := evaluatePolicies(ctx, policies)
		if err != nil {
			if err.Error() == "" || strings.HasSuffix(err.Error(), ".") {
				t.Fatalf("policies error %q: empty, or ends with a period that Terraform adds itself", err)
			}
			return
		}
		r, err := evaluateRequest(ctx, types.DynamicValue(object(request)))
		if err != nil {
			if err.Error() == "" || strings.HasSuffix(err.Error(), ".") {
				t.Fatalf("request error %q: empty, or ends with a period that Terraform adds itself", err)
			}
			return
		}
		_, _ = evaluator.Authorize(ps, r, opts)
	})
}
