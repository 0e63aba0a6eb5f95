package evaluator

import "github.com/iamguard/terraform-provider-iam/internal/catalog"

// The front ends (the Terraform provider above all) reach the embedded AWS catalogue through
// the engine, so that the engine stays the one reader of the service reference data and of the
// managed policies, and the catalogue's layout can change without them noticing.

// ActionsMatching returns the names of the catalogue's actions, as AWS spells them
// ("s3:GetObject"), that an action pattern matches as a policy's Action element matches
// actions: without regard to case, * matching any run of characters and ? exactly one. The
// names come in the catalogue's order, each once; nil when the pattern matches none.
func ActionsMatching(pattern string) []string {
	idx := catalog.ExpandActionPattern(pattern)
	if len(idx) == 0 {
		return nil
	}
	names := make([]string, len(idx))
	for i, a := range idx {
		names[i] = catalog.ActionByIndex(a).Name()
	}
	return names
}

// CatalogActions returns the name of every action of the catalogue, in its order.
func CatalogActions() []string {
	names := make([]string, catalog.NumActions())
	for i := range names {
		names[i] = catalog.ActionByIndex(i).Name()
	}
	return names
}

// CatalogVersion names the versions of the data the catalogue was generated from, for messages
// that depend on it ("matches no action of the service reference data (...)").
func CatalogVersion() string { return catalog.DataVersion() }

// ManagedPolicyDocument returns the default version's document of the AWS managed policy with
// the exact ARN, as the catalogue holds it (compact JSON), and whether the catalogue has it.
func ManagedPolicyDocument(arn string) (string, bool) {
	mp, ok := catalog.ManagedPolicyByARN(arn)
	return mp.Document, ok
}
