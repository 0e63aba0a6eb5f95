package validate

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

// casesDir holds the hand-written validation cases, one txtar file a case; its README.md
// describes the format.
const casesDir = "testdata/cases"

// validateCase is a hand-written invalid or risky policy with every finding it must produce.
type validateCase struct {
	name         string // the file name without .txtar
	file         string // the file, for messages
	typ          PolicyType
	resourceType string
	policy       string
	want         []wantFinding
}

// wantFinding is a finding a case must produce: its code and place. The finding must also have
// its code's severity from the table.
type wantFinding struct {
	code   string
	path   string
	line   int
	column int
	at     int // the line of the case file that expects it
}

func (w wantFinding) String() string {
	return fmt.Sprintf("%d:%d %s %s", w.line, w.column, w.code, w.path)
}

// readValidateCases reads every case file of casesDir, sorted by name. It gives one error for
// each malformed file, with the file and line at fault; the other files are still read.
func readValidateCases() ([]validateCase, []error) {
	entries, err := os.ReadDir(casesDir)
	if err != nil {
		return nil, []error{err}
	}
	var cases []validateCase
	var errs []error
	for _, e := range entries { // os.ReadDir sorts by name
		file := filepath.Join(casesDir, e.Name())
		switch {
		case e.Name() == "README.md":
			continue
		case e.IsDir() || !strings.HasSuffix(e.Name(), ".txtar"):
			errs = append(errs, fmt.Errorf("%s: not a case file (a case is a .txtar file)", file))
			continue
		}
		data, err := os.ReadFile(file)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		tc, err := parseValidateCase(file, data)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		cases = append(cases, tc)
	}
	if len(cases) == 0 && len(errs) == 0 {
		errs = append(errs, fmt.Errorf("%s: no case files", casesDir))
	}
	return cases, errs
}

// validateCases gives the cases of casesDir to tests that use them as input; a malformed file
// fails the test.
func validateCases(tb testing.TB) []validateCase {
	tb.Helper()
	cases, errs := readValidateCases()
	for _, err := range errs {
		tb.Error(err)
	}
	if len(errs) > 0 {
		tb.FailNow()
	}
	return cases
}

var wantLineRE = regexp.MustCompile(`^([1-9][0-9]*):([1-9][0-9]*) ([A-Z0-9_]+)(?: (\S.*))?$`)

// parseValidateCase reads one case file: a header of "key: value" lines (type, resource-type)
// and "#" comments, a policy.json section holding the policy, and a want section of findings,
// "LINE:COLUMN CODE PATH" a line. The policy is its section without the final newline that
// txtar gives every section.
func parseValidateCase(file string, data []byte) (validateCase, error) {
	tc := validateCase{name: strings.TrimSuffix(filepath.Base(file), ".txtar"), file: file}
	fail := func(line int, format string, args ...any) (validateCase, error) {
		return validateCase{}, fmt.Errorf("%s:%d: %s", file, line, fmt.Sprintf(format, args...))
	}
	a := txtar.Parse(data)
	for i, line := range splitLines(a.Comment) {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		key, value, ok := strings.Cut(line, ": ")
		switch {
		case !ok || value == "":
			return fail(i+1, "want a header line \"key: value\" (type, resource-type) or a \"#\" comment, have %q", line)
		case key == "type":
			if tc.typ != "" {
				return fail(i+1, "repeated type")
			}
			if !slices.Contains(PolicyTypes, PolicyType(value)) {
				return fail(i+1, "unknown policy type %q (one of %v)", value, PolicyTypes)
			}
			tc.typ = PolicyType(value)
		case key == "resource-type":
			if tc.resourceType != "" {
				return fail(i+1, "repeated resource-type")
			}
			tc.resourceType = value
		default:
			return fail(i+1, "unknown header key %q (type, resource-type)", key)
		}
	}
	if tc.typ == "" {
		return fail(1, "no \"type:\" header line")
	}
	// marker is the line of each section's marker.
	marker := 1 + bytes.Count(a.Comment, []byte("\n"))
	sections := []string{"policy.json", "want"}
	for i, f := range a.Files {
		if i >= len(sections) || f.Name != sections[i] {
			return fail(marker, "section %q where a case has the sections %q in this order", f.Name, sections)
		}
		switch f.Name {
		case "policy.json":
			tc.policy = strings.TrimSuffix(string(f.Data), "\n")
		case "want":
			tc.want = []wantFinding{}
			for j, line := range splitLines(f.Data) {
				at := marker + 1 + j
				if line == "" {
					continue
				}
				m := wantLineRE.FindStringSubmatch(line)
				if m == nil {
					return fail(at, "want a finding \"LINE:COLUMN CODE PATH\" (PATH may be empty), have %q", line)
				}
				l, errL := strconv.Atoi(m[1])
				c, errC := strconv.Atoi(m[2])
				if errL != nil || errC != nil {
					return fail(at, "line or column out of range in %q", line)
				}
				tc.want = append(tc.want, wantFinding{code: m[3], path: m[4], line: l, column: c, at: at})
			}
		}
		marker += 1 + bytes.Count(f.Data, []byte("\n"))
	}
	if tc.want == nil {
		return fail(marker, "missing section(s): a case has the sections %q (want may be empty: no findings)", sections)
	}
	return tc, nil
}

