package guard

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// A policy-validation finding carries the validator's finding: in SARIF its properties give
// the validation code, Access Analyzer's issue code and the guide's link.
func TestValidationFindingSARIFProperties(t *testing.T) {
	p := (&miniPlan{}).add(role("app", policy(lambdaTrust)),
		rolePolicy("app", policy(`{"Effect":"Allow","Action":"s3:GetObjekt","Resource":"*"}`))).plan(t)
	r := Check(p, nil)
	v := only(r, CodeValidation)
	if len(v) != 1 || v[0].Validation == nil || v[0].Validation.Code != "UNKNOWN_ACTION" {
		t.Fatalf("validation findings: %+v", v)
	}
	var out bytes.Buffer
	if err := r.WriteSARIF(&out, "test", nil); err != nil {
		t.Fatal(err)
	}
	var log struct {
		Runs []struct {
			Results []struct {
				RuleID     string         `json:"ruleId"`
				Properties map[string]any `json:"properties"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(out.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, res := range log.Runs[0].Results {
		if res.RuleID != CodeValidation {
			continue
		}
		found = true
		props := res.Properties
		uri, _ := props["help_uri"].(string)
		if props["validation_code"] != "UNKNOWN_ACTION" || props["aws_issue_code"] != "INVALID_ACTION" || props["severity"] != "ERROR" ||
			!strings.HasSuffix(uri, "validation-codes.md#unknown_action") {
			t.Errorf("properties %v", props)
		}
	}
	if !found {
		t.Errorf("no %s result in %s", CodeValidation, out.String())
	}
}
