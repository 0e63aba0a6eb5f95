package provider

import (
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/iamguard/terraform-provider-iam/internal/evaluator"
)

// catalogActionsMatching lists, sorted, the catalogue's actions whose names match one of the
// regular expressions: an oracle written independently of the catalogue's glob matcher.
func catalogActionsMatching(t *testing.T, exprs ...string) []knownvalue.Check {
	t.Helper()
	var res []*regexp.Regexp
	for _, e := range exprs {
		res = append(res, regexp.MustCompile(e))
	}
	var names []string
	for _, name := range evaluator.CatalogActions() {
		for _, re := range res {
			if re.MatchString(name) {
				names = append(names, name)
				break
			}
		}
	}
	if len(names) == 0 {
		t.Fatalf("no catalogue action matches %v", exprs)
	}
	sort.Strings(names)
	checks := make([]knownvalue.Check, len(names))
	for i, n := range names {
		checks[i] = knownvalue.StringExact(n)
	}
	return checks
}

// The patterns match as a policy's Action element does: case-insensitively, * over any run of
// characters, ? over one; each action comes once, sorted, with AWS's spelling.
func TestFunctionExpandActions_matches(t *testing.T) {
	functionTest(t, resource.TestStep{
		Config: functionConfig(`
output "versions" {
  value = provider::iam::expand_actions(["s3:getobjectversion*", "S3:GetObjectVersionTagging", "sts:assumerole"])
}
output "one_character" {
  value = provider::iam::expand_actions(["iam:?etRole*"])
}
output "everything" {
  value = length(provider::iam::expand_actions(["*"]))
}
output "none" {
  value = provider::iam::expand_actions([])
}
`),
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownOutputValue("versions", knownvalue.ListExact(catalogActionsMatching(t, `(?i)^s3:getobjectversion.*$`, `^sts:AssumeRole$`))),
			statecheck.ExpectKnownOutputValue("one_character", knownvalue.ListExact(catalogActionsMatching(t, `(?i)^iam:.etrole.*$`))),
			statecheck.ExpectKnownOutputValue("everything", knownvalue.Int64Exact(int64(len(evaluator.CatalogActions())))),
			statecheck.ExpectKnownOutputValue("none", knownvalue.ListExact([]knownvalue.Check{})),
		},
	})
}

// A pattern that matches nothing is an error naming it and its place in the argument.
func TestFunctionExpandActions_badPatterns(t *testing.T) {
	call := func(patterns string) string {
		return "output \"x\" {\n  value = provider::iam::expand_actions(" + patterns + ")\n}\n"
	}
	functionTest(t,
		functionErrorStep(call(`["s3:GetObject", "s3:GetObjct"]`), `Invalid value for "patterns" parameter: patterns\[1\]: "s3:GetObjct" matches no action of the service reference data`),
		functionErrorStep(call(`["GetObject"]`), `Invalid value for "patterns" parameter: patterns\[0\]: "GetObject" is not an action pattern; expected "service:Action"`),
		functionErrorStep(call(`["nosuchservice:*"]`), `Invalid value for "patterns" parameter: patterns\[0\]: "nosuchservice:\*" matches no action`),
		functionErrorStep(call(`[""]`), `Invalid value for "patterns" parameter: patterns\[0\]: empty; expected`),
	)
}

// The documentation's example runs as written.
func TestFunctionExpandActions_example(t *testing.T) {
	config := functionExample(t, "expand_actions")
	functionTest(t, resource.TestStep{
		Config: config,
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownOutputValue("write_actions", knownvalue.ListExact(catalogActionsMatching(t, `(?i)^s3:PutObject.*$`, `(?i)^s3:DeleteObject.*$`))),
		},
	}, resource.TestStep{
		// With a broader pattern, the example's precondition stops the plan.
		Config:      strings.Replace(config, `"s3:PutObject*"`, `"s3:Put*"`, 1),
		ExpectError: regexp.MustCompile(`The write patterns also grant s3:PutBucketPolicy`),
	})
}
