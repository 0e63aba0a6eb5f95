package guard

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/iamguard/terraform-provider-iam/internal/tfplan"
	"github.com/iamguard/terraform-provider-iam/internal/validate"
)

// The plans of testdata/quota (gen.py) give a role, a user and a group inline policies that add
// up to one character below, exactly at and one character above IAM's aggregate quota of their
// kind, counted without white space; with their white space every total is over it.
func TestInlinePolicyQuota(t *testing.T) {
	for kind, quota := range map[string]int{"role": 10240, "user": 2048, "group": 5120} {
		t.Run(kind, func(t *testing.T) {
			p, err := tfplan.LoadPlan("testdata/quota/" + kind + ".json")
			if err != nil {
				t.Fatal(err)
			}
			// The sizes the test expects, counted apart from the engine: the length of each
			// document with the white space between JSON tokens taken out (json.Compact).
			sizes := map[string][]int{}
			spaced := map[string]int{}
			a := p.Planned()
			inline := map[string][]*tfplan.InlinePolicy{}
			for _, r := range a.Roles {
				inline[r.Address] = r.Inline
			}
			for _, u := range a.Users {
				inline[u.Address] = u.Inline
			}
			for _, g := range a.Groups {
				inline[g.Address] = g.Inline
			}
			for _, label := range []string{"below", "at", "above"} {
				addr := "aws_iam_" + kind + "." + label
				if len(inline[addr]) != 2 {
					t.Fatalf("%s: %d inline policies in the model, want 2", addr, len(inline[addr]))
				}
				for _, pol := range inline[addr] {
					var b bytes.Buffer
					if err := json.Compact(&b, []byte(pol.Document.JSON.Text)); err != nil {
						t.Fatal(err)
					}
					sizes[addr] = append(sizes[addr], utf8.RuneCount(b.Bytes()))
					spaced[addr] += utf8.RuneCountInString(pol.Document.JSON.Text)
				}
			}
			r := Check(p, rulesFrom(t, `account = "111122223333"`))
			for label, delta := range map[string]int{"below": -1, "at": 0, "above": 1} {
				addr := "aws_iam_" + kind + "." + label
				if total := sizes[addr][0] + sizes[addr][1]; total != quota+delta {
					t.Fatalf("%s: the plan's policies are %d characters without white space, want %d (regenerate with gen.py)", addr, total, quota+delta)
				}
				if spaced[addr] <= quota {
					t.Fatalf("%s: with white space the policies are %d characters, not over the quota: the plan does not test that white space is not counted", addr, spaced[addr])
				}
				var got []Finding
				for _, f := range only(r, CodeInlineQuota) {
					if f.PrincipalAddress == addr {
						got = append(got, f)
					}
				}
				if delta <= 0 {
					if len(got) > 0 {
						t.Errorf("%s (%d characters, quota %d): %s", addr, quota+delta, quota, got[0].Message)
					}
					continue
				}
				if len(got) != 1 {
					t.Fatalf("%s: %d inline-policy-quota findings, want 1", addr, len(got))
				}
				f := got[0]
				if f.Level != LevelError || f.Address != addr || f.Principal != "arn:aws:iam::111122223333:"+kind+"/"+label {
					t.Errorf("%s: level %s, address %s, principal %s", addr, f.Level, f.Address, f.Principal)
				}
				want := []string{
					fmt.Sprintf("are %s characters long together, not counting white space", validate.GroupDigits(quota+1)),
					fmt.Sprintf("quota for the inline policies of a %s is %s characters", kind, validate.GroupDigits(quota)),
				}
				for _, pol := range inline[addr] {
					want = append(want, pol.Document.Source.String())
				}
				for i, n := range sizes[addr] {
					want = append(want, fmt.Sprintf("(%q): %s", inline[addr][i].Name.Text, validate.GroupDigits(n)))
				}
				for _, w := range want {
					if !strings.Contains(f.Message, w) {
						t.Errorf("%s: message %q does not say %q", addr, f.Message, w)
					}
				}
			}
		})
	}
}

