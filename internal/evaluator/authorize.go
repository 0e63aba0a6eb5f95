package evaluator

import (
	"fmt"
	"strings"

	"github.com/iamguard/terraform-provider-iam/internal/catalog"
)

// Authorize decides one request against every policy that applies to it, as AWS's policy
// evaluation logic does (reference_policies_evaluation-logic_policy-eval-denyallow):
//
//  1. an explicit Deny in any applicable policy denies;
//  2. RCPs of the resource's account: every level must allow (RCPFullAWSAccess is implied);
//  3. SCPs of the caller's account: every level must allow;
//  4. the resource-based policy, which on its own can allow within one account depending on
//     the kind of principal it names;
//  5. identity-based policies, 6. the permissions boundary and 7. the session policy, which
//     must all allow for the identity side to allow;
//
// with the cross-account rule (both the caller's side and the resource's side must allow) and
// the services whose resource policy must always grant (KMS key policies, role trust
// policies). The error is for a request that cannot be evaluated (a malformed principal).
func Authorize(ps *PolicySet, req *Request, opts Options) (Result, error) {
	var e evalContext
	if err := e.init(req); err != nil {
		return Result{}, err
	}
	if err := ps.refuseIncomplete(); err != nil {
		return Result{}, err
	}
	f := flow{ps: ps, e: &e, opts: opts}
	return f.decide(), nil
}

// flow holds one authorization while it runs.
type flow struct {
	ps   *PolicySet
	e    *evalContext
	opts Options
	// applies, when set, decides whether a statement's Action, Resource and Condition
	// elements cover the request, in place of evaluating them on e. The symbolic analysis
	// uses it to run this same flow on statements whose truth it knows only partly; the
	// principal is always matched on e.
	applies func(s *Statement) bool
}

// statementApplies reports whether the statement's Action, Resource and Condition elements
// cover the request.
func (f *flow) statementApplies(s *Statement) bool {
	if f.applies != nil {
		return f.applies(s)
	}
	return s.matchesActionAndResource(f.e) && s.conditionsHold(f.e)
}

func (f *flow) decide() Result {
	caller := &f.e.caller

	// Which policy types apply to this caller. Anonymous callers, AWS services and identity
	// providers (AssumeRoleWithSAML/WebIdentity) have no identity policies, and SCPs only
	// govern the IAM principals of member accounts, never service-linked roles.
	hasIdentity := caller.Kind != PrincipalAnonymous && caller.Kind != PrincipalService && caller.Kind != PrincipalIdentityProvider

	// Before anything: actions that no policy can allow or deny.
	if reason := exemptAction(caller, f.e.req); reason != "" {
		return Result{Decision: Allow, Exempt: reason}
	}
	// And requests on resources that AWS reserves, which no policy can allow (reserved.go).
	if reason := reservedRefusal(caller, f.e.req); reason != "" {
		return Result{Decision: ExplicitDeny, Reserved: reason}
	}
	scpsApply := f.ps.SCPs != nil && hasIdentity && !isServiceLinkedRole(caller)
	rcpsApply := f.ps.RCPs != nil && !isServiceLinkedRole(caller) && rcpGoverns(f.e.req.Action)

	// Step 1: an explicit Deny anywhere wins.
	var denies []StatementRef
	if hasIdentity {
		for i, p := range f.ps.Identity {
			denies = f.collect(denies, p, KindIdentity, i, -1, EffectDeny)
		}
		if f.ps.Boundary != nil {
			denies = f.collect(denies, f.ps.Boundary, KindPermissionsBoundary, 0, -1, EffectDeny)
		}
		if f.ps.Session != nil && caller.IsSession() {
			denies = f.collect(denies, f.ps.Session, KindSession, 0, -1, EffectDeny)
		}
	}
	if f.ps.Resource != nil {
		denies = append(denies, f.resourceDenies()...)
	}
	if scpsApply {
		for level, policies := range f.ps.SCPs {
			for i, p := range policies {
				denies = f.collect(denies, p, KindSCP, i, level, EffectDeny)
			}
		}
	}
	if rcpsApply {
		for level, policies := range f.ps.RCPs {
			for i, p := range policies {
				denies = f.collect(denies, p, KindRCP, i, level, EffectDeny)
			}
		}
	}
	if len(denies) > 0 {
		return Result{Decision: ExplicitDeny, Denies: denies}
	}

	// The Allow statements are gathered in a buffer on the stack; the result gets an exact copy.
	var buf [8]StatementRef
	allows := buf[:0]
	var blocked []Block

	// Step 2: RCPs. RCPFullAWSAccess sits at every level and cannot be detached, and customer
	// RCPs may only Deny, so no RCP level can lack an Allow: only step 1 applies to RCPs.

	// Step 3: SCPs: every level of the organisation path must allow.
	if scpsApply {
		for level, policies := range f.ps.SCPs {
			before := len(allows)
			for i, p := range policies {
				allows = f.collect(allows, p, KindSCP, i, level, EffectAllow)
			}
			if len(allows) == before {
				blocked = append(blocked, Block{Layer: KindSCP, Level: level})
			}
		}
	}

	// Steps 4 to 7: the resource's side and the caller's side.
	allows, sideBlocks := f.decideSides(allows, hasIdentity)
	blocked = append(blocked, sideBlocks...)

	matched := make([]StatementRef, len(allows))
	copy(matched, allows)
	if len(blocked) == 0 {
		return Result{Decision: Allow, Allows: matched}
	}
	return Result{Decision: ImplicitDeny, Allows: matched, BlockedBy: blocked}
}

