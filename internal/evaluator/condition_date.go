package evaluator

import (
	"fmt"
	"time"
)

// Date operators [OPS]: values are "W3C implementations of the ISO 8601 date formats" or
// "epoch (UNIX) time"; wildcards are not permitted. The same forms are accepted in the policy
// and in the request; a request value in neither form matches nothing. Accepted:
//
//	epoch seconds          1577836800, 1577836800.25, -86400 (every value of digits only)
//	date                   2020, 2020-01, 2020-01-02
//	date and time          2020-01-02T03:04, 2020-01-02T03:04:05, 2020-01-02T03:04:05.123456789
//	basic form             20200102T030405 (with T; without T digits only are epoch seconds)
//	zone                   Z, +01:00, -0130, +01; no zone means UTC
//
// Since a string of digits is epoch seconds, "2020" is 33 minutes past the epoch, not a year:
// aws:EpochTime values are digits, and a year alone is not a useful bound.

// instant is a point in time as seconds and nanoseconds since the Unix epoch: exact, and
// parsed without allocation.
type instant struct {
	sec  int64
	nsec int32
}

// Time returns the instant as a UTC time.Time, for the symbolic analysis and messages.
func (t instant) Time() time.Time { return time.Unix(t.sec, int64(t.nsec)).UTC() }

func (t instant) cmp(x instant) int {
	switch {
	case t.sec < x.sec:
		return -1
	case t.sec > x.sec:
		return 1
	case t.nsec < x.nsec:
		return -1
	case t.nsec > x.nsec:
		return 1
	}
	return 0
}

func parseDateValue(s string) (instant, error) {
	t, ok := parseDate(s)
	if !ok {
		return instant{}, fmt.Errorf("expected an ISO 8601 date such as 2020-01-02 or 2020-01-02T03:04:05Z, or epoch seconds such as 1577836800")
	}
	return t, nil
}

// parseDate reads a Date value in any of the accepted forms.
func parseDate(s string) (instant, bool) {
	if t, ok := parseEpoch(s); ok {
		return t, true
	}
	return parseISO8601(s)
}

// maxEpochDigits keeps epoch seconds well inside int64.
const maxEpochDigits = 15

func parseEpoch(s string) (instant, bool) {
	neg := false
	if s != "" && s[0] == '-' {
		neg, s = true, s[1:]
	}
	whole, frac := s, ""
	for i := 0; i < len(s); i++ {
		if s[i] == '.' {
			whole, frac = s[:i], s[i+1:]
			break
		}
	}
	if whole == "" || len(whole) > maxEpochDigits || !allDigits(whole) || !allDigits(frac) || (frac == "" && len(whole) < len(s)) {
		return instant{}, false
	}
	var t instant
	for i := 0; i < len(whole); i++ {
		t.sec = t.sec*10 + int64(whole[i]-'0')
	}
	t.nsec = fractionNanos(frac)
	if neg && (t.sec != 0 || t.nsec != 0) {
		t.sec = -t.sec
		if t.nsec != 0 {
			t.sec--
			t.nsec = 1e9 - t.nsec
		}
	}
	return t, true
}

// fractionNanos reads fraction-of-second digits as nanoseconds; digits past the ninth are
// dropped (below a nanosecond).
func fractionNanos(frac string) int32 {
	var n int32
	for i := 0; i < 9; i++ {
		n *= 10
		if i < len(frac) {
			n += int32(frac[i] - '0')
		}
	}
	return n
}

// dateScanner reads fixed-width fields of an ISO 8601 string.
type dateScanner struct {
	s   string
	pos int
	ok  bool
}

// digits reads n digits as a number.
func (d *dateScanner) digits(n int) int {
	if d.pos+n > len(d.s) {
		d.ok = false
		return 0
	}
	v := 0
	for i := 0; i < n; i++ {
		c := d.s[d.pos+i]
		if c < '0' || c > '9' {
			d.ok = false
			return 0
		}
		v = v*10 + int(c-'0')
	}
	d.pos += n
	return v
}

// skip consumes c if it is next.
func (d *dateScanner) skip(c byte) bool {
	if d.pos < len(d.s) && d.s[d.pos] == c {
		d.pos++
		return true
	}
	return false
}

func (d *dateScanner) done() bool { return d.pos == len(d.s) }

func parseISO8601(s string) (instant, bool) {
	d := dateScanner{s: s, ok: true}
	year := d.digits(4)
	month, day := 1, 1
	extended := true
	switch {
	case d.skip('-'):
		month = d.digits(2)
		if d.skip('-') {
			day = d.digits(2)
		} else if !d.done() {
			return instant{}, false // YYYY-MM is complete or followed by -DD
		}
	case !d.done():
		// Basic form YYYYMMDD, only when a time follows (digits alone are epoch seconds).
		extended = false
		month = d.digits(2)
		day = d.digits(2)
		if d.done() {
			return instant{}, false
		}
	}
	if !d.ok || month < 1 || month > 12 || day < 1 || day > daysIn(month, year) {
		return instant{}, false
	}
	hour, minute, second, nsec, offset := 0, 0, 0, int32(0), 0
	if !d.done() {
		if !d.skip('T') && !d.skip('t') {
			return instant{}, false
		}
		hour = d.digits(2)
		if extended && !d.skip(':') {
			return instant{}, false
		}
		minute = d.digits(2)
		if (extended && d.skip(':')) || (!extended && d.pos < len(s) && s[d.pos] >= '0' && s[d.pos] <= '9') {
			second = d.digits(2)
			if d.skip('.') || d.skip(',') {
				start := d.pos
				for d.pos < len(s) && s[d.pos] >= '0' && s[d.pos] <= '9' {
					d.pos++
				}
				if d.pos == start {
					return instant{}, false
				}
				nsec = fractionNanos(s[start:d.pos])
			}
		}
		if !d.ok || hour > 23 || minute > 59 || second > 59 {
			return instant{}, false
		}
		var ok bool
		if offset, ok = parseZone(&d); !ok {
			return instant{}, false
		}
	}
	if !d.ok || !d.done() {
		return instant{}, false
	}
	t := time.Date(year, time.Month(month), day, hour, minute, second, 0, time.UTC)
	return instant{sec: t.Unix() - int64(offset), nsec: nsec}, true
}

// parseZone reads the zone designator at the end of a time: nothing (UTC), Z, or an offset
// +hh, +hhmm or +hh:mm (also with -). It returns the offset east of UTC in seconds.
func parseZone(d *dateScanner) (int, bool) {
	if d.done() {
		return 0, true
	}
	if d.skip('Z') || d.skip('z') {
		return 0, d.done()
	}
	sign := 1
	switch {
	case d.skip('+'):
	case d.skip('-'):
		sign = -1
	default:
		return 0, false
	}
	h, m := d.digits(2), 0
	if d.skip(':') || !d.done() {
		m = d.digits(2)
	}
	if !d.ok || !d.done() || h > 23 || m > 59 {
		return 0, false
	}
	return sign * (h*3600 + m*60), true
}

func daysIn(month, year int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

func (c *compiledCondition) matchDate(s string, e *evalContext) bool {
	got, ok := e.date(s)
	if !ok {
		return false
	}
	for i := range c.values {
		if compareMatches(c.op, got.cmp(c.values[i].date)) {
			return true
		}
	}
	return false
}

// date parses a request value as a date, remembering the last one, as decimal does for
// numbers (epoch seconds with a fraction of millions of digits are read to the end).
func (e *evalContext) date(s string) (instant, bool) {
	if e == nil {
		return parseDate(s)
	}
	return e.dateValue.get(s, parseDate)
}
