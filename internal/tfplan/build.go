package tfplan

import (
	"encoding/json"
	"fmt"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"
)

// ReasonAfterApply is the reason of a value that the plan leaves to apply.
const ReasonAfterApply = "known only after apply"

// resource is one resource instance of the state being modelled.
type resource struct {
	addr   string // absolute address, module path and instance key included
	module string // module instance path, "" for the root module
	mode   string
	typ    string
	name   string
	index  any
	values map[string]any
	// unknown is the change's after_unknown for planned values: true, or an object or array
	// of the same shape as the value marking the unknown parts. nil when all is known.
	unknown any
	config  *resourceConfig
}

// builder builds one Account from one state (prior state or planned values) of a plan.
type builder struct {
	plan  string // file name, for errors
	phase string // "prior_state" or "planned_values"
	cfg   *configuration

	resources []*resource
	byAddr    map[string]*resource
	byBase    map[string][]*resource // address without instance key -> instances
	byType    map[string][]*resource // managed resources by type
	// keyPolicyTargets holds the aws_kms_key addresses that an aws_kms_key_policy targets;
	// computed on first use.
	keyPolicyTargets map[string]bool
	configIndex      map[string]*resourceConfig // see indexConfig
	// readBackInline and readBackManaged mark the roles whose own inline_policy or
	// managed_policy_arns entries are a read-back, not configured.
	readBackInline  map[*Role]bool
	readBackManaged map[*Role]bool
	prior           *builder // the prior state's builder, when building planned values

	acct     *Account
	roles    map[string]*Role // by resource address
	users    map[string]*User
	groups   map[string]*Group
	policies map[string]*CustomerManagedPolicy
	orgs     map[string]*OrgPolicy // SCPs and RCPs by address
	orgOther map[string]bool       // organisation policies of other types (tag, backup, ...)
	errs     []string
}

func newBuilder(plan, phase string, cfg *configuration) *builder {
	return &builder{
		plan:     plan,
		phase:    phase,
		cfg:      cfg,
		byAddr:   make(map[string]*resource),
		byBase:   make(map[string][]*resource),
		byType:   make(map[string][]*resource),
		acct:     &Account{},
		roles:    make(map[string]*Role),
		users:    make(map[string]*User),
		groups:   make(map[string]*Group),
		policies: make(map[string]*CustomerManagedPolicy),
		orgs:     make(map[string]*OrgPolicy),
		orgOther: make(map[string]bool),

		readBackInline:  make(map[*Role]bool),
		readBackManaged: make(map[*Role]bool),
	}
}

// collect records the resources of a module tree, depth first.
func (b *builder) collect(m *tfjson.StateModule, unknowns map[string]any) {
	if m == nil {
		return
	}
	for _, sr := range m.Resources {
		if sr == nil || sr.DeposedKey != "" {
			continue // a deposed object is being destroyed; it is not part of either account
		}
		r := &resource{
			addr:    sr.Address,
			module:  m.Address,
			mode:    string(sr.Mode),
			typ:     sr.Type,
			name:    sr.Name,
			index:   sr.Index,
			values:  sr.AttributeValues,
			unknown: unknowns[sr.Address],
		}
		if r.values == nil {
			r.values = map[string]any{}
		}
		r.config = b.configResource(r)
		b.resources = append(b.resources, r)
		b.byAddr[r.addr] = r
		base := joinAddr(r.module, r.typ+"."+r.name)
		if r.mode == string(tfjson.DataResourceMode) {
			base = joinAddr(r.module, "data."+r.typ+"."+r.name)
		}
		if base != r.addr {
			b.byBase[base] = append(b.byBase[base], r)
		}
		if r.mode == string(tfjson.ManagedResourceMode) {
			b.byType[r.typ] = append(b.byType[r.typ], r)
		}
	}
	for _, c := range m.ChildModules {
		b.collect(c, unknowns)
	}
}

// addPriorData adds the data sources that Terraform read while planning: the plan records
// them in its prior state, and planned values need not repeat them.
func (b *builder) addPriorData(prior *builder) {
	for _, r := range prior.resources {
		if r.mode != string(tfjson.DataResourceMode) || b.byAddr[r.addr] != nil {
			continue
		}
		b.resources = append(b.resources, r)
		b.byAddr[r.addr] = r
	}
}

func (b *builder) errorf(r *resource, attr, format string, args ...any) {
	b.errs = append(b.errs, fmt.Sprintf("%s: %s: %s: attribute %s: %s", b.plan, b.phase, r.addr, attr, fmt.Sprintf(format, args...)))
}

// build makes the account: first the objects that others refer to, then what links them.
func (b *builder) build() (*Account, error) {
	for _, r := range b.resources {
		if r.mode == string(tfjson.DataResourceMode) {
			if r.typ == "aws_iam_policy_document" {
				v, _ := b.str(r, "json")
				b.acct.PolicyDocuments = append(b.acct.PolicyDocuments, &PolicyDocumentSource{Address: r.addr, JSON: v})
			}
			continue
		}
		switch r.typ {
		case "aws_iam_role":
			b.declareRole(r)
		case "aws_iam_user":
			b.declareUser(r)
		case "aws_iam_group":
			b.declareGroup(r)
		case "aws_iam_policy":
			b.declarePolicy(r)
		case "aws_organizations_policy":
			b.declareOrgPolicy(r)
		}
	}
	for _, r := range b.resources {
		if r.mode != string(tfjson.ManagedResourceMode) {
			continue
		}
		switch r.typ {
		case "aws_iam_role":
			b.linkRole(r)
		case "aws_iam_user":
			u := b.users[r.addr]
			u.Boundary = b.boundary(r)
		case "aws_iam_role_policy", "aws_iam_user_policy", "aws_iam_group_policy":
			b.inlinePolicy(r)
		case "aws_iam_role_policy_attachment", "aws_iam_user_policy_attachment", "aws_iam_group_policy_attachment":
			b.policyAttachment(r)
		case "aws_iam_policy_attachment":
			b.multiAttachment(r)
		case "aws_iam_group_membership":
			b.groupMembership(r)
		case "aws_iam_user_group_membership":
			b.userGroupMembership(r)
		case "aws_iam_access_key":
			b.accessKey(r)
		case "aws_iam_user_login_profile":
			b.loginProfile(r)
		case "aws_organizations_policy_attachment":
			b.orgAttachment(r)
		default:
			if spec, ok := resourcePolicySpecs[r.typ]; ok {
				b.resourcePolicy(r, spec)
			} else {
				b.notChecked(r)
			}
		}
	}
	b.dedupe()
	if b.prior != nil {
		b.dropDeleted()
	}
	if len(b.errs) > 0 {
		return nil, fmt.Errorf("%s", strings.Join(b.errs, "\n"))
	}
	return b.acct, nil
}

