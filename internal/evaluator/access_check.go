package evaluator

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/iamguard/terraform-provider-iam/internal/catalog"
	"github.com/iamguard/terraform-provider-iam/internal/jsonpos"
)

// AccessCheck is a set of rules about what one principal can and cannot do: forbid rules (no
// request of a set may be allowed, decided by Analyze) and require rules (concrete requests
// that must be allowed, decided by Authorize). It is what the `check` command reads from one
// line and what the iam_access_check resource builds from its configuration.
type AccessCheck struct {
	ID string
	// Principal is the caller of every rule (as Request.Principal); a require may name another.
	Principal string
	// UnknownPrincipal, when not nil, replaces Principal by a principal known only by its kind
	// and account (a role or user created in the same plan): every rule must hold for each
	// ARN it could have (see UnknownPrincipal.Candidates).
	UnknownPrincipal *UnknownPrincipal
	// ResourceAccount fixes the account of the resources (as Request.ResourceAccount).
	ResourceAccount string
	// Context holds the condition keys fixed for every rule.
	Context Context
	// PrincipalTags, when not nil, are all of the principal's tags (Question.PrincipalTags):
	// every other tag key is absent. When nil, the principal's tags are free.
	PrincipalTags map[string]string
	// Policies are the caller's policies and the organisation's SCPs and RCPs; Policies.Resource
	// is not used: ResourcePolicies gives each resource its policy.
	Policies         PolicySet
	ResourcePolicies []ResourcePolicy
	Forbid           []ForbidRule
	Require          []Request
}

// ForbidRule says that no request with an action matching one of Actions and a resource
// matching one of Resources may be allowed, whatever its context besides the keys of Context.
type ForbidRule struct {
	Actions   []string
	Resources []string
	Context   Context
}

// CheckReport is the outcome of an AccessCheck. A check passes when every list is empty.
type CheckReport struct {
	Violations []Violation
	Unmet      []UnmetRequire
	Undecided  []UndecidedForbid
}

// Passed reports whether every rule holds. An undecided forbid does not hold: the check fails
// closed.
func (r *CheckReport) Passed() bool {
	return len(r.Violations) == 0 && len(r.Unmet) == 0 && len(r.Undecided) == 0
}

// Violation is a forbid rule that some request breaks.
type Violation struct {
	Forbid int // index in AccessCheck.Forbid
	// Principal is the caller of the witness: the check's principal, or for an unknown
	// principal the candidate ARN that the witness holds for.
	Principal PrincipalCandidate
	// Witness is an allowed request of the forbidden set, checked with Authorize; its
	// ResourceAccount is always filled in.
	Witness Request
	// Statements are the Allow statements that grant the witness.
	Statements []StatementRef
}

// GrantsFirst orders the statements that allow a request so that what grants the access comes
// first: the principal's own policies and the resource's policy, then the session policy and
// the boundary, which only let it through, then the organisation's guard rails (the SCP and RCP
// statements, often FullAWSAccess, that merely do not stop it). The order within each group
// is kept.
func GrantsFirst(allows []StatementRef) []StatementRef {
	rank := func(k PolicyKind) int {
		switch k {
		case KindIdentity, KindResource:
			return 0
		case KindSession, KindPermissionsBoundary:
			return 1
		}
		return 2
	}
	out := append([]StatementRef(nil), allows...)
	sort.SliceStable(out, func(i, j int) bool { return rank(out[i].Kind) < rank(out[j].Kind) })
	return out
}

// DescribeGrants says which statements allow a request, as a sentence fragment after "It is
// allowed by": what grants the access first (identity and resource policies), then the
// session policy and boundary that let it through, then the guard rails (SCPs and RCPs) that
// merely do not stop it, summarised in one clause so that FullAWSAccess does not read as the
// culprit.
func DescribeGrants(allows []StatementRef) string {
	if len(allows) == 0 {
		return "no statement (a grant the flow implies)"
	}
	var grants, filters, rails []string
	for _, s := range allows {
		switch s.Kind {
		case KindIdentity, KindResource:
			grants = append(grants, s.String())
		case KindSession, KindPermissionsBoundary:
			filters = append(filters, s.String())
		default:
			rails = append(rails, s.String())
		}
	}
	var parts []string
	if len(grants) > 0 {
		parts = append(parts, strings.Join(grants, ", "))
	}
	if len(filters) > 0 {
		parts = append(parts, "let through by "+strings.Join(filters, ", "))
	}
	if len(rails) > 0 {
		parts = append(parts, "not stopped by the organisation's guard rails ("+strings.Join(rails, ", ")+")")
	}
	return strings.Join(parts, "; ")
}

