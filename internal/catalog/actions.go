package catalog

import (
	"errors"
	"fmt"
	"strings"
	"sync"
)

// Service is an AWS service of the catalogue, identified by its action prefix ("s3").
type Service struct {
	index  int
	prefix string // as in the data, lower case
	name   string // display name, "Amazon S3"
	first  int    // index of the service's first action
	end    int    // one past its last action
	rcp    bool
}

// Prefix returns the service prefix used in actions and condition keys ("s3").
func (s *Service) Prefix() string { return s.prefix }

// Name returns the service's display name ("Amazon S3").
func (s *Service) Name() string { return s.name }

// ActionRange returns the indices of the service's actions: first <= i < end. The actions of a
// service are contiguous in the action numbering because it sorts by full name.
func (s *Service) ActionRange() (first, end int) { return s.first, s.end }

// Actions returns the service's actions, sorted by lower-case name.
func (s *Service) Actions() []Action {
	out := make([]Action, 0, s.end-s.first)
	for i := s.first; i < s.end; i++ {
		out = append(out, Action{i})
	}
	return out
}

// RCPSupported reports whether resource control policies apply to the service.
func (s *Service) RCPSupported() bool { return s.rcp }

// Action is one action of the catalogue. Its index is its position in the dense numbering
// 0..NumActions()-1, which sorts actions by lower-case full name ("a2c:..." first); the
// numbering is stable for one data version (see DataVersion) and changes between versions.
type Action struct{ index int }

// Index returns the action's number in 0..NumActions()-1.
func (a Action) Index() int { return a.index }

// Name returns the action's full name with AWS's casing ("s3:GetObject").
func (a Action) Name() string { return actionTableLoaded().name(a.index) }

// LocalName returns the part after the colon ("GetObject").
func (a Action) LocalName() string {
	n := a.Name()
	return n[strings.IndexByte(n, ':')+1:]
}

// Service returns the action's service.
func (a Action) Service() *Service {
	t := actionTableLoaded()
	return t.serviceOf(a.index)
}

// String returns the full name, so that Actions print readably.
func (a Action) String() string { return a.Name() }

// actionTable is the first part of the embedded data: services and action names.
type actionTable struct {
	names     string // "svc:Action\n" for every action, in index order, AWS casing
	lower     string // names in lower case, same offsets
	offsets   []uint32
	services  []*Service          // sorted like the actions
	byPrefix  map[string]*Service // lower-case prefix
	rcpSorted []*Service
}

var (
	actionsOnce  sync.Once
	actionsTable *actionTable
)

func actionTableLoaded() *actionTable {
	actionsOnce.Do(func() {
		t, err := loadActions(actionsText)
		if err != nil {
			corrupt("action names (actions.txt)", err)
		}
		actionsTable = t
	})
	return actionsTable
}

// loadActions parses actions.txt (format in README.md). It does one pass over the text and
// allocates the offset slice, a lower-case copy and one small struct per service. The file is
// embedded uncompressed: decompressing it would double the load time of the part every
// evaluation needs.
func loadActions(text string) (*actionTable, error) {
	l := &lines{text: text}
	line, ok := l.next()
	if !ok || !strings.HasPrefix(line, "# Code generated") {
		return nil, errors.New("missing generated-file header")
	}
	line, _ = l.next()
	var nServices, nActions int
	if _, err := fmt.Sscanf(line, "# %d services, %d actions", &nServices, &nActions); err != nil {
		return nil, l.errorf("bad count line %q", line)
	}
	t := &actionTable{
		services: make([]*Service, 0, nServices),
		byPrefix: make(map[string]*Service, nServices),
		offsets:  make([]uint32, 0, nActions+1),
	}
	next := 0
	for range nServices {
		line, _ := l.next()
		var f [5]string
		ok := fields(line, f[:])
		count, okCount := atoi(f[3])
		if !ok || f[0] != "S" || !okCount || (f[4] != "0" && f[4] != "1") {
			return nil, l.errorf("bad service line %q", line)
		}
		s := &Service{index: len(t.services), prefix: f[1], name: f[2], first: next, end: next + count, rcp: f[4] == "1"}
		next += count
		t.services = append(t.services, s)
		t.byPrefix[strings.ToLower(s.prefix)] = s
		if s.rcp {
			t.rcpSorted = append(t.rcpSorted, s)
		}
	}
	if next != nActions {
		return nil, fmt.Errorf("service action counts add up to %d, not %d", next, nActions)
	}
	t.names = text[l.pos:]
	if !isASCII(t.names) {
		return nil, errors.New("action names are not ASCII")
	}
	t.lower = string(lowerASCII(make([]byte, 0, len(t.names)), t.names))
	for pos := 0; pos < len(t.names); {
		i := strings.IndexByte(t.names[pos:], '\n')
		if i < 0 {
			return nil, errors.New("action names do not end with a newline")
		}
		t.offsets = append(t.offsets, uint32(pos))
		pos += i + 1
	}
	if len(t.offsets) != nActions {
		return nil, fmt.Errorf("%d action names, header says %d", len(t.offsets), nActions)
	}
	t.offsets = append(t.offsets, uint32(len(t.names)))
	// Check the order the binary searches rely on, and that every name sits in its service.
	for _, s := range t.services {
		want := strings.ToLower(s.prefix) + ":"
		for i := s.first; i < s.end; i++ {
			n := t.lowerName(i)
			if !strings.HasPrefix(n, want) || len(n) == len(want) || (i > 0 && t.lowerName(i-1) >= n) {
				return nil, fmt.Errorf("action %d (%s) is out of order or outside service %s", i, n, s.prefix)
			}
		}
	}
	return t, nil
}

