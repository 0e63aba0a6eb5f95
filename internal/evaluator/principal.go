package evaluator

import "strings"

// grant is how directly a Principal element names the caller. The kind matters: within one
// account a resource policy that names an IAM user, a role session or a federated user grants
// on its own, one that names a role is still limited by the role's permissions boundary and
// session policy, and one that names the account only delegates to the account's own IAM
// policies (reference_policies_elements_principal, access_policies_boundaries).
type grant uint8

const (
	grantNone grant = iota
	// grantAccount: the account ID or root ARN of the caller's account.
	grantAccount
	// grantRole: the ARN of the role whose session is calling.
	grantRole
	// grantDirect: the caller itself (user ARN, role-session ARN, federated-user ARN, service,
	// identity provider), or "*", which names every caller.
	grantDirect
)

func (g grant) String() string {
	switch g {
	case grantAccount:
		return "account"
	case grantRole:
		return "role"
	case grantDirect:
		return "direct"
	}
	return "none"
}

// principalMatcher is a compiled Principal or NotPrincipal element.
type principalMatcher struct {
	not      bool
	everyone bool              // "*" or {"AWS": "*"}
	accounts map[string]bool   // account IDs named by ID or root ARN
	arns     map[string]bool   // user, role-session and federated-user ARNs, exactly
	roles    map[roleName]bool // roles, by account and name (the path is not in a session ARN)
	services map[string]bool   // service principals and identity providers, lower case
}

type roleName struct{ account, name string }

// compilePrincipal builds the matcher. Values that are not a valid principal (a partial
// wildcard such as role/ext*, a malformed ARN) match nothing: AWS does not allow wildcards in
// part of a principal (reference_policies_elements_principal); validation reports them.
func compilePrincipal(p *Principal) *principalMatcher {
	m := &principalMatcher{not: p.Not, everyone: p.Wildcard,
		accounts: map[string]bool{}, arns: map[string]bool{}, roles: map[roleName]bool{}, services: map[string]bool{}}
	for _, v := range p.AWS {
		t := v.Text
		switch {
		case t == "*":
			m.everyone = true
		case isAccountID(t):
			m.accounts[t] = true
		default:
			a, ok := splitARN(t)
			if !ok {
				continue
			}
			switch {
			case a.service == "iam" && a.resource == "root":
				m.accounts[a.account] = true
			case a.service == "iam" && strings.HasPrefix(a.resource, "role/"):
				m.roles[roleName{a.account, lastPathPart(a.resource)}] = true
			default:
				m.arns[t] = true
			}
		}
	}
	for _, v := range p.Service {
		if v.Text == "*" {
			m.everyone = true
			continue
		}
		m.services[strings.ToLower(v.Text)] = true
	}
	for _, v := range p.Federated {
		m.services[strings.ToLower(v.Text)] = true
	}
	// CanonicalUser values name S3 canonical users; a request never comes from one here.
	return m
}

// match returns how directly the element names the caller (for a Principal element; the
// caller of a NotPrincipal element is handled by the authorization flow).
func (m *principalMatcher) match(c *CallerIdentity) grant {
	if m.everyone {
		return grantDirect
	}
	switch c.Kind {
	case PrincipalAnonymous:
		return grantNone
	case PrincipalService, PrincipalIdentityProvider:
		if m.services[strings.ToLower(c.Name)] {
			return grantDirect
		}
		return grantNone
	}
	best := grantNone
	if m.accounts[c.Account] {
		best = grantAccount
	}
	switch c.Kind {
	case PrincipalRole, PrincipalRoleSession:
		if m.roles[roleName{c.Account, c.Name}] {
			best = grantRole
		}
		if c.Kind == PrincipalRoleSession && m.arns[c.ARN] {
			best = grantDirect
		}
	case PrincipalUser, PrincipalFederatedUser:
		if m.arns[c.ARN] {
			best = grantDirect
		}
	case PrincipalRoot:
		if m.accounts[c.Account] {
			best = grantDirect
		}
	}
	return best
}

// namesEveryIdentityOf reports whether a NotPrincipal list names the caller together with its
// account, and for a role session also the role or session: the reading of "you must also
// specify the account ARN of the not-denied principal ... AWS verifies the account, then the
// role, and finally the assumed-role user" (reference_policies_elements_notprincipal).
func (m *principalMatcher) namesEveryIdentityOf(c *CallerIdentity) bool {
	if m.everyone {
		return true
	}
	switch c.Kind {
	case PrincipalAnonymous:
		return false
	case PrincipalService, PrincipalIdentityProvider:
		return m.services[strings.ToLower(c.Name)]
	case PrincipalRoot:
		return m.accounts[c.Account]
	case PrincipalRole, PrincipalRoleSession:
		return m.accounts[c.Account] && (m.roles[roleName{c.Account, c.Name}] || m.arns[c.ARN])
	}
	return m.accounts[c.Account] && m.arns[c.ARN]
}
