package cli

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/iamguard/terraform-provider-iam/internal/evaluator"
)

// FuzzEvaluateJSON holds appendEvaluateJSON to encoding/json: the same bytes for any strings
// (control characters, invalid UTF-8, U+2028, HTML characters), numbers and empty fields.
//
//	go test ./internal/cli -run '^$' -fuzz FuzzEvaluateJSON -fuzztime 60s
func FuzzEvaluateJSON(f *testing.F) {
	f.Add(`"case-1"`, "Allow", "allowed by identity_policies[0]", "identity_policies[0]", "Read", "arn:aws:s3:::b", "", 3, -1, true)
	f.Add(`17`, "", "", "", "", "", "line 3: request.action: missing", 0, 0, false)
	f.Add(`"\u00e9\"x"`, "ExplicitDeny", "a\x00b\x1f\b\f\n\r\t\"\\<>&\u2028\u2029\xff\xfe é", "scps[0][1]", "Sid\x7f", "scp", "", 0, 2, true)
	f.Fuzz(func(t *testing.T, id, decision, reason, policy, sid, blocked, errText string, line, level int, withExplanation bool) {
		if !json.Valid([]byte(id)) {
			id = "null"
		}
		res := evaluateOutput{ID: json.RawMessage(id), Decision: decision, Error: errText}
		if withExplanation {
			ref := evaluator.StatementRef{Kind: evaluator.PolicyKind(sid), Policy: policy, Level: level, Index: line / 2, Sid: sid, Effect: reason, Line: line}
			res.Explanation = &explanation{Reason: reason, Allows: []evaluator.StatementRef{ref}}
			if blocked != "" {
				res.Explanation.Denies = []evaluator.StatementRef{ref, ref}
				res.Explanation.BlockedBy = []string{blocked, reason}
			}
		}
		want := appendJSONLine(nil, res)
		if bytes.HasPrefix(want, []byte(`{"id":null`)) || !bytes.HasPrefix(bytes.TrimPrefix(want, []byte(`{"id":`)), []byte(id)) {
			// encoding/json compacts a raw id with white space around it; ids taken from
			// lines never have any. Compare the rest with the id it wrote.
			var compact bytes.Buffer
			if err := json.Compact(&compact, []byte(id)); err != nil {
				t.Fatal(err)
			}
			res.ID = compact.Bytes()
		}
		if got := appendEvaluateJSON(nil, &res); !bytes.Equal(got, want) {
			t.Fatalf("appendEvaluateJSON:\n%s\nencoding/json:\n%s", got, want)
		}
	})
}
