package tfplan

import (
	"strings"
	"testing"
)

// testdata/synthetic/refs.json is hand-made in the plan format (see gen.py there) for what the
// real plans do not cover: references through two module levels and a data source, count
// instances paired by count.index, unresolvable references, principals outside the plan,
// bucket, repository and key policies, Lambda permissions, organisation policy attachments
// by id, and the read-back duplicates of a prior state.

func TestSyntheticPrior(t *testing.T) {
	p, err := LoadPlan("testdata/synthetic/refs.json")
	if err != nil {
		t.Fatal(err)
	}
	// The role's managed_policy_arns read back the ARN that a separate attachment resource
	// attaches: one attachment remains. Its inline_policy read-back holds a policy made
	// outside Terraform: it is real access and stays in the model.
	checkDump(t, "prior", p.Prior(), `
role aws_iam_role.ops name="ops" arn="arn:aws:iam::111122223333:role/ops" path="/"
  trust aws_iam_role.ops.assume_role_policy known
  tags {env=prod,team=ops}
  inline "written-outside": aws_iam_role.ops.inline_policy[0].policy known
  managed aws_iam_role_policy_attachment.ops_boundary.policy_arn arn="arn:aws:iam::111122223333:policy/app-boundary" policy=aws_iam_policy.boundary
policy aws_iam_policy.boundary name="app-boundary" path="/" arn="arn:aws:iam::111122223333:policy/app-boundary"
  document aws_iam_policy.boundary.policy known
org policy aws_organizations_policy.scp SERVICE_CONTROL_POLICY name="deny-all" id="p-abc12345"
  document aws_organizations_policy.scp.content known
  target aws_organizations_policy_attachment.scp.target_id id="ou-ab12-old"
policy document data.aws_iam_policy_document.readonly json=known
`)
}

