package evaluator

// The strict reader of case and check lines. A case or check is read with the position-keeping
// JSON reader of policies (jsonpos.go), so that invalid UTF-8, lone surrogates, duplicate keys
// and text after the object are errors, and then walked field by field: an unknown field, a
// field given twice in any letter case or a field of the wrong type is an error naming the
// line, column and field, with a suggestion when a known field is close. encoding/json would
// silently drop a misspelt "permissionBoundary" or keep the last of two "identityPolicies",
// making a request look checked against policies it never saw.

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/iamguard/terraform-provider-iam/internal/jsonpos"
)

// InputError is an error in a case or check: where it is and what was expected.
type InputError struct {
	// Line and Column locate the problem in the text given to the reader (1-based, the column
	// in bytes); 0 when unknown. For a JSON Lines input Line is 1.
	Line, Column int
	// Field is the JSON path of the field ("request.principal", "forbid[0].actions[1]"), or ""
	// for the text as a whole.
	Field string
	// Message says what is wrong and what was expected.
	Message string
}

func (e *InputError) Error() string {
	var b strings.Builder
	if e.Line > 0 {
		fmt.Fprintf(&b, "line %d, column %d: ", e.Line, e.Column)
	}
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	b.WriteString(e.Message)
	return b.String()
}

// InputLimits bound what one case or check may hold. The zero value means the defaults.
type InputLimits struct {
	// MaxPolicyBytes bounds each policy document (0: DefaultMaxPolicyBytes).
	MaxPolicyBytes int
	// Cache, when not nil, shares the policies read by the lines of one input.
	Cache *PolicyCache
}

// DefaultMaxPolicyBytes is the default size limit of one policy document: 1 MiB, thirty times
// the largest policy IAM and its resource services accept (a KMS key policy, 32 KB; managed
// policies 6,144 characters, S3 bucket policies 20 KB).
const DefaultMaxPolicyBytes = 1 << 20

func (l InputLimits) maxPolicyBytes() int {
	if l.MaxPolicyBytes > 0 {
		return l.MaxPolicyBytes
	}
	return DefaultMaxPolicyBytes
}

// peopleFields are fields of cases and checks that are for people and ignored.
var peopleFields = []string{"source", "reason", "notes", "description"}

// inputReader holds one case or check text.
type inputReader struct {
	data       []byte
	what       string // "case", "check": what one line holds, for messages
	lineStarts []int  // offsets of the first byte of each line, built on first use
	limits     InputLimits
	// opaque is set when the policy fields were read as text (see readInputText).
	opaque bool
}

// policyFields are the top-level fields of cases and checks that hold policy documents (or
// arrays of them). readInputText keeps their objects as text: the policy cache looks them up
// by that text, and the policy parser reads it, so a tree of them would be thrown away.
var policyFields = []string{"identityPolicies", "permissionsBoundary", "sessionPolicy", "scps", "rcps", "resourcePolicy"}

// readInputText reads data as one JSON object, the objects of opaque top-level fields as
// text (jsonpos.ReadOpaque). Syntax errors (and a byte order mark, invalid UTF-8, duplicate
// keys, text after the object) are InputErrors at their place; a duplicate key inside an
// opaque object is found by the policy parser, and syntaxFirst then reports it as a syntax
// error of the line, as if the line had been read in full.
func readInputText(data []byte, what string, limits InputLimits, opaque ...string) (*inputReader, *jsonpos.Node, error) {
	r := &inputReader{data: data, what: what, limits: limits, opaque: len(opaque) > 0}
	if isJSONBlank(data) {
		return nil, nil, &InputError{Message: fmt.Sprintf("empty; expected a JSON object (one %s per line)", what)}
	}
	doc, err := jsonpos.ReadOpaque(data, opaque...)
	if err != nil {
		return nil, nil, r.syntaxError(err)
	}
	if doc.Root.Kind != jsonpos.Object {
		return nil, nil, r.errorAt(&doc.Root, "", "expected a JSON object (a %s), found %s", what, jsonpos.Describe(&doc.Root))
	}
	return r, &doc.Root, nil
}

// syntaxError turns an error of the JSON reader into an InputError at its place.
func (r *inputReader) syntaxError(err error) error {
	data := r.data
	if i := firstNonBlank(data); data[i] != '{' && data[i] != '[' {
		return &InputError{Line: 1 + bytes.Count(data[:i], []byte("\n")), Column: i - bytes.LastIndexByte(data[:i], '\n'),
			Message: fmt.Sprintf("expected a JSON object (one %s per line), found %s", r.what, describeByte(data[i:]))}
	}
	pe, ok := err.(*ParseError)
	if !ok {
		return err
	}
	msg := pe.Message
	if strings.Contains(msg, "end of input after the JSON document") {
		msg += fmt.Sprintf(" (one %s per line: a second object, or text after the first, is not allowed)", r.what)
	}
	return &InputError{Line: pe.Line, Column: pe.Column, Field: pe.Path, Message: msg}
}

