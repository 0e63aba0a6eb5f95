package catalog

import (
	"errors"
	"fmt"
	"strings"
	"sync"
)

// AccessLevel is the access level the Service Authorization Reference gives an action.
type AccessLevel uint8

const (
	AccessList AccessLevel = iota + 1
	AccessRead
	AccessWrite
	AccessTagging
	AccessPermissionsManagement
)

// String returns the level as AWS writes it ("Permissions management").
func (l AccessLevel) String() string {
	switch l {
	case AccessList:
		return "List"
	case AccessRead:
		return "Read"
	case AccessWrite:
		return "Write"
	case AccessTagging:
		return "Tagging"
	case AccessPermissionsManagement:
		return "Permissions management"
	}
	return fmt.Sprintf("AccessLevel(%d)", uint8(l))
}

var accessCodes = map[string]AccessLevel{
	"L": AccessList, "R": AccessRead, "W": AccessWrite, "T": AccessTagging, "P": AccessPermissionsManagement,
}

// ResourceType is a resource type of a service: its name and ARN format.
type ResourceType struct {
	Service string // service prefix
	Name    string // "object"
	// ARNFormat is the format as the Service Authorization Reference writes it, with ${...}
	// placeholders: "arn:${Partition}:s3:::${BucketName}/${ObjectName}". See MatchesARN.
	ARNFormat string
	// ConditionKeys are the keys the resource type's row lists (often aws:ResourceTag/${TagKey}).
	ConditionKeys []ConditionKey
}

// ActionResource is one resource type an action acts on.
type ActionResource struct {
	ResourceType *ResourceType
	// Required means a request for the action always names a resource of this type; when no
	// resource type of an action is required, resource-level permissions are optional for it.
	Required bool
	// ConditionKeys are the keys listed for this action on this resource type's row.
	ConditionKeys []ConditionKey
	// DependentActions are further actions a request needs on this resource type.
	DependentActions []string
}

// actionDetail is what the details part holds for one action; the slices are ranges of the
// pools in details.
type actionDetail struct {
	level            AccessLevel
	rtStart, rtEnd   int32
	keyStart, keyEnd int32
	dependents       []string
}

// details is the second part of the embedded data.
type details struct {
	globalKeys    []ConditionKey
	serviceKeys   [][]ConditionKey // by service index, sorted by lower-case name
	resourceTypes [][]ResourceType // by service index, sorted by lower-case name
	actions       []actionDetail   // by action index
	resources     []ActionResource // pool
	keyPool       []ConditionKey   // pool for the ConditionKeys slices

	globalExact      map[string]*ConditionKey // lower-case name → key, untemplated global keys
	serviceExact     map[string]*ConditionKey // lower-case name → key, untemplated service keys
	globalTemplates  []*ConditionKey
	serviceTemplates []*ConditionKey
}

var (
	detailsOnce   sync.Once
	detailsLoaded *details
)

func detailsData() *details {
	detailsOnce.Do(func() {
		d, err := loadDetails(detailsGz, actionTableLoaded())
		if err != nil {
			corrupt("action details (details.txt.gz)", err)
		}
		detailsLoaded = d
	})
	return detailsLoaded
}

