package catalog

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
)

// ManagedPolicy is the default version of an AWS managed policy.
type ManagedPolicy struct {
	ARN       string // "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
	Name      string // "AWSLambdaBasicExecutionRole"
	Path      string // "/service-role/"; "/" for most policies
	VersionID string // the default version, "v3"
	Document  string // the policy document, as compact JSON with the keys in AWS's order
}

// managedPolicyARNPrefix starts every AWS managed policy ARN. Only the aws partition is
// covered: the data comes from the commercial partition.
const managedPolicyARNPrefix = "arn:aws:iam::aws:policy/"

type managedEntry struct {
	arn, versionID string
	chunk          int
	offset, length int
}

type managedChunk struct {
	once sync.Once
	z    []byte // this chunk's gzip member
	text string
}

type managedIndex struct {
	entries []managedEntry // sorted by name
	chunks  []*managedChunk
}

var (
	managedOnce   sync.Once
	managedLoaded *managedIndex
)

func managedData() *managedIndex {
	managedOnce.Do(func() {
		m, err := loadManagedIndex(managedIndexGz, managedDocsGz)
		if err != nil {
			corrupt("managed policy index (managed-index.txt.gz)", err)
		}
		managedLoaded = m
	})
	return managedLoaded
}

// loadManagedIndex parses managed-index.txt.gz (format in README.md); documents are read on
// demand, one chunk at a time.
func loadManagedIndex(z, docs []byte) (*managedIndex, error) {
	text, err := gunzip(z)
	if err != nil {
		return nil, err
	}
	l := &lines{text: text}
	line, ok := l.next()
	if !ok || !strings.HasPrefix(line, "# Code generated") {
		return nil, errors.New("missing generated-file header")
	}
	line, _ = l.next()
	var nPolicies, nChunks int
	if _, err := fmt.Sscanf(line, "# %d policies, %d chunks", &nPolicies, &nChunks); err != nil {
		return nil, l.errorf("bad count line %q", line)
	}
	m := &managedIndex{entries: make([]managedEntry, 0, nPolicies), chunks: make([]*managedChunk, 0, nChunks)}
	for range nChunks {
		line, _ := l.next()
		var f [3]string
		ok := fields(line, f[:])
		off, ok1 := atoi(f[1])
		n, ok2 := atoi(f[2])
		if !ok || f[0] != "C" || !ok1 || !ok2 || off+n > len(docs) {
			return nil, l.errorf("bad chunk line %q", line)
		}
		m.chunks = append(m.chunks, &managedChunk{z: docs[off : off+n]})
	}
	for range nPolicies {
		line, _ := l.next()
		var f [6]string
		ok := fields(line, f[:])
		c, ok1 := atoi(f[3])
		off, ok2 := atoi(f[4])
		n, ok3 := atoi(f[5])
		if !ok || f[0] != "P" || !ok1 || !ok2 || !ok3 || c >= len(m.chunks) || !strings.HasPrefix(f[1], managedPolicyARNPrefix) {
			return nil, l.errorf("bad policy line %q", line)
		}
		e := managedEntry{arn: f[1], versionID: f[2], chunk: c, offset: off, length: n}
		if k := len(m.entries); k > 0 && policyName(m.entries[k-1].arn) >= policyName(e.arn) {
			return nil, l.errorf("policy %s is out of order", e.arn)
		}
		m.entries = append(m.entries, e)
	}
	if line, ok := l.next(); ok {
		return nil, l.errorf("unexpected text %q", line)
	}
	return m, nil
}

func policyName(arn string) string { return arn[strings.LastIndexByte(arn, '/')+1:] }

func (c *managedChunk) load() string {
	c.once.Do(func() {
		text, err := gunzip(c.z)
		if err != nil {
			corrupt("managed policy documents (managed-docs.gz)", err)
		}
		c.text = text
	})
	return c.text
}

func (m *managedIndex) find(name string) (managedEntry, bool) {
	i := sort.Search(len(m.entries), func(i int) bool { return policyName(m.entries[i].arn) >= name })
	if i < len(m.entries) && policyName(m.entries[i].arn) == name {
		return m.entries[i], true
	}
	return managedEntry{}, false
}

func (m *managedIndex) policy(e managedEntry) ManagedPolicy {
	text := m.chunks[e.chunk].load()
	if e.offset+e.length > len(text) {
		corrupt("managed policy documents (managed-docs.gz)", fmt.Errorf("document of %s is outside its chunk", e.arn))
	}
	name := policyName(e.arn)
	return ManagedPolicy{
		ARN:       e.arn,
		Name:      name,
		Path:      e.arn[len(managedPolicyARNPrefix)-1 : len(e.arn)-len(name)],
		VersionID: e.versionID,
		Document:  text[e.offset : e.offset+e.length],
	}
}

// ManagedPolicyByARN returns the AWS managed policy with the given ARN. The ARN must be exact,
// path included ("arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"), as IAM
// requires when attaching it; names are case-sensitive.
func ManagedPolicyByARN(arn string) (ManagedPolicy, bool) {
	if !strings.HasPrefix(arn, managedPolicyARNPrefix) {
		return ManagedPolicy{}, false
	}
	m := managedData()
	e, ok := m.find(policyName(arn))
	if !ok || e.arn != arn {
		return ManagedPolicy{}, false
	}
	return m.policy(e), true
}

// ManagedPolicyByName returns the AWS managed policy with the given name ("ReadOnlyAccess"),
// whatever its path. Names are case-sensitive and unique among AWS managed policies.
func ManagedPolicyByName(name string) (ManagedPolicy, bool) {
	m := managedData()
	e, ok := m.find(name)
	if !ok {
		return ManagedPolicy{}, false
	}
	return m.policy(e), true
}

// IsManagedPolicyARN reports whether arn has the form of an AWS managed policy ARN, known to
// the catalogue or not.
func IsManagedPolicyARN(arn string) bool { return strings.HasPrefix(arn, managedPolicyARNPrefix) }

// NumManagedPolicies returns the number of AWS managed policies in the catalogue.
func NumManagedPolicies() int { return len(managedData().entries) }

// ManagedPolicyARNs returns the ARNs of every AWS managed policy, sorted by policy name.
func ManagedPolicyARNs() []string {
	m := managedData()
	out := make([]string, len(m.entries))
	for i, e := range m.entries {
		out[i] = e.arn
	}
	return out
}
