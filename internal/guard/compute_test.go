package guard

import (
	"slices"
	"strings"
	"testing"
)

// Resource policies grant the actions of existing compute too: on a real plan, a Lambda
// permission that lets another account call lambda:UpdateFunctionCode, and one that lets a role
// of the account call lambda:UpdateFunctionConfiguration, are existing-compute findings with the
// action, the principal and the permission's statement; permissions to invoke the function or
// read its configuration are not.
func TestExistingComputeResourcePolicies(t *testing.T) {
	r := guardFixture(t, "lambda-update-code", rulesFrom(t, `account = "111122223333"`))
	wantFindings(t, r,
		"cross-account aws_lambda_permission.deployer",
		"existing-compute aws_lambda_permission.ci",
		"existing-compute aws_lambda_permission.deployer")
	for _, c := range []struct {
		address, principal, action, sid string
	}{
		{"aws_lambda_permission.deployer", "arn:aws:iam::444455556666:root", "lambda:UpdateFunctionCode", "DeployAccountUpdatesCode"},
		{"aws_lambda_permission.ci", "arn:aws:iam::111122223333:role/ci", "lambda:UpdateFunctionConfiguration", "CiUpdatesConfiguration"},
	} {
		f := finding(t, r, CodeExistingCompute, c.address)
		if f.Principal != c.principal || !slices.Equal(f.Actions, []string{c.action}) || f.Level != LevelWarning {
			t.Errorf("%s: principal %q actions %v level %v", c.address, f.Principal, f.Actions, f.Level)
		}
		witnessAction(t, f, c.action)
		if f.Witness.Resource != "arn:aws:lambda:us-east-1:111122223333:function:acme-payroll-export" {
			t.Errorf("%s: witness resource %q", c.address, f.Witness.Resource)
		}
		if len(f.Allows) == 0 || !strings.Contains(f.Allows[0].Policy, c.address) || f.Allows[0].Sid != c.sid {
			t.Errorf("%s: allowed by %+v, want the permission's statement %s", c.address, f.Allows, c.sid)
		}
		if !strings.Contains(f.Message, "Lambda function acme-payroll-export lets "+c.principal) {
			t.Errorf("%s: message %q", c.address, f.Message)
		}
	}
	// The rules can turn the finding off like any other.
	off := guardFixture(t, "lambda-update-code", rulesFrom(t, "account = \"111122223333\"\nfinding \"existing-compute\" {\n  level = \"off\"\n}"))
	if got := only(off, CodeExistingCompute); len(got) != 0 {
		t.Errorf("existing-compute off: %d findings", len(got))
	}
}

// A resource policy that lets every AWS principal change a function's code is reported with the
// caller the analysis found, besides the public access finding.
func TestExistingComputeResourcePolicyForAnyone(t *testing.T) {
	plan := (&miniPlan{}).add(res{addr: "aws_lambda_permission.open", values: map[string]any{
		"statement_id": "Anyone", "action": "lambda:UpdateFunctionCode", "principal": "*",
		"function_name": "arn:aws:lambda:us-east-1:111122223333:function:legacy"}}).plan(t)
	r := Check(plan, rulesFrom(t, `account = "111122223333"`))
	got := only(r, CodeExistingCompute)
	if len(got) != 1 || got[0].Address != "aws_lambda_permission.open" || !slices.Equal(got[0].Actions, []string{"lambda:UpdateFunctionCode"}) {
		t.Fatalf("findings %+v", r.Findings)
	}
	if p := got[0].Principal; p == "" || strings.HasSuffix(p, ":111122223333:root") {
		t.Errorf("principal %q, want a caller of another account or anonymous", p)
	}
}

// The fix of an existing-compute finding says where the grant is: a resource policy's grant is
// removed or narrowed in the resource policy (its principal may be another account's, whose
// own policies the plan cannot change); a principal's own grant is scoped in its policies.
func TestExistingComputeRemedy(t *testing.T) {
	const inResourcePolicy, inOwnPolicies = "from the resource policy (for a Lambda function, the aws_lambda_permission", "Scope the actions to the compute the principal owns"
	r := guardFixture(t, "lambda-update-code", rulesFrom(t, `account = "111122223333"`))
	fromResource := only(r, CodeExistingCompute)
	if len(fromResource) != 2 {
		t.Fatalf("%d existing-compute findings on lambda-update-code, want 2", len(fromResource))
	}
	plan := (&miniPlan{}).add(user("deployer"),
		userPolicy("deployer", policy(`{"Effect":"Allow","Action":"lambda:UpdateFunctionCode","Resource":"*"}`))).plan(t)
	fromIdentity := only(Check(plan, rulesFrom(t, `account = "111122223333"`)), CodeExistingCompute)
	if len(fromIdentity) != 1 {
		t.Fatalf("%d existing-compute findings for the user's own policy, want 1", len(fromIdentity))
	}
	for _, c := range []struct {
		findings  []Finding
		want, not string
	}{{fromResource, inResourcePolicy, inOwnPolicies}, {fromIdentity, inOwnPolicies, inResourcePolicy}} {
		for i := range c.findings {
			fix := Remedy(&c.findings[i])
			if !strings.Contains(fix, c.want) || strings.Contains(fix, c.not) || !strings.Contains(fix, `waive "existing-compute"`) {
				t.Errorf("%s: fix %q, want %q", c.findings[i].Address, fix, c.want)
			}
		}
	}
}
