package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The check examples of the documentation (examples/checks/*.jsonl) give the outcomes their
// .expected files list, one "id passed|failed" per line.
func TestCheckExamples(t *testing.T) {
	files, err := filepath.Glob("../../examples/checks/*.jsonl")
	if err != nil || len(files) == 0 {
		t.Fatalf("no examples: %v", err)
	}
	for _, file := range files {
		expected, err := os.ReadFile(strings.TrimSuffix(file, ".jsonl") + ".expected")
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]string{}
		for _, line := range strings.Split(strings.TrimSpace(string(expected)), "\n") {
			id, outcome, _ := strings.Cut(line, " ")
			want[id] = outcome
		}
		var out, errOut bytes.Buffer
		Run([]string{"check", file}, nil, &out, &errOut, "test")
		got := map[string]string{}
		sc := bufio.NewScanner(&out)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			var o struct {
				ID     string `json:"id"`
				Passed bool   `json:"passed"`
				Error  string `json:"error"`
			}
			if err := json.Unmarshal(sc.Bytes(), &o); err != nil {
				t.Fatalf("%s: %v", file, err)
			}
			if o.Error != "" {
				t.Errorf("%s %s: %s", file, o.ID, o.Error)
			}
			got[o.ID] = map[bool]string{true: "passed", false: "failed"}[o.Passed]
		}
		for id, w := range want {
			if got[id] != w {
				t.Errorf("%s %s: %s, want %s", file, id, got[id], w)
			}
		}
		if len(got) != len(want) {
			t.Errorf("%s: %d checks, %d expected", file, len(got), len(want))
		}
	}
}
