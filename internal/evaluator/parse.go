package evaluator

// The policy grammar follows
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html. The parser
// checks the shape of the document only; whether an element is allowed in a given policy type
// (Principal in an identity policy, a missing Resource) and whether condition operators exist
// is decided later, by validation and compileCondition.

import (
	"strconv"

	"github.com/iamguard/terraform-provider-iam/internal/jsonpos"
)

const (
	policyElements    = "Version, Id and Statement"
	statementElements = "Sid, Effect, Action, NotAction, Resource, NotResource, Principal, NotPrincipal and Condition"
	principalTypes    = "AWS, Service, Federated or CanonicalUser"
)

// parsePolicyDocument reads a policy document into the model, with the JSON path and position
// of every element. Every error is a *ParseError.
func parsePolicyDocument(doc []byte) (*Policy, error) {
	if isJSONBlank(doc) {
		return nil, errorAt("", Position{Line: 1, Column: 1}, "empty policy document; expected a JSON object")
	}
	d, err := jsonpos.Read(doc)
	if err != nil {
		return nil, err
	}
	root := &d.Root
	if root.Kind != jsonpos.Object {
		return nil, errorAt("", root.Pos, "a policy document must be a JSON object, got %s", jsonpos.Describe(root))
	}
	p := &Policy{
		Size:        d.Runes,
		SizeNoSpace: d.Runes - d.SpaceBytes,
		Pos:         root.Pos,
	}
	var statement *jsonpos.Member
	for i := range root.Members {
		m := &root.Members[i]
		switch m.Key {
		case "Version":
			if m.Value.Kind != jsonpos.String || (m.Value.Text != Version2012 && m.Value.Text != Version2008) {
				return nil, errorAt("Version", m.Value.Pos, "expected %q or %q, got %s", Version2012, Version2008, describeJSONValue(&m.Value))
			}
			p.Version, p.VersionPos = m.Value.Text, m.Value.Pos
		case "Id":
			if m.Value.Kind != jsonpos.String {
				return nil, errorAt("Id", m.Value.Pos, "expected a string, got %s", jsonpos.Describe(&m.Value))
			}
			p.ID = m.Value.Text
		case "Statement":
			statement = m
		default:
			return nil, errorAt(m.Key, m.KeyPos, "unknown element %q; a policy may contain %s", m.Key, policyElements)
		}
	}
	if statement == nil {
		return nil, errorAt("", root.Pos, "missing Statement; expected a statement object or an array of statements")
	}
	p.StatementPos = statement.Value.Pos
	if err := parseStatements(p, &statement.Value); err != nil {
		return nil, err
	}
	return p, nil
}

// isJSONBlank reports whether doc holds nothing but JSON white space.
func isJSONBlank(doc []byte) bool {
	for _, c := range doc {
		if c != ' ' && c != '\t' && c != '\n' && c != '\r' {
			return false
		}
	}
	return true
}

func parseStatements(p *Policy, n *jsonpos.Node) error {
	switch n.Kind {
	case jsonpos.Object:
		st, err := parseStatement(n, "Statement", 0)
		if err != nil {
			return err
		}
		p.Statements = []*Statement{st}
		p.StatementIsObject = true
		return nil
	case jsonpos.Array:
		// An empty array is read as a policy that allows nothing (the case "empty permissions
		// boundary" of the documentation cases needs it). IAM itself refuses such a document
		// (MalformedPolicyDocument), so validation reports it as an error.
		p.Statements = make([]*Statement, len(n.Elems))
		for i := range n.Elems {
			st, err := parseStatement(&n.Elems[i], "Statement["+strconv.Itoa(i)+"]", i)
			if err != nil {
				return err
			}
			p.Statements[i] = st
		}
		return nil
	}
	return errorAt("Statement", n.Pos, "expected a statement object or an array of statements, got %s", jsonpos.Describe(n))
}

