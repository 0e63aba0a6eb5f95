package tfplan

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestMalformedPlans(t *testing.T) {
	valid, err := os.ReadFile(filepath.Join(fixtures, "inline-role", "plan.json"))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		input string
		want  []string // every fragment must be in the error
	}{
		{"empty", "", []string{"p.json: empty input"}},
		{"syntax", "{\n  \"format_version\": \"1.2\",\n  \"planned_values\": {,}\n}", []string{"p.json: line 3, column 22 (byte offset 50): invalid JSON", "invalid character ','"}},
		{"truncated", `{"format_version": "1.2", "planned_values": {"root_module": {`, []string{"p.json: line 1, column", "invalid JSON"}},
		{"not an object", `[1, 2]`, []string{"p.json: line 1, column 1 (byte offset 0): expected a JSON object (a Terraform plan), found array"}},
		{"trailing data", `{"format_version": "1.2"} {}`, []string{"p.json: line 1, column 27 (byte offset 26): unexpected data after the plan's JSON object"}},
		{"no version", `{"planned_values": {}}`, []string{"p.json: format_version is missing"}},
		{"a state", `{"values": {"root_module": {}}}`, []string{"this is a Terraform state, not a plan"}},
		{"resource name", strings.Replace(string(valid), `"type":"aws_iam_role","name":"reporting"`, `"type":"aws_iam_role","name":7`, 1),
			[]string{"p.json: line 1, column", "field planned_values.root_module.resources.name: expected string, found JSON number"}},
		{"version 2", `{"format_version": "2.0", "planned_values": {}}`, []string{`p.json: plan format_version "2.0" is not supported: this guard reads plan format 1.x`}},
		{"version 0", `{"format_version": "0.2"}`, []string{`format_version "0.2" is not supported`}},
		{"version number", `{"format_version": 1.2}`, []string{`format_version: expected a string such as "1.2", found 1.2`}},
		{"wrong type", "{\"format_version\": \"1.2\",\n \"resource_changes\": {\"a\": 1}}", []string{"p.json: line 2, column", "field resource_changes", "found JSON object"}},
		{"null version", `{"format_version": null, "planned_values": {}}`, []string{"p.json: format_version is missing"}},
		{"unparsable version", `{"format_version": "1.x", "planned_values": {}}`, []string{`p.json: invalid format version "1.x"`}},
		// The header is read again after a failed decode: the version is the clearer error.
		{"version 2 with a type error", `{"format_version": "2.0", "planned_values": 7}`, []string{`plan format_version "2.0" is not supported`}},
		{"prior state version", `{"format_version": "1.2", "planned_values": {}, "prior_state": {"format_version": "2.0", "values": {}}}`,
			[]string{"p.json: prior_state: unsupported state format version"}},
		{"prior state without version", `{"format_version": "1.2", "planned_values": {}, "prior_state": {"values": {}}}`,
			[]string{"p.json: prior_state: unexpected state input, format version is missing"}},
		{"bad attribute", strings.Replace(string(valid), `"max_session_duration":3600,"name":"reporting"`, `"max_session_duration":3600,"name":42`, 1),
			[]string{"p.json: planned_values: aws_iam_role.reporting: attribute name: expected a string, found a number"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := ReadPlan(strings.NewReader(c.input), "p.json")
			if err == nil {
				t.Fatalf("no error; plan %+v", p)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

func TestLoadPlanMissingFile(t *testing.T) {
	_, err := LoadPlan(filepath.Join("testdata", "no-such-plan.json"))
	if err == nil || !strings.Contains(err.Error(), "no-such-plan.json") {
		t.Errorf("err = %v", err)
	}
}

// Fields that a later Terraform adds and resource types the guard does not know are ignored.
func TestUnknownFieldsAndTypes(t *testing.T) {
	input := `{"format_version": "1.9", "future": {"x": 1},
	  "planned_values": {"root_module": {"resources": [
	    {"address": "aws_instance.web", "mode": "managed", "type": "aws_instance", "name": "web", "values": {"ami": "x"}, "new_field": true},
	    {"address": "aws_iam_user.u", "mode": "managed", "type": "aws_iam_user", "name": "u", "values": {"name": "u", "path": "/", "arn": "arn:aws:iam::111122223333:user/u"}}]}}}`
	p, err := ReadPlan(strings.NewReader(input), "p.json")
	if err != nil {
		t.Fatal(err)
	}
	checkDump(t, "planned", p.Planned(), `
user aws_iam_user.u name="u" arn="arn:aws:iam::111122223333:user/u" path="/"
  tags {}
`)
	if len(p.Prior().Users) != 0 || !p.Complete || p.Errored {
		t.Errorf("prior %+v complete %v errored %v", p.Prior(), p.Complete, p.Errored)
	}
}

// The "errored" field, which terraform-json does not decode, is read with the rest of the plan.
func TestErroredPlan(t *testing.T) {
	for input, want := range map[string]bool{
		`{"format_version": "1.2", "planned_values": {}, "errored": true}`: true,
		`{"format_version": "1.2", "planned_values": {}}`:                  false,
	} {
		p, err := ReadPlan(strings.NewReader(input), "p.json")
		if err != nil {
			t.Fatal(err)
		}
		if p.Errored != want || p.FormatVersion != "1.2" {
			t.Errorf("%s: errored %v, format %q", input, p.Errored, p.FormatVersion)
		}
	}
}

// `terraform show -json` without a plan file prints the state (a real one here): it is
// refused, not read as an empty plan that passes.
func TestStateIsNotAPlan(t *testing.T) {
	_, err := LoadPlan(filepath.Join(fixtures, "state", "state.json"))
	if err == nil || !strings.Contains(err.Error(), "state.json: this is a Terraform state, not a plan (run terraform show -json PLANFILE") {
		t.Errorf("state: %v", err)
	}
	for _, input := range []string{`{"format_version": "1.2"}`, `{"format_version": "1.2", "planned_values": null, "configuration": {}}`} {
		if _, err := ReadPlan(strings.NewReader(input), "p.json"); err == nil || !strings.Contains(err.Error(), "p.json: not a plan: it has neither planned_values nor resource_changes") {
			t.Errorf("%s: %v", input, err)
		}
	}
}
