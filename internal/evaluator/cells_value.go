package evaluator

import (
	"encoding/base64"
	"math/big"
	"net/netip"
	"sort"
	"time"
)

// This file lists representative values of a condition key for the families compared by
// order or equality (Numeric, Date, IpAddress, Bool, Binary). Their policy constants cut the
// value line into points and open intervals; every value in one piece compares alike with
// every constant, so one value per piece (and one that does not parse at all) covers every
// request. String and Arn keys use the glob cellizer (cells_string.go).

// numericRepresentatives: each constant, a value between each two neighbours, one below the
// least and one above the greatest, and a value that is not a number.
func numericRepresentatives(conds []*compiledCondition) []string {
	var rats []*big.Rat
	for _, c := range conds {
		if c.family != FamilyNumeric {
			continue
		}
		for _, v := range c.values {
			rats = append(rats, v.number.Rat())
		}
	}
	sort.Slice(rats, func(i, j int) bool { return rats[i].Cmp(rats[j]) < 0 })
	rats = uniqueRats(rats)
	out := []string{"not-a-number"}
	if len(rats) == 0 {
		return append(out, "0")
	}
	one := big.NewRat(1, 1)
	out = append(out, ratString(new(big.Rat).Sub(rats[0], one)))
	for i, r := range rats {
		out = append(out, ratString(r))
		if i+1 < len(rats) {
			mid := new(big.Rat).Add(r, rats[i+1])
			out = append(out, ratString(mid.Quo(mid, big.NewRat(2, 1))))
		}
	}
	return append(out, ratString(new(big.Rat).Add(rats[len(rats)-1], one)))
}

func uniqueRats(in []*big.Rat) []*big.Rat {
	var out []*big.Rat
	for _, r := range in {
		if len(out) == 0 || out[len(out)-1].Cmp(r) != 0 {
			out = append(out, r)
		}
	}
	return out
}

// ratString writes r as a decimal. The midpoint of two decimals has at most one more digit
// than the longer of them, so a finite expansion always exists.
func ratString(r *big.Rat) string {
	if r.IsInt() {
		return r.Num().String()
	}
	for prec := 1; ; prec++ {
		s := r.FloatString(prec)
		back, _ := new(big.Rat).SetString(s)
		if back.Cmp(r) == 0 {
			return s
		}
	}
}

// dateRepresentatives: as numericRepresentatives on instants, written in ISO 8601.
func dateRepresentatives(conds []*compiledCondition) []string {
	var ts []time.Time
	for _, c := range conds {
		if c.family != FamilyDate {
			continue
		}
		for _, v := range c.values {
			ts = append(ts, v.date.Time())
		}
	}
	sort.Slice(ts, func(i, j int) bool { return ts[i].Before(ts[j]) })
	out := []string{"not-a-date"}
	if len(ts) == 0 {
		return append(out, "2026-01-01T00:00:00Z")
	}
	format := formatDateRepresentative
	out = append(out, format(ts[0].Add(-time.Second)))
	for i, t := range ts {
		if i > 0 && t.Equal(ts[i-1]) {
			continue
		}
		out = append(out, format(t))
		if i+1 < len(ts) && ts[i+1].Sub(t) > time.Nanosecond {
			out = append(out, format(t.Add(ts[i+1].Sub(t)/2)))
		}
	}
	return append(out, format(ts[len(ts)-1].Add(time.Second)))
}

// formatDateRepresentative writes an instant in ISO 8601, or in epoch seconds when its year
// is outside 0000-9999 (which ISO 8601 dates cannot write, and which evaluation accepts as
// epoch seconds).
func formatDateRepresentative(t time.Time) string {
	if y := t.UTC().Year(); y >= 0 && y <= 9999 {
		return t.UTC().Format(time.RFC3339Nano)
	}
	r := new(big.Rat).SetInt64(t.Unix())
	r.Add(r, big.NewRat(int64(t.Nanosecond()), 1e9))
	return ratString(r)
}

// ipRepresentatives: the first address of every piece cut by the networks' bounds, in both
// address families, and a value that is not an address. Request values are single addresses,
// as AWS fills aws:SourceIp.
func ipRepresentatives(conds []*compiledCondition) []string {
	set := map[netip.Addr]bool{
		netip.IPv4Unspecified(): true, netip.MustParseAddr("255.255.255.255"): true,
		netip.IPv6Unspecified(): true, netip.MustParseAddr("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"): true,
	}
	for _, c := range conds {
		if c.family != FamilyIP {
			continue
		}
		for _, v := range c.values {
			p := v.prefix
			first := p.Masked().Addr()
			last := lastAddr(p)
			set[first] = true
			set[last] = true
			if prev := first.Prev(); prev.IsValid() {
				set[prev] = true
			}
			if next := last.Next(); next.IsValid() {
				set[next] = true
			}
		}
	}
	addrs := make([]netip.Addr, 0, len(set))
	for a := range set {
		addrs = append(addrs, a)
	}
	sort.Slice(addrs, func(i, j int) bool { return addrs[i].Less(addrs[j]) })
	out := []string{"not-an-address"}
	for _, a := range addrs {
		out = append(out, a.String())
	}
	return out
}

func lastAddr(p netip.Prefix) netip.Addr {
	a := p.Masked().Addr()
	b := a.AsSlice()
	for i := p.Bits(); i < len(b)*8; i++ {
		b[i/8] |= 1 << (7 - i%8)
	}
	out, _ := netip.AddrFromSlice(b)
	return out
}

// boolRepresentatives: true, false and a value that is neither.
func boolRepresentatives() []string { return []string{"true", "false", "neither"} }

// binaryRepresentatives: each constant and one value equal to none.
func binaryRepresentatives(conds []*compiledCondition) []string {
	seen := map[string]bool{}
	var out []string
	for _, c := range conds {
		if c.family != FamilyBinary {
			continue
		}
		for _, v := range c.values {
			s := base64.StdEncoding.EncodeToString(v.bytes)
			if !seen[s] {
				seen[s] = true
				out = append(out, s)
			}
		}
	}
	for _, cand := range []string{"AA==", "AQ==", "Ag=="} {
		if !seen[cand] {
			return append(out, cand, "not base64!")
		}
	}
	return append(out, "not base64!")
}
