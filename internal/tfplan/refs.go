package tfplan

import (
	"sort"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"
)

// This file follows the references that the plan's configuration section records for an
// attribute (`policy_arn = aws_iam_policy.app.arn` is recorded as the references
// "aws_iam_policy.app.arn" and "aws_iam_policy.app"), through module input variables and
// module outputs, to resources of the state being modelled.

// maxRefDepth bounds the walk through variables and outputs; configurations are acyclic, the
// bound only guards against a malformed plan.
const maxRefDepth = 64

// refTarget is a resource that an attribute's configuration references.
type refTarget struct {
	addr string // absolute address, module instance path included; no instance key unless written
	mode string // "managed" or "data"
	typ  string
	ref  string // the reference made absolute, attribute included ("module.a.aws_iam_role.x.name")
}

// splitRef splits a reference at dots outside brackets:
// `module.a["x.y"].aws_iam_role.r[0].name` gives module, a["x.y"], aws_iam_role, r[0], name.
func splitRef(s string) []string {
	var parts []string
	depth, start := 0, 0
	inString := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case inString:
			switch c {
			case '\\':
				i++
			case '"':
				inString = false
			}
		case c == '"':
			inString = true
		case c == '[':
			depth++
		case c == ']':
			depth--
		case c == '.' && depth == 0:
			parts = append(parts, s[start:i])
			start = i + 1
		}
	}
	return append(parts, s[start:])
}

// stripKey removes an instance key: `a["x"]` gives `a`.
func stripKey(seg string) string {
	if i := strings.IndexByte(seg, '['); i >= 0 {
		return seg[:i]
	}
	return seg
}

func joinAddr(module, rest string) string {
	if module == "" {
		return rest
	}
	return module + "." + rest
}

// moduleSegments splits a module instance path ("module.a[0].module.b") into call
// segments ("a[0]", "b").
func moduleSegments(module string) []string {
	if module == "" {
		return nil
	}
	parts := splitRef(module)
	var calls []string
	for i := 0; i+1 < len(parts); i += 2 {
		calls = append(calls, parts[i+1])
	}
	return calls
}

// configModule returns the configuration of the module at a module instance path.
func (b *builder) configModule(module string) *moduleConfig {
	if b.cfg == nil {
		return nil
	}
	m := b.cfg.RootModule
	for _, call := range moduleSegments(module) {
		if m == nil || m.ModuleCalls == nil {
			return nil
		}
		mc := m.ModuleCalls[stripKey(call)]
		if mc == nil {
			return nil
		}
		m = mc.Module
	}
	return m
}

// parentModule splits a module instance path into its parent's path and the last call.
func parentModule(module string) (parent, call string) {
	calls := moduleSegments(module)
	if len(calls) == 0 {
		return "", ""
	}
	for _, c := range calls[:len(calls)-1] {
		parent = joinAddr(parent, "module."+c)
	}
	return parent, calls[len(calls)-1]
}

// configResource finds the configuration block of the resource r.
func (b *builder) configResource(r *resource) *resourceConfig {
	if b.configIndex == nil {
		b.configIndex = make(map[string]*resourceConfig)
		if b.cfg != nil {
			indexConfig(b.configIndex, "", b.cfg.RootModule, 0)
		}
	}
	var module strings.Builder
	for _, call := range moduleSegments(r.module) {
		module.WriteString("module.")
		module.WriteString(stripKey(call))
		module.WriteString(".")
	}
	rel := r.typ + "." + r.name
	if r.mode == string(tfjson.DataResourceMode) {
		rel = "data." + rel
	}
	return b.configIndex[module.String()+rel]
}

// indexConfig maps "module.a.module.b.aws_x.y" (module calls without instance keys) to the
// configuration of each resource.
func indexConfig(index map[string]*resourceConfig, prefix string, m *moduleConfig, depth int) {
	if m == nil || depth > maxRefDepth {
		return
	}
	for _, cr := range m.Resources {
		if cr != nil {
			index[prefix+cr.Address] = cr
		}
	}
	for name, call := range m.ModuleCalls {
		if call != nil {
			indexConfig(index, prefix+"module."+name+".", call.Module, depth+1)
		}
	}
}