// UnmetRequire is a require rule whose request is not allowed.
type UnmetRequire struct {
	Require int // index in AccessCheck.Require
	// Request is the request as evaluated (for an unknown principal, with the candidate ARN
	// that cannot make it).
	Request Request
	Named   bool // for an unknown principal: the candidate is an ARN that a policy names
	Result  Result
}

// UndecidedForbid is a forbid rule that the analysis could not decide.
type UndecidedForbid struct {
	Forbid int
	Reason string
}

// Run decides every rule of the check. budget bounds the analysis of all its forbid rules
// together (0: DefaultBudget).
// The error is for a check that cannot be evaluated at all: a malformed principal.
func (c *AccessCheck) Run(opts Options, budget int) (CheckReport, error) {
	return c.RunContext(context.Background(), opts, budget)
}

// RunContext is Run that ends when ctx is done: the forbid rules not decided by then are
// Undecided.
func (c *AccessCheck) RunContext(ctx context.Context, opts Options, budget int) (CheckReport, error) {
	var report CheckReport
	principals, err := c.principals(budget)
	if err != nil {
		return report, err
	}
	// Values no request can carry (a network in aws:SourceIp, two values of a single-valued
	// key) are errors of the input, not an undecided question.
	if err := checkFixedContext(&c.Context); err != nil {
		return report, err
	}
	for i := range c.Forbid {
		if ps := c.Forbid[i].Problems(); len(ps) > 0 {
			return report, fmt.Errorf("forbid[%d].%s[%d]: %s", i, ps[0].Field, ps[0].Index, ps[0].Problem)
		}
		if err := checkFixedContext(&c.Forbid[i].Context); err != nil {
			return report, fmt.Errorf("forbid[%d].%v", i, err)
		}
	}
	for i := range c.Require {
		if msg := ResourcePatternProblem(c.Require[i].Resource); msg != "" {
			return report, fmt.Errorf("require[%d].resource: %s", i, msg)
		}
	}
	// One budget for the whole check: its forbid rules (and, for an unknown principal, their
	// candidates) share it, so that a check's work is bounded as a whole.
	total := budget
	if total <= 0 {
		total = DefaultBudget
	}
	spent := 0
	for i := range c.Forbid {
		if principals.undecided != "" {
			report.Undecided = append(report.Undecided, UndecidedForbid{Forbid: i, Reason: principals.undecided})
			continue
		}
		// A forbid holds when it holds for every candidate principal; an allowed request of any
		// of them is the violation shown, else an undecided one fails the rule.
		var undecidedReason string
		var violation *Violation
		for _, p := range principals.candidates {
			if spent >= total {
				undecidedReason = fmt.Sprintf("the check's budget (%d) was spent before this rule was decided", total)
				break
			}
			a := c.analyzeForbid(ctx, i, p.ARN, opts, total-spent)
			spent += a.Searched
			if a.NoRequest {
				return report, fmt.Errorf("forbid[%d]: the rule matches no request: %s", i, a.Reason)
			}
			if a.Outcome == Allowed {
				w := *a.Witness
				w.ResourceAccount = EffectiveResourceAccount(&w)
				violation = &Violation{Forbid: i, Principal: p, Witness: w, Statements: GrantsFirst(a.Result.Allows)}
				break
			}
			if a.Outcome == Undecided && undecidedReason == "" {
				undecidedReason = a.Reason
			}
		}
		switch {
		case violation != nil:
			report.Violations = append(report.Violations, *violation)
		case undecidedReason != "":
			report.Undecided = append(report.Undecided, UndecidedForbid{Forbid: i, Reason: undecidedReason})
		}
	}
	for i := range c.Require {
		for _, p := range principals.requireCallers() {
			req := c.RequireRequest(i)
			if c.Require[i].Principal == "" {
				req.Principal = p.ARN
			}
			ps := c.Policies
			ps.Resource = ResourcePolicyFor(c.ResourcePolicies, req.Resource)
			res, err := Authorize(&ps, &req, opts)
			if err != nil {
				return report, fmt.Errorf("require[%d]: %v", i, err)
			}
			if res.Decision != Allow {
				report.Unmet = append(report.Unmet, UnmetRequire{Require: i, Request: req, Named: p.Named, Result: res})
				break
			}
		}
	}
	return report, nil
}

