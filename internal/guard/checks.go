package guard

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/iamguard/terraform-provider-iam/internal/catalog"
	ev "github.com/iamguard/terraform-provider-iam/internal/evaluator"
)

// The access checks: what the rules forbid and require, new access, administrative access,
// public and cross-account access. Each asks the engine one question per principal (or per
// resource policy) and turns the answer into a finding: Allowed gives the finding with the
// witness request, Undecided (or Denied while part of the principal's policies is unknown)
// gives an undecided finding, Denied gives nothing.

// adminActions are the IAM actions that change permissions: a principal that may call one of
// them can grant itself anything, so it has administrative access.
var adminActions = []string{
	"iam:AttachUserPolicy", "iam:AttachRolePolicy", "iam:AttachGroupPolicy",
	"iam:PutUserPolicy", "iam:PutRolePolicy", "iam:PutGroupPolicy",
	"iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion",
	"iam:UpdateAssumeRolePolicy", "iam:AddUserToGroup",
}

// checkUnresolved reports the parts of the plan that take part in access but that the model
// could not link to what they apply to.
func (g *guard) checkUnresolved() {
	for _, u := range g.plan.Planned().Unresolved {
		g.undecided("access", "", "", unknownPart{Address: u.Source.Address, Attribute: u.Source.Attribute,
			Reason: u.Reason + "; the guard cannot tell whose access it changes"})
	}
	for _, r := range g.planned.principals {
		if r.TrustUnknown != nil {
			u := *r.TrustUnknown
			u.Reason = "the trust policy is not known (" + u.Reason + "); who may assume the role is not decided"
			g.undecided("role chains", r.ARN, r.Address, u)
		}
	}
	for _, rp := range g.planned.resources {
		if rp.Unknown != nil {
			u := *rp.Unknown
			u.Reason = "the resource policy is not known (" + u.Reason + "); public and cross-account access are not decided"
			g.undecided("public access", "", rp.Address, u)
		}
	}
}

// reportAnswer turns the engine's answer about a principal into findings; it returns true
// when it recorded the access finding f (filled with the witness).
func (g *guard) reportAnswer(a ev.Answer, check string, p *principal, unknowns []unknownPart, f Finding) bool {
	switch a.Outcome {
	case ev.Allowed:
		f.Witness = a.Witness
		f.Allows = a.Result.Allows
		f.Message += p.sessionTagsNote(a.Witness)
		g.add(f)
		return true
	case ev.Undecided:
		g.undecided(check, p.ARN, p.Address, unknownPart{Address: p.Address, Reason: "the analysis could not decide: " + a.Reason})
	default:
		for _, u := range unknowns {
			g.undecided(check, p.ARN, p.Address, u)
		}
	}
	return false
}

// ---- forbid

func (g *guard) checkForbid() {
	w := g.planned
	for _, rule := range g.rules.Forbid {
		check := "forbid." + rule.Name
		for _, p := range w.principals {
			m := g.selects(rule.Principals, p)
			if m == noMatch {
				continue
			}
			// p itself first, then the roles it reaches, until one may: the shortest way in.
			g.forbidVia(w, rule, check, p, m, chain{To: p})
		}
	}
}

// forbidVia checks p, then the roles p reaches, against a forbid rule; it stops at the first
// that may do what the rule forbids.
func (g *guard) forbidVia(w *world, rule ForbidRule, check string, p *principal, m match, start chain) {
	try := func(c chain) bool {
		a := g.forbidAnswer(w, rule, c.To)
		if m == mayMatch && a.Outcome == ev.Allowed {
			g.undecided(check, p.ARN, p.Address, unknownPart{Address: p.Address,
				Reason: fmt.Sprintf("the rule may select this principal (its name or tags are known only after apply), and it may call %s", a.Witness.Action)})
			return true
		}
		f := Finding{Code: CodeForbiddenAccess, Rule: check, Address: addressOr(p), Principal: p.ARN,
			PrincipalAddress: p.Address, Path: c.Steps}
		if len(c.Steps) == 0 {
			f.Message = fmt.Sprintf("%s may do what forbid %q forbids", p.Label, rule.Name)
		} else {
			f.Message = fmt.Sprintf("%s reaches %s, which may do what forbid %q forbids", p.Label, c.To.Label, rule.Name)
		}
		return g.reportAnswer(a, check, c.To, c.To.unknowns(), f)
	}
	if try(start) {
		return
	}
	found := false
	cut := w.search(p, func(c chain) bool {
		found = try(c)
		return found
	})
	if !found && cut != nil {
		g.undecided(check, p.ARN, p.Address, w.chainCut(p, cut))
	}
}

