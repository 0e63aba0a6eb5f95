package guard

import (
	"fmt"

	ev "github.com/iamguard/terraform-provider-iam/internal/evaluator"
	"github.com/iamguard/terraform-provider-iam/internal/tfplan"
)

// WhoCanEntry is a principal of the plan's account model that may perform an action, directly
// or through a chain of roles.
type WhoCanEntry struct {
	Principal string `json:"principal"`
	Address   string `json:"address"`
	// Path is the chain of roles (empty when the principal may do it itself).
	Path    []Step      `json:"path,omitempty"`
	Witness *ev.Request `json:"-"`
	// Undecided says why the guard could not tell (a policy or name known only after apply, or
	// an undecided analysis); such a principal may or may not be able to.
	Undecided string `json:"undecided,omitempty"`
}

// WhoCan lists every principal of the account as the plan leaves it that may perform the
// action on a resource matching the pattern, with the shortest chain and a witness. It asks
// the same questions as a forbid rule over every principal, so the chains, resource policies,
// boundaries and SCPs count exactly as in Check.
func WhoCan(p *tfplan.Plan, rules *Rules, action, resource string) ([]WhoCanEntry, error) {
	if msg := ev.ActionPatternProblem(action); msg != "" {
		return nil, fmt.Errorf("action %q: %s", action, msg)
	}
	if msg := ev.ResourcePatternProblem(resource); msg != "" {
		return nil, fmt.Errorf("resource %q: %s", resource, msg)
	}
	if rules == nil {
		rules = DefaultRules()
	}
	q := *rules
	q.Forbid = []ForbidRule{{Name: "who-can", Actions: []string{action}, Resources: []string{resource}}}
	q.Require, q.NewAccess = nil, nil
	q.Levels = map[string]Level{}
	for _, code := range Codes() {
		if code != CodeForbiddenAccess && code != CodeUndecided {
			q.Levels[code] = levelOff
		}
	}
	q.Levels[CodeForbiddenAccess] = LevelError
	r := Check(p, &q)
	var out []WhoCanEntry
	for _, f := range r.Findings {
		switch {
		case f.Code == CodeForbiddenAccess && f.Rule == "forbid.who-can":
			out = append(out, WhoCanEntry{Principal: f.Principal, Address: f.Address, Path: f.Path, Witness: f.Witness})
		case f.Code == CodeUndecided && f.Rule == "forbid.who-can":
			out = append(out, WhoCanEntry{Principal: f.Principal, Address: f.Address, Undecided: f.Message})
		}
	}
	return out, nil
}
