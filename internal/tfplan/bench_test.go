package tfplan

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"
)

// generatedPlan writes a plan with n roles, n customer policies, n attachments that name
// their policy by reference (ARN unknown), n role policies and n users with an AWS managed
// policy: 5n IAM resources, every attachment resolved through the configuration.
func generatedPlan(n int) []byte {
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`
	var resources, changes, config []any
	add := func(addr, typ, name string, values, unknown, exprs map[string]any) {
		resources = append(resources, map[string]any{"address": addr, "mode": "managed", "type": typ, "name": name, "values": values})
		changes = append(changes, map[string]any{"address": addr, "mode": "managed", "type": typ, "name": name,
			"change": map[string]any{"actions": []string{"create"}, "after": values, "after_unknown": unknown}})
		config = append(config, map[string]any{"address": addr, "mode": "managed", "type": typ, "name": name, "expressions": exprs})
	}
	ref := func(r ...string) map[string]any { return map[string]any{"references": r} }
	for i := range n {
		role, pol := fmt.Sprintf("r%d", i), fmt.Sprintf("p%d", i)
		add("aws_iam_role."+role, "aws_iam_role", role, map[string]any{"name": role, "path": "/", "assume_role_policy": doc},
			map[string]any{"arn": true, "id": true}, map[string]any{"name": map[string]any{"constant_value": role}})
		add("aws_iam_policy."+pol, "aws_iam_policy", pol, map[string]any{"name": pol, "path": "/", "policy": doc},
			map[string]any{"arn": true, "id": true}, map[string]any{})
		add("aws_iam_role_policy_attachment."+role, "aws_iam_role_policy_attachment", role, map[string]any{"role": role},
			map[string]any{"policy_arn": true}, map[string]any{"role": ref("aws_iam_role." + role + ".name"), "policy_arn": ref("aws_iam_policy."+pol+".arn", "aws_iam_policy."+pol)})
		add("aws_iam_role_policy."+role, "aws_iam_role_policy", role, map[string]any{"name": "inline", "policy": doc},
			map[string]any{"role": true}, map[string]any{"role": ref("aws_iam_role."+role+".id", "aws_iam_role."+role)})
		add("aws_iam_user_policy_attachment.u"+role, "aws_iam_user_policy_attachment", "u"+role,
			map[string]any{"user": "u" + role, "policy_arn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}, map[string]any{}, map[string]any{})
	}
	plan := map[string]any{"format_version": "1.2", "planned_values": map[string]any{"root_module": map[string]any{"resources": resources}},
		"resource_changes": changes, "configuration": map[string]any{"root_module": map[string]any{"resources": config}}}
	data, err := json.Marshal(plan)
	if err != nil {
		panic(err)
	}
	return data
}

func TestGeneratedPlan(t *testing.T) {
	p, err := ReadPlan(bytes.NewReader(generatedPlan(50)), "gen.json")
	if err != nil {
		t.Fatal(err)
	}
	a := p.Planned()
	if len(a.Roles) != 50 || len(a.Policies) != 50 || len(a.Users) != 50 || len(a.Unresolved) != 0 {
		t.Fatalf("roles %d policies %d users %d unresolved %v", len(a.Roles), len(a.Policies), len(a.Users), a.Unresolved)
	}
	r := a.Role("aws_iam_role.r7")
	if len(r.Managed) != 1 || r.Managed[0].Policy != a.Policy("aws_iam_policy.p7") || len(r.Inline) != 1 {
		t.Errorf("r7: managed %+v inline %d", r.Managed, len(r.Inline))
	}
	if u := a.UserNamed("ur7"); u == nil || !u.External || !u.Managed[0].AWSManaged() {
		t.Errorf("ur7: %+v", u)
	}
}

func BenchmarkReadPlan5000(b *testing.B) {
	data := generatedPlan(1000) // 5,000 IAM resources
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ReadPlan(bytes.NewReader(data), "gen.json"); err != nil {
			b.Fatal(err)
		}
	}
}
