package provider

import (
	"math/big"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

var (
	hashList   = tftypes.List{ElementType: tftypes.String}
	hashSet    = tftypes.Set{ElementType: tftypes.String}
	hashMap    = tftypes.Map{ElementType: tftypes.String}
	hashObject = tftypes.Object{AttributeTypes: map[string]tftypes.Type{
		"resource_policies": hashMap, "multi_valued_keys": hashSet, "actions": hashList, "passed": tftypes.Bool,
	}}
)

// hashConfig is a configuration with a map, a set and a list of strings.
func hashConfig(policies map[string]string, keys, actions []string, passed any) tftypes.Value {
	strs := func(ss []string) []tftypes.Value {
		out := make([]tftypes.Value, len(ss))
		for i, s := range ss {
			out[i] = tftypes.NewValue(tftypes.String, s)
		}
		return out
	}
	m := map[string]tftypes.Value{}
	for k, v := range policies {
		m[k] = tftypes.NewValue(tftypes.String, v)
	}
	return tftypes.NewValue(hashObject, map[string]tftypes.Value{
		"resource_policies": tftypes.NewValue(hashMap, m),
		"multi_valued_keys": tftypes.NewValue(hashSet, strs(keys)),
		"actions":           tftypes.NewValue(hashList, strs(actions)),
		"passed":            tftypes.NewValue(tftypes.Bool, passed),
	})
}

func mustHash(t *testing.T, v tftypes.Value, omit ...string) string {
	t.Helper()
	h, err := inputHash(v, omit...)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// The id is a function of the inputs alone: maps in another order and sets in another order
// give the same id; a list in another order, a changed value, or a changed set give another.
func TestInputHash(t *testing.T) {
	config := func(policies map[string]string, keys, actions []string) tftypes.Value {
		return hashConfig(policies, keys, actions, nil)
	}
	base := mustHash(t, config(map[string]string{"a": "1", "b": "2"}, []string{"x", "y"}, []string{"p", "q"}))
	if h := mustHash(t, config(map[string]string{"b": "2", "a": "1"}, []string{"x", "y"}, []string{"p", "q"})); h != base {
		t.Errorf("map in another order: id %s, want %s", h, base)
	}
	if h := mustHash(t, config(map[string]string{"a": "1", "b": "2"}, []string{"y", "x"}, []string{"p", "q"})); h != base {
		t.Errorf("set in another order: id %s, want %s", h, base)
	}
	omitted := mustHash(t, config(map[string]string{"a": "1", "b": "2"}, []string{"x", "y"}, []string{"p", "q"}), "passed")
	if h := mustHash(t, hashConfig(map[string]string{"a": "1", "b": "2"}, []string{"x", "y"}, []string{"p", "q"}, true), "passed"); h != omitted {
		t.Errorf("omitted attribute set: id %s, want %s", h, omitted)
	}
	differ := map[string]tftypes.Value{
		"list in another order": hashConfig(map[string]string{"a": "1", "b": "2"}, []string{"x", "y"}, []string{"q", "p"}, nil),
		"changed map value":     hashConfig(map[string]string{"a": "1", "b": "3"}, []string{"x", "y"}, []string{"p", "q"}, nil),
		"changed set":           hashConfig(map[string]string{"a": "1", "b": "2"}, []string{"x"}, []string{"p", "q"}, nil),
		"attribute not omitted": hashConfig(map[string]string{"a": "1", "b": "2"}, []string{"x", "y"}, []string{"p", "q"}, true),
	}
	for name, v := range differ {
		if mustHash(t, v) == base {
			t.Errorf("%s: same id as the base configuration", name)
		}
	}
}

// An unknown input has no id yet.
func TestInputHashUnknown(t *testing.T) {
	v := tftypes.NewValue(tftypes.Object{AttributeTypes: map[string]tftypes.Type{"policy": tftypes.String}},
		map[string]tftypes.Value{"policy": tftypes.NewValue(tftypes.String, tftypes.UnknownValue)})
	if h, err := inputHash(v); err == nil {
		t.Errorf("unknown input hashed to %s", h)
	}
}

// iam_access_check's id is in its state: a change of the encoding would show every check as
// changed in the next plan. This pins the encoding of each kind of value the resource has
// (strings with quotes, bools, a number, nulls, an empty list, nested lists, maps and objects).
func TestInputHashEncodingStable(t *testing.T) {
	lt := tftypes.List{ElementType: tftypes.String}
	mt := tftypes.Map{ElementType: lt}
	pt := tftypes.Object{AttributeTypes: map[string]tftypes.Type{"arn": tftypes.String, "tags": tftypes.Map{ElementType: tftypes.String}}}
	ot := tftypes.Object{AttributeTypes: map[string]tftypes.Type{
		"id": tftypes.String, "enforce": tftypes.Bool, "budget": tftypes.Number, "scps": tftypes.List{ElementType: lt},
		"ctx": mt, "principal": pt, "flag": tftypes.Bool,
	}}
	v := tftypes.NewValue(ot, map[string]tftypes.Value{
		"id":      tftypes.NewValue(tftypes.String, nil),
		"enforce": tftypes.NewValue(tftypes.Bool, true),
		"budget":  tftypes.NewValue(tftypes.Number, big.NewFloat(1234)),
		"flag":    tftypes.NewValue(tftypes.Bool, false),
		"scps":    tftypes.NewValue(tftypes.List{ElementType: lt}, []tftypes.Value{tftypes.NewValue(lt, []tftypes.Value{tftypes.NewValue(tftypes.String, "a\"b")})}),
		"ctx":     tftypes.NewValue(mt, map[string]tftypes.Value{"z": tftypes.NewValue(lt, []tftypes.Value{}), "a": tftypes.NewValue(lt, nil)}),
		"principal": tftypes.NewValue(pt, map[string]tftypes.Value{
			"arn":  tftypes.NewValue(tftypes.String, "arn:x"),
			"tags": tftypes.NewValue(tftypes.Map{ElementType: tftypes.String}, map[string]tftypes.Value{"k": tftypes.NewValue(tftypes.String, "v")}),
		}),
	})
	// The value the encoding gave before it moved out of resource_access_check.go.
	const want = "4f8139baa3ce01f17817a7a892930c3bd242b3f205d7da1b49e7cdcd9ce92a7b"
	if got := mustHash(t, v, notHashed...); got != want {
		t.Errorf("id %s, want %s: the encoding changed", got, want)
	}
}

// Hashing leaves the configuration as it was: the framework still reads it afterwards.
func TestInputHashKeepsConfig(t *testing.T) {
	v := hashConfig(map[string]string{"a": "1"}, nil, nil, true)
	before := v.String()
	mustHash(t, v, "passed", "actions")
	if after := v.String(); after != before {
		t.Errorf("configuration changed by hashing:\n%s\nto\n%s", before, after)
	}
}