func TestSyntheticPlanned(t *testing.T) {
	p, err := LoadPlan("testdata/synthetic/refs.json")
	if err != nil {
		t.Fatal(err)
	}
	a := p.Planned()
	checkDump(t, "planned", a, `
role aws_iam_role.ops name="ops" arn=unknown(known only after apply) path="/"
  trust aws_iam_role.ops.assume_role_policy known
  tags {team=ops}
  managed aws_iam_role.ops.managed_policy_arns[0] arn=unknown(known only after apply) policy=aws_iam_policy.extra_ops ref=aws_iam_policy.extra_ops.arn
  managed aws_iam_role.ops.managed_policy_arns[1] arn="arn:aws:iam::aws:policy/ReadOnlyAccess"
  managed aws_iam_policy_attachment.ops.policy_arn arn="arn:aws:iam::aws:policy/job-function/ViewOnlyAccess"
role aws_iam_role.workers[0] name=unknown(known only after apply) arn=unknown(known only after apply) path="/"
  trust aws_iam_role.workers[0].assume_role_policy known
  tags {}
  managed aws_iam_policy_attachment.workers.policy_arn arn=unknown(known only after apply) policy=aws_iam_policy.extra_ops ref=aws_iam_policy.extra_ops.arn
role aws_iam_role.workers[1] name=unknown(known only after apply) arn=unknown(known only after apply) path="/"
  trust aws_iam_role.workers[1].assume_role_policy known
  tags {}
  managed aws_iam_policy_attachment.workers.policy_arn arn=unknown(known only after apply) policy=aws_iam_policy.extra_ops ref=aws_iam_policy.extra_ops.arn
role module.platform.aws_iam_role.seed name="seed" arn=unknown(known only after apply) path="/"
  trust module.platform.aws_iam_role.seed.assume_role_policy known
  tags {}
role module.platform.module.team.aws_iam_role.this name="team" arn=unknown(known only after apply) path="/"
  trust module.platform.module.team.aws_iam_role.this.assume_role_policy unknown(module.platform.data.aws_iam_policy_document.trust is read only during apply: its arguments are known only after apply) from module.platform.data.aws_iam_policy_document.trust
  tags {}
  managed module.platform.module.team.aws_iam_role_policy_attachment.extra[0].policy_arn arn=unknown(known only after apply) policy=module.platform.module.team.aws_iam_policy.extra[0] ref=module.platform.module.team.aws_iam_policy.extra
  managed module.platform.module.team.aws_iam_role_policy_attachment.extra[1].policy_arn arn=unknown(known only after apply) policy=module.platform.module.team.aws_iam_policy.extra[1] ref=module.platform.module.team.aws_iam_policy.extra
  boundary module.platform.module.team.aws_iam_role.this.permissions_boundary arn=unknown(known only after apply) policy=aws_iam_policy.boundary ref=aws_iam_policy.boundary.arn
group (external) name="legacy-admins"
  managed aws_iam_policy_attachment.ops.policy_arn arn="arn:aws:iam::aws:policy/job-function/ViewOnlyAccess"
policy aws_iam_policy.boundary name="app-boundary" path="/" arn="arn:aws:iam::111122223333:policy/app-boundary"
  document aws_iam_policy.boundary.policy known
policy aws_iam_policy.extra_ops name="extra-ops" path="/" arn=unknown(known only after apply)
  document aws_iam_policy.extra_ops.policy known
policy module.platform.module.team.aws_iam_policy.extra[0] name="extra-0" path="/" arn=unknown(known only after apply)
  document module.platform.module.team.aws_iam_policy.extra[0].policy known
policy module.platform.module.team.aws_iam_policy.extra[1] name="extra-1" path="/" arn=unknown(known only after apply)
  document module.platform.module.team.aws_iam_policy.extra[1].policy known
resource policy s3-bucket on aws_s3_bucket_policy.logs.policy id="acme-logs" address="aws_s3_bucket.logs" ref="" name="acme-logs" arn=unknown(known only after apply)
  document aws_s3_bucket_policy.logs.policy known from data.aws_iam_policy_document.readonly
resource policy ecr-repository on aws_ecr_repository_policy.app.policy id="app" address="aws_ecr_repository.app" ref="" name="app" arn=unknown(known only after apply)
  document aws_ecr_repository_policy.app.policy known
resource policy lambda-function on aws_lambda_permission.s3.(permission) id="worker" address="aws_lambda_function.fn" ref="" name="worker" arn=unknown(known only after apply)
  document aws_lambda_permission.s3.(permission) known
resource policy lambda-function on aws_lambda_permission.url.(permission) id="arn:aws:lambda:us-east-1:111122223333:function:worker" address="" ref="" name=unknown(the target is not declared in this plan) arn="arn:aws:lambda:us-east-1:111122223333:function:worker"
  document aws_lambda_permission.url.(permission) known
resource policy lambda-function on aws_lambda_permission.queue.(permission) id="worker" address="aws_lambda_function.fn" ref="" name="worker" arn=unknown(known only after apply)
  document aws_lambda_permission.queue.(permission) unknown(source_arn is known only after apply)
resource policy kms-key on aws_kms_key_policy.k.policy id=unknown(known only after apply) address="aws_kms_key.k" ref="aws_kms_key.k.id" name=unknown(known only after apply) arn=unknown(known only after apply)
  document aws_kms_key_policy.k.policy known
resource policy kms-key on aws_kms_key.plain.policy id=unknown(known only after apply) address="aws_kms_key.plain" ref="" name=unknown(known only after apply) arn=unknown(known only after apply)
  document aws_kms_key.plain.policy unknown(no policy is configured: AWS gives the key its default key policy)
org policy aws_organizations_policy.scp SERVICE_CONTROL_POLICY name="deny-all" id="p-abc12345"
  document aws_organizations_policy.scp.content known
  target aws_organizations_policy_attachment.scp.target_id id=unknown(known only after apply) ref=aws_organizations_organizational_unit.workloads.id
policy document module.platform.data.aws_iam_policy_document.trust json=unknown(known only after apply)
policy document data.aws_iam_policy_document.readonly json=known
unresolved aws_iam_role_policy.orphan.role: the role is known only after apply and its configuration references no aws_iam_role of this plan (references local.role_name)
unresolved aws_organizations_policy_attachment.foreign.policy_id: policy p-zzz99999 is not declared in this plan
`)
	// The deposed object's delete does not hide the create of the current one.
	if got := p.Actions("aws_iam_role.ops"); len(got) != 1 || got[0] != "create" {
		t.Errorf("Actions(aws_iam_role.ops) = %v, want [create]", got)
	}
	// Each count instance gets the policy with its own index, not both.
	team := a.Role("module.platform.module.team.aws_iam_role.this")
	for i, m := range team.Managed {
		if got := statementActions(t, m.Policy.Document); len(got) != 1 || got[0] != "sqs:Action"+string(rune('0'+i)) {
			t.Errorf("attachment %d: policy actions %v", i, got)
		}
	}
	if team.Trust.JSON.Known || team.Trust.JSON.Text != "" {
		t.Errorf("an unknown trust policy must not carry text: %+v", team.Trust.JSON)
	}
	byAddr := func(addr string) *ResourcePolicy {
		rps := a.ResourcePoliciesOf(addr)
		if len(rps) != 1 {
			t.Fatalf("%s: %d resource policies", addr, len(rps))
		}
		return rps[0]
	}
	want := `{"Version":"2012-10-17","Statement":[{"Sid":"AllowS3","Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"*","Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:s3:::acme-logs"},"StringEquals":{"AWS:SourceAccount":"111122223333"}}}]}`
	if got := byAddr("aws_lambda_permission.s3").Document.JSON.Text; got != want {
		t.Errorf("s3 permission:\n got %s\nwant %s", got, want)
	}
	want = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunctionUrl","Resource":"arn:aws:lambda:us-east-1:111122223333:function:worker:live","Condition":{"StringEquals":{"lambda:FunctionUrlAuthType":"NONE"}}}]}`
	if got := byAddr("aws_lambda_permission.url").Document.JSON.Text; got != want {
		t.Errorf("url permission:\n got %s\nwant %s", got, want)
	}
	// The key's own policy attribute only reads back what aws_kms_key_policy sets.
	if n := len(a.ResourcePoliciesOf("aws_kms_key.k")); n != 0 {
		t.Errorf("aws_kms_key.k has %d policies of its own, want 0", n)
	}
	// The tag policy and its attachment take no part in access.
	if a.OrgPolicy("aws_organizations_policy.tags") != nil {
		t.Errorf("a TAG_POLICY is not an SCP or RCP")
	}
}

