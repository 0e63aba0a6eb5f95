package evaluator

import (
	"errors"
	"math/big"
	"net/netip"
	"strings"
	"testing"
	"time"
)

// Sources cited in the tables:
//   [OPS]   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
//   [MULTI] https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_multi-value-conditions.html
//   [VARS]  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
//   case ids (cond-0xx, var-0xx) are those of /work/shared/cases/docs.jsonl.

// condReq is the value of the tested key in a request: absent, single-valued or multi-valued.
type condReq struct {
	absent bool
	multi  bool
	values []string
}

var condAbsent = condReq{absent: true}

func condOne(v string) condReq      { return condReq{values: []string{v}} }
func condMany(v ...string) condReq  { return condReq{multi: true, values: v} }
func condVals(v ...string) []string { return v }
func condAlice() *Request {
	return &Request{Principal: "arn:aws:iam::111122223333:user/alice", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k"}
}

func condSet(c *Context, pairs ...string) {
	for i := 0; i+1 < len(pairs); i += 2 {
		c.Set(pairs[i], pairs[i+1])
	}
}

type condCase struct {
	name   string
	op     string
	values []string
	req    condReq
	want   bool
}

// runCondTable evaluates each case with the condition key written as key and the request
// giving it as reqKey (a different case: key names are case-insensitive).
func runCondTable(t *testing.T, key, reqKey string, cases []condCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cc := mustCompileCond(t, tc.op, key, tc.values, Version2012)
			req := condAlice()
			if !tc.req.absent {
				if tc.req.multi {
					req.Context.SetMulti(reqKey, tc.req.values)
				} else {
					req.Context.Set(reqKey, tc.req.values[0])
				}
			}
			ec, err := newEvalContext(req)
			if err != nil {
				t.Fatal(err)
			}
			if got := cc.eval(ec); got != tc.want {
				t.Errorf("%s {%q: %q} with request %+v = %v, want %v", tc.op, key, tc.values, tc.req, got, tc.want)
			}
		})
	}
}

func mustCompileCond(t testing.TB, op, key string, values []string, version string) *compiledCondition {
	t.Helper()
	c := &Condition{Operator: op, Key: key, Path: "Statement[0].Condition." + op + "." + key}
	for i, v := range values {
		c.Values = append(c.Values, Value{Text: v})
		_ = i
	}
	cc, err := compileCondition(c, version)
	if err != nil {
		t.Fatalf("compileCondition(%s, %s, %q): %v", op, key, values, err)
	}
	return cc
}

func TestConditionString(t *testing.T) {
	runCondTable(t, "aws:PrincipalTag/Team", "AWS:principaltag/team", []condCase{
		// [OPS] StringEquals: exact matching, case sensitive.
		{"equals", "StringEquals", condVals("blue"), condOne("blue"), true},
		{"equals case-sensitive", "StringEquals", condVals("blue"), condOne("Blue"), false},
		{"equals star is literal", "StringEquals", condVals("*"), condOne("blue"), false},
		{"equals star literal matches star", "StringEquals", condVals("*"), condOne("*"), true},
		// [MULTI] several values of one key are ORed.
		{"equals any of values", "StringEquals", condVals("red", "blue"), condOne("blue"), true},
		{"equals none of values", "StringEquals", condVals("red", "green"), condOne("blue"), false},
		// [OPS] StringNotEquals: negated matching; [MULTI] with several values it is "none of".
		{"not equals", "StringNotEquals", condVals("red"), condOne("blue"), true},
		{"not equals same", "StringNotEquals", condVals("blue"), condOne("blue"), false},
		{"not equals one of several (cond-046)", "StringNotEquals", condVals("red", "blue"), condOne("blue"), false},
		{"not equals none of several", "StringNotEquals", condVals("red", "green"), condOne("blue"), true},
		// [OPS] IgnoreCase forms.
		{"equals ignore case", "StringEqualsIgnoreCase", condVals("BLUE"), condOne("blue"), true},
		{"equals ignore case differs", "StringEqualsIgnoreCase", condVals("BLUE"), condOne("blues"), false},
		{"not equals ignore case", "StringNotEqualsIgnoreCase", condVals("BLUE"), condOne("blue"), false},
		{"not equals ignore case differs", "StringNotEqualsIgnoreCase", condVals("BLUE"), condOne("red"), true},
		// [OPS] StringLike: * and ? anywhere, case-sensitive.
		{"like star", "StringLike", condVals("bl*"), condOne("blue"), true},
		{"like star empty run", "StringLike", condVals("blue*"), condOne("blue"), true},
		{"like question", "StringLike", condVals("bl?e"), condOne("blue"), true},
		{"like question needs one", "StringLike", condVals("blue?"), condOne("blue"), false},
		{"like inner", "StringLike", condVals("*l*e"), condOne("blue"), true},
		{"like case-sensitive", "StringLike", condVals("B*"), condOne("blue"), false},
		{"like crosses colons", "StringLike", condVals("arn:aws:sns:*:123456789012:*"), condOne("arn:aws:sns:us-east-1:111:123456789012:t"), true},
		{"not like", "StringNotLike", condVals("r*"), condOne("blue"), true},
		{"not like matching", "StringNotLike", condVals("r*", "b*"), condOne("blue"), false},
		// [OPS] missing key: false, but true for negated operators (cond-036, cond-037).
		{"absent equals", "StringEquals", condVals("blue"), condAbsent, false},
		{"absent not equals", "StringNotEquals", condVals("blue"), condAbsent, true},
		{"absent not like", "StringNotLike", condVals("b*"), condAbsent, true},
		// [OPS] IfExists: absent key gives true (cond-039); present key decides normally (cond-041).
		{"absent like if exists", "StringLikeIfExists", condVals("t2.*"), condAbsent, true},
		{"present like if exists mismatch", "StringLikeIfExists", condVals("t2.*"), condOne("c5.large"), false},
		{"present like if exists match", "StringLikeIfExists", condVals("t2.*"), condOne("t2.micro"), true},
		// iam-semantics §3 rule 2: a negated IfExists operator is true on an absent key too (cond-038).
		{"absent not equals if exists", "StringNotEqualsIfExists", condVals("prod"), condAbsent, true},
		{"present not equals if exists", "StringNotEqualsIfExists", condVals("prod"), condOne("prod"), false},
	})
}