// loadDetails parses details.txt.gz (format in README.md) against the already loaded names.
func loadDetails(z []byte, t *actionTable) (*details, error) {
	text, err := gunzip(z)
	if err != nil {
		return nil, err
	}
	l := &lines{text: text}
	line, ok := l.next()
	if !ok || !strings.HasPrefix(line, "# Code generated") {
		return nil, errors.New("missing generated-file header")
	}
	n := len(t.offsets) - 1
	d := &details{
		serviceKeys:   make([][]ConditionKey, len(t.services)),
		resourceTypes: make([][]ResourceType, len(t.services)),
		actions:       make([]actionDetail, 0, n),
		resources:     make([]ActionResource, 0, n),
		keyPool:       make([]ConditionKey, 0, 2*n),
		globalExact:   map[string]*ConditionKey{},
		serviceExact:  map[string]*ConditionKey{},
	}
	// keyRanges remembers, for each resource entry and resource type, its range of keyPool, to
	// be turned into slices once the pool has stopped growing.
	type keyRange struct{ start, end int32 }
	var entryKeys []keyRange
	var rtKeys [][]keyRange
	rtKeys = make([][]keyRange, len(t.services))

	line, ok = l.next()
	for ok && strings.HasPrefix(line, "G\t") {
		f, okf := fields(line, 3)
		if !okf {
			return nil, l.errorf("bad global key line %q", line)
		}
		k, err := newConditionKey(f[1], f[2], "", true)
		if err != nil {
			return nil, l.errorf("%v", err)
		}
		d.globalKeys = append(d.globalKeys, k)
		line, ok = l.next()
	}
	for si, s := range t.services {
		f, okf := fields(line, 5)
		nk, ok1 := atoi(f[min(2, len(f)-1)])
		nr, ok2 := atoi(f[min(3, len(f)-1)])
		na, ok3 := atoi(f[min(4, len(f)-1)])
		if !ok || !okf || f[0] != "S" || f[1] != s.prefix || !ok1 || !ok2 || !ok3 || na != s.end-s.first {
			return nil, l.errorf("expected the block of service %s (%d actions), found %q", s.prefix, s.end-s.first, line)
		}
		keys := make([]ConditionKey, 0, nk)
		for range nk {
			line, _ = l.next()
			f, okf := fields(line, 3)
			if !okf || f[0] != "K" {
				return nil, l.errorf("bad condition key line %q", line)
			}
			k, err := newConditionKey(f[1], f[2], s.prefix, false)
			if err != nil {
				return nil, l.errorf("%v", err)
			}
			keys = append(keys, k)
		}
		d.serviceKeys[si] = keys
		// keyIndexes appends the keys named by a comma-separated list of indexes to the pool.
		keyIndexes := func(list string) (keyRange, error) {
			r := keyRange{int32(len(d.keyPool)), 0}
			for list != "" {
				var item string
				item, list, _ = strings.Cut(list, ",")
				i, ok := atoi(item)
				if !ok || i >= len(keys) {
					return r, l.errorf("bad condition key index %q", item)
				}
				d.keyPool = append(d.keyPool, keys[i])
			}
			r.end = int32(len(d.keyPool))
			return r, nil
		}
		rts := make([]ResourceType, 0, nr)
		rtKeys[si] = make([]keyRange, 0, nr)
		for range nr {
			line, _ = l.next()
			f, okf := fields(line, 4)
			if !okf || f[0] != "R" {
				return nil, l.errorf("bad resource type line %q", line)
			}
			r, err := keyIndexes(f[3])
			if err != nil {
				return nil, err
			}
			rts = append(rts, ResourceType{Service: s.prefix, Name: f[1], ARNFormat: f[2]})
			rtKeys[si] = append(rtKeys[si], r)
		}
		d.resourceTypes[si] = rts
		for range na {
			line, _ = l.next()
			f, okf := fields(line, 5)
			if !okf || f[0] != "A" {
				return nil, l.errorf("bad action line %q", line)
			}
			a := actionDetail{level: accessCodes[f[1]], rtStart: int32(len(d.resources))}
			if a.level == 0 {
				return nil, l.errorf("bad access level %q", f[1])
			}
			for entries := f[2]; entries != ""; {
				var e string
				e, entries, _ = strings.Cut(entries, ";")
				e, deps, _ := strings.Cut(e, ">")
				e, keyList, _ := strings.Cut(e, "/")
				req := strings.HasSuffix(e, "!")
				i, ok := atoi(strings.TrimSuffix(e, "!"))
				if !ok || i >= len(rts) {
					return nil, l.errorf("bad resource type entry %q", e)
				}
				r, err := keyIndexes(keyList)
				if err != nil {
					return nil, err
				}
				d.resources = append(d.resources, ActionResource{ResourceType: &rts[i], Required: req, DependentActions: splitList(deps)})
				entryKeys = append(entryKeys, r)
			}
			a.rtEnd = int32(len(d.resources))
			r, err := keyIndexes(f[3])
			if err != nil {
				return nil, err
			}
			a.keyStart, a.keyEnd = r.start, r.end
			a.dependents = splitList(f[4])
			d.actions = append(d.actions, a)
		}
		line, ok = l.next()
	}
	if ok {
		return nil, l.errorf("unexpected text after the last service: %q", line)
	}
	// The pool is final: hand out sub-slices, capped so that an append by a caller cannot
	// write into a neighbour.
	for i := range d.resources {
		r := entryKeys[i]
		d.resources[i].ConditionKeys = d.keyPool[r.start:r.end:r.end]
	}
	for si := range d.resourceTypes {
		for i := range d.resourceTypes[si] {
			r := rtKeys[si][i]
			d.resourceTypes[si][i].ConditionKeys = d.keyPool[r.start:r.end:r.end]
		}
	}
	d.indexKeys()
	return d, nil
}

