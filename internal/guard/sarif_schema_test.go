package guard

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// The guard's SARIF conforms to the SARIF 2.1.0 schema (testdata/sarif, from the OASIS TC),
// on a report with every kind of finding the fixtures give, waived ones included.
func TestSARIFSchema(t *testing.T) {
	f, err := os.Open("testdata/sarif/sarif-schema-2.1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	schemaDoc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	const url = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
	if err := c.AddResource(url, schemaDoc); err != nil {
		t.Fatal(err)
	}
	schema, err := c.Compile(url)
	if err != nil {
		t.Fatal(err)
	}
	for _, fixture := range []string{"passrole-escalation", "keys-and-console", "public-queue-topic"} {
		r := guardFixture(t, fixture, rulesFrom(t, `waive "passrole-wildcard" {
  address = "*"
  reason  = "accepted for the test"
}`))
		var buf bytes.Buffer
		if err := r.WriteSARIF(&buf, "test", nil); err != nil {
			t.Fatal(err)
		}
		doc, err := jsonschema.UnmarshalJSON(strings.NewReader(buf.String()))
		if err != nil {
			t.Fatal(err)
		}
		if err := schema.Validate(doc); err != nil {
			t.Errorf("%s: SARIF does not conform to the schema: %v", fixture, err)
		}
		var parsed struct {
			Runs []struct {
				Results []struct {
					PartialFingerprints map[string]string `json:"partialFingerprints"`
				} `json:"results"`
			} `json:"runs"`
		}
		if err := json.Unmarshal(buf.Bytes(), &parsed); err != nil || len(parsed.Runs) != 1 {
			t.Fatal(err)
		}
		for _, res := range parsed.Runs[0].Results {
			if res.PartialFingerprints["iamguardFinding/v1"] == "" {
				t.Errorf("%s: a result without a fingerprint", fixture)
			}
		}
	}
}