type forbidKey struct {
	rule string
	p    *principal
}

// forbidAnswer asks whether p itself may do what the rule forbids (cached: p may be on the
// chains of many principals).
func (g *guard) forbidAnswer(w *world, rule ForbidRule, p *principal) ev.Answer {
	key := forbidKey{rule.Name, p}
	if a, ok := w.forbid[key]; ok {
		return a
	}
	a := g.analyze(w.question(p, rule.Actions, rule.Resources, true))
	w.forbid[key] = a
	return a
}

// addressOr is the address of a principal, or its label for one outside the plan.
func addressOr(p *principal) string {
	if p.Address != "" {
		return p.Address
	}
	return p.Label
}

// ---- require

func (g *guard) checkRequire() {
	w := g.planned
	all := w.allResourcePolicies()
	for _, rule := range g.rules.Require {
		check := "require." + rule.Name
		selected := 0
		for _, p := range w.principals {
			switch g.selects(rule.Principals, p) {
			case noMatch:
				continue
			case mayMatch:
				g.undecided(check, p.ARN, p.Address, unknownPart{Address: p.Address,
					Reason: "the rule may select this principal: its name or tags are known only after apply"})
				continue
			}
			selected++
			for _, action := range rule.Actions {
				for _, resource := range rule.Resources {
					g.requireOne(w, rule, check, p, action, resource, all)
				}
			}
		}
		if selected == 0 {
			g.add(Finding{Code: CodeRequiredAccess, Rule: check, Address: g.rules.File,
				Message: fmt.Sprintf("require %q selects no principal of the plan (%s): the access it requires is not there", rule.Name, strings.Join(rule.Principals.Patterns, ", "))})
		}
	}
}

func (g *guard) requireOne(w *world, rule RequireRule, check string, p *principal, action, resource string, all []ev.ResourcePolicy) {
	req := &ev.Request{Principal: p.ARN, Action: action, Resource: resource}
	if p.Tags.Known {
		for k, v := range p.Tags.Values {
			req.Context.Set("aws:PrincipalTag/"+k, v)
		}
	}
	for k, v := range rule.Context {
		req.Context.Set(k, v)
	}
	ps := p.Policies
	ps.RCPs = w.rcps
	ps.Resource = ev.ResourcePolicyFor(all, resource)
	res, err := ev.Authorize(&ps, req, ev.Options{})
	if err != nil {
		g.undecided(check, p.ARN, p.Address, unknownPart{Address: p.Address, Reason: err.Error()})
		return
	}
	if res.Decision == ev.Allow {
		return
	}
	if u := p.unknowns(); len(u) > 0 || len(g.orgUnknown) > 0 {
		for _, part := range append(u, g.orgUnknown...) {
			g.undecided(check, p.ARN, p.Address, part)
		}
		return
	}
	g.add(Finding{Code: CodeRequiredAccess, Rule: check, Address: addressOr(p), Principal: p.ARN, PrincipalAddress: p.Address,
		Witness: req, Allows: res.Denies,
		Message: fmt.Sprintf("%s must be allowed %s on %s (require %q), but the request is denied: %s", p.Label, action, resource, rule.Name, res.Reason())})
}

// ---- new access

func (g *guard) checkNewAccess() {
	w := g.planned
	beforeRPs := g.prior.allResourcePolicies()
	for _, rule := range g.rules.NewAccess {
		check := "new_access." + rule.Name
		level := LevelWarning
		if rule.Forbid {
			level = LevelError
		}
		for _, p := range w.principals {
			m := g.selects(rule.Principals, p)
			if m == noMatch {
				continue
			}
			q := g.newAccessQuestion(p, rule.Actions, rule.Resources, beforeRPs)
			a := g.analyzeNew(q)
			if m == mayMatch && a.Outcome == ev.Allowed {
				g.undecided(check, p.ARN, p.Address, unknownPart{Address: p.Address,
					Reason: "the rule may select this principal (its name or tags are known only after apply), and the plan gives it new access"})
				continue
			}
			f := Finding{Code: CodeNewAccess, Level: level, Rule: check, Address: addressOr(p), Principal: p.ARN, PrincipalAddress: p.Address}
			if a.Outcome == ev.Allowed {
				f.Actions = g.newActions(p, rule, beforeRPs)
				f.Message = fmt.Sprintf("the plan gives %s access it did not have", p.Label)
				if len(f.Actions) > 0 {
					f.Message += ": " + strings.Join(f.Actions, ", ")
				}
			}
			g.reportAnswer(a, check, p, p.unknowns(), f)
		}
	}
}

