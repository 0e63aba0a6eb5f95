package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"

	"github.com/iamguard/terraform-provider-iam/internal/casefile"
	"github.com/iamguard/terraform-provider-iam/internal/evaluator"
)

type leastPrivilegeOutput struct {
	ID         json.RawMessage `json:"id"`
	Policy     json.RawMessage `json:"policy"`
	Statements int             `json:"statements"`
	Size       int             `json:"size"`
}

func runLeastPrivilege(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("least-privilege", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.String("format", "json", "output format: json (one JSON line per input line), policy (the policy documents only, indented), or text (with --report)")
	wildcards := fs.Bool("allow-wildcards", false, "write each statement's actions as the fewest, narrowest prefix patterns (s3:GetObject*) that match, in the catalogue, only its actions, and drop a required resource that another required pattern covers")
	report := fs.String("report", "", "access-report mode: JSON Lines of the requests the principal made ({\"action\", \"resource\", \"context\"}, for example from CloudTrail); needs --current")
	current := fs.String("current", "", "access-report mode: the principal and its current policies, one JSON object in the access format")
	budget := fs.Int("budget", 0, fmt.Sprintf("access-report mode: work budget of the analysis of the current policies; 0 means %d", evaluator.DefaultBudget))
	maxLine, maxPolicy := inputLimitFlags(fs)
	fs.Usage = func() {
		fmt.Fprintln(stderr, usageLine("least-privilege"))
		fmt.Fprintln(stderr, `Reads JSON Lines {"id": ..., "require": [{"action", "resource", "context"}]} and writes, per line, the`)
		fmt.Fprintln(stderr, "smallest identity policy that allows exactly those requests: actions spelt exactly (or, with")
		fmt.Fprintln(stderr, "--allow-wildcards, patterns that match no other action of the catalogue), resources as required,")
		fmt.Fprintln(stderr, "each request's context as conditions. Each policy is checked with the catalogue, the evaluator and")
		fmt.Fprintln(stderr, "the analysis before it is written. Exit status 1 when a line cannot be read.")
		fmt.Fprintln(stderr, "With --current and --report, writes one JSON object: the policy of the reported requests that the")
		fmt.Fprintln(stderr, "current policies allow (a request they deny is listed under denied, never granted), and the unused")
		fmt.Fprintln(stderr, "permissions (actions the current policies allow that no allowed request used) by service and access")
		fmt.Fprintln(stderr, "level. --format text prints the same for people. Exit status 1 when a request is denied or the")
		fmt.Fprintln(stderr, "analysis is undecided, 2 when an input cannot be read.")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return exitUsage
	}
	if *report != "" || *current != "" {
		if *report == "" || *current == "" || fs.NArg() > 0 || *budget < 0 || (*report == "-" && *current == "-") ||
			(*format != "json" && *format != "policy" && *format != "text") {
			fs.Usage()
			return exitUsage
		}
		return runLeastPrivilegeReport(reportFlags{current: *current, report: *report, format: *format, wildcards: *wildcards,
			budget: *budget, maxLine: *maxLine, maxPolicy: *maxPolicy}, stdin, stdout, stderr)
	}
	if fs.NArg() > 1 || (*format != "json" && *format != "policy") {
		fs.Usage()
		return exitUsage
	}
	in, name, closeIn, err := openInput(fs.Arg(0), stdin)
	if err != nil {
		fmt.Fprintf(stderr, "least-privilege: %v\n", err)
		return exitUsage
	}
	defer closeIn()
	do := jsonLineFunc(name, func(_ context.Context, text []byte) (any, bool, error) {
		required, err := evaluator.ParseRequired(text)
		if err != nil {
			return nil, true, err
		}
		lp, err := evaluator.LeastPrivilege(required, evaluator.LeastPrivilegeOptions{AllowWildcards: *wildcards})
		if err != nil {
			return nil, true, err
		}
		if *format == "policy" {
			return textOutput(append(append([]byte(nil), lp.Document...), '\n')), false, nil
		}
		var compact bytes.Buffer
		if err := json.Compact(&compact, lp.Document); err != nil {
			return nil, true, err
		}
		return leastPrivilegeOutput{ID: evaluator.CaseID(text), Policy: compact.Bytes(), Statements: lp.Statements, Size: lp.Size}, false, nil
	})
	return runLines(context.Background(), "least-privilege", "requirement", casefile.NewReader(in, name, *maxLine), stdout, stderr, do, jsonErrorLine(name))
}
