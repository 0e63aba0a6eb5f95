// Package tfplan reads Terraform plans (`terraform show -json`) and builds the AWS account model
// that the plan guard checks: principals with their policies, customer managed policies,
// resource policies and organisation policies, each naming the Terraform resource it came from.
// It also finds where the configuration declares each resource (ConfigLocator).
//
// The model is built twice for every plan: Plan.Prior is the account as the prior state leaves
// it, Plan.Planned the account as the plan leaves it. Values that Terraform knows only after
// apply are never turned into "" or an empty policy: they are Value{Known: false} with a
// reason, and what the configuration's references could resolve is linked by address.
// Policy documents are kept as JSON text: this package knows terraform-json, HCL and the AWS
// provider's resource types, and makes no IAM decision; internal/guard parses the documents
// and asks the engine (internal/evaluator).
package tfplan

import "strings"

// Value is a string attribute of the account model. Terraform knows some values only after
// apply (ARNs and ids of resources created by the same plan); such a value has Known false,
// an empty Text and a Reason, so that no caller mistakes it for an empty string.
type Value struct {
	Known  bool
	Text   string
	Reason string // why the value is not known; empty when Known
}

// KnownValue returns a known value.
func KnownValue(text string) Value { return Value{Known: true, Text: text} }

// UnknownValue returns a value that is not known, with the reason.
func UnknownValue(reason string) Value { return Value{Reason: reason} }

// String returns the text of a known value, or a description of the unknown one.
func (v Value) String() string {
	if v.Known {
		return v.Text
	}
	return "(unknown: " + v.Reason + ")"
}

// Source names the place in the plan a piece of the model came from: the absolute resource
// address, module path included ("module.app.aws_iam_role.this"), and the attribute path
// inside that resource ("policy", "inline_policy[0].policy").
type Source struct {
	Address   string
	Attribute string
}

func (s Source) String() string {
	if s.Attribute == "" {
		return s.Address
	}
	return s.Address + "." + s.Attribute
}

// Document is a policy document as JSON text, where it was written, and the
// aws_iam_policy_document data source it was taken from when the configuration names one.
type Document struct {
	Source Source
	JSON   Value
	// DataSource is the absolute address of the aws_iam_policy_document data source that the
	// configuration of this attribute references ("data.aws_iam_policy_document.trust"), or "".
	DataSource string
}

// Tags are the tags of a resource (tags_all when known, else tags).
type Tags struct {
	Known  bool
	Values map[string]string // nil when the resource has no tags
}

// InlinePolicy is an inline (embedded) policy of a role, user or group.
type InlinePolicy struct {
	Name     Value
	Document Document // Source is the aws_iam_*_policy resource or the role's inline_policy block
}

// PolicyAttachment attaches a managed policy (or sets a permissions boundary) by ARN.
type PolicyAttachment struct {
	// Source is the resource and attribute that attaches the policy: an attachment resource's
	// policy_arn, a role's managed_policy_arns[i], a permissions_boundary.
	Source Source
	// ARN of the policy; unknown for a customer policy created by the same plan.
	ARN Value
	// Policy is the customer managed policy of this plan that the ARN or the configuration
	// reference names; nil for AWS managed policies and policies outside the plan.
	Policy *CustomerManagedPolicy
	// Ref is the configuration reference that resolved an unknown ARN, as an absolute
	// address with attribute ("module.app.aws_iam_policy.boundary.arn"); "" when the ARN was
	// known or nothing resolved it.
	Ref string
}

// AWSManaged reports whether the attachment names an AWS managed policy
// (arn:<partition>:iam::aws:policy/...), which a catalogue resolves.
func (a *PolicyAttachment) AWSManaged() bool {
	return a.ARN.Known && isAWSManagedPolicyARN(a.ARN.Text)
}

// Resolved reports whether the attached policy is identified: by a known ARN or by a
// customer managed policy of this plan.
func (a *PolicyAttachment) Resolved() bool { return a.ARN.Known || a.Policy != nil }

