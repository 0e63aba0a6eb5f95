package validate

import (
	"github.com/iamguard/terraform-provider-iam/internal/evaluator"
	"strings"
)

// ValidationCode describes one finding code: its severity and what it means. Codes are stable:
// tools may match on them.
type ValidationCode struct {
	Code     string
	Severity Severity
	// AWSIssueCode is the issue code of IAM Access Analyzer's policy check that reports the same
	// defect ("INVALID_ACTION"), from the policy validation check reference
	// (https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html);
	// "" when Access Analyzer has none. A finding may carry a more precise one of the same
	// family (POLICY_TOO_LARGE gives the quota check of its policy type).
	AWSIssueCode string
	// CustomerOnly marks rules that bind only the policies customers write: the size quota, names
	// that the catalogue does not know, multi-valued keys without a set qualifier. AWS's own
	// managed policies break them (Access Analyzer's reference lists managed policies over the
	// quota, with retired actions, with a missing qualifier); when the document is one of them
	// (ValidateOptions.AWSManaged), such a finding is a WARNING, not an ERROR.
	CustomerOnly bool
	// Summary says in one sentence what the finding means.
	Summary string
}

// validationCodes lists every code ValidatePolicy can give, each with its one severity.
var validationCodes = []ValidationCode{
	// Errors: AWS rejects the document, or a part of it cannot work.
	{"INVALID_OPTIONS", SeverityError, "", false, "The policy type or resource type given to the validator is unknown, or they do not fit together."},
	{"SYNTAX_ERROR", SeverityError, "JSON_SYNTAX_ERROR", false, "The document is not valid JSON, or not a policy: an unknown or misplaced element, a wrong type, a missing Effect or Action."},
	{"INVALID_CHARACTER", SeverityError, "", false, "The document contains a character outside tab, line feed, carriage return and U+0020 to U+00FF, which IAM does not accept."},
	{"VERSION_2012_REQUIRED", SeverityError, "", false, "An SCP or RCP must have \"Version\": \"2012-10-17\"."},
	{"EMPTY_STATEMENT_LIST", SeverityError, "MISSING_STATEMENT", false, "The Statement element is an empty array; IAM rejects a policy without statements."},
	{"DUPLICATE_SID", SeverityError, "UNIQUE_SIDS_REQUIRED", false, "Two statements have the same Sid; IAM and the services that store policies require Sids to be unique within a policy."},
	{"INVALID_SID", SeverityError, "UNSUPPORTED_SID", false, "A Sid of a policy that IAM stores (identity, permissions boundary, trust) has characters other than ASCII letters and digits."},
	{"MISSING_RESOURCE", SeverityError, "MISSING_RESOURCE", false, "The statement has neither Resource nor NotResource, which only role trust policies may leave out."},
	{"EMPTY_RESOURCE_LIST", SeverityError, "EMPTY_ARRAY_RESOURCE", false, "Resource or NotResource is an empty array."},
	{"RESOURCE_NOT_ALLOWED", SeverityError, "ROLE_TRUST_POLICY_SYNTAX_ERROR_RESOURCE", false, "A role trust policy statement has Resource or NotResource; the trust policy is about the role itself."},
	{"PRINCIPAL_NOT_ALLOWED", SeverityError, "UNSUPPORTED_PRINCIPAL", false, "The statement has Principal or NotPrincipal in a policy type that does not take one (identity, permissions boundary, SCP, session)."},
	{"MISSING_PRINCIPAL", SeverityError, "MISSING_PRINCIPAL", false, "A resource policy, trust policy or RCP statement has no Principal."},
	{"NOTPRINCIPAL_NOT_ALLOWED", SeverityError, "ROLE_TRUST_POLICY_SYNTAX_ERROR_NOTPRINCIPAL", false, "NotPrincipal is used in a role trust policy or an RCP, which do not support it."},
	{"INVALID_PRINCIPAL", SeverityError, "INVALID_PRINCIPAL_FORMAT", false, "A principal value has a form AWS does not accept (a partial wildcard, a malformed ARN or account ID)."},
	{"RCP_PRINCIPAL_NOT_WILDCARD", SeverityError, "RCP_SYNTAX_ERROR_PRINCIPAL", false, "An RCP statement's Principal is not \"*\"."},
	{"RCP_ALLOW_NOT_ALLOWED", SeverityError, "RCP_SYNTAX_ERROR_ALLOW", false, "An RCP statement allows; customer RCPs may only deny (Allow is reserved for RCPFullAWSAccess)."},
	{"INVALID_ACTION", SeverityError, "INVALID_ACTION", false, "An action is not of the form service:action (or \"*\"), or has a character that no action has."},
	{"INVALID_ARN", SeverityError, "INVALID_ARN_PREFIX", false, "A Resource or NotResource value is neither \"*\" nor an ARN of six colon-separated parts with a literal service."},
	{"UNSUPPORTED_ACTION_FOR_RESOURCE_TYPE", SeverityError, "UNSUPPORTED_ACTION_IN_POLICY", false, "A resource policy names an action of a service other than the one of its resource type."},
	{"INVALID_CONDITION_OPERATOR", SeverityError, "INVALID_CONDITION_OPERATOR", false, "A condition operator does not exist or is misused (an unknown set qualifier, Null with IfExists)."},
	{"INVALID_CONDITION_VALUE", SeverityError, "INVALID_CONDITION_DATA_TYPE", false, "A condition value does not fit its operator (a number, date, IP address, Boolean or base-64 value that does not parse), or the key is empty."},
	{"INVALID_VARIABLE", SeverityError, "MISSING_BRACE_IN_VARIABLE", false, "A policy variable ${...} is malformed: no closing brace, no key, a space or another symbol in the key, or a default value without single quotes."},
	{"UNKNOWN_VARIABLE", SeverityError, "", true, "A policy variable names a global or service condition key that does not exist: no request carries it, so the placeholder has no value."},
	{"VARIABLE_NOT_ALLOWED", SeverityError, "VARIABLE_UNSUPPORTED_IN_ELEMENT", false, "A policy variable is used where AWS does not substitute variables: in an action, in a principal, or in a Numeric, Date, IpAddress, Binary or Null condition."},
	{"VARIABLE_WITHOUT_VERSION", SeverityError, "VARIABLE_UNSUPPORTED_IN_VERSION", false, "A value has ${...} but the policy's Version is not 2012-10-17, so it is literal text, not a variable."},
	{"MULTI_VALUED_KEY_WITHOUT_SET_OPERATOR", SeverityError, "MISSING_QUALIFIER", true, "A multi-valued key is used without ForAllValues or ForAnyValue."},
	{"UNKNOWN_SERVICE", SeverityError, "INVALID_SERVICE_IN_ACTION", true, "An action names a service prefix that the catalogue does not know (a typo, or a retired service): the action matches no request."},
	{"UNKNOWN_ACTION", SeverityError, "INVALID_ACTION", true, "An action does not exist in its service according to the catalogue: it matches no request."},
	{"ACTION_MATCHES_NOTHING", SeverityError, "INVALID_ACTION", true, "An action pattern with wildcards matches no action of the catalogue."},
	{"UNKNOWN_GLOBAL_CONDITION_KEY", SeverityError, "INVALID_GLOBAL_CONDITION_KEY", true, "A condition key with the aws: prefix is not a global condition key: no request carries it."},
	{"UNKNOWN_CONDITION_KEY", SeverityError, "INVALID_SERVICE_CONDITION_KEY", true, "A condition key with a service prefix is not a key of that service: no request carries it."},
	{"ARN_REGION_NOT_ALLOWED", SeverityError, "ARN_REGION_NOT_ALLOWED", false, "A Resource ARN names a region, but the ARN format of its resource type has none (S3 buckets and objects, IAM), so it matches no resource."},
	{"ARN_ACCOUNT_NOT_ALLOWED", SeverityError, "ARN_ACCOUNT_NOT_ALLOWED", false, "A Resource ARN names an account, but the ARN format of its resource type has none (S3 buckets and objects), so it matches no resource."},
	{"ARN_MATCHES_NO_RESOURCE_TYPE", SeverityError, "INVALID_ARN_RESOURCE", true, "A Resource ARN of a known service fits none of the ARN formats of that service's resource types, so it matches no resource."},

	// Security warnings: the policy grants more than is safe.
	{"FULL_ADMIN", SeveritySecurityWarning, "", false, "An identity policy allows every action (\"*\") on every resource."},
	{"FULL_SERVICE_ACCESS", SeveritySecurityWarning, "", false, "An identity policy allows every action of a service (\"service:*\") on every resource."},
	{"PASS_ROLE_ON_ALL_RESOURCES", SeveritySecurityWarning, "PASS_ROLE_WITH_STAR_IN_RESOURCE", false, "An identity policy allows iam:PassRole (or a pattern that matches it) on every role."},
	{"PASS_ROLE_WITH_COMPUTE", SeveritySecurityWarning, "", false, "An identity policy allows iam:PassRole on every role and an action that runs code with a passed role (lambda:CreateFunction, ec2:RunInstances, ...)."},
	{"PRIVILEGE_ESCALATION", SeveritySecurityWarning, "", false, "An identity policy allows, on every resource, an action that lets the caller give itself more permissions (iam:CreatePolicyVersion, iam:Attach*Policy, iam:Put*Policy, ...)."},
	{"ALLOW_WITH_NOT_ACTION", SeveritySecurityWarning, "", false, "An Allow statement uses NotAction: it allows every action except those listed, new actions included."},
	{"ALLOW_WITH_NOT_RESOURCE", SeveritySecurityWarning, "", false, "An Allow statement uses NotResource: it allows every resource except those listed."},
	{"FORALLVALUES_WITH_ALLOW", SeveritySecurityWarning, "", false, "An Allow statement uses a ForAllValues operator, which is true when the request has no value for the key."},
	{"RESOURCE_POLICY_PUBLIC", SeveritySecurityWarning, "", false, "A resource policy allows every principal (\"*\") without a condition that restricts the caller (aws:PrincipalOrgID, aws:SourceArn, ...)."},
	{"TRUST_POLICY_ANY_PRINCIPAL", SeveritySecurityWarning, "", false, "A role trust policy lets every AWS principal assume the role, with no condition that restricts the caller."},
	{"FORALLVALUES_WITH_SINGLE_VALUED_KEY", SeveritySecurityWarning, "FORALLVALUES_WITH_SINGLE_VALUED_KEY", false, "ForAllValues is used with a single-valued key: it is also true when the request has no value for the key."},
	{"TRUST_POLICY_ANY_WEB_IDENTITY", SeveritySecurityWarning, "MISSING_CONDITION_KEY_FOR_OIDC_PRINCIPAL", false, "A role trust policy lets every user of a web identity provider (Cognito, an OIDC provider) assume the role, with no audience or subject condition."},

	// Warnings: the policy is accepted but probably does not do what was meant.
	{"POLICY_TOO_LARGE", SeverityWarning, "POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA", true, "The document is longer than the quota of its policy type."},
	{"MISSING_VERSION", SeverityWarning, "MISSING_VERSION", false, "The document has no Version element: policy variables are then literal text. Add \"Version\": \"2012-10-17\"."},
	{"OLD_VERSION", SeverityWarning, "", false, "The document uses Version 2008-10-17, under which policy variables are literal text."},
	{"RETIRED_ACTION", SeverityWarning, "INVALID_ACTION", false, "An action, or its service, is no longer in the Service Authorization Reference but AWS managed policies still name it: it matches no request, which AWS's own policies tolerate."},
	{"VARIABLE_BEFORE_RESOURCE_PART", SeverityWarning, "", false, "A Resource ARN has a policy variable before its fifth colon, where AWS documents that variables are not substituted."},
	{"RESOURCE_MATCHES_NO_ACTION", SeverityWarning, "", false, "A Resource ARN matches no resource type of the statement's actions (a different service, or a different kind of resource)."},
	{"ACTION_MATCHES_NO_RESOURCE", SeverityWarning, "", false, "An action acts on resource types that none of the statement's resources is, so the statement never applies to it."},
	{"ACTION_NEEDS_WILDCARD_RESOURCE", SeverityWarning, "", false, "An action does not support resource-level permissions (its requests have resource \"*\"), but the statement names only specific resources."},
	{"CONDITION_KEY_NOT_SUPPORTED", SeverityWarning, "", false, "A condition key exists but none of the statement's actions supports it, so requests for them never carry it."},
	{"OPERATOR_TYPE_MISMATCH", SeverityWarning, "TYPE_MISMATCH", false, "A condition operator does not fit the type of its key (NumericLessThan on a string key, Bool on a non-Boolean key, IpAddress on a non-IP key, ...)."},
	{"SET_OPERATOR_ON_SINGLE_VALUED_KEY", SeverityWarning, "", false, "ForAnyValue is used with a single-valued key, where it adds nothing."},
	{"FORANYVALUE_WITH_NEGATED_OPERATOR", SeverityWarning, "", false, "ForAnyValue is used with a negated operator: it is true when any one value differs, which is rarely what is meant."},
	{"WILDCARD_WITHOUT_LIKE", SeverityWarning, "WILDCARD_WITHOUT_LIKE_OPERATOR", false, "A value of a String equality operator has * or ?, which are compared literally; StringLike was probably meant."},
	{"RCP_UNSUPPORTED_SERVICE", SeverityWarning, "", false, "An RCP names an action of a service that resource control policies do not apply to."},

	// Suggestions: the policy can be simpler.
	{"DUPLICATE_STATEMENT", SeveritySuggestion, "REDUNDANT_STATEMENT", false, "A statement repeats another statement of the policy (Sid aside)."},
	{"REDUNDANT_ACTION", SeveritySuggestion, "REDUNDANT_ACTION", false, "An action is listed twice or is covered by another pattern of the same statement."},
	{"REDUNDANT_RESOURCE", SeveritySuggestion, "REDUNDANT_RESOURCE", false, "A resource is listed twice or is covered by another pattern of the same statement."},
	{"EMPTY_CONDITION", SeveritySuggestion, "EMPTY_OBJECT_CONDITION", false, "The Condition element has no conditions."},
}

