// Package guard checks the account model of a Terraform plan (internal/tfplan): access rules
// (forbid, require, new access), public and cross-account access, administrative access,
// role chains, best practices and policy validation, each asked of the engine
// (internal/evaluator), and writes the findings as text, JSON, SARIF or Markdown.
package guard

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	ev "github.com/iamguard/terraform-provider-iam/internal/evaluator"
	"github.com/iamguard/terraform-provider-iam/internal/tfplan"
	"github.com/iamguard/terraform-provider-iam/internal/validate"
)

// guard is one run of the checks over one plan.
type guard struct {
	ctx   context.Context // ends the engine's questions (CheckContext)
	plan  *tfplan.Plan
	rules *Rules
	// account is the account the plan deploys into (see inferAccount); accountKnown is false
	// for the placeholder.
	account       string
	accountSource string
	accountKnown  bool

	prior, planned *world
	parsed         map[string]parsedPolicy
	// building is the world being built: documents are validated only while the planned
	// world is built, and only where the plan changes them.
	buildingPlanned bool
	validated       map[string]bool
	// practices holds, by document and policy type, the validator's findings that the best
	// practice checks report (practices.go), with the policy they are about.
	practices  map[docKey]practiceFindings
	orgUnknown []unknownPart

	allowCache map[*ev.Policy]allowActions
	mayCache   map[reduceKey]bool
	scopes     map[reduceKey]resourceScope
	actionSets map[string]pruner

	findings []Finding
	seen     map[string]bool
}

// Check runs every check of the rules over the plan and returns the findings.
func Check(p *tfplan.Plan, rules *Rules) *Report {
	return CheckContext(context.Background(), p, rules)
}

// CheckContext is Check that stops deciding when ctx is done (a --timeout): every question
// still open is then undecided, and the report has an undecided finding that says so.
func CheckContext(ctx context.Context, p *tfplan.Plan, rules *Rules) *Report {
	return prepare(ctx, p, rules).check()
}

// Progress is told which check the guard is at: stage i of n (i == n when all are done, with
// name ""). The command line shows it on a terminal; it must return quickly.
type Progress func(name string, i, n int)

type progressKey struct{}

// WithProgress returns a context under which CheckContext reports its progress to f.
func WithProgress(ctx context.Context, f Progress) context.Context {
	return context.WithValue(ctx, progressKey{}, f)
}

func progressOf(ctx context.Context) Progress {
	if f, ok := ctx.Value(progressKey{}).(Progress); ok && f != nil {
		return f
	}
	return func(string, int, int) {}
}

// check runs the checks over the prepared account and returns the report.
func (g *guard) check() *Report {
	ctx, p := g.ctx, g.plan
	stages := []struct {
		name string
		run  func()
	}{
		{"coverage", g.checkCoverage}, {"unresolved values", g.checkUnresolved},
		{"forbid rules", g.checkForbid}, {"require rules", g.checkRequire},
		{"new access", g.checkNewAccess}, {"new administrators", g.checkNewAdmin},
		{"public access", g.checkPublicAccess}, {"cross-account access", g.checkCrossAccount},
		{"access keys", g.checkAccessKeys}, {"administrator policies", g.checkAdminPolicies},
		{"console MFA", g.checkConsoleMFA}, {"open trust", g.checkOpenTrust},
		{"iam:PassRole on *", g.checkPassRoleWildcard}, {"existing compute", g.checkExistingCompute},
		{"inline policy quotas", g.checkInlineQuotas}, {"users", g.checkUsers},
	}
	report := progressOf(ctx)
	for i, st := range stages {
		report(st.name, i, len(stages))
		st.run()
	}
	report("", len(stages), len(stages))
	if err := ctx.Err(); err != nil {
		g.add(Finding{Code: CodeUndecided, Rule: "time limit", Address: p.Name,
			Message: "not decided: the guard's time limit ended before every check was decided (" + err.Error() + "); the questions still open then are undecided, not passed"})
	}

	g.applyWaivers(time.Now())
	sortFindings(g.findings)
	return &Report{Plan: p.Name, Account: g.account, AccountSource: g.accountSource, Findings: g.findings}
}

