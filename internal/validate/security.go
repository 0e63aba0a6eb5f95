package validate

import (
	"fmt"
	"github.com/iamguard/terraform-provider-iam/internal/evaluator"
	"slices"
	"strings"
)

// privilegeEscalationActions let a caller give itself more permissions when allowed on every
// resource: change a policy it is subject to, or get credentials of another principal.
var privilegeEscalationActions = []string{
	"iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion",
	"iam:AttachUserPolicy", "iam:AttachGroupPolicy", "iam:AttachRolePolicy",
	"iam:PutUserPolicy", "iam:PutGroupPolicy", "iam:PutRolePolicy",
	"iam:UpdateAssumeRolePolicy", "iam:CreateAccessKey", "iam:CreateLoginProfile",
	"iam:UpdateLoginProfile", "iam:AddUserToGroup",
}

// computeWithRoleActions run code, or make a service run it, with a role that iam:PassRole
// hands over: with PassRole on every role they give the caller the permissions of any role.
var computeWithRoleActions = []string{
	"lambda:CreateFunction", "lambda:UpdateFunctionConfiguration", "ec2:RunInstances",
	"ec2:RequestSpotInstances", "ec2:AssociateIamInstanceProfile", "ecs:RunTask",
	"ecs:RegisterTaskDefinition", "glue:CreateDevEndpoint", "glue:CreateJob",
	"cloudformation:CreateStack", "cloudformation:UpdateStack", "codebuild:CreateProject",
	"sagemaker:CreateNotebookInstance", "sagemaker:CreateTrainingJob", "sagemaker:CreateProcessingJob",
	"datapipeline:CreatePipeline", "states:CreateStateMachine", "autoscaling:CreateLaunchConfiguration",
	"apprunner:CreateService", "batch:SubmitJob",
}

// restrictingCallerKeys are condition keys that, tested with a positive operator, limit a
// resource or trust policy open to "*" to known callers: an organisation, accounts, principals,
// the resource a service acts for, or a network endpoint.
var restrictingCallerKeys = []string{
	"aws:PrincipalOrgID", "aws:PrincipalOrgPaths", "aws:PrincipalAccount", "aws:PrincipalArn",
	"aws:SourceArn", "aws:SourceAccount", "aws:SourceOrgID", "aws:SourceOrgPaths", "aws:SourceOwner",
	"aws:SourceVpce", "aws:SourceVpc", "aws:SourceVpcArn", "aws:userid", "aws:username",
	"aws:PrincipalServiceName", "aws:PrincipalServiceNamesList", "aws:VpceAccount", "aws:VpceOrgID",
	"aws:VpceOrgPaths", "kms:CallerAccount", "s3:DataAccessPointAccount", "s3:DataAccessPointArn",
	"lambda:FunctionArn", "sns:Endpoint",
}

// lowerAll returns the names in lower case, for matching with actionMatcher.
func lowerAll(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = strings.ToLower(n)
	}
	return out
}

var (
	computeServices = func() []string {
		var out []string
		for _, n := range computeWithRoleActions {
			if p, _, _ := strings.Cut(strings.ToLower(n), ":"); !slices.Contains(out, p) {
				out = append(out, p)
			}
		}
		return out
	}()
	privilegeEscalationLower = lowerAll(privilegeEscalationActions)
	computeWithRoleLower     = lowerAll(computeWithRoleActions)
)

// matchingNames returns the names (with their lower-case forms in lower) that the action value
// i of sa matches, checking only values whose service part is one of services or a wildcard.
func matchingNames(sa *statementActions, i int, names, lower []string) []string {
	var out []string
	for k, n := range lower {
		if sa.matches(i, n) {
			out = append(out, names[k])
		}
	}
	return out
}

// mayMatchService reports whether action value i of sa can match actions of one of services.
func mayMatchService(sa *statementActions, i int, services ...string) bool {
	prefix, wild := sa.servicePart(i)
	return wild || slices.Contains(services, prefix)
}

// checkSecurity runs the security checks that look at the whole policy.
func (v *validator) checkSecurity() {
	if !v.opts.Type.grants() {
		return
	}
	var passRoleEverywhere *evaluator.Statement
	for _, s := range v.policy.Statements {
		if s.Effect != evaluator.EffectAllow {
			continue
		}
		switch v.opts.Type {
		case PolicyTypeIdentity:
			if (v.checkIdentityGrants(s) || v.checkPassRoleOnEveryRole(s)) && passRoleEverywhere == nil {
				passRoleEverywhere = s
			}
		case PolicyTypeResource:
			v.checkPublicResourcePolicy(s)
		case PolicyTypeTrust:
			v.checkOpenTrustPolicy(s)
		}
		if s.NotAction {
			v.add("ALLOW_WITH_NOT_ACTION", s.Path+".NotAction", s.ElementPos["NotAction"], "an Allow with NotAction allows every action except those listed, including actions AWS adds later: list the allowed actions in Action instead")
		}
		if s.NotResource {
			v.add("ALLOW_WITH_NOT_RESOURCE", s.Path+".NotResource", s.ElementPos["NotResource"], "an Allow with NotResource allows every resource except those listed, including resources created later: list the allowed resources in Resource instead")
		}
	}
	if passRoleEverywhere != nil {
		v.checkPassRoleWithCompute(passRoleEverywhere)
	}
}