// ---- reading attribute values

// unknownAt reports whether after_unknown marks the value at path as unknown.
func (r *resource) unknownAt(path ...any) bool {
	u := r.unknown
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := u.(map[string]any)
			if !ok {
				return u == true
			}
			u = m[k]
		case int:
			l, ok := u.([]any)
			if !ok {
				return u == true
			}
			if k >= len(l) {
				return false
			}
			u = l[k]
		}
	}
	return u == true
}

// str reads a string attribute. set is false when the attribute is null or absent and not
// unknown.
func (b *builder) str(r *resource, attr string) (v Value, set bool) {
	if r.unknownAt(attr) {
		return UnknownValue(ReasonAfterApply), true
	}
	raw, ok := r.values[attr]
	if !ok || raw == nil {
		return Value{}, false
	}
	s, ok := raw.(string)
	if !ok {
		b.errorf(r, attr, "expected a string, found %s", jsonKind(raw))
		return UnknownValue("not a string in the plan"), true
	}
	return KnownValue(s), true
}

// optional reads a string attribute that may be unset; unset gives an unknown value with the
// reason, so that the caller cannot take it for "".
func (b *builder) optional(r *resource, attr string) Value {
	v, set := b.str(r, attr)
	if !set {
		return UnknownValue(attr + " is not set")
	}
	return v
}

func (b *builder) boolean(r *resource, attr string) bool {
	raw, _ := r.values[attr]
	v, ok := raw.(bool)
	if raw != nil && !ok {
		b.errorf(r, attr, "expected a bool, found %s", jsonKind(raw))
	}
	return v
}

// strList reads a list or set of strings. whole is true when the whole list is unknown;
// otherwise unknown elements are unknown Values.
func (b *builder) strList(r *resource, attr string) (vals []Value, set, whole bool) {
	if r.unknownAt(attr) {
		return nil, true, true
	}
	raw, ok := r.values[attr]
	if !ok || raw == nil {
		return nil, false, false
	}
	list, ok := raw.([]any)
	if !ok {
		b.errorf(r, attr, "expected a list of strings, found %s", jsonKind(raw))
		return nil, false, false
	}
	for i, e := range list {
		switch s := e.(type) {
		case string:
			vals = append(vals, KnownValue(s))
		case nil:
			if r.unknownAt(attr, i) {
				vals = append(vals, UnknownValue(ReasonAfterApply))
			}
		default:
			b.errorf(r, fmt.Sprintf("%s[%d]", attr, i), "expected a string, found %s", jsonKind(e))
		}
	}
	return vals, true, false
}

func jsonKind(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case bool:
		return "a bool"
	case float64, json.Number:
		return "a number"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T", v)
}

// tags reads tags_all, or tags when the provider adds no default tags (tags_all is then the
// same map but Terraform marks it unknown for new resources).
func (b *builder) tags(r *resource) Tags {
	if t, ok := b.tagMap(r, "tags_all"); ok {
		return t
	}
	if b.defaultTags() {
		return Tags{}
	}
	if r.unknownAt("tags") {
		return Tags{}
	}
	t, _ := b.tagMap(r, "tags")
	if !t.Known && r.values["tags"] == nil {
		return Tags{Known: true}
	}
	return t
}

func (b *builder) tagMap(r *resource, attr string) (Tags, bool) {
	if r.unknownAt(attr) {
		return Tags{}, false
	}
	raw, ok := r.values[attr]
	if !ok || raw == nil {
		return Tags{}, false
	}
	m, ok := raw.(map[string]any)
	if !ok {
		b.errorf(r, attr, "expected a map of strings, found %s", jsonKind(raw))
		return Tags{}, false
	}
	t := Tags{Known: true}
	for k, v := range m {
		s, ok := v.(string)
		if !ok || r.unknownAt(attr, k) {
			return Tags{}, false
		}
		if t.Values == nil {
			t.Values = make(map[string]string, len(m))
		}
		t.Values[k] = s
	}
	return t, true
}

// defaultTags reports whether any AWS provider configuration sets default_tags.
func (b *builder) defaultTags() bool {
	if b.cfg == nil {
		return false
	}
	for _, pc := range b.cfg.ProviderConfigs {
		if pc != nil && pc.Name == "aws" && pc.Expressions["default_tags"] != nil {
			return true
		}
	}
	return false
}

// document reads a policy JSON attribute: attr itself when nested is nil, else the attribute
// nested names inside block attr. When the configuration takes it from an
// aws_iam_policy_document data source, the data source is recorded and, when the attribute
// itself is unknown, its json is used if known.
func (b *builder) document(r *resource, attr string, nested *blockAttr) Document {
	path := attr
	var v Value
	var set bool
	var e *expression
	if nested != nil {
		path = fmt.Sprintf("%s[%d].%s", attr, nested.index, nested.attr)
		v, set = b.nestedStr(r, attr, nested.index, nested.attr)
		e = b.expression(r, attr, *nested)
	} else {
		v, set = b.str(r, attr)
		e = b.expression(r, attr)
	}
	doc := Document{Source: Source{Address: r.addr, Attribute: path}}
	targets, opaque := b.targets(r, e)
	for _, t := range targets {
		if t.mode == "data" && t.typ == "aws_iam_policy_document" {
			doc.DataSource = t.addr
			break
		}
	}
	switch {
	case !set:
		doc.JSON = UnknownValue(path + " is not set")
	case v.Known:
		doc.JSON = v
	case doc.DataSource != "" && len(targets) == 1 && len(opaque) == 0:
		// The expression names only the data source, so its json is the attribute's value.
		doc.JSON = b.dataDocument(doc.DataSource)
	case doc.DataSource != "":
		doc.JSON = UnknownValue(path + " is " + ReasonAfterApply + ": it combines " + doc.DataSource + " with other values")
	default:
		doc.JSON = v
	}
	return doc
}

