package evaluator

import (
	"strings"
	"testing"
)

const (
	acct    = "111122223333"
	extAcct = "444455556666"
)

func allowAll(action string) string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"` + action + `","Resource":"*"}]}`
}

func denyAll(action string) string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"` + action + `","Resource":"*"}]}`
}

func resourcePolicy(effect, principal, action string) string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"` + effect + `","Principal":` + principal + `,"Action":"` + action + `","Resource":"*"}]}`
}

type flowCase struct {
	name      string
	principal string
	action    string
	resource  string
	resAcct   string
	identity  []string
	resource_ string
	boundary  string
	session   string
	scps      [][]string
	rcps      [][]string
	opts      Options
	want      Decision
	blocked   string // BlockedBy joined with ",", for implicit denies
}

func (c flowCase) run(t *testing.T) Result {
	t.Helper()
	var ps PolicySet
	for _, d := range c.identity {
		ps.Identity = append(ps.Identity, MustParsePolicy(d))
	}
	if c.resource_ != "" {
		ps.Resource = MustParsePolicy(c.resource_)
	}
	if c.boundary != "" {
		ps.Boundary = MustParsePolicy(c.boundary)
	}
	if c.session != "" {
		ps.Session = MustParsePolicy(c.session)
	}
	levels := func(in [][]string) [][]*Policy {
		if in == nil {
			return nil
		}
		out := make([][]*Policy, len(in))
		for i, l := range in {
			out[i] = []*Policy{}
			for _, d := range l {
				out[i] = append(out[i], MustParsePolicy(d))
			}
		}
		return out
	}
	ps.SCPs, ps.RCPs = levels(c.scps), levels(c.rcps)
	res := c.resource
	if res == "" {
		res = "arn:aws:s3:::bkt/obj"
	}
	ra := c.resAcct
	if ra == "" && strings.HasPrefix(res, "arn:aws:s3:") {
		ra = acct
	}
	r, err := Authorize(&ps, &Request{Principal: c.principal, Action: c.action, Resource: res, ResourceAccount: ra}, c.opts)
	if err != nil {
		t.Fatalf("Authorize: %v", err)
	}
	return r
}

func TestAuthorizeFlow(t *testing.T) {
	user := "arn:aws:iam::" + acct + ":user/alice"
	role := "arn:aws:iam::" + acct + ":role/app"
	session := "arn:aws:sts::" + acct + ":assumed-role/app/s1"
	extUser := "arn:aws:iam::" + extAcct + ":user/bob"
	tests := []flowCase{
		{name: "identity allow", principal: user, action: "s3:GetObject", identity: []string{allowAll("s3:*")}, want: Allow},
		{name: "nothing allows", principal: user, action: "s3:GetObject", want: ImplicitDeny, blocked: "identity"},
		{name: "root user needs no policy", principal: "arn:aws:iam::" + acct + ":root", action: "s3:GetObject", want: Allow},
		{name: "root user of member account under SCP", principal: "arn:aws:iam::" + acct + ":root", action: "s3:GetObject",
			scps: [][]string{{allowAll("ec2:*")}}, want: ImplicitDeny, blocked: "scp[0]"},
		{name: "SCP level 1 blocks", principal: user, action: "s3:GetObject", identity: []string{allowAll("*")},
			scps: [][]string{{allowAll("*")}, {allowAll("ec2:*")}, {allowAll("*")}}, want: ImplicitDeny, blocked: "scp[1]"},
		{name: "SCP empty level blocks", principal: user, action: "s3:GetObject", identity: []string{allowAll("*")},
			scps: [][]string{{allowAll("*")}, {}}, want: ImplicitDeny, blocked: "scp[1]"},
		{name: "SCPs skip service-linked roles", principal: "arn:aws:iam::" + acct + ":role/aws-service-role/elasticloadbalancing.amazonaws.com/AWSServiceRoleForElasticLoadBalancing",
			action: "ec2:DescribeInstances", resource: "*", identity: []string{allowAll("ec2:*")}, scps: [][]string{{denyAll("*")}}, want: Allow},
		{name: "SCPs skip the management account (nil)", principal: user, action: "s3:GetObject", identity: []string{allowAll("s3:*")}, want: Allow},
		{name: "role-ARN grant limited by session policy", principal: session, action: "s3:GetObject",
			resource_: resourcePolicy("Allow", `{"AWS":"`+role+`"}`, "s3:GetObject"), session: allowAll("ec2:*"),
			want: ImplicitDeny, blocked: "identity,session"},
		{name: "role-ARN grant with no boundary or session policy", principal: session, action: "s3:GetObject",
			resource_: resourcePolicy("Allow", `{"AWS":"`+role+`"}`, "s3:GetObject"), want: Allow},
		{name: "role-ARN grant matches a role with a path", principal: session, action: "s3:GetObject",
			resource_: resourcePolicy("Allow", `{"AWS":"arn:aws:iam::`+acct+`:role/team/app"}`, "s3:GetObject"), want: Allow},
		{name: "session-ARN grant not limited by session policy (docs)", principal: session, action: "s3:GetObject",
			resource_: resourcePolicy("Allow", `{"AWS":"`+session+`"}`, "s3:GetObject"), session: allowAll("ec2:*"), want: Allow},
		{name: "session-ARN grant limited under the stricter option", principal: session, action: "s3:GetObject",
			resource_: resourcePolicy("Allow", `{"AWS":"`+session+`"}`, "s3:GetObject"), session: allowAll("ec2:*"),
			opts: Options{SessionPolicyLimitsSessionGrants: true}, want: ImplicitDeny, blocked: "identity,session"},
		{name: "service principal allowed by resource policy alone", principal: "cloudtrail.amazonaws.com", action: "s3:PutObject",
			resource_: resourcePolicy("Allow", `{"Service":"cloudtrail.amazonaws.com"}`, "s3:PutObject"), want: Allow},
		{name: "service principal not named", principal: "cloudtrail.amazonaws.com", action: "s3:PutObject",
			resource_: resourcePolicy("Allow", `{"Service":"config.amazonaws.com"}`, "s3:PutObject"), want: ImplicitDeny, blocked: "resource"},
		{name: "SCPs do not apply to service principals", principal: "cloudtrail.amazonaws.com", action: "s3:PutObject",
			resource_: resourcePolicy("Allow", `{"Service":"cloudtrail.amazonaws.com"}`, "s3:PutObject"), scps: [][]string{{}}, want: Allow},
		{name: "anonymous needs a public grant", principal: "anonymous", action: "s3:GetObject",
			resource_: resourcePolicy("Allow", `{"AWS":"`+acct+`"}`, "s3:GetObject"), want: ImplicitDeny, blocked: "resource"},
		{name: "anonymous with public grant and RCP deny", principal: "anonymous", action: "s3:GetObject",
			resource_: resourcePolicy("Allow", `"*"`, "s3:GetObject"), rcps: [][]string{{denyAll("s3:*")}}, want: ExplicitDeny},
		{name: "cross-account needs both sides", principal: extUser, action: "s3:GetObject", identity: []string{allowAll("s3:*")},
			want: ImplicitDeny, blocked: "resource"},
		{name: "cross-account account delegation", principal: extUser, action: "s3:GetObject", identity: []string{allowAll("s3:*")},
			resource_: resourcePolicy("Allow", `{"AWS":"arn:aws:iam::`+extAcct+`:root"}`, "s3:GetObject"), want: Allow},
		{name: "cross-account boundary still applies to a user grant", principal: extUser, action: "s3:GetObject",
			identity: []string{allowAll("s3:*")}, boundary: allowAll("ec2:*"),
			resource_: resourcePolicy("Allow", `{"AWS":"`+extUser+`"}`, "s3:GetObject"), want: ImplicitDeny, blocked: "permissions_boundary"},
		{name: "KMS key policy naming the role grants alone", principal: session, action: "kms:Decrypt",
			resource: "arn:aws:kms:us-east-1:" + acct + ":key/k1", resource_: resourcePolicy("Allow", `{"AWS":"`+role+`"}`, "kms:*"), want: Allow},
		{name: "KMS without key policy", principal: session, action: "kms:Decrypt", identity: []string{allowAll("kms:*")},
			resource: "arn:aws:kms:us-east-1:" + acct + ":key/k1", want: ImplicitDeny, blocked: "resource"},
		{name: "KMS cross-account: key policy names the account, identity allows", principal: extUser, action: "kms:Decrypt",
			identity: []string{allowAll("kms:Decrypt")}, resource: "arn:aws:kms:us-east-1:" + acct + ":key/k1",
			resource_: resourcePolicy("Allow", `{"AWS":"`+extAcct+`"}`, "kms:Decrypt"), want: Allow},
		{name: "KMS actions without a key need no key policy", principal: user, action: "kms:ListKeys", resource: "*",
			identity: []string{allowAll("kms:*")}, want: Allow},
		{name: "web identity assumes a role through the trust policy", principal: "accounts.google.com", action: "sts:AssumeRoleWithWebIdentity",
			resource: role, resource_: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"accounts.google.com"},"Action":"sts:AssumeRoleWithWebIdentity"}]}`,
			want: Allow},
		{name: "SAML provider assumes a role", principal: "arn:aws:iam::" + acct + ":saml-provider/Okta", action: "sts:AssumeRoleWithSAML",
			resource: role, resource_: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::` + acct + `:saml-provider/Okta"},"Action":"sts:AssumeRoleWithSAML"}]}`,
			want: Allow},
		{name: "Deny NotPrincipal spares the listed user (default)", principal: user, action: "s3:GetObject", identity: []string{allowAll("s3:*")},
			resource_: `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotPrincipal":{"AWS":"` + user + `"},"Action":"s3:*","Resource":"*"}]}`, want: Allow},
		{name: "Deny NotPrincipal without the account denies (strict)", principal: user, action: "s3:GetObject", identity: []string{allowAll("s3:*")},
			resource_: `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotPrincipal":{"AWS":"` + user + `"},"Action":"s3:*","Resource":"*"}]}`,
			opts:      Options{StrictNotPrincipalDeny: true}, want: ExplicitDeny},
		{name: "Deny NotPrincipal with the account spares (strict)", principal: user, action: "s3:GetObject", identity: []string{allowAll("s3:*")},
			resource_: `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotPrincipal":{"AWS":["` + user + `","` + acct + `"]},"Action":"s3:*","Resource":"*"}]}`,
			opts:      Options{StrictNotPrincipalDeny: true}, want: Allow},
		{name: "resource Deny naming the account denies its users", principal: user, action: "s3:GetObject", identity: []string{allowAll("s3:*")},
			resource_: resourcePolicy("Deny", `{"AWS":"`+acct+`"}`, "s3:*"), want: ExplicitDeny},
		{name: "federated user with session policy and identity", principal: "arn:aws:sts::" + acct + ":federated-user/bob", action: "s3:GetObject",
			identity: []string{allowAll("s3:*")}, session: allowAll("s3:GetObject"), want: Allow},
		{name: "federated-user ARN grant needs no session policy", principal: "arn:aws:sts::" + acct + ":federated-user/bob", action: "s3:GetObject",
			resource_: resourcePolicy("Allow", `{"AWS":"arn:aws:sts::`+acct+`:federated-user/bob"}`, "s3:GetObject"), want: Allow},
		{name: "session policy ignored for IAM users", principal: user, action: "s3:GetObject", identity: []string{allowAll("s3:*")},
			session: allowAll("ec2:*"), want: Allow},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.run(t)
			if r.Decision != tt.want {
				t.Fatalf("decision %s, want %s (%s)", r.Decision, tt.want, r.Reason())
			}
			var blocked []string
			for _, b := range r.BlockedBy {
				blocked = append(blocked, b.String())
			}
			if got := strings.Join(blocked, ","); got != tt.blocked {
				t.Errorf("blocked by %q, want %q", got, tt.blocked)
			}
			if r.Reason() == "" {
				t.Error("no reason")
			}
		})
	}
}