// syntaxFirst returns the error a line read in full would give first: a line whose policy
// fields were read as text may hide a duplicate key in them, which reading the whole line
// reports before any error of its fields. Only lines in error pay for the second reading.
func (r *inputReader) syntaxFirst(err error) error {
	if !r.opaque {
		return err
	}
	if _, ferr := jsonpos.Read(r.data); ferr != nil {
		return r.syntaxError(ferr)
	}
	return err
}

func firstNonBlank(data []byte) int {
	for i, c := range data {
		if c != ' ' && c != '\t' && c != '\n' && c != '\r' {
			return i
		}
	}
	return len(data)
}

// describeByte names the character at the start of b for messages.
func describeByte(b []byte) string {
	r, size := utf8.DecodeRune(b)
	switch {
	case r == utf8.RuneError && size <= 1:
		return fmt.Sprintf("the invalid UTF-8 byte 0x%02X", b[0])
	case r == 0xFEFF:
		return "a byte order mark (U+FEFF)"
	}
	return fmt.Sprintf("%q", r)
}

func (r *inputReader) errorAt(n *jsonpos.Node, field, format string, args ...any) *InputError {
	return &InputError{Line: n.Pos.Line, Column: n.Pos.Column, Field: field, Message: fmt.Sprintf(format, args...)}
}

// offset is the byte offset of a position of the text.
func (r *inputReader) offset(p Position) int {
	if p.Line == 1 {
		return p.Column - 1 // a JSON Lines case: no need to find the line starts
	}
	if r.lineStarts == nil {
		r.lineStarts = []int{0}
		for i, c := range r.data {
			if c == '\n' {
				r.lineStarts = append(r.lineStarts, i+1)
			}
		}
	}
	return r.lineStarts[p.Line-1] + p.Column - 1
}

// rawObject returns the source text of an object node, for the policy parser (whose positions
// are then within the policy, as for a policy given as a string).
func (r *inputReader) rawObject(n *jsonpos.Node) []byte {
	start := r.offset(n.Pos)
	depth, inString := 0, false
	for i := start; i < len(r.data); i++ {
		c := r.data[i]
		if inString {
			switch c {
			case '\\':
				i++
			case '"':
				inString = false
			}
			continue
		}
		switch c {
		case '"':
			inString = true
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				return r.data[start : i+1]
			}
		}
	}
	return r.data[start:] // not reached: the text was read as JSON
}

// inputObject is an object of a case or check whose keys have been checked.
type inputObject struct {
	r    *inputReader
	node *jsonpos.Node
	path string
}

// get returns the value of the field key, or nil when absent. The keys were checked by object:
// known, and each given once, so the first member of that key is the only one. Objects of
// cases and checks have a handful of fields, so a scan beats a map.
func (o *inputObject) get(key string) *jsonpos.Node {
	for i := range o.node.Members {
		if o.node.Members[i].Key == key {
			return &o.node.Members[i].Value
		}
	}
	return nil
}

// object checks that n is an object whose keys are all among known (people's fields aside when
// people is set), each at most once in any letter case, and returns it.
func (r *inputReader) object(n *jsonpos.Node, path string, known []string, people bool) (*inputObject, error) {
	if n.Kind != jsonpos.Object {
		return nil, r.errorAt(n, path, "expected an object, found %s", jsonpos.Describe(n))
	}
	if later, first := firstFoldDuplicate(n.Members); later >= 0 {
		m, f := &n.Members[later], &n.Members[first]
		return nil, &InputError{Line: m.KeyPos.Line, Column: m.KeyPos.Column, Field: joinField(path, m.Key),
			Message: fmt.Sprintf("field given twice (first as %q at column %d); give each field once", f.Key, f.KeyPos.Column)}
	}
	for i := range n.Members {
		m := &n.Members[i]
		if contains(known, m.Key) || people && contains(peopleFields, m.Key) {
			continue
		}
		msg := "unknown field"
		if s := suggestField(m.Key, known); s != "" {
			msg += fmt.Sprintf("; did you mean %q?", s)
		}
		msg += "; expected one of " + quoteJoin(known)
		return nil, &InputError{Line: m.KeyPos.Line, Column: m.KeyPos.Column, Field: joinField(path, m.Key), Message: msg}
	}
	return &inputObject{r: r, node: n, path: path}, nil
}

