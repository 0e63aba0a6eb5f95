package evaluator

import (
	"encoding/json"
	"github.com/iamguard/terraform-provider-iam/internal/catalog"

	"fmt"
	"sort"
	"strings"
)

// Request is one API call to authorize.
type Request struct {
	// Principal is the caller: an IAM user, role, role-session, federated-user or root ARN, a
	// service principal ("cloudtrail.amazonaws.com"), or "anonymous" for an unsigned request.
	// A role ARN stands for a session of that role whose session ARN is not known. The input
	// readers accept only these forms (CheckPrincipal); the engine itself still reads "" and
	// "*" as anonymous.
	Principal string
	// Action is "service:Action"; it is matched without regard to case.
	Action string
	// Resource is the resource ARN, or "*" for actions that take no resource.
	Resource string
	// ResourceAccount is the account that owns the resource. When empty it is the account field
	// of the resource ARN, else the principal's account (S3 ARNs carry no account).
	ResourceAccount string
	// Context holds the condition keys of the request. Keys derived from the principal and the
	// resource are added by the evaluator unless Context sets them (see derivedKey).
	Context Context
}

// ContextValue is the value of one condition key in a request.
type ContextValue struct {
	Key    string   // as given
	Values []string // one value for a single-valued key
	// Multi is true for a multi-valued key (given as a list), even with one value or none.
	Multi bool
}

// Context maps condition keys to their values. Keys are compared without regard to case.
type Context struct {
	m map[string]ContextValue
}

// Set sets a single-valued key.
func (c *Context) Set(key, value string) {
	c.put(ContextValue{Key: key, Values: []string{value}})
}

// SetMulti sets a multi-valued key; an empty list is a key that is present with no values.
func (c *Context) SetMulti(key string, values []string) {
	c.put(ContextValue{Key: key, Values: append([]string(nil), values...), Multi: true})
}

func (c *Context) put(v ContextValue) {
	if c.m == nil {
		c.m = make(map[string]ContextValue)
	}
	c.m[strings.ToLower(v.Key)] = v
}

// Delete removes a key.
func (c *Context) Delete(key string) { delete(c.m, strings.ToLower(key)) }

// Lookup returns the value of key, matched without regard to case.
func (c Context) Lookup(key string) (ContextValue, bool) {
	v, ok := c.m[strings.ToLower(key)]
	return v, ok
}

// lookupLower is Lookup for a key already in lower case.
func (c Context) lookupLower(lowerKey string) (ContextValue, bool) {
	v, ok := c.m[lowerKey]
	return v, ok
}

// Len is the number of keys.
func (c Context) Len() int { return len(c.m) }

// Keys returns the keys as given, sorted.
func (c Context) Keys() []string {
	keys := make([]string, 0, len(c.m))
	for _, v := range c.m {
		keys = append(keys, v.Key)
	}
	sort.Strings(keys)
	return keys
}

// Clone returns a copy that can be changed without changing c.
func (c Context) Clone() Context {
	var out Context
	for k, v := range c.m {
		if out.m == nil {
			out.m = make(map[string]ContextValue, len(c.m))
		}
		v.Values = append([]string(nil), v.Values...)
		out.m[k] = v
	}
	return out
}

// PrincipalKind tells what sort of caller a request has.
type PrincipalKind uint8

const (
	PrincipalAnonymous PrincipalKind = iota + 1
	PrincipalRoot
	PrincipalUser
	PrincipalRole // a session of the role, the session ARN unknown
	PrincipalRoleSession
	PrincipalFederatedUser
	PrincipalService
	// PrincipalIdentityProvider is a SAML or OIDC provider ARN of IAM, the caller of
	// AssumeRoleWithSAML or AssumeRoleWithWebIdentity as named in a Federated principal.
	PrincipalIdentityProvider
)

func (k PrincipalKind) String() string {
	switch k {
	case PrincipalAnonymous:
		return "anonymous"
	case PrincipalRoot:
		return "root"
	case PrincipalUser:
		return "user"
	case PrincipalRole:
		return "role"
	case PrincipalRoleSession:
		return "role-session"
	case PrincipalFederatedUser:
		return "federated-user"
	case PrincipalService:
		return "service"
	case PrincipalIdentityProvider:
		return "identity-provider"
	}
	return "unknown"
}

