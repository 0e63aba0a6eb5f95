package catalog

import (
	"fmt"
	"strings"
)

// KeyType is the type of a condition key's values, which decides the condition operators that
// fit it (String*, Arn*, Numeric*, Date*, Bool, IpAddress, Binary).
type KeyType uint8

const (
	TypeString KeyType = iota + 1
	TypeARN
	TypeNumeric
	TypeDate
	TypeBool
	TypeIPAddress
	TypeBinary
)

var keyTypeNames = [...]string{
	TypeString: "String", TypeARN: "ARN", TypeNumeric: "Numeric", TypeDate: "Date",
	TypeBool: "Bool", TypeIPAddress: "IPAddress", TypeBinary: "Binary",
}

// String returns the type as the Service Authorization Reference writes it ("IPAddress").
func (t KeyType) String() string {
	if int(t) < len(keyTypeNames) && keyTypeNames[t] != "" {
		return keyTypeNames[t]
	}
	return fmt.Sprintf("KeyType(%d)", uint8(t))
}

func parseKeyType(s string) (t KeyType, multi bool, ok bool) {
	s, multi = strings.CutPrefix(s, "ArrayOf")
	for i, name := range keyTypeNames {
		if name != "" && name == s {
			return KeyType(i), multi, true
		}
	}
	return 0, false, false
}

// ConditionKey is a condition key of the catalogue. A templated key such as
// aws:ResourceTag/${TagKey} stands for every concrete key it matches (aws:ResourceTag/team).
type ConditionKey struct {
	Name string // as in the data: "aws:ResourceTag/${TagKey}", "s3:ExistingObjectTag/<key>"
	Type KeyType
	// AlternateType is a second type the key's values can be given in, or 0. The one key with
	// one is aws:EpochTime: a Date that can also be compared with Numeric operators.
	AlternateType KeyType
	// MultiValued means a request can carry several values (the ArrayOf... types), so that the
	// ForAllValues and ForAnyValue set operators apply.
	MultiValued bool
	// Global means the key is one of AWS's global condition keys, available to every action.
	Global bool
	// Service is the prefix of the service whose data defines the key; empty for global keys.
	Service string

	pattern string // lower-case wildcard pattern for templated keys, empty otherwise
}

func newConditionKey(name, typ, service string, global bool) (ConditionKey, error) {
	k := ConditionKey{Name: name, Service: service, Global: global}
	main, alt, hasAlt := strings.Cut(typ, "|")
	var ok bool
	if k.Type, k.MultiValued, ok = parseKeyType(main); !ok {
		return k, fmt.Errorf("condition key %s: unknown type %q", name, typ)
	}
	if hasAlt {
		var altMulti bool
		if k.AlternateType, altMulti, ok = parseKeyType(alt); !ok || altMulti != k.MultiValued {
			return k, fmt.Errorf("condition key %s: unknown alternate type %q", name, alt)
		}
	}
	k.pattern = keyPattern(name)
	return k, nil
}

// keyPattern turns a templated key name into a lower-case wildcard pattern in which each
// placeholder is "?*", one or more characters; it returns "" for a plain key. Placeholders are
// written ${Name} or <name>; the data also writes a trailing "/tag-key" (AWS's own notation,
// aws:PrincipalTag/tag-key) or a bare trailing "/" (elasticloadbalancing:ResourceTag/) for a
// tag key. A placeholder can hold any character, slashes and colons included, because tag keys
// can (ssm:resourceTag/aws:ssmmessages:session-id is an instance).
func keyPattern(name string) string {
	if strings.IndexByte(name, '$') < 0 && strings.IndexByte(name, '<') < 0 && !strings.HasSuffix(name, "/") &&
		(len(name) < 8 || !strings.EqualFold(name[len(name)-8:], "/tag-key")) {
		return ""
	}
	lower := strings.ToLower(name)
	var b strings.Builder
	templated := false
	for i := 0; i < len(lower); {
		rest := lower[i:]
		var end int
		switch {
		case strings.HasPrefix(rest, "${"):
			end = strings.IndexByte(rest, '}')
		case rest[0] == '<':
			end = strings.IndexByte(rest, '>')
		default:
			end = -1
		}
		if end > 0 {
			b.WriteString("?*")
			templated = true
			i += end + 1
			continue
		}
		b.WriteByte(lower[i])
		i++
	}
	p := b.String()
	switch {
	case strings.HasSuffix(p, "/tag-key"):
		p = strings.TrimSuffix(p, "tag-key") + "?*"
		templated = true
	case strings.HasSuffix(p, "/"):
		p += "?*"
		templated = true
	}
	if !templated {
		return ""
	}
	return p
}

// Templated reports whether the key's name holds a placeholder.
func (k ConditionKey) Templated() bool { return k.pattern != "" }

// TypeName returns the type as the data writes it ("ArrayOfString").
func (k ConditionKey) TypeName() string {
	if k.MultiValued {
		return "ArrayOf" + k.Type.String()
	}
	return k.Type.String()
}

// HasType reports whether t is the key's type or its alternate type.
func (k ConditionKey) HasType(t KeyType) bool { return t == k.Type || (t != 0 && t == k.AlternateType) }

// Matches reports whether the concrete key name is this key, case-insensitively; for a
// templated key, whether name fills its placeholders with one or more characters each.
func (k ConditionKey) Matches(name string) bool {
	if k.pattern == "" {
		return strings.EqualFold(k.Name, name)
	}
	var buf [128]byte
	return matchWildcards(k.pattern, string(lowerASCII(buf[:0], name)))
}

// GlobalConditionKeys returns AWS's global condition keys, sorted by lower-case name.
func GlobalConditionKeys() []ConditionKey { return detailsData().globalKeys }

// LookupConditionKey finds the key a policy's condition names (a concrete key such as
// "aws:ResourceTag/team" or "s3:prefix", any casing). Global keys come first, then the keys the
// services define, each time exact names before templates.
func LookupConditionKey(name string) (ConditionKey, bool) {
	d := detailsData()
	if k, ok := lookupGlobalKey(d, name); ok {
		return k, true
	}
	var buf [128]byte
	lower := lowerASCII(buf[:0], name)
	if k, ok := d.serviceExact[string(lower)]; ok {
		return *k, true
	}
	for _, k := range d.serviceTemplates {
		if matchWildcards(k.pattern, string(lower)) {
			return *k, true
		}
	}
	return ConditionKey{}, false
}

func lookupGlobalKey(d *details, name string) (ConditionKey, bool) {
	var buf [128]byte
	lower := lowerASCII(buf[:0], name)
	if k, ok := d.globalExact[string(lower)]; ok {
		return *k, true
	}
	for _, k := range d.globalTemplates {
		if matchWildcards(k.pattern, string(lower)) {
			return *k, true
		}
	}
	return ConditionKey{}, false
}
