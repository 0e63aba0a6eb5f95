package evaluator

import (
	"fmt"
	"strconv"
	"strings"
)

// The explanation of decisions: how statements and layers are named in reasons. The decision
// itself is in authorize.go; these only write text, on demand.

// describeRefs names the statements, built without fmt: it runs on every decision.
func describeRefs(prefix string, refs []StatementRef, suffix string) string {
	n := len(prefix) + len(suffix)
	for _, r := range refs {
		n += len(r.Policy) + len(r.Sid) + 24
	}
	var b strings.Builder
	b.Grow(n)
	b.WriteString(prefix)
	for i, r := range refs {
		if i > 0 {
			b.WriteString(", ")
		}
		r.writeTo(&b)
	}
	b.WriteString(suffix)
	return b.String()
}

// String names the statement: `identity_policies[0] statement 1 ("AllowS3")`.
func (r StatementRef) String() string {
	var b strings.Builder
	r.writeTo(&b)
	return b.String()
}

func (r StatementRef) writeTo(b *strings.Builder) {
	b.WriteString(r.Policy)
	b.WriteString(" statement ")
	b.WriteString(strconv.Itoa(r.Index))
	if r.Sid != "" {
		b.WriteString(" (")
		b.WriteString(strconv.Quote(r.Sid))
		b.WriteString(")")
	}
}

// String names the layer: "scp[1]", "permissions_boundary".
func (b Block) String() string {
	if b.Layer == KindSCP || b.Layer == KindRCP {
		return fmt.Sprintf("%s[%d]", b.Layer, b.Level)
	}
	return string(b.Layer)
}

func blockReason(blocks []Block) string {
	var parts []string
	for _, b := range blocks {
		switch b.Layer {
		case KindSCP:
			parts = append(parts, fmt.Sprintf("no SCP at organisation level %d allows it", b.Level))
		case KindRCP:
			parts = append(parts, fmt.Sprintf("no RCP at organisation level %d allows it", b.Level))
		case KindResource:
			parts = append(parts, "the resource policy does not grant it to the caller")
		case KindIdentity:
			parts = append(parts, "no identity-based policy allows it")
		case KindPermissionsBoundary:
			parts = append(parts, "the permissions boundary does not allow it")
		case KindSession:
			parts = append(parts, "the session policy does not allow it")
		}
	}
	return "implicitly denied: " + strings.Join(parts, "; ")
}
