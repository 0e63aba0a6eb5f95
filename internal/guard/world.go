package guard

import (
	"strings"

	ev "github.com/iamguard/terraform-provider-iam/internal/evaluator"
	"github.com/iamguard/terraform-provider-iam/internal/tfplan"
	"github.com/iamguard/terraform-provider-iam/internal/validate"
)

// This file turns an Account (the model of one state of the plan) into a world: what the
// engine needs to answer questions about it. Every principal gets its parsed policies, every
// resource policy the ARN patterns of the resources it governs, and the account its SCP and
// RCP levels. Whatever the plan does not know is kept as an unknownPart, so that a check
// that depends on it reports undecided instead of passing.

// placeholderAccount stands for the account of the plan when neither the rules nor the plan
// tell it.
const placeholderAccount = "000000000000"

// unknownPart is a piece of a principal's or resource's policies that the plan does not know.
type unknownPart struct {
	Address   string
	Attribute string
	Reason    string
}

func (u unknownPart) String() string {
	s := u.Address
	if u.Attribute != "" {
		s += "." + u.Attribute
	}
	return s + ": " + u.Reason
}

// principal is a role or user of the plan with everything that decides its access.
type principal struct {
	Kind    string // "role" or "user"
	Address string // "" for a principal the plan only attaches policies to (External)
	// Label names the principal in messages: the address, or the name of an external one.
	Label string
	ARN   string
	// NameKnown is false when the plan knows the name only after apply: ARN then carries a
	// made-up name, and rules that select principals by ARN cannot tell whether they match.
	NameKnown bool
	Tags      tfplan.Tags
	Policies  ev.PolicySet // Identity, Boundary and SCPs; never Resource
	Unknown   []unknownPart
	// Trust is a role's trust policy; nil when unknown (TrustUnknown says why) or for users.
	Trust        *ev.Policy
	TrustSource  tfplan.Source
	TrustUnknown *unknownPart

	role *tfplan.Role
	user *tfplan.User
}

// world is one state of the plan (prior or planned) ready for the engine.
type world struct {
	g          *guard
	account    *tfplan.Account
	principals []*principal
	byAddress  map[string]*principal
	resources  []*resourcePolicy
	scps, rcps [][]*ev.Policy
	// cache of syntactic and engine answers about principals, per world
	admin  map[*principal]adminAnswer
	edges  map[*principal][]edge
	starts map[startKey]string
	forbid map[forbidKey]ev.Answer
	trusts map[*principal]*trustSummary
	// resourcePolicies caches the world's resource policies reduced to a question's actions.
	resourcePolicies map[string][]ev.ResourcePolicy
}

func newWorld(g *guard, a *tfplan.Account) *world {
	w := &world{g: g, account: a, byAddress: map[string]*principal{},
		admin: map[*principal]adminAnswer{}, edges: map[*principal][]edge{}, starts: map[startKey]string{},
		forbid: map[forbidKey]ev.Answer{}, trusts: map[*principal]*trustSummary{},
		resourcePolicies: map[string][]ev.ResourcePolicy{}}
	w.scps, w.rcps = g.orgLevels(a)
	for _, r := range a.Roles {
		w.addPrincipal(w.role(r))
	}
	for _, u := range a.Users {
		w.addPrincipal(w.user(u))
	}
	for _, rp := range a.ResourcePolicies {
		w.resources = append(w.resources, g.resourcePolicy(rp))
	}
	// Policies that apply to no principal of the plan (yet) are parsed and validated too.
	for _, mp := range a.Policies {
		g.documentOf(mp.Document, customerManagedPolicy)
	}
	for _, op := range a.OrgPolicies {
		g.document(op.Document, orgPolicyType(op.Type))
	}
	return w
}

func (w *world) addPrincipal(p *principal) {
	w.principals = append(w.principals, p)
	if p.Address != "" {
		w.byAddress[p.Address] = p
	}
}

// counterpart returns the principal of this world that is p of the other world: the same
// address, or for external principals the same ARN.
func (w *world) counterpart(p *principal) *principal {
	if p.Address != "" {
		return w.byAddress[p.Address]
	}
	for _, q := range w.principals {
		if q.Address == "" && q.ARN == p.ARN {
			return q
		}
	}
	return nil
}

func (w *world) role(r *tfplan.Role) *principal {
	g := w.g
	p := &principal{Kind: "role", Address: r.Address, Tags: r.Tags, role: r}
	p.ARN, p.NameKnown = g.principalARN("role", r.ARN, r.Name, r.Path, r.Address)
	p.Label = labelOf(r.Address, r.Name)
	for _, in := range r.Inline {
		p.addIdentity(g.document(in.Document, validate.PolicyTypeIdentity))
	}
	for _, m := range r.Managed {
		p.addIdentity(g.attached(m))
	}
	if r.Boundary != nil {
		pol, unknown := g.attached(r.Boundary)
		if unknown != nil {
			p.Unknown = append(p.Unknown, *unknown)
		}
		p.Policies.Boundary = pol
	}
	if r.External {
		// What the plan attaches is all the guard knows of a role outside the plan; its trust
		// policy is not known, so no chain enters it.
	} else {
		p.TrustSource = r.Trust.Source
		pol, unknown := g.document(r.Trust, validate.PolicyTypeTrust)
		p.Trust = pol
		p.TrustUnknown = unknown
	}
	p.Policies.SCPs = w.scps
	return p
}