// checkPrincipals are the callers a check is decided for: its principal, or the candidates
// standing for an unknown principal (none, with the reason, when they cannot be listed).
type checkPrincipals struct {
	candidates []PrincipalCandidate
	undecided  string
	fallback   string // the caller of require rules when the candidates cannot be listed
}

func (p *checkPrincipals) requireCallers() []PrincipalCandidate {
	if len(p.candidates) == 0 {
		return []PrincipalCandidate{{ARN: p.fallback}}
	}
	return p.candidates
}

func (c *AccessCheck) principals(budget int) (checkPrincipals, error) {
	if c.UnknownPrincipal == nil {
		if _, err := ParseCaller(c.Principal); err != nil {
			return checkPrincipals{}, fmt.Errorf("principal: %v", err)
		}
		return checkPrincipals{candidates: []PrincipalCandidate{{ARN: c.Principal}}}, nil
	}
	u := *c.UnknownPrincipal
	if err := u.Validate(); err != nil {
		return checkPrincipals{}, fmt.Errorf("principal: %v", err)
	}
	candidates, err := u.Candidates(c.policiesOf(), budget)
	var und undecidedError
	switch {
	case errors.As(err, &und):
		return checkPrincipals{undecided: und.reason, fallback: u.prefix() + "/known-after-apply"}, nil
	case err != nil:
		return checkPrincipals{}, fmt.Errorf("principal: %v", err)
	}
	return checkPrincipals{candidates: candidates}, nil
}

// analyzeForbid analyses forbid rule i for one caller.
func (c *AccessCheck) analyzeForbid(ctx context.Context, i int, principal string, opts Options, budget int) Answer {
	f := c.Forbid[i]
	q := &Question{
		Principal:        principal,
		Policies:         c.Policies,
		ResourcePolicies: c.ResourcePolicies,
		Actions:          f.Actions,
		Resources:        f.Resources,
		ResourceAccount:  c.ResourceAccount,
		Context:          mergeContexts(c.Context, f.Context),
		PrincipalTags:    c.PrincipalTags,
		Options:          opts,
		Budget:           budget,
		Done:             ctx.Done(),
	}
	q.Policies.Resource = nil
	return Analyze(q)
}

// RequireRequest is require rule i as it is evaluated: the check's principal and resource
// account where the rule gives none, and the rule's context over the check's.
func (c *AccessCheck) RequireRequest(i int) Request {
	req := c.Require[i]
	if req.Principal == "" {
		req.Principal = c.Principal
	}
	if req.ResourceAccount == "" {
		req.ResourceAccount = c.ResourceAccount
	}
	req.Context = mergeContexts(c.Context, req.Context)
	return req
}

// PatternProblem is an entry of a forbid or require rule that no request AWS can receive
// matches: a rule with one would hold, or fail, without checking anything.
type PatternProblem struct {
	// Field is "actions" or "resources"; Index is the entry's position in it.
	Field string
	Index int
	Value string
	// Problem says what is wrong and what was expected, as a sentence.
	Problem string
}

// Problems lists the entries of the rule that can match no request: an action pattern that
// matches no action of the catalogue, or a resource pattern that is neither "*" nor an ARN
// pattern (arn:partition:service:region:account:resource). Every front end (the resource, the
// check command, the guard's rules) reports them as errors at the entry's location.
func (f *ForbidRule) Problems() []PatternProblem {
	var out []PatternProblem
	for i, p := range f.Actions {
		if msg := ActionPatternProblem(p); msg != "" {
			out = append(out, PatternProblem{Field: "actions", Index: i, Value: p, Problem: msg})
		}
	}
	for i, p := range f.Resources {
		if msg := ResourcePatternProblem(p); msg != "" {
			out = append(out, PatternProblem{Field: "resources", Index: i, Value: p, Problem: msg})
		}
	}
	if len(out) > 0 {
		return out
	}
	return f.pairProblems()
}