// syntaxIssueCode gives Access Analyzer's issue code for a document that does not parse: its
// checks name the element at fault (INVALID_VERSION, INVALID_EFFECT, MISSING_ACTION, ...),
// and JSON_SYNTAX_ERROR is left for text that is not JSON. The parser's messages are matched
// by their start; TestValidateSyntaxIssueCodes keeps them in step.
func syntaxIssueCode(pe *evaluator.ParseError) string {
	m := pe.Message
	switch {
	case pe.Path == "Version":
		return "INVALID_VERSION"
	case strings.HasPrefix(m, "unknown element "):
		return "INVALID_POLICY_ELEMENT"
	case strings.HasPrefix(m, "unknown principal type "):
		return "INVALID_PRINCIPAL_KEY"
	case strings.HasSuffix(pe.Path, ".Effect") && strings.HasPrefix(m, `expected "Allow" or "Deny"`):
		return "INVALID_EFFECT"
	case strings.HasPrefix(m, "missing Effect"):
		return "MISSING_EFFECT"
	case strings.HasPrefix(m, "missing Action"):
		return "MISSING_ACTION"
	case strings.HasPrefix(m, "missing Statement"):
		return "MISSING_STATEMENT"
	case strings.HasPrefix(m, "a statement may have ") && strings.HasSuffix(m, ", not both"):
		return "UNSUPPORTED_ELEMENT_COMBINATION"
	case strings.HasPrefix(m, "expected a string, got ") || strings.HasPrefix(m, "expected a string or an array of strings, got "):
		return "DATA_TYPE_MISMATCH"
	}
	return "JSON_SYNTAX_ERROR"
}

