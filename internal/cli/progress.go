package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/iamguard/terraform-provider-iam/internal/guard"
)

// Long runs show their progress on the error stream when it is a terminal: one line, rewritten
// in place, naming the check under way, and cleared at the end. Piped or redirected (CI logs,
// files) nothing is written, so outputs and logs stay as they are.

// isTerminal reports whether w is a terminal (a character device).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

// withTerminalProgress returns ctx carrying a progress line on stderr when stderr is a
// terminal, ctx itself otherwise.
func withTerminalProgress(ctx context.Context, command string, stderr io.Writer) context.Context {
	if !isTerminal(stderr) {
		return ctx
	}
	return guard.WithProgress(ctx, progressLine(command, stderr, time.Now))
}

// progressLine writes "command: stage (i/n, elapsed)" over the previous line, and clears the
// line when the last stage is done.
func progressLine(command string, w io.Writer, now func() time.Time) guard.Progress {
	start := now()
	return func(name string, i, n int) {
		if i >= n {
			fmt.Fprint(w, "\r\x1b[K")
			return
		}
		fmt.Fprintf(w, "\r\x1b[K%s: checking %s (%d/%d, %s)", command, name, i+1, n, now().Sub(start).Round(time.Second))
	}
}
