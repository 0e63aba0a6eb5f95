package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/iamguard/terraform-provider-iam/internal/casefile"
)

// setLineHook installs lineHook for one test.
func setLineHook(t *testing.T, hook func(ctx context.Context, cmd string, line casefile.Line)) {
	t.Helper()
	lineHook = hook
	t.Cleanup(func() { lineHook = nil })
}

// outputLines decodes each output line as a JSON object.
func outputLines(t *testing.T, out string) []map[string]any {
	t.Helper()
	var got []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("output line %q: %v", l, err)
		}
		got = append(got, m)
	}
	return got
}

const passingCheck = `{"id":"c%d","request":{"principal":` + role + `},"identityPolicies":[` + s3Only + `],"forbid":` + forbidIAM + `}`
const failingCheck = `{"id":"c%d","request":{"principal":` + role + `},"identityPolicies":[` + allowAll + `],"forbid":` + forbidIAM + `}`

func numbered(format string, n int) []string {
	var lines []string
	for i := 1; i <= n; i++ {
		lines = append(lines, strings.Replace(format, "%d", itoa(i), 1))
	}
	return lines
}

// A panic while deciding a line is that line's internal error (exit status 3); the other lines
// are decided and written in order, for evaluate and check alike.
func TestLinePanicIsInternalError(t *testing.T) {
	setLineHook(t, func(_ context.Context, _ string, line casefile.Line) {
		if line.No == 2 {
			panic("injected fault")
		}
	})
	for _, tt := range []struct {
		cmd   string
		lines []string
		key   string // the field of a decided line
	}{
		{"evaluate", []string{allowCase, allowCase, denyCase}, "decision"},
		{"check", numbered(passingCheck, 3), "passed"},
	} {
		code, out, errOut := run(t, strings.Join(tt.lines, "\n")+"\n", tt.cmd, "-")
		if code != exitInternal {
			t.Errorf("%s: exit %d, want %d (stderr %s)", tt.cmd, code, exitInternal, errOut)
		}
		got := outputLines(t, out)
		if len(got) != 3 {
			t.Fatalf("%s: %d output lines, want 3:\n%s", tt.cmd, len(got), out)
		}
		for i, g := range got {
			if i == 1 {
				if msg, _ := g["error"].(string); msg != "<stdin>:2: internal error (please report it): injected fault" || g["id"] == nil {
					t.Errorf("%s: line 2: %v", tt.cmd, g)
				}
				continue
			}
			if _, ok := g[tt.key]; !ok || g["error"] != nil {
				t.Errorf("%s: line %d not decided: %v", tt.cmd, i+1, g)
			}
		}
	}
}

// With a tiny --timeout and lines that block until it expires, every line still gets an
// output line, in order: a decision made in full, or an error saying that the timeout was
// reached; the exit status is 1, never 0.
func TestLinesTimeout(t *testing.T) {
	setLineHook(t, func(ctx context.Context, _ string, _ casefile.Line) { <-ctx.Done() })
	const notDecided = "the timeout (--timeout 1ms) was reached before this line was decided"
	for _, tt := range []struct {
		cmd   string
		lines []string
		ok    func(map[string]any) bool // a line decided in full
		all   bool                      // every line times out
	}{
		// A case decides in microseconds: the lines started before the timeout are decided.
		{"evaluate", numbered(strings.Replace(allowCase, `"id":"ok"`, `"id":"c%d"`, 1), 20), func(m map[string]any) bool { return m["decision"] == "Allow" }, false},
		// A check gets the timeout's context: the lines started before it ran their analysis
		// with the context done, which stops it, so that no line is decided.
		{"check", numbered(failingCheck, 20), nil, true},
		{"check", numbered(passingCheck, 20), nil, true},
		// access gets it too: Effective stops, and every line is an error.
		{"access", numbered(`{"id":"c%d","request":{"principal":"arn:aws:iam::111122223333:role/app"},"identityPolicies":[{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}]}`, 20), nil, true},
	} {
		code, out, errOut := run(t, strings.Join(tt.lines, "\n")+"\n", tt.cmd, "--timeout", "1ms", "-")
		if code != exitViolation {
			t.Errorf("%s: exit %d, want 1 (stderr %s)", tt.cmd, code, errOut)
		}
		got := outputLines(t, out)
		if len(got) != len(tt.lines) {
			t.Fatalf("%s: %d output lines for %d lines:\n%s", tt.cmd, len(got), len(tt.lines), out)
		}
		timedOut := 0
		for i, g := range got {
			if g["id"] != "c"+itoa(i+1) {
				t.Errorf("%s: line %d has id %v", tt.cmd, i+1, g["id"])
			}
			msg, _ := g["error"].(string)
			switch {
			case msg == "<stdin>:"+itoa(i+1)+": "+notDecided:
				timedOut++
			case msg == "" && tt.ok != nil && tt.ok(g):
			default:
				t.Errorf("%s: line %d: %v", tt.cmd, i+1, g)
			}
		}
		if tt.all && timedOut != len(got) {
			t.Errorf("%s: %d of %d lines timed out", tt.cmd, timedOut, len(got))
		}
		if timedOut == 0 {
			t.Errorf("%s: no line timed out:\n%s", tt.cmd, out)
		}
	}
}

