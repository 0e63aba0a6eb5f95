package tfplan

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The fixtures under internal/guard/testdata/plans are real plans of the AWS provider (see the
// README there); they live with the guard's golden reports, which are made from them.
// Each test compares the whole model with the one the fixture's main.tf describes, then checks
// the facts that later rules depend on one by one.

// fixtures is the directory of the recorded plans.
const fixtures = "../guard/testdata/plans"

func loadFixture(t *testing.T, name string) *Plan {
	t.Helper()
	p, err := LoadPlan(filepath.Join(fixtures, name, "plan.json"))
	if err != nil {
		t.Fatalf("LoadPlan(%s): %v", name, err)
	}
	return p
}

func checkDump(t *testing.T, which string, a *Account, want string) {
	t.Helper()
	got := dump(a)
	want = strings.TrimLeft(want, "\n")
	if got != want {
		t.Errorf("%s account:\n--- got\n%s--- want\n%s", which, got, want)
	}
}

// statementActions returns the actions of every statement of a policy JSON text, to check that
// the document is the one the configuration wrote.
func statementActions(t *testing.T, d Document) []string {
	t.Helper()
	if !d.JSON.Known {
		t.Fatalf("%s: document unknown: %s", d.Source, d.JSON.Reason)
	}
	var doc struct {
		Statement []struct {
			Action    any
			NotAction any
		}
	}
	if err := json.Unmarshal([]byte(d.JSON.Text), &doc); err != nil {
		t.Fatalf("%s: %v", d.Source, err)
	}
	var out []string
	for _, st := range doc.Statement {
		a := st.Action
		if a == nil {
			a = st.NotAction
		}
		switch a := a.(type) {
		case string:
			out = append(out, a)
		case []any:
			for _, x := range a {
				s, ok := x.(string)
				if !ok {
					t.Fatalf("%s: action %v is %T, want a string", d.Source, x, x)
				}
				out = append(out, s)
			}
		}
	}
	return out
}

func TestFixtureInlineRole(t *testing.T) {
	p := loadFixture(t, "inline-role")
	checkDump(t, "prior", p.Prior(), "")
	checkDump(t, "planned", p.Planned(), `
role aws_iam_role.reporting name="reporting" arn=unknown(known only after apply) path="/apps/"
  trust aws_iam_role.reporting.assume_role_policy known
  tags {}
  inline "write-reports": aws_iam_role.reporting.inline_policy[0].policy known
  managed aws_iam_role.reporting.managed_policy_arns[0] arn="arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
  boundary aws_iam_role.reporting.permissions_boundary arn="arn:aws:iam::aws:policy/PowerUserAccess"
`)
	role := p.Planned().Role("aws_iam_role.reporting")
	if !role.Managed[0].AWSManaged() || !role.Boundary.AWSManaged() || !role.Boundary.Resolved() {
		t.Errorf("AmazonS3ReadOnlyAccess and the PowerUserAccess boundary are AWS managed and resolved")
	}
	if got := statementActions(t, role.Inline[0].Document); strings.Join(got, ",") != "s3:PutObject" {
		t.Errorf("inline policy actions = %v", got)
	}
	if got := statementActions(t, role.Trust); strings.Join(got, ",") != "sts:AssumeRole" {
		t.Errorf("trust actions = %v", got)
	}
	if !strings.Contains(role.Trust.JSON.Text, `"Service":"ecs-tasks.amazonaws.com"`) {
		t.Errorf("trust policy = %s", role.Trust.JSON.Text)
	}
	if a := p.Actions("aws_iam_role.reporting"); len(a) != 1 || a[0] != "create" {
		t.Errorf("Actions = %v, want [create]", a)
	}
}

func TestFixtureCustomerPolicies(t *testing.T) {
	p := loadFixture(t, "customer-policies")
	checkDump(t, "prior", p.Prior(), "")
	checkDump(t, "planned", p.Planned(), `
user aws_iam_user.carol name="carol" arn=unknown(known only after apply) path="/"
  tags {}
  managed aws_iam_policy_attachment.shared.policy_arn arn=unknown(known only after apply) policy=aws_iam_policy.billing_read ref=aws_iam_policy.billing_read.arn
  member of "finance" via aws_iam_user_group_membership.carol.groups
user aws_iam_user.dan name="dan" arn=unknown(known only after apply) path="/"
  tags {}
  managed aws_iam_user_policy_attachment.dan_readonly.policy_arn arn="arn:aws:iam::aws:policy/job-function/ViewOnlyAccess"
  member of "finance" via aws_iam_group_membership.finance.users
group aws_iam_group.finance name="finance" arn=unknown(known only after apply) path="/"
  inline "finance-reports": aws_iam_group_policy.finance_reports.policy known
  managed aws_iam_group_policy_attachment.finance_billing.policy_arn arn=unknown(known only after apply) policy=aws_iam_policy.billing_read ref=aws_iam_policy.billing_read.arn
  member "dan" via aws_iam_group_membership.finance.users
  member "carol" via aws_iam_user_group_membership.carol.groups
policy aws_iam_policy.billing_read name="billing-read" path="/" arn=unknown(known only after apply)
  document aws_iam_policy.billing_read.policy known
`)
	a := p.Planned()
	// The group policy's "group" is unknown in the plan (aws_iam_group.finance.id is known
	// only after apply): it reaches the group through the configuration reference.
	finance := a.Group("aws_iam_group.finance")
	if finance.Inline[0].Document.Source.Address != "aws_iam_group_policy.finance_reports" {
		t.Errorf("group inline policy from %s", finance.Inline[0].Document.Source.Address)
	}
	billing := a.Policy("aws_iam_policy.billing_read")
	if finance.Managed[0].Policy != billing || a.User("aws_iam_user.carol").Managed[0].Policy != billing {
		t.Errorf("billing-read must be resolved for the group and for carol")
	}
	if got := statementActions(t, billing.Document); strings.Join(got, ",") != "ce:Get*,ce:Describe*,cur:Describe*" {
		t.Errorf("billing-read actions = %v", got)
	}
	// carol and dan both get the group's access, each through a different membership resource.
	for _, name := range []string{"carol", "dan"} {
		u := a.UserNamed(name)
		if len(u.Groups) != 1 || u.Groups[0].Group != finance {
			t.Errorf("%s is not a member of finance", name)
		}
	}
	if len(a.Unresolved) != 0 {
		t.Errorf("unresolved: %v", a.Unresolved)
	}
}

func TestFixturePolicyWidened(t *testing.T) {
	p := loadFixture(t, "policy-widened")
	want := `
role aws_iam_role.etl name="etl-job" arn="arn:aws:iam::111122223333:role/etl-job" path="/"
  trust aws_iam_role.etl.assume_role_policy known
  tags {}
  inline "etl-data": aws_iam_role_policy.etl_data.policy known
`
	checkDump(t, "prior", p.Prior(), want)
	checkDump(t, "planned", p.Planned(), want)
	before := statementActions(t, p.Prior().Role("aws_iam_role.etl").Inline[0].Document)
	after := statementActions(t, p.Planned().Role("aws_iam_role.etl").Inline[0].Document)
	if strings.Join(before, ",") != "s3:GetObject,s3:PutObject" {
		t.Errorf("prior actions = %v", before)
	}
	if strings.Join(after, ",") != "s3:GetObject,s3:PutObject,s3:DeleteObject" {
		t.Errorf("planned actions = %v", after)
	}
	if !strings.Contains(p.Planned().Role("aws_iam_role.etl").Inline[0].Document.JSON.Text, `arn:aws:s3:::acme-*/*`) {
		t.Errorf("planned policy lacks the widened resource")
	}
	if a := p.Actions("aws_iam_role_policy.etl_data"); len(a) != 1 || a[0] != "update" {
		t.Errorf("Actions = %v, want [update]", a)
	}
}

func TestFixturePublicQueueTopic(t *testing.T) {
	p := loadFixture(t, "public-queue-topic")
	checkDump(t, "prior", p.Prior(), "")
	checkDump(t, "planned", p.Planned(), `
resource policy sns-topic on aws_sns_topic_policy.alerts.policy id=unknown(known only after apply) address="aws_sns_topic.alerts" ref="aws_sns_topic.alerts.arn" name="acme-alerts" arn=unknown(known only after apply)
  document aws_sns_topic_policy.alerts.policy known
resource policy sqs-queue on aws_sqs_queue_policy.events.policy id=unknown(known only after apply) address="aws_sqs_queue.events" ref="aws_sqs_queue.events.id" name="acme-events" arn=unknown(known only after apply)
  document aws_sqs_queue_policy.events.policy known
`)
	topic := p.Planned().ResourcePoliciesOf("aws_sns_topic_policy.alerts")
	if len(topic) != 1 || !strings.Contains(topic[0].Document.JSON.Text, `"Principal":{"AWS":"*"}`) {
		t.Errorf("topic policy: %+v", topic)
	}
	queue := p.Planned().ResourcePoliciesOf("aws_sqs_queue_policy.events")
	if len(queue) != 1 || !strings.Contains(queue[0].Document.JSON.Text, `"aws:SourceAccount":"111122223333"`) {
		t.Errorf("queue policy: %+v", queue)
	}
}

func TestFixtureKMSSecrets(t *testing.T) {
	p := loadFixture(t, "kms-secrets")
	checkDump(t, "prior", p.Prior(), "")
	checkDump(t, "planned", p.Planned(), `
resource policy kms-key on aws_kms_key.data.policy id=unknown(known only after apply) address="aws_kms_key.data" ref="" name=unknown(known only after apply) arn=unknown(known only after apply)
  document aws_kms_key.data.policy known
resource policy secretsmanager-secret on aws_secretsmanager_secret_policy.db.policy id=unknown(known only after apply) address="aws_secretsmanager_secret.db" ref="aws_secretsmanager_secret.db.arn" name="acme/db" arn=unknown(known only after apply)
  document aws_secretsmanager_secret_policy.db.policy known
`)
	key := p.Planned().ResourcePoliciesOf("aws_kms_key.data")[0]
	if !strings.Contains(key.Document.JSON.Text, `arn:aws:iam::444455556666:root`) {
		t.Errorf("key policy lacks the partner grant: %s", key.Document.JSON.Text)
	}
	if got := statementActions(t, key.Document); strings.Join(got, ",") != "kms:*,kms:Decrypt,kms:DescribeKey" {
		t.Errorf("key policy actions = %v", got)
	}
}

func TestFixtureSCPRCP(t *testing.T) {
	p := loadFixture(t, "scp-rcp-on-ou")
	checkDump(t, "prior", p.Prior(), "")
	checkDump(t, "planned", p.Planned(), `
org policy aws_organizations_policy.guardrails SERVICE_CONTROL_POLICY name="guardrails" id=unknown(known only after apply)
  document aws_organizations_policy.guardrails.content known
  target aws_organizations_policy_attachment.guardrails_workloads.target_id id="ou-ab12-workload1"
org policy aws_organizations_policy.perimeter RESOURCE_CONTROL_POLICY name="data-perimeter" id=unknown(known only after apply)
  document aws_organizations_policy.perimeter.content known
  target aws_organizations_policy_attachment.perimeter_root.target_id id="r-ab12"
`)
	scp := p.Planned().OrgPolicy("aws_organizations_policy.guardrails")
	got := statementActions(t, scp.Document)
	if strings.Join(got, ",") != "organizations:LeaveOrganization,iam:*,sts:*,organizations:*,support:*,cloudfront:*,route53:*" {
		t.Errorf("SCP actions = %v", got)
	}
}

func TestFixturePassRoleEscalation(t *testing.T) {
	p := loadFixture(t, "passrole-escalation")
	checkDump(t, "prior", p.Prior(), "")
	checkDump(t, "planned", p.Planned(), `
role aws_iam_role.automation name="automation" arn=unknown(known only after apply) path="/"
  trust aws_iam_role.automation.assume_role_policy known
  tags {}
  managed aws_iam_role_policy_attachment.automation_admin.policy_arn arn="arn:aws:iam::aws:policy/AdministratorAccess"
user aws_iam_user.dev name="erin" arn=unknown(known only after apply) path="/"
  tags {}
  inline "lambda-dev": aws_iam_user_policy.dev.policy known
`)
	erin := p.Planned().UserNamed("erin")
	if got := statementActions(t, erin.Inline[0].Document); strings.Join(got, ",") != "lambda:CreateFunction,lambda:InvokeFunction,lambda:UpdateFunctionCode,iam:PassRole" {
		t.Errorf("erin's actions = %v", got)
	}
	if !strings.Contains(p.Planned().RoleNamed("automation").Trust.JSON.Text, "lambda.amazonaws.com") {
		t.Errorf("automation must trust Lambda")
	}
}

func TestFixtureModuleRoles(t *testing.T) {
	p := loadFixture(t, "module-roles")
	checkDump(t, "prior", p.Prior(), "")
	checkDump(t, "planned", p.Planned(), `
role module.billing.aws_iam_role.this name="app-billing" arn=unknown(known only after apply) path="/"
  trust module.billing.aws_iam_role.this.assume_role_policy known
  tags {}
  inline "data": module.billing.aws_iam_role_policy.data.policy known
  boundary module.billing.aws_iam_role.this.permissions_boundary arn=unknown(known only after apply) policy=aws_iam_policy.boundary ref=aws_iam_policy.boundary.arn
role module.orders.aws_iam_role.this name="app-orders" arn=unknown(known only after apply) path="/"
  trust module.orders.aws_iam_role.this.assume_role_policy known
  tags {}
  inline "data": module.orders.aws_iam_role_policy.data.policy known
  boundary module.orders.aws_iam_role.this.permissions_boundary arn=unknown(known only after apply) policy=aws_iam_policy.boundary ref=aws_iam_policy.boundary.arn
policy aws_iam_policy.boundary name="app-boundary" path="/" arn=unknown(known only after apply)
  document aws_iam_policy.boundary.policy known
`)
	// Each module instance's role policy reaches its own role (role = aws_iam_role.this.id is
	// unknown; the reference is resolved inside the module instance).
	orders := p.Planned().Role("module.orders.aws_iam_role.this")
	if !strings.Contains(orders.Inline[0].Document.JSON.Text, "acme-orders") || strings.Contains(orders.Inline[0].Document.JSON.Text, "acme-invoices") {
		t.Errorf("orders role policy = %s", orders.Inline[0].Document.JSON.Text)
	}
	billing := p.Planned().Role("module.billing.aws_iam_role.this")
	if !strings.Contains(billing.Inline[0].Document.JSON.Text, "acme-payments") {
		t.Errorf("billing role policy = %s", billing.Inline[0].Document.JSON.Text)
	}
}

func TestFixtureKeysAndConsole(t *testing.T) {
	p := loadFixture(t, "keys-and-console")
	checkDump(t, "prior", p.Prior(), "")
	checkDump(t, "planned", p.Planned(), `
user aws_iam_user.ci name="legacy-ci" arn=unknown(known only after apply) path="/"
  tags {}
  managed aws_iam_user_policy_attachment.ci_power.policy_arn arn="arn:aws:iam::aws:policy/PowerUserAccess"
  access key aws_iam_access_key.ci status="Active"
user aws_iam_user.frank name="frank" arn=unknown(known only after apply) path="/"
  tags {}
  managed aws_iam_user_policy_attachment.frank_admin.policy_arn arn="arn:aws:iam::aws:policy/AdministratorAccess"
  login profile aws_iam_user_login_profile.frank reset=true
access key aws_iam_access_key.ci user="legacy-ci"
login profile aws_iam_user_login_profile.frank user="frank"
`)
	if p.Planned().UserNamed("legacy-ci").LoginProfile != nil {
		t.Errorf("legacy-ci has no console password")
	}
}

// ParsePlan decodes the caller's bytes in place: the model must not share them, so that the
// caller may reuse the buffer.
func TestParsePlanKeepsNoReference(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(fixtures, "module-roles", "plan.json"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := ParsePlan(data, "p.json")
	if err != nil {
		t.Fatal(err)
	}
	// The dump shows names, ARNs and sources; the documents' text is compared as well.
	model := func() string {
		out := dump(p.Prior()) + dump(p.Planned())
		for _, r := range p.Planned().Roles {
			out += r.Trust.JSON.Text + "\n"
			for _, in := range r.Inline {
				out += in.Document.JSON.Text + "\n"
			}
		}
		for _, pol := range p.Planned().Policies {
			out += pol.Document.JSON.Text + "\n"
		}
		return out
	}
	before := model()
	locate := p.ConfigLocator(filepath.Join(fixtures, "module-roles"))
	place := locate("module.orders.aws_iam_role.this")
	for i := range data {
		data[i] = 'x'
	}
	if after := model(); after != before || !strings.Contains(before, "Statement") {
		t.Errorf("the model changed with the input buffer:\n--- before\n%s--- after\n%s", before, after)
	}
	if got := p.ConfigLocator(filepath.Join(fixtures, "module-roles"))("module.orders.aws_iam_role.this"); got != place || place.Line == 0 {
		t.Errorf("locator after the buffer changed: %+v, before %+v", got, place)
	}
}
