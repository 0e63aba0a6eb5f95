package casefile

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// Func decides one line: it appends the line's output (complete output lines, or nothing) to
// out and returns it, with failed true when the line fails (exit status 1). It runs on several
// goroutines at once and must not keep line.Text or out after it returns. ctx is the loop's:
// a Func that can take long should end when ctx is done.
type Func func(ctx context.Context, line Line, out []byte) (_ []byte, failed bool)

// ErrorFunc appends the output line of a line that the loop decided itself, with err saying
// why: its Func panicked (err is an *InternalError) or the loop's context was done before the
// line was started (err is a *NotDecidedError).
type ErrorFunc func(line Line, err error, out []byte) []byte

// InternalError is a panic of a line's Func: a bug, reported as the line's error so that the
// other lines are still decided and the command exits with the status of an internal error.
type InternalError struct{ Value any }

func (e *InternalError) Error() string {
	return fmt.Sprintf("internal error (please report it): %v", e.Value)
}

// NotDecidedError is the error of a line that was not started before the loop's context was
// done: Cause is the context's cause (the timeout).
type NotDecidedError struct{ Cause error }

func (e *NotDecidedError) Error() string {
	return fmt.Sprintf("%v before this line was decided", e.Cause)
}

func (e *NotDecidedError) Unwrap() error { return e.Cause }

// NotReadError ends a run whose context was done before the input was read to its end: the
// lines after line After (the last line read) were neither read nor decided.
type NotReadError struct {
	Name  string
	After int
	Cause error
}

func (e *NotReadError) Error() string {
	if e.After == 0 {
		return fmt.Sprintf("%s: %v before a line was read; no line was decided", e.Name, e.Cause)
	}
	return fmt.Sprintf("%s: %v before the input was read to its end; the lines after line %d were not read or decided", e.Name, e.Cause, e.After)
}

func (e *NotReadError) Unwrap() error { return e.Cause }

// Loop runs a Func over every line of an input, on several goroutines, and writes the
// outputs in input order.
type Loop struct {
	Reader *Reader
	// Noun names one line's object in the error for an input without any ("case", "check").
	Noun  string
	Do    Func
	Error ErrorFunc
	// Workers is the number of lines decided at once; 0 means runtime.GOMAXPROCS(0).
	Workers int
}

// Summary counts the lines of a run. Failed counts every failed line, including the Internal
// ones (their Func panicked) and the NotDecided ones (not started before the context was done).
type Summary struct {
	Lines, Failed, Internal, NotDecided int
}

// The lines in flight are bounded in number and in bytes, so that memory stays flat in the
// length of the input: a window of jobs being read, decided or waiting to be written.
const (
	jobsPerWorker = 8
	// A job holds up to linesPerJob lines (or jobBytes of their text), all of them already read
	// from the input: handing lines over one by one cost more than deciding a small one.
	linesPerJob    = 16
	jobBytes       = 64 << 10
	maxFlightBytes = 64 << 20
	// keepBufferBytes is the largest line or output buffer kept for the next job.
	keepBufferBytes = 1 << 20
	// stuckRead is how long after the context is done a read of the input may go on before
	// the run ends without it.
	stuckRead = 100 * time.Millisecond
)

// job is a run of consecutive lines in flight, decided by one worker and written at once;
// jobs are reused, with their buffers.
type job struct {
	lines []Line
	text  []byte // the lines' texts, one after another
	ends  []int  // where each line's text ends in text
	out   []byte // the lines' outputs, in order
	// failed, internal and notStart count the job's lines of each kind (see Summary).
	failed, internal, notStart int
	done                       chan struct{}
}

// add copies a line into the job (the reader's text is valid only until its next call).
func (j *job) add(line Line) {
	j.text = append(j.text, line.Text...)
	j.ends = append(j.ends, len(j.text))
	j.lines = append(j.lines, Line{No: line.No})
}

// seal points the lines at their texts, once no more are added (text no longer moves).
func (j *job) seal() {
	start := 0
	for i, end := range j.ends {
		j.lines[i].Text = j.text[start:end:end]
		start = end
	}
}

func (j *job) reset() {
	j.lines, j.text, j.ends = j.lines[:0], j.text[:0], j.ends[:0]
}

