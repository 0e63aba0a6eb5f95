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
	// placeholders: "arn:${Partition}:s3:::${BucketName}/${ObjectName}". A few types list
	// several formats separated by ", " (see ARNFormats). See MatchesARN.
	ARNFormat string
	// ConditionKeys are the keys the resource type's row lists (often aws:ResourceTag/${TagKey}).
	ConditionKeys []ConditionKey

	index int // position in the service's resource types
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

// actionDetail is what the details part holds for one action.
type actionDetail struct {
	level      AccessLevel
	resources  []ActionResource
	keys       []ConditionKey
	dependents []string
}

// details is the second part of the embedded data. The global keys and every service's
// condition keys are parsed when the part loads; a service's resource types and actions are
// parsed on first use, so a policy that names a few services pays for those only.
type details struct {
	globalKeys []ConditionKey
	services   []serviceDetails // by service index

	globalExact      map[string]*ConditionKey // lower-case name → key, untemplated global keys
	serviceExact     map[string]*ConditionKey // lower-case name → key, untemplated service keys
	globalTemplates  []*ConditionKey
	serviceTemplates []*ConditionKey
}

type serviceDetails struct {
	prefix string
	keys   []ConditionKey // sorted by lower-case name
	body   string         // the R and A lines
	// Numbers of R lines, A lines, resource entries of the A lines, and condition key
	// references, as the S line gives them.
	nr, na, nEntries, nKeyRefs int

	once          sync.Once
	resourceTypes []ResourceType
	actions       []actionDetail // by action index minus the service's first

	arnOnce     sync.Once
	endExcludes [][]string // by resource type, then format; see MatchesARN
}

var (
	detailsOnce   sync.Once
	detailsLoaded *details
)

func detailsData() *details {
	detailsOnce.Do(func() {
		text, err := gunzip(detailsGz)
		if err == nil {
			detailsLoaded, err = loadDetails(text, actionTableLoaded())
		}
		if err != nil {
			corrupt("action details (details.txt.gz)", err)
		}
	})
	return detailsLoaded
}