// decideSides applies steps 4 to 7: it appends to allows the Allow statements that grant (or,
// for an implicit deny, those that matched) and returns the layers that block (none when the
// request is allowed).
func (f *flow) decideSides(allows []StatementRef, hasIdentity bool) ([]StatementRef, []Block) {
	caller := &f.e.caller

	// The matching Allow statements of each layer are gathered in one list, in the order
	// resource policy, identity, boundary, session; the marks tell where each layer starts.
	found := make([]StatementRef, 0, 8)

	// Step 4: the resource-based policy, and how directly it names the caller.
	rpGrant := grantNone
	if f.ps.Resource != nil {
		found, rpGrant = f.resourceAllows(found)
	}
	rpEnd := len(found)

	// A caller without identity policies is allowed by the resource policy alone.
	if !hasIdentity {
		if rpGrant != grantNone {
			return append(allows, found...), nil
		}
		return allows, []Block{{Layer: KindResource, Level: -1}}
	}

	// Steps 5 to 7: identity policies, permissions boundary, session policy.
	idOK := caller.Kind == PrincipalRoot // the root user has full access in its own account
	if !idOK {
		for i, p := range f.ps.Identity {
			found = f.collect(found, p, KindIdentity, i, -1, EffectAllow)
		}
		idOK = len(found) > rpEnd
	}
	idEnd := len(found)
	pbOK := true
	if f.ps.Boundary != nil {
		found = f.collect(found, f.ps.Boundary, KindPermissionsBoundary, 0, -1, EffectAllow)
		pbOK = len(found) > idEnd
	}
	pbEnd := len(found)
	spOK := true
	if caller.IsSession() {
		switch {
		case f.ps.Session != nil:
			found = f.collect(found, f.ps.Session, KindSession, 0, -1, EffectAllow)
			spOK = len(found) > pbEnd
		case caller.Kind == PrincipalFederatedUser:
			// A GetFederationToken session without a session policy has no permissions.
			spOK = false
		}
	}
	rpAllows, idAllows, pbAllows, spAllows := found[:rpEnd], found[rpEnd:idEnd], found[idEnd:pbEnd], found[pbEnd:]
	identitySide := idOK && pbOK && spOK

	// Does the resource policy's grant stand on its own within the account? A grant to an
	// IAM user, a role session or a federated user (or to "*") is not limited by an implicit
	// deny of the identity policies or the boundary; a grant to the role is limited by the
	// boundary and the session policy; a grant to the account only delegates.
	directOK := false
	switch rpGrant {
	case grantDirect:
		directOK = true
		if f.opts.SessionPolicyLimitsSessionGrants && caller.IsSession() {
			directOK = spOK
		}
	case grantRole:
		directOK = pbOK && spOK
	}

	sameAccount := caller.Account != "" && caller.Account == f.e.resourceAccount
	mustGrant := resourcePolicyMustGrant(f.e)
	var ok bool
	switch {
	case !sameAccount:
		// Cross-account: the resource's account must grant (to the caller or its account)
		// and the caller's account must allow through its own policies.
		ok = rpGrant != grantNone && identitySide
	case mustGrant:
		// KMS key policies and role trust policies must allow the caller explicitly; naming
		// the account hands the decision to the account's IAM policies.
		ok = directOK || rpGrant != grantNone && identitySide
	default:
		ok = directOK || identitySide
	}

	if ok {
		if directOK && sameAccount {
			allows = append(allows, rpAllows...)
			if rpGrant == grantRole {
				allows = append(allows, pbAllows...)
				allows = append(allows, spAllows...)
			}
			return allows, nil
		}
		if !sameAccount || mustGrant {
			allows = append(allows, rpAllows...)
		}
		allows = append(allows, idAllows...)
		allows = append(allows, pbAllows...)
		return append(allows, spAllows...), nil
	}

	// Implicit deny: name each layer that failed to allow.
	var blocks []Block
	if rpGrant == grantNone && (!sameAccount || mustGrant) {
		blocks = append(blocks, Block{Layer: KindResource, Level: -1})
	}
	if !idOK {
		blocks = append(blocks, Block{Layer: KindIdentity, Level: -1})
	}
	if !pbOK {
		blocks = append(blocks, Block{Layer: KindPermissionsBoundary, Level: -1})
	}
	if !spOK {
		blocks = append(blocks, Block{Layer: KindSession, Level: -1})
	}
	if len(blocks) == 0 {
		// Every layer allowed on its own terms but the combination did not (for example a
		// trust policy that names the account, cross-account, with the identity side
		// allowing): the resource policy is what is missing.
		blocks = append(blocks, Block{Layer: KindResource, Level: -1})
	}
	return append(allows, found...), blocks
}