func TestConditionNumeric(t *testing.T) {
	runCondTable(t, "s3:max-keys", "S3:Max-Keys", []condCase{
		// [OPS] Numeric operators: integer or decimal, exact.
		{"equals", "NumericEquals", condVals("10"), condOne("10"), true},
		{"equals decimal form", "NumericEquals", condVals("10"), condOne("10.000"), true},
		{"equals leading zeros", "NumericEquals", condVals("010"), condOne("10"), true},
		{"equals differs", "NumericEquals", condVals("10"), condOne("11"), false},
		{"minus zero", "NumericEquals", condVals("0"), condOne("-0.0"), true},
		{"not equals", "NumericNotEquals", condVals("10"), condOne("11"), true},
		{"not equals same", "NumericNotEquals", condVals("10", "11"), condOne("11"), false},
		// cond-068: NumericLessThanEquals 10 with 11 fails.
		{"le greater", "NumericLessThanEquals", condVals("10"), condOne("11"), false},
		{"le equal", "NumericLessThanEquals", condVals("10"), condOne("10"), true},
		{"lt equal", "NumericLessThan", condVals("10"), condOne("10"), false},
		{"lt decimal", "NumericLessThan", condVals("10"), condOne("9.999"), true},
		{"lt not lexicographic", "NumericLessThan", condVals("10"), condOne("9"), true},
		{"gt", "NumericGreaterThan", condVals("2.5"), condOne("2.51"), true},
		{"gt fraction", "NumericGreaterThan", condVals("0.5"), condOne("0.49"), false},
		{"ge", "NumericGreaterThanEquals", condVals("-3"), condOne("-3"), true},
		{"ge negative", "NumericGreaterThanEquals", condVals("-3"), condOne("-3.5"), false},
		{"negative below positive", "NumericLessThan", condVals("1"), condOne("-100"), true},
		// Exact beyond float64: these differ in the 30th digit.
		{"big exact", "NumericLessThan", condVals("123456789012345678901234567891"), condOne("123456789012345678901234567890"), true},
		{"big exact equal", "NumericEquals", condVals("0.1000000000000000000001"), condOne("0.1"), false},
		// A request value that is not a number matches nothing.
		{"request not a number", "NumericEquals", condVals("10"), condOne("ten"), false},
		{"request exponent", "NumericEquals", condVals("1000"), condOne("1e3"), false},
		{"request empty", "NumericGreaterThanEquals", condVals("0"), condOne(""), false},
		{"absent", "NumericLessThan", condVals("10"), condAbsent, false},
		{"absent not equals", "NumericNotEquals", condVals("10"), condAbsent, true},
		{"absent if exists", "NumericLessThanIfExists", condVals("10"), condAbsent, true},
	})
}

