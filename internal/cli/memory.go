package cli

import (
	"fmt"
	"io"
	"math"
	"os"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"time"
)

// exitResources is the exit status of a run stopped at its memory limit: distinct from bad
// input (2) and from an internal error (3), and never 0 or 1, so that CI never reads a run that
// did not finish as a verdict.
const exitResources = 4

// The memory limit of a run. Go ends a process whose allocation the system refuses with status
// 2, the status of bad input, and the kernel kills a process over its container's limit without
// a word; so every command watches its own memory and stops itself first, with a message and
// exitResources. The limit is --max-memory (a flag every command takes, anywhere before "--"),
// by default three quarters of the machine's memory, or nine tenths of the container's limit
// when that is smaller (cgroup memory.max). The Go runtime is also told the limit
// (debug.SetMemoryLimit), so it collects garbage harder before the watchdog has to act.

const memoryFlag = "max-memory"

// exitProcess ends the process; tests replace it.
var exitProcess = os.Exit

// splitMemoryFlag removes --max-memory SIZE (or --max-memory=SIZE, one or two dashes) from the
// arguments of a command, before any "--". set is false when the flag is absent.
func splitMemoryFlag(args []string) (rest []string, limit int64, set bool, err error) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return append(rest, args[i:]...), limit, set, nil
		}
		name, value, hasValue := strings.Cut(strings.TrimPrefix(strings.TrimPrefix(a, "-"), "-"), "=")
		if !strings.HasPrefix(a, "-") || name != memoryFlag {
			rest = append(rest, a)
			continue
		}
		if !hasValue {
			if i+1 >= len(args) {
				return nil, 0, false, fmt.Errorf("--%s needs a size, such as 4GiB or 512MiB (0: no limit)", memoryFlag)
			}
			i++
			value = args[i]
		}
		if limit, err = parseByteSize(value); err != nil {
			return nil, 0, false, fmt.Errorf("--%s %q: %v", memoryFlag, value, err)
		}
		set = true
	}
	return rest, limit, set, nil
}

// parseByteSize reads a size: a number with an optional unit B, KB, MB, GB, TB (powers of 1000)
// or KiB, MiB, GiB, TiB (powers of 1024); a number alone is bytes. "0" means no limit.
func parseByteSize(s string) (int64, error) {
	t := strings.TrimSpace(s)
	i := 0
	for i < len(t) && (t[i] >= '0' && t[i] <= '9' || t[i] == '.') {
		i++
	}
	number, unit := t[:i], strings.ToLower(strings.TrimSpace(t[i:]))
	n, err := strconv.ParseFloat(number, 64)
	if err != nil || number == "" {
		return 0, fmt.Errorf("expected a size such as 4GiB, 512MiB or 2000000000 (bytes)")
	}
	scale := map[string]float64{"": 1, "b": 1, "kb": 1e3, "mb": 1e6, "gb": 1e9, "tb": 1e12,
		"k": 1 << 10, "kib": 1 << 10, "m": 1 << 20, "mib": 1 << 20, "g": 1 << 30, "gib": 1 << 30, "t": 1 << 40, "tib": 1 << 40}[unit]
	if scale == 0 {
		return 0, fmt.Errorf("unknown unit %q; expected B, KB, MB, GB, TB, KiB, MiB, GiB or TiB", t[i:])
	}
	bytes := n * scale
	if bytes > math.MaxInt64/2 {
		return 0, fmt.Errorf("too large")
	}
	if bytes != 0 && bytes < 64<<20 {
		return 0, fmt.Errorf("at least 64MiB is needed to load the AWS data (or 0: no limit)")
	}
	return int64(bytes), nil
}

// defaultMemoryLimit is three quarters of the machine's memory, or nine tenths of the
// container's limit when that is smaller; 0 (no limit) when neither can be read.
func defaultMemoryLimit() int64 {
	var limit int64
	if total := memTotal(); total > 0 {
		limit = total / 4 * 3
	}
	if text, err := os.ReadFile("/sys/fs/cgroup/memory.max"); err == nil {
		if n, err := strconv.ParseInt(strings.TrimSpace(string(text)), 10, 64); err == nil && n > 0 {
			if c := n / 10 * 9; limit == 0 || c < limit {
				limit = c
			}
		}
	}
	return limit
}

// memTotal reads MemTotal from /proc/meminfo, in bytes; 0 when it cannot.
func memTotal() int64 {
	text, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(text), "\n") {
		if rest, ok := strings.CutPrefix(line, "MemTotal:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err == nil {
				return kb << 10
			}
		}
	}
	return 0
}

// memoryInUse is the memory the Go runtime holds from the system and has not returned.
func memoryInUse() int64 {
	samples := []metrics.Sample{{Name: "/memory/classes/total:bytes"}, {Name: "/memory/classes/heap/released:bytes"}}
	metrics.Read(samples)
	var total, released uint64
	if samples[0].Value.Kind() == metrics.KindUint64 {
		total = samples[0].Value.Uint64()
	}
	if samples[1].Value.Kind() == metrics.KindUint64 {
		released = samples[1].Value.Uint64()
	}
	return int64(total - released)
}

// watchMemory stops the process with a message and exitResources when it holds more than limit
// bytes; limit 0 watches nothing. The returned function ends the watch (and restores the
// runtime's own limit).
func watchMemory(limit int64, stderr io.Writer) (stop func()) {
	if limit <= 0 {
		return func() {}
	}
	previous := debug.SetMemoryLimit(limit / 10 * 9)
	done := make(chan struct{})
	var once sync.Once
	go func() {
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				if used := memoryInUse(); used > limit {
					fmt.Fprintf(stderr, "terraform-provider-iam: out of memory: the run holds %.1f MiB, more than --%s %.1f MiB allows; nothing was decided past this point (raise --%s, or split the input)\n",
						float64(used)/(1<<20), memoryFlag, float64(limit)/(1<<20), memoryFlag)
					exitProcess(exitResources)
					return
				}
			}
		}
	}()
	return func() {
		once.Do(func() {
			close(done)
			debug.SetMemoryLimit(previous)
		})
	}
}