// severityByType gives the severities that differ from a code's own for some policy types.
// Access Analyzer rates the size quotas of identity, resource and role trust policies general
// warnings (the trust policy quota can be raised, an identity policy may be an inline policy,
// whose quota is per principal) and the SCP quota an error; Organizations rejects an SCP or RCP
// over the quota and STS a session policy over its quota (PackedPolicyTooLarge), whatever the
// account.
var severityByType = map[string]map[PolicyType]Severity{
	"POLICY_TOO_LARGE": {PolicyTypeSCP: SeverityError, PolicyTypeRCP: SeverityError, PolicyTypeSession: SeverityError},
}

// SeverityFor gives the code's severity for a policy type: Severity, or the one the policy type
// calls for (POLICY_TOO_LARGE is an ERROR for SCPs, RCPs and session policies).
func (c ValidationCode) SeverityFor(t PolicyType) Severity {
	if s, ok := severityByType[c.Code][t]; ok {
		return s
	}
	return c.Severity
}

var validationCodeByName = func() map[string]ValidationCode {
	m := make(map[string]ValidationCode, len(validationCodes))
	for _, c := range validationCodes {
		m[c.Code] = c
	}
	return m
}()

// ValidationCodes returns every finding code with its severity and meaning, errors first.
func ValidationCodes() []ValidationCode {
	return append([]ValidationCode(nil), validationCodes...)
}

