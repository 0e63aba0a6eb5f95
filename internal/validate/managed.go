package validate

import (
	"strings"
	"sync"

	"github.com/iamguard/terraform-provider-iam/internal/catalog"
	"github.com/iamguard/terraform-provider-iam/internal/evaluator"
)

// retiredActionNames holds, in lower case, the Action and NotAction values of the embedded AWS
// managed policies that match no action of the catalogue: actions (and services) that the
// Service Authorization Reference no longer lists but AWS's own policies still name. Only these
// are RETIRED_ACTION warnings; any other unknown action is an error (Access Analyzer's
// INVALID_ACTION). Built on first need, which only a policy with an unknown action has.
var retiredActionNames = sync.OnceValue(findRetiredActionNames)

func findRetiredActionNames() map[string]bool {
	names := map[string]bool{}
	seen := map[string]struct{}{}
	for _, arn := range catalog.ManagedPolicyARNs() {
		mp, ok := catalog.ManagedPolicyByARN(arn)
		if !ok {
			continue
		}
		p, err := evaluator.ParsePolicy([]byte(mp.Document))
		if err != nil {
			continue // TestValidateManagedPolicies reports a managed policy that does not parse
		}
		for _, s := range p.Statements {
			for _, a := range s.Actions {
				lower := strings.ToLower(a.Text)
				if _, done := seen[lower]; done {
					continue // managed policies repeat the same actions thousands of times
				}
				seen[lower] = struct{}{}
				if a.Text != "*" && len(catalog.ExpandActionPattern(a.Text)) == 0 {
					names[lower] = true
				}
			}
		}
	}
	return names
}

// isRetiredAction reports whether an action value that matches no catalogue action is named by
// an AWS managed policy.
func isRetiredAction(text string) bool {
	return retiredActionNames()[strings.ToLower(text)]
}

// ValidateManagedPolicy validates the AWS managed policy with the given ARN, from the embedded
// catalogue, as AWS's own policy: opts with AWSManaged set.
func ValidateManagedPolicy(arn string, opts ValidateOptions) ([]Finding, error) {
	doc, ok := evaluator.ManagedPolicyDocument(arn)
	if !ok {
		// ManagedPolicy says what is wrong with the ARN (not a managed policy ARN, a path left
		// out).
		_, err := evaluator.ManagedPolicy(arn)
		return nil, err
	}
	opts.AWSManaged = true
	return ValidatePolicy([]byte(doc), opts), nil
}