// dataDocument returns the json of an aws_iam_policy_document data source.
func (b *builder) dataDocument(addr string) Value {
	ds := b.byAddr[addr]
	if ds == nil {
		return UnknownValue(addr + " is not in the plan")
	}
	v, set := b.str(ds, "json")
	if !set {
		return UnknownValue(addr + ".json is not set")
	}
	if !v.Known {
		return UnknownValue(addr + " is read only during apply: its arguments are " + ReasonAfterApply)
	}
	return v
}

func (b *builder) nestedStr(r *resource, block string, i int, attr string) (Value, bool) {
	if r.unknownAt(block, i, attr) {
		return UnknownValue(ReasonAfterApply), true
	}
	list, _ := r.values[block].([]any)
	if i >= len(list) {
		return Value{}, false
	}
	obj, ok := list[i].(map[string]any)
	if !ok {
		b.errorf(r, fmt.Sprintf("%s[%d]", block, i), "expected an object, found %s", jsonKind(list[i]))
		return Value{}, false
	}
	raw := obj[attr]
	if raw == nil {
		return Value{}, false
	}
	s, ok := raw.(string)
	if !ok {
		b.errorf(r, fmt.Sprintf("%s[%d].%s", block, i, attr), "expected a string, found %s", jsonKind(raw))
		return UnknownValue("not a string in the plan"), true
	}
	return KnownValue(s), true
}

// ---- principals and policies

func (b *builder) declareRole(r *resource) {
	role := &Role{
		Address: r.addr,
		Name:    b.optional(r, "name"),
		ARN:     b.optional(r, "arn"),
		Path:    b.optional(r, "path"),
		Trust:   b.document(r, "assume_role_policy", nil),
		Tags:    b.tags(r),
	}
	b.roles[r.addr] = role
	b.acct.Roles = append(b.acct.Roles, role)
}

func (b *builder) declareUser(r *resource) {
	u := &User{
		Address: r.addr,
		Name:    b.optional(r, "name"),
		ARN:     b.optional(r, "arn"),
		Path:    b.optional(r, "path"),
		Tags:    b.tags(r),
	}
	b.users[r.addr] = u
	b.acct.Users = append(b.acct.Users, u)
}

func (b *builder) declareGroup(r *resource) {
	g := &Group{
		Address: r.addr,
		Name:    b.optional(r, "name"),
		ARN:     b.optional(r, "arn"),
		Path:    b.optional(r, "path"),
	}
	b.groups[r.addr] = g
	b.acct.Groups = append(b.acct.Groups, g)
}

func (b *builder) declarePolicy(r *resource) {
	p := &CustomerManagedPolicy{
		Address:  r.addr,
		Name:     b.optional(r, "name"),
		Path:     b.optional(r, "path"),
		ARN:      b.optional(r, "arn"),
		Document: b.document(r, "policy", nil),
		Tags:     b.tags(r),
	}
	b.policies[r.addr] = p
	b.acct.Policies = append(b.acct.Policies, p)
}

func (b *builder) declareOrgPolicy(r *resource) {
	typ := SCP // the provider's default type
	if v, set := b.str(r, "type"); set {
		if !v.Known {
			b.acct.Unresolved = append(b.acct.Unresolved, Unresolved{
				Source: Source{Address: r.addr, Attribute: "type"},
				Reason: "the policy type is " + ReasonAfterApply,
			})
			return
		}
		switch OrgPolicyType(v.Text) {
		case SCP, RCP:
			typ = OrgPolicyType(v.Text)
		default:
			b.orgOther[r.addr] = true // tag, backup, AI opt-out policies do not decide access
			return
		}
	}
	p := &OrgPolicy{
		Address:  r.addr,
		Name:     b.optional(r, "name"),
		Type:     typ,
		ID:       b.optional(r, "id"),
		ARN:      b.optional(r, "arn"),
		Document: b.document(r, "content", nil),
	}
	b.orgs[r.addr] = p
	b.acct.OrgPolicies = append(b.acct.OrgPolicies, p)
}

// linkRole adds what aws_iam_role itself attaches: inline_policy blocks, managed_policy_arns
// and the permissions boundary. When the configuration does not set inline_policy or
// managed_policy_arns, the provider reads back every inline or attached policy of the role;
// the model keeps that read-back (it may hold policies made outside Terraform) without what
// separate resources attach (see dedupe and dropDeleted).
func (b *builder) linkRole(r *resource) {
	role := b.roles[r.addr]
	role.Boundary = b.boundary(r)
	inlineConfigured := b.configured(r, "inline_policy")
	switch {
	case r.unknownAt("inline_policy") && inlineConfigured:
		b.unresolved(r, "inline_policy", "the inline policies are "+ReasonAfterApply)
	case r.unknownAt("inline_policy"):
		// Not configured: after apply the role has the inline policies that separate
		// resources write, and those are modelled themselves.
	default:
		list, _ := r.values["inline_policy"].([]any)
		for i := range list {
			name, set := b.nestedStr(r, "inline_policy", i, "name")
			if !set {
				name = UnknownValue("name is not set")
			}
			role.Inline = append(role.Inline, &InlinePolicy{Name: name, Document: b.document(r, "inline_policy", &blockAttr{index: i, attr: "policy"})})
		}
		if !inlineConfigured && len(list) > 0 {
			b.readBackInline[role] = true
		}
	}
	managedConfigured := b.configured(r, "managed_policy_arns")
	if managedConfigured || !r.unknownAt("managed_policy_arns") {
		list := b.policyList(r, "managed_policy_arns")
		role.Managed = append(role.Managed, list...)
		if !managedConfigured && len(list) > 0 {
			b.readBackManaged[role] = true
		}
	}
}