// newAccessQuestion asks "what may p do after the plan that it could not do before?".
func (g *guard) newAccessQuestion(p *principal, actions, resources []string, beforeRPs []ev.ResourcePolicy) *ev.NewAccessQuestion {
	q := &ev.NewAccessQuestion{Question: *g.planned.question(p, actions, resources, true), BeforeResourcePolicies: beforeRPs}
	if old := g.prior.counterpart(p); old != nil {
		q.Before = old.Policies
		q.Before.RCPs = g.prior.rcps
	}
	return q
}

// maxNewActions bounds the actions the guard checks one by one to list what is new.
const maxNewActions = 40

// newActions lists the actions, among those p's Allow statements name, that are newly
// allowed by the plan: the answer's one witness shows one action, this shows them all.
func (g *guard) newActions(p *principal, rule NewAccessRule, beforeRPs []ev.ResourcePolicy) []string {
	var candidates []string
	seen := map[string]bool{}
	addCandidate := func(name string) {
		lower := strings.ToLower(name)
		if seen[lower] || len(candidates) > maxNewActions {
			return
		}
		for _, want := range rule.Actions {
			if ev.MatchAction(want, lower) {
				seen[lower] = true
				candidates = append(candidates, name)
				return
			}
		}
	}
	for _, pol := range p.Policies.Identity {
		for _, st := range pol.Statements {
			if st.Effect != ev.EffectAllow || st.NotAction {
				continue
			}
			for _, a := range st.Actions {
				if !strings.ContainsAny(a.Text, "*?") {
					addCandidate(a.Text)
					continue
				}
				idx := catalog.ExpandActionPattern(a.Text)
				if len(idx) > maxNewActions {
					continue // too many to list one by one; the witness shows one of them
				}
				for _, i := range idx {
					addCandidate(catalog.ActionByIndex(i).Name())
				}
			}
		}
	}
	if len(candidates) > maxNewActions {
		return nil
	}
	var out []string
	for _, action := range candidates {
		q := g.newAccessQuestion(p, []string{action}, rule.Resources, beforeRPs)
		if g.analyzeNew(q).Outcome == ev.Allowed {
			out = append(out, action)
		}
	}
	sort.Strings(out)
	return out
}

// ---- administrative access

// adminAnswer says whether a principal has administrative access, directly or through a chain.
type adminAnswer struct {
	Outcome ev.Outcome
	Answer  ev.Answer // the witness (for Allowed)
	Chain   chain     // the chain to the role whose access the witness uses; empty when direct
	Unknown []unknownPart
}

// directAdmin asks whether p itself may change IAM permissions.
func (w *world) directAdmin(p *principal) ev.Answer {
	if !w.g.mayAllowAny(p.Policies.Identity, adminActions) {
		return ev.Answer{Outcome: ev.Denied}
	}
	// IAM's own resources (users, roles, groups, policies) of the principal's account.
	return w.g.analyze(w.question(p, adminActions, []string{"arn:aws:iam::" + arnAccount(p.ARN) + ":*"}, false))
}

// isAdmin asks whether p has administrative access itself or reaches a role that has it.
func (w *world) isAdmin(p *principal) adminAnswer {
	if a, ok := w.admin[p]; ok {
		return a
	}
	out := adminAnswer{Outcome: ev.Denied}
	try := func(c chain) bool {
		a := w.directAdmin(c.To)
		switch a.Outcome {
		case ev.Allowed:
			out = adminAnswer{Outcome: ev.Allowed, Answer: a, Chain: c}
			return true
		case ev.Undecided:
			out.Unknown = append(out.Unknown, unknownPart{Address: c.To.Address, Reason: "the analysis could not decide: " + a.Reason})
		default:
			out.Unknown = append(out.Unknown, c.To.unknowns()...)
		}
		return false
	}
	if !try(chain{To: p}) {
		if cut := w.search(p, try); cut != nil && out.Outcome != ev.Allowed {
			out.Unknown = append(out.Unknown, w.chainCut(p, cut))
		}
	}
	if out.Outcome != ev.Allowed && len(out.Unknown) > 0 {
		out.Outcome = ev.Undecided
	}
	w.admin[p] = out
	return out
}

