package guard

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/gohcl"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	ev "github.com/iamguard/terraform-provider-iam/internal/evaluator"
	"github.com/iamguard/terraform-provider-iam/internal/tfplan"
	"github.com/iamguard/terraform-provider-iam/internal/validate"
)

// Rules is a parsed rules file (guard.hcl). DefaultRules gives the rules of a guard run
// without one. The schema is documented in README.md beside this file.
type Rules struct {
	File string
	// Account is the account the plan deploys into; "" when the rules do not say.
	Account string
	// Administrators are ARN patterns of the principals that may hold administrative access.
	Administrators []string
	// MaxChainDepth bounds role chains (steps of AssumeRole or PassRole).
	MaxChainDepth int

	Forbid       []ForbidRule
	Require      []RequireRule
	NewAccess    []NewAccessRule
	PublicAccess PublicAccessRule
	Validation   ValidationRule
	Organization Organization
	// Levels overrides the level of finding codes; levelOff turns a code off.
	Levels map[string]Level
	// Waivers accept findings with a reason (waivers.go).
	Waivers []Waiver
}

// levelOff is the Levels value of a code that is turned off.
const levelOff Level = -1

// PrincipalSelector chooses principals of the plan: by ARN pattern (wildcards * and ?) and by
// tags (every tag given must match). Without patterns, every principal matches the patterns.
type PrincipalSelector struct {
	Patterns []string
	Tags     map[string]string
}

// ForbidRule: no selected principal may do any of Actions on any of Resources.
type ForbidRule struct {
	Name       string
	Principals PrincipalSelector
	Actions    []string
	Resources  []string
	Range      hcl.Range
}

// RequireRule: every selected principal must be allowed each action on each resource.
type RequireRule struct {
	Name       string
	Principals PrincipalSelector
	Actions    []string // exact actions
	Resources  []string // exact ARNs, or "*" for actions without a resource
	Context    map[string]string
	Range      hcl.Range
}

// NewAccessRule reports or forbids access that the plan adds over the prior state.
type NewAccessRule struct {
	Name       string
	Principals PrincipalSelector
	Actions    []string
	Resources  []string
	Forbid     bool
	Range      hcl.Range
}

// PublicAccessRule says what to do with resource policies that let anyone in.
type PublicAccessRule struct {
	Forbid bool
	// Except lists the addresses of resource policies that may be public (a website bucket).
	Except []string
}

// ValidationRule sets which validation severities fail and which are reported.
type ValidationRule struct {
	Fail   validate.Severity
	Report validate.Severity
}

// Organization places the account in its organisation and adds SCPs and RCPs that live
// outside the plan.
type Organization struct {
	// Path is the root id and the OU ids from the root down to the account's parent.
	Path     []string
	Policies []OrgPolicyFile
}

// OrgPolicyFile is an SCP or RCP read from a file, attached to a target of the path (a root
// or OU id, or "account").
type OrgPolicyFile struct {
	Type   tfplan.OrgPolicyType
	Target string
	File   string
	Policy *ev.Policy
}

// DefaultRules are the rules without a rules file: validation errors, public access and newly
// granted administrative access fail; the best practices are reported.
func DefaultRules() *Rules {
	return &Rules{
		MaxChainDepth: 3,
		PublicAccess:  PublicAccessRule{Forbid: true},
		Validation:    ValidationRule{Fail: validate.SeverityError, Report: validate.SeverityError},
		Levels:        map[string]Level{},
	}
}

// level returns the level of a code under these rules, or levelOff.
func (r *Rules) level(code string) Level {
	if l, ok := r.Levels[code]; ok {
		return l
	}
	return codeInfo[code].Level
}

// ---- the HCL schema

type rulesFile struct {
	Account        hcl.Expression   `hcl:"account,optional"`
	Administrators hcl.Expression   `hcl:"administrators,optional"`
	MaxChainDepth  hcl.Expression   `hcl:"max_chain_depth,optional"`
	Forbid         []forbidBlock    `hcl:"forbid,block"`
	Require        []requireBlock   `hcl:"require,block"`
	NewAccess      []newAccessBlock `hcl:"new_access,block"`
	PublicAccess   []publicBlock    `hcl:"public_access,block"`
	Validation     []validBlock     `hcl:"validation,block"`
	Organization   []orgBlock       `hcl:"organization,block"`
	Findings       []findingBlock   `hcl:"finding,block"`
	Waive          []waiveBlock     `hcl:"waive,block"`
}