func parseStatement(n *jsonpos.Node, path string, index int) (*Statement, error) {
	if n.Kind != jsonpos.Object {
		return nil, errorAt(path, n.Pos, "expected a statement object, got %s", jsonpos.Describe(n))
	}
	st := &Statement{
		Index:      index,
		Path:       path,
		Pos:        n.Pos,
		ElementPos: make(map[string]Position, len(n.Members)),
	}
	// The JSON reader has rejected duplicate keys, so "both given" can only mean the
	// element and its Not form.
	var hasEffect, hasAction, hasResource bool
	for i := range n.Members {
		m := &n.Members[i]
		v := &m.Value
		elemPath := path + "." + m.Key
		switch m.Key {
		case "Sid":
			if v.Kind != jsonpos.String {
				return nil, errorAt(elemPath, v.Pos, "expected a string, got %s", jsonpos.Describe(v))
			}
			st.Sid, st.SidPos = v.Text, v.Pos
		case "Effect":
			switch {
			case v.Kind == jsonpos.String && v.Text == "Allow":
				st.Effect = EffectAllow
			case v.Kind == jsonpos.String && v.Text == "Deny":
				st.Effect = EffectDeny
			default:
				return nil, errorAt(elemPath, v.Pos, "expected \"Allow\" or \"Deny\", got %s", describeJSONValue(v))
			}
			hasEffect = true
		case "Action", "NotAction":
			if hasAction {
				return nil, errorAt(elemPath, m.KeyPos, "a statement may have Action or NotAction, not both")
			}
			values, err := parseStringList(elemPath, v, "action", false)
			if err != nil {
				return nil, err
			}
			st.Actions, st.NotAction, hasAction = values, m.Key == "NotAction", true
		case "Resource", "NotResource":
			if hasResource {
				return nil, errorAt(elemPath, m.KeyPos, "a statement may have Resource or NotResource, not both")
			}
			// An empty list is kept (it matches nothing); validation reports it.
			values, err := parseStringList(elemPath, v, "resource", true)
			if err != nil {
				return nil, err
			}
			st.Resources, st.NotResource, hasResource = values, m.Key == "NotResource", true
		case "Principal", "NotPrincipal":
			if st.Principal != nil {
				return nil, errorAt(elemPath, m.KeyPos, "a statement may have Principal or NotPrincipal, not both")
			}
			pr, err := parsePrincipal(elemPath, v, m.Key == "NotPrincipal")
			if err != nil {
				return nil, err
			}
			st.Principal = pr
		case "Condition":
			conds, err := parseConditionBlock(elemPath, v)
			if err != nil {
				return nil, err
			}
			st.Conditions = conds
		default:
			return nil, errorAt(elemPath, m.KeyPos, "unknown element %q; a statement may contain %s", m.Key, statementElements)
		}
		st.ElementPos[m.Key] = m.KeyPos
	}
	if !hasEffect {
		return nil, errorAt(path, n.Pos, "missing Effect; expected \"Allow\" or \"Deny\"")
	}
	if !hasAction {
		return nil, errorAt(path, n.Pos, "missing Action or NotAction; a statement needs one of them")
	}
	st.NoResource = !hasResource
	return st, nil
}

// describeJSONValue is jsonpos.Describe for messages about a wrong value: a string is shown
// quoted by itself (got "allow"), other types by their type name.
func describeJSONValue(n *jsonpos.Node) string {
	if n.Kind == jsonpos.String {
		return strconv.Quote(n.Text)
	}
	return jsonpos.Describe(n)
}

// parseStringList reads an element written as a string or an array of strings. what names
// one item in messages ("action"); allowEmpty tells whether [] is accepted.
func parseStringList(path string, n *jsonpos.Node, what string, allowEmpty bool) ([]Value, error) {
	switch n.Kind {
	case jsonpos.String:
		return []Value{{Text: n.Text, Path: path, Pos: n.Pos}}, nil
	case jsonpos.Array:
		if len(n.Elems) == 0 && !allowEmpty {
			return nil, errorAt(path, n.Pos, "expected at least one %s, got an empty array", what)
		}
		values := make([]Value, len(n.Elems))
		for i := range n.Elems {
			e := &n.Elems[i]
			elemPath := path + "[" + strconv.Itoa(i) + "]"
			if e.Kind != jsonpos.String {
				return nil, errorAt(elemPath, e.Pos, "expected a string, got %s", jsonpos.Describe(e))
			}
			values[i] = Value{Text: e.Text, Path: elemPath, Pos: e.Pos}
		}
		return values, nil
	}
	return nil, errorAt(path, n.Pos, "expected a string or an array of strings, got %s", jsonpos.Describe(n))
}

