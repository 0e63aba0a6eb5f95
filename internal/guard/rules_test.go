package guard

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/iamguard/terraform-provider-iam/internal/validate"
)

func TestParseRulesExample(t *testing.T) {
	r, err := LoadRules("../../examples/guard/guard.hcl")
	if err != nil {
		t.Fatal(err)
	}
	if r.Account != "111122223333" || len(r.Forbid) == 0 || len(r.Require) == 0 || len(r.NewAccess) == 0 || len(r.Administrators) == 0 {
		t.Errorf("example rules: %+v", r)
	}
	if !r.PublicAccess.Forbid || r.Validation.Fail != validate.SeverityError {
		t.Errorf("public access %+v validation %+v", r.PublicAccess, r.Validation)
	}
}

func TestParseRules(t *testing.T) {
	r := rulesFrom(t, `
account        = "111122223333"
administrators = ["arn:aws:iam::*:role/admin"]
max_chain_depth = 2

forbid "a" {
  principals     = ["*"]
  principal_tags = { team = "data" }
  actions        = ["s3:Delete*"]
}
new_access "b" { mode = "forbid" }
public_access {
  mode   = "report"
  except = ["aws_s3_bucket_policy.site"]
}
validation {
  fail   = "security_warning"
  report = "WARNING"
}
finding "access-key" { level = "fail" }
finding "passrole-wildcard" { level = "off" }
`)
	if r.MaxChainDepth != 2 || r.Forbid[0].Principals.Tags["team"] != "data" || r.Forbid[0].Resources[0] != "*" {
		t.Errorf("%+v", r)
	}
	if !r.NewAccess[0].Forbid || r.NewAccess[0].Actions[0] != "*" || r.PublicAccess.Forbid || r.PublicAccess.Except[0] != "aws_s3_bucket_policy.site" {
		t.Errorf("new access %+v public %+v", r.NewAccess, r.PublicAccess)
	}
	if r.Validation.Fail != validate.SeveritySecurityWarning || r.Validation.Report != validate.SeverityWarning {
		t.Errorf("validation %+v", r.Validation)
	}
	if r.level(CodeAccessKey) != LevelError || r.level(CodePassRoleWildcard) != levelOff || r.level(CodeCrossAccount) != LevelWarning {
		t.Errorf("levels %v", r.Levels)
	}
}