func (g *guard) checkNewAdmin() {
	const check = "administrative access"
	for _, p := range g.planned.principals {
		if g.isAdministrator(p) {
			continue
		}
		after := g.planned.isAdmin(p)
		if after.Outcome == ev.Denied {
			continue
		}
		if old := g.prior.counterpart(p); old != nil && g.prior.isAdmin(old).Outcome == ev.Allowed {
			continue // it was an administrator before the plan
		}
		if after.Outcome == ev.Undecided {
			for _, u := range after.Unknown {
				g.undecided(check, p.ARN, p.Address, u)
			}
			continue
		}
		f := Finding{Code: CodeNewAdmin, Address: addressOr(p), Principal: p.ARN, PrincipalAddress: p.Address,
			Witness: after.Answer.Witness, Allows: after.Answer.Result.Allows, Path: after.Chain.Steps}
		if len(after.Chain.Steps) == 0 {
			f.Message = fmt.Sprintf("%s is newly an administrator: it may change IAM permissions (%s), which lets it grant itself anything", p.Label, after.Answer.Witness.Action)
		} else {
			f.Message = fmt.Sprintf("%s newly reaches administrator access through %s, which may change IAM permissions (%s)", p.Label, after.Chain.To.Label, after.Answer.Witness.Action)
		}
		g.add(f)
	}
}

// ---- public and cross-account access

// resourceTargets are the resource policies of the planned world, role trust policies included.
type resourceTarget struct {
	Address   string
	Attribute string
	Label     string
	Patterns  []string
	Policy    *ev.Policy
}

func (g *guard) resourceTargets() []resourceTarget {
	var out []resourceTarget
	for _, rp := range g.planned.resources {
		if rp.Policy == nil {
			continue
		}
		src := rp.model.Document.Source
		out = append(out, resourceTarget{Address: src.Address, Attribute: src.Attribute, Label: targetLabel(rp.model), Patterns: rp.Patterns, Policy: rp.Policy})
	}
	for _, p := range g.planned.principals {
		if p.Kind == "role" && p.Trust != nil {
			out = append(out, resourceTarget{Address: p.TrustSource.Address, Attribute: p.TrustSource.Attribute,
				Label: "role " + p.Label + " (trust policy)", Patterns: []string{p.ARN}, Policy: p.Trust})
		}
	}
	return out
}

func (t resourceTarget) engine() []ev.ResourcePolicy {
	out := make([]ev.ResourcePolicy, len(t.Patterns))
	for i, p := range t.Patterns {
		out[i] = ev.ResourcePolicy{Pattern: p, Policy: t.Policy}
	}
	return out
}

func (g *guard) checkPublicAccess() {
	rule := g.rules.PublicAccess
	level := LevelWarning
	if rule.Forbid {
		level = LevelError
	}
	for _, t := range g.resourceTargets() {
		if slices.Contains(rule.Except, t.Address) || !mayAdmitAnyone(t.Policy) {
			continue
		}
		ans := g.analyzePublic(&ev.PublicAccessQuestion{ResourcePolicies: t.engine(), RCPs: g.planned.rcps,
			Actions: grantedActions(t.Policy), Resources: t.Patterns, ResourceAccount: g.account})
		f := Finding{Code: CodePublicAccess, Level: level, Address: t.Address, Attribute: t.Attribute}
		switch {
		case ans.Anonymous.Outcome == ev.Allowed:
			f.Witness, f.Allows = ans.Anonymous.Witness, ans.Anonymous.Result.Allows
			f.Principal = "anonymous"
			f.Message = fmt.Sprintf("%s is public: an anonymous caller may call %s", t.Label, f.Witness.Action)
		case ans.OtherAccount.Outcome == ev.Allowed:
			f.Witness, f.Allows = ans.OtherAccount.Witness, ans.OtherAccount.Result.Allows
			f.Principal = f.Witness.Principal
			f.Message = fmt.Sprintf("%s is open to every AWS account: a principal of any account may call %s", t.Label, f.Witness.Action)
		case ans.Outcome() == ev.Undecided:
			reason := ans.Anonymous.Reason
			if reason == "" {
				reason = ans.OtherAccount.Reason
			}
			g.undecided("public access", "", t.Address, unknownPart{Address: t.Address, Attribute: t.Attribute, Reason: "the analysis could not decide: " + reason})
			continue
		default:
			continue
		}
		f.Actions = g.publicActions(t)
		g.add(f)
	}
}

// grantedActions are the action patterns of a resource policy's Allow statements: an outside
// caller gets nothing else, since only the resource policy can grant it access. NotAction
// gives every action.
func grantedActions(pol *ev.Policy) []string {
	var out []string
	for _, st := range pol.Statements {
		if st.Effect != ev.EffectAllow {
			continue
		}
		if st.NotAction {
			return []string{"*"}
		}
		for _, a := range st.Actions {
			if !slices.Contains(out, a.Text) {
				out = append(out, a.Text)
			}
		}
	}
	return out
}