func TestAuthorizeExplains(t *testing.T) {
	p := MustParsePolicy(`{"Version":"2012-10-17","Statement":[
		{"Sid":"AllowS3","Effect":"Allow","Action":"s3:*","Resource":"*"},
		{"Sid":"DenyLogs","Effect":"Deny","Action":"s3:*","Resource":"arn:aws:s3:::*log*"}]}`)
	p.Name = "team-policy"
	ps := &PolicySet{Identity: []*Policy{p}}
	r, err := Authorize(ps, &Request{Principal: "arn:aws:iam::" + acct + ":user/alice", Action: "s3:PutObject", Resource: "arn:aws:s3:::app-logs/x"}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Decision != ExplicitDeny || len(r.Denies) != 1 {
		t.Fatalf("got %+v", r)
	}
	d := r.Denies[0]
	if d.Policy != "team-policy" || d.Index != 1 || d.Sid != "DenyLogs" || d.Kind != KindIdentity || d.Line != 3 {
		t.Errorf("deny ref %+v", d)
	}
	if !strings.Contains(r.Reason(), `team-policy statement 1 ("DenyLogs")`) {
		t.Errorf("reason %q", r.Reason())
	}
	r, _ = Authorize(ps, &Request{Principal: "arn:aws:iam::" + acct + ":user/alice", Action: "s3:GetObject", Resource: "arn:aws:s3:::app/x"}, Options{})
	if r.Decision != Allow || len(r.Allows) != 1 || r.Allows[0].Sid != "AllowS3" {
		t.Errorf("got %+v", r)
	}
}

func TestAuthorizeBadPrincipal(t *testing.T) {
	for _, p := range []string{"bob", "arn:aws:iam::12:user/bob", "arn:aws:iam::111122223333:group/devs", "arn:aws:sts::111122223333:assumed-role/x", "arn:aws:iam"} {
		_, err := Authorize(&PolicySet{}, &Request{Principal: p, Action: "s3:GetObject", Resource: "*"}, Options{})
		if err == nil {
			t.Errorf("principal %q accepted", p)
		}
	}
}

// sts:GetCallerIdentity needs no permission, and an explicit Deny does not block it (STS API
// reference); unsigned callers still cannot call it.
func TestAuthorizeGetCallerIdentityExempt(t *testing.T) {
	ps := &PolicySet{Identity: []*Policy{MustParsePolicy(denyAll("*"))}, SCPs: [][]*Policy{{MustParsePolicy(denyAll("sts:*"))}}}
	for _, p := range []string{"arn:aws:iam::" + acct + ":user/alice", "arn:aws:sts::" + acct + ":assumed-role/app/s"} {
		r, err := Authorize(ps, &Request{Principal: p, Action: "STS:GetCallerIdentity", Resource: "*"}, Options{})
		if err != nil || r.Decision != Allow || !strings.Contains(r.Reason(), "needs no permission") {
			t.Errorf("%s: %s %q %v", p, r.Decision, r.Reason(), err)
		}
	}
	r, _ := Authorize(ps, &Request{Principal: "anonymous", Action: "sts:GetCallerIdentity", Resource: "*"}, Options{})
	if r.Decision == Allow {
		t.Error("anonymous caller allowed")
	}
	// The analysis agrees: a deny-everything policy does not keep the caller from it.
	q := question("arn:aws:iam::"+acct+":role/app", []string{denyAll("*")}, []string{"sts:*"}, []string{"*"})
	a := Analyze(q)
	if a.Outcome != Allowed || a.Witness.Action != "sts:GetCallerIdentity" {
		t.Fatalf("analysis: %s %+v", a.Outcome, a.Witness)
	}
}