func TestLambdaPrincipal(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"*", `"*"`},
		{"123456789012", `{"AWS":"arn:aws:iam::123456789012:root"}`},
		{"arn:aws:iam::123456789012:role/x", `{"AWS":"arn:aws:iam::123456789012:role/x"}`},
		{"events.amazonaws.com", `{"Service":"events.amazonaws.com"}`},
	} {
		got := lambdaPrincipal(c.in)
		var s string
		switch g := got.(type) {
		case string:
			s = `"` + g + `"`
		case map[string]string:
			for k, v := range g {
				s = `{"` + k + `":"` + v + `"}`
			}
		}
		if s != c.want {
			t.Errorf("lambdaPrincipal(%q) = %s, want %s", c.in, s, c.want)
		}
	}
}

func TestSplitRef(t *testing.T) {
	got := strings.Join(splitRef(`module.a["x.y"].aws_iam_role.r[0].name`), "|")
	if want := `module|a["x.y"]|aws_iam_role|r[0]|name`; got != want {
		t.Errorf("splitRef = %s, want %s", got, want)
	}
	parent, call := parentModule(`module.a["k"].module.b`)
	if parent != `module.a["k"]` || call != "b" {
		t.Errorf("parentModule = %q, %q", parent, call)
	}
}

func TestAWSManagedARN(t *testing.T) {
	for arn, want := range map[string]bool{
		"arn:aws:iam::aws:policy/AdministratorAccess":                    true,
		"arn:aws-us-gov:iam::aws:policy/ReadOnlyAccess":                  true,
		"arn:aws:iam::aws:policy/job-function/ViewOnlyAccess":            true,
		"arn:aws:iam::111122223333:policy/aws":                           false,
		"arn:aws:iam::111122223333:policy/arn:aws:iam::aws:policy/Admin": false,
		"AdministratorAccess":                                            false,
	} {
		if got := isAWSManagedPolicyARN(arn); got != want {
			t.Errorf("isAWSManagedPolicyARN(%q) = %v", arn, got)
		}
	}
}

// A role that manages inline_policy itself reads back, in its prior state, every inline
// policy it has, including the one a separate aws_iam_role_policy writes: the model keeps that
// policy once, from the separate resource.
func TestPriorInlineReadBack(t *testing.T) {
	doc := `"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}]}"`
	input := `{"format_version": "1.2",
	  "planned_values": {"root_module": {}},
	  "prior_state": {"format_version": "1.0", "values": {"root_module": {"resources": [
	    {"address": "aws_iam_role.app", "mode": "managed", "type": "aws_iam_role", "name": "app", "values": {
	      "name": "app", "path": "/", "arn": "arn:aws:iam::111122223333:role/app", "assume_role_policy": ` + doc + `,
	      "inline_policy": [{"name": "own", "policy": ` + doc + `}, {"name": "extra", "policy": ` + doc + `}]}},
	    {"address": "aws_iam_role_policy.extra", "mode": "managed", "type": "aws_iam_role_policy", "name": "extra", "values": {
	      "name": "extra", "role": "app", "policy": ` + doc + `}}]}}},
	  "configuration": {"root_module": {"resources": [
	    {"address": "aws_iam_role.app", "mode": "managed", "type": "aws_iam_role", "name": "app", "expressions": {
	      "name": {"constant_value": "app"}, "inline_policy": [{"name": {"constant_value": "own"}, "policy": {}}]}},
	    {"address": "aws_iam_role_policy.extra", "mode": "managed", "type": "aws_iam_role_policy", "name": "extra", "expressions": {
	      "role": {"references": ["aws_iam_role.app.name", "aws_iam_role.app"]}}}]}}}`
	p, err := ReadPlan(strings.NewReader(input), "p.json")
	if err != nil {
		t.Fatal(err)
	}
	checkDump(t, "prior", p.Prior(), `
role aws_iam_role.app name="app" arn="arn:aws:iam::111122223333:role/app" path="/"
  trust aws_iam_role.app.assume_role_policy known
  tags {}
  inline "own": aws_iam_role.app.inline_policy[0].policy known
  inline "extra": aws_iam_role_policy.extra.policy known
`)
	// The plan destroys everything: the planned account is empty.
	checkDump(t, "planned", p.Planned(), "")
}