func TestConditionDate(t *testing.T) {
	runCondTable(t, "aws:CurrentTime", "aws:currenttime", []condCase{
		// [OPS] Date operators: W3C ISO 8601 or epoch seconds, in the policy and the request.
		{"equals same instant", "DateEquals", condVals("2020-01-01T00:00:00Z"), condOne("2020-01-01T00:00:00Z"), true},
		{"equals across zones", "DateEquals", condVals("2020-01-01T01:30:00+01:30"), condOne("2020-01-01T00:00:00Z"), true},
		{"equals basic zone", "DateEquals", condVals("2019-12-31T19:00:00-0500"), condOne("2020-01-01T00:00:00Z"), true},
		{"equals zone hours only", "DateEquals", condVals("2020-01-01T02:00:00+02"), condOne("2020-01-01T00:00:00Z"), true},
		{"date only is midnight UTC", "DateEquals", condVals("2020-01-01"), condOne("2020-01-01T00:00:00Z"), true},
		{"year and month", "DateEquals", condVals("2020-02"), condOne("2020-02-01T00:00:00Z"), true},
		{"no zone is UTC", "DateEquals", condVals("2020-01-01T00:00"), condOne("2020-01-01T00:00:00Z"), true},
		{"basic form", "DateEquals", condVals("20200101T000000Z"), condOne("2020-01-01T00:00:00Z"), true},
		{"policy epoch", "DateEquals", condVals("1577836800"), condOne("2020-01-01T00:00:00Z"), true},
		{"request epoch", "DateEquals", condVals("2020-01-01T00:00:00Z"), condOne("1577836800"), true},
		{"fraction differs", "DateEquals", condVals("2020-01-01T00:00:00Z"), condOne("2020-01-01T00:00:00.001Z"), false},
		{"fraction after", "DateGreaterThan", condVals("2020-01-01T00:00:00Z"), condOne("2020-01-01T00:00:00.000000001Z"), true},
		{"epoch fraction", "DateLessThan", condVals("1577836800.5"), condOne("2020-01-01T00:00:00.4Z"), true},
		// cond-071: DateGreaterThan with an epoch value.
		{"gt epoch (cond-071)", "DateGreaterThan", condVals("1577836800"), condOne("2023-11-14T22:13:20Z"), true},
		{"gt earlier", "DateGreaterThan", condVals("2020-01-01T00:00:00Z"), condOne("2019-12-31T23:59:59Z"), false},
		{"ge equal", "DateGreaterThanEquals", condVals("2020-01-01"), condOne("2020-01-01T00:00:00Z"), true},
		{"lt", "DateLessThan", condVals("2020-06-30T00:00:00Z"), condOne("2020-06-29T23:59:59Z"), true},
		{"le later", "DateLessThanEquals", condVals("2020-06-30T00:00:00Z"), condOne("2020-06-30T00:00:01Z"), false},
		{"not equals", "DateNotEquals", condVals("2020-01-01"), condOne("2020-01-02"), true},
		{"not equals same", "DateNotEquals", condVals("2020-01-01"), condOne("1577836800"), false},
		{"leap day", "DateLessThan", condVals("2020-03-01"), condOne("2020-02-29T12:00:00Z"), true},
		// A request value that is not a date matches nothing.
		{"request not a date", "DateLessThan", condVals("2020-03-01"), condOne("yesterday"), false},
		{"request bad day", "DateLessThan", condVals("2020-03-01"), condOne("2019-02-29"), false},
		{"request bad hour", "DateLessThan", condVals("2020-03-01"), condOne("2019-02-01T24:00:00Z"), false},
		// cond-070: a missing key is false.
		{"absent (cond-070)", "DateGreaterThan", condVals("2020-01-01T00:00:01Z"), condAbsent, false},
		{"absent if exists", "DateGreaterThanIfExists", condVals("2020-01-01T00:00:01Z"), condAbsent, true},
	})
}

func TestConditionBool(t *testing.T) {
	runCondTable(t, "aws:SecureTransport", "aws:securetransport", []condCase{
		// [OPS] Bool: true or false; read without regard to case.
		{"false matches false (cond-063)", "Bool", condVals("false"), condOne("false"), true},
		{"false against true", "Bool", condVals("false"), condOne("true"), false},
		{"case-insensitive request", "Bool", condVals("true"), condOne("TRUE"), true},
		{"case-insensitive policy", "Bool", condVals("True"), condOne("true"), true},
		{"not a boolean", "Bool", condVals("true"), condOne("yes"), false},
		// cond-066 / cond-065: aws:MultiFactorAuthPresent is absent for long-term keys: Bool is
		// false, BoolIfExists is true.
		{"absent (cond-066)", "Bool", condVals("false"), condAbsent, false},
		{"absent if exists (cond-065)", "BoolIfExists", condVals("false"), condAbsent, true},
	})
}

func TestConditionBinary(t *testing.T) {
	runCondTable(t, "key", "KEY", []condCase{
		// [OPS] BinaryEquals compares bytes against the base-64 value in the policy.
		{"equal", "BinaryEquals", condVals("QmluYXJ5VmFsdWU="), condOne("QmluYXJ5VmFsdWU="), true},
		{"equal without padding", "BinaryEquals", condVals("QmluYXJ5VmFsdWU="), condOne("QmluYXJ5VmFsdWU"), true},
		{"different bytes", "BinaryEquals", condVals("QmluYXJ5VmFsdWU="), condOne("QmluYXJ5VmFsdWY="), false},
		{"one of values", "BinaryEquals", condVals("AAEC", "QmluYXJ5VmFsdWU="), condOne("QmluYXJ5VmFsdWU="), true},
		{"not base64", "BinaryEquals", condVals("QmluYXJ5VmFsdWU="), condOne("%%%"), false},
		{"absent", "BinaryEquals", condVals("AAEC"), condAbsent, false},
	})
}