// publicActions lists the actions the policy's statements name that the outside caller of the
// witness may call, for the message: the witness shows one.
func (g *guard) publicActions(t resourceTarget) []string {
	var out []string
	for _, st := range t.Policy.Statements {
		if st.Effect != ev.EffectAllow || st.NotAction || len(out) > maxNewActions {
			continue
		}
		for _, a := range st.Actions {
			if strings.ContainsAny(a.Text, "*?") || slices.Contains(out, a.Text) {
				continue
			}
			one := g.analyzePublic(&ev.PublicAccessQuestion{ResourcePolicies: t.engine(), RCPs: g.planned.rcps,
				Actions: []string{a.Text}, Resources: t.Patterns, ResourceAccount: g.account})
			if one.Outcome() == ev.Allowed {
				out = append(out, a.Text)
			}
		}
	}
	sort.Strings(out)
	return out
}

// mayAdmitAnyone is a test before the analysis: only a statement that names every principal,
// or uses NotPrincipal, can let in an account that the policy does not name (the engine
// decides what names every principal).
func mayAdmitAnyone(pol *ev.Policy) bool {
	for _, st := range pol.Statements {
		if st.Effect == ev.EffectAllow && st.AdmitsUnnamedCallers() {
			return true
		}
	}
	return false
}

// outsideAccountsPolicy stands for the policies of another account: the guard does not know
// them, so it takes that account to allow its principals everything.
var outsideAccountsPolicy = func() *ev.Policy {
	p := ev.MustParsePolicy(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)
	p.Name = "the other account's own policies (taken to allow everything)"
	return p
}()

func (g *guard) checkCrossAccount() {
	for _, t := range g.resourceTargets() {
		for _, named := range namedPrincipals(t.Policy) {
			acct := arnAccount(named)
			if acct == g.account {
				continue
			}
			q := &ev.Question{Principal: named, Policies: ev.PolicySet{Identity: []*ev.Policy{outsideAccountsPolicy}},
				ResourcePolicies: t.engine(), Actions: []string{"*"}, Resources: t.Patterns, ResourceAccount: g.account}
			q.Policies.RCPs = g.planned.rcps
			a := g.analyze(q)
			f := Finding{Code: CodeCrossAccount, Address: t.Address, Attribute: t.Attribute, Principal: named}
			switch a.Outcome {
			case ev.Allowed:
				f.Witness, f.Allows = a.Witness, a.Result.Allows
				f.Message = fmt.Sprintf("%s grants account %s access: %s may call %s", t.Label, acct, named, a.Witness.Action)
				f.Actions = crossAccountActions(t, named, g)
				g.add(f)
			case ev.Undecided:
				g.undecided("cross-account access", named, "", unknownPart{Address: t.Address, Attribute: t.Attribute, Reason: "the analysis could not decide: " + a.Reason})
			}
		}
	}
}

// crossAccountActions lists the actions of the policy's statements that the named principal may call.
func crossAccountActions(t resourceTarget, named string, g *guard) []string {
	var out []string
	for _, st := range t.Policy.Statements {
		if st.Effect != ev.EffectAllow || st.NotAction {
			continue
		}
		for _, a := range st.Actions {
			if strings.ContainsAny(a.Text, "*?") || slices.Contains(out, a.Text) || len(out) > maxNewActions {
				continue
			}
			q := &ev.Question{Principal: named, Policies: ev.PolicySet{Identity: []*ev.Policy{outsideAccountsPolicy}, RCPs: g.planned.rcps},
				ResourcePolicies: t.engine(), Actions: []string{a.Text}, Resources: t.Patterns, ResourceAccount: g.account}
			if g.analyze(q).Outcome == ev.Allowed {
				out = append(out, a.Text)
			}
		}
	}
	sort.Strings(out)
	return out
}

// namedPrincipals returns the AWS principals an Allow statement names, as caller ARNs: an
// account id becomes the account's root. Wildcards are left to the public access check.
func namedPrincipals(pol *ev.Policy) []string {
	var out []string
	for _, st := range pol.Statements {
		if st.Effect != ev.EffectAllow || st.Principal == nil || st.Principal.Not {
			continue
		}
		for _, v := range st.Principal.AWS {
			t := v.Text
			switch {
			case strings.Contains(t, "*"):
				continue
			case isAccountID(t):
				t = "arn:aws:iam::" + t + ":root"
			case !strings.HasPrefix(t, "arn:"):
				continue
			}
			if !slices.Contains(out, t) {
				out = append(out, t)
			}
		}
	}
	return out
}