// resourcePolicyType is a resource type a RESOURCE policy can be validated for.
type resourcePolicyType struct {
	name     string   // as CloudFormation writes it, "AWS::S3::Bucket"
	services []string // the service prefixes whose actions the policy may name
	// maxBytes is the size quota of the policy in bytes of UTF-8 text, white space included; 0
	// when AWS documents none.
	maxBytes int
	// trust marks AWS::IAM::AssumeRolePolicyDocument, which is a TRUST policy.
	trust bool
	// implicitResource marks policies whose statements may leave out Resource: they are about
	// the resource that holds them (ECR repository policies are written without Resource).
	implicitResource bool
}

// resourcePolicyTypes are the resource types that ValidateOptions.ResourceType accepts. The
// names follow CloudFormation and Access Analyzer's ValidatePolicy (validatePolicyResourceType).
var resourcePolicyTypes = []resourcePolicyType{
	{name: "AWS::S3::Bucket", services: []string{"s3"}, maxBytes: 20 * 1024},
	{name: "AWS::S3::AccessPoint", services: []string{"s3"}},
	{name: "AWS::S3::MultiRegionAccessPoint", services: []string{"s3"}},
	{name: "AWS::S3ObjectLambda::AccessPoint", services: []string{"s3-object-lambda"}},
	{name: "AWS::S3Express::DirectoryBucket", services: []string{"s3express"}},
	{name: "AWS::DynamoDB::Table", services: []string{"dynamodb"}, maxBytes: 20 * 1024},
	{name: "AWS::SQS::Queue", services: []string{"sqs"}, maxBytes: 8192},
	{name: "AWS::SNS::Topic", services: []string{"sns"}, maxBytes: 30 * 1024},
	{name: "AWS::KMS::Key", services: []string{"kms"}, maxBytes: 32 * 1024},
	{name: "AWS::SecretsManager::Secret", services: []string{"secretsmanager"}, maxBytes: 20 * 1024},
	{name: "AWS::Lambda::Function", services: []string{"lambda"}, maxBytes: 20 * 1024},
	{name: "AWS::ECR::Repository", services: []string{"ecr"}, implicitResource: true},
	{name: "AWS::IAM::AssumeRolePolicyDocument", trust: true},
}

// ResourcePolicyTypes returns the names ValidateOptions.ResourceType accepts.
func ResourcePolicyTypes() []string {
	out := make([]string, len(resourcePolicyTypes))
	for i, t := range resourcePolicyTypes {
		out[i] = t.name
	}
	return out
}

func lookupResourcePolicyType(name string) (*resourcePolicyType, bool) {
	for i := range resourcePolicyTypes {
		if strings.EqualFold(resourcePolicyTypes[i].name, name) {
			return &resourcePolicyTypes[i], true
		}
	}
	return nil, false
}

func resourcePolicyTypeList() string { return strings.Join(ResourcePolicyTypes(), ", ") }
