package evaluator

import (
	"bytes"
	"encoding/json"

	"github.com/iamguard/terraform-provider-iam/internal/jsonpos"
)

// Case is one request with every policy that applies to it, in the JSON Lines format of the
// `evaluate` command (shared/cases/README.md): the batch input of the command line and the
// format of the AWS documentation cases.
type Case struct {
	ID string
	// IDJSON is the id as the line writes it (a JSON string or number), or null: what CaseID
	// returns for the line, without reading the line again.
	IDJSON   json.RawMessage
	Request  Request
	Policies PolicySet
	// Expected is the decision the case expects, when it says one ("" otherwise); the
	// evaluator ignores it, tests use it.
	Expected Decision
}

// Fields of a case and of its request.
var (
	caseFields        = []string{"id", "request", "identityPolicies", "resourcePolicy", "permissionsBoundary", "sessionPolicy", "scps", "rcps", "expected"}
	caseRequestFields = []string{"principal", "action", "resource", "resourceAccount", "context"}
)

// CaseID returns the id of a case line as the JSON value it is (a string or a number), or
// null, without checking the rest of the line: errors are reported under this id. It reads
// the first JSON value of the line only, so that a line with text after its object still has
// its id.
func CaseID(line []byte) json.RawMessage {
	var head struct {
		ID json.RawMessage `json:"id"`
	}
	dec := json.NewDecoder(bytes.NewReader(bytes.TrimPrefix(line, []byte("\uFEFF"))))
	if dec.Decode(&head) != nil || len(head.ID) == 0 {
		return json.RawMessage("null")
	}
	return idValue(head.ID)
}

// idValue is an id's JSON text when it is a string or a number, else null.
func idValue(raw []byte) json.RawMessage {
	if len(raw) > 0 {
		switch raw[0] {
		case '"', '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
			return raw
		}
	}
	return json.RawMessage("null")
}

// idJSON is CaseID for a case that was read as top: the id member's value as the line writes
// it, found at its place, where CaseID's decoder reads the line twice and copies it. The
// reader decoded the keys, so an id key written with escapes ("\u0069d") is found as
// encoding/json finds it; other spellings of "id" are unknown fields of a case.
func (r *inputReader) idJSON(top *inputObject) json.RawMessage {
	n := top.get("id")
	if n == nil {
		return idValue(nil)
	}
	start := r.offset(n.Pos)
	return idValue(r.data[start:jsonValueEnd(r.data, start)])
}

// jsonValueEnd is the end of the well-formed JSON value that starts at b[i].
func jsonValueEnd(b []byte, i int) int {
	depth := 0
	for ; i < len(b); i++ {
		switch b[i] {
		case '"':
			for i++; i < len(b) && b[i] != '"'; i++ {
				if b[i] == '\\' {
					i++
				}
			}
			if depth == 0 {
				return min(i+1, len(b))
			}
		case '{', '[':
			depth++
		case '}', ']':
			if depth == 0 {
				return i // the end of a number, true, false or null
			}
			if depth--; depth == 0 {
				return i + 1
			}
		case ',', ' ', '\t', '\n', '\r':
			if depth == 0 {
				return i
			}
		}
	}
	return len(b)
}

// ParseCase reads one case with the default limits (see ParseCaseLimits).
func ParseCase(line []byte) (*Case, error) {
	return ParseCaseLimits(line, InputLimits{})
}

// ParseCaseLimits reads one case. Policy documents may be JSON objects, strings holding one
// (as Terraform passes them) or AWS managed policy ARNs. Unknown fields (other than source,
// reason, notes and description, which are for people), fields given twice in any letter
// case, fields of the wrong type and principals that are not a caller are errors; every error
// is an *InputError naming the field and its line and column, and for a policy the JSON path
// and the line and column within that policy.
func ParseCaseLimits(line []byte, limits InputLimits) (*Case, error) {
	r, root, err := readInputText(line, "case", limits, policyFields...)
	if err != nil {
		return nil, err
	}
	c, err := r.readCase(root)
	if err != nil {
		return nil, r.syntaxFirst(err)
	}
	return c, nil
}

// readCase reads the case of a line read as root.
func (r *inputReader) readCase(root *jsonpos.Node) (*Case, error) {
	top, err := r.object(root, "", caseFields, true)
	if err != nil {
		return nil, err
	}
	c := &Case{}
	if c.ID, err = top.id(); err != nil {
		return nil, err
	}
	req, err := top.object("request", caseRequestFields)
	if err != nil {
		return nil, err
	}
	if req == nil {
		return nil, r.errorAt(root, "request", "missing; a case needs request.principal, request.action and request.resource")
	}
	var caller CallerIdentity
	if c.Request.Principal, caller, err = req.principal("principal"); err != nil {
		return nil, err
	}
	if c.Request.Action, err = req.str("action"); err != nil {
		return nil, err
	}
	if c.Request.Action == "" {
		return nil, r.errorAt(req.node, "request.action", `missing or empty; expected "service:Action"`)
	}
	if c.Request.Resource, err = req.str("resource"); err != nil {
		return nil, err
	}
	if c.Request.Resource == "" {
		return nil, r.errorAt(req.node, "request.resource", `missing or empty; expected an ARN, or "*" for actions without a resource`)
	}
	if c.Request.ResourceAccount, err = req.str("resourceAccount"); err != nil {
		return nil, err
	}
	if err := req.context(&c.Request.Context); err != nil {
		return nil, err
	}
	if c.Policies, err = top.callerPolicies(); err != nil {
		return nil, err
	}
	if c.Policies.Resource, err = top.policy("resourcePolicy"); err != nil {
		return nil, err
	}
	if err := top.identitySide("request.principal", caller, &c.Policies); err != nil {
		return nil, err
	}
	expected, err := top.str("expected")
	if err != nil {
		return nil, err
	}
	switch d := Decision(expected); d {
	case "", Allow, ExplicitDeny, ImplicitDeny:
		c.Expected = d
	default:
		return nil, r.errorAt(top.get("expected"), "expected", "%q is not a decision; expected Allow, ExplicitDeny or ImplicitDeny", expected)
	}
	c.IDJSON = r.idJSON(top)
	return c, nil
}