// CallerIdentity is a request principal taken apart.
type CallerIdentity struct {
	Kind      PrincipalKind
	ARN       string // as given ("" for anonymous)
	Partition string
	Account   string
	// Name is the user name, role name, federated user name or service principal.
	Name string
	// Session is the session name of a role session.
	Session string
	// RoleARN is the ARN of the role of a role or role-session caller (without path for a
	// role session, whose ARN does not carry the role's path).
	RoleARN string
}

// ParseCaller takes a request principal apart. It accepts the forms listed on Request.Principal.
func ParseCaller(p string) (CallerIdentity, error) {
	c, err := parseCaller(p)
	if err == nil && c.Kind == PrincipalRoleSession {
		c.RoleARN = c.sessionRoleARN()
	}
	return c, err
}

// sessionRoleARN builds the ARN of a role session's role (its path is not in the session ARN).
func (c CallerIdentity) sessionRoleARN() string {
	return "arn:" + c.Partition + ":iam::" + c.Account + ":role/" + c.Name
}

// parseCaller is ParseCaller without building the role ARN of a session, which evaluation
// needs only when a policy reads aws:PrincipalArn.
func parseCaller(p string) (CallerIdentity, error) {
	switch p {
	case "", "anonymous", "*":
		return CallerIdentity{Kind: PrincipalAnonymous}, nil
	}
	if !strings.HasPrefix(p, "arn:") {
		if strings.Contains(p, ".") && !strings.ContainsAny(p, ":/ *") {
			return CallerIdentity{Kind: PrincipalService, ARN: p, Name: p}, nil
		}
		return CallerIdentity{}, fmt.Errorf("principal %q: expected an IAM or STS ARN, a service principal such as cloudtrail.amazonaws.com, or \"anonymous\"", p)
	}
	a, ok := splitARN(p)
	if !ok {
		return CallerIdentity{}, fmt.Errorf("principal %q: an ARN has six colon-separated parts (arn:partition:service:region:account:resource)", p)
	}
	id := CallerIdentity{ARN: p, Partition: a.partition, Account: a.account}
	if !isAccountID(a.account) {
		return CallerIdentity{}, fmt.Errorf("principal %q: the account field must be 12 digits", p)
	}
	switch {
	case a.service == "iam" && a.resource == "root":
		id.Kind = PrincipalRoot
	case a.service == "iam" && (strings.HasPrefix(a.resource, "saml-provider/") || strings.HasPrefix(a.resource, "oidc-provider/")):
		id.Kind = PrincipalIdentityProvider
		id.Name = p
	case a.service == "iam" && strings.HasPrefix(a.resource, "user/"):
		id.Kind = PrincipalUser
		id.Name = lastPathPart(a.resource)
	case a.service == "iam" && strings.HasPrefix(a.resource, "role/"):
		id.Kind = PrincipalRole
		id.Name = lastPathPart(a.resource)
		id.RoleARN = p
	case a.service == "sts" && strings.HasPrefix(a.resource, "assumed-role/"):
		role, session, ok := strings.Cut(strings.TrimPrefix(a.resource, "assumed-role/"), "/")
		if !ok || role == "" || session == "" || strings.Contains(session, "/") {
			return CallerIdentity{}, fmt.Errorf("principal %q: a role session ARN is arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION", p)
		}
		id.Kind = PrincipalRoleSession
		id.Name, id.Session = role, session
	case a.service == "sts" && strings.HasPrefix(a.resource, "federated-user/"):
		id.Kind = PrincipalFederatedUser
		id.Name = strings.TrimPrefix(a.resource, "federated-user/")
	default:
		return CallerIdentity{}, fmt.Errorf("principal %q: expected an IAM user, role or root ARN, or an STS assumed-role or federated-user ARN", p)
	}
	if id.Kind != PrincipalRoot && id.Name == "" {
		return CallerIdentity{}, fmt.Errorf("principal %q: the name is empty", p)
	}
	return id, nil
}