func TestConditionIP(t *testing.T) {
	runCondTable(t, "aws:SourceIp", "AWS:SOURCEIP", []condCase{
		// [OPS] IpAddress: CIDR containment, IPv4 and IPv6 (cond-060).
		{"v4 inside", "IpAddress", condVals("203.0.113.0/24"), condOne("203.0.113.7"), true},
		{"v4 outside (cond-060)", "IpAddress", condVals("203.0.113.0/24", "2001:DB8:1234:5678::/64"), condOne("198.51.100.1"), false},
		{"v6 inside", "IpAddress", condVals("203.0.113.0/24", "2001:DB8:1234:5678::/64"), condOne("2001:db8:1234:5678::99"), true},
		{"v6 outside", "IpAddress", condVals("2001:DB8:1234:5678::/64"), condOne("2001:db8:1234:5679::1"), false},
		// [OPS] "If you don't specify a routing prefix, IAM uses /32 as the default."
		{"bare v4 is /32", "IpAddress", condVals("203.0.113.7"), condOne("203.0.113.7"), true},
		{"bare v4 is /32 neighbour", "IpAddress", condVals("203.0.113.7"), condOne("203.0.113.8"), false},
		{"bare v6 is /128", "IpAddress", condVals("2001:db8::1"), condOne("2001:db8::2"), false},
		{"host bits set", "IpAddress", condVals("203.0.113.7/24"), condOne("203.0.113.200"), true},
		{"v4 mapped request", "IpAddress", condVals("203.0.113.0/24"), condOne("::ffff:203.0.113.9"), true},
		{"v4 mapped policy", "IpAddress", condVals("::ffff:203.0.113.0/120"), condOne("203.0.113.9"), true},
		{"v4 not in ::/0", "IpAddress", condVals("::/0"), condOne("203.0.113.9"), false},
		{"v6 not in 0.0.0.0/0", "IpAddress", condVals("0.0.0.0/0"), condOne("2001:db8::1"), false},
		{"request not an address", "IpAddress", condVals("0.0.0.0/0"), condOne("localhost"), false},
		{"not ip inside", "NotIpAddress", condVals("203.0.113.0/24"), condOne("203.0.113.7"), false},
		{"not ip outside", "NotIpAddress", condVals("203.0.113.0/24"), condOne("198.51.100.1"), true},
		// iam-semantics §3 rule 1: NotIpAddress on an absent aws:SourceIp (VPC endpoint) is true (cond-061).
		{"not ip absent (cond-061)", "NotIpAddress", condVals("203.0.113.0/24"), condAbsent, true},
		{"absent", "IpAddress", condVals("203.0.113.0/24"), condAbsent, false},
	})
}

func TestConditionArn(t *testing.T) {
	runCondTable(t, "aws:SourceArn", "aws:sourcearn", []condCase{
		// [OPS] Arn operators: each of the six parts is matched separately; case-sensitive.
		{"equals exact", "ArnEquals", condVals("arn:aws:sns:us-east-1:123456789012:topic"), condOne("arn:aws:sns:us-east-1:123456789012:topic"), true},
		{"equals takes wildcards like ArnLike", "ArnEquals", condVals("arn:aws:sns:*:123456789012:*"), condOne("arn:aws:sns:us-east-1:123456789012:topic"), true},
		{"like region wildcard", "ArnLike", condVals("arn:aws:sns:*:123456789012:*"), condOne("arn:aws:sns:eu-west-1:123456789012:t"), true},
		// gr-020/gr-021: a * in a part does not cross colons (StringLike would match this).
		{"star does not cross colons", "ArnLike", condVals("arn:aws:sns:*:123456789012:*"), condOne("arn:aws:sns:us-east-1:111:123456789012:t"), false},
		{"question in part", "ArnLike", condVals("arn:aws:iam::12345678901?:role/x"), condOne("arn:aws:iam::123456789012:role/x"), true},
		{"resource part keeps colons", "ArnLike", condVals("arn:aws:logs:us-east-1:123456789012:log-group:app:*"), condOne("arn:aws:logs:us-east-1:123456789012:log-group:app:log-stream:s"), true},
		{"resource star crosses colons", "ArnLike", condVals("arn:aws:logs:us-east-1:123456789012:*"), condOne("arn:aws:logs:us-east-1:123456789012:log-group:app:x"), true},
		{"empty region", "ArnLike", condVals("arn:aws:iam::*:role/*"), condOne("arn:aws:iam::123456789012:role/admin"), true},
		{"empty region mismatch", "ArnLike", condVals("arn:aws:iam::*:role/*"), condOne("arn:aws:iam:us-east-1:123456789012:role/admin"), false},
		{"case-sensitive", "ArnLike", condVals("arn:aws:iam::*:role/Admin"), condOne("arn:aws:iam::123456789012:role/admin"), false},
		{"bare star matches any ARN", "ArnLike", condVals("*"), condOne("arn:aws:s3:::b"), true},
		{"short pattern matches nothing", "ArnLike", condVals("arn:aws:s3:*"), condOne("arn:aws:s3:::b"), false},
		{"request not an ARN", "ArnLike", condVals("*"), condOne("not-an-arn"), false},
		{"not like", "ArnNotLike", condVals("arn:aws:iam::*:role/admin"), condOne("arn:aws:iam::123456789012:role/dev"), true},
		{"not equals matching", "ArnNotEquals", condVals("arn:aws:iam::*:role/dev", "arn:aws:iam::*:role/admin"), condOne("arn:aws:iam::123456789012:role/dev"), false},
		{"absent", "ArnLike", condVals("*"), condAbsent, false},
		{"absent not like", "ArnNotLike", condVals("*"), condAbsent, true},
	})
}

