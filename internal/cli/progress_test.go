package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/iamguard/terraform-provider-iam/internal/guard"
	"github.com/iamguard/terraform-provider-iam/internal/tfplan"
)

func TestProgressLine(t *testing.T) {
	var b bytes.Buffer
	clock := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	now := func() time.Time { clock = clock.Add(1500 * time.Millisecond); return clock }
	p := progressLine("guard", &b, now)
	p("forbid rules", 2, 16)
	p("", 16, 16)
	want := "\r\x1b[Kguard: checking forbid rules (3/16, 2s)\r\x1b[K"
	if b.String() != want {
		t.Errorf("%q, want %q", b.String(), want)
	}
}

// Progress is reported for every stage of the guard, and never when stderr is not a terminal.
func TestGuardReportsItsProgress(t *testing.T) {
	if isTerminal(&bytes.Buffer{}) {
		t.Fatal("a buffer is a terminal")
	}
	if ctx := withTerminalProgress(context.Background(), "guard", &bytes.Buffer{}); ctx != context.Background() {
		t.Error("progress on a stream that is not a terminal")
	}
	var stages []string
	done := 0
	ctx := guard.WithProgress(context.Background(), func(name string, i, n int) {
		if i == n {
			done++
			return
		}
		if i != len(stages) {
			t.Errorf("stage %d reported as %d", len(stages), i)
		}
		stages = append(stages, name)
	})
	plan, err := tfplan.LoadPlan("../guard/testdata/plans/passrole-escalation/plan.json")
	if err != nil {
		t.Fatal(err)
	}
	guard.CheckContext(ctx, plan, guard.DefaultRules())
	if len(stages) < 10 || done != 1 || !strings.Contains(strings.Join(stages, ","), "forbid rules") {
		t.Errorf("stages %q, done %d", stages, done)
	}
}
