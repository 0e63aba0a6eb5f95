package tfplan

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// An expression is an object with references (its constant value is not kept) or a list of
// nested blocks, whose arguments are expressions again.
func TestExpressionShapes(t *testing.T) {
	var exprs map[string]*expression
	input := `{
	  "constant": {"constant_value": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow"}]}},
	  "refs": {"references": ["aws_iam_role.app.name", "aws_iam_role.app"]},
	  "null": null,
	  "blocks": [
	    {"name": {"constant_value": "own"}, "policy": {"references": ["data.aws_iam_policy_document.own.json"]}},
	    {"inner": [{"arn": {"references": ["aws_iam_policy.p.arn"]}}], "gone": null}
	  ],
	  "later": {"references": ["var.x"], "future_field": {"a": [1, 2]}}
	}`
	if err := json.Unmarshal([]byte(input), &exprs); err != nil {
		t.Fatal(err)
	}
	if e := exprs["constant"]; e == nil || e.References != nil || e.NestedBlocks != nil {
		t.Errorf("constant: %+v", e)
	}
	if e := exprs["refs"]; e == nil || !reflect.DeepEqual(e.References, []string{"aws_iam_role.app.name", "aws_iam_role.app"}) {
		t.Errorf("refs: %+v", e)
	}
	if e, ok := exprs["null"]; !ok || e != nil {
		t.Errorf("null: %+v, present %v", e, ok)
	}
	blocks := exprs["blocks"]
	if blocks == nil || len(blocks.NestedBlocks) != 2 || blocks.References != nil {
		t.Fatalf("blocks: %+v", blocks)
	}
	if got := blocks.NestedBlocks[0]["policy"].References; !reflect.DeepEqual(got, []string{"data.aws_iam_policy_document.own.json"}) {
		t.Errorf("blocks[0].policy: %v", got)
	}
	if n := blocks.NestedBlocks[0]["name"]; n == nil || n.References != nil {
		t.Errorf("blocks[0].name: %+v", n)
	}
	inner := blocks.NestedBlocks[1]["inner"]
	if inner == nil || len(inner.NestedBlocks) != 1 || !reflect.DeepEqual(inner.NestedBlocks[0]["arn"].References, []string{"aws_iam_policy.p.arn"}) {
		t.Errorf("blocks[1].inner: %+v", inner)
	}
	if e, ok := blocks.NestedBlocks[1]["gone"]; !ok || e != nil {
		t.Errorf("blocks[1].gone: %+v, present %v", e, ok)
	}
	if e := exprs["later"]; e == nil || !reflect.DeepEqual(e.References, []string{"var.x"}) {
		t.Errorf("later: %+v", e)
	}
}

// What is neither an expression object nor a list of blocks is an error that says where, as
// terraform-json's decoding refuses it.
func TestExpressionErrors(t *testing.T) {
	for _, bad := range []string{
		`{"role": {"references": "aws_iam_role.app"}}`,
		`{"role": "aws_iam_role.app"}`,
		`{"role": 7}`,
		`{"inline_policy": [1, 2]}`,
		`{"inline_policy": [{"policy": {"references": [7]}}]}`,
	} {
		plan := `{"format_version": "1.2", "planned_values": {},
		  "configuration": {"root_module": {"resources": [{"address": "aws_iam_role.app", "mode": "managed",
		    "type": "aws_iam_role", "name": "app", "expressions": ` + bad + `}]}}}`
		_, err := ParsePlan([]byte(plan), "p.json")
		if err == nil || !strings.HasPrefix(err.Error(), "p.json: line ") || !strings.Contains(err.Error(), "expected") {
			t.Errorf("%s: %v", bad, err)
		}
	}
}

// With default_tags in an AWS provider configuration, tags_all is the whole set of a
// resource's tags, and a tags_all known only after apply leaves them unknown; without
// default_tags, tags is the whole set.
func TestDefaultTags(t *testing.T) {
	plan := func(providers string) *Plan {
		t.Helper()
		data := `{"format_version": "1.2",
		  "planned_values": {"root_module": {"resources": [{"address": "aws_iam_role.app", "mode": "managed", "type": "aws_iam_role", "name": "app",
		    "values": {"name": "app", "path": "/", "assume_role_policy": "{}", "tags": {"team": "data"}}}]}},
		  "resource_changes": [{"address": "aws_iam_role.app", "mode": "managed", "type": "aws_iam_role", "name": "app",
		    "change": {"actions": ["create"], "after_unknown": {"arn": true, "tags_all": true}}}],
		  "configuration": {"provider_config": ` + providers + `, "root_module": {"resources": [{"address": "aws_iam_role.app", "mode": "managed",
		    "type": "aws_iam_role", "name": "app", "expressions": {"name": {"constant_value": "app"}, "tags": {"constant_value": {"team": "data"}}}}]}}}`
		p, err := ParsePlan([]byte(data), "p.json")
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	with := plan(`{"aws": {"name": "aws", "full_name": "registry.terraform.io/hashicorp/aws",
	  "expressions": {"region": {"constant_value": "eu-west-1"}, "default_tags": [{"tags": {"constant_value": {"owner": "platform"}}}]}}}`)
	if tags := with.Planned().Role("aws_iam_role.app").Tags; tags.Known {
		t.Errorf("with default_tags: tags %+v, want unknown", tags)
	}
	without := plan(`{"aws": {"name": "aws", "expressions": {"region": {"constant_value": "eu-west-1"}}}}`)
	if tags := without.Planned().Role("aws_iam_role.app").Tags; !tags.Known || !reflect.DeepEqual(tags.Values, map[string]string{"team": "data"}) {
		t.Errorf("without default_tags: tags %+v, want team=data", tags)
	}
}