// A role outside the plan is over the quota by the plan's policies alone (the finding goes to
// the first of them); a role with a policy known only after apply is over it by the known
// ones (a lower bound). The rules can change the level, and the default rules fail the plan.
func TestInlinePolicyQuotaPartlyKnown(t *testing.T) {
	p, err := tfplan.LoadPlan("testdata/quota/role.json")
	if err != nil {
		t.Fatal(err)
	}
	r := Check(p, rulesFrom(t, `account = "111122223333"`))
	if !r.Failed(LevelError) {
		t.Error("the default rules do not fail a plan over the inline quota")
	}
	legacy := finding(t, r, CodeInlineQuota, "aws_iam_role_policy.legacy-one")
	if legacy.PrincipalAddress != "" || legacy.Principal != "arn:aws:iam::111122223333:role/legacy" ||
		!strings.Contains(legacy.Message, "legacy (outside the plan) are 10,241 characters") ||
		!strings.Contains(legacy.Message, "aws_iam_role_policy.legacy-two.policy") {
		t.Errorf("legacy: %+v", legacy)
	}
	partly := finding(t, r, CodeInlineQuota, "aws_iam_role.partly")
	if !strings.Contains(partly.Message, "are at least 10,241 characters") || !strings.Contains(partly.Message, "1 known only after apply") {
		t.Errorf("partly: %s", partly.Message)
	}
	if got := len(only(r, CodeInlineQuota)); got != 3 {
		t.Errorf("%d inline-policy-quota findings, want 3 (above, legacy, partly): %q", got, codesOf(r))
	}
	warn := Check(p, rulesFrom(t, "account = \"111122223333\"\nfinding \"inline-policy-quota\" {\n  level = \"report\"\n}"))
	if len(only(warn, CodeInlineQuota)) != 3 {
		t.Errorf("level report: %q", codesOf(warn))
	}
	for _, f := range only(warn, CodeInlineQuota) {
		if f.Level != LevelWarning {
			t.Errorf("%s: level %s with the rule's warning", f.Address, f.Level)
		}
	}
}

// Two resources that put a policy of the same name on one principal leave one policy in IAM:
// the smaller counts, so the pair is not over the quota when that one fits with the rest.
func TestInlinePolicyQuotaSameName(t *testing.T) {
	big := policy(fmt.Sprintf(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::%s/*"}`, strings.Repeat("b", 1500)))
	small := policy(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::small/*"}`)
	same := func(addr, doc string) res {
		return res{addr: addr, values: map[string]any{"name": "shared", "user": "eve", "policy": doc}}
	}
	mk := func(second string) *tfplan.Plan {
		return (&miniPlan{}).add(user("eve"), same("aws_iam_user_policy.one", big), same("aws_iam_user_policy.two", second)).plan(t)
	}
	if got := only(Check(mk(small), rulesFrom(t, `account = "111122223333"`)), CodeInlineQuota); len(got) != 0 {
		t.Errorf("same name, one policy in IAM: %s", got[0].Message)
	}
	other := res{addr: "aws_iam_user_policy.two", values: map[string]any{"name": "other", "user": "eve", "policy": big}}
	p := (&miniPlan{}).add(user("eve"), same("aws_iam_user_policy.one", big), other).plan(t)
	if got := only(Check(p, rulesFrom(t, `account = "111122223333"`)), CodeInlineQuota); len(got) != 1 {
		t.Errorf("two names: %d findings, want 1", len(got))
	}
}

// The total counts the inline policies the plan leaves in place: a new policy that pushes a
// role over the quota with one that exists already is reported; the same two policies, both
// already applied, are not (nothing the plan does puts them to IAM).
func TestInlinePolicyQuotaExistingPolicies(t *testing.T) {
	sized := func(n int) string {
		doc := func(pad int) string {
			return policy(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::` + strings.Repeat("e", pad) + `/*"}`)
		}
		return doc(n - len(doc(0)))
	}
	existing := res{addr: "aws_iam_role_policy.old", values: map[string]any{"name": "old", "role": "app", "policy": sized(6000)}, prior: true}
	added := res{addr: "aws_iam_role_policy.new", values: map[string]any{"name": "new", "role": "app", "policy": sized(4241)}}
	app := role("app", policy(lambdaTrust))
	appKept := app
	appKept.prior, appKept.unknown = true, nil
	appKept.values = map[string]any{"name": "app", "path": "/", "assume_role_policy": policy(lambdaTrust), "arn": "arn:aws:iam::111122223333:role/app"}
	rules := rulesFrom(t, `account = "111122223333"`)

	got := only(Check((&miniPlan{}).add(appKept, existing, added).plan(t), rules), CodeInlineQuota)
	if len(got) != 1 || got[0].Address != "aws_iam_role.app" || !strings.Contains(got[0].Message, "10,241 characters") ||
		!strings.Contains(got[0].Message, "aws_iam_role_policy.old.policy") {
		t.Errorf("new policy over the quota with an existing one: %+v", got)
	}
	kept := added
	kept.prior = true
	if got := only(Check((&miniPlan{}).add(appKept, existing, kept).plan(t), rules), CodeInlineQuota); len(got) != 0 {
		t.Errorf("nothing changed: %s", got[0].Message)
	}
}
