package guard

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/iamguard/terraform-provider-iam/internal/tfplan"
)

// guardBenchPlan builds a plan of 5n IAM resources with 2n principals that exercises every
// check: n roles whose trust policies admit Lambda, the account's root or one user; n users
// who may assume the next role; role policies on their own buckets (every 50th may also pass
// any role to Lambda); AWS managed policies (ReadOnlyAccess, every 100th AdministratorAccess)
// and bucket policies (every 100th open to everyone).
func guardBenchPlan(n int) *miniPlan {
	m := &miniPlan{}
	for i := range n {
		r, u := fmt.Sprintf("r%d", i), fmt.Sprintf("u%d", i)
		var trust string
		switch i % 3 {
		case 0:
			trust = lambdaTrust
		case 1:
			trust = `{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sts:AssumeRole","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}`
		default:
			trust = fmt.Sprintf(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/u%d"},"Action":"sts:AssumeRole"}`, i-1)
		}
		stmts := []string{fmt.Sprintf(`{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::bucket-%d/*"}`, i)}
		if i%50 == 0 {
			stmts = append(stmts, `{"Effect":"Allow","Action":["iam:PassRole","lambda:CreateFunction"],"Resource":"*"}`)
		}
		m.add(role(r, policy(trust)), rolePolicy(r, policy(stmts...)), user(u),
			userPolicy(u, policy(
				fmt.Sprintf(`{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::111122223333:role/r%d"}`, (i+1)%n),
				`{"Effect":"Allow","Action":["sqs:SendMessage","sqs:ReceiveMessage"],"Resource":"*"}`)))
		if i%2 == 0 {
			arn := "arn:aws:iam::aws:policy/ReadOnlyAccess"
			if i%100 == 0 {
				arn = administratorAccessARN
			}
			m.add(res{addr: "aws_iam_role_policy_attachment." + r, values: map[string]any{"role": r, "policy_arn": arn}})
		} else {
			principal := fmt.Sprintf(`{"AWS":"arn:aws:iam::111122223333:role/%s"}`, r)
			if i%100 == 1 {
				principal = `"*"`
			}
			m.add(res{addr: "aws_s3_bucket_policy." + r, values: map[string]any{"bucket": fmt.Sprintf("bucket-%d", i),
				"policy": policy(fmt.Sprintf(`{"Effect":"Allow","Principal":%s,"Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket-%d/*"}`, principal, i))}})
		}
	}
	return m
}

const benchRules = `
account        = "111122223333"
administrators = ["arn:aws:iam::111122223333:role/r0"]
forbid "no-deletes" {
  actions   = ["s3:DeleteBucket"]
  resources = ["arn:aws:s3:::bucket-*"]
}
`

func TestGuardBenchPlan(t *testing.T) {
	r := Check(guardBenchPlan(300).plan(t), rulesFrom(t, benchRules))
	// Administrators: r0 (named in the rules), r100 and r200 (AdministratorAccess). r50, r150
	// and r250 pass roles to Lambda, and r0 trusts Lambda. u_i may assume r_i+1 when its trust
	// policy admits u_i (i+1 = 2 mod 3) or the account with MFA (i+1 = 1 mod 3).
	var want []string
	for _, a := range []string{"aws_iam_role.r0", "aws_iam_role.r100", "aws_iam_role.r200", "aws_iam_role.r50", "aws_iam_role.r150", "aws_iam_role.r250",
		"aws_iam_user.u49", "aws_iam_user.u99", "aws_iam_user.u199", "aws_iam_user.u249"} {
		want = append(want, "forbidden-access "+a)
		if a != "aws_iam_role.r0" {
			want = append(want, "new-admin-access "+a)
		}
	}
	for _, i := range []int{0, 50, 100, 150, 200, 250} {
		want = append(want, fmt.Sprintf("passrole-wildcard aws_iam_role_policy.r%d", i))
	}
	want = append(want, "admin-policy aws_iam_role_policy_attachment.r100", "admin-policy aws_iam_role_policy_attachment.r200",
		"public-access aws_s3_bucket_policy.r1", "public-access aws_s3_bucket_policy.r101", "public-access aws_s3_bucket_policy.r201")
	wantFindings(t, r, want...)

	// u249 assumes r250 (the MFA condition of its trust policy is met by the witness chain),
	// which passes r0 to Lambda.
	f := finding(t, r, CodeNewAdmin, "aws_iam_user.u249")
	if len(f.Path) != 2 || f.Path[0].Via != "sts:AssumeRole" || !strings.HasPrefix(f.Path[1].Via, "iam:PassRole + lambda:") ||
		f.Path[1].To != "arn:aws:iam::111122223333:role/r0" {
		t.Errorf("u249: %+v", f.Path)
	}
}

// BenchmarkGuard5000: a plan of 5,000 IAM resources and 2,000 principals (1,000 roles,
// 1,000 users, 500 bucket policies), read from JSON and checked with the default checks and
// one forbid rule: what one `guard` run does.
func BenchmarkGuard5000(b *testing.B) {
	data := guardBenchPlan(1000).json(b)
	rules, err := ParseRules([]byte(benchRules), "bench.hcl")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		p, err := tfplan.ReadPlan(bytes.NewReader(data), "bench.json")
		if err != nil {
			b.Fatal(err)
		}
		Check(p, rules)
	}
}
