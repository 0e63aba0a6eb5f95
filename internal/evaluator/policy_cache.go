package evaluator

import (
	"strings"
	"sync"
)

// PolicyCache keeps the policies read from case and check lines by their text, so that the
// lines of one input that repeat a policy (batches of generated cases usually do) parse and
// compile it once. A compiled *Policy is never changed by evaluation or analysis (AWS managed
// policies are shared so already); a hit is a copy of the cached Policy that shares its
// statements, so that each line names it as its own field. Safe for concurrent use.
type PolicyCache struct {
	mu       sync.Mutex
	byText   map[string]*Policy
	bytes    int
	maxBytes int
}

// NewPolicyCache keeps policies whose texts add up to at most maxBytes; once full, it keeps
// what it has and adds nothing more (memory stays bounded, whatever the input).
func NewPolicyCache(maxBytes int) *PolicyCache {
	return &PolicyCache{byText: make(map[string]*Policy), maxBytes: maxBytes}
}

// parse is ParsePolicy of the text doc through the cache.
func (c *PolicyCache) parse(doc string) (*Policy, error) {
	if c == nil {
		return ParsePolicy([]byte(doc))
	}
	c.mu.Lock()
	p, ok := c.byText[doc]
	c.mu.Unlock()
	if !ok {
		var err error
		if p, err = ParsePolicy([]byte(doc)); err != nil {
			return nil, err
		}
		c.mu.Lock()
		if c.bytes+len(doc) <= c.maxBytes {
			// A copy, so that the key does not keep the whole line it was cut from.
			c.byText[strings.Clone(doc)] = p
			c.bytes += len(doc)
		}
		c.mu.Unlock()
	}
	cp := *p
	return &cp, nil
}
