package guard

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/iamguard/terraform-provider-iam/internal/tfplan"
)

// FuzzParseRules feeds arbitrary text to the rules parser. It must never panic; a refused
// file is a *RulesError whose every line starts with the file name (file:line:column: ...);
// an accepted file keeps max_chain_depth within 0 to 10, and every forbid rule has actions
// whose patterns pass the pattern checks (a forbid that forbids nothing holds trivially).
func FuzzParseRules(f *testing.F) {
	if src, err := os.ReadFile(filepath.Join("..", "..", "examples", "guard", "guard.hcl")); err == nil {
		f.Add(src)
	}
	for _, seed := range []string{
		"",
		"account = \"111122223333\"\nmax_chain_depth = 0\n",
		"forbid \"x\" {\n  actions = [\"iam:(Attach|Put).*\"]\n}\n",
		"forbid \"x\" {\n  principals = [\"arn:aws:iam::.*:user/(a|b)\"]\n  actions = [\"s3:*\"]\n}\n",
		"forbid \"x\" {\n  principal_tags = { team = \".*\" }\n  actions = [\"s3:Get?bject\"]\n  resources = [\"arn:aws:s3:::b/*\"]\n}\n",
		"require \"r\" {\n  principals = [\"arn:aws:iam::*:role/d\"]\n  actions = [\"s3:PutObject\"]\n  resources = [\"*\"]\n  context = { \"aws:RequestedRegion\" = \"eu-west-1\" }\n}\n",
		"new_access \"n\" {\n  mode = \"forbid\"\n}\npublic_access {\n  except = [\"aws_s3_bucket_policy.w\"]\n}\n",
		"finding \"not-checked\" { level = \"fail\" }\nfinding \"undecided\" { level = \"off\" }\n",
		"max_chain_depth = 99\n",
		"forbid \"x\" {\n  actions = [\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		// An organisation block may name a policy file: keep the fuzzer from reading the disk
		// outside an empty directory.
		name := filepath.Join(t.TempDir(), "fuzz.hcl")
		r, err := ParseRules(src, name)
		if err != nil {
			var re *RulesError
			if !errors.As(err, &re) {
				t.Fatalf("error %T is not a *RulesError: %v", err, err)
			}
			msg := err.Error()
			if msg == "" {
				t.Fatal("a refused file without a message")
			}
			for _, line := range strings.Split(msg, "\n") {
				if strings.HasPrefix(line, name+":") {
					continue
				}
				// Problems without a place are allowed only when the diagnostic has none; the
				// parser and the decoder always give one.
				t.Fatalf("a problem without file:line:column: %q", line)
			}
			return
		}
		if r.MaxChainDepth < 0 || r.MaxChainDepth > 10 {
			t.Fatalf("max_chain_depth %d accepted", r.MaxChainDepth)
		}
		for _, fb := range r.Forbid {
			if len(fb.Actions) == 0 {
				t.Fatalf("forbid %q accepted without actions", fb.Name)
			}
			for _, a := range fb.Actions {
				if strongRegex.MatchString(a) {
					t.Fatalf("forbid %q accepted the regular expression %q as an action", fb.Name, a)
				}
			}
		}
	})
}

// FuzzReadPlan feeds arbitrary bytes to the plan reader and checks what it accepts. It must
// never panic; an accepted plan has planned values or resource changes (a state or an empty
// document is refused), and the checks run on it to a report without panicking (bounded by a
// time limit: what is left open is undecided, not a pass). The seeds are small hand-made
// documents and testdata/fuzz/FuzzReadPlan (keys in another case, which encoding/json
// accepts). The recorded plans of testdata/plans are not seeds: with them the fuzzing engine
// stayed at its baseline for 20 s on this machine (the checks of a mutated large plan run to
// the time limit); the other tests read them.
func FuzzReadPlan(f *testing.F) {
	for _, seed := range []string{
		"",
		"{}",
		`{"format_version": "1.2"}`,
		`{"format_version": "1.2", "values": {"root_module": {}}}`,
		`{"format_version": "1.2", "planned_values": {"root_module": {"resources": [{"address": "aws_iam_role.r", "mode": "managed", "type": "aws_iam_role", "name": "r", "values": {"name": "r", "assume_role_policy": "{\"Statement\":{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"sts:AssumeRole\"}}"}}]}}}`,
		`{"format_version": "1.2", "planned_values": {"root_module": {}}, "configuration": {"root_module": {"module_calls": {"a": {"expressions": {"p": {"references": ["module.a"]}}, "module": {}}}}}}`,
		`{"format_version": "1.2", "resource_changes": [{"address": "x", "type": "aws_iam_policy", "change": {"actions": ["create"], "after": {"policy": 7}}}]}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := tfplan.ReadPlan(bytes.NewReader(data), "fuzz.json")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.json: ") {
				t.Fatalf("an error that does not name the plan: %v", err)
			}
			return
		}
		// encoding/json matches keys without regard to case, and JSON escapes can spell them
		// another way; only plain text is asserted on.
		lower := bytes.ToLower(data)
		if !bytes.Contains(lower, []byte(`planned_values`)) && !bytes.Contains(lower, []byte(`resource_changes`)) && !bytes.Contains(data, []byte(`\u`)) {
			t.Fatalf("accepted a document with neither planned_values nor resource_changes: %q", data)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if r := CheckContext(ctx, p, nil); r == nil {
			t.Fatal("no report")
		}
	})
}