// prepare builds the account before and after the plan, ready for the checks (and for the
// access diff).
func prepare(ctx context.Context, p *tfplan.Plan, rules *Rules) *guard {
	if rules == nil {
		rules = DefaultRules()
	}
	g := newGuard(p, rules)
	g.ctx = ctx
	g.account, g.accountSource, g.accountKnown = g.inferAccount()

	g.prior = newWorld(g, p.Prior())
	g.orgUnknown = nil
	g.buildingPlanned = true
	g.planned = newWorld(g, p.Planned())
	g.buildingPlanned = false
	return g
}

func newGuard(p *tfplan.Plan, rules *Rules) *guard {
	return &guard{ctx: context.Background(), plan: p, rules: rules, parsed: map[string]parsedPolicy{}, validated: map[string]bool{},
		practices: map[docKey]practiceFindings{},
		seen:      map[string]bool{}, actionSets: map[string]pruner{},
		allowCache: map[*ev.Policy]allowActions{}, mayCache: map[reduceKey]bool{},
		scopes: map[reduceKey]resourceScope{}}
}

// checkCoverage reports what the plan holds that the guard does not check: resource types it
// does not model, and a plan without its configuration section.
func (g *guard) checkCoverage() {
	if !g.plan.HasConfiguration {
		g.add(Finding{Code: CodeNoConfiguration, Address: g.plan.Name,
			Message: "the plan has no configuration section: policies and attachments whose values are known only after apply cannot be traced to the resources they name (they are undecided), and arguments the configuration leaves to the provider cannot be told from ones it sets; the guard read what the planned values hold"})
	}
	for _, nc := range g.plan.Planned().NotChecked {
		g.add(Finding{Code: CodeNotChecked, Address: nc.Source.Address, Attribute: nc.Source.Attribute,
			Message: fmt.Sprintf("%s.%s carries access that the guard does not model (%s): it was not checked", nc.Source.Address, nc.Source.Attribute, nc.Type)})
	}
}

// add records a finding at the level the rules give its code, once.
func (g *guard) add(f Finding) {
	level := g.rules.level(f.Code)
	if level == levelOff {
		return
	}
	if f.Level == 0 {
		f.Level = level
	} else if l, set := g.rules.Levels[f.Code]; set {
		f.Level = l
	}
	key := strings.Join([]string{f.Code, f.Rule, f.Address, f.Attribute, f.Principal, f.Message}, "\x00")
	if g.seen[key] {
		return
	}
	g.seen[key] = true
	g.findings = append(g.findings, f)
}

// undecided records that a check could not be decided.
func (g *guard) undecided(check, principal, principalAddr string, u unknownPart) {
	addr := u.Address
	if addr == "" {
		addr = principalAddr
	}
	g.add(Finding{Code: CodeUndecided, Rule: check, Address: addr, Attribute: u.Attribute,
		Principal: principal, PrincipalAddress: principalAddr,
		Message: "not decided: " + u.Reason})
}

// changed reports whether the plan creates or updates the resource at address.
func (g *guard) changed(address string) bool {
	for _, a := range g.plan.Actions(address) {
		if a == "create" || a == "update" {
			return true
		}
	}
	return false
}