// resourceDenies returns the Deny statements of the resource policy that apply to the caller.
func (f *flow) resourceDenies() []StatementRef {
	var out []StatementRef
	p := f.ps.Resource
	for _, s := range p.Statements {
		if s.Effect != EffectDeny || !f.resourceStatementNamesCaller(s) {
			continue
		}
		if f.statementApplies(s) {
			out = append(out, ref(p, KindResource, 0, -1, s))
		}
	}
	return out
}

// resourceAllows appends the Allow statements of the resource policy that apply to the
// caller, and returns the most direct grant among them.
func (f *flow) resourceAllows(out []StatementRef) ([]StatementRef, grant) {
	best := grantNone
	p := f.ps.Resource
	for _, s := range p.Statements {
		if s.Effect != EffectAllow {
			continue
		}
		g := f.statementGrant(s)
		if g == grantNone || !f.statementApplies(s) {
			continue
		}
		out = append(out, ref(p, KindResource, 0, -1, s))
		if g > best {
			best = g
		}
	}
	return out, best
}

// statementGrant is how directly an Allow statement of a resource policy names the caller.
func (f *flow) statementGrant(s *Statement) grant {
	m := s.compiled.principal
	if m == nil {
		// A resource policy statement without Principal names nobody.
		return grantNone
	}
	if !m.not {
		return m.match(&f.e.caller)
	}
	// Allow with NotPrincipal applies to every caller that the list does not name; it names
	// the caller itself, so it grants directly (anonymous callers included).
	if m.match(&f.e.caller) != grantNone {
		return grantNone
	}
	return grantDirect
}

// resourceStatementNamesCaller reports whether a Deny statement of the resource policy applies
// to the caller.
func (f *flow) resourceStatementNamesCaller(s *Statement) bool {
	m := s.compiled.principal
	if m == nil {
		return false
	}
	if !m.not {
		return m.match(&f.e.caller) != grantNone
	}
	// "The NotPrincipal element with a Deny effect will always deny any IAM principal that has
	// a permissions boundary policy attached, regardless of the values specified in the
	// NotPrincipal element." (access_policies_boundaries)
	if f.ps.Boundary != nil && f.e.caller.Kind != PrincipalAnonymous && f.e.caller.Kind != PrincipalService {
		return true
	}
	if f.opts.StrictNotPrincipalDeny {
		return !m.namesEveryIdentityOf(&f.e.caller)
	}
	return m.match(&f.e.caller) == grantNone
}

// collect appends the statements of p with the given effect that apply to the request.
// Principal elements are not consulted here: identity policies, boundaries, session policies,
// SCPs and RCPs are not about who the caller is (an RCP's Principal can only be "*").
func (f *flow) collect(out []StatementRef, p *Policy, kind PolicyKind, index, level int, effect Effect) []StatementRef {
	for _, s := range p.Statements {
		if s.Effect == effect && f.statementApplies(s) {
			out = append(out, refIndexed(p, kind, index, level, s))
		}
	}
	return out
}

func ref(p *Policy, kind PolicyKind, index, level int, s *Statement) StatementRef {
	return refIndexed(p, kind, index, level, s)
}