func (t *actionTable) name(i int) string {
	return t.names[t.offsets[i] : t.offsets[i+1]-1]
}

func (t *actionTable) lowerName(i int) string {
	return t.lower[t.offsets[i] : t.offsets[i+1]-1]
}

// serviceOf finds the service whose range holds action i by binary search.
func (t *actionTable) serviceOf(i int) *Service {
	lo, hi := 0, len(t.services)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if t.services[m].end <= i {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return t.services[lo]
}

// index finds a lower-case full name.
func (t *actionTable) index(lowerFull []byte) (int, bool) {
	colon := -1
	for i, c := range lowerFull {
		if c == ':' {
			colon = i
			break
		}
	}
	if colon < 0 {
		return 0, false
	}
	s, ok := t.byPrefix[string(lowerFull[:colon])]
	if !ok {
		return 0, false
	}
	lo, hi := s.first, s.end
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if t.lowerName(m) < string(lowerFull) {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < s.end && t.lowerName(lo) == string(lowerFull) {
		return lo, true
	}
	return 0, false
}

// NumActions returns the number of actions in the catalogue.
func NumActions() int { return len(actionTableLoaded().offsets) - 1 }

// ActionByIndex returns action i, 0 <= i < NumActions(); it panics for other i, like indexing.
func ActionByIndex(i int) Action {
	if i < 0 || i >= NumActions() {
		panic(fmt.Sprintf("catalog: action index %d out of range [0,%d)", i, NumActions()))
	}
	return Action{i}
}

// ActionIndex returns the index of the action named name ("s3:getobject" or any casing).
func ActionIndex(name string) (int, bool) {
	var buf [96]byte
	return actionTableLoaded().index(FoldAction(buf[:0], name))
}

// LookupAction returns the action named name, in any casing.
func LookupAction(name string) (Action, bool) {
	i, ok := ActionIndex(name)
	return Action{i}, ok
}

// LookupService returns the service with the given prefix, in any casing.
func LookupService(prefix string) (*Service, bool) {
	var buf [64]byte
	s, ok := actionTableLoaded().byPrefix[string(FoldAction(buf[:0], prefix))]
	return s, ok
}

// Services returns every service, in the order of the action numbering.
func Services() []*Service { return actionTableLoaded().services }

// RCPSupportedServices returns the services to which resource control policies apply.
func RCPSupportedServices() []*Service { return actionTableLoaded().rcpSorted }

// ExpandActionPattern returns, in increasing order, the indices of the actions that the
// pattern matches. The pattern is matched against full names ("s3:GetObject") case-
// insensitively, with * matching any run of characters (the empty run and colons included)
// and ? exactly one character, as in a policy's Action element. A pattern without wildcards
// matches at most its own action. When the part before the first colon has no wildcard, only
// that service's actions are scanned.
func ExpandActionPattern(pattern string) []int {
	return AppendActionPattern(nil, pattern)
}

// AppendActionPattern appends the indices ExpandActionPattern would return to dst.
func AppendActionPattern(dst []int, pattern string) []int {
	t := actionTableLoaded()
	var buf [96]byte
	p := FoldAction(buf[:0], pattern)
	if !hasWildcard(p) {
		if i, ok := t.index(p); ok {
			dst = append(dst, i)
		}
		return dst
	}
	first, end, skip := 0, len(t.offsets)-1, 0
	if colon := indexByte(p, ':'); colon >= 0 && !hasWildcard(p[:colon]) {
		s, ok := t.byPrefix[string(p[:colon])]
		if !ok {
			return dst
		}
		// Match the local part only: the prefix is known to be equal.
		first, end, skip = s.first, s.end, colon+1
		p = p[colon+1:]
	}
	g := compileActionGlob(string(p))
	for i := first; i < end; i++ {
		if g.match(t.lowerName(i)[skip:]) {
			dst = append(dst, i)
		}
	}
	return dst
}

func hasWildcard(p []byte) bool {
	for _, c := range p {
		if c == '*' || c == '?' {
			return true
		}
	}
	return false
}

func indexByte(p []byte, c byte) int {
	for i, b := range p {
		if b == c {
			return i
		}
	}
	return -1
}
