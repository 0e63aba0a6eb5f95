package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/iamguard/terraform-provider-iam/internal/casefile"
	"github.com/iamguard/terraform-provider-iam/internal/evaluator"
)

// narrowOutput is the answer of `least-privilege --report`: the narrowed policy, the reported
// requests the current policies deny, and the permissions no allowed request used.
type narrowOutput struct {
	Policy     json.RawMessage `json:"policy"` // null when no reported request is allowed
	Statements int             `json:"statements"`
	Size       int             `json:"size"`
	Used       []string        `json:"used"`
	Denied     []deniedOutput  `json:"denied"`
	Unused     unusedOutput    `json:"unused"`
	Undecided  []string        `json:"undecided"`
	Reason     string          `json:"reason,omitempty"`
}

type deniedOutput struct {
	Line      int                `json:"line"`
	Action    string             `json:"action"`
	Resource  string             `json:"resource"`
	Decision  evaluator.Decision `json:"decision"`
	BlockedBy []string           `json:"blockedBy,omitempty"`
	Reason    string             `json:"reason"`
}

// unusedOutput lists, as the access command does, the actions the current policies allow that
// no allowed reported request used.
type unusedOutput struct {
	Summary map[string]map[string]int `json:"summary"`
	Actions []accessAction            `json:"actions"`
}

type reportFlags struct {
	current, report, format string
	wildcards               bool
	budget                  int
	maxLine, maxPolicy      int
}

// runLeastPrivilegeReport is `least-privilege --current principal.json --report requests.jsonl`.
func runLeastPrivilegeReport(f reportFlags, stdin io.Reader, stdout, stderr io.Writer) int {
	c, code := readCurrentPrincipal(f, stdin, stderr)
	if c == nil {
		return code
	}
	reported, code := readAccessReport(f, stdin, stderr)
	if reported == nil {
		return code
	}
	narrowed, err := evaluator.NarrowToReport(c, reported, evaluator.Options{}, evaluator.LeastPrivilegeOptions{AllowWildcards: f.wildcards})
	if err != nil {
		fmt.Fprintf(stderr, "least-privilege: %s: %v\n", f.report, err)
		return exitUsage
	}
	eff, err := evaluator.Effective(principalQuestion(c, "*", "*", f.budget))
	if err != nil {
		fmt.Fprintf(stderr, "least-privilege: %s: %v\n", f.current, err)
		return exitUsage
	}
	o := narrowOutput{Used: narrowed.Used, Denied: []deniedOutput{}, Undecided: eff.Undecided, Reason: eff.Reason}
	if o.Used == nil {
		o.Used = []string{}
	}
	if o.Undecided == nil {
		o.Undecided = []string{}
	}
	used := map[string]bool{}
	for _, a := range narrowed.Used {
		used[a] = true
	}
	o.Unused.Summary, o.Unused.Actions = groupAccess(eff.Actions, func(a *evaluator.ActionAccess) bool {
		// Every caller may call sts:GetCallerIdentity, whatever its policies: not a permission
		// that narrowing can remove.
		return !used[a.Action] && !strings.EqualFold(a.Action, "sts:GetCallerIdentity")
	})
	for _, d := range narrowed.Denied {
		do := deniedOutput{Line: d.Line, Action: d.Request.Action, Resource: d.Request.Resource, Decision: d.Result.Decision, Reason: d.Result.Reason()}
		for _, b := range d.Result.BlockedBy {
			do.BlockedBy = append(do.BlockedBy, b.String())
		}
		o.Denied = append(o.Denied, do)
	}
	if lp := narrowed.Policy; lp != nil {
		var compact bytes.Buffer
		if err := json.Compact(&compact, lp.Document); err != nil {
			fmt.Fprintf(stderr, "least-privilege: %v\n", err)
			return exitUsage
		}
		o.Policy, o.Statements, o.Size = compact.Bytes(), lp.Statements, lp.Size
	} else {
		o.Policy = json.RawMessage("null")
	}
	switch f.format {
	case "policy":
		if narrowed.Policy != nil {
			fmt.Fprintf(stdout, "%s\n", narrowed.Policy.Document)
		}
		for _, d := range o.Denied {
			fmt.Fprintf(stderr, "%s:%d: %s on %s is not granted: the current policies deny it (%s)\n", f.report, d.Line, d.Action, d.Resource, d.Reason)
		}
	case "text":
		writeNarrowText(stdout, f.report, narrowed, &o)
	default:
		out, err := json.Marshal(o)
		if err != nil {
			fmt.Fprintf(stderr, "least-privilege: %v\n", err)
			return exitUsage
		}
		fmt.Fprintf(stdout, "%s\n", out)
	}
	if len(o.Denied) > 0 || len(o.Undecided) > 0 {
		return exitViolation
	}
	return exitOK
}