// pairProblems reports a rule whose actions act on none of its resources (every resource
// entry, then, is a problem). A request pairs an action with a resource of one
// of its resource types, or with "*" when the action takes none (the Service Authorization
// Reference), so such a rule checks nothing.
func (f *ForbidRule) pairProblems() []PatternProblem {
	var out []PatternProblem
	matches := map[*catalog.ResourceType]map[string]bool{}
	actsOn := func(act catalog.Action, pattern string) bool {
		types, _, anything := actionTypes(act)
		if pattern == "*" || anything {
			return true
		}
		for _, rt := range types {
			m := matches[rt]
			if m == nil {
				m = map[string]bool{}
				matches[rt] = m
			}
			v, ok := m[pattern]
			if !ok {
				v = rt.MatchesARN(pattern)
				m[pattern] = v
			}
			if v {
				return true
			}
		}
		return false
	}
	resourceHits := make([]bool, len(f.Resources))
	for _, p := range f.Actions {
		idx := catalog.ExpandActionPattern(p)
		if len(idx) == 0 { // a literal action the catalogue does not know: nothing is known
			for k := range resourceHits {
				resourceHits[k] = true
			}
			continue
		}
		for k, r := range f.Resources {
			if resourceHits[k] {
				continue
			}
			for _, a := range idx {
				if actsOn(catalog.ActionByIndex(a), r) {
					resourceHits[k] = true
					break
				}
			}
		}
	}
	// An entry that pairs with nothing while others do is tolerated (a rule listing bucket and
	// object actions over object ARNs is common); a rule in which nothing pairs is vacuous.
	for _, hit := range resourceHits {
		if hit {
			return nil
		}
	}
	for k := range resourceHits {
		out = append(out, PatternProblem{Field: "resources", Index: k, Value: f.Resources[k],
			Problem: fmt.Sprintf("no action of the rule (%s) acts on a resource that %q matches, so the rule matches no request; an action acts on the ARNs of its resource types (%s), or on \"*\" when it takes no resource", quoteJoin(f.Actions), f.Resources[k], actionTypeSummary(f.Actions))})
	}
	return out
}

// quoteJoin lists values JSON-quoted, separated by commas.
func quoteJoin(vs []string) string {
	q := make([]string, len(vs))
	for i, v := range vs {
		q[i] = strconv.Quote(v)
	}
	return strings.Join(q, ", ")
}

// actionTypeSummary names the resource types of the actions a pattern matches (a few, with
// an example ARN format), for messages.
func actionTypeSummary(patterns []string) string {
	seen := map[string]bool{}
	var names []string
	star := false
	var idx []int
	for _, p := range patterns {
		idx = catalog.AppendActionPattern(idx, p)
	}
	for _, i := range idx {
		types, s, _ := actionTypes(catalog.ActionByIndex(i))
		star = star || s
		for _, rt := range types {
			n := rt.Service + " " + rt.Name + " (" + rt.ARNFormats()[0] + ")"
			if !seen[n] {
				seen[n] = true
				names = append(names, n)
			}
		}
	}
	sort.Strings(names)
	if len(names) > 3 {
		names = append(names[:3], fmt.Sprintf("and %d more", len(names)-3))
	}
	if star {
		names = append(names, `"*" for those without a required resource type`)
	}
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, "; ")
}

// ActionPatternProblem returns why an action pattern of a forbid rule matches no action, or "".
// A pattern must match an action of the catalogue: a misspelt or retired name would make the
// rule hold trivially.
func ActionPatternProblem(p string) string {
	switch {
	case p == "":
		return `empty; expected a "service:Action" pattern such as "iam:*"`
	case p == "*":
		return ""
	case !strings.Contains(p, ":"):
		return fmt.Sprintf(`%q is not an action pattern; expected "service:Action" with * and ? as wildcards, such as "iam:*" or "s3:Delete*"`, p)
	case len(catalog.ExpandActionPattern(p)) == 0:
		return fmt.Sprintf("%q matches no action of the service reference data (%s); check the spelling", p, catalog.DataVersion())
	}
	return ""
}