func (w *world) user(u *tfplan.User) *principal {
	g := w.g
	p := &principal{Kind: "user", Address: u.Address, Tags: u.Tags, user: u}
	p.ARN, p.NameKnown = g.principalARN("user", u.ARN, u.Name, u.Path, u.Address)
	p.Label = labelOf(u.Address, u.Name)
	for _, in := range u.Inline {
		p.addIdentity(g.document(in.Document, validate.PolicyTypeIdentity))
	}
	for _, m := range u.Managed {
		p.addIdentity(g.attached(m))
	}
	// A user has the policies of its groups (reference_policies_evaluation-logic).
	for _, m := range u.Groups {
		for _, in := range m.Group.Inline {
			p.addIdentity(g.document(in.Document, validate.PolicyTypeIdentity))
		}
		for _, a := range m.Group.Managed {
			p.addIdentity(g.attached(a))
		}
	}
	if u.Boundary != nil {
		pol, unknown := g.attached(u.Boundary)
		if unknown != nil {
			p.Unknown = append(p.Unknown, *unknown)
		}
		p.Policies.Boundary = pol
	}
	p.Policies.SCPs = w.scps
	return p
}

func (p *principal) addIdentity(pol *ev.Policy, unknown *unknownPart) {
	if unknown != nil {
		p.Unknown = append(p.Unknown, *unknown)
	}
	if pol != nil {
		p.Policies.Identity = append(p.Policies.Identity, pol)
	}
}

// labelOf names a principal in messages: "erin (aws_iam_user.dev)".
func labelOf(address string, name tfplan.Value) string {
	switch {
	case address == "":
		return name.String() + " (outside the plan)"
	case name.Known:
		return name.Text + " (" + address + ")"
	}
	return address
}

// principalARN returns the ARN of a role or user: the known one, else one built from the
// account, path and name; a name the plan does not know yet is replaced by one made from the
// address (nameKnown false).
func (g *guard) principalARN(kind string, arn, name, path tfplan.Value, address string) (string, bool) {
	if arn.Known {
		return arn.Text, true
	}
	p := "/"
	if path.Known && path.Text != "" {
		p = path.Text
	}
	if name.Known {
		return "arn:aws:iam::" + g.account + ":" + kind + p + name.Text, true
	}
	made := strings.NewReplacer("[", "-", "]", "", "\"", "", ".", "-").Replace(address)
	return "arn:aws:iam::" + g.account + ":" + kind + p + "unknown-name-" + made, false
}

// document parses a policy document of the plan. It returns the policy, or what is unknown
// about it. A document that does not parse is reported (invalid-policy) and left out: AWS
// rejects it at apply, so it grants nothing.
func (g *guard) document(d tfplan.Document, typ validate.PolicyType) (*ev.Policy, *unknownPart) {
	return g.documentOf(d, validate.ValidateOptions{Type: typ})
}

// customerManagedPolicy validates an aws_iam_policy: IAM refuses one over the managed policy
// quota, so the quota is an error there.
var customerManagedPolicy = validate.ValidateOptions{Type: validate.PolicyTypeIdentity, CustomerManagedPolicy: true}

// documentOf is document with the validation options spelled out (a resource policy's
// resource type).
func (g *guard) documentOf(d tfplan.Document, opts validate.ValidateOptions) (*ev.Policy, *unknownPart) {
	if !d.JSON.Known {
		return nil, &unknownPart{Address: d.Source.Address, Attribute: d.Source.Attribute, Reason: d.JSON.Reason}
	}
	c := g.compiled(d.Source.String(), d.JSON.Text)
	if c.err != nil {
		// Every part that does not compile is its own finding, with its place: the author
		// fixes them all in one round instead of one per plan.
		for _, err := range c.errs() {
			g.add(Finding{Code: CodeInvalidPolicy, Address: d.Source.Address, Attribute: d.Source.Attribute,
				Message: "the policy document does not parse, so AWS rejects it at apply: " + err.Error()})
		}
		return nil, nil
	}
	g.validate(d, c.policy, opts)
	return c.policy, nil
}

// attached resolves a managed policy attachment (or permissions boundary) to its policy: a
// customer managed policy of the plan, or an AWS managed policy from the catalogue.
func (g *guard) attached(a *tfplan.PolicyAttachment) (*ev.Policy, *unknownPart) {
	unknown := func(reason string) *unknownPart {
		return &unknownPart{Address: a.Source.Address, Attribute: a.Source.Attribute, Reason: reason}
	}
	switch {
	case a.Policy != nil:
		return g.documentOf(a.Policy.Document, customerManagedPolicy)
	case a.AWSManaged():
		pol, err := ev.ManagedPolicy(a.ARN.Text)
		if err != nil {
			return nil, unknown(err.Error())
		}
		return pol, nil
	case a.ARN.Known:
		return nil, unknown("policy " + a.ARN.Text + " is not declared in this plan")
	}
	return nil, unknown(unknownARNReason(a.ARN.Reason))
}