// Run reads every line, decides each with Do (on Workers goroutines), and writes each line's
// output to w in input order, as soon as it and the lines before it are decided. It returns
// the error that ended the reading early (a *StopError, a read or a write error; the outputs of
// the lines before it are written), or a *StopError naming Noun when the input has no line.
// When ctx is done, the lines not yet started get the ErrorFunc's line for a *NotDecidedError
// (the input is still read to its end: no line is dropped), unless a read of the input makes
// no progress for stuckRead: then the run ends with a *NotReadError naming the last line read.
func (lp *Loop) Run(ctx context.Context, w io.Writer) (Summary, error) {
	workers := lp.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	window := jobsPerWorker * workers
	free := make(chan *job, window)
	for range window {
		free <- &job{done: make(chan struct{}, 1)}
	}
	work := make(chan *job, window)
	order := make(chan *job, window)
	flight := newByteBudget(maxFlightBytes)

	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for j := range work {
				lp.decide(ctx, j)
				j.done <- struct{}{}
			}
		})
	}
	var sum Summary
	var writeErr error
	var writeFailed atomic.Bool // tells the reader to stop: nothing more can be written
	written := make(chan struct{})
	go func() {
		defer close(written)
		for j := range order {
			<-j.done
			if writeErr == nil {
				if _, writeErr = w.Write(j.out); writeErr != nil {
					writeFailed.Store(true)
				}
			}
			sum.Failed += j.failed + j.internal + j.notStart
			sum.Internal += j.internal
			sum.NotDecided += j.notStart
			flight.release(len(j.text))
			if cap(j.text) > keepBufferBytes {
				j.text = nil
			}
			if cap(j.out) > keepBufferBytes {
				j.out = nil
			}
			free <- j
		}
	}()

	// The reading goroutine hands lines over in jobs: a line, and those after it that the input
	// has already given (a line is never held back waiting for the next); this goroutine sends
	// each job to the workers and the writer. When ctx is done while a read of the input is under way, the
	// run ends without waiting for that read (abandon).
	fed := make(chan *job)
	abandon := make(chan struct{})
	var readErr error // written before fed is closed
	go func() {
		defer close(fed)
		for !writeFailed.Load() {
			line, err := lp.Reader.Next()
			if err != nil {
				if !errors.Is(err, io.EOF) {
					readErr = err
				}
				return
			}
			var j *job
			select {
			case j = <-free:
			case <-abandon:
				return
			}
			j.reset()
			j.add(line)
			var stop error // ends the reading after this job's lines
			for len(j.lines) < linesPerJob && len(j.text) < jobBytes {
				next, ok, err := lp.Reader.NextBuffered()
				if err != nil {
					stop = err
					break
				}
				if !ok {
					break
				}
				j.add(next)
			}
			j.seal()
			select {
			case fed <- j:
			case <-abandon:
				return
			}
			if stop != nil {
				readErr = stop
				return
			}
		}
	}()
	lines, lastNo := 0, 0
	done := ctx.Done()
	var tick <-chan time.Time // after ctx is done: look for a read that makes no progress
	seen := int64(-1)
	var stopErr error
feed:
	for {
		select {
		case j, ok := <-fed:
			if !ok {
				stopErr = readErr
				break feed
			}
			lines, lastNo = lines+len(j.lines), j.lines[len(j.lines)-1].No
			flight.acquire(len(j.text))
			work <- j
			order <- j
		case <-done:
			done = nil
			ticker := time.NewTicker(stuckRead)
			defer ticker.Stop()
			tick = ticker.C
		case <-tick:
			// The same read under way a whole tick: the input blocks. The lines it holds
			// back are not read; the error says so.
			src := lp.Reader.src
			n := src.reads.Load()
			if src.inRead.Load() && n == seen {
				close(abandon)
				stopErr = &NotReadError{Name: lp.Reader.name, After: lastNo, Cause: context.Cause(ctx)}
				break feed
			}
			seen = n
		}
	}
	close(work)
	close(order)
	wg.Wait()
	<-written
	sum.Lines = lines
	switch {
	case stopErr != nil:
		return sum, stopErr
	case writeErr != nil:
		return sum, writeErr
	case sum.Lines == 0:
		return sum, lp.Reader.NoObjects(lp.Noun)
	}
	return sum, nil
}

// decide runs the line's Func, or its ErrorFunc when the context is done or the Func panics.
func (lp *Loop) decide(ctx context.Context, j *job) {
	j.failed, j.internal, j.notStart = 0, 0, 0
	j.out = j.out[:0]
	for _, line := range j.lines {
		j.out = lp.decideLine(ctx, j, line, j.out)
	}
}

// decideLine appends the output of one line of j, counting it in j.
func (lp *Loop) decideLine(ctx context.Context, j *job, line Line, out []byte) (result []byte) {
	if ctx.Err() != nil {
		j.notStart++
		return lp.Error(line, &NotDecidedError{Cause: context.Cause(ctx)}, out)
	}
	start := len(out)
	// A panic in a worker goroutine would end the process with Go's status 2, the status of
	// bad input: it is an internal error of its line instead.
	defer func() {
		if r := recover(); r != nil {
			// What the line wrote before it panicked is dropped: its output is the error.
			j.internal++
			result = lp.Error(line, &InternalError{Value: r}, out[:start])
		}
	}()
	out, failed := lp.Do(ctx, line, out)
	if failed {
		j.failed++
	}
	return out
}

// byteBudget bounds the bytes of the lines in flight. A line larger than the whole budget
// still goes when nothing else is in flight.
type byteBudget struct {
	mu     sync.Mutex
	cond   sync.Cond
	max, n int
}

func newByteBudget(limit int) *byteBudget {
	b := &byteBudget{max: limit}
	b.cond.L = &b.mu
	return b
}

func (b *byteBudget) acquire(n int) {
	b.mu.Lock()
	for b.n > 0 && b.n+n > b.max {
		b.cond.Wait()
	}
	b.n += n
	b.mu.Unlock()
}

func (b *byteBudget) release(n int) {
	b.mu.Lock()
	b.n -= n
	b.cond.Signal()
	b.mu.Unlock()
}