type forbidBlock struct {
	Name          string         `hcl:"name,label"`
	Principals    hcl.Expression `hcl:"principals,optional"`
	PrincipalTags hcl.Expression `hcl:"principal_tags,optional"`
	Actions       hcl.Expression `hcl:"actions"`
	Resources     hcl.Expression `hcl:"resources,optional"`
	DefRange      hcl.Range      `hcl:",def_range"`
}

type requireBlock struct {
	Name          string         `hcl:"name,label"`
	Principals    hcl.Expression `hcl:"principals"`
	PrincipalTags hcl.Expression `hcl:"principal_tags,optional"`
	Actions       hcl.Expression `hcl:"actions"`
	Resources     hcl.Expression `hcl:"resources"`
	Context       hcl.Expression `hcl:"context,optional"`
	DefRange      hcl.Range      `hcl:",def_range"`
}

type newAccessBlock struct {
	Name          string         `hcl:"name,label"`
	Principals    hcl.Expression `hcl:"principals,optional"`
	PrincipalTags hcl.Expression `hcl:"principal_tags,optional"`
	Actions       hcl.Expression `hcl:"actions,optional"`
	Resources     hcl.Expression `hcl:"resources,optional"`
	Mode          hcl.Expression `hcl:"mode,optional"`
	DefRange      hcl.Range      `hcl:",def_range"`
}

type publicBlock struct {
	Mode     hcl.Expression `hcl:"mode,optional"`
	Except   hcl.Expression `hcl:"except,optional"`
	DefRange hcl.Range      `hcl:",def_range"`
}

type validBlock struct {
	Fail     hcl.Expression `hcl:"fail,optional"`
	Report   hcl.Expression `hcl:"report,optional"`
	DefRange hcl.Range      `hcl:",def_range"`
}

type orgBlock struct {
	Path     hcl.Expression `hcl:"path,optional"`
	SCPs     []orgFileBlock `hcl:"scp,block"`
	RCPs     []orgFileBlock `hcl:"rcp,block"`
	DefRange hcl.Range      `hcl:",def_range"`
}

type orgFileBlock struct {
	Target   hcl.Expression `hcl:"target"`
	File     hcl.Expression `hcl:"file"`
	DefRange hcl.Range      `hcl:",def_range"`
}

type findingBlock struct {
	Code     string         `hcl:"code,label"`
	Level    hcl.Expression `hcl:"level"`
	DefRange hcl.Range      `hcl:",def_range"`
}

// LoadRules reads and checks the rules file at path. Errors name file:line:column.
func LoadRules(path string) (*Rules, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseRules(src, path)
}

// ParseRules parses a rules file; name labels errors and is the base of relative file paths.
func ParseRules(src []byte, name string) (*Rules, error) {
	f, diags := hclsyntax.ParseConfig(src, name, hcl.InitialPos)
	if diags.HasErrors() {
		return nil, diagError(diags)
	}
	var raw rulesFile
	if diags := gohcl.DecodeBody(f.Body, nil, &raw); diags.HasErrors() {
		return nil, diagError(diags)
	}
	d := &decoder{dir: filepath.Dir(name)}
	r := d.rules(&raw)
	r.File = name
	if d.diags.HasErrors() {
		return nil, diagError(d.diags)
	}
	return r, nil
}

// RulesError is a bad rules file; its message lists every problem with file:line:column.
type RulesError struct{ Diags hcl.Diagnostics }

func (e *RulesError) Error() string {
	var lines []string
	for _, d := range e.Diags {
		if d.Severity != hcl.DiagError {
			continue
		}
		msg := d.Summary
		if d.Detail != "" {
			msg += ": " + d.Detail
		}
		if d.Subject != nil {
			msg = fmt.Sprintf("%s:%d:%d: %s", d.Subject.Filename, d.Subject.Start.Line, d.Subject.Start.Column, msg)
		}
		lines = append(lines, msg)
	}
	return strings.Join(lines, "\n")
}

