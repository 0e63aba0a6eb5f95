package evaluator

import "fmt"

// Decision is the outcome of authorizing a request.
type Decision string

const (
	Allow        Decision = "Allow"
	ExplicitDeny Decision = "ExplicitDeny"
	ImplicitDeny Decision = "ImplicitDeny"
)

// PolicyKind names the kind of a policy in the authorization flow.
type PolicyKind string

const (
	KindIdentity            PolicyKind = "identity"
	KindResource            PolicyKind = "resource"
	KindPermissionsBoundary PolicyKind = "permissions_boundary"
	KindSession             PolicyKind = "session"
	KindSCP                 PolicyKind = "scp"
	KindRCP                 PolicyKind = "rcp"
)

// StatementRef names one statement of one policy in an explanation.
type StatementRef struct {
	Kind PolicyKind `json:"kind"`
	// Policy is the policy's Name, or a label such as "identity_policies[0]".
	Policy string `json:"policy"`
	// Level is the organisation level of an SCP or RCP (0 for the root); -1 otherwise.
	Level  int    `json:"level"`
	Index  int    `json:"statement"`
	Sid    string `json:"sid,omitempty"`
	Effect string `json:"effect"`
	Line   int    `json:"line,omitempty"`
}

// Block names a layer of the flow that gave no Allow, for an implicit deny.
type Block struct {
	Layer PolicyKind `json:"layer"`
	// Level is the organisation level for scp and rcp (0 for the root); -1 otherwise.
	Level int `json:"level"`
}

// Result is a decision with its explanation.
type Result struct {
	Decision Decision
	// Denies are the Deny statements that matched (for ExplicitDeny).
	Denies []StatementRef
	// Allows are the Allow statements that granted the request (for Allow), and for an
	// implicit deny the Allow statements that matched in the layers that did allow.
	Allows []StatementRef
	// BlockedBy lists the layers that gave no Allow (for ImplicitDeny).
	BlockedBy []Block
	// Exempt, when set, says why the request is allowed whatever the policies say (for
	// example sts:GetCallerIdentity, which needs no permission); Allows is then empty.
	Exempt string
	// Reserved, when set, says why AWS refuses the request whatever the policies say: the
	// resource is one AWS reserves (an AWS managed policy, a service-linked role, ...). The
	// decision is then ExplicitDeny with no Deny statement.
	Reserved string
}

// Reason says in one sentence why: the statements that denied or allowed, or the layers that
// gave no Allow. It is written on demand, from the fields above, so that deciding costs nothing
// for callers that only need the decision.
func (r Result) Reason() string {
	if r.Exempt != "" {
		return r.Exempt
	}
	if r.Reserved != "" {
		return r.Reserved
	}
	switch r.Decision {
	case ExplicitDeny:
		return describeRefs("explicitly denied by ", r.Denies, "; an explicit Deny in any policy overrides every Allow")
	case Allow:
		return describeRefs("allowed by ", r.Allows, "")
	case ImplicitDeny:
		return blockReason(r.BlockedBy)
	}
	return ""
}

// PolicySet is every policy that applies to one request.
type PolicySet struct {
	// Identity holds the caller's identity-based policies (a user's group policies included).
	Identity []*Policy
	// Resource is the resource's policy (bucket policy, key policy, role trust policy) or nil.
	Resource *Policy
	// Boundary is the caller's permissions boundary, or nil.
	Boundary *Policy
	// Session is the session policy passed when the session was made, or nil.
	Session *Policy
	// SCPs are the service control policies of the caller's account, one list per level of
	// the organisation path (root first, account last). Nil means the account is not governed
	// by SCPs (no organisation, or the management account).
	SCPs [][]*Policy
	// RCPs are the resource control policies of the resource's account, in the same shape.
	// RCPFullAWSAccess is implied at each level given, so only Deny statements of the levels
	// matter; nil means not governed.
	RCPs [][]*Policy
}

// Options choose between readings of the documentation where AWS is ambiguous.
type Options struct {
	// SessionPolicyLimitsSessionGrants makes an implicit deny of the session policy limit a
	// resource-policy grant that names the role-session ARN. The documentation says it does
	// not (the default, false); one peer simulator says it does.
	SessionPolicyLimitsSessionGrants bool
	// StrictNotPrincipalDeny makes a Deny with NotPrincipal spare a caller only when the list
	// names the caller's account as well as the caller (and for a role session its role or
	// session): "you must also specify the account ARN of the not-denied principal"
	// (reference_policies_elements_notprincipal). The default spares a caller that the list
	// names, which finds more access.
	StrictNotPrincipalDeny bool
}

// refuseIncomplete returns an error naming the first policy of ps that CompilePolicy left
// incomplete (a part that did not compile), or nil: such a policy is never evaluated.
func (ps *PolicySet) refuseIncomplete() error {
	bad := func(list []*Policy) *Policy {
		for _, p := range list {
			if p != nil && p.incomplete {
				return p
			}
		}
		return nil
	}
	p := bad([]*Policy{ps.Resource, ps.Boundary, ps.Session}) // on the stack: no allocation
	if p == nil {
		p = bad(ps.Identity)
	}
	for _, levels := range [][][]*Policy{ps.SCPs, ps.RCPs} {
		for _, level := range levels {
			if p == nil {
				p = bad(level)
			}
		}
	}
	if p == nil {
		return nil
	}
	return fmt.Errorf("policy %s has parts that did not compile; it can be validated, not evaluated", p.Name)
}
