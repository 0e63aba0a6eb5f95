package evaluator

import (
	"fmt"
	"strings"
)

// The request principal of a case or check, as people type it. parseCaller (used by every
// evaluation) reads "", "*" and any dotted name as an anonymous caller or a service: a typo
// there would make the evaluator ignore the caller's identity policies, boundary and SCPs and
// report a pass. The input readers therefore accept only the forms below and report anything
// else as an error naming the field.

// principalExpected is the list of accepted forms, for messages.
const principalExpected = `expected an IAM ARN (arn:aws:iam::ACCOUNT:user/NAME, role/NAME or root), an STS ARN ` +
	`(arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION or federated-user/NAME), a service principal ` +
	`such as cloudtrail.amazonaws.com, or "anonymous" for an unsigned request`

// servicePrincipalSuffixes are the DNS suffixes of AWS service principals: the commercial form
// SERVICE.amazonaws.com (and its regional SERVICE.REGION.amazonaws.com), the China partition's
// .amazonaws.com.cn, the ISO partitions' and the EU sovereign cloud's, and the amazon.com
// principals of Alexa skills (Lambda permissions).
var servicePrincipalSuffixes = []string{
	".amazonaws.com", ".amazonaws.com.cn", ".amazon.com",
	".c2s.ic.gov", ".sc2s.sgov.gov", ".cloud.adc-e.uk", ".csp.hci.ic.gov", ".amazonaws.eu",
}

// principalPartitions are the AWS partitions an IAM or STS ARN can name.
var principalPartitions = map[string]bool{
	"aws": true, "aws-cn": true, "aws-us-gov": true, "aws-iso": true, "aws-iso-b": true,
	"aws-iso-e": true, "aws-iso-f": true, "aws-eusc": true,
}

// CheckPrincipal reads a request principal given by a person (a case's request.principal, a
// check's principal or a require's principal) and returns it taken apart. It is stricter than
// the evaluation: "" and "*" are errors (write "anonymous"), a name without a colon must have
// the shape of a service principal, and an ARN must be an IAM user, role or root ARN or an STS
// assumed-role or federated-user ARN of a known partition, with an empty region and names IAM
// accepts (the AWS APIs ask for session and federated user names of at least 2 characters;
// the documentation's examples use shorter ones, so only the upper bounds are checked). The
// error says what was expected, without the field name (the caller adds it).
func CheckPrincipal(p string) (CallerIdentity, error) {
	switch {
	case p == "anonymous":
		return CallerIdentity{Kind: PrincipalAnonymous}, nil
	case p == "":
		return CallerIdentity{}, fmt.Errorf("empty; %s", principalExpected)
	case p == "*":
		return CallerIdentity{}, fmt.Errorf(`"*" names every caller in a policy but is not a caller; write "anonymous" for an unsigned request, or the caller's ARN`)
	case strings.EqualFold(p, "anonymous"):
		return CallerIdentity{}, fmt.Errorf(`%q: write "anonymous" in lower case for an unsigned request`, p)
	case !strings.HasPrefix(p, "arn:"):
		if msg := servicePrincipalProblem(p); msg != "" {
			return CallerIdentity{}, fmt.Errorf("%q %s; %s", p, msg, principalExpected)
		}
		return CallerIdentity{Kind: PrincipalService, ARN: p, Name: p}, nil
	}
	a, ok := splitARN(p)
	if !ok {
		return CallerIdentity{}, fmt.Errorf("%q: an ARN has six colon-separated parts (arn:partition:service:region:account:resource); %s", p, principalExpected)
	}
	if !principalPartitions[a.partition] {
		return CallerIdentity{}, fmt.Errorf("%q: unknown partition %q; expected aws, aws-cn, aws-us-gov or another AWS partition", p, a.partition)
	}
	if a.service != "iam" && a.service != "sts" {
		return CallerIdentity{}, fmt.Errorf("%q: a caller is an IAM or STS ARN, not a %q resource; %s", p, a.service, principalExpected)
	}
	if a.region != "" {
		return CallerIdentity{}, fmt.Errorf("%q: IAM and STS principal ARNs have an empty region field (arn:%s:%s::ACCOUNT:...)", p, a.partition, a.service)
	}
	if strings.ContainsAny(a.resource, "*?") {
		return CallerIdentity{}, fmt.Errorf("%q: a caller is one principal; wildcards belong in policies, not in the request", p)
	}
	id, err := ParseCaller(p)
	if err != nil {
		return CallerIdentity{}, fmt.Errorf("%s", strings.TrimPrefix(err.Error(), "principal "))
	}
	if id.Kind == PrincipalIdentityProvider {
		return CallerIdentity{}, fmt.Errorf("%q: an identity provider is not the caller of a request here; give the role session it creates (arn:%s:sts::%s:assumed-role/ROLE/SESSION)", p, a.partition, a.account)
	}
	if msg := principalNameProblem(id, a.resource); msg != "" {
		return CallerIdentity{}, fmt.Errorf("%q: %s", p, msg)
	}
	return id, nil
}