func diagError(diags hcl.Diagnostics) error { return &RulesError{Diags: diags} }

// decoder turns the raw blocks into Rules, collecting every problem.
type decoder struct {
	dir   string
	diags hcl.Diagnostics
}

func (d *decoder) errorf(rng hcl.Range, summary, format string, args ...any) {
	r := rng
	d.diags = append(d.diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: summary,
		Detail: fmt.Sprintf(format, args...), Subject: &r})
}

// present reports whether an optional attribute was written.
func present(e hcl.Expression) bool {
	// gohcl gives an absent optional attribute as a synthetic static null expression; what
	// the file wrote is a native syntax expression.
	_, written := e.(hclsyntax.Expression)
	return written
}

// required reports a missing required argument of the block at rng. (gohcl takes a
// required argument of type hcl.Expression as optional.)
func (d *decoder) required(rng hcl.Range, name string, e hcl.Expression) {
	if !present(e) {
		d.errorf(rng, "Missing required argument", "The argument %q is required, but no definition was found.", name)
	}
}

func (d *decoder) str(e hcl.Expression) (string, bool) {
	if !present(e) {
		return "", false
	}
	var s string
	if diags := gohcl.DecodeExpression(e, nil, &s); diags.HasErrors() {
		d.diags = append(d.diags, diags...)
		return "", false
	}
	return s, true
}

func (d *decoder) strings(e hcl.Expression) []string {
	if !present(e) {
		return nil
	}
	var s []string
	if diags := gohcl.DecodeExpression(e, nil, &s); diags.HasErrors() {
		d.diags = append(d.diags, diags...)
		return nil
	}
	return s
}

func (d *decoder) stringMap(e hcl.Expression) map[string]string {
	if !present(e) {
		return nil
	}
	var m map[string]string
	if diags := gohcl.DecodeExpression(e, nil, &m); diags.HasErrors() {
		d.diags = append(d.diags, diags...)
		return nil
	}
	return m
}

