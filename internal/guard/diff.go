package guard

import (
	"context"
	"fmt"
	"sort"
	"strings"

	ev "github.com/iamguard/terraform-provider-iam/internal/evaluator"
)

// What a plan changes: for every principal whose policies the plan creates or changes, its
// effective permissions before and after (evaluator.Effective on the prior and the planned
// account), as the actions added and removed.

// AccessChange is one action a principal gains or loses.
type AccessChange struct {
	Action      string   `json:"action"`
	Service     string   `json:"service"`
	AccessLevel string   `json:"access_level"`
	Resources   []string `json:"resources,omitempty"`
	Conditional bool     `json:"conditional,omitempty"`
}

// PrincipalDiff is the change of one principal's access.
type PrincipalDiff struct {
	Principal string         `json:"principal"`
	Address   string         `json:"address"`
	New       bool           `json:"new"` // the principal does not exist before the plan
	Added     []AccessChange `json:"added"`
	Removed   []AccessChange `json:"removed"`
	// ReachAdded and ReachRemoved are the roles the principal becomes able, or no longer able,
	// to reach in one step ("arn:...:role/x by sts:AssumeRole"), through its own policies or the
	// roles' trust policies.
	ReachAdded   []string `json:"reach_added,omitempty"`
	ReachRemoved []string `json:"reach_removed,omitempty"`
	// Undecided says why the access could not be listed exactly (an unknown policy, an
	// undecided analysis); the lists are then empty.
	Undecided string `json:"undecided,omitempty"`
}

// Diff lists the access changes of the principals the plan touches, the largest first.
func Diff(p *Plan, rules *Rules) []PrincipalDiff {
	g := prepare(context.Background(), p, rules)
	var out []PrincipalDiff
	for _, after := range g.planned.principals {
		reachAdded, reachRemoved := g.reachChanges(after)
		if !g.grantsChanged(after) {
			// Its own policies are the same, but a trust policy may let it reach new roles.
			if len(reachAdded)+len(reachRemoved) > 0 {
				out = append(out, PrincipalDiff{Principal: after.ARN, Address: addressOr(after),
					ReachAdded: reachAdded, ReachRemoved: reachRemoved})
			}
			continue
		}
		d := PrincipalDiff{Principal: after.ARN, Address: addressOr(after), ReachAdded: reachAdded, ReachRemoved: reachRemoved}
		now, why := g.effective(g.planned, after)
		var was map[string]AccessChange
		if before := g.prior.counterpart(after); before == nil {
			d.New = true
		} else if why == "" {
			was, why = g.effective(g.prior, before)
		}
		if why != "" {
			d.Undecided = why
			out = append(out, d)
			continue
		}
		for name, c := range now {
			if _, ok := was[name]; !ok {
				d.Added = append(d.Added, c)
			}
		}
		for name, c := range was {
			if _, ok := now[name]; !ok {
				d.Removed = append(d.Removed, c)
			}
		}
		if len(d.Added) == 0 && len(d.Removed) == 0 && len(d.ReachAdded)+len(d.ReachRemoved) == 0 && !d.New {
			continue
		}
		sortChanges(d.Added)
		sortChanges(d.Removed)
		out = append(out, d)
	}
	sort.SliceStable(out, func(i, j int) bool {
		return len(out[i].Added)+len(out[i].Removed) > len(out[j].Added)+len(out[j].Removed)
	})
	return out
}

// effective lists what p may do in world w, by action; the reason when it cannot be exact.
// reachChanges compares the roles p reaches in one step before and after the plan.
func (g *guard) reachChanges(after *principal) (added, removed []string) {
	edges := func(w *world, p *principal) map[string]bool {
		out := map[string]bool{}
		if p == nil {
			return out
		}
		for _, e := range w.edgesFrom(p) {
			out[e.To.ARN+" by "+e.Via] = true
		}
		return out
	}
	now, was := edges(g.planned, after), edges(g.prior, g.prior.counterpart(after))
	for e := range now {
		if !was[e] {
			added = append(added, e)
		}
	}
	for e := range was {
		if !now[e] {
			removed = append(removed, e)
		}
	}
	sort.Strings(added)
	sort.Strings(removed)
	return added, removed
}

func (g *guard) effective(w *world, p *principal) (map[string]AccessChange, string) {
	if u := p.unknowns(); len(u) > 0 {
		return nil, fmt.Sprintf("%s %s: %s", u[0].Address, u[0].Attribute, u[0].Reason)
	}
	eff, err := ev.Effective(w.question(p, []string{"*"}, []string{"*"}, true))
	if err != nil {
		return nil, err.Error()
	}
	if len(eff.Undecided) > 0 {
		return nil, "the analysis could not decide: " + eff.Reason
	}
	out := make(map[string]AccessChange, len(eff.Actions))
	for _, a := range eff.Actions {
		out[a.Action] = AccessChange{Action: a.Action, Service: a.Service, AccessLevel: a.AccessLevel, Resources: a.Resources, Conditional: a.Conditional}
	}
	return out, ""
}

