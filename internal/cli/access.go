package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/iamguard/terraform-provider-iam/internal/casefile"
	"github.com/iamguard/terraform-provider-iam/internal/evaluator"
)

// accessOutput is one line of `access` output.
type accessOutput struct {
	ID json.RawMessage `json:"id"`
	// Summary counts the allowed actions per service and access level.
	Summary   map[string]map[string]int `json:"summary"`
	Actions   []accessAction            `json:"actions"`
	Undecided []string                  `json:"undecided"`
	Reason    string                    `json:"reason,omitempty"`
}

type accessAction struct {
	Action        string        `json:"action"`
	AccessLevel   string        `json:"accessLevel"`
	Resources     []string      `json:"resources"`
	Conditional   bool          `json:"conditional"`
	ConditionKeys []string      `json:"conditionKeys,omitempty"`
	Witness       witnessOutput `json:"witness"`
}

func runAccess(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("access", flag.ContinueOnError)
	fs.SetOutput(stderr)
	service := fs.String("service", "", "only the actions of this service prefix (for example s3)")
	level := fs.String("level", "", "only the actions of this access level: List, Read, Write, Tagging or \"Permissions management\"")
	resource := fs.String("resource", "*", "only requests on resources matching this ARN pattern")
	format := fs.String("format", "json", "output format: json (one JSON line per input line) or text")
	budget := fs.Int("budget", 0, fmt.Sprintf("work budget of the analysis; 0 means %d", evaluator.DefaultBudget))
	maxLine, maxPolicy := inputLimitFlags(fs)
	timeout := timeoutFlag(fs, "a principal not listed by then is an error")
	fs.Usage = func() {
		fmt.Fprintln(stderr, usageLine("access"))
		fmt.Fprintln(stderr, "Reads principals as JSON Lines in the check format without forbid and require: request.principal")
		fmt.Fprintln(stderr, "(and request.principalTags), identityPolicies, permissionsBoundary, sessionPolicy, scps, rcps,")
		fmt.Fprintln(stderr, `resourcePolicies. Writes, per line, every action the principal may perform: its access level, the`)
		fmt.Fprintln(stderr, "Resource patterns that grant it, whether conditions restrict it, and a witness request. Exact:")
		fmt.Fprintln(stderr, "every action not listed is proven denied. Exit status 1 when a line cannot be read or is undecided.")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return exitUsage
	}
	if fs.NArg() > 1 || *budget < 0 || (*format != "json" && *format != "text") {
		fs.Usage()
		return exitUsage
	}
	if *level != "" && !validLevel(*level) {
		fmt.Fprintf(stderr, "access: --level %q: expected List, Read, Write, Tagging or \"Permissions management\"\n", *level)
		return exitUsage
	}
	if msg := evaluator.ResourcePatternProblem(*resource); msg != "" {
		fmt.Fprintf(stderr, "access: --resource: %s\n", msg)
		return exitUsage
	}
	actions := "*"
	if *service != "" {
		actions = *service + ":*"
		if msg := evaluator.ActionPatternProblem(actions); msg != "" {
			fmt.Fprintf(stderr, "access: --service %q: %s\n", *service, msg)
			return exitUsage
		}
	}
	ctx, cancel, ok := timeoutContext("access", *timeout, stderr)
	if !ok {
		return exitUsage
	}
	defer cancel()
	in, name, closeIn, err := openInput(fs.Arg(0), stdin)
	if err != nil {
		fmt.Fprintf(stderr, "access: %v\n", err)
		return exitUsage
	}
	defer closeIn()
	limits := evaluator.InputLimits{MaxPolicyBytes: *maxPolicy}
	do := jsonLineFunc(name, func(ctx context.Context, text []byte) (any, bool, error) {
		o, err := accessLine(ctx, text, actions, *resource, *level, *budget, limits)
		if err != nil {
			return nil, true, err
		}
		if *format == "text" {
			var b bytes.Buffer
			writeAccessText(&b, o)
			return textOutput(b.Bytes()), len(o.Undecided) > 0, nil
		}
		return o, len(o.Undecided) > 0, nil
	})
	return runLines(ctx, "access", "principal", casefile.NewReader(in, name, *maxLine), stdout, stderr, do, jsonErrorLine(name))
}

func validLevel(l string) bool {
	for _, name := range evaluator.AccessLevels() {
		if l == name {
			return true
		}
	}
	return false
}

// accessLine reads one principal and lists its effective permissions.
// A principal whose listing the timeout stopped is an error line, as the lines not started are.
func accessLine(ctx context.Context, line []byte, actions, resource, level string, budget int, limits evaluator.InputLimits) (*accessOutput, error) {
	c, err := evaluator.ParsePrincipalLimits(line, limits)
	if err != nil {
		return nil, err
	}
	if _, err := evaluator.ParseCaller(c.Principal); err != nil {
		return nil, fmt.Errorf("request.principal: %v", err)
	}
	q := principalQuestion(c, actions, resource, budget)
	q.Done = ctx.Done()
	eff, err := evaluator.Effective(q)
	if ctx.Err() != nil {
		return nil, &casefile.NotDecidedError{Cause: context.Cause(ctx)}
	}
	if err != nil {
		return nil, err
	}
	o := &accessOutput{ID: evaluator.CaseID(line), Undecided: eff.Undecided, Reason: eff.Reason}
	if o.Undecided == nil {
		o.Undecided = []string{}
	}
	o.Summary, o.Actions = groupAccess(eff.Actions, func(a *evaluator.ActionAccess) bool { return level == "" || a.AccessLevel == level })
	return o, nil
}

// principalQuestion is the question of the principal c's effective permissions among the
// actions and resources matching the patterns.
func principalQuestion(c *evaluator.AccessCheck, actions, resource string, budget int) *evaluator.Question {
	return &evaluator.Question{Principal: c.Principal, Policies: c.Policies, ResourcePolicies: c.ResourcePolicies,
		Actions: []string{actions}, Resources: []string{resource}, ResourceAccount: c.ResourceAccount,
		Context: c.Context, PrincipalTags: c.PrincipalTags, Budget: budget}
}

// groupAccess lists the actions that keep selects, with their count per service and access
// level.
func groupAccess(actions []evaluator.ActionAccess, keep func(*evaluator.ActionAccess) bool) (map[string]map[string]int, []accessAction) {
	summary, out := map[string]map[string]int{}, []accessAction{}
	for i := range actions {
		a := &actions[i]
		if !keep(a) {
			continue
		}
		if summary[a.Service] == nil {
			summary[a.Service] = map[string]int{}
		}
		summary[a.Service][a.AccessLevel]++
		out = append(out, accessAction{Action: a.Action, AccessLevel: a.AccessLevel, Resources: a.Resources,
			Conditional: a.Conditional, ConditionKeys: a.ConditionKeys, Witness: newWitnessOutput(&a.Witness)})
	}
	return summary, out
}

// writeAccessText prints the summary per service and level, then the actions grouped so.
func writeAccessText(w io.Writer, o *accessOutput) {
	id := strings.Trim(string(o.ID), `"`)
	if id == "" || id == "null" {
		id = "principal"
	}
	fmt.Fprintf(w, "%s: %d actions allowed\n", id, len(o.Actions))
	services := make([]string, 0, len(o.Summary))
	for s := range o.Summary {
		services = append(services, s)
	}
	sort.Strings(services)
	levels := []string{"Permissions management", "Write", "Tagging", "Read", "List", ""}
	for _, s := range services {
		var parts []string
		for _, l := range levels {
			if n := o.Summary[s][l]; n > 0 {
				name := l
				if name == "" {
					name = "unknown level"
				}
				parts = append(parts, fmt.Sprintf("%s %d", name, n))
			}
		}
		fmt.Fprintf(w, "  %-24s %s\n", s, strings.Join(parts, ", "))
	}
	if len(o.Actions) <= 200 {
		for _, a := range o.Actions {
			cond := ""
			if a.Conditional {
				cond = " (conditional on " + strings.Join(a.ConditionKeys, ", ") + ")"
			}
			on := strings.Join(a.Resources, ", ")
			if on == "" {
				on = "any resource (no policy needs to grant it)"
			}
			fmt.Fprintf(w, "    %s [%s] on %s%s\n", a.Action, a.AccessLevel, on, cond)
		}
	} else {
		fmt.Fprintf(w, "  (%d actions: use --service, --level or --format json for the list)\n", len(o.Actions))
	}
	for _, u := range o.Undecided {
		fmt.Fprintf(w, "  undecided: %s (%s)\n", u, o.Reason)
	}
}