// indexKeys builds the maps used by LookupConditionKey. When several services define the same
// key (aws:RequestTag/${TagKey} is in most of them), the definition of the service whose prefix
// the key carries wins, else the first service in order.
func (d *details) indexKeys() {
	for i := range d.globalKeys {
		k := &d.globalKeys[i]
		if k.pattern != "" {
			d.globalTemplates = append(d.globalTemplates, k)
		} else {
			d.globalExact[strings.ToLower(k.Name)] = k
		}
	}
	owns := func(k *ConditionKey, lower string) bool {
		return strings.HasPrefix(lower, strings.ToLower(k.Service)+":")
	}
	templates := map[string]int{} // lower-case name → index in d.serviceTemplates
	for si := range d.serviceKeys {
		for i := range d.serviceKeys[si] {
			k := &d.serviceKeys[si][i]
			lower := strings.ToLower(k.Name)
			if k.pattern != "" {
				j, ok := templates[lower]
				switch {
				case !ok:
					templates[lower] = len(d.serviceTemplates)
					d.serviceTemplates = append(d.serviceTemplates, k)
				case !owns(d.serviceTemplates[j], lower) && owns(k, lower):
					d.serviceTemplates[j] = k
				}
				continue
			}
			if prev, ok := d.serviceExact[lower]; !ok || !owns(prev, lower) && owns(k, lower) {
				d.serviceExact[lower] = k
			}
		}
	}
}

func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// AccessLevel returns the action's access level.
func (a Action) AccessLevel() AccessLevel { return detailsData().actions[a.index].level }

// ResourceTypes returns the resource types the action acts on, in the data's order.
func (a Action) ResourceTypes() []ActionResource {
	d := detailsData()
	ad := d.actions[a.index]
	return d.resources[ad.rtStart:ad.rtEnd:ad.rtEnd]
}

// ConditionKeys returns the condition keys listed for the action itself (not those of its
// resource types; see ActionResource.ConditionKeys and ResourceType.ConditionKeys).
func (a Action) ConditionKeys() []ConditionKey {
	d := detailsData()
	ad := d.actions[a.index]
	return d.keyPool[ad.keyStart:ad.keyEnd:ad.keyEnd]
}

// DependentActions returns the actions a request for this action also needs.
func (a Action) DependentActions() []string { return detailsData().actions[a.index].dependents }

// SupportsConditionKey reports whether a request for the action can carry the condition key
// name (a concrete key such as "aws:ResourceTag/team"): it is a global key, or it matches a key
// of the action, of one of the action's resource-type rows, or of one of those resource types.
func (a Action) SupportsConditionKey(name string) bool {
	if _, ok := lookupGlobalKey(detailsData(), name); ok {
		return true
	}
	if anyKeyMatches(a.ConditionKeys(), name) {
		return true
	}
	for _, r := range a.ResourceTypes() {
		if anyKeyMatches(r.ConditionKeys, name) || anyKeyMatches(r.ResourceType.ConditionKeys, name) {
			return true
		}
	}
	return false
}

func anyKeyMatches(keys []ConditionKey, name string) bool {
	for i := range keys {
		if keys[i].Matches(name) {
			return true
		}
	}
	return false
}

// ResourceTypes returns the service's resource types, sorted by lower-case name.
func (s *Service) ResourceTypes() []ResourceType { return detailsData().resourceTypes[s.index] }

// ResourceType returns the service's resource type with the given name, in any casing.
func (s *Service) ResourceType(name string) (*ResourceType, bool) {
	rts := detailsData().resourceTypes[s.index]
	for i := range rts {
		if strings.EqualFold(rts[i].Name, name) {
			return &rts[i], true
		}
	}
	return nil, false
}

// ConditionKeys returns the condition keys the service's data defines (including aws: keys it
// lists, such as aws:ResourceTag/${TagKey}), sorted by lower-case name.
func (s *Service) ConditionKeys() []ConditionKey { return detailsData().serviceKeys[s.index] }

// ConditionKey returns the service's key that matches name (a concrete key, any casing).
func (s *Service) ConditionKey(name string) (ConditionKey, bool) {
	keys := detailsData().serviceKeys[s.index]
	var templated *ConditionKey
	for i := range keys {
		k := &keys[i]
		if k.pattern == "" && strings.EqualFold(k.Name, name) {
			return *k, true
		}
		if templated == nil && k.pattern != "" && k.Matches(name) {
			templated = k
		}
	}
	if templated != nil {
		return *templated, true
	}
	return ConditionKey{}, false
}
