package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestBadInputCorpus runs every file of testdata/badinput/COMMAND/: a header of "# exit: N",
// "# want: FRAGMENT" and optional "# args: FLAGS" lines, a "--" line, then the input given on
// standard input, byte for byte. The command must exit with the status and print the
// fragment (on standard output or standard error). No input may exit 0.
func TestBadInputCorpus(t *testing.T) {
	files, err := filepath.Glob("testdata/badinput/*/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no corpus files: %v", err)
	}
	for _, file := range files {
		t.Run(file, func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			header, input, ok := bytes.Cut(data, []byte("\n--\n"))
			if !ok {
				t.Fatal(`no "--" line`)
			}
			wantExit, want := -1, ""
			args := []string{filepath.Base(filepath.Dir(file))}
			for _, line := range strings.Split(string(header), "\n") {
				k, v, _ := strings.Cut(strings.TrimPrefix(line, "# "), ": ")
				switch k {
				case "exit":
					wantExit, _ = strconv.Atoi(v)
				case "want":
					want = v
				case "args":
					args = append(args, strings.Fields(strings.ReplaceAll(v, "DIR", filepath.Dir(file)))...)
				}
			}
			if wantExit <= 0 || want == "" {
				t.Fatalf("header needs exit (not 0) and want: %q", header)
			}
			if args[0] != "validate" {
				args = append(args, "-")
			}
			var out, errOut bytes.Buffer
			code := Run(args, bytes.NewReader(input), &out, &errOut, "test")
			if code != wantExit {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, wantExit, out.String(), errOut.String())
			}
			if !strings.Contains(out.String()+errOut.String(), want) {
				t.Errorf("output lacks %q\nstdout: %s\nstderr: %s", want, out.String(), errOut.String())
			}
		})
	}
}

func TestEscapeControl(t *testing.T) {
	for in, want := range map[string]string{
		"plain":               "plain",
		"a\x1b[31mred\x1b[0m": `a\x1B[31mred\x1B[0m`,
		"over\rwrite":         `over\x0Dwrite`,
		"bidi\u202Eevil":      `bidi\u{202E}evil`,
		"bad\xffbyte":         `bad\xFFbyte`,
		"ünïcode ok \u00e9":   "ünïcode ok \u00e9",
		"c1\u009bcsi":         `c1\x9Bcsi`,
		"alm\u061cmark":       `alm\u{061C}mark`,
	} {
		if got := escapeControl(in); got != want {
			t.Errorf("escapeControl(%q) = %q, want %q", in, got, want)
		}
	}
}