func (d *decoder) rules(raw *rulesFile) *Rules {
	r := DefaultRules()
	if s, ok := d.str(raw.Account); ok {
		if !isAccountID(s) {
			d.errorf(raw.Account.Range(), "Invalid account", "account must be 12 digits, not %q", s)
		}
		r.Account = s
	}
	r.Administrators = d.principalPatterns(raw.Administrators)
	if present(raw.MaxChainDepth) {
		var n int
		if diags := gohcl.DecodeExpression(raw.MaxChainDepth, nil, &n); diags.HasErrors() {
			d.diags = append(d.diags, diags...)
		} else if n < 0 || n > 10 {
			d.errorf(raw.MaxChainDepth.Range(), "Invalid max_chain_depth", "expected 0 to 10, not %d", n)
		} else {
			r.MaxChainDepth = n
		}
	}
	seen := map[string]hcl.Range{}
	unique := func(kind, name string, rng hcl.Range) {
		key := kind + "." + name
		if prev, dup := seen[key]; dup {
			d.errorf(rng, "Duplicate rule", "%s %q is already defined at line %d", kind, name, prev.Start.Line)
		}
		seen[key] = rng
	}
	for _, b := range raw.Forbid {
		rng := b.DefRange
		unique("forbid", b.Name, rng)
		d.required(rng, "actions", b.Actions)
		r.Forbid = append(r.Forbid, ForbidRule{
			Name:       b.Name,
			Principals: d.selector(b.Principals, b.PrincipalTags),
			Actions:    d.actions(b.Actions, true),
			Resources:  d.resources(b.Resources),
			Range:      rng,
		})
	}
	for _, b := range raw.Require {
		rng := b.DefRange
		unique("require", b.Name, rng)
		d.required(rng, "principals", b.Principals)
		d.required(rng, "actions", b.Actions)
		d.required(rng, "resources", b.Resources)
		rule := RequireRule{
			Name:       b.Name,
			Principals: d.selector(b.Principals, b.PrincipalTags),
			Actions:    d.actions(b.Actions, false),
			Resources:  d.strings(b.Resources),
			Context:    d.stringMap(b.Context),
			Range:      rng,
		}
		for i, res := range rule.Resources {
			switch {
			case res != "*" && (!strings.HasPrefix(res, "arn:") || strings.ContainsAny(res, "*?")):
				d.errorf(elementRange(b.Resources, i), "Invalid resource", "require names exact resources (an ARN without wildcards, or \"*\" for actions without a resource), not %q", res)
			case ev.ResourcePatternProblem(res) != "":
				d.errorf(elementRange(b.Resources, i), "Invalid resource", "%s", ev.ResourcePatternProblem(res))
			}
		}
		r.Require = append(r.Require, rule)
	}
	for _, b := range raw.NewAccess {
		rng := b.DefRange
		unique("new_access", b.Name, rng)
		rule := NewAccessRule{
			Name:       b.Name,
			Principals: d.selector(b.Principals, b.PrincipalTags),
			Actions:    d.actions(b.Actions, true),
			Resources:  d.resources(b.Resources),
			Forbid:     d.mode(b.Mode, false),
			Range:      rng,
		}
		if rule.Actions == nil {
			rule.Actions = []string{"*"}
		}
		r.NewAccess = append(r.NewAccess, rule)
	}
	if len(raw.PublicAccess) > 1 {
		d.errorf(raw.PublicAccess[1].DefRange, "Duplicate block", "only one public_access block is allowed")
	}
	for _, b := range raw.PublicAccess {
		r.PublicAccess = PublicAccessRule{Forbid: d.mode(b.Mode, true), Except: d.strings(b.Except)}
	}
	if len(raw.Validation) > 1 {
		d.errorf(raw.Validation[1].DefRange, "Duplicate block", "only one validation block is allowed")
	}
	for _, b := range raw.Validation {
		r.Validation.Fail = d.severity(b.Fail, validate.SeverityError)
		r.Validation.Report = d.severity(b.Report, r.Validation.Fail)
		if r.Validation.Report.AtLeast(r.Validation.Fail) && r.Validation.Fail != r.Validation.Report {
			d.errorf(b.Report.Range(), "Invalid validation block", "report (%s) must be at most as serious as fail (%s): what fails is always reported", r.Validation.Report, r.Validation.Fail)
		}
	}
	if len(raw.Organization) > 1 {
		d.errorf(raw.Organization[1].DefRange, "Duplicate block", "only one organization block is allowed")
	}
	for _, b := range raw.Organization {
		r.Organization = d.organization(&b)
	}
	for _, b := range raw.Findings {
		rng := b.DefRange
		if _, ok := codeInfo[b.Code]; !ok {
			d.errorf(rng, "Unknown finding code", "%q is not a finding code; the codes are %s", b.Code, strings.Join(Codes(), ", "))
			continue
		}
		d.required(rng, "level", b.Level)
		s, ok := d.str(b.Level)
		if !ok {
			continue
		}
		switch s {
		case "off":
			if b.Code == CodeUndecided {
				d.errorf(b.Level.Range(), "Invalid level", "undecided findings cannot be turned off: a check that could not be decided is not a pass (use \"report\")")
				continue
			}
			r.Levels[b.Code] = levelOff
		case "note":
			r.Levels[b.Code] = LevelNote
		case "report":
			r.Levels[b.Code] = LevelWarning
		case "fail":
			r.Levels[b.Code] = LevelError
		default:
			d.errorf(b.Level.Range(), "Invalid level", "level must be \"off\", \"note\", \"report\" or \"fail\", not %q", s)
		}
	}
	r.Waivers = d.waivers(raw.Waive)
	return r
}

func (d *decoder) mode(e hcl.Expression, def bool) bool {
	s, ok := d.str(e)
	if !ok {
		return def
	}
	switch s {
	case "forbid":
		return true
	case "report":
		return false
	}
	d.errorf(e.Range(), "Invalid mode", "mode must be \"forbid\" or \"report\", not %q", s)
	return def
}

func (d *decoder) severity(e hcl.Expression, def validate.Severity) validate.Severity {
	s, ok := d.str(e)
	if !ok {
		return def
	}
	sev, ok := validate.ParseSeverity(s)
	if !ok {
		d.errorf(e.Range(), "Invalid severity", "expected ERROR, SECURITY_WARNING, WARNING or SUGGESTION, not %q", s)
		return def
	}
	return sev
}