// blockAttr names an attribute inside one instance of a nested block: {2, "policy"} is
// inline_policy[2].policy when the block is inline_policy.
type blockAttr struct {
	index int
	attr  string
}

// expression returns the configuration expression of an attribute of r: attr alone, or, with
// nested, the attribute reached through block attr and then each nested block in turn.
func (b *builder) expression(r *resource, attr string, nested ...blockAttr) *expression {
	if r.config == nil || r.config.Expressions == nil {
		return nil
	}
	e := r.config.Expressions[attr]
	for _, n := range nested {
		if e == nil || n.index < 0 || n.index >= len(e.NestedBlocks) {
			return nil
		}
		e = e.NestedBlocks[n.index][n.attr]
	}
	return e
}

// configured reports whether the configuration sets the attribute of r. A plan without its
// configuration section cannot say; there a known, non-empty value counts as set (it may be
// a read-back of a separate resource, which is then counted twice: the same access, never
// less), and a value known only after apply as not set, as Terraform plans a computed
// attribute that the configuration leaves out.
func (b *builder) configured(r *resource, attr string) bool {
	if !b.hasConfig() {
		if r.unknownAt(attr) {
			return false
		}
		switch v := r.values[attr].(type) {
		case string:
			return v != ""
		case []any:
			return len(v) > 0
		case map[string]any:
			return len(v) > 0
		}
		return false
	}
	return b.expression(r, attr) != nil
}

// hasConfig reports whether the plan has its configuration section.
func (b *builder) hasConfig() bool {
	return b.cfg != nil && b.cfg.RootModule != nil
}

// targets follows the references of an attribute of r and returns the resources they name,
// sorted by address, and the references that name no resource (locals, root variables, ...).
func (b *builder) targets(r *resource, e *expression) (targets []refTarget, opaque []string) {
	if e == nil {
		return nil, nil
	}
	w := &refWalk{seen: make(map[string]int), visited: make(map[string]bool)}
	b.walkRefs(r.module, e.References, 0, w)
	targets, opaque = w.targets, w.opaque
	sort.Slice(targets, func(i, j int) bool { return targets[i].addr < targets[j].addr })
	return targets, opaque
}

// refWalk is the state of one walk through an attribute's references. visited holds the
// module variables and outputs already followed: a variable that two references reach is
// walked once, so that the walk is linear in the configuration and a malformed plan whose
// outputs and variables refer to each other in a cycle ends.
type refWalk struct {
	seen    map[string]int // target address -> index in targets
	visited map[string]bool
	targets []refTarget
	opaque  []string
}

func (b *builder) walkRefs(module string, refs []string, depth int, w *refWalk) {
	if depth > maxRefDepth {
		w.opaque = append(w.opaque, "(references nested too deep)")
		return
	}
	for _, ref := range refs {
		parts := splitRef(ref)
		switch parts[0] {
		case "var":
			if len(parts) < 2 {
				continue
			}
			parent, call := parentModule(module)
			if call == "" {
				w.opaque = append(w.opaque, ref)
				continue
			}
			key := joinAddr(module, "var."+parts[1])
			if w.visited[key] {
				continue
			}
			w.visited[key] = true
			pm := b.configModule(parent)
			if pm == nil || pm.ModuleCalls[stripKey(call)] == nil {
				w.opaque = append(w.opaque, joinAddr(module, ref))
				continue
			}
			e := pm.ModuleCalls[stripKey(call)].Expressions[parts[1]]
			if e == nil {
				continue // the module call does not set the variable: its default is a constant
			}
			b.walkRefs(parent, e.References, depth+1, w)
		case "module":
			if len(parts) < 3 {
				// A reference to a whole module (module.a) comes with one to its output.
				continue
			}
			child := joinAddr(module, "module."+parts[1])
			key := joinAddr(child, "output."+parts[2])
			if w.visited[key] {
				continue
			}
			w.visited[key] = true
			cm := b.configModule(child)
			if cm == nil || cm.Outputs[parts[2]] == nil || cm.Outputs[parts[2]].Expression == nil {
				w.opaque = append(w.opaque, joinAddr(module, ref))
				continue
			}
			b.walkRefs(child, cm.Outputs[parts[2]].Expression.References, depth+1, w)
		case "data":
			if len(parts) < 3 {
				continue
			}
			w.addTarget(module, "data", parts[1], parts[2], parts[3:])
		case "local", "count", "each", "path", "terraform", "self":
			w.opaque = append(w.opaque, joinAddr(module, ref))
		default:
			if len(parts) < 2 {
				w.opaque = append(w.opaque, joinAddr(module, ref))
				continue
			}
			w.addTarget(module, "managed", parts[0], parts[1], parts[2:])
		}
	}
}

