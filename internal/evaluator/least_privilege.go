package evaluator

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/iamguard/terraform-provider-iam/internal/catalog"
	"github.com/iamguard/terraform-provider-iam/internal/jsonpos"
)

// LeastPrivilege writes the smallest identity policy that allows the required requests and
// nothing else: actions spelt exactly (or, when asked, prefix patterns that match exactly the
// statement's actions among the catalogue's: see least_privilege_wildcards.go), resources
// exactly as required, statements grouped so that requests with the same resources share one
// statement, and a request's context turned into conditions that fix each of its keys. The
// policy is checked before it is returned: each statement's action patterns expand over the
// catalogue to exactly its actions, Authorize allows every required request with it, and
// Effective finds no action besides the required ones, each on required resources only. KMS
// keys and roles also need their own policy to grant (a key policy that delegates to IAM, a
// trust policy): the policy written is the identity side.

// LeastPrivilegePolicy is the policy written for a set of required requests.
type LeastPrivilegePolicy struct {
	Document []byte // the policy JSON, indented
	Policy   *Policy
	// Statements is the number of statements, Size the document's length without white space.
	Statements int
	Size       int
}

// LeastPrivilegeOptions are the choices of LeastPrivilege.
type LeastPrivilegeOptions struct {
	// AllowWildcards writes the actions of a statement as the fewest, narrowest prefix patterns
	// ("s3:GetObject*") whose expansion over the catalogue is exactly the statement's actions,
	// and leaves out a required resource that another required resource of the same action and
	// conditions, a pattern, covers. No pattern adds an action or an ARN that was not required.
	AllowWildcards bool
}

// LeastPrivilege writes the policy for the required requests (Principal and ResourceAccount
// are ignored: the policy is an identity policy for whoever makes them).
func LeastPrivilege(required []Request, opts LeastPrivilegeOptions) (*LeastPrivilegePolicy, error) {
	if len(required) == 0 {
		return nil, fmt.Errorf("no required request: a least-privilege policy needs at least one")
	}
	type group struct {
		resources  map[string]bool
		actions    map[string]bool
		conditions map[string]map[string][]string // operator -> key -> values
		condKey    string
	}
	byKey := map[string]*group{}
	var order []string
	for i, r := range required {
		act, ok := catalog.LookupAction(r.Action)
		if !ok {
			return nil, fmt.Errorf("require[%d].action: %q is not an action of the catalogue (expected service:Action, such as s3:GetObject)", i, r.Action)
		}
		if r.Resource == "" {
			return nil, fmt.Errorf("require[%d].resource: missing; give the resource ARN, or \"*\" for an action without resource types", i)
		}
		if msg := ResourcePatternProblem(r.Resource); msg != "" {
			return nil, fmt.Errorf("require[%d].resource: %s", i, msg)
		}
		conds := conditionsFor(r.Context)
		ck, _ := json.Marshal(conds)
		// Requests are grouped first by their conditions and action; the resources of one
		// action with the same conditions share a statement.
		k := string(ck) + "\x00" + act.Name()
		g := byKey[k]
		if g == nil {
			g = &group{resources: map[string]bool{}, actions: map[string]bool{act.Name(): true}, conditions: conds, condKey: string(ck)}
			byKey[k] = g
			order = append(order, k)
		}
		g.resources[r.Resource] = true
	}
	if opts.AllowWildcards {
		for _, g := range byKey {
			pruneCoveredResources(g.resources)
		}
	}
	// Merge the actions whose resource sets (and conditions) are equal into one statement.
	merged := map[string]*group{}
	var mergedOrder []string
	for _, k := range order {
		g := byKey[k]
		rk := g.condKey + "\x00" + strings.Join(sortedKeys(g.resources), "\x00")
		if m, ok := merged[rk]; ok {
			for a := range g.actions {
				m.actions[a] = true
			}
			continue
		}
		merged[rk] = g
		mergedOrder = append(mergedOrder, rk)
	}
	sort.Strings(mergedOrder)
	type statementJSON struct {
		Sid       string                         `json:"Sid"`
		Effect    string                         `json:"Effect"`
		Action    []string                       `json:"Action"`
		Resource  []string                       `json:"Resource"`
		Condition map[string]map[string][]string `json:"Condition,omitempty"`
	}
	doc := struct {
		Version   string          `json:"Version"`
		Statement []statementJSON `json:"Statement"`
	}{Version: "2012-10-17"}
	for i, k := range mergedOrder {
		g := merged[k]
		st := statementJSON{Sid: fmt.Sprintf("Required%d", i+1), Effect: "Allow", Action: sortedKeys(g.actions), Resource: sortedKeys(g.resources)}
		if opts.AllowWildcards {
			patterns := collapseActions(st.Action)
			if err := checkActionPatterns(patterns, st.Action); err != nil {
				return nil, err
			}
			st.Action = patterns
		}
		if len(g.conditions) > 0 {
			st.Condition = g.conditions
		}
		doc.Statement = append(doc.Statement, st)
	}
	text, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, err
	}
	p, err := ParsePolicy(text)
	if err != nil {
		return nil, fmt.Errorf("internal error: the written policy does not parse: %v", err)
	}
	p.Name = "least-privilege policy"
	if err := checkLeastPrivilege(p, required); err != nil {
		return nil, err
	}
	return &LeastPrivilegePolicy{Document: text, Policy: p, Statements: len(p.Statements), Size: p.SizeNoSpace}, nil
}