// PrincipalARN is the value of aws:PrincipalArn for the caller: the role ARN for a role session.
func (c CallerIdentity) PrincipalARN() string {
	switch c.Kind {
	case PrincipalRole, PrincipalRoleSession:
		return c.RoleARN
	case PrincipalAnonymous, PrincipalService, PrincipalIdentityProvider:
		return ""
	}
	return c.ARN
}

// IsSession reports whether the caller uses temporary credentials of a session.
func (c CallerIdentity) IsSession() bool {
	return c.Kind == PrincipalRole || c.Kind == PrincipalRoleSession || c.Kind == PrincipalFederatedUser
}

// principalType is the value of aws:PrincipalType.
func (c CallerIdentity) principalType() string {
	switch c.Kind {
	case PrincipalRoot:
		return "Account"
	case PrincipalUser:
		return "User"
	case PrincipalRole, PrincipalRoleSession:
		return "AssumedRole"
	case PrincipalFederatedUser:
		return "FederatedUser"
	case PrincipalAnonymous:
		return "Anonymous"
	}
	return ""
}

// lowerASCII lowers ASCII letters; it returns s itself when there is nothing to lower, and
// the action names of IAM are ASCII.
func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; 'A' <= c && c <= 'Z' {
			return strings.ToLower(s)
		}
	}
	return s
}

func lastPathPart(s string) string {
	if i := strings.LastIndexByte(s, '/'); i >= 0 {
		return s[i+1:]
	}
	return s
}

func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// arnParts is an ARN split at its first five colons; resource keeps any further colons.
type arnParts struct {
	partition, service, region, account, resource string
}

func splitARN(s string) (arnParts, bool) {
	if !strings.HasPrefix(s, "arn:") {
		return arnParts{}, false
	}
	rest := s[4:]
	var f [4]string
	for i := range f {
		j := strings.IndexByte(rest, ':')
		if j < 0 {
			return arnParts{}, false
		}
		f[i], rest = rest[:j], rest[j+1:]
	}
	return arnParts{partition: f[0], service: f[1], region: f[2], account: f[3], resource: rest}, true
}

// evalContext is a request prepared for evaluation: the caller taken apart, the resource
// account settled, and the lookup of condition keys with the keys derived from both.
type evalContext struct {
	req             *Request
	caller          CallerIdentity
	resourceAccount string
	principalARN    string
	principalARNSet bool
	// resourceARN is the request's resource taken apart, when it is an ARN.
	resourceARN   arnParts
	resourceIsARN bool
	// derived backs the one-element value lists of the derived keys, one slot per key, so
	// looking them up does not allocate.
	derived [numDerivedKeys][1]string
	// The last request values parsed as a number and as a date (see decimal and date).
	number    lastParsed[decimal]
	dateValue lastParsed[instant]
}

// Slots of evalContext.derived.
const (
	slotPrincipalARN = iota
	slotPrincipalAccount
	slotPrincipalType
	slotUsername
	slotResourceAccount
	slotPrincipalIsAWSService
	slotPrincipalServiceName
	numDerivedKeys
)

func newEvalContext(req *Request) (*evalContext, error) {
	ec := &evalContext{}
	if err := ec.init(req); err != nil {
		return nil, err
	}
	return ec, nil
}

// init prepares e for req.
func (e *evalContext) init(req *Request) error {
	caller, err := parseCaller(req.Principal)
	if err != nil {
		return err
	}
	if err := checkContextValues(&req.Context); err != nil {
		return err
	}
	*e = evalContext{req: req, caller: caller}
	e.resourceARN, e.resourceIsARN = splitARN(req.Resource)
	e.resourceAccount = req.ResourceAccount
	if e.resourceAccount == "" {
		if e.resourceIsARN && e.resourceARN.account != "" {
			e.resourceAccount = e.resourceARN.account
		} else {
			e.resourceAccount = caller.Account
		}
	}
	return nil
}

