package evaluator

import (
	"encoding/json"
	"regexp"
	"slices"
	"testing"
)

// ActionsMatching agrees with a regular expression written independently of the catalogue's
// glob matcher, over every action of the catalogue.
func TestActionsMatching(t *testing.T) {
	all := CatalogActions()
	if len(all) < 10000 {
		t.Fatalf("the catalogue has %d actions; expected the whole service reference data", len(all))
	}
	for pattern, expr := range map[string]string{
		"s3:getobjectversion*": `(?i)^s3:getobjectversion.*$`,
		"iam:?etRole*":         `(?i)^iam:.etrole.*$`,
		"*:Describe*Snapshot?": `(?i)^[^:]*:describe.*snapshot.$`,
		"sts:AssumeRole":       `(?i)^sts:assumerole$`,
		"nosuchservice:*":      `^$`,
	} {
		re := regexp.MustCompile(expr)
		var want []string
		for _, name := range all {
			if re.MatchString(name) {
				want = append(want, name)
			}
		}
		if got := ActionsMatching(pattern); !slices.Equal(got, want) {
			t.Errorf("ActionsMatching(%q) = %d actions %v, want %d %v", pattern, len(got), head(got), len(want), head(want))
		}
	}
	if n := len(ActionsMatching("*")); n != len(all) {
		t.Errorf(`"*" matches %d actions, want all %d`, n, len(all))
	}
}

func head(s []string) []string {
	if len(s) > 5 {
		return s[:5]
	}
	return s
}

// ManagedPolicyDocument gives the document of a managed policy the catalogue has, by its exact
// ARN (path included), and nothing for any other ARN.
func TestManagedPolicyDocument(t *testing.T) {
	doc, ok := ManagedPolicyDocument("arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole")
	if !ok || !json.Valid([]byte(doc)) {
		t.Fatalf("AWSLambdaBasicExecutionRole: ok %v, document %q", ok, doc)
	}
	for _, arn := range []string{"arn:aws:iam::aws:policy/AWSLambdaBasicExecutionRole", "arn:aws:iam::aws:policy/NoSuchPolicy", "ReadOnlyAccess", ""} {
		if doc, ok := ManagedPolicyDocument(arn); ok || doc != "" {
			t.Errorf("%q: ok %v, document %q; want none", arn, ok, doc)
		}
	}
	if CatalogVersion() == "" {
		t.Error("CatalogVersion is empty")
	}
}
