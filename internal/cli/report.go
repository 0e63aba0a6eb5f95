package cli

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"unicode/utf16"

	"github.com/iamguard/terraform-provider-iam/internal/guard"
)

// The parts of the SARIF and Markdown reports of validate and check that they share.

// informationURI is the tool's page, named by the driver of every SARIF log.
const informationURI = "https://registry.terraform.io/providers/iamguard/iam"

// fingerprint is a finding's identity across runs (SARIF partialFingerprints): a hash of the
// parts that name it, which leaves out its line so that it survives edits above it.
func fingerprint(parts ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return hex.EncodeToString(sum[:16])
}

// utf16Column converts a 1-based byte column of a 1-based line of doc (lines end at LF, as the
// validator counts them) to SARIF's default column unit, the UTF-16 code unit. It returns col
// unchanged when the place is not in doc.
func utf16Column(doc []byte, line, col int) int {
	start := 0
	for l := 1; l < line; l++ {
		i := bytes.IndexByte(doc[start:], '\n')
		if i < 0 {
			return col
		}
		start += i + 1
	}
	end := start + col - 1
	if col < 1 || end > len(doc) {
		return col
	}
	units := 0
	for _, r := range string(doc[start:end]) {
		// An invalid byte is U+FFFD here, one unit, as SARIF readers decode it.
		units += utf16.RuneLen(r)
	}
	return units + 1
}

// maxMarkdownCell is the most characters of input text one Markdown cell quotes: messages
// quote policy values, and one long value must not take the whole comment.
const maxMarkdownCell = 500

// maxMarkdownBytes bounds a Markdown report below GitHub's 65,536 characters of a comment.
const maxMarkdownBytes = 60000

// clip shortens s to maxMarkdownCell characters, marking the cut.
func clip(s string) string {
	n := 0
	for i := range s {
		if n == maxMarkdownCell {
			return s[:i] + "…"
		}
		n++
	}
	return s
}

// mdText writes input text for a Markdown table cell: control and format characters escaped as
// in the text output (a line break could end the row), then Markdown escaped as the guard does.
func mdText(s string) string { return guard.MarkdownEscape(escapeControl(clip(s))) }

// mdCodeText writes input text as a code span for a Markdown table cell.
func mdCodeText(s string) string { return guard.MarkdownCode(escapeControl(clip(s))) }

// mdSection is one table of a Markdown report: its heading and its rows, each a list of cells
// already written as Markdown.
type mdSection struct {
	title string
	rows  [][]string
}

// writeMarkdownTables writes the sections with their rows under one header, as the guard's
// report does, and stops when guard.MarkdownFindingLimit rows are written or the report would
// pass maxMarkdownBytes, saying how many rows are left out and (full) how to list them all.
func writeMarkdownTables(b *strings.Builder, header []string, sections []mdSection, noun, full string) {
	total := 0
	for _, s := range sections {
		total += len(s.rows)
	}
	written := 0
	for _, s := range sections {
		if len(s.rows) == 0 {
			continue
		}
		if written == guard.MarkdownFindingLimit || b.Len() >= maxMarkdownBytes {
			break
		}
		fmt.Fprintf(b, "### %s (%d)\n\n| %s |\n|%s\n", s.title, len(s.rows), strings.Join(header, " | "), strings.Repeat("---|", len(header)))
		for _, row := range s.rows {
			line := "| " + strings.Join(row, " | ") + " |\n"
			if written == guard.MarkdownFindingLimit || b.Len()+len(line) > maxMarkdownBytes {
				break
			}
			b.WriteString(line)
			written++
		}
		b.WriteString("\n")
	}
	if written < total {
		fmt.Fprintf(b, "%s left out to keep the comment short: %s.\n", plural(total-written, "more "+noun), full)
	}
}