// Text writes the value for messages, unambiguously: JSON strings, a list for a multi-valued
// key (aws:TagKeys=["","temp"]).
func (v ContextValue) Text() string {
	quote := func(s string) string {
		b, _ := json.Marshal(s)
		return string(b)
	}
	if !v.Multi {
		return v.Key + "=" + quote(strings.Join(v.Values, ","))
	}
	parts := make([]string, len(v.Values))
	for i, x := range v.Values {
		parts[i] = quote(x)
	}
	return v.Key + "=[" + strings.Join(parts, ",") + "]"
}

// checkContextValues rejects values that no request AWS sends can carry, so that evaluation
// and the analysis (which searches only values a request can carry) decide the same requests:
// several values for a key the Service Authorization Reference types as single-valued, and a
// network where an IPAddress key holds the caller's address.
func checkContextValues(c *Context) error {
	for _, v := range c.m {
		if len(v.Values) < 2 && (len(v.Values) != 1 || !strings.Contains(v.Values[0], "/")) {
			continue
		}
		k, ok := catalog.LookupConditionKey(v.Key)
		if !ok {
			continue
		}
		if len(v.Values) > 1 && !k.MultiValued {
			return fmt.Errorf("context: %s is single-valued (%s): a request carries one value, not %d", v.Key, k.Type, len(v.Values))
		}
		if k.Type == catalog.TypeIPAddress {
			for _, x := range v.Values {
				if strings.Contains(x, "/") {
					return fmt.Errorf("context: %s is the address a request comes from (such as 203.0.113.7), not a network (%q)", v.Key, x)
				}
			}
		}
	}
	return nil
}

// principalARNValue is aws:PrincipalArn, built on first use.
func (e *evalContext) principalARNValue() string {
	if !e.principalARNSet {
		e.principalARNSet = true
		if e.caller.Kind == PrincipalRoleSession && e.caller.RoleARN == "" {
			e.caller.RoleARN = e.caller.sessionRoleARN()
		}
		e.principalARN = e.caller.PrincipalARN()
	}
	return e.principalARN
}

// get returns the value of a condition key given in lower case: from the request's context
// when it sets the key, else derived from the principal and the resource.
func (e *evalContext) get(lowerKey string) (ContextValue, bool) {
	if v, ok := e.req.Context.lookupLower(lowerKey); ok {
		return v, true
	}
	return e.derivedKey(lowerKey)
}

// derivedKey gives the keys that follow from the principal and resource ARNs. Keys that depend
// on how the call was made (aws:SourceIp, aws:MultiFactorAuthPresent, aws:TokenIssueTime,
// ...) are never invented: a key that the request does not give is absent.
func (e *evalContext) derivedKey(lowerKey string) (ContextValue, bool) {
	single := func(slot int, key, v string) (ContextValue, bool) {
		if v == "" {
			return ContextValue{}, false
		}
		e.derived[slot][0] = v
		return ContextValue{Key: key, Values: e.derived[slot][:]}, true
	}
	c := &e.caller
	switch lowerKey {
	case "aws:principalarn":
		return single(slotPrincipalARN, "aws:PrincipalArn", e.principalARNValue())
	case "aws:principalaccount":
		return single(slotPrincipalAccount, "aws:PrincipalAccount", c.Account)
	case "aws:principaltype":
		if c.Kind == PrincipalService || c.Kind == PrincipalIdentityProvider {
			return ContextValue{}, false
		}
		return single(slotPrincipalType, "aws:PrincipalType", c.principalType())
	case "aws:username":
		if c.Kind == PrincipalUser {
			return single(slotUsername, "aws:username", c.Name)
		}
	case "aws:resourceaccount":
		return single(slotResourceAccount, "aws:ResourceAccount", e.resourceAccount)
	case "aws:principalisawsservice":
		switch c.Kind {
		case PrincipalAnonymous, PrincipalIdentityProvider:
			return ContextValue{}, false
		case PrincipalService:
			return single(slotPrincipalIsAWSService, "aws:PrincipalIsAWSService", "true")
		}
		return single(slotPrincipalIsAWSService, "aws:PrincipalIsAWSService", "false")
	case "aws:principalservicename":
		if c.Kind == PrincipalService {
			return single(slotPrincipalServiceName, "aws:PrincipalServiceName", c.Name)
		}
	}
	return ContextValue{}, false
}
