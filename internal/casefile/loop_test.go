package casefile

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"
)

// echo decides a line by writing "no:text"; a line "fail" fails, a line "panic" panics.
func echo(_ context.Context, l Line, out []byte) ([]byte, bool) {
	if string(l.Text) == "panic" {
		panic("boom")
	}
	return fmt.Appendf(out, "%d:%s\n", l.No, l.Text), string(l.Text) == "fail"
}

func errorLine(l Line, err error, out []byte) []byte {
	return fmt.Appendf(out, "%d:error:%v\n", l.No, err)
}

func runLoop(t *testing.T, ctx context.Context, input string, do Func, workers int) (string, Summary, error) {
	t.Helper()
	var out strings.Builder
	lp := Loop{Reader: NewReader(strings.NewReader(input), "in", 0), Noun: "case", Do: do, Error: errorLine, Workers: workers}
	sum, err := lp.Run(ctx, &out)
	return out.String(), sum, err
}

// Lines decided in any order (later lines sooner) are written in input order, over many
// windows of lines in flight.
func TestLoopOrder(t *testing.T) {
	var in, want strings.Builder
	for i := 1; i <= 1000; i++ {
		fmt.Fprintf(&in, "%d\n", i)
		fmt.Fprintf(&want, "%d:%d\n", i, i)
	}
	slowFirst := func(ctx context.Context, l Line, out []byte) ([]byte, bool) {
		if n, _ := strconv.Atoi(string(l.Text)); n%97 == 1 {
			time.Sleep(time.Millisecond)
		}
		return echo(ctx, l, out)
	}
	for _, workers := range []int{1, 3} {
		got, sum, err := runLoop(t, context.Background(), in.String(), slowFirst, workers)
		if err != nil || got != want.String() || sum != (Summary{Lines: 1000}) {
			t.Fatalf("workers %d: err %v, summary %+v, output in order: %v", workers, err, sum, got == want.String())
		}
	}
}

// A panicking line is that line's internal error; the lines around it are decided.
func TestLoopPanicIsLineError(t *testing.T) {
	got, sum, err := runLoop(t, context.Background(), "a\npanic\n\nfail\nb\n", echo, 2)
	want := "1:a\n2:error:internal error (please report it): boom\n4:fail\n5:b\n"
	if err != nil || got != want {
		t.Fatalf("err %v, output %q, want %q", err, got, want)
	}
	if sum != (Summary{Lines: 4, Failed: 2, Internal: 1}) {
		t.Errorf("summary %+v", sum)
	}
}

// Lines not started when the context is done get the error line of a *NotDecidedError with
// the context's cause; none is dropped and none passes.
func TestLoopContextDone(t *testing.T) {
	cause := errors.New("the timeout was reached")
	ctx, cancel := context.WithCancelCause(context.Background())
	block := func(ctx context.Context, l Line, out []byte) ([]byte, bool) {
		if string(l.Text) == "2" {
			cancel(cause)
		}
		return echo(ctx, l, out)
	}
	got, sum, err := runLoop(t, ctx, "1\n2\n3\n4\n", block, 1)
	want := "1:1\n2:2\n3:error:the timeout was reached before this line was decided\n4:error:the timeout was reached before this line was decided\n"
	if err != nil || got != want {
		t.Fatalf("err %v, output %q, want %q", err, got, want)
	}
	if sum != (Summary{Lines: 4, Failed: 2, NotDecided: 2}) {
		t.Errorf("summary %+v", sum)
	}
}

// A stop of the reading comes after the output of the lines before it.
func TestLoopStop(t *testing.T) {
	got, _, err := runLoop(t, context.Background(), "a\nb\n{\n  \"x\": 1}\nc\n", echo, 2)
	var se *StopError
	if !errors.As(err, &se) || !strings.Contains(err.Error(), "in:3: expected one JSON object per line") || got != "1:a\n2:b\n" {
		t.Errorf("err %v, output %q", err, got)
	}
	if _, _, err := runLoop(t, context.Background(), "\n\n", echo, 2); err == nil || err.Error() != "in: no cases; expected one JSON object per line" {
		t.Errorf("empty input: %v", err)
	}
}

type failingWriter struct{ writes int }

func (w *failingWriter) Write(p []byte) (int, error) {
	w.writes++
	return 0, errors.New("disk full")
}

// A write error ends the run with that error, without writing on.
func TestLoopWriteError(t *testing.T) {
	w := &failingWriter{}
	lp := Loop{Reader: NewReader(strings.NewReader(strings.Repeat("x\n", 5000)), "in", 0), Noun: "case", Do: echo, Error: errorLine}
	if _, err := lp.Run(context.Background(), w); err == nil || err.Error() != "disk full" || w.writes != 1 {
		t.Errorf("err %v after %d writes", err, w.writes)
	}
}

// An input that blocks (a pipe whose writer neither writes nor closes it) does not hold the
// run past its context: the lines read are written, and the run ends with a *NotReadError
// naming the last line read.
func TestLoopContextDoneWhileReadBlocks(t *testing.T) {
	pr, pw := io.Pipe()
	defer pw.Close()
	go func() { _, _ = pw.Write([]byte("1\n\n2\n")) }()
	ctx, cancel := context.WithCancelCause(context.Background())
	stopAt2 := func(ctx context.Context, l Line, out []byte) ([]byte, bool) {
		if string(l.Text) == "2" {
			cancel(errors.New("the timeout was reached"))
		}
		return echo(ctx, l, out)
	}
	var out strings.Builder
	lp := Loop{Reader: NewReader(pr, "in", 0), Noun: "case", Do: stopAt2, Error: errorLine, Workers: 1}
	sum, err := lp.Run(ctx, &out)
	var nr *NotReadError
	if !errors.As(err, &nr) || err.Error() != "in: the timeout was reached before the input was read to its end; the lines after line 3 were not read or decided" {
		t.Fatalf("err %v", err)
	}
	if out.String() != "1:1\n3:2\n" || sum != (Summary{Lines: 2}) {
		t.Errorf("output %q, summary %+v", out.String(), sum)
	}
}

// A line that has arrived is decided and written without waiting for the lines after it,
// although the loop hands lines to its workers several at a time: a job holds the lines the
// input has already given, and never waits for more.
func TestLoopAnswersEachLineAsItArrives(t *testing.T) {
	pr, pw := io.Pipe()
	answers := make(chan string)
	w := writerFunc(func(p []byte) (int, error) {
		for _, line := range strings.SplitAfter(string(p), "\n") {
			if line != "" {
				answers <- line
			}
		}
		return len(p), nil
	})
	lp := Loop{Reader: NewReader(pr, "in", 0), Noun: "case", Do: echo, Error: errorLine, Workers: 2}
	done := make(chan error, 1)
	go func() {
		_, err := lp.Run(context.Background(), w)
		done <- err
	}()
	for i := 1; i <= 40; i++ {
		in := fmt.Sprintf("%d\n", i)
		want := fmt.Sprintf("%d:%d\n", i, i)
		if _, err := pw.Write([]byte(in)); err != nil {
			t.Fatal(err)
		}
		select {
		case got := <-answers:
			if got != want {
				t.Fatalf("answer %q, want %q", got, want)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("line %d was not answered before the next one was sent", i)
		}
	}
	pw.Close()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

type writerFunc func(p []byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }
