package guard

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	ev "github.com/iamguard/terraform-provider-iam/internal/evaluator"
	"github.com/iamguard/terraform-provider-iam/internal/sarif"
	"github.com/iamguard/terraform-provider-iam/internal/tfplan"
)

// WriteText writes the report for people: a summary line, then one block per finding with
// the resource address, the principal, the witness request, the allowing statements and the
// role chain.
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "plan %s, account %s (%s)\n", r.Plan, r.Account, r.AccountSource)
	counts := r.Count()
	if len(r.Findings) == 0 {
		b.WriteString("no findings\n")
	} else {
		fmt.Fprintf(&b, "%d findings: %d error, %d warning, %d note\n", len(r.Findings), counts[LevelError], counts[LevelWarning], counts[LevelNote])
	}
	for i := range r.Findings {
		f := &r.Findings[i]
		b.WriteString("\n")
		head := strings.ToUpper(f.Level.String()) + " " + f.Code
		if f.Rule != "" {
			head += " [" + f.Rule + "]"
		}
		fmt.Fprintf(&b, "%s: %s\n", head, f.Message)
		if f.Waived != "" {
			fmt.Fprintf(&b, "  waived:     %s (does not fail)\n", f.Waived)
		}
		if f.Baselined {
			b.WriteString("  baselined:  in the baseline report (does not fail)\n")
		}
		addr := f.Address
		if f.Attribute != "" {
			addr += " (" + f.Attribute + ")"
		}
		fmt.Fprintf(&b, "  resource:   %s\n", addr)
		if f.Principal != "" {
			p := f.Principal
			if f.PrincipalAddress != "" && f.PrincipalAddress != f.Address {
				p += " (" + f.PrincipalAddress + ")"
			}
			fmt.Fprintf(&b, "  principal:  %s\n", p)
		}
		for j, s := range f.Path {
			label := "  path:       "
			if j > 0 {
				label = "              "
			}
			fmt.Fprintf(&b, "%s%d. %s -> %s via %s\n", label, j+1, s.From, s.To, s.Via)
		}
		if f.Witness != nil {
			fmt.Fprintf(&b, "  witness:    %s\n", f.WitnessText())
		}
		if len(f.Actions) > 0 {
			fmt.Fprintf(&b, "  actions:    %s\n", strings.Join(f.Actions, ", "))
		}
		for j, s := range refsText(f.Allows) {
			label := "  allowed by: "
			if f.Code == CodeRequiredAccess {
				label = "  denied by:  "
			}
			if j > 0 {
				label = "              "
			}
			fmt.Fprintf(&b, "%s%s\n", label, s)
		}
	}
	if r.AccessListed {
		b.WriteString("\n")
		writeDiffText(&b, r.Access)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// jsonFinding is a finding as JSON: the level as text, the witness as a request object.
type jsonFinding struct {
	Finding
	Level       string       `json:"level"`
	Witness     *jsonRequest `json:"witness,omitempty"`
	Fingerprint string       `json:"fingerprint"`
}

type jsonRequest struct {
	Principal       string         `json:"principal"`
	Action          string         `json:"action"`
	Resource        string         `json:"resource"`
	ResourceAccount string         `json:"resource_account,omitempty"`
	Context         map[string]any `json:"context,omitempty"`
	Text            string         `json:"text"`
}

func toJSONRequest(r *ev.Request) *jsonRequest {
	if r == nil {
		return nil
	}
	out := &jsonRequest{Principal: r.Principal, Action: r.Action, Resource: r.Resource, ResourceAccount: r.ResourceAccount, Text: describeRequest(r)}
	for _, k := range r.Context.Keys() {
		v, _ := r.Context.Lookup(k)
		if out.Context == nil {
			out.Context = map[string]any{}
		}
		if v.Multi {
			out.Context[k] = v.Values
		} else if len(v.Values) == 1 {
			out.Context[k] = v.Values[0]
		}
	}
	return out
}

// WriteJSON writes the report as one JSON object.
func (r *Report) WriteJSON(w io.Writer) error {
	out := struct {
		Plan          string         `json:"plan"`
		Account       string         `json:"account"`
		AccountSource string         `json:"account_source"`
		Counts        map[string]int `json:"counts"`
		Findings      []jsonFinding  `json:"findings"`
		// AccessChanges is there when the run listed them (guard --diff), [] for none.
		AccessChanges *[]PrincipalDiff `json:"access_changes,omitempty"`
	}{Plan: r.Plan, Account: r.Account, AccountSource: r.AccountSource, Counts: map[string]int{}, Findings: []jsonFinding{}}
	for l, n := range r.Count() {
		out.Counts[l.String()] = n
	}
	for _, f := range r.Findings {
		out.Findings = append(out.Findings, jsonFinding{Finding: f, Level: f.Level.String(), Witness: toJSONRequest(f.Witness), Fingerprint: f.Fingerprint()})
	}
	if r.AccessListed {
		diffs := r.Access
		if diffs == nil {
			diffs = []PrincipalDiff{}
		}
		out.AccessChanges = &diffs
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// ---- SARIF 2.1.0

// securitySeverity scores a finding code's default level for code scanning.
func securitySeverity(l Level) string {
	switch l {
	case LevelError:
		return "8.0"
	case LevelWarning:
		return "5.0"
	case LevelNote:
		return "2.0"
	}
	return "1.0"
}

// codesGuide is where the guard's finding codes are documented.
const codesGuide = "https://github.com/iamguard/terraform-provider-iam/blob/main/internal/guard/README.md#what-it-checks"

// WriteSARIF writes the report as a SARIF 2.1.0 log: the rules are the finding codes, each
// result names the resource address as a logical location and, where the guard knows it, the
// configuration file that declares the resource as the artifact location. version is the
// tool's version; configFile maps an address to its file (nil: none known).
func (r *Report) WriteSARIF(w io.Writer, version string, configFile func(address string) tfplan.ConfigPlace) error {
	codes := Codes()
	index := map[string]int{}
	driver := sarif.Driver{Name: "terraform-provider-iam guard", InformationURI: "https://registry.terraform.io/providers/iamguard/iam", Version: version}
	for i, c := range codes {
		index[c] = i
		driver.Rules = append(driver.Rules, sarif.Rule{ID: c, ShortDescription: sarif.Message{Text: CodeDescription(c)}, HelpURI: codesGuide,
			DefaultConfiguration: sarif.Configuration{Level: codeInfo[c].Level.String()},
			Properties:           sarif.SecurityProperties(securitySeverity(codeInfo[c].Level))})
	}
	log := sarif.NewLog(driver)
	run := log.Run()
	for _, f := range r.Findings {
		msg := f.Message
		if f.Witness != nil {
			msg += ". Witness: " + f.WitnessText()
		}
		for _, s := range f.Path {
			msg += fmt.Sprintf(". Path: %s -> %s via %s", s.From, s.To, s.Via)
		}
		name := f.Address
		if f.Attribute != "" {
			name += "." + f.Attribute
		}
		loc := sarif.Location{LogicalLocations: []sarif.LogicalLocation{{Name: f.Address, FullyQualifiedName: name, Kind: "resource"}}}
		if configFile != nil {
			if place := configFile(f.Address); place.File != "" {
				loc.PhysicalLocation = &sarif.PhysicalLocation{ArtifactLocation: sarif.ArtifactLocation{URI: place.File}}
				if place.Line > 0 {
					loc.PhysicalLocation.Region = &sarif.Region{StartLine: place.Line, StartColumn: place.Column}
				}
			}
		}
		res := sarif.Result{RuleID: f.Code, RuleIndex: index[f.Code], Level: f.Level.String(), Message: sarif.Message{Text: msg},
			Locations: []sarif.Location{loc}, PartialFingerprints: map[string]string{"iamguardFinding/v1": f.Fingerprint()}}
		switch {
		case f.Waived != "":
			res.Suppressions = []sarif.Suppression{{Kind: "external", Justification: f.Waived}}
		case f.Baselined:
			res.Suppressions = []sarif.Suppression{{Kind: "external", Justification: "in the baseline report"}}
		}
		props := map[string]any{}
		if f.Rule != "" {
			props["rule"] = f.Rule
		}
		if f.Principal != "" {
			props["principal"] = f.Principal
		}
		if f.Witness != nil {
			props["witness"] = toJSONRequest(f.Witness)
		}
		if len(f.Allows) > 0 {
			props["statements"] = refsText(f.Allows)
		}
		if v := f.Validation; v != nil {
			props["validation_code"] = v.Code
			props["severity"] = string(v.Severity)
			props["help_uri"] = v.HelpURI
			if v.AWSIssueCode != "" {
				props["aws_issue_code"] = v.AWSIssueCode
			}
		}
		if len(props) > 0 {
			res.Properties = props
		}
		run.Results = append(run.Results, res)
	}
	return log.Write(w)
}
