package evaluator

import "strings"

// AWS refuses some requests on resources it reserves, whatever the customer's policies say,
// even under "Action": "*". Authorize denies them before reading any policy, with the rule as
// the reason; the analysis tells these resources and actions apart (reservedResourceGlobs,
// reservedActionClass), so it never reports such a request as a witness.

// reservedRule is one resource AWS keeps for itself and the actions customers cannot take on it.
type reservedRule struct {
	name    string
	matches func(a arnParts) bool
	actions []string // lower case
	reason  string
	// source is the AWS documentation page that states the rule.
	source string
}

var reservedRules = []reservedRule{
	{
		// "AWS managed policies cannot be edited" (access_policies_manage-edit.html); "You cannot
		// change the permissions defined in AWS managed policies"
		// (aws-managed-policy/latest/reference/about-managed-policy-reference.html). They live in
		// the account "aws": customers cannot create them or their versions, delete them, change
		// their default version or tag them.
		name: "aws-managed-policy",
		matches: func(a arnParts) bool {
			return a.service == "iam" && a.account == "aws" && strings.HasPrefix(a.resource, "policy/")
		},
		actions: []string{"iam:createpolicy", "iam:createpolicyversion", "iam:deletepolicy", "iam:deletepolicyversion",
			"iam:setdefaultpolicyversion", "iam:tagpolicy", "iam:untagpolicy"},
		reason: "AWS reserves this resource: it is an AWS managed policy, which only AWS can create, change, tag or delete",
		source: "https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_manage-edit.html",
	},
	{
		// Roles under /aws-reserved/ (IAM Identity Center's AWSReservedSSO_* roles) are managed by
		// their service: IAM answers "Cannot perform the operation on the protected role ... this
		// role is only modifiable by AWS"; IAM Identity Center's service-linked role manages them
		// (singlesignon/latest/userguide/using-service-linked-roles.html).
		name: "aws-reserved-role",
		matches: func(a arnParts) bool {
			return a.service == "iam" && strings.HasPrefix(a.resource, "role/aws-reserved/")
		},
		actions: []string{"iam:createrole", "iam:attachrolepolicy", "iam:detachrolepolicy", "iam:putrolepolicy",
			"iam:deleterolepolicy", "iam:updateassumerolepolicy", "iam:putrolepermissionsboundary",
			"iam:deleterolepermissionsboundary", "iam:deleterole"},
		reason: "AWS reserves this resource: roles under the path /aws-reserved/ (such as IAM Identity Center's AWSReservedSSO_ roles) are managed by their service, and customers cannot create them, change their policies, trust policy or boundary, or delete them",
		source: "https://docs.aws.amazon.com/singlesignon/latest/userguide/using-service-linked-roles.html",
	},
	{
		// Service-linked roles: "The service controls the attached policies and when the role can
		// be deleted" (IAM API CreateServiceLinkedRole); they are created with
		// iam:CreateServiceLinkedRole and deleted with iam:DeleteServiceLinkedRole; customers can
		// edit the description (id_roles_update-service-linked-role.html).
		name: "service-linked-role",
		matches: func(a arnParts) bool {
			return a.service == "iam" && strings.HasPrefix(a.resource, "role/aws-service-role/")
		},
		actions: []string{"iam:createrole", "iam:deleterole", "iam:attachrolepolicy", "iam:detachrolepolicy",
			"iam:putrolepolicy", "iam:deleterolepolicy", "iam:updateassumerolepolicy",
			"iam:putrolepermissionsboundary", "iam:deleterolepermissionsboundary"},
		reason: "AWS reserves this resource: it is a service-linked role, whose service controls its policies and trust policy; customers create it with iam:CreateServiceLinkedRole, delete it with iam:DeleteServiceLinkedRole, and can change only its description",
		source: "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_update-service-linked-role.html",
	},
	{
		// "The alias name for a customer managed key cannot begin with alias/aws/. The alias/aws/
		// prefix is reserved for AWS managed key" (kms/latest/developerguide/alias-create.html).
		name:    "aws-managed-key-alias",
		matches: func(a arnParts) bool { return a.service == "kms" && strings.HasPrefix(a.resource, "alias/aws/") },
		actions: []string{"kms:createalias", "kms:updatealias", "kms:deletealias"},
		reason:  "AWS reserves this resource: the alias/aws/ prefix is reserved for AWS managed keys, whose aliases customers cannot create, update or delete",
		source:  "https://docs.aws.amazon.com/kms/latest/developerguide/alias-create.html",
	},
}

// reservedRefusal returns why AWS refuses the request on a resource it reserves, or "". The
// services themselves (a service principal, or a service-linked role acting for its service)
// manage these resources, so the rules bind only other callers.
func reservedRefusal(caller *CallerIdentity, req *Request) string {
	if caller.Kind == PrincipalService || isServiceLinkedRole(caller) {
		return ""
	}
	a, ok := splitARN(req.Resource)
	if !ok {
		return ""
	}
	action := strings.ToLower(req.Action)
	for i := range reservedRules {
		r := &reservedRules[i]
		if r.matches(a) && containsLower(r.actions, action) {
			return r.reason
		}
	}
	return ""
}

func containsLower(items []string, s string) bool {
	for _, it := range items {
		if it == s {
			return true
		}
	}
	return false
}

// reservedActionClass names the reserved rules under which the action is refused, so that the
// analysis keeps such actions apart from the others of a cell.
func reservedActionClass(actionLower string) string {
	var b strings.Builder
	for i := range reservedRules {
		if containsLower(reservedRules[i].actions, actionLower) {
			b.WriteString("+" + reservedRules[i].name)
		}
	}
	return b.String()
}

// reservedResourceGlobs are the resources of the reserved rules, as globs over ARNs (any
// partition and region), which the analysis's resource cells tell apart.
func reservedResourceGlobs() []glob {
	arn := func(service, account, rest string) glob {
		g := lit("arn:")
		g = append(g, globStarSeg)
		g = append(g, lit(":"+service+":")...)
		g = append(g, globStarSeg, ':')
		if account == "" {
			g = append(g, globStarSeg)
		} else {
			g = append(g, lit(account)...)
		}
		g = append(g, lit(":"+rest)...)
		return append(g, globStar)
	}
	return []glob{
		arn("iam", "aws", "policy/"),
		arn("iam", "", "role/aws-reserved/"),
		arn("iam", "", "role/aws-service-role/"),
		arn("kms", "", "alias/aws/"),
	}
}
