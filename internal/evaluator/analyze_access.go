package evaluator

import (
	"errors"
	"strings"
)

// The offline counterparts of IAM Access Analyzer's custom policy checks, built on Analyze:
// CheckNoNewAccess (AnalyzeNewAccess), CheckNoPublicAccess (AnalyzePublicAccess) and
// CheckAccessNotGranted (Analyze itself).

// NewAccessQuestion asks whether a change of policies grants access that was not there: is
// there a request of the question's set that the policies after the change allow and the
// policies before it do not?
type NewAccessQuestion struct {
	// Question is the request set and the policies after the change.
	Question
	// Before and BeforeResourcePolicies are the policies before the change.
	Before                 PolicySet
	BeforeResourcePolicies []ResourcePolicy
}

// AnalyzeNewAccess answers a NewAccessQuestion: Allowed with a witness that the new policies
// allow and the old ones do not, Denied when the change grants nothing new within the set.
func AnalyzeNewAccess(q *NewAccessQuestion) Answer {
	a, err := newAnalysisOf(&q.Question, []side{
		{policies: q.Policies, resourcePolicies: q.ResourcePolicies, wantAllow: true},
		{policies: q.Before, resourcePolicies: q.BeforeResourcePolicies, wantAllow: false},
	})
	if err != nil {
		return undecidedAnswer(err)
	}
	return a.run()
}

func undecidedAnswer(err error) Answer {
	var u undecidedError
	if errors.As(err, &u) {
		return Answer{Outcome: Undecided, Reason: u.reason}
	}
	return Answer{Outcome: Undecided, Reason: err.Error()}
}

// PublicAccessQuestion asks whether resources are reachable from outside their owner: by an
// anonymous caller, or by a principal of an account outside the owner's organisation.
type PublicAccessQuestion struct {
	// ResourcePolicies give the resources their policies (the pattern is the resource ARN
	// or an ARN pattern).
	ResourcePolicies []ResourcePolicy
	// RCPs are the RCP levels of the owner account (nil: not governed).
	RCPs [][]*Policy
	// Actions default to every action.
	Actions []string
	// Resources are the resources to check (patterns).
	Resources []string
	// ResourceAccount is the owner account.
	ResourceAccount string
	Options         Options
	Budget          int
}

// PublicAccessAnswer has one answer per kind of outside caller.
type PublicAccessAnswer struct {
	// Anonymous: can an unsigned request reach the resources?
	Anonymous Answer
	// OtherAccount: can a principal of an account outside the owner's organisation, whose own
	// account allows it everything, reach them?
	OtherAccount Answer
}

// Outcome is Allowed when either kind of caller gets in, Undecided when either could not be
// decided and neither gets in, and Denied otherwise.
func (a PublicAccessAnswer) Outcome() Outcome {
	switch {
	case a.Anonymous.Outcome == Allowed || a.OtherAccount.Outcome == Allowed:
		return Allowed
	case a.Anonymous.Outcome == Undecided || a.OtherAccount.Outcome == Undecided:
		return Undecided
	}
	return Denied
}

// outsideAccountDefault is the account of the outside caller. It must be an account that the
// policies do not name (a named account is not "any account"): AnalyzePublicAccess switches to
// another one when a policy mentions it.
const outsideAccountDefault = "999988887777"

// keysOfAnOutsideCaller are absent for a caller that is not in the owner's organisation and
// calls directly, not through a service on someone's behalf or through the owner's network:
// the organisation keys (not in an organisation the policies could name), the confused-deputy
// keys (only set when a service calls for a resource owner) and the VPC keys (an outside
// caller cannot use the owner's VPC endpoints). aws:SourceIp stays free.
var keysOfAnOutsideCaller = []string{
	"aws:PrincipalOrgID", "aws:PrincipalOrgPaths", "aws:SourceArn", "aws:SourceAccount",
	"aws:SourceOrgID", "aws:SourceOrgPaths", "aws:SourceVpc", "aws:SourceVpce", "aws:VpcSourceIp",
	"aws:CalledVia", "aws:CalledViaFirst", "aws:CalledViaLast", "aws:userid", "aws:SourceIdentity",
	"aws:FederatedProvider",
}

// AnalyzePublicAccess answers a PublicAccessQuestion.
func AnalyzePublicAccess(p *PublicAccessQuestion) PublicAccessAnswer {
	actions := p.Actions
	if len(actions) == 0 {
		actions = []string{"*"}
	}
	base := Question{ResourcePolicies: p.ResourcePolicies, Actions: actions, Resources: p.Resources,
		ResourceAccount: p.ResourceAccount, Options: p.Options, Budget: p.Budget, Absent: keysOfAnOutsideCaller}
	base.Policies.RCPs = p.RCPs

	anon := base
	anon.Principal = "anonymous"
	out := PublicAccessAnswer{Anonymous: Analyze(&anon)}

	other := base
	account := outsideAccountDefault
	for _, rp := range p.ResourcePolicies {
		if rp.Policy != nil && policyMentions(rp.Policy, account) {
			account = "999977775555"
		}
	}
	other.Principal = "arn:aws:sts::" + account + ":assumed-role/OutsideRole/outside-session"
	// The outside account allows its principal everything; it is governed by no SCP that we
	// know of.
	other.Policies.Identity = []*Policy{MustParsePolicy(`{"Version":"2012-10-17","Statement":[{"Sid":"OutsideAccountAllowsEverything","Effect":"Allow","Action":"*","Resource":"*"}]}`)}
	other.Policies.Identity[0].Name = "outside account's own policy"
	out.OtherAccount = Analyze(&other)
	return out
}

// policyMentions reports whether any value of the policy contains s.
func policyMentions(p *Policy, s string) bool {
	for _, st := range p.Statements {
		if st.Principal != nil {
			for _, list := range [][]Value{st.Principal.AWS, st.Principal.Service, st.Principal.Federated} {
				for _, v := range list {
					if strings.Contains(v.Text, s) {
						return true
					}
				}
			}
		}
		for _, c := range st.Conditions {
			for _, v := range c.Values {
				if strings.Contains(v.Text, s) {
					return true
				}
			}
		}
	}
	return false
}