// ResourcePatternProblem returns why a resource pattern of a forbid or require rule cannot
// match a resource, or "". A pattern is "*" or an ARN pattern with its six segments
// (arn:partition:service:region:account:resource, wildcards allowed); a bucket or role name
// where an ARN belongs (the `.bucket` instead of `.arn` slip) matches no request.
func ResourcePatternProblem(p string) string {
	switch {
	case p == "":
		return `empty; expected "*" or an ARN pattern such as "arn:aws:s3:::bucket/*"`
	case p == "*":
		return ""
	case len(p) > 4 && strings.EqualFold(p[:4], "arn:") && !strings.HasPrefix(p, "arn:"):
		// ARNs are case-sensitive: "ARN:aws:..." matches no resource.
		return fmt.Sprintf(`%q is not an ARN pattern: an ARN starts with "arn:" in lower case, as in %q`, p, "arn:"+p[4:])
	case !strings.HasPrefix(p, "arn:"):
		return fmt.Sprintf(`%q is not an ARN pattern; expected "*" or arn:partition:service:region:account:resource, such as "arn:aws:s3:::%s" (a name is not an ARN: use the resource's arn attribute)`, p, strings.Trim(p, "/*"))
	case strings.Count(p, ":") < 5:
		return fmt.Sprintf(`%q has %d of the six segments of an ARN; expected arn:partition:service:region:account:resource (empty segments keep their colons, as in "arn:aws:s3:::bucket")`, p, strings.Count(p, ":")+1)
	}
	return ""
}

// mergeContexts returns base with the keys of over added or replaced.
func mergeContexts(base, over Context) Context {
	out := base.Clone()
	for _, v := range over.m {
		v.Values = append([]string(nil), v.Values...)
		out.put(v)
	}
	return out
}

// EffectiveResourceAccount is the account that owns the request's resource, as the evaluator
// reads it: ResourceAccount when set, else the resource ARN's account field, else the
// principal's account. It is "" for a request whose principal is malformed.
func EffectiveResourceAccount(req *Request) string {
	e, err := newEvalContext(req)
	if err != nil {
		return ""
	}
	return e.resourceAccount
}

// ResourcePolicyFor returns the resource policy of a resource: the policy whose pattern
// matches it, the statements of all of them when several do (named "a + b"), or nil when none
// does. Patterns match as the Resource element does. The analysis merges the same way for the
// resources of a forbid rule, so a require and a forbid on one resource see the same policy.
func ResourcePolicyFor(policies []ResourcePolicy, resource string) *Policy {
	return mergeResourcePolicies(policies, func(i int) bool {
		return compileResourceGlob(policies[i].Pattern).match(resource)
	})
}

// Fields of a check (a case's fields without request.action and request.resource, with
// resourcePolicies, forbid and require) and of its parts. resourcePolicy, request.action and
// request.resource are known so that their errors can say where the check wants them.
var (
	checkFields        = []string{"id", "request", "identityPolicies", "resourcePolicy", "resourcePolicies", "permissionsBoundary", "sessionPolicy", "scps", "rcps", "forbid", "require"}
	checkRequestFields = []string{"principal", "resourceAccount", "context", "principalTags", "action", "resource"}
	forbidFields       = []string{"actions", "resources", "context"}
	requireFields      = []string{"principal", "action", "resource", "resourceAccount", "context"}
)

// ParseAccessCheck reads one check line with the default limits (see ParseAccessCheckLimits).
func ParseAccessCheck(line []byte) (*AccessCheck, error) {
	return ParseAccessCheckLimits(line, InputLimits{})
}

// ParsePrincipal reads one line of the `access` command: a check's principal and policies,
// without rules (forbid and require are refused: access lists what is allowed).
func ParsePrincipal(line []byte) (*AccessCheck, error) {
	return ParsePrincipalLimits(line, InputLimits{})
}

// ParsePrincipalLimits is ParsePrincipal with the input limits of the command line.
func ParsePrincipalLimits(line []byte, limits InputLimits) (*AccessCheck, error) {
	c, err := parseAccessCheck(line, limits, false)
	if err == nil && (len(c.Forbid) > 0 || len(c.Require) > 0) {
		return nil, errors.New("forbid, require: not used by access, which lists everything the principal may do; use check to test rules")
	}
	return c, err
}

// ParseAccessCheckLimits reads one check line. As for ParseCaseLimits, unknown fields, fields
// given twice in any letter case and fields of the wrong type are errors (a misspelt "forbid"
// would otherwise make a check pass with no rule at all), and every error is an *InputError
// naming the field and its line and column, and for a policy the JSON path and the line and
// column within that policy.
func ParseAccessCheckLimits(line []byte, limits InputLimits) (*AccessCheck, error) {
	return parseAccessCheck(line, limits, true)
}

