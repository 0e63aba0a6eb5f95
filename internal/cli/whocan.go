package cli

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/iamguard/terraform-provider-iam/internal/guard"
	"github.com/iamguard/terraform-provider-iam/internal/tfplan"
)

// readPlanAndRules reads the plan and the optional rules file of the commands that work on a
// plan besides guard (who-can, diff); it reports errors on stderr prefixed with cmd.
func readPlanAndRules(cmd, planPath, rulesPath string, stdin io.Reader, stderr io.Writer) (*tfplan.Plan, *guard.Rules, bool) {
	rules := guard.DefaultRules()
	if rulesPath != "" {
		var err error
		if rules, err = guard.LoadRules(rulesPath); err != nil {
			fmt.Fprintf(stderr, "%s: bad rules:\n%v\n", cmd, err)
			return nil, nil, false
		}
	}
	var data []byte
	var err error
	name := planPath
	if name == "-" {
		name = "<stdin>"
		data, err = io.ReadAll(stdin)
	} else {
		data, err = os.ReadFile(name)
	}
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", cmd, err)
		return nil, nil, false
	}
	plan, err := tfplan.ParsePlan(data, name)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", cmd, err)
		return nil, nil, false
	}
	return plan, rules, true
}

func runWhoCan(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("who-can", flag.ContinueOnError)
	fs.SetOutput(stderr)
	planPath := fs.String("plan", "", "the `FILE` of the plan as JSON: the output of terraform show -json PLANFILE (- for standard input)")
	rulesPath := fs.String("rules", "", "a guard rules file (for the account, administrators, chain depth and organisation)")
	resource := fs.String("resource", "*", "only requests on resources matching this ARN pattern")
	format := fs.String("format", "text", "output format: text or json")
	fs.Usage = func() {
		fmt.Fprintln(stderr, usageLine("who-can"))
		fmt.Fprintln(stderr, "Lists every principal of the account as the plan leaves it that may perform ACTION (a pattern such")
		fmt.Fprintln(stderr, "as iam:PassRole or s3:Delete*), itself or through a chain of roles, with the chain and a witness.")
		fmt.Fprintln(stderr, "Exit status 0 when the list is complete, 1 when some principal is undecided, 2 on bad input.")
		fs.PrintDefaults()
	}
	positional, parsed := positionalArgs(fs, args)
	if !parsed {
		return exitUsage
	}
	if len(positional) != 1 || *planPath == "" || (*format != "text" && *format != "json") {
		fs.Usage()
		return exitUsage
	}
	plan, rules, ok := readPlanAndRules("who-can", *planPath, *rulesPath, stdin, stderr)
	if !ok {
		return exitUsage
	}
	entries, err := guard.WhoCan(plan, rules, positional[0], *resource)
	if err != nil {
		fmt.Fprintf(stderr, "who-can: %v\n", err)
		return exitUsage
	}
	undecided := false
	if *format == "json" {
		type entryJSON struct {
			guard.WhoCanEntry
			Witness string `json:"witness,omitempty"`
		}
		list := []entryJSON{}
		for _, e := range entries {
			j := entryJSON{WhoCanEntry: e}
			if e.Witness != nil {
				j.Witness = (&guard.Finding{Witness: e.Witness}).WitnessText()
			}
			undecided = undecided || e.Undecided != ""
			list = append(list, j)
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(list); err != nil {
			return exitUsage
		}
	} else {
		fmt.Fprintf(stdout, "%d principals may call %s on %s:\n", len(entries), positional[0], *resource)
		for _, e := range entries {
			if e.Undecided != "" {
				undecided = true
				fmt.Fprintf(stdout, "  ? %s (%s): undecided: %s\n", e.Address, e.Principal, e.Undecided)
				continue
			}
			via := "itself"
			if len(e.Path) > 0 {
				var steps []string
				for _, s := range e.Path {
					steps = append(steps, s.Via+" → "+s.To)
				}
				via = "through " + strings.Join(steps, ", ")
			}
			fmt.Fprintf(stdout, "  %s (%s), %s\n", e.Address, e.Principal, via)
			if e.Witness != nil {
				fmt.Fprintf(stdout, "      witness: %s\n", (&guard.Finding{Witness: e.Witness}).WitnessText())
			}
		}
	}
	if undecided {
		return exitViolation
	}
	return exitOK
}