func TestLinesTimeoutNegative(t *testing.T) {
	for _, cmd := range []string{"evaluate", "check", "access"} {
		code, _, errOut := run(t, "", cmd, "--timeout", "-1s", "-")
		if code != exitUsage || !strings.Contains(errOut, cmd+": --timeout must not be negative, not -1s") {
			t.Errorf("%s: exit %d, stderr %q", cmd, code, errOut)
		}
	}
}

// An input that blocks (standard input from a program that neither writes nor ends) does not
// hold evaluate past --timeout: the lines read are decided, and the command says where it
// stopped reading and exits 1.
func TestLinesTimeoutBlockedInput(t *testing.T) {
	pr, pw := io.Pipe()
	defer pw.Close()
	go func() { _, _ = io.WriteString(pw, allowCase+"\n") }()
	var out, errOut bytes.Buffer
	code := Run([]string{"evaluate", "--timeout", "200ms", "-"}, pr, &out, &errOut, "test")
	if code != exitViolation {
		t.Errorf("exit %d, want 1", code)
	}
	// The line is decided, unless a loaded machine starts it only after the timeout.
	decided := strings.HasPrefix(out.String(), `{"id":"ok","decision":"Allow"`)
	late := out.String() == `{"id":"ok","error":"<stdin>:1: the timeout (--timeout 200ms) was reached before this line was decided"}`+"\n"
	if !decided && !late || strings.Count(out.String(), "\n") != 1 {
		t.Errorf("stdout %q", out.String())
	}
	if want := "evaluate: <stdin>: the timeout (--timeout 200ms) was reached before the input was read to its end; the lines after line 1 were not read or decided\n"; errOut.String() != want {
		t.Errorf("stderr %q, want %q", errOut.String(), want)
	}
}

// The JSON Lines loop runs with the collector's target at linesGCPercent and gives the
// previous target back when it ends; a user's GOGC is left as it is.
func TestLinesGCPercent(t *testing.T) {
	gcPercent := func() int { p := debug.SetGCPercent(100); debug.SetGCPercent(p); return p }
	for _, gogc := range []string{"", "150"} {
		t.Setenv("GOGC", gogc)
		before := debug.SetGCPercent(150)
		var during int
		setLineHook(t, func(_ context.Context, _ string, _ casefile.Line) { during = gcPercent() })
		line := `{"id":1,"request":{"principal":"anonymous","action":"s3:GetObject","resource":"*"}}` + "\n"
		if code := Run([]string{"evaluate", "-"}, strings.NewReader(line), io.Discard, io.Discard, "test"); code != exitOK {
			t.Fatalf("exit %d", code)
		}
		want := linesGCPercent
		if gogc != "" {
			want = 150
		}
		if during != want || gcPercent() != 150 {
			t.Errorf("GOGC=%q: target %d during the run (want %d), %d after (want 150)", gogc, during, want, gcPercent())
		}
		debug.SetGCPercent(before)
	}
}