func parseAccessCheck(line []byte, limits InputLimits, needRules bool) (*AccessCheck, error) {
	r, root, err := readInputText(line, "check", limits, policyFields...)
	if err != nil {
		return nil, err
	}
	c, err := r.readAccessCheck(root, needRules)
	if err != nil {
		return nil, r.syntaxFirst(err)
	}
	return c, nil
}

// readAccessCheck reads the check of a line read as root.
func (r *inputReader) readAccessCheck(root *jsonpos.Node, needRules bool) (*AccessCheck, error) {
	top, err := r.object(root, "", checkFields, true)
	if err != nil {
		return nil, err
	}
	c := &AccessCheck{}
	if c.ID, err = top.id(); err != nil {
		return nil, err
	}
	req, err := top.object("request", checkRequestFields)
	if err != nil {
		return nil, err
	}
	if req == nil {
		return nil, r.errorAt(root, "request.principal", `missing; a check needs the principal whose access it checks (write "anonymous" for unsigned requests)`)
	}
	for _, k := range []string{"action", "resource"} {
		if n := req.get(k); n != nil {
			return nil, r.errorAt(n, req.field(k), "a check takes no action or resource; put them in forbid (sets of requests) or require (single requests)")
		}
	}
	var caller CallerIdentity
	if c.Principal, caller, err = req.principal("principal"); err != nil {
		return nil, err
	}
	if c.ResourceAccount, err = req.str("resourceAccount"); err != nil {
		return nil, err
	}
	if req.has("principalTags") {
		tags, err := req.members("principalTags", "tag values", true)
		if err != nil {
			return nil, err
		}
		c.PrincipalTags = make(map[string]string, len(tags))
		for i := range tags {
			if tags[i].Value.Kind != jsonpos.String {
				return nil, r.errorAt(&tags[i].Value, fmt.Sprintf("request.principalTags[%q]", tags[i].Key), "expected a string (the tag's value), found %s", jsonpos.Describe(&tags[i].Value))
			}
			c.PrincipalTags[tags[i].Key] = tags[i].Value.Text
		}
	}
	if err := req.context(&c.Context); err != nil {
		return nil, err
	}
	if n := top.get("resourcePolicy"); n != nil {
		return nil, r.errorAt(n, "resourcePolicy", `not used by a check; give resource policies as "resourcePolicies": {"ARN or ARN pattern": policy}`)
	}
	if c.Policies, err = top.callerPolicies(); err != nil {
		return nil, err
	}
	if err := top.identitySide("request.principal", caller, &c.Policies); err != nil {
		return nil, err
	}
	rps, err := top.members("resourcePolicies", "policies by resource ARN pattern", false)
	if err != nil {
		return nil, err
	}
	// Sorted, so that explanations do not depend on the order of the keys.
	for _, m := range sortedMembers(rps) {
		name := fmt.Sprintf("resourcePolicies[%q]", m.Key)
		if m.Key == "" {
			return nil, &InputError{Line: m.KeyPos.Line, Column: m.KeyPos.Column, Field: name, Message: "empty key; expected a resource ARN or ARN pattern"}
		}
		p, err := r.policy(&m.Value, name)
		if err != nil {
			return nil, err
		}
		if p == nil {
			return nil, r.errorAt(&m.Value, name, "null; expected a policy document")
		}
		c.ResourcePolicies = append(c.ResourcePolicies, ResourcePolicy{Pattern: m.Key, Policy: p})
	}
	forbid, err := top.array("forbid", "forbid rules")
	if err != nil {
		return nil, err
	}
	require, err := top.array("require", "require rules")
	if err != nil {
		return nil, err
	}
	if needRules && len(forbid) == 0 && len(require) == 0 {
		return nil, r.errorAt(root, "forbid, require", "both missing or empty; a check needs at least one rule")
	}
	for i := range forbid {
		at := fmt.Sprintf("forbid[%d]", i)
		f, err := r.object(&forbid[i], at, forbidFields, false)
		if err != nil {
			return nil, err
		}
		var rule ForbidRule
		if rule.Actions, err = f.patterns("actions", `"service:Action" patterns such as "iam:*"`); err != nil {
			return nil, err
		}
		if rule.Resources, err = f.patterns("resources", `ARN patterns, or "*" for every resource`); err != nil {
			return nil, err
		}
		if err := f.context(&rule.Context); err != nil {
			return nil, err
		}
		c.Forbid = append(c.Forbid, rule)
	}
	for i := range require {
		at := fmt.Sprintf("require[%d]", i)
		rq, err := r.object(&require[i], at, requireFields, false)
		if err != nil {
			return nil, err
		}
		var req Request
		if req.Action, err = rq.str("action"); err != nil {
			return nil, err
		}
		if req.Action == "" {
			return nil, r.errorAt(rq.node, at+".action", `missing or empty; expected "service:Action"`)
		}
		if req.Resource, err = rq.str("resource"); err != nil {
			return nil, err
		}
		if req.Resource == "" {
			return nil, r.errorAt(rq.node, at+".resource", `missing or empty; expected an ARN, or "*" for actions without a resource`)
		}
		if req.ResourceAccount, err = rq.str("resourceAccount"); err != nil {
			return nil, err
		}
		if n := rq.get("principal"); n != nil {
			if n.Kind == jsonpos.String && n.Text == "" {
				return nil, r.errorAt(n, at+".principal", `empty; leave it out for the check's principal, or write "anonymous"`)
			}
			var other CallerIdentity
			if req.Principal, other, err = rq.principal("principal"); err != nil {
				return nil, err
			}
			if err := top.identitySide(at+".principal", other, &c.Policies); err != nil {
				return nil, err
			}
		}
		if err := rq.context(&req.Context); err != nil {
			return nil, err
		}
		c.Require = append(c.Require, req)
	}
	return c, nil
}