func TestConditionNull(t *testing.T) {
	runCondTable(t, "aws:TokenIssueTime", "aws:tokenissuetime", []condCase{
		// [OPS] Null: true means the key is absent (cond-042, cond-043), false means present.
		{"true absent (cond-042)", "Null", condVals("true"), condAbsent, true},
		{"true present (cond-043)", "Null", condVals("true"), condOne("2024-01-01T00:00:00Z"), false},
		{"false present", "Null", condVals("false"), condOne("x"), true},
		{"false absent", "Null", condVals("false"), condAbsent, false},
		{"case-insensitive", "Null", condVals("TRUE"), condAbsent, true},
		{"either", "Null", condVals("true", "false"), condOne("x"), true},
		// [MULTI] an empty value set is a "null data set".
		{"empty multi-valued is null", "Null", condVals("true"), condMany(), true},
		{"empty string is a value", "Null", condVals("false"), condOne(""), true},
	})
}

func TestConditionMultiValue(t *testing.T) {
	runCondTable(t, "aws:TagKeys", "aws:tagkeys", []condCase{
		// [MULTI] ForAllValues: every request value is in the set (cond-049, cond-050).
		{"all subset (cond-049)", "ForAllValues:StringEquals", condVals("env", "team"), condMany("env"), true},
		{"all not subset (cond-050)", "ForAllValues:StringEquals", condVals("env", "team"), condMany("env", "owner"), false},
		{"all equal set", "ForAllValues:StringEquals", condVals("env", "team"), condMany("team", "env"), true},
		// [MULTI] ForAllValues is true when the key is absent or its values are empty.
		{"all absent", "ForAllValues:StringEquals", condVals("env"), condAbsent, true},
		{"all empty", "ForAllValues:StringEquals", condVals("env"), condMany(), true},
		// [MULTI] ForAnyValue: at least one request value is in the set; false when absent (cond-051).
		{"any one", "ForAnyValue:StringEquals", condVals("env"), condMany("owner", "env"), true},
		{"any none", "ForAnyValue:StringEquals", condVals("env"), condMany("owner", "team"), false},
		{"any absent (cond-051)", "ForAnyValue:StringEquals", condVals("env"), condAbsent, false},
		{"any empty", "ForAnyValue:StringEquals", condVals("env"), condMany(), false},
		// iam-semantics §3 rule 7: set qualifiers over negated operators.
		{"all not equals none in set", "ForAllValues:StringNotEquals", condVals("env", "team"), condMany("owner", "cost"), true},
		{"all not equals one in set", "ForAllValues:StringNotEquals", condVals("env", "team"), condMany("owner", "env"), false},
		{"all not equals absent", "ForAllValues:StringNotEquals", condVals("env"), condAbsent, true},
		{"any not equals one outside", "ForAnyValue:StringNotEquals", condVals("env", "team"), condMany("env", "owner"), true},
		{"any not equals all inside", "ForAnyValue:StringNotEquals", condVals("env", "team"), condMany("env", "team"), false},
		{"any not equals absent", "ForAnyValue:StringNotEquals", condVals("env"), condAbsent, false},
		// Set qualifiers compose with other families and with IfExists.
		{"all like", "ForAllValues:StringLike", condVals("team-*"), condMany("team-a", "team-b"), true},
		{"all like if exists absent", "ForAllValues:StringLikeIfExists", condVals("team-*"), condAbsent, true},
		{"any if exists absent", "ForAnyValue:StringEqualsIfExists", condVals("env"), condAbsent, true},
		{"any if exists empty", "ForAnyValue:StringEqualsIfExists", condVals("env"), condMany(), false},
		// iam-semantics §3 rule 8: a single-valued key under a set qualifier is a set of one.
		{"all single value", "ForAllValues:StringEquals", condVals("env"), condOne("env"), true},
		{"any single value", "ForAnyValue:StringEquals", condVals("env"), condOne("owner"), false},
		// iam-semantics §3 rule 9 (AWS undocumented): a multi-valued key under a plain operator
		// is ForAnyValue for positive operators and "matches none" for negated ones.
		{"plain positive any", "StringEquals", condVals("env"), condMany("owner", "env"), true},
		{"plain positive none", "StringEquals", condVals("env"), condMany("owner"), false},
		{"plain positive empty", "StringEquals", condVals("env"), condMany(), false},
		{"plain negated one inside", "StringNotEquals", condVals("env"), condMany("owner", "env"), false},
		{"plain negated none inside", "StringNotEquals", condVals("env"), condMany("owner", "team"), true},
		{"plain negated empty", "StringNotEquals", condVals("env"), condMany(), true},
	})
	// A key the catalogue does not know may carry several addresses.
	runCondTable(t, "custom:Addresses", "custom:addresses", []condCase{
		{"all ip", "ForAllValues:IpAddress", condVals("10.0.0.0/8"), condMany("10.1.2.3", "10.9.9.9"), true},
		{"all ip one outside", "ForAllValues:IpAddress", condVals("10.0.0.0/8"), condMany("10.1.2.3", "11.0.0.1"), false},
		{"any not ip", "ForAnyValue:NotIpAddress", condVals("10.0.0.0/8"), condMany("10.1.2.3", "11.0.0.1"), true},
	})
}