func isAWSManagedPolicyARN(arn string) bool {
	// arn:aws:iam::aws:policy/..., arn:aws-cn:iam::aws:policy/..., arn:aws-us-gov:iam::aws:policy/...
	if !strings.HasPrefix(arn, "arn:") {
		return false
	}
	rest := arn[len("arn:"):]
	i := strings.IndexByte(rest, ':')
	return i > 0 && strings.HasPrefix(rest[i:], ":iam::aws:policy/")
}

// CustomerManagedPolicy is a customer managed policy declared by the plan (aws_iam_policy).
type CustomerManagedPolicy struct {
	Address  string
	Name     Value
	Path     Value
	ARN      Value
	Document Document
	Tags     Tags
}

// Role is an IAM role.
type Role struct {
	// Address of the aws_iam_role resource; "" when External.
	Address string
	// External is true for a role that the plan does not declare but attaches policies to by
	// name; only Name and what the plan attaches are known about it.
	External bool
	Name     Value
	ARN      Value
	Path     Value
	Trust    Document // assume_role_policy
	Inline   []*InlinePolicy
	Managed  []*PolicyAttachment
	Boundary *PolicyAttachment // nil when the role has no permissions boundary
	Tags     Tags
}

// User is an IAM user.
type User struct {
	Address      string // "" when External
	External     bool
	Name         Value
	ARN          Value
	Path         Value
	Inline       []*InlinePolicy
	Managed      []*PolicyAttachment
	Boundary     *PolicyAttachment
	Tags         Tags
	Groups       []*Membership
	LoginProfile *LoginProfile // nil when the plan gives the user no console password
	AccessKeys   []*AccessKey
}

// Group is an IAM group.
type Group struct {
	Address  string // "" when External
	External bool
	Name     Value
	ARN      Value
	Path     Value
	Inline   []*InlinePolicy
	Managed  []*PolicyAttachment
	Members  []*Membership
}

// Membership puts a user in a group; the same value is listed by both.
type Membership struct {
	Source Source // aws_iam_group_membership.users, aws_iam_user_group_membership.groups, ...
	User   *User
	Group  *Group
}

// AccessKey is a long-lived access key of a user (aws_iam_access_key).
type AccessKey struct {
	Address string
	User    *User
	Status  Value // "Active" or "Inactive"
}

// LoginProfile is a console password of a user (aws_iam_user_login_profile).
type LoginProfile struct {
	Address               string
	User                  *User
	PasswordResetRequired bool
}

// ResourceKind is the kind of AWS resource a resource policy is attached to.
type ResourceKind string

const (
	S3Bucket       ResourceKind = "s3-bucket"
	SQSQueue       ResourceKind = "sqs-queue"
	SNSTopic       ResourceKind = "sns-topic"
	KMSKey         ResourceKind = "kms-key"
	Secret         ResourceKind = "secretsmanager-secret"
	ECRRepository  ResourceKind = "ecr-repository"
	LambdaFunction ResourceKind = "lambda-function"
	SearchDomain   ResourceKind = "opensearch-domain" // OpenSearch and Elasticsearch domains
	EFSFileSystem  ResourceKind = "efs-file-system"
	RestAPI        ResourceKind = "api-gateway-rest-api"
	GlacierVault   ResourceKind = "glacier-vault"
)

// Target is the AWS resource a resource policy applies to.
type Target struct {
	// ID is what the policy resource names the target by: bucket name, queue URL, topic ARN,
	// key id, secret ARN, repository name, function name or ARN.
	ID Value
	// Address of the resource of this plan that is the target, when the ID or the
	// configuration reference names one; "" otherwise.
	Address string
	Ref     string // configuration reference that resolved an unknown ID; "" otherwise
	// Name and ARN of the target, taken from the target resource when Address is set.
	Name Value
	ARN  Value
}

// ResourcePolicy is a resource-based policy. Lambda permissions are represented as
// one-statement policies built from the permission's arguments.
type ResourcePolicy struct {
	Kind     ResourceKind
	Target   Target
	Document Document
}

// OrgPolicyType is the type of an organisation policy that takes part in authorization.
type OrgPolicyType string

