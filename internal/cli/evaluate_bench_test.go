package cli

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"testing"
)

// benchmarkCases is a JSON Lines input of about 8 MB: the AWS documentation cases
// (../evaluator/testdata/cases/docs.jsonl) repeated with distinct ids, as a batch of a user's
// generated cases repeats the same policies for many requests.
func benchmarkCases(b *testing.B) []byte {
	b.Helper()
	docs, err := os.ReadFile("../evaluator/testdata/cases/docs.jsonl")
	if err != nil {
		b.Fatal(err)
	}
	lines := bytes.Split(bytes.TrimSpace(docs), []byte("\n"))
	var in bytes.Buffer
	for i := 0; in.Len() < 8<<20; i++ {
		line := lines[i%len(lines)]
		// Replace the id (the first member of every docs case) by a distinct one.
		_, rest, ok := bytes.Cut(line, []byte(`",`))
		if !ok || !bytes.HasPrefix(line, []byte(`{"id":"`)) {
			b.Fatalf("docs case %d does not start with its id", i%len(lines))
		}
		fmt.Fprintf(&in, `{"id":"case-%d",%s`+"\n", i, rest)
	}
	return in.Bytes()
}

// BenchmarkEvaluateCommand runs `evaluate` end to end (reading, parsing, evaluating, writing
// JSON Lines) on about 8 MB of cases. Run it with -cpu 1,2: the command uses every core it is
// given (GOMAXPROCS).
func BenchmarkEvaluateCommand(b *testing.B) {
	in := benchmarkCases(b)
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		if code := Run([]string{"evaluate", "-"}, bytes.NewReader(in), io.Discard, io.Discard, "bench"); code != exitOK {
			b.Fatalf("exit %d", code)
		}
	}
	b.ReportMetric(float64(bytes.Count(in, []byte("\n")))*float64(b.N)/b.Elapsed().Seconds(), "cases/s")
}
