package evaluator

import (
	"fmt"
	"strings"
	"sync"

	"github.com/iamguard/terraform-provider-iam/internal/catalog"
)

// managedCache holds AWS managed policies once parsed: they are immutable, and guards and
// access checks name the same few (ReadOnlyAccess, PowerUserAccess, ...) over and over.
var managedCache struct {
	sync.RWMutex
	byARN map[string]*Policy
}

// ManagedPolicy returns the AWS managed policy with the given ARN
// (arn:aws:iam::aws:policy/ReadOnlyAccess, paths included), from the embedded catalogue,
// parsed and compiled. Its Name is the ARN. The returned policy is shared: do not change it.
func ManagedPolicy(arn string) (*Policy, error) {
	managedCache.RLock()
	cached, ok := managedCache.byARN[arn]
	managedCache.RUnlock()
	if ok {
		return cached, nil
	}
	mp, err := lookupManagedPolicy(arn)
	if err != nil {
		return nil, err
	}
	p, err := ParsePolicy([]byte(mp.Document))
	if err != nil {
		return nil, fmt.Errorf("AWS managed policy %s: %w", arn, err)
	}
	p.Name = arn
	managedCache.Lock()
	defer managedCache.Unlock()
	// Another caller may have parsed the same policy meanwhile: keep the first, so that every
	// caller shares one *Policy.
	if cached, ok := managedCache.byARN[arn]; ok {
		return cached, nil
	}
	if managedCache.byARN == nil {
		managedCache.byARN = make(map[string]*Policy)
	}
	managedCache.byARN[arn] = p
	return p, nil
}

// lookupManagedPolicy finds an AWS managed policy of the catalogue by its exact ARN; the error
// says what is wrong with an ARN it does not know (not a managed policy ARN, or a path left out).
func lookupManagedPolicy(arn string) (catalog.ManagedPolicy, error) {
	if !catalog.IsManagedPolicyARN(arn) {
		return catalog.ManagedPolicy{}, fmt.Errorf("%q is not an AWS managed policy ARN (arn:aws:iam::aws:policy/NAME); customer managed policies must be given as documents", arn)
	}
	mp, ok := catalog.ManagedPolicyByARN(arn)
	if !ok {
		hint := "check the name and path, which are case-sensitive"
		if alt, ok := catalog.ManagedPolicyByName(arn[strings.LastIndexByte(arn, '/')+1:]); ok {
			hint = "did you mean " + alt.ARN + "? The ARN of an AWS managed policy includes its path"
		}
		return catalog.ManagedPolicy{}, fmt.Errorf("AWS managed policy %q is not in the catalogue (data %s); %s", arn, catalog.DataVersion(), hint)
	}
	return mp, nil
}

// isManagedPolicyRef reports whether a policy given as a string is an ARN rather than a
// document.
func isManagedPolicyRef(s string) bool {
	return strings.HasPrefix(strings.TrimSpace(s), "arn:")
}

// IsManagedPolicyARN reports whether s is the ARN of an AWS managed policy
// (arn:aws:iam::aws:policy/...), the one test every front end uses to tell such an ARN from a
// policy document.
func IsManagedPolicyARN(s string) bool { return catalog.IsManagedPolicyARN(s) }

// KeyIsMultiValued reports whether the service reference data types the condition key as
// multi-valued (ArrayOf...): a request may carry a set of values for it, even of one value.
func KeyIsMultiValued(key string) bool {
	k, ok := catalog.LookupConditionKey(key)
	return ok && k.MultiValued
}
