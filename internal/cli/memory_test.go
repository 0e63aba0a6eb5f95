package cli

import (
	"bytes"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestSplitMemoryFlag(t *testing.T) {
	for _, c := range []struct {
		args  []string
		rest  string
		limit int64
		set   bool
		err   string
	}{
		{[]string{"a.json"}, "a.json", 0, false, ""},
		{[]string{"--max-memory", "2GiB", "a.json"}, "a.json", 2 << 30, true, ""},
		{[]string{"a.json", "-max-memory=512MiB", "--type", "TRUST"}, "a.json --type TRUST", 512 << 20, true, ""},
		{[]string{"--max-memory=0"}, "", 0, true, ""},
		{[]string{"--", "--max-memory", "1GiB"}, "-- --max-memory 1GiB", 0, false, ""},
		{[]string{"--max-memory-x", "1"}, "--max-memory-x 1", 0, false, ""},
		{[]string{"--max-memory"}, "", 0, false, "needs a size"},
		{[]string{"--max-memory", "lots"}, "", 0, false, "expected a size"},
		{[]string{"--max-memory", "4 parsecs"}, "", 0, false, "unknown unit"},
		{[]string{"--max-memory", "1MiB"}, "", 0, false, "at least 64MiB"},
	} {
		rest, limit, set, err := splitMemoryFlag(c.args)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%q: error %v, want one containing %q", c.args, err, c.err)
			}
			continue
		}
		if err != nil || strings.Join(rest, " ") != c.rest || limit != c.limit || set != c.set {
			t.Errorf("%q: %q %d %v %v, want %q %d %v", c.args, rest, limit, set, err, c.rest, c.limit, c.set)
		}
	}
	if n, err := parseByteSize("1.5GB"); err != nil || n != 1_500_000_000 {
		t.Errorf("1.5GB = %d, %v", n, err)
	}
}

// The watchdog stops a run that holds more than its limit with exit status 4 and a message.
func TestWatchMemoryStopsTheRunOverItsLimit(t *testing.T) {
	statuses := make(chan int, 1)
	saved := exitProcess
	exitProcess = func(code int) { statuses <- code }
	defer func() { exitProcess = saved }()
	var stderr lockedBuffer
	// The run holds a ballast of 64 MiB, so that it stays over a 32 MiB limit whatever the
	// tests running beside it allocate and free.
	ballast := make([]byte, 64<<20)
	for i := range ballast {
		ballast[i] = 1
	}
	defer runtime.KeepAlive(ballast)
	stop := watchMemory(32<<20, &stderr)
	defer stop()
	select {
	case code := <-statuses:
		if code != exitResources {
			t.Errorf("exit status %d, want %d", code, exitResources)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the watchdog did not stop a run over its limit")
	}
	if msg := stderr.String(); !strings.Contains(msg, "out of memory") || !strings.Contains(msg, "--max-memory") {
		t.Errorf("message %q", msg)
	}
	// Under the limit, nothing happens.
	stop2 := watchMemory(memoryInUse()*4+1<<30, &stderr)
	defer stop2()
	select {
	case code := <-statuses:
		t.Fatalf("stopped with %d under its limit", code)
	case <-time.After(200 * time.Millisecond):
	}
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestRunRefusesABadMemoryLimit(t *testing.T) {
	var stdout, stderr bytes.Buffer
	status := Run([]string{"validate", "--max-memory", "plenty", "x.json"}, strings.NewReader(""), &stdout, &stderr, "test")
	if status != exitUsage || !strings.Contains(stderr.String(), "validate: --max-memory") {
		t.Errorf("status %d, stderr %q", status, stderr.String())
	}
	// The flag is taken by every command, wherever it stands.
	stderr.Reset()
	status = Run([]string{"version", "--max-memory=1GiB"}, strings.NewReader(""), &stdout, &stderr, "test")
	if status != exitOK {
		t.Errorf("version --max-memory=1GiB: status %d, %s", status, stderr.String())
	}
}