// dropDeleted removes from the planned roles' read-back what the plan detaches: the planned
// value of a computed inline_policy or managed_policy_arns repeats the prior read-back, which
// still lists the policies of separate resources that the plan destroys.
func (b *builder) dropDeleted() {
	for _, role := range b.acct.Roles {
		prior := b.prior.roles[role.Address]
		if role.External || prior == nil {
			continue
		}
		gone := func(addr string) bool { return addr != role.Address && b.byAddr[addr] == nil }
		if b.readBackInline[role] {
			names := make(map[string]bool)
			for _, p := range prior.Inline {
				if gone(p.Document.Source.Address) && p.Name.Known {
					names[p.Name.Text] = true
				}
			}
			kept := role.Inline[:0]
			for _, p := range role.Inline {
				if p.Document.Source.Address == role.Address && p.Name.Known && names[p.Name.Text] {
					continue
				}
				kept = append(kept, p)
			}
			role.Inline = kept
		}
		if b.readBackManaged[role] {
			arns := make(map[string]bool)
			for _, a := range prior.Managed {
				if gone(a.Source.Address) && a.ARN.Known {
					arns[a.ARN.Text] = true
				}
			}
			kept := role.Managed[:0]
			for _, a := range role.Managed {
				if a.Source.Address == role.Address && a.ARN.Known && arns[a.ARN.Text] {
					continue
				}
				kept = append(kept, a)
			}
			role.Managed = kept
		}
	}
}

// boundary reads permissions_boundary of a role or user.
func (b *builder) boundary(r *resource) *PolicyAttachment {
	v, set := b.str(r, "permissions_boundary")
	if !set || (v.Known && v.Text == "") {
		return nil
	}
	return b.attachment(r, "permissions_boundary", v)
}

// attachment makes a policy attachment from a policy ARN attribute of r.
func (b *builder) attachment(r *resource, attr string, v Value) *PolicyAttachment {
	a := &PolicyAttachment{Source: Source{Address: r.addr, Attribute: attr}, ARN: v}
	if v.Known {
		a.Policy = b.policyByARN(v.Text)
		return a
	}
	found, reason := b.referenced(r, b.expression(r, attr), false, "aws_iam_policy")
	if len(found) == 1 && reason == "" {
		a.Policy = b.policies[found[0].res.addr]
		a.Ref = found[0].ref
		return a
	}
	if reason == "" {
		reason = "its configuration references several policies"
	}
	a.ARN = UnknownValue("the policy ARN is " + ReasonAfterApply + " and " + reason)
	return a
}

func (b *builder) policyByARN(arn string) *CustomerManagedPolicy {
	for _, p := range b.acct.Policies {
		if p.ARN.Known && p.ARN.Text == arn {
			return p
		}
	}
	return nil
}

// policyList reads a list of policy ARNs; unknown elements are paired with the customer
// policies that the configuration references.
func (b *builder) policyList(r *resource, attr string) []*PolicyAttachment {
	vals, set, whole := b.strList(r, attr)
	if !set {
		return nil
	}
	found, reason := b.referenced(r, b.expression(r, attr), true, "aws_iam_policy")
	var out []*PolicyAttachment
	src := func(i int) Source {
		if whole {
			return Source{Address: r.addr, Attribute: attr}
		}
		return Source{Address: r.addr, Attribute: fmt.Sprintf("%s[%d]", attr, i)}
	}
	// Only referenced policies whose ARN is unknown can be the unknown elements.
	var candidates []resolved
	for _, f := range found {
		if p := b.policies[f.res.addr]; p != nil && !p.ARN.Known {
			candidates = append(candidates, f)
		}
	}
	unknownCount := 0
	for _, v := range vals {
		if !v.Known {
			unknownCount++
		}
	}
	if whole {
		if len(candidates) == 0 {
			return []*PolicyAttachment{{Source: src(0), ARN: UnknownValue("the list is " + ReasonAfterApply + " and " + orNone(reason))}}
		}
		for _, c := range candidates {
			out = append(out, &PolicyAttachment{Source: src(0), ARN: UnknownValue(ReasonAfterApply), Policy: b.policies[c.res.addr], Ref: c.ref})
		}
		if reason != "" {
			out = append(out, &PolicyAttachment{Source: src(0), ARN: UnknownValue("part of the list is " + ReasonAfterApply + ": " + reason)})
		}
		return out
	}
	pair := unknownCount == len(candidates)
	next := 0
	for i, v := range vals {
		if v.Known {
			out = append(out, &PolicyAttachment{Source: src(i), ARN: v, Policy: b.policyByARN(v.Text)})
			continue
		}
		if pair {
			c := candidates[next]
			next++
			out = append(out, &PolicyAttachment{Source: src(i), ARN: v, Policy: b.policies[c.res.addr], Ref: c.ref})
			continue
		}
		out = append(out, &PolicyAttachment{Source: src(i), ARN: UnknownValue(fmt.Sprintf(
			"the ARN is %s and the configuration references %d policies with unknown ARNs for %d unknown elements",
			ReasonAfterApply, len(candidates), unknownCount))})
	}
	return out
}

func orNone(reason string) string {
	if reason == "" {
		return "nothing resolves it"
	}
	return reason
}

func (b *builder) unresolved(r *resource, attr, reason string) {
	b.acct.Unresolved = append(b.acct.Unresolved, Unresolved{Source: Source{Address: r.addr, Attribute: attr}, Reason: reason})
}

// ---- finding principals named by other resources

// principalKind describes how roles, users and groups are found by name or reference.
type principalKind struct {
	typ  string // aws_iam_role, aws_iam_user, aws_iam_group
	noun string // role, user, group
}

var (
	roleKind  = principalKind{"aws_iam_role", "role"}
	userKind  = principalKind{"aws_iam_user", "user"}
	groupKind = principalKind{"aws_iam_group", "group"}
)

// principalRef is a role, user or group named by an attribute.
type principalRef struct {
	role  *Role
	user  *User
	group *Group
}

