package guard

import (
	"strings"
	"testing"

	ev "github.com/iamguard/terraform-provider-iam/internal/evaluator"
)

// A role's tags from the plan are all of its tags, unless its trust policy lets callers tag
// their sessions (sts:TagSession): then a session may carry the tag a policy wants, and the
// finding says why.
func TestPrincipalTagsFromPlanAndSessionTags(t *testing.T) {
	grant := policy(`{"Effect":"Allow","Action":"s3:DeleteBucket","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"platform"}}}`)
	build := func(trust string) *Report {
		app := role("app", policy(trust))
		app.values["tags"] = map[string]any{"team": "app"}
		app.values["tags_all"] = map[string]any{"team": "app"}
		p := (&miniPlan{}).add(app, rolePolicy("app", grant)).plan(t)
		return Check(p, rulesFrom(t, `
forbid "buckets" {
  actions = ["s3:DeleteBucket"]
}`))
	}
	// Tagged team=app by the plan, and no caller can tag its sessions: the grant never applies.
	r := build(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/dev"},"Action":"sts:AssumeRole"}`)
	if got := only(r, CodeForbiddenAccess); len(got) != 0 {
		t.Errorf("without sts:TagSession: %v", codesOf(r))
	}
	// The trust policy allows sts:TagSession: a session tagged team=platform deletes buckets.
	r = build(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/dev"},"Action":["sts:AssumeRole","sts:TagSession"]}`)
	got := only(r, CodeForbiddenAccess)
	if len(got) != 1 {
		t.Fatalf("with sts:TagSession: %v", codesOf(r))
	}
	if v, _ := got[0].Witness.Context.Lookup("aws:PrincipalTag/team"); len(v.Values) != 1 || v.Values[0] != "platform" ||
		!strings.Contains(got[0].Message, "sts:TagSession") {
		t.Errorf("witness %s, message %q", got[0].WitnessText(), got[0].Message)
	}
}

// A grant to change code or send commands to existing compute is reported with the actions
// the analysis finds; a role without such a grant, or one that is already an administrator,
// is not.
func TestExistingCompute(t *testing.T) {
	p := (&miniPlan{}).add(
		role("deployer", policy(lambdaTrust)), rolePolicy("deployer", policy(
			`{"Effect":"Allow","Action":["lambda:UpdateFunctionCode","ssm:Send*"],"Resource":"*"}`)),
		role("reader", policy(lambdaTrust)), rolePolicy("reader", policy(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}`)),
	).plan(t)
	r := Check(p, rulesFrom(t, `account = "111122223333"`))
	got := only(r, CodeExistingCompute)
	if len(got) != 1 || got[0].Address != "aws_iam_role.deployer" {
		t.Fatalf("findings: %v", codesOf(r))
	}
	if strings.Join(got[0].Actions, ",") != "lambda:UpdateFunctionCode,ssm:SendCommand" || got[0].Witness == nil || got[0].Level != LevelWarning {
		t.Errorf("actions %v witness %v level %v", got[0].Actions, got[0].WitnessText(), got[0].Level)
	}
}

// The IAM user practices are off by default and reported once a finding block turns them on.
func TestUserPractices(t *testing.T) {
	dev := user("dev")
	key := res{addr: "aws_iam_access_key.dev", values: map[string]any{"user": "dev"}}
	p := (&miniPlan{}).add(dev, userPolicy("dev", policy(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}`)), key).plan(t)
	if r := Check(p, rulesFrom(t, `account = "111122223333"`)); len(only(r, CodeUserPolicy))+len(only(r, CodeIAMUser)) != 0 {
		t.Errorf("on by default: %v", codesOf(r))
	}
	r := Check(p, rulesFrom(t, `account = "111122223333"
finding "user-policy" { level = "note" }
finding "iam-user" { level = "report" }`))
	up, iu := only(r, CodeUserPolicy), only(r, CodeIAMUser)
	if len(up) != 1 || up[0].Address != "aws_iam_user_policy.dev" || up[0].Level != LevelNote {
		t.Errorf("user-policy: %v", codesOf(r))
	}
	if len(iu) != 1 || iu[0].Level != LevelWarning || !strings.Contains(iu[0].Message, "an access key") {
		t.Errorf("iam-user: %v", codesOf(r))
	}
}

// who-can lists the principals that may perform an action, directly or through a role chain.
func TestWhoCan(t *testing.T) {
	admin := role("admin", policy(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/dev"},"Action":"sts:AssumeRole"}`))
	p := (&miniPlan{}).add(admin, rolePolicy("admin", policy(s3All)),
		user("dev"), userPolicy("dev", policy(`{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}`)),
		role("reader", policy(lambdaTrust)), rolePolicy("reader", policy(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}`)),
	).plan(t)
	got, err := WhoCan(p, rulesFrom(t, `account = "111122223333"`), "s3:DeleteBucket", "*")
	if err != nil {
		t.Fatal(err)
	}
	byAddr := map[string]WhoCanEntry{}
	for _, e := range got {
		byAddr[e.Address] = e
	}
	if len(got) != 2 || len(byAddr["aws_iam_role.admin"].Path) != 0 || len(byAddr["aws_iam_user.dev"].Path) != 1 {
		t.Fatalf("who-can: %+v", got)
	}
	if w := byAddr["aws_iam_user.dev"].Witness; w == nil || w.Action != "s3:DeleteBucket" {
		t.Errorf("witness %+v", w)
	}
	if _, err := WhoCan(p, nil, "s3:NoSuch", "*"); err == nil {
		t.Error("an action pattern matching nothing was accepted")
	}
}

// The diff lists what a changed principal gains and loses, Permissions management first.
func TestDiff(t *testing.T) {
	app := role("app", policy(lambdaTrust))
	app.prior = true
	app.unknown = nil
	app.values["arn"] = "arn:aws:iam::111122223333:role/app"
	before := rolePolicy("app", policy(`{"Effect":"Allow","Action":["s3:GetObject","s3:DeleteObject"],"Resource":"*"}`))
	before.prior = true
	after := rolePolicy("app", policy(`{"Effect":"Allow","Action":["s3:GetObject","s3:PutBucketPolicy"],"Resource":["arn:aws:s3:::data","arn:aws:s3:::data/*"]}`))
	m := (&miniPlan{}).add(app)
	// The inline policy exists before with the first document and is updated to the second.
	m.add(after)
	m.prior = append(m.prior, map[string]any{"address": before.addr, "mode": "managed", "type": "aws_iam_role_policy", "name": "app", "values": before.values})
	markUpdated(t, m)
	diffs := Diff(m.plan(t), rulesFrom(t, `account = "111122223333"`))
	if len(diffs) != 1 {
		t.Fatalf("diffs: %+v", diffs)
	}
	d := diffs[0]
	names := func(cs []AccessChange) string {
		var out []string
		for _, c := range cs {
			out = append(out, c.Action)
		}
		return strings.Join(out, ",")
	}
	if d.Undecided != "" || names(d.Added) != "s3:PutBucketPolicy" || names(d.Removed) != "s3:DeleteObject" {
		t.Fatalf("added %s removed %s undecided %q", names(d.Added), names(d.Removed), d.Undecided)
	}
	md := DiffMarkdown(diffs)
	if !strings.Contains(md, "| **+** | s3 | **Permissions management** | `s3:PutBucketPolicy` | `arn:aws:s3:::data`, `arn:aws:s3:::data/*` |") ||
		!strings.Contains(md, "| − | s3 | Write | `s3:DeleteObject` | `*` |") {
		t.Errorf("markdown:\n%s", md)
	}
}

// A trust policy change lets an unchanged user reach a role: the diff says so.
func TestDiffReach(t *testing.T) {
	dev := user("dev")
	dev.prior, dev.unknown = true, nil
	dev.values["arn"] = "arn:aws:iam::111122223333:user/dev"
	devPolicy := userPolicy("dev", policy(`{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}`))
	devPolicy.prior = true
	admin := role("admin", policy(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/dev"},"Action":"sts:AssumeRole"}`))
	admin.unknown = nil
	admin.values["arn"] = "arn:aws:iam::111122223333:role/admin"
	m := (&miniPlan{}).add(dev, devPolicy, admin)
	// The role existed with a trust policy for Lambda only; the plan updates it.
	before := map[string]any{}
	for k, v := range admin.values {
		before[k] = v
	}
	before["assume_role_policy"] = policy(lambdaTrust)
	m.prior = append(m.prior, map[string]any{"address": admin.addr, "mode": "managed", "type": "aws_iam_role", "name": "admin", "values": before})
	markUpdated(t, m)
	var got *PrincipalDiff
	for _, d := range Diff(m.plan(t), rulesFrom(t, `account = "111122223333"`)) {
		if d.Address == "aws_iam_user.dev" {
			d := d
			got = &d
		}
	}
	if got == nil || len(got.ReachAdded) != 1 || got.ReachAdded[0] != "arn:aws:iam::111122223333:role/admin by sts:AssumeRole" || len(got.Added) != 0 {
		t.Fatalf("dev's diff: %+v", got)
	}
}

// markUpdated turns the last resource change of a mini plan into an update.
func markUpdated(t *testing.T, m *miniPlan) {
	t.Helper()
	rc, ok := m.changes[len(m.changes)-1].(map[string]any)
	if !ok {
		t.Fatal("resource change is not an object")
	}
	change, ok := rc["change"].(map[string]any)
	if !ok {
		t.Fatal("change is not an object")
	}
	change["actions"] = []string{"update"}
}

// Witness values print JSON-quoted: a set with an empty string reads unambiguously.
func TestDescribeRequestQuotes(t *testing.T) {
	var req ev.Request
	req.Principal, req.Action, req.Resource = "arn:aws:iam::111122223333:role/app", "s3:PutObject", "arn:aws:s3:::b/k"
	req.Context.SetMulti("aws:TagKeys", []string{"", "temp"})
	req.Context.Set("aws:SourceVpc", "vpc-1")
	got := describeRequest(&req)
	if !strings.Contains(got, `aws:TagKeys=["","temp"]`) || !strings.Contains(got, `aws:SourceVpc="vpc-1"`) {
		t.Errorf("describeRequest = %s", got)
	}
}

// A waiver accepts a finding with its reason (it no longer fails), an expired waiver fails
// with its own finding, an unused one is reported; a baseline marks known findings.
func TestWaiversAndBaseline(t *testing.T) {
	p := (&miniPlan{}).add(role("app", policy(lambdaTrust)), rolePolicy("app", policy(`{"Effect":"Allow","Action":"iam:PassRole","Resource":"*"}`))).plan(t)
	base := `account = "111122223333"
finding "passrole-wildcard" { level = "fail" }
`
	r := Check(p, rulesFrom(t, base))
	if !r.Failed(LevelError) || len(only(r, CodePassRoleWildcard)) != 1 {
		t.Fatalf("without waiver: %v", codesOf(r))
	}
	r = Check(p, rulesFrom(t, base+`waive "passrole-wildcard" {
  address = "aws_iam_role_policy.*"
  reason  = "the deploy tool needs it until ticket 42"
  expires = "2999-01-01"
}
waive "access-key" {
  address = "aws_iam_access_key.old"
  reason  = "legacy"
}`))
	f := only(r, CodePassRoleWildcard)
	if len(f) != 1 || f[0].Waived != "the deploy tool needs it until ticket 42" || r.Failed(LevelError) {
		t.Errorf("waived: %+v failed %v", f, r.Failed(LevelError))
	}
	if u := only(r, CodeWaiverUnused); len(u) != 1 || !strings.Contains(u[0].Message, "aws_iam_access_key.old") {
		t.Errorf("unused waiver: %v", codesOf(r))
	}
	r = Check(p, rulesFrom(t, base+`waive "passrole-wildcard" {
  address = "*"
  reason  = "temporary"
  expires = "2020-01-01"
}`))
	if e := only(r, CodeWaiverExpired); len(e) != 1 || !r.Failed(LevelError) || only(r, CodePassRoleWildcard)[0].Waived != "" {
		t.Errorf("expired waiver: %v", codesOf(r))
	}
	// Baseline: the JSON report of a run, read back, marks the same finding.
	r = Check(p, rulesFrom(t, base))
	var buf strings.Builder
	if err := r.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	known, err := ReadBaseline(strings.NewReader(buf.String()), "previous.json")
	if err != nil {
		t.Fatal(err)
	}
	again := Check(p, rulesFrom(t, base))
	again.ApplyBaseline(known)
	if again.Failed(LevelError) || !again.Findings[0].Baselined {
		t.Errorf("baseline: %+v", again.Findings)
	}
	if _, err := rulesFromErr(base + `waive "passrole-wildcard" { address = "*" }`); err == nil {
		t.Error("a waiver without a reason was accepted")
	}
}

func rulesFromErr(text string) (*Rules, error) { return ParseRules([]byte(text), "test.hcl") }
