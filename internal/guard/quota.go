package guard

import (
	"fmt"
	"strings"

	"github.com/iamguard/terraform-provider-iam/internal/tfplan"
	"github.com/iamguard/terraform-provider-iam/internal/validate"
)

// IAM caps the inline policies of one principal together, not one by one: "the total
// aggregate policy size (the sum size of all inline policies) per entity" cannot exceed 2,048
// characters for a user, 5,120 for a group and 10,240 for a role, and "IAM does not count
// white space when calculating the size of a policy against these limits" (IAM user guide,
// "IAM and AWS STS quotas", https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html;
// GetAccountSummary calls them UserPolicySizeQuota, GroupPolicySizeQuota and
// RolePolicySizeQuota, "in non-whitespace characters"). These quotas cannot be raised. IAM
// refuses the PutRolePolicy, PutUserPolicy or PutGroupPolicy (and the CreateRole of a role's
// inline_policy blocks) that would cross one with LimitExceeded ("Maximum policy size of 10240
// bytes exceeded for role ..."), so a plan that crosses one fails at apply. One document alone
// cannot decide this (the validator's POLICY_TOO_LARGE gives the managed policy quota); the
// guard sees every inline policy that the plan gives a principal.

// CodeInlineQuota is the code of a principal whose inline policies together exceed IAM's
// quota for that kind of principal.
const CodeInlineQuota = "inline-policy-quota"

// inlineQuotas are the aggregate inline policy quotas, in characters without white space.
var inlineQuotas = map[string]int{"user": 2048, "group": 5120, "role": 10240}

// checkInlineQuotas reports each role, user and group whose inline policies (inline_policy
// blocks of aws_iam_role, what the provider reads back of them, aws_iam_role_policy,
// aws_iam_user_policy, aws_iam_group_policy) together exceed the quota of its kind, where the
// plan creates or changes the principal or one of those policies.
func (g *guard) checkInlineQuotas() {
	a := g.plan.Planned()
	for _, r := range a.Roles {
		g.checkInlineQuota("role", r.Address, r.Name, r.ARN, r.Path, r.Inline)
	}
	for _, u := range a.Users {
		g.checkInlineQuota("user", u.Address, u.Name, u.ARN, u.Path, u.Inline)
	}
	for _, gr := range a.Groups {
		g.checkInlineQuota("group", gr.Address, gr.Name, gr.ARN, gr.Path, gr.Inline)
	}
}

// inlineSize is one inline policy's share of its principal's quota.
type inlineSize struct {
	source tfplan.Source
	name   tfplan.Value
	size   int // characters without white space outside strings (ev.Policy.SizeNoSpace)
}

func (g *guard) checkInlineQuota(kind, address string, name, arn, path tfplan.Value, inline []*tfplan.InlinePolicy) {
	changed := address != "" && g.changed(address)
	var sizes []inlineSize
	unknown := 0
	byName := map[string]int{} // index in sizes of the policy of each known name
	for _, p := range inline {
		d := p.Document
		changed = changed || g.changed(d.Source.Address)
		if !d.JSON.Known {
			unknown++
			continue
		}
		// The size the validator measures for POLICY_TOO_LARGE: the parsed document's
		// characters without white space. A document that does not parse is reported as
		// invalid-policy and never reaches IAM's quota.
		pol, err := g.parse(d.Source.String(), d.JSON.Text)
		if err != nil {
			continue
		}
		s := inlineSize{source: d.Source, name: p.Name, size: pol.SizeNoSpace}
		if p.Name.Known {
			// Two resources that put a policy of the same name on one principal leave one
			// policy in IAM (the later put replaces the earlier): count the smaller, which
			// IAM holds whichever is applied last.
			if i, ok := byName[p.Name.Text]; ok {
				if s.size < sizes[i].size {
					sizes[i] = s
				}
				continue
			}
			byName[p.Name.Text] = len(sizes)
		}
		sizes = append(sizes, s)
	}
	if !changed || len(sizes) == 0 {
		return
	}
	total := 0
	for _, s := range sizes {
		total += s.size
	}
	quota := inlineQuotas[kind]
	if total <= quota {
		return
	}
	parts := make([]string, 0, len(sizes)+1)
	for _, s := range sizes {
		part := s.source.String()
		if s.name.Known {
			part += fmt.Sprintf(" (%q)", s.name.Text)
		}
		parts = append(parts, part+": "+validate.GroupDigits(s.size))
	}
	atLeast := ""
	if unknown > 0 {
		// The documents known only after apply add to the total: it is a lower bound, and
		// already over the quota.
		atLeast = "at least "
		parts = append(parts, fmt.Sprintf("%d known only after apply", unknown))
	}
	arnText, _ := g.principalARN(kind, arn, name, path, address)
	findingAddr := address
	if findingAddr == "" {
		// A principal outside the plan: the finding goes to the first policy the plan puts on it.
		findingAddr = sizes[0].source.Address
	}
	g.add(Finding{Code: CodeInlineQuota, Address: findingAddr, Principal: arnText, PrincipalAddress: address,
		Message: fmt.Sprintf("the inline policies of %s are %s%s characters long together, not counting white space (%s); "+
			"IAM's quota for the inline policies of a %s is %s characters, so IAM refuses them at apply",
			labelOf(address, name), atLeast, validate.GroupDigits(total), strings.Join(parts, ", "), kind, validate.GroupDigits(quota))})
}
