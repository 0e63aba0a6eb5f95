package catalog

import (
	"strings"
	"unicode/utf8"
)

// MatchesARN reports whether some ARN could match both the resource type's ARN format and
// the given ARN or ARN pattern (a policy's Resource value, with * and ?). "*" matches every
// format.
//
// What is exact and what is not:
//
//   - Both sides are split into six colon-separated parts (arn, partition, service, region,
//     account, resource; the resource is everything after the fifth colon) and matched part by
//     part, as AWS matches Resource and ArnLike: a * of the pattern never crosses a part
//     boundary, and a pattern with fewer than six parts matches nothing but is "*" itself. So a
//     wrong service, partition literal or part count is always detected.
//   - In the pattern, * is any run of characters and ? one character; a policy variable ${...}
//     counts as *, except the escapes ${*}, ${?} and ${$}, which are those literal characters.
//     Matching is case-sensitive, as for ARNs in AWS.
//   - In the format, a placeholder ${...} stands for one or more characters. The data does not
//     say which characters each placeholder allows, so the one assumption made is structural:
//     a placeholder followed by a literal ":" or "/" does not contain that character (in
//     "${BucketName}/${ObjectName}" the bucket has no slash, in
//     "log-group:${LogGroupName}:log-stream:..." the log group has no colon). A placeholder at
//     the end of the format, or followed by anything else, may contain any character. A
//     literal * in a format (some formats have one) is any run of characters.
//
// So "false" is reliable under that assumption, while "true" may be optimistic: for example
// "arn:aws:s3:::bucket/key" matches the bucket format "arn:${Partition}:s3:::${BucketName}",
// because the last placeholder could hold a slash as far as the data tells.
func (rt *ResourceType) MatchesARN(pattern string) bool {
	return ARNFormatMatches(rt.ARNFormat, pattern)
}

// ARNFormatMatches is MatchesARN for a format given as text.
func ARNFormatMatches(format, pattern string) bool {
	if pattern == "*" {
		return true
	}
	pp, ok := splitARN(patternTokens(pattern))
	if !ok {
		return false
	}
	fp, ok := splitARN(formatTokens(format))
	if !ok {
		return false
	}
	for i := range pp {
		if !intersects(pp[i], fp[i]) {
			return false
		}
	}
	return true
}

// token is one element of a pattern or format: a literal character, or a wildcard.
type token struct {
	kind tokenKind
	c    rune // for literal
	// For a placeholder: the character it may not contain (':' or '/'), or 0 for none.
	exclude rune
}

type tokenKind uint8

const (
	tokLiteral tokenKind = iota
	tokOne               // ? in a pattern: one character
	tokStar              // * : any run, the empty one included
	tokVar               // ${...} in a format: one or more characters
)

// patternTokens reads a policy's ARN pattern.
func patternTokens(s string) []token {
	var out []token
	for i := 0; i < len(s); {
		if strings.HasPrefix(s[i:], "${") {
			if end := strings.IndexByte(s[i:], '}'); end > 0 {
				switch v := s[i+2 : i+end]; v {
				case "*", "?", "$":
					out = append(out, token{kind: tokLiteral, c: rune(v[0])})
				default:
					out = append(out, token{kind: tokStar})
				}
				i += end + 1
				continue
			}
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch r {
		case '*':
			out = append(out, token{kind: tokStar})
		case '?':
			out = append(out, token{kind: tokOne})
		default:
			out = append(out, token{kind: tokLiteral, c: r})
		}
		i += size
	}
	return out
}

// formatTokens reads an ARN format of the data.
func formatTokens(s string) []token {
	var out []token
	for i := 0; i < len(s); {
		if strings.HasPrefix(s[i:], "${") {
			if end := strings.IndexByte(s[i:], '}'); end > 0 {
				t := token{kind: tokVar}
				if next := i + end + 1; next < len(s) && (s[next] == ':' || s[next] == '/') {
					t.exclude = rune(s[next])
				}
				out = append(out, t)
				i += end + 1
				continue
			}
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == '*' {
			out = append(out, token{kind: tokStar})
		} else {
			out = append(out, token{kind: tokLiteral, c: r})
		}
		i += size
	}
	return out
}

// splitARN cuts tokens at the first five literal colons. A colon inside a ${...} is not a
// literal colon, which is why splitting happens after tokenising.
func splitARN(toks []token) ([6][]token, bool) {
	var parts [6][]token
	n, start := 0, 0
	for i, t := range toks {
		if n < 5 && t.kind == tokLiteral && t.c == ':' {
			parts[n] = toks[start:i]
			n++
			start = i + 1
		}
	}
	parts[n] = toks[start:]
	return parts, n == 5
}

// intersects reports whether some string matches both the pattern part p and the format part
// f. It explores pairs of positions (i in p, j in f, and whether the placeholder at j has
// taken a character yet), which is the product of the two automata; the state space is
// small (ARN parts are short) and each state is visited once.
func intersects(p, f []token) bool {
	width := len(f) + 1
	seen := make([]bool, (len(p)+1)*width*2)
	var visit func(i, j int, inVar bool) bool
	visit = func(i, j int, inVar bool) bool {
		k := (i*width + j) * 2
		if inVar {
			k++
		}
		if seen[k] {
			return false
		}
		seen[k] = true
		// Moves that read no character.
		if i < len(p) && p[i].kind == tokStar && visit(i+1, j, inVar) {
			return true
		}
		if j < len(f) {
			switch {
			case f[j].kind == tokStar && visit(i, j+1, false):
				return true
			case f[j].kind == tokVar && inVar && visit(i, j+1, false):
				return true
			}
		}
		if i == len(p) && j == len(f) {
			return true
		}
		if i == len(p) || j == len(f) {
			return false
		}
		// Moves that read one character common to both sides.
		pt, ft := p[i], f[j]
		if !compatible(pt, ft) {
			return false
		}
		ni := i + 1
		if pt.kind == tokStar {
			ni = i
		}
		switch ft.kind {
		case tokLiteral:
			return visit(ni, j+1, false)
		case tokVar:
			return visit(ni, j, true)
		default: // tokStar
			return visit(ni, j, false)
		}
	}
	return visit(0, 0, false)
}

// compatible reports whether one character can be read by both tokens.
func compatible(p, f token) bool {
	switch {
	case p.kind == tokLiteral && f.kind == tokLiteral:
		return p.c == f.c
	case p.kind == tokLiteral && f.kind == tokVar:
		return f.exclude == 0 || p.c != f.exclude
	default:
		// A wildcard on one side takes whatever character the other side allows, and every
		// side allows some character.
		return true
	}
}
