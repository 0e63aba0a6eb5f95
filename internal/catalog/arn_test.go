package catalog

import "testing"

func TestNamesARN(t *testing.T) {
	for _, c := range []struct {
		service, resourceType, arn string
		want                       bool
	}{
		{"s3", "bucket", "arn:aws:s3:::prod-data", true},
		{"s3", "bucket", "arn:aws:s3:::111122223333:example", false}, // bucket names have no colon
		{"s3", "object", "arn:aws:s3:::prod-data/a:b/c", true},       // object keys may
		{"iam", "role", "arn:aws:iam::111122223333:role/:path/app", true},
		{"kms", "key", "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab", true},
		{"kms", "key", "arn:aws:kms:us-east-1:111122223333:key/a:b", false},
		{"lambda", "function", "arn:aws:lambda:us-east-1:111122223333:function:app:live", true},
		{"s3", "bucket", "arn:aws:s3:::a/b", false}, // MatchesARN already refuses it
	} {
		s, ok := LookupService(c.service)
		if !ok {
			t.Fatalf("no service %s", c.service)
		}
		rt, ok := s.ResourceType(c.resourceType)
		if !ok {
			t.Fatalf("no resource type %s of %s", c.resourceType, c.service)
		}
		if got := rt.NamesARN(c.arn); got != c.want {
			t.Errorf("%s %s NamesARN(%q) = %v, want %v", c.service, c.resourceType, c.arn, got, c.want)
		}
		if c.want && !rt.MatchesARN(c.arn) {
			t.Errorf("%s: NamesARN but not MatchesARN", c.arn)
		}
	}
}