// loadDetails parses the global keys and the service keys of details.txt (format in
// README.md), checked against the already loaded names, and locates each service's body.
func loadDetails(text string, t *actionTable) (*details, error) {
	l := &lines{text: text}
	line, ok := l.next()
	if !ok || !strings.HasPrefix(line, "# Code generated") {
		return nil, errors.New("missing generated-file header")
	}
	d := &details{
		services:     make([]serviceDetails, len(t.services)),
		globalExact:  map[string]*ConditionKey{},
		serviceExact: map[string]*ConditionKey{},
	}
	line, ok = l.next()
	for ok && strings.HasPrefix(line, "G\t") {
		var f [3]string
		if !fields(line, f[:]) {
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
		var f [7]string
		okf := fields(line, f[:])
		nk, ok1 := atoi(f[2])
		nr, ok2 := atoi(f[3])
		na, ok3 := atoi(f[4])
		ne, ok4 := atoi(f[5])
		nref, ok5 := atoi(f[6])
		if !ok || !okf || f[0] != "S" || f[1] != s.prefix || !ok1 || !ok2 || !ok3 || !ok4 || !ok5 || na != s.end-s.first {
			return nil, l.errorf("expected the block of service %s (%d actions), found %q", s.prefix, s.end-s.first, line)
		}
		sd := &d.services[si]
		sd.prefix, sd.nr, sd.na, sd.nEntries, sd.nKeyRefs = s.prefix, nr, na, ne, nref
		sd.keys = make([]ConditionKey, 0, nk)
		for range nk {
			line, _ = l.next()
			var f [3]string
			if !fields(line, f[:]) || f[0] != "K" {
				return nil, l.errorf("bad condition key line %q", line)
			}
			k, err := newConditionKey(f[1], f[2], s.prefix, false)
			if err != nil {
				return nil, l.errorf("%v", err)
			}
			sd.keys = append(sd.keys, k)
		}
		start := l.pos
		for range nr + na {
			if _, ok := l.next(); !ok {
				return nil, l.errorf("service %s: block ends early", s.prefix)
			}
		}
		sd.body = text[start:l.pos]
		line, ok = l.next()
	}
	if ok {
		return nil, l.errorf("unexpected text after the last service: %q", line)
	}
	d.indexKeys()
	return d, nil
}

// parsed returns the service's resource types and actions, parsing them on first use.
func (sd *serviceDetails) parsed() *serviceDetails {
	sd.once.Do(func() {
		if err := sd.parse(); err != nil {
			corrupt("action details (details.txt.gz)", fmt.Errorf("service %s: %w", sd.prefix, err))
		}
	})
	return sd
}

// parse reads the R and A lines of the service's body.
func (sd *serviceDetails) parse() error {
	l := &lines{text: sd.body}
	keys := sd.keys
	// The S line gives the pools' exact sizes, so they never grow and slices of them can be
	// handed out at once. The sizes are checked, not assumed.
	keyPool := make([]ConditionKey, 0, sd.nKeyRefs)
	resources := make([]ActionResource, 0, sd.nEntries)
	keyIndexes := func(list string) ([]ConditionKey, error) {
		start := len(keyPool)
		for list != "" {
			var item string
			item, list, _ = strings.Cut(list, ",")
			i, ok := atoi(item)
			if !ok || i >= len(keys) {
				return nil, l.errorf("bad condition key index %q", item)
			}
			if len(keyPool) == cap(keyPool) {
				return nil, l.errorf("more condition key references than the %d announced", sd.nKeyRefs)
			}
			keyPool = append(keyPool, keys[i])
		}
		// Capped, so that an append by a caller cannot write into a neighbour.
		return keyPool[start:len(keyPool):len(keyPool)], nil
	}
	rts := make([]ResourceType, 0, sd.nr)
	for range sd.nr {
		line, _ := l.next()
		var f [4]string
		if !fields(line, f[:]) || f[0] != "R" {
			return l.errorf("bad resource type line %q", line)
		}
		rtKeys, err := keyIndexes(f[3])
		if err != nil {
			return err
		}
		rts = append(rts, ResourceType{Service: sd.prefix, Name: f[1], ARNFormat: f[2], ConditionKeys: rtKeys, index: len(rts)})
	}
	actions := make([]actionDetail, 0, sd.na)
	for range sd.na {
		line, _ := l.next()
		var f [5]string
		if !fields(line, f[:]) || f[0] != "A" {
			return l.errorf("bad action line %q", line)
		}
		a := actionDetail{level: accessCodes[f[1]], dependents: splitList(f[4])}
		if a.level == 0 {
			return l.errorf("bad access level %q", f[1])
		}
		start := len(resources)
		for entries := f[2]; entries != ""; {
			var e string
			e, entries, _ = strings.Cut(entries, ";")
			e, deps, _ := strings.Cut(e, ">")
			e, keyList, _ := strings.Cut(e, "/")
			req := strings.HasSuffix(e, "!")
			i, ok := atoi(strings.TrimSuffix(e, "!"))
			if !ok || i >= len(rts) {
				return l.errorf("bad resource type entry %q", e)
			}
			entryKeys, err := keyIndexes(keyList)
			if err != nil {
				return err
			}
			if len(resources) == cap(resources) {
				return l.errorf("more resource entries than the %d announced", sd.nEntries)
			}
			resources = append(resources, ActionResource{ResourceType: &rts[i], Required: req, ConditionKeys: entryKeys, DependentActions: splitList(deps)})
		}
		a.resources = resources[start:len(resources):len(resources)]
		var err error
		if a.keys, err = keyIndexes(f[3]); err != nil {
			return err
		}
		actions = append(actions, a)
	}
	if line, ok := l.next(); ok {
		return l.errorf("unexpected line %q", line)
	}
	if len(keyPool) != sd.nKeyRefs || len(resources) != sd.nEntries {
		return fmt.Errorf("%d resource entries and %d key references, announced %d and %d",
			len(resources), len(keyPool), sd.nEntries, sd.nKeyRefs)
	}
	sd.resourceTypes, sd.actions = rts, actions
	return nil
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
		// The service prefix in front of the key's colon; prefixes are lower case.
		return len(lower) > len(k.Service) && lower[len(k.Service)] == ':' && strings.HasPrefix(lower, k.Service)
	}
	templates := map[string]int{} // lower-case name → index in d.serviceTemplates
	for si := range d.services {
		for i := range d.services[si].keys {
			k := &d.services[si].keys[i]
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

// actionDetail returns the details of action a, parsing its service's block if needed.
func (a Action) detail() *actionDetail {
	s := a.Service()
	sd := detailsData().services[s.index].parsed()
	return &sd.actions[a.index-s.first]
}

// AccessLevel returns the action's access level.
func (a Action) AccessLevel() AccessLevel { return a.detail().level }

// ResourceTypes returns the resource types the action acts on, in the data's order.
func (a Action) ResourceTypes() []ActionResource { return a.detail().resources }

// ConditionKeys returns the condition keys listed for the action itself (not those of its
// resource types; see ActionResource.ConditionKeys and ResourceType.ConditionKeys).
func (a Action) ConditionKeys() []ConditionKey { return a.detail().keys }

// DependentActions returns the actions a request for this action also needs.
func (a Action) DependentActions() []string { return a.detail().dependents }

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
func (s *Service) ResourceTypes() []ResourceType {
	return detailsData().services[s.index].parsed().resourceTypes
}

// ResourceType returns the service's resource type with the given name, in any casing.
func (s *Service) ResourceType(name string) (*ResourceType, bool) {
	rts := s.ResourceTypes()
	for i := range rts {
		if strings.EqualFold(rts[i].Name, name) {
			return &rts[i], true
		}
	}
	return nil, false
}

// ConditionKeys returns the condition keys the service's data defines (including aws: keys it
// lists, such as aws:ResourceTag/${TagKey}), sorted by lower-case name.
func (s *Service) ConditionKeys() []ConditionKey { return detailsData().services[s.index].keys }

// ConditionKey returns the service's key that matches name (a concrete key, any casing).
func (s *Service) ConditionKey(name string) (ConditionKey, bool) {
	keys := s.ConditionKeys()
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