// principalNamed returns the declared principal with a known name, or an external one.
func (b *builder) principalNamed(k principalKind, name string) principalRef {
	switch k.typ {
	case roleKind.typ:
		if role := b.acct.RoleNamed(name); role != nil {
			return principalRef{role: role}
		}
		role := &Role{External: true, Name: KnownValue(name)}
		why := "role " + name + " is not declared in this plan"
		role.ARN, role.Path, role.Trust.JSON = UnknownValue(why), UnknownValue(why), UnknownValue(why)
		b.acct.Roles = append(b.acct.Roles, role)
		return principalRef{role: role}
	case userKind.typ:
		if u := b.acct.UserNamed(name); u != nil {
			return principalRef{user: u}
		}
		why := "user " + name + " is not declared in this plan"
		u := &User{External: true, Name: KnownValue(name), ARN: UnknownValue(why), Path: UnknownValue(why)}
		b.acct.Users = append(b.acct.Users, u)
		return principalRef{user: u}
	default:
		if g := b.acct.GroupNamed(name); g != nil {
			return principalRef{group: g}
		}
		why := "group " + name + " is not declared in this plan"
		g := &Group{External: true, Name: KnownValue(name), ARN: UnknownValue(why), Path: UnknownValue(why)}
		b.acct.Groups = append(b.acct.Groups, g)
		return principalRef{group: g}
	}
}

func (b *builder) principalAt(k principalKind, addr string) principalRef {
	switch k.typ {
	case roleKind.typ:
		return principalRef{role: b.roles[addr]}
	case userKind.typ:
		return principalRef{user: b.users[addr]}
	default:
		return principalRef{group: b.groups[addr]}
	}
}

// principal finds the role, user or group that a single name attribute of r names.
func (b *builder) principal(r *resource, attr string, k principalKind) (principalRef, string) {
	v, set := b.str(r, attr)
	if !set {
		return principalRef{}, attr + " is not set"
	}
	if v.Known {
		return b.principalNamed(k, v.Text), ""
	}
	found, reason := b.referenced(r, b.expression(r, attr), false, k.typ)
	if len(found) == 1 && reason == "" {
		return b.principalAt(k, found[0].res.addr), ""
	}
	if reason == "" {
		reason = "its configuration references several " + k.noun + "s"
	}
	return principalRef{}, "the " + k.noun + " is " + ReasonAfterApply + " and " + reason
}

// principals finds the roles, users or groups that a list attribute of r names. Unknown
// elements are resolved through the configuration's references.
func (b *builder) principals(r *resource, attr string, k principalKind) (refs []principalRef, problems []string) {
	vals, set, whole := b.strList(r, attr)
	if !set {
		return nil, nil
	}
	unknownCount := 0
	for _, v := range vals {
		if v.Known {
			refs = append(refs, b.principalNamed(k, v.Text))
		} else {
			unknownCount++
		}
	}
	if unknownCount == 0 && !whole {
		return refs, nil
	}
	found, reason := b.referenced(r, b.expression(r, attr), true, k.typ)
	var candidates []principalRef
	for _, f := range found {
		p := b.principalAt(k, f.res.addr)
		if !principalName(p).Known {
			candidates = append(candidates, p)
		}
	}
	switch {
	case whole && len(candidates) > 0:
		refs = append(refs, candidates...)
		if reason != "" {
			problems = append(problems, "part of "+attr+" is "+ReasonAfterApply+": "+reason)
		}
	case whole:
		problems = append(problems, attr+" is "+ReasonAfterApply+" and "+orNone(reason))
	case unknownCount == len(candidates):
		refs = append(refs, candidates...)
	default:
		problems = append(problems, fmt.Sprintf("%d elements of %s are %s and the configuration references %d %ss with unknown names",
			unknownCount, attr, ReasonAfterApply, len(candidates), k.noun))
	}
	return refs, problems
}

func principalName(p principalRef) Value {
	switch {
	case p.role != nil:
		return p.role.Name
	case p.user != nil:
		return p.user.Name
	case p.group != nil:
		return p.group.Name
	}
	return Value{}
}

// ---- attachment resources

var inlineKinds = map[string]principalKind{
	"aws_iam_role_policy":             roleKind,
	"aws_iam_user_policy":             userKind,
	"aws_iam_group_policy":            groupKind,
	"aws_iam_role_policy_attachment":  roleKind,
	"aws_iam_user_policy_attachment":  userKind,
	"aws_iam_group_policy_attachment": groupKind,
}

func (b *builder) inlinePolicy(r *resource) {
	k := inlineKinds[r.typ]
	p := &InlinePolicy{Name: b.optional(r, "name"), Document: b.document(r, "policy", nil)}
	target, reason := b.principal(r, k.noun, k)
	switch {
	case target.role != nil:
		target.role.Inline = append(target.role.Inline, p)
	case target.user != nil:
		target.user.Inline = append(target.user.Inline, p)
	case target.group != nil:
		target.group.Inline = append(target.group.Inline, p)
	default:
		b.unresolved(r, k.noun, reason)
	}
}

func (b *builder) policyAttachment(r *resource) {
	k := inlineKinds[r.typ]
	v, set := b.str(r, "policy_arn")
	if !set {
		b.unresolved(r, "policy_arn", "policy_arn is not set")
		return
	}
	a := b.attachment(r, "policy_arn", v)
	target, reason := b.principal(r, k.noun, k)
	switch {
	case target.role != nil:
		target.role.Managed = append(target.role.Managed, a)
	case target.user != nil:
		target.user.Managed = append(target.user.Managed, a)
	case target.group != nil:
		target.group.Managed = append(target.group.Managed, a)
	default:
		b.unresolved(r, k.noun, reason)
	}
}

// multiAttachment models aws_iam_policy_attachment, which attaches one policy to lists of
// users, roles and groups (and exclusively: it detaches the policy from all others).
func (b *builder) multiAttachment(r *resource) {
	v, set := b.str(r, "policy_arn")
	if !set {
		b.unresolved(r, "policy_arn", "policy_arn is not set")
		return
	}
	for _, k := range []principalKind{userKind, roleKind, groupKind} {
		attr := k.noun + "s"
		refs, problems := b.principals(r, attr, k)
		for _, p := range refs {
			a := b.attachment(r, "policy_arn", v)
			switch {
			case p.role != nil:
				p.role.Managed = append(p.role.Managed, a)
			case p.user != nil:
				p.user.Managed = append(p.user.Managed, a)
			case p.group != nil:
				p.group.Managed = append(p.group.Managed, a)
			}
		}
		for _, why := range problems {
			b.unresolved(r, attr, why)
		}
	}
}

