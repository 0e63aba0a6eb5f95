package validate

import (
	"github.com/iamguard/terraform-provider-iam/internal/evaluator"
	"strings"
)

// The checks the plan guard asks for: the guard reports open trust policies, full
// administrator access and iam:PassRole on every role from these findings (and from the other
// security checks of security.go) instead of looking at the statements itself, so
// that each rule has one home.

// ValidateParsed is ValidatePolicy for a document that evaluator.ParsePolicy already parsed
// and compiled: p must be what ParsePolicy(doc) returned. It gives the same findings without
// parsing doc again (the characters and the size are still read from doc, as AWS counts them
// on the text). It does not change p, so p may be shared.
func ValidateParsed(doc []byte, p *evaluator.Policy, opts ValidateOptions) []Finding {
	v := &validator{doc: doc, opts: opts}
	if v.prepareOptions() {
		v.checkCharacters()
		v.checkParsed(p, nil)
	}
	sortFindings(v.findings)
	return v.findings
}

// FullAdminFindings returns the FULL_ADMIN findings of an identity policy, which ValidatePolicy
// gives too, without the other checks: for a policy that is known to be valid (an AWS managed
// policy), whose full validation would cost far more than the one question.
func FullAdminFindings(p *evaluator.Policy) []Finding {
	v := &validator{opts: ValidateOptions{Type: PolicyTypeIdentity}, policy: p}
	for _, s := range p.Statements {
		if s.Effect == evaluator.EffectAllow && !s.NotAction && onEveryResource(s) {
			v.checkFullAdmin(s)
		}
	}
	sortFindings(v.findings)
	return v.findings
}

// checkPassRoleOnEveryRole reports an Allow statement of an identity policy that allows
// iam:PassRole on a Resource pattern that names every role of an account (or of every
// account), "arn:aws:iam::111122223333:role/*": as broad as "*" for PassRole, whose resource
// is always a role. Statements on every resource are checkIdentityGrants's. It returns whether
// it reported one.
func (v *validator) checkPassRoleOnEveryRole(s *evaluator.Statement) (passRole bool) {
	if s.NotAction || onEveryResource(s) {
		return false
	}
	sa := v.actionsOf(s)
	if len(sa.lower) != len(s.Actions) {
		return false // the actions did not compile; INVALID_ACTION says so
	}
	action := ""
	for i, a := range s.Actions {
		if a.Text != "*" && a.Text != "*:*" && mayMatchService(sa, i, "iam") && sa.matches(i, "iam:passrole") {
			action = a.Text
			break
		}
	}
	if action == "" {
		return false
	}
	narrowed := ""
	if len(s.Conditions) > 0 {
		narrowed = " (its conditions may narrow it)"
	}
	for _, r := range s.Resources {
		account, ok := everyRoleOf(r.Text)
		if !ok {
			continue
		}
		whose := "of every account"
		if account != "" {
			whose = "of account " + account
		}
		passRole = true
		v.add("PASS_ROLE_ON_ALL_RESOURCES", r.Path, r.Pos, "%q allows %q on %q, which is every role %s%s, so the caller can hand any role, an administrator role included, to a service: name the roles in Resource and restrict iam:PassedToService", action, "iam:PassRole", r.Text, whose, narrowed)
	}
	return passRole
}

// everyRoleOf reports whether an IAM ARN pattern matches every role of an account: its
// resource part is a literal prefix of "role/" followed by "*" ("role/*", "role*", "*"). It
// returns the account, "" when the pattern's account field is empty or has a wildcard.
func everyRoleOf(arn string) (account string, ok bool) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || !strings.EqualFold(parts[2], "iam") {
		return "", false
	}
	res := parts[5]
	prefix, rest, star := strings.Cut(res, "*")
	if !star || rest != "" || strings.ContainsAny(prefix, "?*") || !strings.HasPrefix("role/", prefix) {
		return "", false
	}
	if strings.ContainsAny(parts[4], "*?") {
		return "", true
	}
	return parts[4], true
}

// coversWebIdentity reports whether a statement may allow sts:AssumeRoleWithWebIdentity, the
// one action that takes a web identity token: a Federated web identity principal of a
// statement that does not allow it lets nobody in. Actions that did not compile count as
// covering it (INVALID_ACTION reports them).
func (v *validator) coversWebIdentity(s *evaluator.Statement) bool {
	sa := v.actionsOf(s)
	if len(sa.lower) != len(s.Actions) {
		return true
	}
	for i := range sa.lower {
		if sa.matches(i, "sts:assumerolewithwebidentity") {
			return !s.NotAction
		}
	}
	return s.NotAction
}
