package catalog

import "testing"

// BenchmarkLoadActions measures a cold load of the action names: decompression, parsing and
// the checks, as on the first ActionIndex or ExpandActionPattern of a process. It calls the
// loader directly, so every iteration starts from nothing.
func BenchmarkLoadActions(b *testing.B) {
	for b.Loop() {
		if _, err := loadActions(actionsText); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoadActionDetails measures a cold load of the details part: decompression, the
// global and service condition keys, and one service's resource types and actions, as on the
// first validation of a policy naming one service (the names are loaded outside the loop).
func BenchmarkLoadActionDetails(b *testing.B) {
	t := actionTableLoaded()
	s3, _ := LookupService("s3")
	for b.Loop() {
		text, err := gunzip(detailsGz)
		if err != nil {
			b.Fatal(err)
		}
		d, err := loadDetails(text, t)
		if err != nil {
			b.Fatal(err)
		}
		if err := d.services[s3.index].parse(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoadAllActionDetails is BenchmarkLoadActionDetails with every service parsed, as
// for a policy that names all of them (ReadOnlyAccess comes close).
func BenchmarkLoadAllActionDetails(b *testing.B) {
	t := actionTableLoaded()
	for b.Loop() {
		text, err := gunzip(detailsGz)
		if err != nil {
			b.Fatal(err)
		}
		d, err := loadDetails(text, t)
		if err != nil {
			b.Fatal(err)
		}
		for i := range d.services {
			if err := d.services[i].parse(); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkExpandPutPolicy expands a pattern whose service part is a wildcard, so it scans
// every action.
func BenchmarkExpandPutPolicy(b *testing.B) {
	actionTableLoaded()
	var dst []int
	for b.Loop() {
		dst = AppendActionPattern(dst[:0], "*Put*Policy*")
	}
	if len(dst) < 100 {
		b.Fatalf("only %d matches", len(dst))
	}
}

// BenchmarkExpandServiceScoped expands a pattern scoped to one service.
func BenchmarkExpandServiceScoped(b *testing.B) {
	actionTableLoaded()
	var dst []int
	for b.Loop() {
		dst = AppendActionPattern(dst[:0], "s3:Get*")
	}
}

// BenchmarkManagedPolicyLookup looks up a policy by ARN once the index and its chunk are loaded.
func BenchmarkManagedPolicyLookup(b *testing.B) {
	const arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
	if _, ok := ManagedPolicyByARN(arn); !ok {
		b.Fatal("ReadOnlyAccess not found")
	}
	for b.Loop() {
		if _, ok := ManagedPolicyByARN(arn); !ok {
			b.Fatal("not found")
		}
	}
}

// BenchmarkManagedPolicyLookupCold loads the managed policy index and decompresses the chunk
// holding ReadOnlyAccess, as the first lookup of a process does.
func BenchmarkManagedPolicyLookupCold(b *testing.B) {
	for b.Loop() {
		m, err := loadManagedIndex(managedIndexGz, managedDocsGz)
		if err != nil {
			b.Fatal(err)
		}
		e, ok := m.find("ReadOnlyAccess")
		if !ok || len(m.policy(e).Document) == 0 {
			b.Fatal("ReadOnlyAccess not found")
		}
	}
}

// BenchmarkLookupConditionKey resolves a templated global key and a service key.
func BenchmarkLookupConditionKey(b *testing.B) {
	detailsData()
	for b.Loop() {
		if _, ok := LookupConditionKey("aws:ResourceTag/team"); !ok {
			b.Fatal("not found")
		}
		if _, ok := LookupConditionKey("s3:ExistingObjectTag/env"); !ok {
			b.Fatal("not found")
		}
	}
}
