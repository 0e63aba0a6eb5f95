package tfplan

import (
	"os"
	"path/filepath"
	"testing"
)

// The locator reads both syntaxes with HCL's parsers: a block in a .tf.json file (HCL places
// it at the object that holds its arguments), an indented block, a resource inside a heredoc (not a block), and a file that does not parse.
func TestConfigLocatorSyntaxes(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"main.tf":     "locals {\n  doc = <<EOT\nresource \"aws_iam_role\" \"fake\" {}\nEOT\n}\n\n  resource \"aws_iam_role\" \"app\" {\n  name = \"app\"\n}\n",
		"iam.tf.json": "{\n  \"resource\": {\n    \"aws_iam_policy\": {\n      \"p\": {\"name\": \"p\"}\n    }\n  },\n  \"data\": {\"aws_iam_policy_document\": {\"d\": {}}}\n}\n",
		"broken.tf":   "resource \"aws_iam_user\" \"u\" {\n",
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	got := scanResources(dir)
	want := map[string]ConfigPlace{
		"aws_iam_role.app":               {filepath.ToSlash(filepath.Join(dir, "main.tf")), 7, 3},
		"aws_iam_policy.p":               {filepath.ToSlash(filepath.Join(dir, "iam.tf.json")), 4, 12},
		"data.aws_iam_policy_document.d": {filepath.ToSlash(filepath.Join(dir, "iam.tf.json")), 7, 45},
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s: %+v, want %+v", k, got[k], w)
		}
	}
	if p, ok := got["aws_iam_role.fake"]; ok {
		t.Errorf("a heredoc's text was read as a block: %+v", p)
	}
	if p, ok := got["aws_iam_user.u"]; ok {
		t.Errorf("a file that does not parse gave %+v", p)
	}
}

func TestConfigLocator(t *testing.T) {
	p, err := LoadPlan(fixtures + "/module-roles/plan.json")
	if err != nil {
		t.Fatal(err)
	}
	locate := p.ConfigLocator(fixtures + "/module-roles")
	for addr, want := range map[string]ConfigPlace{
		"aws_iam_policy.boundary":                    {fixtures + "/module-roles/main.tf", 15, 1},
		"module.orders.aws_iam_role.this":            {fixtures + "/module-roles/modules/app_role/main.tf", 13, 1},
		"module.billing.aws_iam_role_policy.data":    {fixtures + "/module-roles/modules/app_role/main.tf", 22, 1},
		`module.billing.aws_iam_role_policy.data[0]`: {fixtures + "/module-roles/modules/app_role/main.tf", 22, 1},
		"aws_iam_role.nothing":                       {},
	} {
		if got := locate(addr); got != want {
			t.Errorf("%s: %+v, want %+v", addr, got, want)
		}
	}
	if got := stripInstanceKeys(`module.a["x[1]"].aws_iam_role.r[0]`); got != "module.a.aws_iam_role.r" {
		t.Errorf("stripInstanceKeys: %s", got)
	}
}
