package validate

import (
	"fmt"
	"strings"
	"sync"

	"github.com/iamguard/terraform-provider-iam/internal/catalog"
	"github.com/iamguard/terraform-provider-iam/internal/evaluator"
)

// ARNs against the ARN formats of the Service Authorization Reference, as Access Analyzer's
// ARN_REGION_NOT_ALLOWED, ARN_ACCOUNT_NOT_ALLOWED and INVALID_ARN_RESOURCE checks do
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html):
// an ARN that fits no format of its service matches no resource, so the statement does not
// apply where its author meant it to.

// arnFormat is a resource type in arnFormatIndex, with the literal start of the resource part
// of each of its formats (up to the first placeholder or *): "" when it starts with one.
type arnFormat struct {
	rt     *catalog.ResourceType
	starts []string
}

// mayMatch is a cheap necessary condition for MatchesARN: a pattern whose resource part starts
// with the literal text start can only match a format whose literal start agrees with it (one
// is a prefix of the other). Most of a service's formats are ruled out so.
func (f arnFormat) mayMatch(start string) bool {
	for _, s := range f.starts {
		if strings.HasPrefix(s, start) || strings.HasPrefix(start, s) {
			return true
		}
	}
	return false
}

// literalStart returns the text before the first wildcard, placeholder or variable.
func literalStart(s string) string {
	if i := strings.IndexAny(s, "*?$"); i >= 0 {
		return s[:i]
	}
	return s
}

// arnFormatIndex maps the service part of ARN formats ("s3") to the resource types that have
// formats with it, over every service of the catalogue: a few services define resource types in
// another service's namespace.
var arnFormatIndex = sync.OnceValue(func() map[string][]arnFormat {
	index := map[string][]arnFormat{}
	for _, svc := range catalog.Services() {
		rts := svc.ResourceTypes()
		for i := range rts {
			rt := &rts[i]
			byService := map[string]*arnFormat{}
			for _, f := range rt.ARNFormats() {
				parts := strings.SplitN(f, ":", 6)
				if len(parts) < 6 {
					continue
				}
				af, ok := byService[parts[2]]
				if !ok {
					index[parts[2]] = append(index[parts[2]], arnFormat{rt: rt})
					af = &index[parts[2]][len(index[parts[2]])-1]
					byService[parts[2]] = af
				}
				af.starts = append(af.starts, literalStart(parts[5]))
			}
		}
	}
	return index
})

// literalARNPart reports whether an ARN part names something: not empty, no wildcard, no
// variable.
func literalARNPart(s string) bool {
	return s != "" && !strings.ContainsAny(s, "*?") && !strings.Contains(s, "${")
}

// checkARNFormat checks an ARN (six parts, a literal service, a valid partition) against the
// formats of its service's resource types. Services the catalogue has no format for, and
// patterns that may match any format, are left alone. It reports whether the ARN fits (false
// after a finding).
func (v *validator) checkARNFormat(r evaluator.Value, parts []string) bool {
	formats := arnFormatIndex()[parts[2]]
	if len(formats) == 0 {
		return true
	}
	start := literalStart(parts[5])
	var rts []*catalog.ResourceType
	for _, f := range formats {
		if f.mayMatch(start) {
			rts = append(rts, f.rt)
		}
	}
	fits := func(arn string) bool {
		for _, rt := range rts {
			if rt.MatchesARN(arn) {
				return true
			}
		}
		return false
	}
	// Empty region and account parts fit formats with ${Region} and ${Account}: AWS-owned
	// resources (arn:aws:ssm:*::document/AWS-RunShellScript) are written so.
	if fits(lenientARN(r.Text)) {
		return true
	}
	with := func(region, account string) string {
		return strings.Join([]string{parts[0], parts[1], parts[2], region, account, parts[5]}, ":")
	}
	region, account := parts[3], parts[4]
	// An empty part that is not the one tried stays lenient ("*"), as above.
	lenient := func(part string) string {
		if part == "" {
			return "*"
		}
		return part
	}
	regionFits := literalARNPart(region) && fits(with("", lenient(account)))
	accountFits := literalARNPart(account) && fits(with(lenient(region), ""))
	switch {
	case regionFits:
		v.add("ARN_REGION_NOT_ALLOWED", r.Path, r.Pos, "the ARN %q names the region %q, but %s ARNs of this form have no region (%s), so it matches no resource: write %q", r.Text, region, parts[2], describeARNFormats(rts, with("", lenient(account))), with("", account))
	case accountFits:
		v.add("ARN_ACCOUNT_NOT_ALLOWED", r.Path, r.Pos, "the ARN %q names the account %q, but %s ARNs of this form have no account (%s), so it matches no resource: write %q", r.Text, account, parts[2], describeARNFormats(rts, with(lenient(region), "")), with(region, ""))
	case literalARNPart(region) && literalARNPart(account) && fits(with("", "")):
		v.add("ARN_REGION_NOT_ALLOWED", r.Path, r.Pos, "the ARN %q names the region %q and the account %q, but %s ARNs of this form have neither (%s), so it matches no resource: write %q", r.Text, region, account, parts[2], describeARNFormats(rts, with("", "")), with("", ""))
	default:
		v.add("ARN_MATCHES_NO_RESOURCE_TYPE", r.Path, r.Pos, "the ARN %q fits none of the %s resource types of the Service Authorization Reference, so it matches no resource: correct it to one of %s", r.Text, parts[2], describeARNFormats(allResourceTypes(formats), ""))
	}
	return false
}

// describeARNFormats names up to three of the ARN formats of rts that fit arn (every format
// when arn is ""), each once: several services may list the same resource type.
func describeARNFormats(rts []*catalog.ResourceType, arn string) string {
	var out []string
	seen := map[string]bool{}
	more := 0
	for _, rt := range rts {
		if seen[rt.ARNFormat] || arn != "" && !rt.MatchesARN(arn) {
			continue
		}
		seen[rt.ARNFormat] = true
		if len(out) == 3 {
			more++
			continue
		}
		out = append(out, rt.ARNFormat)
	}
	s := strings.Join(out, ", ")
	if more > 0 {
		s += fmt.Sprintf(" and %d more", more)
	}
	return s
}

func allResourceTypes(formats []arnFormat) []*catalog.ResourceType {
	out := make([]*catalog.ResourceType, len(formats))
	for i, f := range formats {
		out[i] = f.rt
	}
	return out
}