func refIndexed(p *Policy, kind PolicyKind, index, level int, s *Statement) StatementRef {
	name := p.Name
	if name == "" {
		name = defaultPolicyName(kind, index, level)
	}
	return StatementRef{Kind: kind, Policy: name, Level: level, Index: s.Index, Sid: s.Sid, Effect: s.Effect.String(), Line: s.Pos.Line}
}

// policyLabels holds the labels of unnamed policies for small indexes and levels, so that
// explaining a decision does not format them each time: [kind][level+1][index].
var policyLabels = func() (t [4][9][16]string) {
	for _, kind := range []PolicyKind{KindIdentity, KindSCP, KindRCP} {
		for level := -1; level < 8; level++ {
			for index := 0; index < 16; index++ {
				t[kindNumber(kind)][level+1][index] = formatPolicyName(kind, index, level)
			}
		}
	}
	return t
}()

func kindNumber(k PolicyKind) int {
	switch k {
	case KindIdentity:
		return 1
	case KindSCP:
		return 2
	case KindRCP:
		return 3
	}
	return 0
}

func defaultPolicyName(kind PolicyKind, index, level int) string {
	if k := kindNumber(kind); k > 0 && level >= -1 && level < 8 && index >= 0 && index < 16 {
		return policyLabels[k][level+1][index]
	}
	return formatPolicyName(kind, index, level)
}

func formatPolicyName(kind PolicyKind, index, level int) string {
	switch kind {
	case KindIdentity:
		return fmt.Sprintf("identity_policies[%d]", index)
	case KindSCP:
		return fmt.Sprintf("scps[%d][%d]", level, index)
	case KindRCP:
		return fmt.Sprintf("rcps[%d][%d]", level, index)
	}
	return string(kind)
}

// resourcePolicyMustGrant reports whether the resource's policy must allow the caller
// explicitly even within one account: "IAM role trust policies and KMS key policies are
// exceptions to this logic, because they must explicitly allow access for principals"
// (reference_policies_evaluation-logic).
func resourcePolicyMustGrant(e *evalContext) bool {
	if !e.resourceIsARN {
		return false
	}
	a := &e.resourceARN
	svc, _, _ := strings.Cut(e.req.Action, ":")
	switch {
	case strings.EqualFold(svc, "kms") && a.service == "kms" && strings.HasPrefix(a.resource, "key/"):
		return true
	case strings.EqualFold(svc, "sts") && a.service == "iam" && strings.HasPrefix(a.resource, "role/"):
		return true
	}
	return false
}

// exemptAction returns why a request is allowed whatever the policies say, or "". AWS answers
// sts:GetCallerIdentity for every signed caller: "No permissions are required to perform this
// operation. If an administrator attaches a policy to your identity that explicitly denies
// access to the sts:GetCallerIdentity action, you can still perform this operation" (STS API
// reference, GetCallerIdentity).
// The action takes no resource, so only a request on "*" is that call.
func exemptAction(caller *CallerIdentity, req *Request) string {
	if caller.Kind == PrincipalAnonymous || req.Resource != "*" || !strings.EqualFold(req.Action, "sts:GetCallerIdentity") {
		return ""
	}
	return "sts:GetCallerIdentity needs no permission: AWS answers it for every signed caller, even one whose policies deny it explicitly"
}

// rcpGoverns reports whether RCPs apply to the action: only services that support RCPs are
// governed by them (the list is data, from the catalogue), and kms:RetireGrant "is not
// effective in an RCP even when * is used in Action" (kms RCP documentation). An action of a
// service that the catalogue does not know is taken as not governed.
func rcpGoverns(action string) bool {
	svc, _, ok := strings.Cut(action, ":")
	if !ok || strings.EqualFold(action, "kms:RetireGrant") {
		return false
	}
	s, ok := catalog.LookupService(svc)
	return ok && s.RCPSupported()
}

// isServiceLinkedRole reports whether the caller is (a session of) a service-linked role, which
// SCPs and RCPs do not restrict. Service-linked roles live under the path /aws-service-role/
// and their names start with AWSServiceRoleFor.
func isServiceLinkedRole(c *CallerIdentity) bool {
	switch c.Kind {
	case PrincipalRole:
		return strings.Contains(c.ARN, ":role/aws-service-role/")
	case PrincipalRoleSession:
		return strings.HasPrefix(c.Name, "AWSServiceRoleFor")
	}
	return false
}