func parsePrincipal(path string, n *jsonpos.Node, not bool) (*Principal, error) {
	pr := &Principal{Not: not, Path: path, Pos: n.Pos}
	switch n.Kind {
	case jsonpos.String:
		if n.Text != "*" {
			return nil, errorAt(path, n.Pos, "expected \"*\" or an object with %s, got %s", principalTypes, describeJSONValue(n))
		}
		pr.Wildcard = true
		return pr, nil
	case jsonpos.Object:
		if len(n.Members) == 0 {
			return nil, errorAt(path, n.Pos, "expected at least one of %s, got an empty object", principalTypes)
		}
		for i := range n.Members {
			m := &n.Members[i]
			typePath := path + "." + m.Key
			var list *[]Value
			switch m.Key {
			case "AWS":
				list = &pr.AWS
			case "Service":
				list = &pr.Service
			case "Federated":
				list = &pr.Federated
			case "CanonicalUser":
				list = &pr.CanonicalUser
			default:
				return nil, errorAt(typePath, m.KeyPos, "unknown principal type %q; expected %s", m.Key, principalTypes)
			}
			values, err := parseStringList(typePath, &m.Value, "principal", false)
			if err != nil {
				return nil, err
			}
			*list = values
		}
		return pr, nil
	}
	return nil, errorAt(path, n.Pos, "expected \"*\" or an object with %s, got %s", principalTypes, jsonpos.Describe(n))
}

// parseConditionBlock reads {"operator": {"key": value or [values]}}. An empty block, or an
// operator with no keys, adds no condition and is accepted; validation may report it.
func parseConditionBlock(path string, n *jsonpos.Node) ([]*Condition, error) {
	if n.Kind != jsonpos.Object {
		return nil, errorAt(path, n.Pos, "expected an object of condition operators, got %s", jsonpos.Describe(n))
	}
	var conds []*Condition
	for i := range n.Members {
		op := &n.Members[i]
		opPath := path + "." + op.Key
		if op.Value.Kind != jsonpos.Object {
			return nil, errorAt(opPath, op.Value.Pos, "expected an object of condition keys and values, got %s", jsonpos.Describe(&op.Value))
		}
		for j := range op.Value.Members {
			k := &op.Value.Members[j]
			c := &Condition{
				Operator:    op.Key,
				Key:         k.Key,
				Path:        opPath + "." + k.Key,
				Pos:         k.KeyPos,
				OperatorPos: op.KeyPos,
			}
			if err := parseConditionValues(c, &k.Value); err != nil {
				return nil, err
			}
			conds = append(conds, c)
		}
	}
	return conds, nil
}

func parseConditionValues(c *Condition, n *jsonpos.Node) error {
	if n.Kind != jsonpos.Array {
		if !isConditionScalar(n) {
			return errorAt(c.Path, n.Pos, "expected a string, number, boolean or an array of them, got %s", jsonpos.Describe(n))
		}
		c.Values = []Value{{Text: n.Text, Path: c.Path, Pos: n.Pos}}
		return nil
	}
	if len(n.Elems) == 0 {
		return errorAt(c.Path, n.Pos, "a condition key needs at least one value, got an empty array")
	}
	c.ValuesIsList = true
	c.Values = make([]Value, len(n.Elems))
	for i := range n.Elems {
		e := &n.Elems[i]
		valuePath := c.Path + "[" + strconv.Itoa(i) + "]"
		if !isConditionScalar(e) {
			return errorAt(valuePath, e.Pos, "expected a string, number or boolean, got %s", jsonpos.Describe(e))
		}
		c.Values[i] = Value{Text: e.Text, Path: valuePath, Pos: e.Pos}
	}
	return nil
}

// isConditionScalar reports whether n can be a condition value; numbers and booleans keep
// their JSON text, which the operators parse as they need.
func isConditionScalar(n *jsonpos.Node) bool {
	return n.Kind == jsonpos.String || n.Kind == jsonpos.Number || n.Kind == jsonpos.Bool
}
