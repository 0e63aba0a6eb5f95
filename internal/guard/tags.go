package guard

import (
	"strings"

	ev "github.com/iamguard/terraform-provider-iam/internal/evaluator"
)

// Principal tags in the guard's questions. The plan says which tags a role or user has
// (tags_all); those are then all of its tags, and every other tag key is absent. But a role
// whose trust policy allows sts:TagSession can be assumed with session tags, chosen by the
// caller of sts:AssumeRole, which override the role's own: its sessions may carry any tags, so
// they stay free (the rule: "unless the question fixes them").

// sessionTagsFree reports whether sessions of the principal may carry tags its caller chooses:
// a role whose trust policy allows sts:TagSession, or whose trust policy is not known.
func (p *principal) sessionTagsFree() bool {
	if p.Kind != "role" {
		return false
	}
	if p.Trust == nil {
		return true
	}
	for _, s := range p.Trust.Statements {
		if s.Effect == ev.EffectAllow && s.CoversAction("sts:TagSession") {
			return true
		}
	}
	return false
}

// principalTags returns all of the principal's tags for a question, or nil when they are free
// (not known from the plan, or sessions may carry any tags).
func (p *principal) principalTags() map[string]string {
	if !p.Tags.Known || p.sessionTagsFree() {
		return nil
	}
	out := make(map[string]string, len(p.Tags.Values))
	for k, v := range p.Tags.Values {
		out[k] = v
	}
	return out
}

// sessionTagsNote explains a witness that carries principal tags the plan does not give the
// principal because its sessions may be tagged by their caller; "" otherwise.
func (p *principal) sessionTagsNote(w *ev.Request) string {
	if w == nil || !p.sessionTagsFree() {
		return ""
	}
	for _, k := range w.Context.Keys() {
		if strings.HasPrefix(strings.ToLower(k), "aws:principaltag/") {
			if p.Trust == nil {
				return " (the role's trust policy is not known, so its sessions may carry any tags)"
			}
			return " (the role's trust policy allows sts:TagSession, so the caller of sts:AssumeRole chooses the session's tags, which override the role's)"
		}
	}
	return ""
}