func TestConditionCompileErrors(t *testing.T) {
	cases := []struct {
		op      string
		values  []string
		version string
		inValue bool   // the error is at the value, else at the operator
		want    string // in the message
	}{
		{"StringEqualz", condVals("a"), Version2012, false, "known operators: ArnEquals"},
		{"stringequals", condVals("a"), Version2012, false, "did you mean StringEquals?"},
		{"NullIfExists", condVals("true"), Version2012, false, "Null has no IfExists"},
		{"ForAllValues:Null", condVals("true"), Version2012, false, "Null takes no set qualifier"},
		{"ForSomeValues:StringEquals", condVals("a"), Version2012, false, "expected ForAllValues: or ForAnyValue:"},
		{"IfExists", condVals("a"), Version2012, false, "unknown condition operator"},
		{"NumericEquals", condVals("10", "ten"), Version2012, true, "integer or decimal"},
		{"NumericEquals", condVals("1e3"), Version2012, true, "integer or decimal"},
		{"NumericLessThan", condVals("${aws:MultiFactorAuthAge}"), Version2012, true, "policy variables are allowed only in String, Arn and Bool"},
		{"DateLessThan", condVals("next week"), Version2012, true, "ISO 8601"},
		{"DateLessThan", condVals("2020-13-01"), Version2012, true, "ISO 8601"},
		{"DateLessThan", condVals("2020-01-01T10:00:00Q"), Version2012, true, "ISO 8601"},
		{"IpAddress", condVals("203.0.113.0/33"), Version2012, true, "CIDR"},
		{"NotIpAddress", condVals("example.com"), Version2012, true, "CIDR"},
		{"Bool", condVals("yes"), Version2012, true, "true or false"},
		{"Null", condVals("1"), Version2012, true, "true or false"},
		{"BinaryEquals", condVals("not base64!"), Version2012, true, "base-64"},
		{"StringEquals", condVals("${aws:username, default}"), Version2012, true, "single quotes"},
		{"ArnLike", condVals("arn:aws:iam::${}:${ , 'x'}"), Version2012, true, "key is empty"},
	}
	for _, tc := range cases {
		t.Run(tc.op+"/"+strings.Join(tc.values, ","), func(t *testing.T) {
			c := &Condition{Operator: tc.op, Key: "k:Key", Path: "Statement[0].Condition." + tc.op + ".k:Key",
				Pos: Position{Line: 5, Column: 9}, OperatorPos: Position{Line: 4, Column: 7}}
			for i, v := range tc.values {
				c.Values = append(c.Values, Value{Text: v, Path: c.Path + "[" + string(rune('0'+i)) + "]", Pos: Position{Line: 6 + i, Column: 11}})
			}
			_, err := compileCondition(c, tc.version)
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("compileCondition(%s, %q) = %v, want a *ParseError", tc.op, tc.values, err)
			}
			if !strings.Contains(pe.Message, tc.want) {
				t.Errorf("message %q does not contain %q", pe.Message, tc.want)
			}
			if tc.inValue {
				last := c.Values[len(c.Values)-1]
				if pe.Path != last.Path || pe.Line != last.Pos.Line || pe.Column != last.Pos.Column {
					t.Errorf("error at %s %d:%d, want the value at %s %d:%d", pe.Path, pe.Line, pe.Column, last.Path, last.Pos.Line, last.Pos.Column)
				}
				if !strings.Contains(pe.Message, tc.values[len(tc.values)-1]) {
					t.Errorf("message %q does not quote the value", pe.Message)
				}
			} else if pe.Path != "Statement[0].Condition."+tc.op || pe.Line != 4 || pe.Column != 7 {
				t.Errorf("error at %s %d:%d, want the operator at Statement[0].Condition.%s 4:7", pe.Path, pe.Line, pe.Column, tc.op)
			}
		})
	}
}

