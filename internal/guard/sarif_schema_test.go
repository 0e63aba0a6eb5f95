package guard

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/iamguard/terraform-provider-iam/internal/sarif/sariftest"
)

// The guard's SARIF conforms to the SARIF 2.1.0 schema (testdata/sarif, from the OASIS TC),
// on a report with every kind of finding the fixtures give, waived ones included.
func TestSARIFSchema(t *testing.T) {
	for _, fixture := range []string{"passrole-escalation", "keys-and-console", "public-queue-topic"} {
		r := guardFixture(t, fixture, rulesFrom(t, `waive "passrole-wildcard" {
  address = "*"
  reason  = "accepted for the test"
}`))
		var buf bytes.Buffer
		if err := r.WriteSARIF(&buf, "test", nil); err != nil {
			t.Fatal(err)
		}
		sariftest.Validate(t, fixture, buf.String())
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