// validate runs policy validation on a document that the plan creates or changes, pol being
// the document parsed: the validator reads the parsed policy, it does not parse it again.
func (g *guard) validate(d tfplan.Document, pol *ev.Policy, opts validate.ValidateOptions) {
	if !g.buildingPlanned || !d.JSON.Known || !g.changed(d.Source.Address) {
		return
	}
	key := d.Source.String() + "\x00" + string(opts.Type) + "\x00" + opts.ResourceType
	if g.validated[key] {
		return
	}
	g.validated[key] = true
	rule := g.rules.Validation
	findings := validate.ValidateParsed([]byte(d.JSON.Text), pol, opts)
	g.keepPractices(docKey{d.Source, opts.Type}, pol, findings)
	for _, vf := range findings {
		if !vf.Severity.AtLeast(rule.Report) {
			continue
		}
		level := LevelWarning
		if vf.Severity.AtLeast(rule.Fail) {
			level = LevelError
		}
		where := vf.Path
		if vf.Line > 0 {
			where = fmt.Sprintf("%s (line %d, column %d of the policy)", vf.Path, vf.Line, vf.Column)
		}
		if where == "" {
			where = "the document"
		}
		g.add(Finding{Code: CodeValidation, Level: level, Address: d.Source.Address, Attribute: d.Source.Attribute,
			Message: fmt.Sprintf("%s %s at %s: %s", vf.Severity, vf.Code, where, vf.Message), Validation: &vf})
	}
}

// ---- the account

// inferAccount decides which account the plan deploys into: the rules' account; else the
// account of ARNs that the plan knows for its own principals and resources; else the
// account that the plan's resource policies name for their own resource; else a
// placeholder, with which every account a policy names counts as another account.
func (g *guard) inferAccount() (id, source string, known bool) {
	if g.rules.Account != "" {
		return g.rules.Account, "the rules file", true
	}
	counts := map[string]int{}
	var evidence = map[string]string{}
	note := func(acct, why string) {
		if isAccountID(acct) {
			counts[acct]++
			if evidence[acct] == "" {
				evidence[acct] = why
			}
		}
	}
	for _, a := range []*tfplan.Account{g.plan.Planned(), g.plan.Prior()} {
		for _, r := range a.Roles {
			if !r.External && r.ARN.Known {
				note(arnAccount(r.ARN.Text), "the ARN of "+r.Address)
			}
		}
		for _, u := range a.Users {
			if !u.External && u.ARN.Known {
				note(arnAccount(u.ARN.Text), "the ARN of "+u.Address)
			}
		}
		for _, p := range a.Policies {
			if p.ARN.Known {
				note(arnAccount(p.ARN.Text), "the ARN of "+p.Address)
			}
		}
	}
	if acct := mostNamed(counts); acct != "" {
		return acct, "inferred from " + evidence[acct] + "; set account in the rules to be sure", true
	}
	for _, rp := range g.plan.Planned().ResourcePolicies {
		for _, acct := range g.ownAccountNamedBy(rp) {
			note(acct, "the policy of "+rp.Document.Source.Address+", which names its own resource in that account")
		}
	}
	if acct := mostNamed(counts); acct != "" {
		return acct, "inferred from " + evidence[acct] + "; set account in the rules to be sure", true
	}
	return placeholderAccount, "a placeholder: the plan names no account of its own (set account in the rules); cross-account findings name every account the policies name, and role chains take any of them to be possibly the plan's own", false
}

func mostNamed(counts map[string]int) string {
	best, n := "", 0
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if counts[k] > n {
			best, n = k, counts[k]
		}
	}
	return best
}

// ownAccountNamedBy returns the accounts that a resource policy names as the owner of its own
// resource: a Resource element that is the target's ARN (an SQS queue or SNS topic of the
// plan, by name), and the account root that a key policy delegates all of kms:* to, which is
// the statement AWS's default key policy writes for the key's own account.
// The policy is parsed once (g.parse): building the account reads the same parse.
func (g *guard) ownAccountNamedBy(rp *tfplan.ResourcePolicy) []string {
	if !rp.Document.JSON.Known {
		return nil
	}
	pol, err := g.parse(rp.Document.Source.String(), rp.Document.JSON.Text)
	if err != nil {
		return nil
	}
	name := ""
	if rp.Target.Name.Known {
		name = rp.Target.Name.Text
	}
	var out []string
	for _, st := range pol.Statements {
		if st.Effect != ev.EffectAllow {
			continue
		}
		if name != "" && !st.NotResource {
			for _, r := range st.Resources {
				if namesOwnResource(rp.Kind, r.Text, name) {
					out = append(out, arnAccount(r.Text))
				}
			}
		}
		if rp.Kind == tfplan.KMSKey && st.Principal != nil && !st.Principal.Not && len(st.Conditions) == 0 && !st.NotAction {
			kmsAll := false
			for _, a := range st.Actions {
				if strings.EqualFold(a.Text, "kms:*") {
					kmsAll = true
				}
			}
			if kmsAll {
				for _, v := range st.Principal.AWS {
					if strings.HasSuffix(v.Text, ":root") {
						out = append(out, arnAccount(v.Text))
					}
				}
			}
		}
	}
	return out
}