func (b *builder) join(src Source, u *User, g *Group) {
	m := &Membership{Source: src, User: u, Group: g}
	u.Groups = append(u.Groups, m)
	g.Members = append(g.Members, m)
}

func (b *builder) groupMembership(r *resource) {
	g, reason := b.principal(r, "group", groupKind)
	if g.group == nil {
		b.unresolved(r, "group", reason)
		return
	}
	users, problems := b.principals(r, "users", userKind)
	for _, u := range users {
		b.join(Source{Address: r.addr, Attribute: "users"}, u.user, g.group)
	}
	for _, why := range problems {
		b.unresolved(r, "users", why)
	}
}

func (b *builder) userGroupMembership(r *resource) {
	u, reason := b.principal(r, "user", userKind)
	if u.user == nil {
		b.unresolved(r, "user", reason)
		return
	}
	groups, problems := b.principals(r, "groups", groupKind)
	for _, g := range groups {
		b.join(Source{Address: r.addr, Attribute: "groups"}, u.user, g.group)
	}
	for _, why := range problems {
		b.unresolved(r, "groups", why)
	}
}

func (b *builder) accessKey(r *resource) {
	k := &AccessKey{Address: r.addr, Status: b.optional(r, "status")}
	u, reason := b.principal(r, "user", userKind)
	if u.user != nil {
		k.User = u.user
		u.user.AccessKeys = append(u.user.AccessKeys, k)
	} else {
		b.unresolved(r, "user", reason)
	}
	b.acct.AccessKeys = append(b.acct.AccessKeys, k)
}

func (b *builder) loginProfile(r *resource) {
	lp := &LoginProfile{Address: r.addr, PasswordResetRequired: b.boolean(r, "password_reset_required")}
	u, reason := b.principal(r, "user", userKind)
	if u.user != nil {
		lp.User = u.user
		u.user.LoginProfile = lp
	} else {
		b.unresolved(r, "user", reason)
	}
	b.acct.LoginProfiles = append(b.acct.LoginProfiles, lp)
}

func (b *builder) orgAttachment(r *resource) {
	target := &OrgTarget{Source: Source{Address: r.addr, Attribute: "target_id"}, ID: b.optional(r, "target_id")}
	if !target.ID.Known {
		if t, _ := b.targets(r, b.expression(r, "target_id")); len(t) == 1 {
			target.Ref = t[0].ref
		}
	}
	var policy *OrgPolicy
	v, set := b.str(r, "policy_id")
	switch {
	case !set:
		b.unresolved(r, "policy_id", "policy_id is not set")
		return
	case v.Known:
		for _, p := range b.acct.OrgPolicies {
			if p.ID.Known && p.ID.Text == v.Text {
				policy = p
			}
		}
		if policy == nil {
			for addr := range b.orgOther {
				if id, _ := b.str(b.byAddr[addr], "id"); id.Known && id.Text == v.Text {
					return // a tag or backup policy: no part in access
				}
			}
			b.unresolved(r, "policy_id", "policy "+v.Text+" is not declared in this plan")
			return
		}
	default:
		found, reason := b.referenced(r, b.expression(r, "policy_id"), false, "aws_organizations_policy")
		if len(found) == 1 && reason == "" {
			if b.orgOther[found[0].res.addr] {
				return
			}
			policy = b.orgs[found[0].res.addr]
		}
		if policy == nil {
			b.unresolved(r, "policy_id", "the policy id is "+ReasonAfterApply+" and "+orNone(reason))
			return
		}
	}
	policy.Targets = append(policy.Targets, target)
}

// ---- resource policies

// resourcePolicySpec says how a resource type carries a resource policy.
type resourcePolicySpec struct {
	kind ResourceKind
	// targetAttr names the target (bucket, queue_url, ...); "" when the resource is its own
	// target (aws_kms_key).
	targetAttr string
	targetType string   // the resource type of the target
	matchAttrs []string // attributes of the target that targetAttr's value may equal
	nameAttr   string   // the target's name attribute
	// onlyConfigured: the policy attribute is also a read-back of a separate policy
	// resource, so it counts only when the configuration sets it.
	onlyConfigured bool
	// policyAttr is the attribute that holds the document; "" means "policy".
	policyAttr string
}

// attr returns the attribute that holds the document.
func (s resourcePolicySpec) attr() string {
	if s.policyAttr == "" {
		return "policy"
	}
	return s.policyAttr
}