func TestConditionCompiledFields(t *testing.T) {
	cc := mustCompileCond(t, "ForAnyValue:StringNotLikeIfExists", "AWS:PrincipalTag/Team", condVals("a*", "${aws:username}"), Version2012)
	if cc.key != "aws:principaltag/team" || cc.family != FamilyString || cc.op != opStringLike || !cc.negated ||
		!cc.ifExists || cc.set != SetForAnyValue || cc.baseName != "StringNotLike" || !cc.hasVariables {
		t.Errorf("fields = %+v", cc)
	}
	if got := cc.values[1].tmpl.variables(); len(got) != 1 || got[0] != "aws:username" {
		t.Errorf("variables = %q", got)
	}

	num := mustCompileCond(t, "NumericLessThan", "k", condVals("-2.50"), Version2012)
	if r := num.values[0].number.Rat(); r.Cmp(big.NewRat(-5, 2)) != 0 {
		t.Errorf("number = %v, want -5/2", r)
	}
	date := mustCompileCond(t, "DateLessThan", "k", condVals("2020-01-01T01:00:00+01:00"), Version2012)
	if got := date.values[0].date.Time(); !got.Equal(time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("date = %v", got)
	}
	ip := mustCompileCond(t, "IpAddress", "k", condVals("203.0.113.9", "::ffff:10.0.0.0/104"), Version2012)
	if ip.values[0].prefix != netip.MustParsePrefix("203.0.113.9/32") || ip.values[1].prefix != netip.MustParsePrefix("10.0.0.0/8") {
		t.Errorf("prefixes = %v, %v", ip.values[0].prefix, ip.values[1].prefix)
	}
	arn := mustCompileCond(t, "ArnLike", "k", condVals("arn:aws:iam::*:role/x:y"), Version2012)
	if p := arn.values[0].arn; !p.valid || p.parts[4].String() != "*" || p.parts[5].String() != "role/x:y" {
		t.Errorf("arn pattern = %+v", p)
	}
	bin := mustCompileCond(t, "BinaryEquals", "k", condVals("AAEC"), Version2012)
	if string(bin.values[0].bytes) != "\x00\x01\x02" {
		t.Errorf("bytes = %q", bin.values[0].bytes)
	}
}

// TestConditionEvalValue checks the entry point of the symbolic analysis: evalValue decides a
// given key value without looking the key up, and a nil context resolves no variables.
func TestConditionEvalValue(t *testing.T) {
	cc := mustCompileCond(t, "StringLike", "s3:prefix", condVals("home/*"), Version2012)
	if !cc.evalValue(ContextValue{Values: []string{"home/x"}}, true, nil) {
		t.Error("home/x should match home/*")
	}
	if cc.evalValue(ContextValue{}, false, nil) {
		t.Error("an absent key should not match StringLike")
	}
	vv := mustCompileCond(t, "StringNotEquals", "k", condVals("${aws:username}"), Version2012)
	if !vv.evalValue(ContextValue{Values: []string{"alice"}}, true, nil) {
		t.Error("an unresolved variable matches nothing, so StringNotEquals is true")
	}
}

// TestConditionEvalNoAlloc: evaluating the common conditions allocates nothing.
func TestConditionEvalNoAlloc(t *testing.T) {
	ec := condBenchContext(t)
	for _, bc := range condBenchCases {
		cc := mustCompileCond(t, bc.op, bc.key, bc.values, Version2012)
		if !bc.allocs {
			if n := testing.AllocsPerRun(100, func() { cc.eval(ec) }); n != 0 {
				t.Errorf("%s %s: %v allocations per eval, want 0", bc.op, bc.key, n)
			}
		}
		if got := cc.eval(ec); got != bc.want {
			t.Errorf("%s %s = %v, want %v", bc.op, bc.key, got, bc.want)
		}
	}
}

var condBenchCases = []struct {
	name, op, key string
	values        []string
	want          bool
	allocs        bool // expected to allocate (a variable inside longer text)
}{
	{"StringEquals", "StringEquals", "aws:PrincipalTag/team", condVals("red", "blue"), true, false},
	{"StringLike", "StringLike", "s3:prefix", condVals("home/alice/*", "public/*"), true, false},
	{"StringEqualsVariable", "StringEquals", "aws:ResourceTag/team", condVals("${aws:PrincipalTag/team}"), true, false},
	{"StringLikeVariableInText", "StringLike", "s3:prefix", condVals("home/${aws:username}/*"), true, true},
	{"StringNotEqualsAbsent", "StringNotEquals", "aws:RequestTag/env", condVals("prod"), true, false},
	{"NumericLessThan", "NumericLessThanEquals", "s3:max-keys", condVals("100"), true, false},
	{"DateGreaterThan", "DateGreaterThan", "aws:CurrentTime", condVals("2020-01-01T00:00:00Z"), true, false},
	{"Bool", "Bool", "aws:SecureTransport", condVals("true"), true, false},
	{"IpAddress", "IpAddress", "aws:SourceIp", condVals("10.0.0.0/8", "203.0.113.0/24"), true, false},
	{"IpAddressV6", "NotIpAddress", "aws:SourceIp", condVals("2001:db8::/32"), true, false},
	{"ArnLike", "ArnLike", "aws:SourceArn", condVals("arn:aws:sns:*:111122223333:topic-*"), true, false},
	// aws:PrincipalArn is derived from the principal: request.go builds its value per lookup.
	{"ArnLikeDerivedKey", "ArnLike", "aws:PrincipalArn", condVals("arn:aws:iam::*:user/ali*"), true, true},
	{"BinaryEquals", "BinaryEquals", "k:bin", condVals("QmluYXJ5VmFsdWU="), true, false},
	{"ForAllValues", "ForAllValues:StringEquals", "aws:TagKeys", condVals("env", "team", "owner"), true, false},
	{"Null", "Null", "aws:TokenIssueTime", condVals("true"), true, false},
}

