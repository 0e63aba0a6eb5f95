// Package sariftest checks SARIF logs against the SARIF 2.1.0 schema of the OASIS TC, for the
// tests of every command that writes SARIF. The schema is vendored, with its licence and
// source, in internal/guard/testdata/sarif.
package sariftest

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// schemaURL is the schema's $id.
const schemaURL = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

var (
	once       sync.Once
	compiled   *jsonschema.Schema
	compileErr error
)

// schemaPath is the vendored schema, found from this source file so that the tests of any
// package can use it.
func schemaPath() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "guard", "testdata", "sarif", "sarif-schema-2.1.0.json")
}

func schema() (*jsonschema.Schema, error) {
	once.Do(func() {
		f, err := os.Open(schemaPath())
		if err != nil {
			compileErr = err
			return
		}
		defer f.Close()
		doc, err := jsonschema.UnmarshalJSON(f)
		if err != nil {
			compileErr = err
			return
		}
		c := jsonschema.NewCompiler()
		if compileErr = c.AddResource(schemaURL, doc); compileErr != nil {
			return
		}
		compiled, compileErr = c.Compile(schemaURL)
	})
	return compiled, compileErr
}

// Validate fails the test when log is not a SARIF 2.1.0 log; what names the log in the message.
func Validate(t testing.TB, what, log string) {
	t.Helper()
	s, err := schema()
	if err != nil {
		t.Fatalf("the SARIF schema: %v", err)
	}
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(log))
	if err != nil {
		t.Fatalf("%s: not JSON: %v", what, err)
	}
	if err := s.Validate(doc); err != nil {
		t.Errorf("%s: SARIF does not conform to the schema: %v", what, err)
	}
}
