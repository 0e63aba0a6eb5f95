package evaluator

import (
	"bytes"
	"encoding/base64"
	"fmt"
)

// BinaryEquals [OPS] "compares the value of the specified key byte for byte against a base-64
// encoded representation of the binary value in the policy". Request values are base-64 text
// too (a request context holds strings); one that does not decode matches nothing. Standard
// base 64 is read, with or without padding.

func parseBinaryValue(s string) ([]byte, error) {
	b, ok := decodeBase64(s, nil)
	if !ok {
		return nil, fmt.Errorf("expected base-64 text (standard alphabet), such as QmluYXJ5VmFsdWU=")
	}
	return b, nil
}

// decodeBase64 decodes s into buf when it is large enough, else into new memory.
func decodeBase64(s string, buf []byte) ([]byte, bool) {
	enc := base64.StdEncoding
	if len(s)%4 != 0 {
		enc = base64.RawStdEncoding
	}
	n := enc.DecodedLen(len(s))
	if n > len(buf) {
		buf = make([]byte, n)
	}
	n, err := enc.Decode(buf[:n], []byte(s))
	if err != nil {
		return nil, false
	}
	return buf[:n], true
}

func (c *compiledCondition) matchBinary(s string) bool {
	var buf [256]byte
	got, ok := decodeBase64(s, buf[:])
	if !ok {
		return false
	}
	for i := range c.values {
		if bytes.Equal(got, c.values[i].bytes) {
			return true
		}
	}
	return false
}
