package catalog

import (
	"strings"
	"unicode/utf8"
)

// MatchesARN reports whether some ARN could match both one of the resource type's ARN formats
// and the given ARN or ARN pattern (a policy's Resource value, with * and ?). "*" matches every
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
//     say which characters each placeholder allows, so the assumptions are structural: a
//     placeholder followed by a literal ":" or "/" does not contain that character (in
//     "${BucketName}/${ObjectName}" the bucket has no slash, in
//     "log-group:${LogGroupName}:log-stream:..." the log group has no colon); and a placeholder
//     that ends a format does not contain "/" when another format of the same service continues
//     the same text with "/" (the bucket format "arn:${Partition}:s3:::${BucketName}" is
//     continued by the object format, so "arn:aws:s3:::bucket/*" is not a bucket). The same is
//     not assumed for ":", because policies name log groups as "log-group:NAME:*" and Lambda
//     functions as "function:NAME:*", and those must keep matching. Otherwise a placeholder may
//     contain any character. A literal * in a format (some formats have one) is any run of
//     characters.
//
// So "false" is reliable under those assumptions, while "true" may be optimistic where a
// placeholder ends a format (role/${RoleNameWithPath} takes slashes, as role paths need).
func (rt *ResourceType) MatchesARN(pattern string) bool {
	excludes := rt.endExcludes()
	i := 0
	for f := range strings.SplitSeq(rt.ARNFormat, ", ") {
		excl := ""
		if i < len(excludes) {
			excl = excludes[i]
		}
		i++
		if formatMatches(f, excl, pattern) {
			return true
		}
	}
	return false
}

// NamesARN reports whether a concrete ARN (no wildcards) is one the resource type's formats
// produce with names AWS accepts. It is MatchesARN with one more assumption, made only for the
// witnesses of the analysis (which must be requests AWS can receive): a placeholder that names
// one thing (an identifier or a name: ${BucketName}, ${KeyId}, ${InstanceId}) holds no colon.
// S3 bucket names, for instance, are lowercase letters, digits, dots and hyphens (Amazon S3
// User Guide, "General purpose bucket naming rules"). Object keys, paths and Lambda function
// names (which carry a version or alias after a colon in a qualified ARN) keep every character.
func (rt *ResourceType) NamesARN(arn string) bool {
	excludes := rt.endExcludes()
	for i, f := range rt.ARNFormats() {
		excl := ""
		if i < len(excludes) {
			excl = excludes[i]
		}
		pp, ok := splitARN(patternTokens(arn))
		if !ok {
			return false
		}
		fp, ok := splitARN(formatTokens(strings.TrimSpace(f), excl, true))
		if !ok {
			continue
		}
		all := true
		for j := range pp {
			if !intersects(pp[j], fp[j]) {
				all = false
				break
			}
		}
		if all {
			return true
		}
	}
	return false
}

// isSingleName reports whether a placeholder names one thing whose name has no colon: its name
// ends in Id, Name, Uuid or UUID (or is Identifier), except the free-text ones.
func isSingleName(placeholder string) bool {
	switch placeholder {
	case "ObjectName", "FunctionName", "Identifier":
		return placeholder == "Identifier"
	}
	if strings.Contains(placeholder, "Path") {
		return false
	}
	for _, suffix := range []string{"Id", "Name", "Uuid", "UUID"} {
		if strings.HasSuffix(placeholder, suffix) {
			return true
		}
	}
	return false
}

// ARNFormats returns the resource type's ARN formats: the data lists several, separated by ", ",
// for a few types (API Gateway's v1 and v2 paths).
func (rt *ResourceType) ARNFormats() []string { return strings.Split(rt.ARNFormat, ", ") }

// FinalPlaceholderExcludes returns, for each of ARNFormats, the characters that the placeholder
// ending the format may not contain: "/" when another format of the service continues the
// same text with "/" (see MatchesARN), else "".
func (rt *ResourceType) FinalPlaceholderExcludes() []string {
	out := make([]string, len(rt.ARNFormats()))
	copy(out, rt.endExcludes())
	return out
}

// endExcludes returns, for each of the resource type's formats, the characters its final
// placeholder may not contain ("/" or none; see MatchesARN), computed once per service.
func (rt *ResourceType) endExcludes() []string {
	s, ok := LookupService(rt.Service)
	if !ok {
		return nil
	}
	sd := detailsData().services[s.index].parsed()
	sd.arnOnce.Do(sd.computeEndExcludes)
	if rt.index < len(sd.endExcludes) && &sd.resourceTypes[rt.index] == rt {
		return sd.endExcludes[rt.index]
	}
	// A copy of a ResourceType: find the service's own by name.
	for i := range sd.resourceTypes {
		if sd.resourceTypes[i].Name == rt.Name && sd.resourceTypes[i].ARNFormat == rt.ARNFormat {
			return sd.endExcludes[i]
		}
	}
	return nil
}

// computeEndExcludes finds the formats of the service that end with a placeholder and that
// another format of the service continues with "/".
func (sd *serviceDetails) computeEndExcludes() {
	var all []string
	for i := range sd.resourceTypes {
		all = append(all, sd.resourceTypes[i].ARNFormats()...)
	}
	sd.endExcludes = make([][]string, len(sd.resourceTypes))
	for i := range sd.resourceTypes {
		formats := sd.resourceTypes[i].ARNFormats()
		for j, f := range formats {
			if !strings.HasSuffix(f, "}") {
				continue
			}
			excl := ""
			for _, g := range all {
				if len(g) > len(f) && g[len(f)] == '/' && strings.HasPrefix(g, f) {
					excl = "/"
					break
				}
			}
			if excl != "" {
				if sd.endExcludes[i] == nil {
					sd.endExcludes[i] = make([]string, len(formats))
				}
				sd.endExcludes[i][j] = excl
			}
		}
	}
}

// ARNFormatMatches is MatchesARN for one format given as text, without the knowledge of the
// service's other formats: a placeholder that ends the format may contain any character.
func ARNFormatMatches(format, pattern string) bool {
	return formatMatches(format, "", pattern)
}

// formatMatches matches one format whose final placeholder may not contain the characters in
// endExclude.
func formatMatches(format, endExclude, pattern string) bool {
	if pattern == "*" {
		return true
	}
	pp, ok := splitARN(patternTokens(pattern))
	if !ok {
		return false
	}
	fp, ok := splitARN(formatTokens(format, endExclude, false))
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
	// For a placeholder: the characters it may not contain (":", "/", both or none).
	exclude string
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

// formatTokens reads one ARN format of the data; a placeholder at its end may not contain the
// characters of endExclude.
func formatTokens(s, endExclude string, names bool) []token {
	var out []token
	for i := 0; i < len(s); {
		if strings.HasPrefix(s[i:], "${") {
			if end := strings.IndexByte(s[i:], '}'); end > 0 {
				t := token{kind: tokVar}
				switch next := i + end + 1; {
				case next == len(s):
					t.exclude = endExclude
				case s[next] == ':' || s[next] == '/':
					t.exclude = s[next : next+1]
				}
				if names && isSingleName(s[i+2:i+end]) && !strings.Contains(t.exclude, ":") {
					t.exclude += ":"
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
		return !strings.ContainsRune(f.exclude, p.c)
	default:
		// A wildcard on one side takes whatever character the other side allows, and every
		// side allows some character.
		return true
	}
}