// namesOwnResource reports whether a Resource element is the ARN of the policy's own target
// named name (or of a path under it): a queue, topic, vault or search domain by name.
func namesOwnResource(kind tfplan.ResourceKind, arn, name string) bool {
	switch kind {
	case tfplan.SQSQueue:
		return strings.HasPrefix(arn, "arn:aws:sqs:") && strings.HasSuffix(arn, ":"+name)
	case tfplan.SNSTopic:
		return strings.HasPrefix(arn, "arn:aws:sns:") && strings.HasSuffix(arn, ":"+name)
	case tfplan.GlacierVault:
		return strings.HasPrefix(arn, "arn:aws:glacier:") && strings.HasSuffix(arn, ":vaults/"+name)
	case tfplan.SearchDomain:
		return strings.HasPrefix(arn, "arn:aws:es:") && (strings.HasSuffix(arn, ":domain/"+name) || strings.Contains(arn, ":domain/"+name+"/"))
	}
	return false
}

// arnAccount returns the account field of an ARN, or "".
func arnAccount(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 {
		return ""
	}
	return parts[4]
}

// ---- selecting principals

// match is the answer to "does a rule select this principal?".
type match int

const (
	noMatch match = iota
	matches
	mayMatch // the plan does not know the name or the tags: the rule may select it
)

func (g *guard) selects(s PrincipalSelector, p *principal) match {
	m := matches
	if len(s.Patterns) > 0 {
		m = noMatch
		for _, pat := range s.Patterns {
			switch g.patternMatches(pat, p) {
			case matches:
				m = matches
			case mayMatch:
				if m == noMatch {
					m = mayMatch
				}
			}
			if m == matches {
				break
			}
		}
	}
	if m == noMatch || len(s.Tags) == 0 {
		return m
	}
	if !p.Tags.Known {
		return mayMatch
	}
	for k, v := range s.Tags {
		if got, ok := p.Tags.Values[k]; !ok || got != v {
			return noMatch
		}
	}
	return m
}

// patternMatches matches an ARN pattern against a principal's ARN. When the account is the
// placeholder, the pattern's account field matches any account (the plan may deploy into
// the account the pattern names); when the name is not known, a pattern that does not match
// every name may or may not match.
func (g *guard) patternMatches(pattern string, p *principal) match {
	if pattern == "*" {
		return matches
	}
	arn := p.ARN
	if !g.accountKnown {
		pattern = withAccount(pattern, "*")
	}
	if p.NameKnown {
		if ev.MatchResource(pattern, arn) {
			return matches
		}
		return noMatch
	}
	// The made-up name: does the pattern match whatever the name is?
	prefix := arn[:strings.LastIndex(arn, "unknown-name-")]
	if ev.MatchResource(pattern, prefix+"a") && ev.MatchResource(pattern, prefix+"zz-9") {
		return matches
	}
	if ev.MatchResource(pattern, prefix+"*") || strings.Contains(pattern, "*") || strings.Contains(pattern, "?") || strings.HasPrefix(pattern, prefix) {
		return mayMatch
	}
	return noMatch
}

// withAccount replaces the account field of an ARN (pattern).
func withAccount(arn, account string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 {
		return arn
	}
	parts[4] = account
	return strings.Join(parts, ":")
}

// isAdministrator reports whether the rules name the principal as an administrator.
func (g *guard) isAdministrator(p *principal) bool {
	for _, pat := range g.rules.Administrators {
		if g.patternMatches(pat, p) == matches {
			return true
		}
	}
	return false
}