const (
	SCP OrgPolicyType = "SERVICE_CONTROL_POLICY"
	RCP OrgPolicyType = "RESOURCE_CONTROL_POLICY"
)

// OrgPolicy is a service or resource control policy (aws_organizations_policy).
type OrgPolicy struct {
	Address  string
	Name     Value
	Type     OrgPolicyType
	ID       Value
	ARN      Value
	Document Document // the content attribute
	Targets  []*OrgTarget
}

// OrgTarget attaches an organisation policy to a root, OU or account
// (aws_organizations_policy_attachment).
type OrgTarget struct {
	Source Source
	ID     Value  // target_id: "r-...", "ou-...", or an account id
	Ref    string // configuration reference that names an unknown target, "" otherwise
}

// PolicyDocumentSource is an aws_iam_policy_document data source.
type PolicyDocumentSource struct {
	Address string
	JSON    Value
}

// Unresolved is a piece of the plan that takes part in access but that the model could not
// link to what it applies to: for example a role policy whose role is known only after apply
// and whose configuration names no role of this plan. The guard treats it as undecided.
type Unresolved struct {
	Source Source
	Reason string
}

// Account is the account model as one state of the plan leaves it. The slices are in the
// order of the plan's resources (modules depth first, as Terraform writes them).
type Account struct {
	Roles            []*Role
	Users            []*User
	Groups           []*Group
	Policies         []*CustomerManagedPolicy
	ResourcePolicies []*ResourcePolicy
	OrgPolicies      []*OrgPolicy
	AccessKeys       []*AccessKey
	LoginProfiles    []*LoginProfile
	PolicyDocuments  []*PolicyDocumentSource
	Unresolved       []Unresolved
	// NotChecked lists the arguments that carry access of kinds the guard does not model.
	NotChecked []NotChecked
}

// Role returns the role declared at address, or nil.
func (a *Account) Role(address string) *Role {
	for _, r := range a.Roles {
		if r.Address == address && !r.External {
			return r
		}
	}
	return nil
}

// RoleNamed returns the role whose name is known and equal to name, or nil.
func (a *Account) RoleNamed(name string) *Role {
	for _, r := range a.Roles {
		if r.Name.Known && r.Name.Text == name {
			return r
		}
	}
	return nil
}

// User returns the user declared at address, or nil.
func (a *Account) User(address string) *User {
	for _, u := range a.Users {
		if u.Address == address && !u.External {
			return u
		}
	}
	return nil
}

// UserNamed returns the user whose name is known and equal to name, or nil.
func (a *Account) UserNamed(name string) *User {
	for _, u := range a.Users {
		if u.Name.Known && u.Name.Text == name {
			return u
		}
	}
	return nil
}

// Group returns the group declared at address, or nil.
func (a *Account) Group(address string) *Group {
	for _, g := range a.Groups {
		if g.Address == address && !g.External {
			return g
		}
	}
	return nil
}

// GroupNamed returns the group whose name is known and equal to name, or nil.
func (a *Account) GroupNamed(name string) *Group {
	for _, g := range a.Groups {
		if g.Name.Known && g.Name.Text == name {
			return g
		}
	}
	return nil
}

// Policy returns the customer managed policy declared at address, or nil.
func (a *Account) Policy(address string) *CustomerManagedPolicy {
	for _, p := range a.Policies {
		if p.Address == address {
			return p
		}
	}
	return nil
}

// OrgPolicy returns the organisation policy declared at address, or nil.
func (a *Account) OrgPolicy(address string) *OrgPolicy {
	for _, p := range a.OrgPolicies {
		if p.Address == address {
			return p
		}
	}
	return nil
}

// ResourcePoliciesOf returns the resource policies whose document was written at address
// (an aws_s3_bucket_policy, aws_lambda_permission, aws_kms_key, ...).
func (a *Account) ResourcePoliciesOf(address string) []*ResourcePolicy {
	var out []*ResourcePolicy
	for _, p := range a.ResourcePolicies {
		if p.Document.Source.Address == address {
			out = append(out, p)
		}
	}
	return out
}