// servicePrincipalProblem says why a name without "arn:" is not a service principal, or "".
// A service principal is a DNS name of lower-case labels (letters, digits, hyphens) under
// one of servicePrincipalSuffixes: "alice.smith" or "arn.aws.iam.111122223333.role.admin"
// is a typo, not a service.
func servicePrincipalProblem(p string) string {
	if p != strings.ToLower(p) {
		return "is not a service principal (service principals are lower case)"
	}
	var service string
	for _, s := range servicePrincipalSuffixes {
		if strings.HasSuffix(p, s) && len(p) > len(s) {
			service = p[:len(p)-len(s)]
			break
		}
	}
	if service == "" {
		return "is neither an ARN nor a service principal (SERVICE.amazonaws.com)"
	}
	for _, label := range strings.Split(service, ".") {
		if label == "" || label[0] == '-' || label[len(label)-1] == '-' {
			return "is not a service principal: a label of the name is empty or starts or ends with a hyphen"
		}
		for i := 0; i < len(label); i++ {
			if c := label[i]; ('a' > c || c > 'z') && ('0' > c || c > '9') && c != '-' {
				return fmt.Sprintf("is not a service principal: %q is not a letter, digit or hyphen", c)
			}
		}
	}
	return ""
}

// principalNameProblem checks the names in an IAM or STS principal ARN against what IAM and
// STS accept: user and role names of 1 to 64 characters of [A-Za-z0-9+=,.@_-], paths of
// printable ASCII, role session names of up to 64
// characters and federated user names of up to 32 characters of the same set.
func principalNameProblem(id CallerIdentity, resource string) string {
	switch id.Kind {
	case PrincipalUser, PrincipalRole:
		kind := "user"
		if id.Kind == PrincipalRole {
			kind = "role"
		}
		path := strings.TrimPrefix(resource, kind+"/")
		path = path[:len(path)-len(id.Name)]
		for i := 0; i < len(path); i++ {
			if c := path[i]; c < 0x21 || c > 0x7e {
				return fmt.Sprintf("the %s path has the character %q; a path is printable ASCII between slashes", kind, c)
			}
		}
		return iamNameProblem(kind+" name", id.Name, 64)
	case PrincipalRoleSession:
		if msg := iamNameProblem("role name", id.Name, 64); msg != "" {
			return msg
		}
		return iamNameProblem("session name", id.Session, 64)
	case PrincipalFederatedUser:
		return iamNameProblem("federated user name", id.Name, 32)
	}
	return ""
}

func iamNameProblem(what, name string, longest int) string {
	const shortest = 1
	if len(name) < shortest || len(name) > longest {
		return fmt.Sprintf("the %s %q has %d characters; IAM allows %d to %d", what, name, len(name), shortest, longest)
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if ('a' > c || c > 'z') && ('A' > c || c > 'Z') && ('0' > c || c > '9') && strings.IndexByte("+=,.@_-", c) < 0 {
			return fmt.Sprintf("the %s %q has the character %q; IAM names use letters, digits and +=,.@_-", what, name, c)
		}
	}
	return ""
}

// callerHasIdentityPolicies reports whether identity-side policies (identity policies, a
// permissions boundary, a session policy, SCPs) can apply to the caller. Anonymous callers and
// AWS services have none: the evaluation ignores such policies, so giving them is a mistake
// that would make the request look checked against them.
func callerHasIdentityPolicies(id CallerIdentity) bool {
	return id.Kind != PrincipalAnonymous && id.Kind != PrincipalService && id.Kind != PrincipalIdentityProvider
}

// identitySideProblem returns the first field of identity-side policies given to a caller
// that cannot have them, with the message saying so; "" when there is none.
func identitySideProblem(principalField string, id CallerIdentity, ps *PolicySet) (field, msg string) {
	if callerHasIdentityPolicies(id) {
		return "", ""
	}
	switch {
	case len(ps.Identity) > 0:
		field = "identityPolicies"
	case ps.Boundary != nil:
		field = "permissionsBoundary"
	case ps.Session != nil:
		field = "sessionPolicy"
	case ps.SCPs != nil:
		field = "scps"
	default:
		return "", ""
	}
	who := "an anonymous caller (an unsigned request)"
	if id.Kind == PrincipalService {
		who = fmt.Sprintf("the AWS service %s", id.Name)
	}
	return field, fmt.Sprintf("%s is %s, which has no identity policies, permissions boundary, session policy or SCPs: "+
		"AWS would not evaluate them; remove the field, or name an IAM principal", principalField, who)
}
