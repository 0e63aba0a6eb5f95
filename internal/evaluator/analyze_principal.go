package evaluator

import (
	"fmt"
	"strings"
)

// This file stands in for a principal whose ARN is not known yet: a role or user that the same
// Terraform plan creates, whose kind and account are known but whose path and name may not be.
// Policies read a principal's ARN in few places: Principal and NotPrincipal elements (a role
// by account and name, a user by its ARN), conditions on aws:PrincipalArn and, for a user,
// aws:username. Every ARN that all of those treat alike is decided alike, so the principal
// is replaced by one concrete ARN per class of ARNs the policies tell apart (the cells of the
// patterns they compare the ARN with, within the ARNs of the kind and account), and a check
// holds only if it holds for each of them. Policy variables that substitute the ARN or the
// name into other elements (${aws:username} in a Resource) would make the name matter beyond
// those comparisons; they make the check undecided.

// UnknownPrincipal is a principal known by its kind and account only.
type UnknownPrincipal struct {
	// Kind is PrincipalRole (a session of the role) or PrincipalUser.
	Kind PrincipalKind
	// Partition is "aws" when empty.
	Partition string
	// Account is the principal's 12-digit account ID.
	Account string
}

// PrincipalCandidate is one concrete principal that stands for a class of unknown ARNs.
type PrincipalCandidate struct {
	ARN string
	// Named is true when a policy names the class (the ARN is one a policy mentions or
	// matches with a pattern); false for the class of ARNs that no policy singles out.
	Named bool
}

func (u UnknownPrincipal) partition() string {
	if u.Partition == "" {
		return "aws"
	}
	return u.Partition
}

// prefix is the ARN up to the path, such as arn:aws:iam::111122223333:role.
func (u UnknownPrincipal) prefix() string {
	return "arn:" + u.partition() + ":iam::" + u.Account + ":" + u.Kind.String()
}

// String shows the principal as a plan knows it: arn:aws:iam::111122223333:role/(known after apply).
func (u UnknownPrincipal) String() string {
	return u.prefix() + "/(known after apply)"
}

// Validate reports a description that cannot stand for a principal.
func (u UnknownPrincipal) Validate() error {
	if u.Kind != PrincipalRole && u.Kind != PrincipalUser {
		return fmt.Errorf("a principal whose ARN is unknown must be a role or a user, not %s", u.Kind)
	}
	if !isAccountID(u.Account) {
		return fmt.Errorf("the account of a principal whose ARN is unknown must be 12 digits, not %q", u.Account)
	}
	return nil
}

// principalVariables are the policy variables whose value is the principal's ARN or name.
var principalVariables = []string{"${aws:username}", "${aws:principalarn}"}

// Candidates returns one concrete principal per class of ARNs of the kind and account that the
// policies treat differently, the class no policy names included. It fails with an undecided
// error when a policy substitutes the principal's ARN or name with a policy variable.
func (u UnknownPrincipal) Candidates(policies []*Policy, budget int) ([]PrincipalCandidate, error) {
	if err := u.Validate(); err != nil {
		return nil, err
	}
	if budget <= 0 {
		budget = DefaultBudget
	}
	prefix := u.prefix()
	// The ARNs of the kind: the prefix, a path ("/" or "/a/b/") and a name (not empty, no slash).
	kindGlob := append(lit(prefix+"/"), globStar, globOneName)
	groups := []globGroup{{{g: kindGlob}}}
	// underPath is the ARNs whose name matches g, whatever their path.
	underPath := func(g glob, fold bool) globGroup {
		direct := append(lit(prefix+"/"), g...)
		nested := append(append(lit(prefix+"/"), globStar, '/'), g...)
		return globGroup{{g: direct, fold: fold}, {g: nested, fold: fold}}
	}
	// Values of conditions never read a principal's variables here (they are refused below),
	// so they expand without one.
	base, err := newEvalContext(&Request{Principal: prefix + "/x", Resource: "*"})
	if err != nil {
		return nil, err
	}
	for _, p := range policies {
		if p == nil {
			continue
		}
		for _, s := range p.Statements {
			if where, name := principalVariableIn(p, s); where != "" {
				return nil, undecided("%s uses the policy variable %s, whose value is the ARN or name of the principal, which is known only after apply; give the principal's ARN built from values known at plan time", where, name)
			}
			if s.Principal != nil {
				if g := u.principalElementGroup(s.Principal, underPath); len(g) > 0 {
					groups = append(groups, g)
				}
			}
			for _, c := range s.Conditions {
				cc := c.compiled
				if cc == nil {
					continue
				}
				if (cc.key == "aws:principalarn" || cc.key == "aws:username") && cc.hasVariables {
					// The values depend on other keys (a tag, a request key): which ARNs they
					// single out is not a fixed set of patterns.
					return nil, undecided("%s compares the ARN of the principal, which is known only after apply, with policy variables; give the principal's ARN built from values known at plan time", policyLabel(p)+" "+c.Path)
				}
				var g globGroup
				switch {
				case cc.key == "aws:principalarn":
					g = conditionGlobs(cc, base)
				case cc.key == "aws:username" && u.Kind == PrincipalUser:
					for _, atom := range conditionGlobs(cc, base) {
						g = append(g, underPath(atom.g, atom.fold)...)
					}
				}
				if len(g) > 0 {
					groups = append(groups, g)
				}
			}
		}
	}
	cells, err := cellizeStringsWithin(groups, budget, []int{0}, nil)
	if err == errBudget {
		return nil, undecided("the patterns that policies compare the unknown principal's ARN with have too many combinations for the search budget")
	}
	if err != nil {
		return nil, err
	}
	out := make([]PrincipalCandidate, 0, len(cells))
	for _, cell := range cells {
		if !cell.sig.has(0) {
			continue
		}
		named := false
		for i := 1; i < len(groups); i++ {
			named = named || cell.sig.has(i)
		}
		if _, err := ParseCaller(cell.witness); err != nil {
			return nil, undecided("the unknown principal stands for %s, which is not a valid principal: %v", cell.witness, err)
		}
		out = append(out, PrincipalCandidate{ARN: cell.witness, Named: named})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no principal ARN of the kind %s in account %s", u.Kind, u.Account)
	}
	return out, nil
}