// The argument names are those of the AWS provider's schemas (terraform providers schema -json
// with hashicorp/aws 5.100.0) and its documentation.
var resourcePolicySpecs = map[string]resourcePolicySpec{
	"aws_s3_bucket_policy":             {kind: S3Bucket, targetAttr: "bucket", targetType: "aws_s3_bucket", matchAttrs: []string{"bucket", "id"}, nameAttr: "bucket"},
	"aws_sqs_queue_policy":             {kind: SQSQueue, targetAttr: "queue_url", targetType: "aws_sqs_queue", matchAttrs: []string{"url", "id"}, nameAttr: "name"},
	"aws_sns_topic_policy":             {kind: SNSTopic, targetAttr: "arn", targetType: "aws_sns_topic", matchAttrs: []string{"arn", "id"}, nameAttr: "name"},
	"aws_kms_key_policy":               {kind: KMSKey, targetAttr: "key_id", targetType: "aws_kms_key", matchAttrs: []string{"key_id", "id", "arn"}, nameAttr: "key_id"},
	"aws_secretsmanager_secret_policy": {kind: Secret, targetAttr: "secret_arn", targetType: "aws_secretsmanager_secret", matchAttrs: []string{"arn", "id"}, nameAttr: "name"},
	"aws_ecr_repository_policy":        {kind: ECRRepository, targetAttr: "repository", targetType: "aws_ecr_repository", matchAttrs: []string{"name", "id"}, nameAttr: "name"},
	"aws_lambda_permission":            {kind: LambdaFunction, targetAttr: "function_name", targetType: "aws_lambda_function", matchAttrs: []string{"function_name", "arn", "id"}, nameAttr: "function_name"},
	"aws_opensearch_domain_policy":     {kind: SearchDomain, targetAttr: "domain_name", targetType: "aws_opensearch_domain", matchAttrs: []string{"domain_name"}, nameAttr: "domain_name", policyAttr: "access_policies"},
	"aws_elasticsearch_domain_policy":  {kind: SearchDomain, targetAttr: "domain_name", targetType: "aws_elasticsearch_domain", matchAttrs: []string{"domain_name"}, nameAttr: "domain_name", policyAttr: "access_policies"},
	"aws_efs_file_system_policy":       {kind: EFSFileSystem, targetAttr: "file_system_id", targetType: "aws_efs_file_system", matchAttrs: []string{"id"}, nameAttr: "id"},
	"aws_api_gateway_rest_api_policy":  {kind: RestAPI, targetAttr: "rest_api_id", targetType: "aws_api_gateway_rest_api", matchAttrs: []string{"id"}, nameAttr: "name"},
	// Resources with a policy argument of their own.
	"aws_kms_key":               {kind: KMSKey, targetType: "aws_kms_key", nameAttr: "key_id"},
	"aws_s3_bucket":             {kind: S3Bucket, targetType: "aws_s3_bucket", nameAttr: "bucket", onlyConfigured: true},
	"aws_sqs_queue":             {kind: SQSQueue, targetType: "aws_sqs_queue", nameAttr: "name", onlyConfigured: true},
	"aws_sns_topic":             {kind: SNSTopic, targetType: "aws_sns_topic", nameAttr: "name", onlyConfigured: true},
	"aws_secretsmanager_secret": {kind: Secret, targetType: "aws_secretsmanager_secret", nameAttr: "name", onlyConfigured: true},
	"aws_opensearch_domain":     {kind: SearchDomain, targetType: "aws_opensearch_domain", nameAttr: "domain_name", onlyConfigured: true, policyAttr: "access_policies"},
	"aws_elasticsearch_domain":  {kind: SearchDomain, targetType: "aws_elasticsearch_domain", nameAttr: "domain_name", onlyConfigured: true, policyAttr: "access_policies"},
	"aws_api_gateway_rest_api":  {kind: RestAPI, targetType: "aws_api_gateway_rest_api", nameAttr: "name", onlyConfigured: true},
	"aws_glacier_vault":         {kind: GlacierVault, targetType: "aws_glacier_vault", nameAttr: "name", onlyConfigured: true, policyAttr: "access_policy"},
}

func (b *builder) resourcePolicy(r *resource, spec resourcePolicySpec) {
	if spec.onlyConfigured && !b.configured(r, spec.attr()) {
		return
	}
	rp := &ResourcePolicy{Kind: spec.kind}
	if spec.targetAttr == "" {
		if b.keyPolicyOverrides(r) {
			return // an aws_kms_key_policy sets this key's policy; the key's own is a read-back
		}
		rp.Target = Target{Address: r.addr, Name: b.optional(r, spec.nameAttr), ARN: b.optional(r, "arn")}
		rp.Target.ID = rp.Target.ARN
		if spec.kind == RestAPI {
			// The policy governs execute-api:/... of the API, which is named by its id (its
			// arn attribute is the apigateway ARN of the API's configuration).
			rp.Target.ID = b.optional(r, "id")
		}
	} else {
		rp.Target = b.target(r, spec)
	}
	if r.typ == "aws_lambda_permission" {
		rp.Document = b.lambdaDocument(r, rp.Target)
	} else {
		rp.Document = b.document(r, spec.attr(), nil)
		switch {
		case rp.Document.JSON.Known || r.typ != "aws_kms_key":
		case !b.hasConfig():
			rp.Document.JSON = UnknownValue("the key policy is " + ReasonAfterApply + ", and the plan has no configuration section to tell whether it is AWS's default key policy")
		case !b.configured(r, "policy"):
			rp.Document.JSON = UnknownValue("no policy is configured: AWS gives the key its default key policy")
		}
	}
	b.acct.ResourcePolicies = append(b.acct.ResourcePolicies, rp)
}

// keyPolicyOverrides reports whether an aws_kms_key_policy of this state targets the key r.
func (b *builder) keyPolicyOverrides(r *resource) bool {
	if r.typ != "aws_kms_key" || b.configured(r, "policy") {
		return false
	}
	if b.keyPolicyTargets == nil {
		b.keyPolicyTargets = make(map[string]bool)
		spec := resourcePolicySpecs["aws_kms_key_policy"]
		for _, o := range b.byType["aws_kms_key_policy"] {
			if addr := b.target(o, spec).Address; addr != "" {
				b.keyPolicyTargets[addr] = true
			}
		}
	}
	return b.keyPolicyTargets[r.addr]
}

// target finds the resource a policy resource applies to.
func (b *builder) target(r *resource, spec resourcePolicySpec) Target {
	t := Target{ID: b.optional(r, spec.targetAttr)}
	var tr *resource
	if t.ID.Known {
		for _, o := range b.byType[spec.targetType] {
			for _, a := range spec.matchAttrs {
				if v, _ := b.str(o, a); v.Known && v.Text == t.ID.Text {
					tr = o
				}
			}
		}
	} else {
		found, reason := b.referenced(r, b.expression(r, spec.targetAttr), false, spec.targetType)
		if len(found) == 1 && reason == "" {
			tr, t.Ref = found[0].res, found[0].ref
		} else {
			if reason == "" {
				reason = "its configuration references several " + spec.targetType + " resources"
			}
			t.ID = UnknownValue(spec.targetAttr + " is " + ReasonAfterApply + " and " + reason)
		}
	}
	if tr == nil {
		why := "the target is not declared in this plan"
		if !t.ID.Known {
			why = t.ID.Reason
		}
		t.Name, t.ARN = UnknownValue(why), UnknownValue(why)
		if t.ID.Known && strings.HasPrefix(t.ID.Text, "arn:") {
			t.ARN = t.ID // topic and secret policies, and some Lambda permissions, name the target by ARN
		}
		return t
	}
	t.Address = tr.addr
	t.Name = b.optional(tr, spec.nameAttr)
	t.ARN = b.optional(tr, "arn")
	return t
}