// conditionsFor fixes each key of a request's context with the operator of its type.
func conditionsFor(ctx Context) map[string]map[string][]string {
	keys := ctx.Keys()
	if len(keys) == 0 {
		return nil
	}
	out := map[string]map[string][]string{}
	for _, k := range keys {
		v, _ := ctx.Lookup(k)
		op := "StringEquals"
		if ck, ok := catalog.LookupConditionKey(k); ok {
			switch ck.Type {
			case catalog.TypeARN:
				op = "ArnEquals"
			case catalog.TypeNumeric:
				op = "NumericEquals"
			case catalog.TypeDate:
				op = "DateEquals"
			case catalog.TypeBool:
				op = "Bool"
			case catalog.TypeIPAddress:
				op = "IpAddress"
			}
		}
		if v.Multi {
			// Every value of the request must be one of those required.
			op = "ForAllValues:" + op
		}
		if out[op] == nil {
			out[op] = map[string][]string{}
		}
		out[op][k] = append([]string(nil), v.Values...)
	}
	return out
}

// checkLeastPrivilege verifies the written policy: each required request is allowed, and the
// policy allows no action outside the required ones.
func checkLeastPrivilege(p *Policy, required []Request) error {
	// want maps each required action to its required resources.
	want := map[string]map[string]bool{}
	for _, r := range required {
		act, _ := catalog.LookupAction(r.Action)
		if want[act.Name()] == nil {
			want[act.Name()] = map[string]bool{}
		}
		want[act.Name()][r.Resource] = true
	}
	const caller = "arn:aws:iam::111122223333:role/least-privilege"
	ps := PolicySet{Identity: []*Policy{p}}
	// KMS keys and roles are reached only when their own policy grants too: the check assumes
	// it delegates to the account's IAM policies, as the default key policy does.
	delegate, err := ParsePolicy([]byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"*","Resource":"*"}]}`))
	if err != nil {
		return err
	}
	for i, r := range required {
		req := r
		req.Principal = caller
		req.ResourceAccount = "111122223333"
		withKey := ps
		withKey.Resource = delegate
		res, err := Authorize(&withKey, &req, Options{})
		if err != nil {
			return fmt.Errorf("require[%d]: %v", i, err)
		}
		if res.Decision != Allow {
			return fmt.Errorf("require[%d]: the written policy does not allow %s on %s (%s); the request may need a resource of another type", i, r.Action, r.Resource, res.Reason())
		}
	}
	eff, err := Effective(&Question{Principal: caller, Policies: ps, Actions: []string{"*"}, Resources: []string{"*"}})
	if err != nil {
		return err
	}
	if len(eff.Undecided) > 0 {
		return fmt.Errorf("internal error: the analysis could not prove what the written policy allows (%s: %s)", strings.Join(eff.Undecided, ", "), eff.Reason)
	}
	for _, a := range eff.Actions {
		if strings.EqualFold(a.Action, "sts:GetCallerIdentity") {
			continue // every principal may call it, whatever its policies
		}
		resources, ok := want[a.Action]
		if !ok {
			return fmt.Errorf("internal error: the written policy also allows %s", a.Action)
		}
		for _, r := range a.Resources {
			if !resources[r] {
				return fmt.Errorf("internal error: the written policy allows %s on %s, which was not required for it", a.Action, r)
			}
		}
	}
	return nil
}

// ParseRequired reads one line of the least-privilege command: {"id": ..., "require": [{
// "action", "resource", "context"}]}, in the require format of the check command, with the
// strict reader of checks (unknown or repeated fields and wrong types are InputErrors).
func ParseRequired(line []byte) ([]Request, error) {
	r, root, err := readInputText(line, "object", InputLimits{})
	if err != nil {
		return nil, err
	}
	top, err := r.object(root, "", []string{"id", "require"}, true)
	if err != nil {
		return nil, err
	}
	require, err := top.array("require", "required requests")
	if err != nil {
		return nil, err
	}
	if len(require) == 0 {
		return nil, r.errorAt(root, "require", `missing or empty; expected [{"action": "s3:GetObject", "resource": "arn:aws:s3:::bucket/*"}, ...]`)
	}
	out := make([]Request, 0, len(require))
	for i := range require {
		req, err := readActionRequest(r, &require[i], fmt.Sprintf("require[%d]", i))
		if err != nil {
			return nil, err
		}
		out = append(out, req)
	}
	return out, nil
}

// readActionRequest reads {"action", "resource", "context"} at the JSON path at ("" for a
// line that is the object).
func readActionRequest(r *inputReader, n *jsonpos.Node, at string) (Request, error) {
	var req Request
	rq, err := r.object(n, at, []string{"action", "resource", "context"}, at == "")
	if err != nil {
		return req, err
	}
	if req.Action, err = rq.str("action"); err != nil {
		return req, err
	}
	if req.Action == "" {
		return req, r.errorAt(rq.node, joinField(at, "action"), `missing or empty; expected "service:Action"`)
	}
	if req.Resource, err = rq.str("resource"); err != nil {
		return req, err
	}
	if err := rq.context(&req.Context); err != nil {
		return req, err
	}
	return req, nil
}