func condBenchContext(t testing.TB) *evalContext {
	req := condAlice()
	condSet(&req.Context, "aws:PrincipalTag/team", "blue", "aws:ResourceTag/team", "blue",
		"s3:prefix", "home/alice/docs/", "s3:max-keys", "50", "aws:CurrentTime", "2024-05-06T07:08:09Z",
		"aws:SecureTransport", "true", "aws:SourceIp", "203.0.113.77", "k:bin", "QmluYXJ5VmFsdWU=",
		"aws:SourceArn", "arn:aws:sns:us-east-1:111122223333:topic-a")
	req.Context.SetMulti("aws:TagKeys", []string{"team", "env"})
	ec, err := newEvalContext(req)
	if err != nil {
		t.Fatal(err)
	}
	return ec
}

func BenchmarkConditionEval(b *testing.B) {
	ec := condBenchContext(b)
	for _, bc := range condBenchCases {
		cc := mustCompileCond(b, bc.op, bc.key, bc.values, Version2012)
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if cc.eval(ec) != bc.want {
					b.Fatal("wrong result")
				}
			}
		})
	}
}

// FuzzCompileCondition: compiling and evaluating any operator, key and values never panics, and
// a negated operator on a single present value is the opposite of its positive form.
func FuzzCompileCondition(f *testing.F) {
	seeds := [][4]string{
		{"StringLike", "s3:prefix", "home/${aws:username}/*", "home/alice/x"},
		{"ForAllValues:StringNotEqualsIfExists", "aws:TagKeys", "${aws:PrincipalTag/x, 'd'}", "d"},
		{"NumericLessThan", "k", "-1.5", "-2"},
		{"DateGreaterThan", "aws:CurrentTime", "2020-01-01T00:00:00+01:00", "1577836800.5"},
		{"IpAddress", "aws:SourceIp", "::ffff:10.0.0.0/104", "10.1.1.1"},
		{"ArnLike", "aws:SourceArn", "arn:aws:sns:*:1:${aws:username}", "arn:aws:sns:x:1:alice"},
		{"BinaryEquals", "k", "AAEC", "AAEC"},
		{"Null", "k", "true", ""},
		{"Bool", "k", "${k}", "true"},
		{"StringEquals", "k", "${", "${}"},
	}
	for _, s := range seeds {
		f.Add(s[0], s[1], s[2], s[3])
	}
	f.Fuzz(func(t *testing.T, op, key, value, reqValue string) {
		for _, version := range []string{Version2012, Version2008} {
			c := &Condition{Operator: op, Key: key, Values: []Value{{Text: value}, {Text: reqValue}}}
			cc, err := compileCondition(c, version)
			if err != nil {
				var pe *ParseError
				if !errors.As(err, &pe) || pe.Message == "" {
					t.Fatalf("error %v is not a *ParseError with a message", err)
				}
				continue
			}
			req := condAlice()
			req.Context.Set(key, reqValue)
			req.Context.Set("k", value)
			ec, err := newEvalContext(req)
			if err != nil {
				t.Fatal(err)
			}
			got := cc.eval(ec)
			cc.evalValue(ContextValue{Values: []string{value, reqValue}, Multi: true}, true, ec)
			cc.evalValue(ContextValue{}, false, ec)
			if cc.negated && cc.set == SetNone && key != "" {
				positive := *cc
				positive.negated = false
				if pos := positive.eval(ec); pos == got {
					t.Errorf("%s and its positive form both give %v for %q", op, got, reqValue)
				}
			}
		}
	})
}

// A request carries what AWS sends: one address in aws:SourceIp, one value of a single-valued
// key. Evaluation rejects the rest, as the analysis never searches it.
func TestRequestValuesAWSCannotSend(t *testing.T) {
	for _, tc := range []struct {
		key    string
		values []string
		multi  bool
		want   string
	}{
		{"aws:SourceIp", []string{"203.0.113.0/24"}, false, "not a network"},
		{"aws:SourceIp", []string{"10.0.0.1", "10.0.0.2"}, true, "single-valued"},
		{"aws:RequestedRegion", []string{"us-east-1", "eu-west-1"}, true, "single-valued"},
	} {
		req := condAlice()
		if tc.multi {
			req.Context.SetMulti(tc.key, tc.values)
		} else {
			req.Context.Set(tc.key, tc.values[0])
		}
		if _, err := newEvalContext(req); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s=%v: error %v, want %q", tc.key, tc.values, err, tc.want)
		}
	}
	// A network in a key the catalogue does not know matches no IpAddress network: only
	// addresses are compared.
	cc := mustCompileCond(t, "IpAddress", "custom:addr", []string{"203.0.113.0/24"}, Version2012)
	req := condAlice()
	req.Context.Set("custom:addr", "203.0.113.128/25")
	ec, err := newEvalContext(req)
	if err != nil || cc.eval(ec) {
		t.Errorf("network value: err %v, matched %v", err, err == nil && cc.eval(ec))
	}
}
