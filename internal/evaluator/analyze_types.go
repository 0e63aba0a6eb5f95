package evaluator

import (
	"strings"

	"github.com/iamguard/terraform-provider-iam/internal/catalog"
)

// This file makes the resources of the analysis the resources AWS can receive: a request pairs
// an action with a resource of one of the action's own resource types (the ARN formats of the
// Service Authorization Reference), or with "*" when the action takes no resource (or no
// resource type of it is required). Each resource type becomes a group of globs, one per ARN
// format, and the resources are cellized per service unit, within the forbid set and within
// the types of the unit's actions.

// resourceUnit is the actions of one service (or the actions without resource types, or those
// missing from the catalogue) and the resource types they act on.
type resourceUnit struct {
	// typeGroups are the resource groups of the unit's resource types (and of "*" and of any
	// string, for actions that take them).
	typeGroups []int
	actions    []int // action cells
	cells      []resourceCell
	groups     []globGroup // the resource groups the unit's cells tell apart (nil: left out)
	cellized   bool
	err        error
}

// typeGlobs are the globs of one resource type's ARN formats, in the caller's partition
// (empty: any partition).
func typeGlobs(rt *catalog.ResourceType, partition string) []glob {
	formats := rt.ARNFormats()
	excludes := rt.FinalPlaceholderExcludes()
	out := make([]glob, 0, len(formats))
	for i, f := range formats {
		out = append(out, formatGlob(strings.TrimSpace(f), excludes[i]+documentedNameExcludes[rt.Service+"/"+rt.Name], partition))
	}
	return out
}

// documentedNameExcludes are characters that a service's documentation rules out of the final
// name of a resource type, beyond what the ARN formats say. Only documented rules belong here:
// excluding a character that a name can have would hide real requests from the analysis.
var documentedNameExcludes = map[string]string{
	// "It can contain only alphanumeric characters, forward slashes (/), underscores (_), and
	// dashes (-)" (kms/latest/developerguide/alias-create.html).
	"kms/alias": ":",
}

// formatGlob turns an ARN format (arn:${Partition}:s3:::${BucketName}/${ObjectName}) into the
// glob of the resources it describes. A placeholder is one or more characters, except:
// ${Partition} is the caller's partition (AWS partitions are isolated); ${Account} is twelve
// digits; ${Region} and every placeholder before the resource part have no colon or slash; a
// placeholder followed by ":" or "/" does not contain it; the final placeholder does not
// contain the characters of endExclude (see catalog.ResourceType.MatchesARN for why these
// structural assumptions, and only these, are made). A literal * of a format is any text.
func formatGlob(format, endExclude, partition string) glob {
	var g glob
	colons := 0
	for i := 0; i < len(format); {
		if strings.HasPrefix(format[i:], "${") {
			if end := strings.IndexByte(format[i:], '}'); end > 0 {
				name := format[i+2 : i+end]
				next := i + end + 1
				g = appendPlaceholder(g, name, placeholderExcludes(format, next, colons, endExclude), partition)
				i = next
				continue
			}
		}
		r := rune(format[i])
		size := 1
		if r >= 0x80 {
			rs := []rune(format[i:])
			r, size = rs[0], len(string(rs[0]))
		}
		switch r {
		case '*':
			g = append(g, globStar)
		case ':':
			colons++
			g = append(g, r)
		default:
			g = append(g, r)
		}
		i += size
	}
	return g
}

// placeholderExcludes is what the placeholder ending at format[next:] may not contain.
func placeholderExcludes(format string, next, colons int, endExclude string) string {
	excl := ""
	if colons < 5 {
		excl = ":/"
	}
	switch {
	case next == len(format):
		excl += endExclude
	case format[next] == ':' || format[next] == '/':
		excl += format[next : next+1]
	}
	return excl
}

// appendPlaceholder appends the glob of one placeholder.
func appendPlaceholder(g glob, name, excl, partition string) glob {
	switch {
	case name == "Partition" && partition != "":
		return g.appendLiteral(partition)
	case name == "Account":
		for i := 0; i < 12; i++ {
			g = append(g, globDigit)
		}
		return g
	case name == "Region":
		excl = ":/"
	}
	colon, slash := strings.Contains(excl, ":"), strings.Contains(excl, "/")
	switch {
	case colon && slash:
		return append(g, globOneName, globStarName)
	case colon:
		return append(g, globOneSeg, globStarSeg)
	case slash:
		return append(g, globOneNoSlash, globStarNoSlash)
	}
	return append(g, globOne, globStar)
}

// actionTypes are the resource types a catalogue action acts on, and whether it may be
// called with the resource "*" (it has no resource type, or none of them is required).
// A type the data names but does not describe takes any resource.
func actionTypes(act catalog.Action) (types []*catalog.ResourceType, star, anything bool) {
	rts := act.ResourceTypes()
	star = true
	for _, rt := range rts {
		if rt.ResourceType == nil {
			anything = true
			continue
		}
		if rt.Required {
			star = false
		}
		types = append(types, rt.ResourceType)
	}
	return types, star, anything
}