// ---- questions to the engine

// question builds the engine's question "may p do any of actions on any of resources?".
// The principal's tags are all of its tags when the plan gives them and its sessions cannot be
// tagged by their caller (tags.go); otherwise they are free.
func (w *world) question(p *principal, actions, resources []string, withResourcePolicies bool) *ev.Question {
	q := &ev.Question{Principal: p.ARN, Policies: p.Policies, Actions: actions, Resources: resources}
	if withResourcePolicies {
		q.ResourcePolicies = w.resourcePoliciesFor(actions)
		q.Policies.RCPs = w.rcps
	}
	q.PrincipalTags = p.principalTags()
	return q
}

// principalUnknowns returns what is unknown about a principal's access: its own unknown
// policies, and its tags when a policy reads them.
func (p *principal) unknowns() []unknownPart {
	out := p.Unknown
	if !p.Tags.Known && usesPrincipalTags(p.Policies) {
		out = append(out, unknownPart{Address: p.Address, Attribute: "tags_all",
			Reason: "the principal's tags are known only after apply and its policies read aws:PrincipalTag"})
	}
	return out
}

func usesPrincipalTags(ps ev.PolicySet) bool {
	all := append(append([]*ev.Policy(nil), ps.Identity...), ps.Boundary)
	for _, pol := range all {
		if pol == nil {
			continue
		}
		for _, st := range pol.Statements {
			for _, c := range st.Conditions {
				if strings.HasPrefix(strings.ToLower(c.Key), "aws:principaltag/") {
					return true
				}
			}
		}
	}
	return false
}

// mayAllowAny is a cheap test before asking the engine: could any Allow statement of the
// policies cover one of the actions (exact names)? A false answer is exact: no statement
// names them, so the engine would answer Denied.
func (g *guard) mayAllowAny(policies []*ev.Policy, actions []string) bool {
	key := strings.ToLower(strings.Join(actions, ","))
	for _, pol := range policies {
		if pol == nil {
			continue
		}
		ck := reduceKey{pol, key}
		may, ok := g.mayCache[ck]
		if !ok {
			may = g.policyMayAllow(pol, strings.Split(key, ","))
			g.mayCache[ck] = may
		}
		if may {
			return true
		}
	}
	return false
}

// policyMayAllow is mayAllowAny for one policy and lower-case actions.
func (g *guard) policyMayAllow(pol *ev.Policy, actions []string) bool {
	pats := g.allowPatterns(pol)
	if pats.notAction {
		return true
	}
	for _, pat := range pats.lower {
		for _, want := range actions {
			if ev.MatchAction(pat, want) {
				return true
			}
		}
	}
	return false
}

// allowActions are the Action patterns of a policy's Allow statements, in lower case.
type allowActions struct {
	lower     []string
	notAction bool // an Allow statement uses NotAction
}

func (g *guard) allowPatterns(pol *ev.Policy) allowActions {
	if pol == nil {
		return allowActions{}
	}
	if a, ok := g.allowCache[pol]; ok {
		return a
	}
	var a allowActions
	for _, st := range pol.Statements {
		if st.Effect != ev.EffectAllow {
			continue
		}
		if st.NotAction {
			a.notAction = true
		}
		for _, v := range st.Actions {
			a.lower = append(a.lower, strings.ToLower(v.Text))
		}
	}
	g.allowCache[pol] = a
	return a
}

// refsText describes the statements that allow a witness.
func refsText(refs []ev.StatementRef) []string {
	var out []string
	for _, r := range refs {
		s := fmt.Sprintf("%s %s statement %d", r.Kind, r.Policy, r.Index)
		if r.Sid != "" {
			s += " (" + r.Sid + ")"
		}
		if r.Level >= 0 && (r.Kind == ev.KindSCP || r.Kind == ev.KindRCP) {
			s += fmt.Sprintf(" at organisation level %d", r.Level)
		}
		out = append(out, s)
	}
	return out
}
