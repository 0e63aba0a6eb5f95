package validate

import (
	"bytes"
	"github.com/iamguard/terraform-provider-iam/internal/evaluator"
	"testing"
)

// FuzzValidatePolicy feeds arbitrary bytes to the validator under every policy type. It must
// never panic, and every finding must be well formed: a code of the table with its severity, a
// message, and a place inside the text. A document the parser rejects gives exactly one
// SYNTAX_ERROR; one it accepts gives none. The seeds are the hand-written cases (testdata/cases).
func FuzzValidatePolicy(f *testing.F) {
	for _, tc := range validateCases(f) {
		f.Add([]byte(tc.policy), uint8(0))
	}
	f.Add([]byte(`{"Statement":[]}`), uint8(3))
	f.Add([]byte(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":["s3:${aws:username}","s3:Get Object"],"Resource":["arn:aws:s3:::b/${aws:usrname}","arn:aws:s3:::b/${","arn:aws:s3:::b/${a b, 'x}"],"Condition":{"ForAllValues:StringEquals":{"aws:username":"a"},"StringEquals":{"aws:TagKeys":"t"},"NumericLessThan":{"s3:max-keys":"${aws:userid}"}}}}`), uint8(0))
	f.Add([]byte(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"*:*","Resource":"arn:aws:s3:::${x}"}}`), uint8(4))
	f.Fuzz(func(t *testing.T, doc []byte, typ uint8) {
		opts := ValidateOptions{Type: PolicyTypes[int(typ)%len(PolicyTypes)]}
		if typ >= 128 {
			opts.Type, opts.ResourceType = PolicyTypeResource, resourcePolicyTypes[int(typ)%len(resourcePolicyTypes)].name
		}
		findings := ValidatePolicy(doc, opts)
		lines := bytes.Count(doc, []byte("\n")) + 1
		syntax := 0
		for _, fd := range findings {
			c, ok := validationCodeByName[fd.Code]
			switch {
			case !ok:
				t.Fatalf("unknown code %q", fd.Code)
			case fd.Severity != c.SeverityFor(opts.Type) && (opts.ResourceType == "" || fd.Severity != c.SeverityFor(PolicyTypeTrust)):
				t.Fatalf("%s with severity %s, want %s", fd.Code, fd.Severity, c.SeverityFor(opts.Type))
			}
			if fd.Message == "" {
				t.Fatalf("%s without message", fd.Code)
			}
			if fd.Line < 1 || fd.Line > lines || fd.Column < 1 {
				t.Fatalf("%s at %d:%d, outside a text of %d lines", fd.Code, fd.Line, fd.Column, lines)
			}
			if fd.Code == "SYNTAX_ERROR" {
				syntax++
			}
		}
		_, _, err := evaluator.CompilePolicy(doc)
		if want := err != nil; (syntax == 1) != want || syntax > 1 {
			t.Fatalf("%d SYNTAX_ERROR findings, parse error %v", syntax, err)
		}
	})
}