// onEveryResource reports whether an Allow statement applies to every resource: Resource "*",
// or NotResource.
func onEveryResource(s *evaluator.Statement) bool {
	if s.NotResource {
		return true
	}
	for _, r := range s.Resources {
		if r.Text == "*" {
			return true
		}
	}
	return false
}

// checkIdentityGrants reports broad grants of one Allow statement of an identity policy. It
// returns whether the statement allows iam:PassRole on every role.
func (v *validator) checkIdentityGrants(s *evaluator.Statement) (passRole bool) {
	if s.NotAction || !onEveryResource(s) {
		return false
	}
	if v.checkFullAdmin(s) {
		return true
	}
	narrowed := ""
	if len(s.Conditions) > 0 {
		narrowed = " (its conditions may narrow it)"
	}
	sa := v.actionsOf(s)
	for i, a := range s.Actions {
		prefix, local, _ := strings.Cut(a.Text, ":")
		serviceWide := local == "*" && !strings.ContainsAny(prefix, "*?")
		if serviceWide {
			v.add("FULL_SERVICE_ACCESS", a.Path, a.Pos, "%q allows every action of %s on every resource%s: grant only the actions and resources needed", a.Text, prefix, narrowed)
		}
		if !mayMatchService(sa, i, "iam") {
			continue
		}
		if sa.matches(i, "iam:passrole") {
			passRole = true
			v.add("PASS_ROLE_ON_ALL_RESOURCES", a.Path, a.Pos, "%q allows iam:PassRole on every role%s, so the caller can hand any role, an administrator role included, to a service: name the roles in Resource and restrict iam:PassedToService", a.Text, narrowed)
		}
		if serviceWide {
			continue
		}
		if escalations := matchingNames(sa, i, privilegeEscalationActions, privilegeEscalationLower); len(escalations) > 0 {
			v.add("PRIVILEGE_ESCALATION", a.Path, a.Pos, "%q allows %s on every resource%s, which lets the caller give itself more permissions: name the users, roles, groups or policies in Resource", a.Text, listWithAnd(escalations, 4), narrowed)
		}
	}
	return passRole
}

// checkFullAdmin reports an Allow statement of an identity policy that allows every action on
// every resource (its caller checks that it is on every resource and has no NotAction).
func (v *validator) checkFullAdmin(s *evaluator.Statement) bool {
	narrowed := ""
	if len(s.Conditions) > 0 {
		narrowed = " (its conditions may narrow it)"
	}
	for _, a := range s.Actions {
		if a.Text == "*" || a.Text == "*:*" {
			v.add("FULL_ADMIN", a.Path, a.Pos, "the statement allows every action on every resource%s, which is full administrator access: grant only the actions and resources needed", narrowed)
			return true
		}
	}
	return false
}

// checkPassRoleWithCompute reports actions that run code with a passed role when the policy
// also allows iam:PassRole on every role (in passRoleStatement).
func (v *validator) checkPassRoleWithCompute(passRoleStatement *evaluator.Statement) {
	for _, s := range v.policy.Statements {
		if s.Effect != evaluator.EffectAllow || s.NotAction {
			continue
		}
		sa := v.actionsOf(s)
		for i, a := range s.Actions {
			if a.Text == "*" || a.Text == "*:*" || !mayMatchService(sa, i, computeServices...) {
				continue // FULL_ADMIN says it already
			}
			if compute := matchingNames(sa, i, computeWithRoleActions, computeWithRoleLower); len(compute) > 0 {
				v.add("PASS_ROLE_WITH_COMPUTE", a.Path, a.Pos, "%q allows %s, and %s allows iam:PassRole on every role: together they let the caller run code with the permissions of any role; name the roles that may be passed", a.Text, listWithAnd(compute, 3), passRoleStatement.Path)
			}
		}
	}
}