// patterns reads a non-empty array of non-empty strings.
func (o *inputObject) patterns(key, expected string) ([]string, error) {
	list, err := o.strings(key, expected)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, o.r.errorAt(o.node, o.field(key), "missing or empty; expected %s", expected)
	}
	elems := o.get(key).Elems
	for i, s := range list {
		if s == "" {
			return nil, o.r.errorAt(&elems[i], fmt.Sprintf("%s[%d]", o.field(key), i), "empty; expected %s", expected)
		}
	}
	return list, nil
}

// DescribeRequest names a request in one line for messages, with its context keys sorted:
// `iam:CreateUser on arn:aws:iam::111122223333:user/x (account 111122223333) with
// aws:SourceIp=10.0.0.1`. The principal is left out: messages name it once.
func DescribeRequest(req *Request) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s on %s", req.Action, req.Resource)
	if req.ResourceAccount != "" {
		fmt.Fprintf(&b, " (account %s)", req.ResourceAccount)
	}
	if req.Context.Len() > 0 {
		b.WriteString(" with ")
		for i, k := range req.Context.Keys() {
			if i > 0 {
				b.WriteString(", ")
			}
			v, _ := req.Context.Lookup(k)
			if v.Multi {
				fmt.Fprintf(&b, "%s=[%s]", k, strings.Join(v.Values, ", "))
			} else {
				fmt.Fprintf(&b, "%s=%s", k, v.Values[0])
			}
		}
	}
	return b.String()
}

// checkFixedContext rejects a value that a check fixes and that no request carries: besides
// checkContextValues, a value that is not of its key's type in the Service Authorization
// Reference (an address that does not parse, a Bool other than true or false, a number or
// date that does not parse). Fixing one would make the forbid set match no request, and the
// rule would hold without checking anything.
func checkFixedContext(c *Context) error {
	if err := checkContextValues(c); err != nil {
		return err
	}
	for _, k := range c.Keys() {
		v, _ := c.Lookup(k)
		key, ok := catalog.LookupConditionKey(v.Key)
		if !ok {
			continue
		}
		for _, x := range v.Values {
			var valid bool
			switch key.Type {
			case catalog.TypeIPAddress:
				_, valid = parseIPOrPrefix(x)
			case catalog.TypeBool:
				_, valid = parseBool(x)
			case catalog.TypeNumeric:
				_, valid = parseDecimal(x)
			case catalog.TypeDate:
				_, valid = parseDate(x)
			default:
				valid = true
			}
			if !valid {
				return fmt.Errorf("context: %s is of type %s, and %q is not such a value, so no request carries it", v.Key, key.Type, x)
			}
		}
	}
	return nil
}
