package tfplan

import (
	"fmt"
	"sort"
	"strings"
)

// dump writes an account as indented text, one fact a line, so that a test can compare the
// whole model built from a fixture with the model the fixture's configuration describes.
// Policy documents are shown by their source and whether they are known; tests check the
// text of the documents that matter separately.
func dump(a *Account) string {
	var b strings.Builder
	p := func(indent int, format string, args ...any) {
		b.WriteString(strings.Repeat("  ", indent))
		fmt.Fprintf(&b, format, args...)
		b.WriteByte('\n')
	}
	val := func(v Value) string {
		if v.Known {
			return fmt.Sprintf("%q", v.Text)
		}
		return "unknown(" + v.Reason + ")"
	}
	doc := func(d Document) string {
		s := d.Source.String() + " "
		if d.JSON.Known {
			s += "known"
		} else {
			s += val(d.JSON)
		}
		if d.DataSource != "" {
			s += " from " + d.DataSource
		}
		return s
	}
	att := func(a *PolicyAttachment) string {
		s := a.Source.String() + " arn=" + val(a.ARN)
		if a.Policy != nil {
			s += " policy=" + a.Policy.Address
		}
		if a.Ref != "" {
			s += " ref=" + a.Ref
		}
		return s
	}
	tags := func(t Tags) string {
		if !t.Known {
			return "unknown"
		}
		keys := make([]string, 0, len(t.Values))
		for k := range t.Values {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var parts []string
		for _, k := range keys {
			parts = append(parts, k+"="+t.Values[k])
		}
		return "{" + strings.Join(parts, ",") + "}"
	}
	principal := func(kind, addr string, external bool, name, arn, path Value) {
		if external {
			p(0, "%s (external) name=%s", kind, val(name))
			return
		}
		p(0, "%s %s name=%s arn=%s path=%s", kind, addr, val(name), val(arn), val(path))
	}
	inline := func(list []*InlinePolicy) {
		for _, ip := range list {
			p(1, "inline %s: %s", val(ip.Name), doc(ip.Document))
		}
	}
	managed := func(list []*PolicyAttachment, boundary *PolicyAttachment) {
		for _, a := range list {
			p(1, "managed %s", att(a))
		}
		if boundary != nil {
			p(1, "boundary %s", att(boundary))
		}
	}
	for _, r := range a.Roles {
		principal("role", r.Address, r.External, r.Name, r.ARN, r.Path)
		if !r.External {
			p(1, "trust %s", doc(r.Trust))
			p(1, "tags %s", tags(r.Tags))
		}
		inline(r.Inline)
		managed(r.Managed, r.Boundary)
	}
	for _, u := range a.Users {
		principal("user", u.Address, u.External, u.Name, u.ARN, u.Path)
		if !u.External {
			p(1, "tags %s", tags(u.Tags))
		}
		inline(u.Inline)
		managed(u.Managed, u.Boundary)
		for _, m := range u.Groups {
			p(1, "member of %s via %s", val(m.Group.Name), m.Source)
		}
		if u.LoginProfile != nil {
			p(1, "login profile %s reset=%v", u.LoginProfile.Address, u.LoginProfile.PasswordResetRequired)
		}
		for _, k := range u.AccessKeys {
			p(1, "access key %s status=%s", k.Address, val(k.Status))
		}
	}
	for _, g := range a.Groups {
		principal("group", g.Address, g.External, g.Name, g.ARN, g.Path)
		inline(g.Inline)
		managed(g.Managed, nil)
		for _, m := range g.Members {
			p(1, "member %s via %s", val(m.User.Name), m.Source)
		}
	}
	for _, mp := range a.Policies {
		p(0, "policy %s name=%s path=%s arn=%s", mp.Address, val(mp.Name), val(mp.Path), val(mp.ARN))
		p(1, "document %s", doc(mp.Document))
	}
	for _, rp := range a.ResourcePolicies {
		t := rp.Target
		p(0, "resource policy %s on %s id=%s address=%q ref=%q name=%s arn=%s", rp.Kind, rp.Document.Source, val(t.ID), t.Address, t.Ref, val(t.Name), val(t.ARN))
		p(1, "document %s", doc(rp.Document))
	}
	for _, op := range a.OrgPolicies {
		p(0, "org policy %s %s name=%s id=%s", op.Address, op.Type, val(op.Name), val(op.ID))
		p(1, "document %s", doc(op.Document))
		for _, t := range op.Targets {
			s := "target " + t.Source.String() + " id=" + val(t.ID)
			if t.Ref != "" {
				s += " ref=" + t.Ref
			}
			p(1, "%s", s)
		}
	}
	for _, k := range a.AccessKeys {
		user := "(none)"
		if k.User != nil {
			user = val(k.User.Name)
		}
		p(0, "access key %s user=%s", k.Address, user)
	}
	for _, lp := range a.LoginProfiles {
		user := "(none)"
		if lp.User != nil {
			user = val(lp.User.Name)
		}
		p(0, "login profile %s user=%s", lp.Address, user)
	}
	for _, d := range a.PolicyDocuments {
		p(0, "policy document %s json=%s", d.Address, func() string {
			if d.JSON.Known {
				return "known"
			}
			return val(d.JSON)
		}())
	}
	for _, u := range a.Unresolved {
		p(0, "unresolved %s: %s", u.Source, u.Reason)
	}
	return b.String()
}