// Bad rules give errors with file:line:column and what was expected.
func TestParseRulesErrors(t *testing.T) {
	cases := []struct{ name, text, want string }{
		{"syntax", "forbid \"a\" {\n  actions = [\"s3:*\"\n}\n", "bad.hcl:3:1"},
		{"unknown attribute", "acount = \"111122223333\"\n", `bad.hcl:1:1: Unsupported argument: An argument named "acount" is not expected here`},
		{"unknown block", "\nforbidd \"x\" {}\n", "bad.hcl:2:1: Unsupported block type"},
		{"missing actions", "forbid \"x\" {\n}\n", `bad.hcl:1:1: Missing required argument: The argument "actions" is required`},
		{"account", "account = \"1234\"\n", "bad.hcl:1:11: Invalid account: account must be 12 digits"},
		{"account type", "account = [1]\n", "bad.hcl:1:11"},
		{"action", "forbid \"x\" {\n  actions = [\"DeleteBucket\"]\n}\n", `bad.hcl:2:14: Invalid action: expected "service:Action", not "DeleteBucket"`},
		{"principal", "forbid \"x\" {\n  principals = [\"role/admin\"]\n  actions = [\"s3:*\"]\n}\n", "bad.hcl:2:17: Invalid principal pattern"},
		{"mode", "public_access {\n  mode = \"block\"\n}\n", `bad.hcl:2:10: Invalid mode: mode must be "forbid" or "report", not "block"`},
		{"severity", "validation {\n  fail = \"FATAL\"\n}\n", "bad.hcl:2:10: Invalid severity"},
		{"level", "finding \"access-key\" {\n  level = \"loud\"\n}\n", `bad.hcl:2:11: Invalid level: level must be "off", "note", "report" or "fail", not "loud"`},
		{"code", "finding \"access-keys\" {\n  level = \"off\"\n}\n", `bad.hcl:1:1: Unknown finding code: "access-keys" is not a finding code`},
		{"undecided off", "finding \"undecided\" {\n  level = \"off\"\n}\n", "bad.hcl:2:11: Invalid level: undecided findings cannot be turned off"},
		{"duplicate", "forbid \"x\" {\n  actions = [\"s3:*\"]\n}\nforbid \"x\" {\n  actions = [\"s3:*\"]\n}\n", `bad.hcl:4:1: Duplicate rule: forbid "x" is already defined at line 1`},
		{"require pattern", "require \"x\" {\n  principals = [\"*\"]\n  actions = [\"s3:Get*\"]\n  resources = [\"*\"]\n}\n", "bad.hcl:3:14: Invalid action: require names exact actions"},
		{"require resource", "require \"x\" {\n  principals = [\"*\"]\n  actions = [\"s3:GetObject\"]\n  resources = [\"arn:aws:s3:::b/*\"]\n}\n", "bad.hcl:4:16: Invalid resource: require names exact resources"},
		{"org target", "organization {\n  path = [\"r-1\"]\n  scp {\n    target = \"ou-2\"\n    file = \"x.json\"\n  }\n}\n", `bad.hcl:4:14: Invalid target`},
		{"org file", "organization {\n  scp {\n    target = \"account\"\n    file = \"missing.json\"\n  }\n}\n", "bad.hcl:4:12: Unreadable policy file"},
		{"depth", "max_chain_depth = 99\n", "bad.hcl:1:19: Invalid max_chain_depth"},
		// Patterns that cannot match anything in their position (issue 10), each located at
		// its element, with a hint when it is a regular expression.
		{"regex action", "forbid \"x\" {\n  actions = [\"s3:*\", \"iam:(Attach|Put).*\"]\n}\n", `bad.hcl:2:22: Invalid action: "iam:(Attach|Put).*" matches no action of the service reference data`},
		{"regex action hint", "forbid \"x\" {\n  actions = [\"iam:(Attach|Put).*\"]\n}\n", `it looks like a regular expression, but patterns are IAM wildcards`},
		{"misspelt action", "forbid \"x\" {\n  actions = [\"s3:DeleteBuckets\"]\n}\n", `bad.hcl:2:14: Invalid action: "s3:DeleteBuckets" matches no action`},
		{"regex principal", "forbid \"x\" {\n  principals = [\"arn:aws:iam::.*:user/(a|b)\"]\n  actions = [\"s3:*\"]\n}\n", `bad.hcl:2:17: Invalid principal pattern: "arn:aws:iam::.*:user/(a|b)" cannot match a principal: its account segment ".*" is not 12 digits`},
		{"regex principal hint", "new_access \"x\" {\n  principals = [\"arn:aws:iam::*:user/(a|b)\"]\n}\n", `'(' is not a character of IAM names and paths (letters, digits, _+=,.@-/); it looks like a regular expression`},
		{"principal kind", "administrators = [\"arn:aws:iam::*:policy/admin\"]\n", `bad.hcl:1:19: Invalid principal pattern: "arn:aws:iam::*:policy/admin" cannot match a principal: the resource part must be role/PATH/NAME or user/PATH/NAME`},
		{"principal service", "administrators = [\"arn:aws:s3:::admin\"]\n", `its service is "s3"`},
		{"regex tag", "forbid \"x\" {\n  principal_tags = { team = \".*\" }\n  actions = [\"s3:*\"]\n}\n", `bad.hcl:2:29: Invalid principal tag: tag team = ".*" cannot match a tag: '*' is not a character of IAM tags`},
		{"regex resource", "forbid \"x\" {\n  actions = [\"s3:*\"]\n  resources = [\"*\", \"arn:aws:s3:::prod-.*\"]\n}\n", `bad.hcl:3:21: Invalid resource: "arn:aws:s3:::prod-.*" matches only resources whose ARN contains its punctuation literally; it looks like a regular expression`},
		{"bucket name", "new_access \"x\" {\n  resources = [\"prod-data\"]\n}\n", `bad.hcl:2:16: Invalid resource: "prod-data" is not an ARN pattern`},
		{"short arn", "forbid \"x\" {\n  actions = [\"s3:*\"]\n  resources = [\"arn:aws:s3:prod\"]\n}\n", `has 4 of the six segments of an ARN`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseRules([]byte(c.text), "bad.hcl")
			if err == nil {
				t.Fatalf("no error for %q", c.text)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error:\n%v\nwant it to contain %q", err, c.want)
			}
		})
	}
}

func TestParseRulesBadPolicyFile(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "scp.json"), []byte(`{"Statement":[{"Effect":"Deny"}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := ParseRules([]byte("organization {\n  rcp {\n    target = \"account\"\n    file   = \"scp.json\"\n  }\n}\n"), filepath.Join(dir, "guard.hcl"))
	if err == nil || !strings.Contains(err.Error(), "guard.hcl:4:14: Invalid policy file: scp.json:") {
		t.Errorf("error: %v", err)
	}
}