// readCurrentPrincipal reads --current: one principal in the access format (the whole file,
// which may be pretty-printed).
func readCurrentPrincipal(f reportFlags, stdin io.Reader, stderr io.Writer) (*evaluator.AccessCheck, int) {
	in, name, closeIn, err := openInput(f.current, stdin)
	if err != nil {
		fmt.Fprintf(stderr, "least-privilege: --current: %v\n", err)
		return nil, exitUsage
	}
	defer closeIn()
	text, err := io.ReadAll(io.LimitReader(in, int64(f.maxLine)+1))
	if err == nil && len(text) > f.maxLine {
		err = fmt.Errorf("longer than %d bytes (raise it with --max-line-bytes)", f.maxLine)
	}
	if err != nil {
		fmt.Fprintf(stderr, "least-privilege: --current %s: %v\n", name, err)
		return nil, exitUsage
	}
	c, err := evaluator.ParsePrincipalLimits(text, evaluator.InputLimits{MaxPolicyBytes: f.maxPolicy})
	if err == nil {
		if _, perr := evaluator.ParseCaller(c.Principal); perr != nil {
			err = fmt.Errorf("request.principal: %v", perr)
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "least-privilege: %s\n", locateError(name, 1, err))
		return nil, exitUsage
	}
	return c, exitOK
}

// readAccessReport reads --report: JSON Lines of {"action", "resource", "context"}. Every line
// that cannot be read is reported; none is skipped.
func readAccessReport(f reportFlags, stdin io.Reader, stderr io.Writer) ([]evaluator.ReportedRequest, int) {
	in, name, closeIn, err := openInput(f.report, stdin)
	if err != nil {
		fmt.Fprintf(stderr, "least-privilege: --report: %v\n", err)
		return nil, exitUsage
	}
	defer closeIn()
	lr := casefile.NewReader(in, name, f.maxLine)
	var out []evaluator.ReportedRequest
	bad := false
	for {
		line, err := lr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			fmt.Fprintf(stderr, "least-privilege: %v\n", err)
			return nil, exitUsage
		}
		req, err := evaluator.ParseReportedRequest(line.Text)
		if err != nil {
			fmt.Fprintf(stderr, "least-privilege: %s\n", locateError(name, line.No, err))
			bad = true
			continue
		}
		out = append(out, evaluator.ReportedRequest{Line: line.No, Request: req})
	}
	switch {
	case bad:
		return nil, exitUsage
	case len(out) == 0:
		fmt.Fprintf(stderr, "least-privilege: %v\n", lr.NoObjects("request"))
		return nil, exitUsage
	}
	return out, exitOK
}

// writeNarrowText prints the narrowed policy, the denied requests and the unused permissions
// (as the access command's text).
func writeNarrowText(w io.Writer, report string, narrowed *evaluator.NarrowedAccess, o *narrowOutput) {
	if narrowed.Policy != nil {
		fmt.Fprintf(w, "Narrowed policy (%d statements, %d characters):\n%s\n", o.Statements, o.Size, narrowed.Policy.Document)
	} else {
		fmt.Fprintln(w, "No reported request is allowed by the current policies: no narrowed policy.")
	}
	for _, d := range o.Denied {
		fmt.Fprintf(w, "denied, not granted: %s:%d: %s on %s (%s)\n", report, d.Line, d.Action, d.Resource, d.Reason)
	}
	writeAccessText(w, &accessOutput{ID: json.RawMessage(`"unused"`), Summary: o.Unused.Summary, Actions: o.Unused.Actions, Undecided: o.Undecided, Reason: o.Reason})
}
