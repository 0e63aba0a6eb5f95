package guard

import (
	"context"
	"fmt"
	"sort"
	"strings"

	ev "github.com/iamguard/terraform-provider-iam/internal/evaluator"
	"github.com/iamguard/terraform-provider-iam/internal/tfplan"
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
func Diff(p *tfplan.Plan, rules *Rules) []PrincipalDiff {
	return prepare(context.Background(), p, rules).diff()
}

// CheckWithDiff is CheckContext with the plan's access changes in the report (Report.Access),
// computed over the same account model as the checks.
func CheckWithDiff(ctx context.Context, p *tfplan.Plan, rules *Rules) *Report {
	g := prepare(ctx, p, rules)
	r := g.check()
	r.Access, r.AccessListed = g.diff(), true
	return r
}

func (g *guard) diff() []PrincipalDiff {
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
	// The largest changes first; among equals, more permissions-management additions first,
	// then by address, so that the report is stable.
	sort.SliceStable(out, func(i, j int) bool {
		if a, b := len(out[i].Added)+len(out[i].Removed), len(out[j].Added)+len(out[j].Removed); a != b {
			return a > b
		}
		if a, b := out[i].permissionsAdded(), out[j].permissionsAdded(); a != b {
			return a > b
		}
		return out[i].Address < out[j].Address
	})
	return out
}

// permissionsAdded counts the added actions of the "Permissions management" access level.
func (d *PrincipalDiff) permissionsAdded() int {
	n := 0
	for _, c := range d.Added {
		if c.AccessLevel == levelPermissions {
			n++
		}
	}
	return n
}

// levelPermissions is the access level of actions that change who may do what.
const levelPermissions = "Permissions management"

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

// effective lists what p may do in world w, by action; the reason when it cannot be exact.
func (g *guard) effective(w *world, p *principal) (map[string]AccessChange, string) {
	if u := p.unknowns(); len(u) > 0 {
		return nil, fmt.Sprintf("%s %s: %s", u[0].Address, u[0].Attribute, u[0].Reason)
	}
	q := w.question(p, []string{"*"}, []string{"*"}, true)
	q.Done = g.ctx.Done()
	eff, err := ev.Effective(q)
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
	case levelPermissions:
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

// changeGroup is the added (or removed) actions of one principal that share a service, an
// access level and the resources they are granted on.
type changeGroup struct {
	Added     bool
	Service   string
	Level     string
	Resources []string
	Actions   []string
}

// changePart is the added or the removed actions of a principal.
type changePart struct {
	added bool
	cs    []AccessChange
}

func (d PrincipalDiff) parts() []changePart {
	return []changePart{{true, d.Added}, {false, d.Removed}}
}

// groupChanges groups a principal's changes, additions first, in the order of sortChanges
// (the most sensitive access level first).
func groupChanges(d PrincipalDiff) []changeGroup {
	var out []changeGroup
	for _, part := range d.parts() {
		index := map[string]int{}
		for _, c := range part.cs {
			key := c.Service + "\x00" + c.AccessLevel + "\x00" + strings.Join(c.Resources, "\x00")
			i, ok := index[key]
			if !ok {
				i = len(out)
				index[key] = i
				out = append(out, changeGroup{Added: part.added, Service: c.Service, Level: c.AccessLevel, Resources: c.Resources})
			}
			out[i].Actions = append(out[i].Actions, c.Action)
		}
	}
	return out
}

// levelTotal counts the added (or removed) actions of one access level, with their services.
type levelTotal struct {
	Added    bool
	Level    string // "" when the catalogue gives none
	Count    int
	Services []string
}

// levelTotals counts a principal's changes per access level, additions first, the most
// sensitive level first.
func levelTotals(d PrincipalDiff) []levelTotal {
	var out []levelTotal
	for _, part := range d.parts() {
		services := map[string]map[string]bool{}
		count := map[string]int{}
		for _, c := range part.cs {
			if services[c.AccessLevel] == nil {
				services[c.AccessLevel] = map[string]bool{}
			}
			services[c.AccessLevel][c.Service] = true
			count[c.AccessLevel]++
		}
		var levels []string
		for l := range count {
			levels = append(levels, l)
		}
		sort.Slice(levels, func(i, j int) bool { return levelRank(levels[i]) < levelRank(levels[j]) })
		for _, l := range levels {
			var svcs []string
			for s := range services[l] {
				svcs = append(svcs, s)
			}
			sort.Strings(svcs)
			out = append(out, levelTotal{Added: part.added, Level: l, Count: count[l], Services: svcs})
		}
	}
	return out
}

// DiffMarkdown writes the changes as a pull-request comment: a table per principal, the
// largest changes first, "Permissions management" additions in bold.
func DiffMarkdown(diffs []PrincipalDiff) string {
	var b strings.Builder
	b.WriteString("## IAM access changes in this plan\n\n")
	writeDiffMarkdown(&b, diffs, "###")
	return b.String()
}

// maxDetailedChanges is the largest change listed action by action; beyond it (a principal that
// becomes an administrator) the comment counts actions per access level.
const maxDetailedChanges = 150

// maxMarkdownPrincipals is the number of principals the comment details; the rest (smaller
// changes, as the largest come first) are named with their counts, so that a plan that touches
// hundreds of principals still fits in a pull-request comment (GitHub takes 65,536 characters).
const maxMarkdownPrincipals = 30

// maxShownActions is the number of actions a table cell lists before it counts the rest.
const maxShownActions = 8

// writeDiffMarkdown writes one section per principal, its heading at level heading ("###").
func writeDiffMarkdown(b *strings.Builder, diffs []PrincipalDiff, heading string) {
	if len(diffs) == 0 {
		b.WriteString("No principal gains or loses access.\n")
		return
	}
	for i, d := range diffs {
		if i == maxMarkdownPrincipals {
			fmt.Fprintf(b, "%d more principals with smaller changes:\n\n", len(diffs)-i)
			for _, d := range diffs[i:] {
				fmt.Fprintf(b, "- %s: %s\n", mdCode(d.Address), changeCounts(d))
			}
			b.WriteString("\n")
			return
		}
		title := mdCode(d.Address)
		if d.New {
			title += " (new)"
		}
		fmt.Fprintf(b, "%s %s\n\n", heading, title)
		if d.Principal != "" && d.Principal != d.Address {
			fmt.Fprintf(b, "Principal %s.\n\n", mdCode(d.Principal))
		}
		if d.Undecided != "" {
			fmt.Fprintf(b, "**Undecided**: %s. Its access is not listed; this is not a pass.\n\n", mdEscape(d.Undecided))
			continue
		}
		for _, r := range d.ReachAdded {
			fmt.Fprintf(b, "- **newly reaches** %s\n", mdReach(r))
		}
		for _, r := range d.ReachRemoved {
			fmt.Fprintf(b, "- no longer reaches %s\n", mdReach(r))
		}
		if len(d.ReachAdded)+len(d.ReachRemoved) > 0 {
			b.WriteString("\n")
		}
		if len(d.Added)+len(d.Removed) == 0 && !d.New {
			continue
		}
		fmt.Fprintf(b, "%s.", changeCounts(d))
		if n := d.permissionsAdded(); n > 0 {
			fmt.Fprintf(b, " **%s added: %s.**", levelPermissions, plural(n, "action"))
		}
		b.WriteString("\n\n")
		if len(d.Added)+len(d.Removed) > maxDetailedChanges {
			writeLevelSummary(b, d)
			continue
		}
		b.WriteString("| change | service | access level | actions | resources |\n|---|---|---|---|---|\n")
		for _, g := range groupChanges(d) {
			sign, level := mdChange(g.Added, g.Level)
			res := "(no grant needed)"
			if len(g.Resources) > 0 {
				res = mdCodeList(g.Resources, len(g.Resources))
			}
			fmt.Fprintf(b, "| %s | %s | %s | %s | %s |\n", sign, mdEscape(g.Service), level, mdCodeList(g.Actions, maxShownActions), res)
		}
		b.WriteString("\n")
	}
}

// writeLevelSummary writes the counts of a large change per access level, with the services,
// and names the added permissions-management actions (the ones a reviewer must see).
func writeLevelSummary(b *strings.Builder, d PrincipalDiff) {
	b.WriteString("| change | access level | actions | services |\n|---|---|---|---|\n")
	for _, t := range levelTotals(d) {
		sign, name := mdChange(t.Added, t.Level)
		shown := strings.Join(t.Services, ", ")
		if len(t.Services) > 12 {
			shown = strings.Join(t.Services[:12], ", ") + fmt.Sprintf(", … (%d services)", len(t.Services))
		}
		fmt.Fprintf(b, "| %s | %s | %d | %s |\n", sign, name, t.Count, mdEscape(shown))
	}
	b.WriteString("\n")
	var pm []string
	for _, c := range d.Added {
		if c.AccessLevel == levelPermissions {
			pm = append(pm, c.Action)
		}
	}
	if len(pm) > 0 {
		fmt.Fprintf(b, "**%s added**: %s\n\n", levelPermissions, mdCodeList(pm, 40))
	}
}

// mdChange writes the change and access level cells: additions of permissions management in bold.
func mdChange(added bool, level string) (sign, name string) {
	sign, name = "−", level
	if added {
		sign = "+"
	}
	if name == "" {
		name = "unknown"
	}
	if added && level == levelPermissions {
		sign, name = "**+**", "**"+name+"**"
	}
	return sign, name
}

// changeCounts says how many actions a principal gains and loses.
func changeCounts(d PrincipalDiff) string {
	if d.Undecided != "" {
		return "undecided"
	}
	return plural(len(d.Added), "action") + " added, " + fmt.Sprint(len(d.Removed)) + " removed"
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// mdReach writes a reach change ("ROLE by VIA") with the role and the way as code.
func mdReach(r string) string {
	role, via, ok := strings.Cut(r, " by ")
	if !ok {
		return mdCode(r)
	}
	return mdCode(role) + " by " + mdCode(via)
}

// mdCodeList writes names as code spans, at most limit of them, then the count.
func mdCodeList(names []string, limit int) string {
	var parts []string
	for i, n := range names {
		if i == limit {
			parts = append(parts, fmt.Sprintf("… (%d in all)", len(names)))
			break
		}
		parts = append(parts, mdCode(n))
	}
	return strings.Join(parts, ", ")
}

// mdCode writes s as a Markdown code span that is safe in a table cell: the fence is longer
// than any run of backticks in s, a pipe is escaped (GitHub splits cells at a pipe even in
// code), and a line break becomes a space. In a code span, * _ < and @ are not markup, so
// ARN wildcards neither turn into emphasis nor names into mentions. GitHub's table reads a
// backslash as escaping the next character even in code, so a backslash before a pipe would
// leave the pipe to split the cell: such text is written escaped instead (mdEscape).
func mdCode(s string) string {
	if strings.Contains(s, `\|`) {
		return mdEscape(s)
	}
	s = strings.NewReplacer("|", `\|`, "\r", " ", "\n", " ").Replace(s)
	run, longest := 0, 0
	for _, r := range s {
		if r == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	fence := strings.Repeat("`", longest+1)
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") || s == "" {
		s = " " + s + " "
	}
	return fence + s + fence
}

// mdEscape writes text for a Markdown table cell: Markdown's punctuation is escaped with a
// backslash, so that a message neither formats nor links, HTML is not HTML, and a line break
// becomes a space.
func mdEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '\\', '`', '*', '_', '[', ']', '|', '~', '#', '!':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '&':
			b.WriteString("&amp;")
		case '@':
			// GitHub turns @name into a mention; an entity shows the same character.
			b.WriteString("&#64;")
		case '\r', '\n':
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// writeDiffText writes the access changes for people: per principal, its counts, the roles it
// newly reaches, and the changes grouped as in the Markdown table (per access level for large
// changes).
func writeDiffText(b *strings.Builder, diffs []PrincipalDiff) {
	if len(diffs) == 0 {
		b.WriteString("access changes: no principal gains or loses access\n")
		return
	}
	fmt.Fprintf(b, "access changes: %s\n", plural(len(diffs), "principal"))
	for _, d := range diffs {
		title := d.Address
		if d.New {
			title += " (new)"
		}
		fmt.Fprintf(b, "\n%s: %s\n", title, changeCounts(d))
		if d.Undecided != "" {
			fmt.Fprintf(b, "  undecided:  %s (its access is not listed; this is not a pass)\n", d.Undecided)
			continue
		}
		for _, r := range d.ReachAdded {
			fmt.Fprintf(b, "  newly reaches %s\n", r)
		}
		for _, r := range d.ReachRemoved {
			fmt.Fprintf(b, "  no longer reaches %s\n", r)
		}
		if len(d.Added)+len(d.Removed) > maxDetailedChanges {
			for _, t := range levelTotals(d) {
				sign := "-"
				if t.Added {
					sign = "+"
				}
				fmt.Fprintf(b, "  %s %s: %s in %s\n", sign, levelOrUnknown(t.Level), plural(t.Count, "action"), plural(len(t.Services), "service"))
			}
			continue
		}
		for _, g := range groupChanges(d) {
			sign := "-"
			if g.Added {
				sign = "+"
			}
			on := "no grant needed"
			if len(g.Resources) > 0 {
				on = "on " + strings.Join(g.Resources, ", ")
			}
			fmt.Fprintf(b, "  %s %s %s: %s (%s)\n", sign, g.Service, levelOrUnknown(g.Level), strings.Join(g.Actions, ", "), on)
		}
	}
}

func levelOrUnknown(l string) string {
	if l == "" {
		return "unknown level"
	}
	return l
}