// unknownARNReason makes one sentence of why an attached policy is not known: the builder's
// reasons are sentences of their own ("the policy ARN is known only after apply and ..."),
// a bare "known only after apply" is not.
func unknownARNReason(reason string) string {
	switch {
	case reason == "":
		return "the policy ARN is not known and the configuration names no policy of this plan"
	case reason == tfplan.ReasonAfterApply:
		return "the policy ARN is " + tfplan.ReasonAfterApply + " and the configuration names no policy of this plan"
	case strings.HasPrefix(reason, "the "):
		return reason
	}
	return "the policy ARN is not known: " + reason
}

// parse parses a policy document once per name and text: the same AWS managed policy
// attached to a thousand principals is one parsed policy. A document that parses but has
// parts that do not compile is an error (the first of them): AWS rejects it whole.
func (g *guard) parse(name, text string) (*ev.Policy, error) {
	c := g.compiled(name, text)
	return c.policy, c.err
}

// compiled is parse with every problem of the document kept.
func (g *guard) compiled(name, text string) parsedPolicy {
	key := name + "\x00" + text
	if c, ok := g.parsed[key]; ok {
		return c
	}
	pol, problems, err := ev.CompilePolicy([]byte(text))
	c := parsedPolicy{policy: pol, err: err, problems: problems}
	switch {
	case len(problems) > 0:
		c.policy, c.err = nil, problems[0].Err
	case pol != nil:
		pol.Name = name
	}
	g.parsed[key] = c
	return c
}

// parsedPolicy is a document's parse: the policy, or the error of a document that does not
// parse or does not compile, with every part that does not compile in problems.
type parsedPolicy struct {
	policy   *ev.Policy
	err      error
	problems []ev.Problem
}

// errs returns the errors of a document that is refused: each part that does not compile, or
// the one error of a document that does not parse.
func (c parsedPolicy) errs() []error {
	if len(c.problems) == 0 {
		return []error{c.err}
	}
	out := make([]error, len(c.problems))
	for i, p := range c.problems {
		out[i] = p.Err
	}
	return out
}

// ---- organisation policies

// fullAWSAccess stands for the FullAWSAccess SCP that AWS attaches to every root, OU and
// account: a plan that attaches Deny SCPs does not show it, and without it every level
// would deny everything.
var fullAWSAccess = func() *ev.Policy {
	p := ev.MustParsePolicy(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)
	p.Name = "FullAWSAccess (implied)"
	return p
}()

// orgLevels returns the SCP and RCP levels of the account: the rules' organisation path
// (root first) and the account itself, each with the plan's policies attached to it by id
// and the rules' policy files. Nil when neither the rules nor the plan place the account.
func (g *guard) orgLevels(a *tfplan.Account) (scps, rcps [][]*ev.Policy) {
	targets := append(append([]string(nil), g.rules.Organization.Path...), g.account)
	attached := false
	levels := make([][2][]*ev.Policy, len(targets))
	for i, t := range targets {
		for _, op := range a.OrgPolicies {
			for _, tg := range op.Targets {
				if !tg.ID.Known || tg.ID.Text != t {
					continue
				}
				pol, unknown := g.document(op.Document, orgPolicyType(op.Type))
				if unknown != nil {
					// An SCP or RCP only takes access away: not knowing it cannot hide access,
					// but a require rule may then not hold.
					g.orgUnknown = append(g.orgUnknown, *unknown)
					continue
				}
				if pol == nil {
					continue
				}
				attached = true
				if op.Type == tfplan.SCP {
					levels[i][0] = append(levels[i][0], pol)
				} else {
					levels[i][1] = append(levels[i][1], pol)
				}
			}
		}
		for _, f := range g.rules.Organization.Policies {
			if f.Target == t || (f.Target == "account" && i == len(targets)-1) {
				attached = true
				if f.Type == tfplan.SCP {
					levels[i][0] = append(levels[i][0], f.Policy)
				} else {
					levels[i][1] = append(levels[i][1], f.Policy)
				}
			}
		}
	}
	if !attached && len(g.rules.Organization.Path) == 0 {
		return nil, nil
	}
	for _, l := range levels {
		scps = append(scps, append([]*ev.Policy{fullAWSAccess}, l[0]...))
		rcps = append(rcps, l[1])
	}
	return scps, rcps
}

func orgPolicyType(t tfplan.OrgPolicyType) validate.PolicyType {
	if t == tfplan.RCP {
		return validate.PolicyTypeRCP
	}
	return validate.PolicyTypeSCP
}
