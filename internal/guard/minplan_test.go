package guard

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/iamguard/terraform-provider-iam/internal/tfplan"
)

// miniPlan builds small plans in the plan JSON format for the tests of each rule kind: every
// resource is created, with the values given (all known unless listed in unknown).
type miniPlan struct {
	resources, changes, config []any
	prior                      []any
}

type res struct {
	addr    string
	values  map[string]any
	unknown []string // attributes known only after apply
	prior   bool     // the resource exists in the prior state with the same values
}

func (m *miniPlan) add(rs ...res) *miniPlan {
	for _, r := range rs {
		typ, name, _ := strings.Cut(r.addr, ".")
		unknown := map[string]any{}
		for _, u := range r.unknown {
			unknown[u] = true
		}
		actions := []string{"create"}
		var before any
		if r.prior {
			actions = []string{"no-op"}
			before = r.values
			m.prior = append(m.prior, map[string]any{"address": r.addr, "mode": "managed", "type": typ, "name": name, "values": r.values})
		}
		m.resources = append(m.resources, map[string]any{"address": r.addr, "mode": "managed", "type": typ, "name": name, "values": r.values})
		m.changes = append(m.changes, map[string]any{"address": r.addr, "mode": "managed", "type": typ, "name": name,
			"change": map[string]any{"actions": actions, "before": before, "after": r.values, "after_unknown": unknown}})
		m.config = append(m.config, map[string]any{"address": r.addr, "mode": "managed", "type": typ, "name": name, "expressions": map[string]any{}})
	}
	return m
}

func (m *miniPlan) plan(t testing.TB) *tfplan.Plan {
	t.Helper()
	p, err := tfplan.ReadPlan(bytes.NewReader(m.json(t)), "mini.json")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// json returns the plan JSON.
func (m *miniPlan) json(t testing.TB) []byte {
	t.Helper()
	doc := map[string]any{"format_version": "1.2",
		"planned_values":   map[string]any{"root_module": map[string]any{"resources": m.resources}},
		"resource_changes": m.changes,
		"configuration":    map[string]any{"root_module": map[string]any{"resources": m.config}}}
	if m.prior != nil {
		doc["prior_state"] = map[string]any{"format_version": "1.0", "values": map[string]any{"root_module": map[string]any{"resources": m.prior}}}
	}
	data, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// policy writes a policy document from statements given as JSON objects.
func policy(statements ...string) string {
	return `{"Version":"2012-10-17","Statement":[` + strings.Join(statements, ",") + `]}`
}

const lambdaTrust = `{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}`

func role(name, trust string) res {
	return res{addr: "aws_iam_role." + name, values: map[string]any{"name": name, "path": "/", "assume_role_policy": trust}, unknown: []string{"arn", "id"}}
}

func rolePolicy(role, doc string) res {
	return res{addr: "aws_iam_role_policy." + role, values: map[string]any{"name": role + "-inline", "role": role, "policy": doc}}
}

func user(name string) res {
	return res{addr: "aws_iam_user." + name, values: map[string]any{"name": name, "path": "/"}, unknown: []string{"arn", "id"}}
}

func userPolicy(user, doc string) res {
	return res{addr: "aws_iam_user_policy." + user, values: map[string]any{"name": user + "-inline", "user": user, "policy": doc}}
}

// rulesFrom parses rules text for a test.
func rulesFrom(t *testing.T, text string) *Rules {
	t.Helper()
	r, err := ParseRules([]byte(text), "test.hcl")
	if err != nil {
		t.Fatalf("rules: %v", err)
	}
	return r
}

// only returns the findings with the code.
func only(r *Report, code string) []Finding {
	var out []Finding
	for _, f := range r.Findings {
		if f.Code == code {
			out = append(out, f)
		}
	}
	return out
}

func codesOf(r *Report) []string {
	var out []string
	for _, f := range r.Findings {
		out = append(out, f.Code+" "+f.Address)
	}
	return out
}