// principalElementGroup is the set of the kind's ARNs that a Principal or NotPrincipal element
// names by ARN (accounts and "*" name every ARN of the kind alike and need no group).
func (u UnknownPrincipal) principalElementGroup(p *Principal, underPath func(glob, bool) globGroup) globGroup {
	var g globGroup
	for _, v := range p.AWS {
		a, ok := splitARN(v.Text)
		if !ok || a.service != "iam" || a.account != u.Account {
			continue
		}
		switch {
		case u.Kind == PrincipalRole && strings.HasPrefix(a.resource, "role/"):
			// A role is named by account and name: its path does not matter.
			g = append(g, underPath(lit(lastPathPart(a.resource)), false)...)
		case u.Kind == PrincipalUser && strings.HasPrefix(a.resource, "user/"):
			g = append(g, globAtom{g: lit(u.prefix() + strings.TrimPrefix(a.resource, "user"))})
		}
	}
	return g
}

// conditionGlobs are the globs a String or Arn condition compares a value with.
func conditionGlobs(c *compiledCondition, base *evalContext) []globAtom {
	var out []globAtom
	for i := range c.values {
		v := &c.values[i]
		switch {
		case c.family == FamilyARN:
			if g, ok := v.tmpl.expandGlob(base); ok {
				out = append(out, globAtom{g: arnConditionGlob(g)})
			}
		case c.family != FamilyString:
		case c.op == opStringLike:
			if g, ok := v.tmpl.expandGlob(base); ok {
				out = append(out, globAtom{g: g})
			}
		default:
			if t, ok := v.tmpl.expandString(base); ok {
				out = append(out, globAtom{g: lit(t), fold: c.op == opStringEqualsIgnoreCase})
			}
		}
	}
	return out
}

// principalVariableIn finds a policy variable of the principal's ARN or name in a statement's
// resources or condition values.
func principalVariableIn(p *Policy, s *Statement) (where, name string) {
	find := func(vs []Value) (string, string) {
		for _, v := range vs {
			lower := strings.ToLower(v.Text)
			for _, pv := range principalVariables {
				if strings.Contains(lower, pv) {
					return policyLabel(p) + " " + v.Path, pv
				}
			}
		}
		return "", ""
	}
	if w, n := find(s.Resources); w != "" {
		return w, n
	}
	for _, c := range s.Conditions {
		if w, n := find(c.Values); w != "" {
			return w, n
		}
	}
	return "", ""
}

func policyLabel(p *Policy) string {
	if p.Name != "" {
		return p.Name
	}
	return "a policy"
}

// policiesOf lists every policy of the check.
func (c *AccessCheck) policiesOf() []*Policy {
	ps := &c.Policies
	out := append([]*Policy(nil), ps.Identity...)
	out = append(out, ps.Boundary, ps.Session)
	for _, l := range ps.SCPs {
		out = append(out, l...)
	}
	for _, l := range ps.RCPs {
		out = append(out, l...)
	}
	for _, rp := range c.ResourcePolicies {
		out = append(out, rp.Policy)
	}
	return out
}
