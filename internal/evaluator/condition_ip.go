package evaluator

import (
	"fmt"
	"net/netip"
	"strings"
)

// IpAddress and NotIpAddress [OPS]: the key's address must lie in one of the policy's networks,
// given in CIDR notation (RFC 4632) for IPv4 or IPv6; "If you don't specify a routing prefix,
// IAM uses /32 as the default" (and /128 for IPv6 here). A network written with host bits set
// (203.0.113.5/24) is the network that contains it.
//
// IPv4-mapped IPv6 (::ffff:203.0.113.5) is read as the IPv4 address it carries, in requests and
// in the policy (::ffff:203.0.113.0/120 is 203.0.113.0/24), so one address has one reading.
// Other IPv6 networks never contain an IPv4 address: ::/0 is "every IPv6 address".
// A request value is an address (AWS fills aws:SourceIp with the caller's address); a value
// that is not one, a network included, matches nothing (evaluation rejects networks in the
// keys the catalogue types as IPAddress; see checkContextValues).

// ipPrefix is a network of an IP operator, with IPv4-mapped networks held as IPv4.
type ipPrefix = netip.Prefix

func parseIPValue(s string) (ipPrefix, error) {
	p, ok := parseIPOrPrefix(s)
	if !ok {
		return ipPrefix{}, fmt.Errorf("expected an IPv4 or IPv6 address or CIDR network such as 203.0.113.0/24 or 2001:db8::/32")
	}
	return p, nil
}

// parseIPOrPrefix reads an address (as a full-length network) or a CIDR network, masked.
func parseIPOrPrefix(s string) (netip.Prefix, bool) {
	if strings.IndexByte(s, '/') < 0 {
		a, err := netip.ParseAddr(s)
		if err != nil {
			return netip.Prefix{}, false
		}
		a = a.WithZone("").Unmap()
		return netip.PrefixFrom(a, a.BitLen()), true
	}
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}, false
	}
	if a := p.Addr(); a.Is4In6() {
		if p.Bits() < 96 {
			// A network wider than the mapped range holds IPv6 addresses too: keep it IPv6.
			return p.Masked(), true
		}
		p = netip.PrefixFrom(a.Unmap(), p.Bits()-96)
	}
	return p.Masked(), true
}

func (c *compiledCondition) matchIP(s string) bool {
	if strings.IndexByte(s, '/') >= 0 {
		return false
	}
	got, ok := parseIPOrPrefix(s)
	if !ok {
		return false
	}
	for i := range c.values {
		want := c.values[i].prefix
		if want.Bits() <= got.Bits() && want.Contains(got.Addr()) {
			return true
		}
	}
	return false
}