// splitLines gives the lines of a txtar comment or section, which ends with a newline.
func splitLines(b []byte) []string {
	if len(b) == 0 {
		return nil
	}
	return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
}

// A malformed case file is reported with its file and line, never skipped.
func TestParseValidateCaseErrors(t *testing.T) {
	good := "type: IDENTITY\n-- policy.json --\n{}\n-- want --\n1:1 SYNTAX_ERROR Statement\n"
	if tc, err := parseValidateCase("x.txtar", []byte(good)); err != nil || tc.policy != "{}" || tc.typ != PolicyTypeIdentity ||
		len(tc.want) != 1 || tc.want[0] != (wantFinding{code: "SYNTAX_ERROR", path: "Statement", line: 1, column: 1, at: 5}) {
		t.Fatalf("good case: %+v, %v", tc, err)
	}
	if tc, err := parseValidateCase("x.txtar", []byte("type: IDENTITY\n-- policy.json --\n{\n}\n\n-- want --\n1:1 MISSING_VERSION\n")); err != nil ||
		tc.policy != "{\n}\n" || tc.want[0].path != "" {
		t.Fatalf("policy with a final newline, finding without a path: %+v, %v", tc, err)
	}
	for _, c := range []struct{ text, want string }{
		{"", "x.txtar:1: no \"type:\" header"},
		{"# a comment\ntype: USER\n-- policy.json --\n{}\n-- want --\n", "x.txtar:2: unknown policy type"},
		{"type: IDENTITY\ntype: SCP\n", "x.txtar:2: repeated type"},
		{"type: IDENTITY\nresource type: AWS::S3::Bucket\n", "x.txtar:2: unknown header key"},
		{"type: IDENTITY\nsomething\n", "x.txtar:2: want a header line"},
		{"type: IDENTITY\n-- policy.json --\n{}\n", "x.txtar:4: missing section"},
		{"type: IDENTITY\n-- policy.json --\n{}\n-- findings --\n", "x.txtar:4: section \"findings\""},
		{"type: IDENTITY\n-- want --\n-- policy.json --\n{}\n", "x.txtar:2: section \"want\""},
		{"type: IDENTITY\n-- policy.json --\n{\n}\n-- want --\n\n1:1 SYNTAX_ERROR Statement\n3 SYNTAX_ERROR Statement\n", "x.txtar:8: want a finding"},
		{"type: IDENTITY\n-- policy.json --\n{}\n-- want --\n0:1 SYNTAX_ERROR Statement\n", "x.txtar:5: want a finding"},
		{"type: IDENTITY\n-- policy.json --\n{}\n-- want --\n1:1 SYNTAX_ERROR  Statement\n", "x.txtar:5: want a finding"},
		{"type: IDENTITY\n-- policy.json --\n{}\n-- want --\n99999999999999999999:1 SYNTAX_ERROR\n", "x.txtar:5: line or column out of range"},
		{"type: IDENTITY\n-- policy.json --\n{}\n-- want --\n-- more --\n", "x.txtar:5: section \"more\""},
	} {
		if _, err := parseValidateCase("x.txtar", []byte(c.text)); err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%q: error %v, want one starting with %q", c.text, err, c.want)
		}
	}
}
