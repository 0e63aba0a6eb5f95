package tfplan

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// FuzzParsePlan holds the plan reader to what the guard relies on, for any input: it never
// panics; an error names the plan; reading from a stream (ReadPlan) and from bytes
// (ParsePlan) give the same answer; and the model is the same every time the same bytes are
// read, so that the guard's findings cannot change between two runs on one plan (a map's
// order must not leak into the model).
func FuzzParsePlan(f *testing.F) {
	for _, seed := range []string{
		"",
		"{}",
		`{"format_version": "1.2"}`,
		`{"format_version": "1.2", "planned_values": {"root_module": {}}}`,
		`{"format_version": "1.2", "planned_values": {"root_module": {"resources": [{"address": "aws_iam_role.r", "mode": "managed", "type": "aws_iam_role", "name": "r", "values": {"name": "r", "assume_role_policy": "{}"}}]}}}`,
		`{"format_version": "1.2", "resource_changes": [{"address": "x", "type": "aws_iam_policy", "change": {"actions": ["create"], "after": {"policy": 7}}}]}`,
		`{"format_version": "1.2", "planned_values": {"root_module": {}}, "configuration": {"root_module": {"module_calls": {"a": {"expressions": {"p": {"references": ["module.a"]}}, "module": {}}}}}}`,
	} {
		f.Add([]byte(seed))
	}
	// The small recorded plans of the AWS provider, as they are.
	paths, _ := filepath.Glob(filepath.Join(fixtures, "*", "plan.json"))
	for _, path := range paths {
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		if len(data) <= 16<<10 {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParsePlan(data, "fuzz.json")
		streamed, streamErr := ReadPlan(bytes.NewReader(data), "fuzz.json")
		if (err == nil) != (streamErr == nil) || (err != nil && err.Error() != streamErr.Error()) {
			t.Fatalf("ParsePlan and ReadPlan disagree: %v / %v", err, streamErr)
		}
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.json: ") {
				t.Fatalf("an error that does not name the plan: %v", err)
			}
			return
		}
		if p.Prior() == nil || p.Planned() == nil {
			t.Fatalf("a plan read without error has no account: prior %v planned %v", p.Prior(), p.Planned())
		}
		if !reflect.DeepEqual(p, streamed) {
			t.Fatalf("two readings of the same plan differ:\nplanned %s\nthen    %s", dump(p.Planned()), dump(streamed.Planned()))
		}
	})
}