// levelRank orders access levels from the most to the least sensitive.
func levelRank(l string) int {
	switch l {
	case "Permissions management":
		return 0
	case "Write":
		return 1
	case "Tagging":
		return 2
	case "Read":
		return 3
	case "List":
		return 4
	}
	return 5
}

func sortChanges(cs []AccessChange) {
	sort.Slice(cs, func(i, j int) bool {
		if a, b := levelRank(cs[i].AccessLevel), levelRank(cs[j].AccessLevel); a != b {
			return a < b
		}
		return cs[i].Action < cs[j].Action
	})
}

// DiffMarkdown writes the changes as a pull-request comment: a table per principal, the
// largest changes first, "Permissions management" additions in bold.
func DiffMarkdown(diffs []PrincipalDiff) string {
	var b strings.Builder
	b.WriteString("## IAM access changes in this plan\n\n")
	if len(diffs) == 0 {
		b.WriteString("No principal gains or loses access.\n")
		return b.String()
	}
	for _, d := range diffs {
		title := d.Address
		if d.New {
			title += " (new)"
		}
		fmt.Fprintf(&b, "### `%s`\n\n", title)
		if d.Undecided != "" {
			fmt.Fprintf(&b, "Undecided: %s\n\n", mdEscape(d.Undecided))
			continue
		}
		for _, r := range d.ReachAdded {
			fmt.Fprintf(&b, "- **newly reaches** %s\n", mdEscape(r))
		}
		for _, r := range d.ReachRemoved {
			fmt.Fprintf(&b, "- no longer reaches %s\n", mdEscape(r))
		}
		if len(d.ReachAdded)+len(d.ReachRemoved) > 0 {
			b.WriteString("\n")
		}
		if len(d.Added)+len(d.Removed) == 0 && !d.New {
			continue
		}
		fmt.Fprintf(&b, "%d actions added, %d removed.\n\n", len(d.Added), len(d.Removed))
		if len(d.Added)+len(d.Removed) > maxDetailedChanges {
			writeLevelSummary(&b, d)
			continue
		}
		b.WriteString("| change | service | access level | actions | resources |\n|---|---|---|---|---|\n")
		write := func(sign string, cs []AccessChange) {
			type key struct{ service, level, resources string }
			groups := map[key][]string{}
			var order []key
			for _, c := range cs {
				k := key{c.Service, c.AccessLevel, strings.Join(c.Resources, ", ")}
				if _, ok := groups[k]; !ok {
					order = append(order, k)
				}
				groups[k] = append(groups[k], c.Action)
			}
			for _, k := range order {
				acts := groups[k]
				shown := strings.Join(acts, ", ")
				if len(acts) > 8 {
					shown = strings.Join(acts[:8], ", ") + fmt.Sprintf(", … (%d)", len(acts))
				}
				level := k.level
				if level == "Permissions management" && sign == "+" {
					level = "**" + level + "**"
				}
				res := k.resources
				if res == "" {
					res = "(no grant needed)"
				}
				fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", sign, k.service, level, mdEscape(shown), mdEscape(res))
			}
		}
		write("+", d.Added)
		write("−", d.Removed)
		b.WriteString("\n")
	}
	return b.String()
}

// maxDetailedChanges is the largest change listed action by action; beyond it (a principal that
// becomes an administrator) the comment counts actions per access level.
const maxDetailedChanges = 150

// writeLevelSummary writes the counts of a large change per access level, with the services.
func writeLevelSummary(b *strings.Builder, d PrincipalDiff) {
	b.WriteString("| change | access level | actions | services |\n|---|---|---|---|\n")
	for _, part := range []struct {
		sign string
		cs   []AccessChange
	}{{"+", d.Added}, {"−", d.Removed}} {
		byLevel := map[string]map[string]bool{}
		count := map[string]int{}
		for _, c := range part.cs {
			if byLevel[c.AccessLevel] == nil {
				byLevel[c.AccessLevel] = map[string]bool{}
			}
			byLevel[c.AccessLevel][c.Service] = true
			count[c.AccessLevel]++
		}
		for _, level := range []string{"Permissions management", "Write", "Tagging", "Read", "List", ""} {
			if count[level] == 0 {
				continue
			}
			var services []string
			for svc := range byLevel[level] {
				services = append(services, svc)
			}
			sort.Strings(services)
			shown := strings.Join(services, ", ")
			if len(services) > 12 {
				shown = strings.Join(services[:12], ", ") + fmt.Sprintf(", … (%d services)", len(services))
			}
			name := level
			if name == "" {
				name = "unknown"
			}
			if level == "Permissions management" && part.sign == "+" {
				name = "**" + name + "**"
			}
			fmt.Fprintf(b, "| %s | %s | %d | %s |\n", part.sign, name, count[level], mdEscape(shown))
		}
	}
	b.WriteString("\n")
}

func mdEscape(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ", "<", "&lt;", ">", "&gt;").Replace(s)
}