func (w *refWalk) addTarget(module, mode, typ, name string, rest []string) {
	rel := typ + "." + name
	if mode == "data" {
		rel = "data." + rel
	}
	addr := joinAddr(module, rel)
	ref := addr
	if len(rest) > 0 {
		ref += "." + strings.Join(rest, ".")
	}
	if i, ok := w.seen[addr]; ok {
		// Terraform records "x.attr" and "x"; keep the more precise one.
		if len(ref) > len(w.targets[i].ref) {
			w.targets[i].ref = ref
		}
		return
	}
	w.seen[addr] = len(w.targets)
	w.targets = append(w.targets, refTarget{addr: addr, mode: mode, typ: typ, ref: ref})
}

// usesIteration reports whether the expression refers to count.index or each.*, which pick
// the instance of a referenced resource that has the referrer's own key.
func usesIteration(e *expression) bool {
	if e == nil {
		return false
	}
	for _, ref := range e.References {
		if strings.HasPrefix(ref, "count.index") || strings.HasPrefix(ref, "each.") {
			return true
		}
	}
	return false
}

// resolved is a resource that an attribute's references name.
type resolved struct {
	res *resource
	ref string
}

// referenced returns the resources of the given types (managed mode) that an attribute's
// configuration references, and a reason when none or an ambiguous set was found. For a list
// attribute (all true) a reference to a resource with several instances names all of them
// (`roles = aws_iam_role.workers[*].name`); for a single value it must pick one.
func (b *builder) referenced(r *resource, e *expression, all bool, types ...string) ([]resolved, string) {
	targets, opaque := b.targets(r, e)
	var out []resolved
	var problems []string
	for _, t := range targets {
		if t.mode != "managed" || !contains(types, t.typ) {
			continue
		}
		insts := b.instances(t.addr)
		switch {
		case len(insts) == 1:
			out = append(out, resolved{insts[0], t.ref})
		case len(insts) == 0:
			problems = append(problems, t.ref+" is not in the "+b.phase)
		default:
			picked := false
			if usesIteration(e) && r.index != nil {
				for _, in := range insts {
					if in.index == r.index {
						out = append(out, resolved{in, t.ref})
						picked = true
					}
				}
			}
			switch {
			case picked:
			case all:
				for _, in := range insts {
					out = append(out, resolved{in, t.ref})
				}
			default:
				problems = append(problems, t.ref+" has several instances")
			}
		}
	}
	if len(out) > 0 && len(problems) == 0 {
		return out, ""
	}
	if len(out) == 0 && len(problems) == 0 {
		if e == nil || len(e.References) == 0 {
			return nil, "the configuration records no reference for it"
		}
		kinds := strings.Join(types, " or ")
		if len(opaque) > 0 {
			return nil, "its configuration references no " + kinds + " of this plan (references " + strings.Join(opaque, ", ") + ")"
		}
		return nil, "its configuration references no " + kinds + " of this plan"
	}
	return out, strings.Join(problems, "; ")
}

// instances returns the resources at addr: the one instance at that exact address, or the
// instances of a resource with count or for_each when addr has no key.
func (b *builder) instances(addr string) []*resource {
	if r, ok := b.byAddr[addr]; ok {
		return []*resource{r}
	}
	return b.byBase[addr]
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