// firstFoldDuplicate finds the first member whose key equals an earlier one's in lower case
// (strings.ToLower): it returns that member's index and the earlier one's, or -1, -1. Objects
// of ASCII keys (those of cases and checks) are scanned pairwise without building lowered
// keys; others go through a map of them.
func firstFoldDuplicate(ms []jsonpos.Member) (later, first int) {
	ascii := true
	for i := range ms {
		ascii = ascii && isASCIIText(ms[i].Key)
	}
	if !ascii || len(ms) > 32 {
		seen := make(map[string]int, len(ms))
		for i := range ms {
			k := strings.ToLower(ms[i].Key)
			if j, ok := seen[k]; ok {
				return i, j
			}
			seen[k] = i
		}
		return -1, -1
	}
	for i := 1; i < len(ms); i++ {
		for j := 0; j < i; j++ {
			if len(ms[i].Key) == len(ms[j].Key) && sameLowerASCII(ms[i].Key, ms[j].Key) {
				return i, j
			}
		}
	}
	return -1, -1
}

// sameLowerASCII reports whether two ASCII strings of the same length are equal once lowered.
func sameLowerASCII(a, b string) bool {
	for i := 0; i < len(a); i++ {
		ca, cb := a[i], b[i]
		if 'A' <= ca && ca <= 'Z' {
			ca += 'a' - 'A'
		}
		if 'A' <= cb && cb <= 'Z' {
			cb += 'a' - 'A'
		}
		if ca != cb {
			return false
		}
	}
	return true
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func joinField(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// suggestField returns the known field closest to key: the same name in another letter case,
// or one within a small edit distance (one edit for names of up to four letters, two beyond).
func suggestField(key string, known []string) string {
	limit := 3
	if len(key) <= 4 {
		limit = 2
	}
	best, bestDist := "", limit
	for _, k := range known {
		if strings.EqualFold(k, key) {
			return k
		}
		if d := EditDistance(strings.ToLower(key), strings.ToLower(k), bestDist); d < bestDist {
			best, bestDist = k, d
		}
	}
	return best
}

func (o *inputObject) field(key string) string { return joinField(o.path, key) }

// has reports whether the field is present and not null.
func (o *inputObject) has(key string) bool {
	n := o.get(key)
	return n != nil && n.Kind != jsonpos.Null
}

// str returns a string field; absent and null are "". Another type is an error.
func (o *inputObject) str(key string) (string, error) {
	n := o.get(key)
	if n == nil || n.Kind == jsonpos.Null {
		return "", nil
	}
	if n.Kind != jsonpos.String {
		return "", o.r.errorAt(n, o.field(key), "expected a string, found %s", jsonpos.Describe(n))
	}
	return n.Text, nil
}

// object returns an object field (nil when absent or null), with its keys checked.
func (o *inputObject) object(key string, known []string) (*inputObject, error) {
	n := o.get(key)
	if n == nil || n.Kind == jsonpos.Null {
		return nil, nil
	}
	return o.r.object(n, o.field(key), known, false)
}

// array returns the elements of an array field (nil when absent or null).
func (o *inputObject) array(key, what string) ([]jsonpos.Node, error) {
	n := o.get(key)
	if n == nil || n.Kind == jsonpos.Null {
		return nil, nil
	}
	if n.Kind != jsonpos.Array {
		return nil, o.r.errorAt(n, o.field(key), "expected an array of %s, found %s", what, jsonpos.Describe(n))
	}
	return n.Elems, nil
}

// strings returns an array field of strings.
func (o *inputObject) strings(key, what string) ([]string, error) {
	elems, err := o.array(key, what)
	if err != nil || elems == nil {
		return nil, err
	}
	out := make([]string, len(elems))
	for i := range elems {
		if elems[i].Kind != jsonpos.String {
			return nil, o.r.errorAt(&elems[i], fmt.Sprintf("%s[%d]", o.field(key), i), "expected a string (%s), found %s", what, jsonpos.Describe(&elems[i]))
		}
		out[i] = elems[i].Text
	}
	return out, nil
}

// members returns the members of a map-like object field (nil when absent or null), with keys
// that differ only in letter case reported when fold is set (condition keys and tag keys are
// compared without regard to case).
func (o *inputObject) members(key, what string, fold bool) ([]jsonpos.Member, error) {
	n := o.get(key)
	if n == nil || n.Kind == jsonpos.Null {
		return nil, nil
	}
	if n.Kind != jsonpos.Object {
		return nil, o.r.errorAt(n, o.field(key), "expected an object of %s, found %s", what, jsonpos.Describe(n))
	}
	if fold {
		if later, first := firstFoldDuplicate(n.Members); later >= 0 {
			m, f := &n.Members[later], &n.Members[first]
			return nil, &InputError{Line: m.KeyPos.Line, Column: m.KeyPos.Column, Field: fmt.Sprintf("%s[%q]", o.field(key), m.Key),
				Message: fmt.Sprintf("key given twice (first as %q at column %d); keys are compared without regard to case", f.Key, f.KeyPos.Column)}
		}
	}
	return n.Members, nil
}

// context reads a context object: condition keys to a string, number or boolean, or an array
// of them for a multi-valued key.
func (o *inputObject) context(ctx *Context) error {
	const key = "context"
	ms, err := o.members(key, "condition keys", true)
	if err != nil {
		return err
	}
	for i := range ms {
		m := &ms[i]
		at := fmt.Sprintf("%s[%q]", o.field(key), m.Key)
		if m.Key == "" {
			return &InputError{Line: m.KeyPos.Line, Column: m.KeyPos.Column, Field: at, Message: "empty condition key; expected a key such as aws:SourceIp"}
		}
		v := &m.Value
		if v.Kind == jsonpos.Array {
			values := make([]string, len(v.Elems))
			for j := range v.Elems {
				s, err := o.r.contextScalar(&v.Elems[j], fmt.Sprintf("%s[%d]", at, j))
				if err != nil {
					return err
				}
				values[j] = s
			}
			ctx.SetMulti(m.Key, values)
			continue
		}
		s, err := o.r.contextScalar(v, at)
		if err != nil {
			return err
		}
		ctx.Set(m.Key, s)
	}
	return nil
}

func (r *inputReader) contextScalar(n *jsonpos.Node, at string) (string, error) {
	switch n.Kind {
	case jsonpos.String, jsonpos.Number, jsonpos.Bool:
		return n.Text, nil
	case jsonpos.Null:
		return "", r.errorAt(n, at, "null is not a value; leave the key out for an absent key")
	}
	return "", r.errorAt(n, at, "expected a string, number or boolean (or an array of them for a multi-valued key), found %s", jsonpos.Describe(n))
}

// policy reads a policy field: a JSON object, a string holding one, or the ARN of an AWS
// managed policy; nil when absent or null.
func (o *inputObject) policy(key string) (*Policy, error) {
	n := o.get(key)
	if n == nil {
		return nil, nil
	}
	return o.r.policy(n, o.field(key))
}

func (r *inputReader) policy(n *jsonpos.Node, name string) (*Policy, error) {
	var doc string
	switch n.Kind {
	case jsonpos.Null:
		return nil, nil
	case jsonpos.Object:
		doc = n.Text // the text of an object read opaque
		if doc == "" {
			doc = string(r.rawObject(n))
		}
	case jsonpos.String:
		if isManagedPolicyRef(n.Text) {
			p, err := ManagedPolicy(strings.TrimSpace(n.Text))
			if err != nil {
				return nil, r.errorAt(n, name, "%v", err)
			}
			return p, nil
		}
		doc = n.Text
	default:
		return nil, r.errorAt(n, name, "expected a policy document (an object, a string holding one, or an AWS managed policy ARN), found %s", jsonpos.Describe(n))
	}
	if limit := r.limits.maxPolicyBytes(); len(doc) > limit {
		return nil, r.errorAt(n, name, "the policy has %d bytes, more than the limit of %d (IAM's largest policies are 32 KB; raise the limit with --max-policy-bytes)", len(doc), limit)
	}
	p, err := r.limits.Cache.parse(doc)
	if err != nil {
		return nil, r.policyError(n, name, err)
	}
	p.Name = name
	return p, nil
}

// policyError places an error of the policy at n. For a policy written as an object its
// position is within the case's text and its path continues the field's; for a policy in a
// string it stays within the string ("line 2, column 5, Statement.Effect").
func (r *inputReader) policyError(n *jsonpos.Node, name string, err error) error {
	pe, ok := err.(*ParseError)
	if !ok || n.Kind != jsonpos.Object || pe.Line == 0 {
		return r.errorAt(n, name, "%v", err)
	}
	e := &InputError{Line: n.Pos.Line + pe.Line - 1, Column: pe.Column, Field: name, Message: pe.Message}
	if pe.Line == 1 {
		e.Column = n.Pos.Column + pe.Column - 1
	}
	switch {
	case strings.HasPrefix(pe.Path, "["):
		e.Field += pe.Path
	case pe.Path != "":
		e.Field += "." + pe.Path
	}
	return e
}

// policyList reads an array of policies, none of them null.
func (o *inputObject) policyList(key string) ([]*Policy, error) {
	elems, err := o.array(key, "policy documents")
	if err != nil {
		return nil, err
	}
	var out []*Policy
	for i := range elems {
		name := fmt.Sprintf("%s[%d]", o.field(key), i)
		p, err := o.r.policy(&elems[i], name)
		if err != nil {
			return nil, err
		}
		if p == nil {
			return nil, o.r.errorAt(&elems[i], name, "null; expected a policy document")
		}
		out = append(out, p)
	}
	return out, nil
}

// levels reads scps or rcps: null, or an array of levels, each an array of policies.
func (o *inputObject) levels(key string) ([][]*Policy, error) {
	n := o.get(key)
	if n == nil || n.Kind == jsonpos.Null {
		return nil, nil
	}
	if n.Kind != jsonpos.Array {
		return nil, o.r.errorAt(n, o.field(key), "expected an array of levels (root first), each an array of policy documents, found %s", jsonpos.Describe(n))
	}
	out := make([][]*Policy, len(n.Elems))
	for l := range n.Elems {
		level := &n.Elems[l]
		at := fmt.Sprintf("%s[%d]", o.field(key), l)
		if level.Kind != jsonpos.Array {
			return nil, o.r.errorAt(level, at, "expected a level: an array of policy documents, found %s", jsonpos.Describe(level))
		}
		out[l] = []*Policy{}
		for i := range level.Elems {
			name := fmt.Sprintf("%s[%d]", at, i)
			p, err := o.r.policy(&level.Elems[i], name)
			if err != nil {
				return nil, err
			}
			if p == nil {
				return nil, o.r.errorAt(&level.Elems[i], name, "null; expected a policy document")
			}
			out[l] = append(out[l], p)
		}
	}
	return out, nil
}

// callerPolicies reads the fields shared by cases and checks: the caller's identity policies,
// boundary and session policy, and the SCP and RCP levels.
func (o *inputObject) callerPolicies() (PolicySet, error) {
	var ps PolicySet
	var err error
	if ps.Identity, err = o.policyList("identityPolicies"); err != nil {
		return ps, err
	}
	if ps.Boundary, err = o.policy("permissionsBoundary"); err != nil {
		return ps, err
	}
	if ps.Session, err = o.policy("sessionPolicy"); err != nil {
		return ps, err
	}
	if ps.SCPs, err = o.levels("scps"); err != nil {
		return ps, err
	}
	if ps.RCPs, err = o.levels("rcps"); err != nil {
		return ps, err
	}
	return ps, nil
}

// principal reads a principal field with CheckPrincipal. A missing or null principal is an
// error saying to write "anonymous".
func (o *inputObject) principal(key string) (string, CallerIdentity, error) {
	n := o.get(key)
	if n == nil || n.Kind == jsonpos.Null {
		at := o.node
		if n != nil {
			at = n
		}
		return "", CallerIdentity{}, o.r.errorAt(at, o.field(key), `missing; %s`, principalExpected)
	}
	if n.Kind != jsonpos.String {
		return "", CallerIdentity{}, o.r.errorAt(n, o.field(key), "expected a string (%s), found %s", principalExpected, jsonpos.Describe(n))
	}
	id, err := CheckPrincipal(n.Text)
	if err != nil {
		return "", CallerIdentity{}, o.r.errorAt(n, o.field(key), "%v", err)
	}
	return n.Text, id, nil
}

// identitySide reports identity-side policies given to a caller that cannot have them, at
// the first such field.
func (o *inputObject) identitySide(principalField string, id CallerIdentity, ps *PolicySet) error {
	field, msg := identitySideProblem(principalField, id, ps)
	if field == "" {
		return nil
	}
	return o.r.errorAt(o.get(field), field, "%s", msg)
}

// id is the id of a case or check as text: a string's value or a number's source text.
func (o *inputObject) id() (string, error) {
	n := o.get("id")
	if n == nil || n.Kind == jsonpos.Null {
		return "", nil
	}
	if n.Kind != jsonpos.String && n.Kind != jsonpos.Number {
		return "", o.r.errorAt(n, "id", "expected a string or a number, found %s", jsonpos.Describe(n))
	}
	return n.Text, nil
}

// sortedMembers returns the members sorted by key, so that results do not depend on the
// order of the input's keys.
func sortedMembers(ms []jsonpos.Member) []jsonpos.Member {
	out := append([]jsonpos.Member(nil), ms...)
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}
