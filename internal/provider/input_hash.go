package provider

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// inputHash is the id of every data source and resource that computes one from its inputs: a
// SHA-256 of the configuration in one canonical encoding (object attributes and map keys
// sorted, set elements sorted), without the attributes in omit (the computed ones, and inputs
// that do not change the answer). The same configuration always has the same id, across runs
// and Terraform versions; an unknown value is an error, since the id is then not known yet.
func inputHash(config tftypes.Value, omit ...string) (string, error) {
	var all map[string]tftypes.Value
	if err := config.As(&all); err != nil {
		return "", err
	}
	// As gives the value's own map: take a copy without the omitted attributes, since deleting
	// from it would change the configuration the framework still holds.
	attrs := make(map[string]tftypes.Value, len(all))
	for k, v := range all {
		attrs[k] = v
	}
	for _, k := range omit {
		delete(attrs, k)
	}
	var b strings.Builder
	if err := canonicalEncode(&b, tftypes.NewValue(tftypes.Object{AttributeTypes: typesOf(attrs)}, attrs)); err != nil {
		return "", err
	}
	sum := sha256.Sum256([]byte(b.String()))
	return hex.EncodeToString(sum[:]), nil
}

func typesOf(attrs map[string]tftypes.Value) map[string]tftypes.Type {
	out := make(map[string]tftypes.Type, len(attrs))
	for k, v := range attrs {
		out[k] = v.Type()
	}
	return out
}

func canonicalEncode(b *strings.Builder, v tftypes.Value) error {
	if v.IsNull() {
		b.WriteString("null")
		return nil
	}
	if !v.IsKnown() {
		return fmt.Errorf("an input is unknown")
	}
	switch {
	case v.Type().Is(tftypes.String):
		var s string
		if err := v.As(&s); err != nil {
			return err
		}
		b.WriteString(strconv.Quote(s))
	case v.Type().Is(tftypes.Bool):
		var x bool
		if err := v.As(&x); err != nil {
			return err
		}
		b.WriteString(strconv.FormatBool(x))
	case v.Type().Is(tftypes.List{}), v.Type().Is(tftypes.Set{}), v.Type().Is(tftypes.Tuple{}):
		var items []tftypes.Value
		if err := v.As(&items); err != nil {
			return err
		}
		encoded := make([]string, len(items))
		for i, it := range items {
			var e strings.Builder
			if err := canonicalEncode(&e, it); err != nil {
				return err
			}
			encoded[i] = e.String()
		}
		if v.Type().Is(tftypes.Set{}) {
			sort.Strings(encoded) // a set has no order; its encoding must not have one either
		}
		b.WriteByte('[')
		b.WriteString(strings.Join(encoded, ","))
		b.WriteByte(']')
	case v.Type().Is(tftypes.Map{}), v.Type().Is(tftypes.Object{}):
		var fields map[string]tftypes.Value
		if err := v.As(&fields); err != nil {
			return err
		}
		keys := make([]string, 0, len(fields))
		for k := range fields {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(strconv.Quote(k))
			b.WriteByte(':')
			if err := canonicalEncode(b, fields[k]); err != nil {
				return err
			}
		}
		b.WriteByte('}')
	default:
		// Numbers (budget) and dynamic values: their debug form, which is deterministic. It
		// stays as it is, since changing it would change the id of every iam_access_check that
		// sets a budget, and with it its plan.
		b.WriteString(v.String())
	}
	return nil
}
