package evaluator

import (
	"strings"

	"github.com/iamguard/terraform-provider-iam/internal/catalog"
)

// The analysis treats condition keys as independent, but some keys of a real request come
// together. Before a witness is reported it is made to agree with them, and checked again:
//
//   - aws:TagKeys lists the keys of the tags in the request, and aws:RequestTag/<key> carries
//     each tag's value (IAM User Guide, "Controlling access to AWS resources using tags": the
//     aws:TagKeys key "compares the tag keys in a request"). A witness with
//     aws:RequestTag/team but no aws:TagKeys ["team"] is no request AWS receives.
//   - aws:MultiFactorAuthAge is present only when the request was signed with MFA credentials,
//     and then aws:MultiFactorAuthPresent is true.
//   - aws:RequestedRegion is the region the request is sent to, which for a resource whose ARN
//     has a region is that region: the ARN takes the requested region, or the key the ARN's.
//
// When no variant that agrees is allowed, the pair is not reported: the search goes on with
// other pairs, and ends Undecided when none is found (never Denied: the search did not
// explore the variants).

// notReceivable says why a witness is no request AWS can receive, or "" when it may be one:
//
//   - its resource is not a well-formed ARN of the action's resource types, because a name in
//     it holds a colon (a bucket "111122223333:example"): a pattern's * that ends a segment
//     expands across colons, so patterns match such strings, but no resource has that name;
//   - a condition key that the search chose (one of chosen) is a service key (not a global
//     one) that the service authorization reference does not list for the action or its
//     resource types (s3:x-amz-server-side-encryption on s3:AbortMultipartUpload or on
//     dynamodb:GetItem): AWS does not send it with that action, so the key is absent from
//     every real request.
//
// Such a witness is not reported (the search goes on, and ends Undecided rather than Denied):
// the catalogue's lists are what AWS documents, not a proof.
func notReceivable(req *Request, chosen []string) string {
	act, ok := catalog.LookupAction(req.Action)
	if !ok {
		return ""
	}
	if !receivableResource(act, req.Resource) {
		return "its resource is no ARN of the action's resource types"
	}
	if req.Resource != "*" {
		named := false
		for _, rt := range act.ResourceTypes() {
			if rt.ResourceType != nil && rt.ResourceType.MatchesARN(req.Resource) {
				named = named || rt.ResourceType.NamesARN(req.Resource)
			}
		}
		if !named && hasResourceTypes(act) {
			return "its resource is no well-formed ARN of the action's resource types (a name in it, such as a bucket name or an identifier, holds a colon)"
		}
	}
	for _, k := range chosen {
		if _, present := req.Context.Lookup(k); !present {
			continue
		}
		// Keys the catalogue does not know are not judged: they may be keys it lacks.
		if key, known := catalog.LookupConditionKey(k); known && !key.Global && !act.SupportsConditionKey(k) {
			return "only with condition key " + k + ", which the service authorization reference does not list for " + act.Name() + " (AWS does not send it with this action)"
		}
	}
	return ""
}

// receivableResource reports whether a request for the action can have the resource: an ARN
// of one of its resource types, or "*" when none of its resource types is required (or it has
// none). A resource type the catalogue does not describe accepts anything.
func receivableResource(act catalog.Action, resource string) bool {
	star := true
	for _, rt := range act.ResourceTypes() {
		if rt.ResourceType == nil {
			return true
		}
		if rt.Required {
			star = false
		}
		if resource != "*" && rt.ResourceType.MatchesARN(resource) {
			return true
		}
	}
	return star && resource == "*"
}

// hasResourceTypes reports whether the catalogue describes every resource type of the action
// (and it has at least one).
func hasResourceTypes(act catalog.Action) bool {
	types := act.ResourceTypes()
	for _, rt := range types {
		if rt.ResourceType == nil {
			return false
		}
	}
	return len(types) > 0
}

// realisticVariants returns requests like req whose keys agree, most like req first, or nil
// when req already agrees.
func realisticVariants(req *Request) []Request {
	var variants []Request
	tagKeys, haveTagKeys := req.Context.lookupLower("aws:tagkeys")
	var requestTags []string
	for _, k := range req.Context.Keys() {
		if len(k) > len("aws:requesttag/") && strings.EqualFold(k[:len("aws:requesttag/")], "aws:requesttag/") {
			requestTags = append(requestTags, k[len("aws:requesttag/"):])
		}
	}
	agree := true
	for _, k := range requestTags {
		if !haveTagKeys || !containsString(tagKeys.Values, k) {
			agree = false
		}
	}
	if haveTagKeys {
		for _, t := range tagKeys.Values {
			if _, ok := req.Context.Lookup("aws:RequestTag/" + t); !ok {
				agree = false
			}
		}
	}
	if !agree {
		// aws:TagKeys becomes the request's tags: those it had (each given a value when it
		// had none) and those with a value.
		v := *req
		v.Context = req.Context.Clone()
		keys := append([]string(nil), requestTags...)
		if haveTagKeys {
			for _, t := range tagKeys.Values {
				if !containsString(keys, t) {
					keys = append(keys, t)
				}
				if _, ok := v.Context.Lookup("aws:RequestTag/" + t); !ok {
					v.Context.Set("aws:RequestTag/"+t, "example")
				}
			}
		}
		name := "aws:TagKeys"
		if haveTagKeys {
			name = tagKeys.Key
		}
		v.Context.SetMulti(name, keys)
		variants = append(variants, v)
		// Or no tags at all, when the decision did not need them.
		none := *req
		none.Context = req.Context.Clone()
		none.Context.Delete("aws:TagKeys")
		for _, k := range requestTags {
			none.Context.Delete("aws:RequestTag/" + k)
		}
		variants = append(variants, none)
	}
	if r, ok := req.Context.lookupLower("aws:requestedregion"); ok && len(r.Values) == 1 {
		if arn, isARN := splitARN(req.Resource); isARN && arn.region != "" && arn.region != r.Values[0] {
			variants = combine(req, variants, func(b Request) []Request {
				var out []Request
				if parts := strings.SplitN(b.Resource, ":", 6); len(parts) == 6 {
					moved := b
					parts[3] = r.Values[0]
					moved.Resource = strings.Join(parts, ":")
					out = append(out, moved)
				}
				sent := b
				sent.Context = b.Context.Clone()
				sent.Context.Set(r.Key, arn.region)
				return append(out, sent)
			})
		}
	}
	if _, ok := req.Context.lookupLower("aws:multifactorauthage"); ok {
		if p, ok := req.Context.lookupLower("aws:multifactorauthpresent"); !ok || len(p.Values) != 1 || !strings.EqualFold(p.Values[0], "true") {
			variants = combine(req, variants, func(b Request) []Request {
				withMFA := b
				withMFA.Context = b.Context.Clone()
				withMFA.Context.Set("aws:MultiFactorAuthPresent", "true")
				noAge := b
				noAge.Context = b.Context.Clone()
				noAge.Context.Delete("aws:MultiFactorAuthAge")
				return []Request{withMFA, noAge}
			})
		}
	}
	return variants
}

// combine applies one more agreement to the variants found so far (req itself when there are
// none): each variant gives the ones fix returns.
func combine(req *Request, variants []Request, fix func(Request) []Request) []Request {
	if len(variants) == 0 {
		variants = []Request{*req}
	}
	var next []Request
	for _, v := range variants {
		next = append(next, fix(v)...)
	}
	return next
}