// lambdaStatement is the statement that Lambda's AddPermission writes into the function's
// resource policy; field order follows Lambda's GetPolicy output.
type lambdaStatement struct {
	Sid       string                       `json:"Sid,omitempty"`
	Effect    string                       `json:"Effect"`
	Principal any                          `json:"Principal"`
	Action    string                       `json:"Action"`
	Resource  string                       `json:"Resource"`
	Condition map[string]map[string]string `json:"Condition,omitempty"`
}

// lambdaDocument builds the one-statement policy of an aws_lambda_permission. The Resource is
// the function's ARN (with the qualifier) when known, else "*": the statement is attached to
// its Target, so "*" grants nothing beyond that function.
func (b *builder) lambdaDocument(r *resource, t Target) Document {
	doc := Document{Source: Source{Address: r.addr, Attribute: "(permission)"}}
	st := lambdaStatement{Effect: "Allow", Resource: "*"}
	if sid, set := b.str(r, "statement_id"); set && sid.Known {
		st.Sid = sid.Text
	}
	needed := func(attr string) (string, bool) {
		v, set := b.str(r, attr)
		if !set {
			doc.JSON = UnknownValue(attr + " is not set")
			return "", false
		}
		if !v.Known {
			doc.JSON = UnknownValue(attr + " is " + ReasonAfterApply)
			return "", false
		}
		return v.Text, true
	}
	action, ok := needed("action")
	if !ok {
		return doc
	}
	principal, ok := needed("principal")
	if !ok {
		return doc
	}
	st.Action = action
	st.Principal = lambdaPrincipal(principal)
	switch {
	case t.ARN.Known:
		st.Resource = t.ARN.Text
	case strings.HasPrefix(t.ID.Text, "arn:"):
		st.Resource = t.ID.Text
	}
	if q, set := b.str(r, "qualifier"); set {
		if !q.Known {
			doc.JSON = UnknownValue("qualifier is " + ReasonAfterApply)
			return doc
		}
		if q.Text != "" && st.Resource != "*" {
			st.Resource += ":" + q.Text
		}
	}
	conditions := []struct{ attr, op, key string }{
		{"source_arn", "ArnLike", "AWS:SourceArn"},
		{"source_account", "StringEquals", "AWS:SourceAccount"},
		{"principal_org_id", "StringEquals", "aws:PrincipalOrgID"},
		{"event_source_token", "StringEquals", "lambda:EventSourceToken"},
		{"function_url_auth_type", "StringEquals", "lambda:FunctionUrlAuthType"},
	}
	for _, c := range conditions {
		v, set := b.str(r, c.attr)
		if !set {
			continue
		}
		if !v.Known {
			doc.JSON = UnknownValue(c.attr + " is " + ReasonAfterApply)
			return doc
		}
		if st.Condition == nil {
			st.Condition = make(map[string]map[string]string)
		}
		if st.Condition[c.op] == nil {
			st.Condition[c.op] = make(map[string]string)
		}
		st.Condition[c.op][c.key] = v.Text
	}
	text, err := json.Marshal(struct {
		Version   string            `json:"Version"`
		Statement []lambdaStatement `json:"Statement"`
	}{"2012-10-17", []lambdaStatement{st}})
	if err != nil {
		doc.JSON = UnknownValue("cannot encode the permission: " + err.Error())
		return doc
	}
	doc.JSON = KnownValue(string(text))
	return doc
}

// lambdaPrincipal turns AddPermission's principal argument into a policy principal.
func lambdaPrincipal(p string) any {
	switch {
	case p == "*":
		return "*"
	case len(p) == 12 && strings.Trim(p, "0123456789") == "":
		return map[string]string{"AWS": "arn:aws:iam::" + p + ":root"}
	case strings.HasPrefix(p, "arn:"):
		return map[string]string{"AWS": p}
	case strings.Contains(p, ".amazonaws.com"):
		return map[string]string{"Service": p}
	}
	return map[string]string{"AWS": p}
}

// ---- duplicates

// dedupe removes what a role's own inline_policy and managed_policy_arns arguments repeat of
// separate attachment resources: the same policy attached twice is one attachment in AWS.
func (b *builder) dedupe() {
	for _, role := range b.acct.Roles {
		role.Inline = dedupeInline(role.Address, role.Inline)
		role.Managed = dedupeManaged(role.Address, role.Managed)
	}
	for _, u := range b.acct.Users {
		u.Managed = dedupeManaged(u.Address, u.Managed)
	}
	for _, g := range b.acct.Groups {
		g.Managed = dedupeManaged(g.Address, g.Managed)
	}
}

func dedupeInline(owner string, list []*InlinePolicy) []*InlinePolicy {
	separate := make(map[string]bool)
	for _, p := range list {
		if p.Name.Known && p.Document.Source.Address != owner {
			separate[p.Name.Text] = true
		}
	}
	out := list[:0]
	for _, p := range list {
		if p.Document.Source.Address == owner && p.Name.Known && separate[p.Name.Text] {
			continue
		}
		out = append(out, p)
	}
	return out
}

func attachmentKey(a *PolicyAttachment) string {
	switch {
	case a.Policy != nil:
		return "policy " + a.Policy.Address
	case a.ARN.Known:
		return "arn " + a.ARN.Text
	}
	return ""
}

func dedupeManaged(owner string, list []*PolicyAttachment) []*PolicyAttachment {
	separate := make(map[string]bool)
	for _, a := range list {
		if k := attachmentKey(a); k != "" && a.Source.Address != owner {
			separate[k] = true
		}
	}
	out := list[:0]
	for _, a := range list {
		if k := attachmentKey(a); k != "" && a.Source.Address == owner && separate[k] {
			continue
		}
		out = append(out, a)
	}
	return out
}