func (d *decoder) selector(patterns, tags hcl.Expression) PrincipalSelector {
	m := d.stringMap(tags)
	for _, k := range sortedKeys(m) {
		if msg := tagProblem(k, m[k]); msg != "" {
			d.errorf(mapValueRange(tags, k), "Invalid principal tag", "%s", msg)
		}
	}
	return PrincipalSelector{Patterns: d.principalPatterns(patterns), Tags: m}
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func (d *decoder) principalPatterns(e hcl.Expression) []string {
	list := d.strings(e)
	for i, p := range list {
		if msg := principalPatternProblem(p); msg != "" {
			d.errorf(elementRange(e, i), "Invalid principal pattern", "%s", msg)
		}
	}
	return list
}

// actions reads a list of action patterns; each must match an action of the catalogue
// (evaluator.ActionPatternProblem). With wildcards false (require), they must be exact.
func (d *decoder) actions(e hcl.Expression, wildcards bool) []string {
	list := d.strings(e)
	for i, a := range list {
		rng := elementRange(e, i)
		switch {
		case a == "*" && wildcards:
		case !strings.Contains(a, ":") || strings.HasPrefix(a, ":") || strings.HasSuffix(a, ":"):
			d.errorf(rng, "Invalid action", "%s", withRegexHint(fmt.Sprintf("expected \"service:Action\", not %q", a), a))
		case !wildcards && strings.ContainsAny(a, "*?"):
			d.errorf(rng, "Invalid action", "require names exact actions, not the pattern %q", a)
		default:
			if msg := ev.ActionPatternProblem(a); msg != "" {
				d.errorf(rng, "Invalid action", "%s", withRegexHint(msg, a))
			}
		}
	}
	if present(e) && len(list) == 0 && !d.diags.HasErrors() {
		d.errorf(e.Range(), "Invalid actions", "the list of actions is empty")
	}
	return list
}

// resources reads a list of resource patterns of a forbid-style rule: each "*" or an ARN
// pattern with its six segments (evaluator.ResourcePatternProblem), not a regular expression.
func (d *decoder) resources(e hcl.Expression) []string {
	list := d.strings(e)
	for i, r := range list {
		msg := ev.ResourcePatternProblem(r)
		if msg == "" {
			msg = resourceRegexProblem(r)
		} else {
			msg = withRegexHint(msg, r)
		}
		if msg != "" {
			d.errorf(elementRange(e, i), "Invalid resource", "%s", msg)
		}
	}
	if list == nil {
		return []string{"*"}
	}
	return list
}

func (d *decoder) organization(b *orgBlock) Organization {
	var o Organization
	o.Path = d.strings(b.Path)
	for _, id := range o.Path {
		if !strings.HasPrefix(id, "r-") && !strings.HasPrefix(id, "ou-") {
			d.errorf(b.Path.Range(), "Invalid organization path", "path lists the root id (r-...) and OU ids (ou-...) from the root down, not %q", id)
		}
	}
	add := func(t tfplan.OrgPolicyType, blocks []orgFileBlock) {
		for _, fb := range blocks {
			d.required(fb.DefRange, "target", fb.Target)
			d.required(fb.DefRange, "file", fb.File)
			target, _ := d.str(fb.Target)
			file, ok := d.str(fb.File)
			if !ok {
				continue
			}
			if target != "account" && !slices.Contains(o.Path, target) {
				d.errorf(fb.Target.Range(), "Invalid target", "target must be \"account\" or an id of path (%s), not %q", strings.Join(o.Path, ", "), target)
				continue
			}
			full := file
			if !filepath.IsAbs(full) {
				full = filepath.Join(d.dir, file)
			}
			text, err := os.ReadFile(full)
			if err != nil {
				d.errorf(fb.File.Range(), "Unreadable policy file", "%v", err)
				continue
			}
			p, err := ev.ParsePolicy(text)
			if err != nil {
				d.errorf(fb.File.Range(), "Invalid policy file", "%s: %v", file, err)
				continue
			}
			p.Name = file
			o.Policies = append(o.Policies, OrgPolicyFile{Type: t, Target: target, File: file, Policy: p})
		}
	}
	add(tfplan.SCP, b.SCPs)
	add(tfplan.RCP, b.RCPs)
	return o
}

func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
