package evaluator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// Case is one request with every policy that applies to it, in the JSON Lines format of the
// `evaluate` command (shared/cases/README.md): the batch input of the command line and the
// format of the AWS documentation cases.
type Case struct {
	ID       string
	Request  Request
	Policies PolicySet
	// Expected is the decision the case expects, when it says one ("" otherwise); the
	// evaluator ignores it, tests use it.
	Expected Decision
}

// caseJSON is the wire form of a Case.
type caseJSON struct {
	ID      json.RawMessage `json:"id"`
	Request *struct {
		Principal       *string                    `json:"principal"`
		Action          string                     `json:"action"`
		Resource        string                     `json:"resource"`
		ResourceAccount string                     `json:"resourceAccount"`
		Context         map[string]json.RawMessage `json:"context"`
	} `json:"request"`
	IdentityPolicies    []json.RawMessage   `json:"identityPolicies"`
	ResourcePolicy      json.RawMessage     `json:"resourcePolicy"`
	PermissionsBoundary json.RawMessage     `json:"permissionsBoundary"`
	SessionPolicy       json.RawMessage     `json:"sessionPolicy"`
	SCPs                [][]json.RawMessage `json:"scps"`
	RCPs                [][]json.RawMessage `json:"rcps"`
	Expected            string              `json:"expected"`
}

// CaseID returns the id of a case line as the JSON value it is (a string or a number), or
// null, without checking the rest of the line: errors are reported under this id.
func CaseID(line []byte) json.RawMessage {
	var head struct {
		ID json.RawMessage `json:"id"`
	}
	if json.Unmarshal(line, &head) != nil || len(head.ID) == 0 {
		return json.RawMessage("null")
	}
	return head.ID
}

// ParseCase reads one case. Policy documents may be JSON objects or strings holding one (as
// Terraform passes them). Errors name the field, and for a policy the JSON path and the line
// and column within that policy.
func ParseCase(line []byte) (*Case, error) {
	var w caseJSON
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&w); err != nil {
		// Unknown fields such as "source", "reason" and "notes" are for people: retry leniently
		// and only complain about real syntax or type errors.
		if err2 := json.Unmarshal(line, &w); err2 != nil {
			return nil, fmt.Errorf("case is not valid: %v", err2)
		}
	}
	c := &Case{ID: idString(w.ID)}
	if w.Request == nil {
		return nil, fmt.Errorf("request: missing; a case needs request.principal, request.action and request.resource")
	}
	r := w.Request
	if r.Principal != nil {
		c.Request.Principal = *r.Principal
	}
	if r.Action == "" {
		return nil, fmt.Errorf("request.action: missing; expected \"service:Action\"")
	}
	if r.Resource == "" {
		return nil, fmt.Errorf("request.resource: missing; expected an ARN, or \"*\" for actions without a resource")
	}
	c.Request.Action, c.Request.Resource, c.Request.ResourceAccount = r.Action, r.Resource, r.ResourceAccount
	for key, raw := range r.Context {
		if err := setContextJSON(&c.Request.Context, key, raw); err != nil {
			return nil, fmt.Errorf("request.context[%q]: %v", key, err)
		}
	}
	var err error
	if c.Policies, err = callerPolicies(w.IdentityPolicies, w.PermissionsBoundary, w.SessionPolicy, w.SCPs, w.RCPs); err != nil {
		return nil, err
	}
	if c.Policies.Resource, err = casePolicy(w.ResourcePolicy, "resourcePolicy"); err != nil {
		return nil, err
	}
	switch d := Decision(w.Expected); d {
	case "", Allow, ExplicitDeny, ImplicitDeny:
		c.Expected = d
	default:
		return nil, fmt.Errorf("expected: %q is not a decision; expected Allow, ExplicitDeny or ImplicitDeny", w.Expected)
	}
	return c, nil
}

// idString is a case's id as text: a JSON string's value, or the JSON text of a number.
func idString(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return string(raw)
}

// callerPolicies reads the fields shared by cases and access checks: the caller's identity
// policies, boundary and session policy, and the SCP and RCP levels.
func callerPolicies(identity []json.RawMessage, boundary, session json.RawMessage, scps, rcps [][]json.RawMessage) (PolicySet, error) {
	var ps PolicySet
	for i, raw := range identity {
		p, err := casePolicy(raw, fmt.Sprintf("identityPolicies[%d]", i))
		if err != nil {
			return ps, err
		}
		if p == nil {
			return ps, fmt.Errorf("identityPolicies[%d]: null; expected a policy document", i)
		}
		ps.Identity = append(ps.Identity, p)
	}
	var err error
	if ps.Boundary, err = casePolicy(boundary, "permissionsBoundary"); err != nil {
		return ps, err
	}
	if ps.Session, err = casePolicy(session, "sessionPolicy"); err != nil {
		return ps, err
	}
	if ps.SCPs, err = caseLevels(scps, "scps"); err != nil {
		return ps, err
	}
	if ps.RCPs, err = caseLevels(rcps, "rcps"); err != nil {
		return ps, err
	}
	return ps, nil
}

func caseLevels(levels [][]json.RawMessage, field string) ([][]*Policy, error) {
	if levels == nil {
		return nil, nil
	}
	out := make([][]*Policy, len(levels))
	for l, level := range levels {
		out[l] = []*Policy{}
		for i, raw := range level {
			name := fmt.Sprintf("%s[%d][%d]", field, l, i)
			p, err := casePolicy(raw, name)
			if err != nil {
				return nil, err
			}
			if p == nil {
				return nil, fmt.Errorf("%s: null; expected a policy document", name)
			}
			out[l] = append(out[l], p)
		}
	}
	return out, nil
}

// casePolicy parses a policy given as a JSON object, as a string holding one, or as the ARN
// of an AWS managed policy; nil for absent or null.
func casePolicy(raw json.RawMessage, name string) (*Policy, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return nil, nil
	}
	doc := []byte(raw)
	if raw[0] == '"' {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, fmt.Errorf("%s: %v", name, err)
		}
		if isManagedPolicyRef(s) {
			p, err := ManagedPolicy(strings.TrimSpace(s))
			if err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			return p, nil
		}
		doc = []byte(s)
	}
	p, err := ParsePolicy(doc)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	p.Name = name
	return p, nil
}

// setContextJSON sets a context key from its JSON value: a string, number or boolean is a
// single value; an array (of those) is a multi-valued key.
func setContextJSON(ctx *Context, key string, raw json.RawMessage) error {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '[' {
		var items []json.RawMessage
		if err := json.Unmarshal(raw, &items); err != nil {
			return err
		}
		values := make([]string, 0, len(items))
		for _, it := range items {
			v, err := scalarJSON(it)
			if err != nil {
				return err
			}
			values = append(values, v)
		}
		ctx.SetMulti(key, values)
		return nil
	}
	v, err := scalarJSON(raw)
	if err != nil {
		return err
	}
	ctx.Set(key, v)
	return nil
}

func scalarJSON(raw json.RawMessage) (string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "", fmt.Errorf("empty value")
	}
	switch raw[0] {
	case '"':
		var s string
		err := json.Unmarshal(raw, &s)
		return s, err
	case 't', 'f':
		var b bool
		if err := json.Unmarshal(raw, &b); err != nil {
			return "", err
		}
		return strconv.FormatBool(b), nil
	case 'n':
		return "", fmt.Errorf("null is not a value; leave the key out for an absent key")
	case '{', '[':
		return "", fmt.Errorf("expected a string, number or boolean")
	}
	var n json.Number
	if err := json.Unmarshal(raw, &n); err != nil {
		return "", err
	}
	return n.String(), nil
}
