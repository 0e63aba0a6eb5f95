package guard

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"

	ev "github.com/iamguard/terraform-provider-iam/internal/evaluator"
)

// Waivers and baselines: accepted findings that do not fail the run. A waiver is written in the
// rules with a reason (and an optional expiry date); a baseline is a previous run's JSON report.
// Waived and baselined findings stay in the report, marked, so nothing disappears silently; an
// expired waiver fails, and a waiver that matches nothing is reported.

// Codes of the waiver findings.
const (
	CodeWaiverExpired = "waiver-expired" // a waiver's expires date has passed
	CodeWaiverUnused  = "waiver-unused"  // a waiver matches no finding
)

// Waiver accepts the findings of one code on resources matching Address (and, when given,
// principals matching Principal), with the reason.
type Waiver struct {
	Code      string
	Address   string // address pattern, with * and ?
	Principal string // principal ARN pattern; "" for any
	Reason    string
	Expires   time.Time // zero: never
	Range     hcl.Range
}

type waiveBlock struct {
	Code      string         `hcl:"code,label"`
	Address   hcl.Expression `hcl:"address"`
	Principal hcl.Expression `hcl:"principal,optional"`
	Reason    hcl.Expression `hcl:"reason"`
	Expires   hcl.Expression `hcl:"expires,optional"`
	DefRange  hcl.Range      `hcl:",def_range"`
}

// waivers decodes the waive blocks of a rules file.
func (d *decoder) waivers(blocks []waiveBlock) []Waiver {
	var out []Waiver
	for _, b := range blocks {
		if _, ok := codeInfo[b.Code]; !ok || b.Code == CodeUndecided {
			why := fmt.Sprintf("%q is not a finding code; the codes are %s", b.Code, strings.Join(Codes(), ", "))
			if b.Code == CodeUndecided {
				why = "undecided findings cannot be waived: a check that could not be decided is not a pass"
			}
			d.errorf(b.DefRange, "Invalid waiver", "%s", why)
			continue
		}
		d.required(b.DefRange, "address", b.Address)
		d.required(b.DefRange, "reason", b.Reason)
		w := Waiver{Code: b.Code, Range: b.DefRange}
		w.Address, _ = d.str(b.Address)
		w.Principal, _ = d.str(b.Principal)
		w.Reason, _ = d.str(b.Reason)
		if present(b.Reason) && strings.TrimSpace(w.Reason) == "" {
			d.errorf(b.Reason.Range(), "Invalid waiver", "the reason must say why the finding is accepted")
		}
		if s, ok := d.str(b.Expires); ok {
			t, err := time.Parse("2006-01-02", s)
			if err != nil {
				d.errorf(b.Expires.Range(), "Invalid waiver", "expires must be a date such as 2027-03-31, not %q", s)
			}
			w.Expires = t
		}
		out = append(out, w)
	}
	return out
}

func (w *Waiver) matches(f *Finding) bool {
	if w.Code != f.Code || !ev.MatchText(w.Address, f.Address) {
		return false
	}
	return w.Principal == "" || ev.MatchResource(w.Principal, f.Principal)
}

// applyWaivers marks the findings that a waiver accepts, and adds the expired and unused
// waivers as findings of their own. now is the date waivers are judged on.
func (g *guard) applyWaivers(now time.Time) {
	used := make([]bool, len(g.rules.Waivers))
	var extra []Finding
	for i := range g.findings {
		f := &g.findings[i]
		for wi := range g.rules.Waivers {
			w := &g.rules.Waivers[wi]
			if !w.matches(f) {
				continue
			}
			used[wi] = true
			if !w.Expires.IsZero() && now.After(w.Expires.Add(24*time.Hour)) {
				extra = append(extra, Finding{Code: CodeWaiverExpired, Level: LevelError, Address: g.rules.File,
					Message: fmt.Sprintf("the waiver of %s on %s (%s:%d) expired on %s, so %s fails again: renew it with a new reason or fix the finding",
						w.Code, w.Address, w.Range.Filename, w.Range.Start.Line, w.Expires.Format("2006-01-02"), f.Address)})
				break
			}
			f.Waived = w.Reason
			break
		}
	}
	for wi, w := range g.rules.Waivers {
		if !used[wi] {
			extra = append(extra, Finding{Code: CodeWaiverUnused, Level: LevelNote, Address: g.rules.File,
				Message: fmt.Sprintf("the waiver of %s on %s (%s:%d) matches no finding: delete it", w.Code, w.Address, w.Range.Filename, w.Range.Start.Line)})
		}
	}
	for _, f := range extra {
		g.add(f)
	}
}

// Fingerprint identifies a finding across runs: its code, rule, resource, attribute and
// principal, and the action of its witness (not the message, whose wording may change).
func (f *Finding) Fingerprint() string {
	action := ""
	if f.Witness != nil {
		action = f.Witness.Action
	}
	sum := sha256.Sum256([]byte(strings.Join([]string{f.Code, f.Rule, f.Address, f.Attribute, f.Principal, action}, "\x00")))
	return hex.EncodeToString(sum[:16])
}

// ReadBaseline reads the fingerprints of a previous run's JSON report (guard --format json).
func ReadBaseline(r io.Reader, name string) (map[string]bool, error) {
	var doc struct {
		Findings []struct {
			Fingerprint string `json:"fingerprint"`
		} `json:"findings"`
	}
	if err := json.NewDecoder(r).Decode(&doc); err != nil {
		return nil, fmt.Errorf("%s: not a guard JSON report (guard --format json): %v", name, err)
	}
	out := map[string]bool{}
	for _, f := range doc.Findings {
		if f.Fingerprint == "" {
			return nil, fmt.Errorf("%s: a finding without a fingerprint; write the baseline with this version's guard --format json", name)
		}
		out[f.Fingerprint] = true
	}
	return out, nil
}

// ApplyBaseline marks the findings already in the baseline: they are reported, and do not fail.
func (r *Report) ApplyBaseline(known map[string]bool) {
	for i := range r.Findings {
		if known[r.Findings[i].Fingerprint()] {
			r.Findings[i].Baselined = true
		}
	}
}
