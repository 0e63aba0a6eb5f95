package validate

import (
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// The validation codes guide documents every code, with its severity, and each example policy
// in it produces its code when validated as the policy type the example names.
func TestValidationCodesGuide(t *testing.T) {
	const guide = "../../docs/guides/validation-codes.md"
	text, err := os.ReadFile(guide)
	if err != nil {
		t.Fatal(err)
	}
	template, err := os.ReadFile("../../templates/guides/validation-codes.md.tmpl")
	if err != nil {
		t.Fatal(err)
	}
	if string(template) != string(text) {
		t.Errorf("%s differs from its template; run make docs", guide)
	}
	exampleRE := regexp.MustCompile("(?s)Example \\(policy type `([a-z_]+)`(?:, resource type `([A-Za-z0-9:]+)`)?\\)(?::\\s*```json\\n(.*?)\\n```)?")
	sections := strings.Split(string(text), "\n### `")[1:]
	documented := map[string]bool{}
	for _, section := range sections {
		code, body, _ := strings.Cut(section, "`")
		documented[code] = true
		c, ok := validationCodeByName[code]
		if !ok {
			t.Errorf("the guide documents %s, which is not a code", code)
			continue
		}
		if !strings.Contains(body, "Severity: `"+string(c.Severity)+"`") {
			t.Errorf("%s: the guide does not give the severity %s", code, c.Severity)
		}
		if byType := severityByType[code]; len(byType) > 0 {
			bySeverity := map[Severity][]string{}
			for typ, sev := range byType {
				bySeverity[sev] = append(bySeverity[sev], "`"+strings.ToLower(string(typ))+"`")
			}
			for sev, types := range bySeverity {
				sort.Strings(types)
				list := strings.Join(types[:len(types)-1], ", ") + " and " + types[len(types)-1]
				if len(types) == 1 {
					list = types[0]
				}
				if want := "Severity: `" + string(c.Severity) + "`; `" + string(sev) + "` for the policy types " + list + "."; !strings.Contains(body, want) {
					t.Errorf("%s: the guide does not say %q", code, want)
				}
			}
		}
		if c.AWSIssueCode != "" && !strings.Contains(body, "Access Analyzer issue code: `"+c.AWSIssueCode+"`") {
			t.Errorf("%s: the guide does not give the Access Analyzer issue code %s", code, c.AWSIssueCode)
		}
		if c.CustomerOnly != strings.Contains(body, "In an AWS managed policy validated as AWS's own: `WARNING`.") {
			t.Errorf("%s: the guide does not say whether AWS managed policies get a WARNING", code)
		}
		if !strings.Contains(body, "\nFix: ") {
			t.Errorf("%s: the guide gives no fix", code)
		}
		m := exampleRE.FindStringSubmatch(body)
		if m == nil {
			t.Errorf("%s: the guide has no example", code)
			continue
		}
		if m[3] == "" {
			if code != "POLICY_TOO_LARGE" { // described in words; TestValidateSizeLimits covers it
				t.Errorf("%s: the example has no policy", code)
			}
			continue
		}
		findings := ValidatePolicy([]byte(m[3]), ValidateOptions{Type: PolicyType(strings.ToUpper(m[1])), ResourceType: m[2]})
		found := false
		for _, f := range findings {
			found = found || f.Code == code
		}
		if !found {
			t.Errorf("%s: the guide's example does not produce it:\n%s\nfindings:\n%s", code, m[3], describeFindings(findings))
		}
	}
	for _, c := range validationCodes {
		if !documented[c.Code] {
			t.Errorf("%s is not documented in %s", c.Code, guide)
		}
	}
}
