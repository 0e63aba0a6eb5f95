package cli

import (
	"strconv"
	"unicode/utf8"

	"github.com/iamguard/terraform-provider-iam/internal/evaluator"
)

// The JSON line of an evaluate result, written field by field: encoding/json's reflection was
// a tenth of the command's time. The output is byte for byte what encoding/json writes for
// evaluateOutput (with HTML escaping off); FuzzEvaluateJSON holds the two together.

// appendEvaluateJSON appends res as one JSON line.
func appendEvaluateJSON(out []byte, res *evaluateOutput) []byte {
	out = append(out, `{"id":`...)
	if len(res.ID) == 0 {
		out = append(out, "null"...)
	} else {
		out = append(out, res.ID...) // a JSON string or number as the input wrote it
	}
	if res.Decision != "" {
		out = append(out, `,"decision":`...)
		out = appendJSONString(out, res.Decision)
	}
	if ex := res.Explanation; ex != nil {
		out = append(out, `,"explanation":{"reason":`...)
		out = appendJSONString(out, ex.Reason)
		out = appendStatementRefs(out, `,"denies":`, ex.Denies)
		out = appendStatementRefs(out, `,"allows":`, ex.Allows)
		if len(ex.BlockedBy) > 0 {
			out = append(out, `,"blockedBy":[`...)
			for i, b := range ex.BlockedBy {
				if i > 0 {
					out = append(out, ',')
				}
				out = appendJSONString(out, b)
			}
			out = append(out, ']')
		}
		out = append(out, '}')
	}
	if res.Error != "" {
		out = append(out, `,"error":`...)
		out = appendJSONString(out, res.Error)
	}
	return append(out, "}\n"...)
}

func appendStatementRefs(out []byte, name string, refs []evaluator.StatementRef) []byte {
	if len(refs) == 0 {
		return out
	}
	out = append(out, name...)
	out = append(out, '[')
	for i := range refs {
		r := &refs[i]
		if i > 0 {
			out = append(out, ',')
		}
		out = append(out, `{"kind":`...)
		out = appendJSONString(out, string(r.Kind))
		out = append(out, `,"policy":`...)
		out = appendJSONString(out, r.Policy)
		out = append(out, `,"level":`...)
		out = strconv.AppendInt(out, int64(r.Level), 10)
		out = append(out, `,"statement":`...)
		out = strconv.AppendInt(out, int64(r.Index), 10)
		if r.Sid != "" {
			out = append(out, `,"sid":`...)
			out = appendJSONString(out, r.Sid)
		}
		out = append(out, `,"effect":`...)
		out = appendJSONString(out, r.Effect)
		if r.Line != 0 {
			out = append(out, `,"line":`...)
			out = strconv.AppendInt(out, int64(r.Line), 10)
		}
		out = append(out, '}')
	}
	return append(out, ']')
}

// appendJSONString appends s as a JSON string as encoding/json writes it without HTML
// escaping: short escapes for \b \f \n \r \t, \u00XX for other control characters, U+FFFD for
// invalid UTF-8, and \u2028 and \u2029 escaped (JavaScript reads them as line ends).
func appendJSONString(out []byte, s string) []byte {
	const hex = "0123456789abcdef"
	out = append(out, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			out = append(out, s[start:i]...)
			switch c {
			case '"', '\\':
				out = append(out, '\\', c)
			case '\b':
				out = append(out, '\\', 'b')
			case '\f':
				out = append(out, '\\', 'f')
			case '\n':
				out = append(out, '\\', 'n')
			case '\r':
				out = append(out, '\\', 'r')
			case '\t':
				out = append(out, '\\', 't')
			default:
				out = append(out, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			out = append(out, s[start:i]...)
			out = append(out, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			out = append(out, s[start:i]...)
			out = append(out, '\\', 'u', '2', '0', '2', hex[r&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	out = append(out, s[start:]...)
	return append(out, '"')
}