// A role that does not configure inline_policy or managed_policy_arns reads back every policy
// it has. The plan destroys the separate resources that wrote two of them, but the planned
// value of the computed attributes repeats the prior read-back: the planned account must
// drop those two and keep the policies made outside Terraform.
func TestPlannedReadBackWithoutDeleted(t *testing.T) {
	doc := `"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}]}"`
	role := `{"address": "aws_iam_role.app", "mode": "managed", "type": "aws_iam_role", "name": "app", "values": {
	      "name": "app", "path": "/", "arn": "arn:aws:iam::111122223333:role/app", "assume_role_policy": ` + doc + `,
	      "inline_policy": [{"name": "outside", "policy": ` + doc + `}, {"name": "extra", "policy": ` + doc + `}],
	      "managed_policy_arns": ["arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::aws:policy/AdministratorAccess"]}}`
	input := `{"format_version": "1.2",
	  "planned_values": {"root_module": {"resources": [` + role + `]}},
	  "resource_changes": [
	    {"address": "aws_iam_role.app", "mode": "managed", "type": "aws_iam_role", "name": "app", "change": {"actions": ["no-op"], "after_unknown": {}}},
	    {"address": "aws_iam_role_policy.extra", "mode": "managed", "type": "aws_iam_role_policy", "name": "extra", "change": {"actions": ["delete"]}},
	    {"address": "aws_iam_role_policy_attachment.admin", "mode": "managed", "type": "aws_iam_role_policy_attachment", "name": "admin", "change": {"actions": ["delete"]}}],
	  "prior_state": {"format_version": "1.0", "values": {"root_module": {"resources": [` + role + `,
	    {"address": "aws_iam_role_policy.extra", "mode": "managed", "type": "aws_iam_role_policy", "name": "extra", "values": {
	      "name": "extra", "role": "app", "policy": ` + doc + `}},
	    {"address": "aws_iam_role_policy_attachment.admin", "mode": "managed", "type": "aws_iam_role_policy_attachment", "name": "admin", "values": {
	      "role": "app", "policy_arn": "arn:aws:iam::aws:policy/AdministratorAccess"}}]}}},
	  "configuration": {"root_module": {"resources": [
	    {"address": "aws_iam_role.app", "mode": "managed", "type": "aws_iam_role", "name": "app", "expressions": {"name": {"constant_value": "app"}}}]}}}`
	p, err := ReadPlan(strings.NewReader(input), "p.json")
	if err != nil {
		t.Fatal(err)
	}
	checkDump(t, "prior", p.Prior(), `
role aws_iam_role.app name="app" arn="arn:aws:iam::111122223333:role/app" path="/"
  trust aws_iam_role.app.assume_role_policy known
  tags {}
  inline "outside": aws_iam_role.app.inline_policy[0].policy known
  inline "extra": aws_iam_role_policy.extra.policy known
  managed aws_iam_role.app.managed_policy_arns[0] arn="arn:aws:iam::aws:policy/ReadOnlyAccess"
  managed aws_iam_role_policy_attachment.admin.policy_arn arn="arn:aws:iam::aws:policy/AdministratorAccess"
`)
	checkDump(t, "planned", p.Planned(), `
role aws_iam_role.app name="app" arn="arn:aws:iam::111122223333:role/app" path="/"
  trust aws_iam_role.app.assume_role_policy known
  tags {}
  inline "outside": aws_iam_role.app.inline_policy[0].policy known
  managed aws_iam_role.app.managed_policy_arns[0] arn="arn:aws:iam::aws:policy/ReadOnlyAccess"
`)
}