// listWithAnd joins names, showing at most limit of them.
func listWithAnd(names []string, limit int) string {
	if len(names) > limit {
		return strings.Join(names[:limit], ", ") + fmt.Sprintf(" and %d more", len(names)-limit)
	}
	if len(names) <= 1 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// everyPrincipal reports whether the statement's principal is every AWS principal: "*",
// {"AWS": "*"}, or a NotPrincipal (everyone but a few).
func everyPrincipal(pr *evaluator.Principal) bool {
	if pr == nil {
		return false
	}
	if pr.Not || pr.Wildcard {
		return true
	}
	for _, a := range pr.AWS {
		if a.Text == "*" {
			return true
		}
	}
	return false
}

// restrictsCaller reports whether a condition of the statement limits the caller with one of
// the keys, by a positive operator (not negated, not IfExists, not ForAllValues, which all hold
// when the key is absent) and a value other than "*".
func restrictsCaller(s *evaluator.Statement, keys func(key string) bool) bool {
	for _, c := range s.Conditions {
		if !keys(c.Key) {
			continue
		}
		cc, ok := c.CompiledOperator()
		if !ok || cc.Negated || cc.IfExists || cc.Set == evaluator.SetForAllValues || cc.Family == evaluator.FamilyNull {
			continue
		}
		for _, val := range c.Values {
			if strings.Trim(val.Text, "*?") != "" {
				return true
			}
		}
	}
	return false
}

func isRestrictingCallerKey(key string) bool { return containsFold(restrictingCallerKeys, key) }

// checkPublicResourcePolicy reports an Allow of a resource policy open to every principal.
func (v *validator) checkPublicResourcePolicy(s *evaluator.Statement) {
	if !everyPrincipal(s.Principal) || restrictsCaller(s, isRestrictingCallerKey) {
		return
	}
	pr := s.Principal
	v.add("RESOURCE_POLICY_PUBLIC", pr.Path, pr.Pos, "the statement allows every principal (%s), in every AWS account and anonymous callers included, with no condition that restricts the caller: name the principals, or add a condition such as aws:PrincipalOrgID, aws:PrincipalAccount, aws:SourceArn or aws:SourceAccount", principalElementName(pr))
}

// checkOpenTrustPolicy reports an Allow of a trust policy that any principal, or any user of a
// web identity provider, can use to assume the role.
func (v *validator) checkOpenTrustPolicy(s *evaluator.Statement) {
	pr := s.Principal
	if pr == nil {
		return
	}
	// NotPrincipal is an error in a trust policy (NOTPRINCIPAL_NOT_ALLOWED); AWS rejects the
	// policy, so it opens nothing.
	if !pr.Not && everyPrincipal(pr) && !restrictsCaller(s, isRestrictingCallerKey) {
		v.add("TRUST_POLICY_ANY_PRINCIPAL", pr.Path, pr.Pos, "any AWS principal, in any account, can assume this role: name the accounts or roles in Principal, or add a condition such as aws:PrincipalOrgID or aws:PrincipalAccount")
	}
	for _, f := range pr.Federated {
		provider, keys, hint := webIdentityProvider(f.Text)
		if provider == "" || !v.coversWebIdentity(s) {
			continue
		}
		restricts := func(key string) bool {
			for _, k := range keys {
				if strings.EqualFold(key, provider+":"+k) {
					return true
				}
			}
			return false
		}
		if !restrictsCaller(s, restricts) {
			v.add("TRUST_POLICY_ANY_WEB_IDENTITY", f.Path, f.Pos, "any user of %s can assume this role, because no condition tests %s: add %s", provider, keyList(provider, keys), hint)
		}
	}
}

// webIdentityProvider recognises a web identity provider in a Federated principal and returns
// its name as condition keys use it, the keys that pin down who may assume the role, and an
// example condition.
func webIdentityProvider(federated string) (provider string, keys []string, hint string) {
	switch federated {
	case "cognito-identity.amazonaws.com":
		return federated, []string{"aud"}, `{"StringEquals": {"cognito-identity.amazonaws.com:aud": "<identity pool ID>"}}`
	case "accounts.google.com":
		return federated, []string{"aud", "oaud", "sub"}, `{"StringEquals": {"accounts.google.com:aud": "<client ID>"}}`
	case "graph.facebook.com":
		return federated, []string{"app_id", "id"}, `{"StringEquals": {"graph.facebook.com:app_id": "<app ID>"}}`
	case "www.amazon.com":
		return federated, []string{"app_id", "user_id"}, `{"StringEquals": {"www.amazon.com:app_id": "<app ID>"}}`
	}
	_, host, ok := strings.Cut(federated, ":oidc-provider/")
	if !ok || !strings.HasPrefix(federated, "arn:") {
		return "", nil, ""
	}
	if host == "token.actions.githubusercontent.com" {
		// Every GitHub workflow gets the same audience (sts.amazonaws.com); only the subject
		// names the repository.
		return host, []string{"sub"}, `{"StringLike": {"token.actions.githubusercontent.com:sub": "repo:<org>/<repo>:*"}}`
	}
	return host, []string{"sub", "aud"}, fmt.Sprintf(`{"StringEquals": {"%s:sub": "<subject>"}}`, host)
}

func keyList(provider string, keys []string) string {
	names := make([]string, len(keys))
	for i, k := range keys {
		names[i] = provider + ":" + k
	}
	return strings.Join(names, " or ")
}
