package evaluator

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand"
	"strings"
	"testing"
)

// numericPolicy is an identity policy allowing s3:ListBucket when s3:max-keys satisfies op
// against values.
func numericPolicy(tb testing.TB, op string, values ...string) []byte {
	tb.Helper()
	doc, err := json.Marshal(map[string]any{"Version": Version2012, "Statement": []any{map[string]any{
		"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*",
		"Condition": map[string]any{op: map[string]any{"s3:max-keys": values}},
	}}})
	if err != nil {
		tb.Fatal(err)
	}
	return doc
}

// A policy value beyond maxNumericDigits is refused where the policy is read, with the JSON path
// of the value and what was expected; at the bound, and with any number of zeros that do not
// count, it is read and compared exactly.
func TestNumericPolicyValueDigitBound(t *testing.T) {
	atBound := strings.Repeat("9", maxNumericDigits)
	accepted := []string{
		atBound,
		"-" + atBound,
		"0." + strings.Repeat("0", maxNumericDigits-1) + "1",
		strings.Repeat("0", 10000) + "5",
		"5." + strings.Repeat("0", 10000),
		"1" + strings.Repeat("0", maxNumericDigits-1),
	}
	for _, v := range accepted {
		if _, err := ParsePolicy(numericPolicy(t, "NumericLessThan", "1", v)); err != nil {
			t.Errorf("value of %d characters refused: %v", len(v), err)
		}
	}
	refused := []string{
		"1" + atBound,
		"0." + strings.Repeat("0", maxNumericDigits) + "1",
		"1" + strings.Repeat("0", maxNumericDigits),
		"-" + strings.Repeat("12345", 2000),
	}
	for _, v := range refused {
		_, err := ParsePolicy(numericPolicy(t, "NumericEquals", "1", v))
		var pe *ParseError
		if !errors.As(err, &pe) {
			t.Fatalf("value of %d characters: got %v, want a ParseError", len(v), err)
		}
		if want := "Statement[0].Condition.NumericEquals.s3:max-keys[1]"; pe.Path != want {
			t.Errorf("path %q, want %q", pe.Path, want)
		}
		if want := fmt.Sprintf("at most %d digits", maxNumericDigits); !strings.Contains(pe.Message, want) {
			t.Errorf("message %q does not say %q", pe.Message, want)
		}
	}
}

// Request values have no digit bound: they are compared exactly, however long.
func TestNumericLongRequestValues(t *testing.T) {
	long := strings.Repeat("9", 100000)
	cases := []struct {
		op, policy, request string
		want                bool
	}{
		{"NumericGreaterThan", "10", long, true},
		{"NumericLessThan", "10", long, false},
		{"NumericLessThan", "10", "-" + long, true},
		{"NumericEquals", "1", "1." + strings.Repeat("0", 100000), true},
		{"NumericEquals", "1", "1." + strings.Repeat("0", 100000) + "1", false},
		{"NumericGreaterThan", "1", "1." + strings.Repeat("0", 100000) + "1", true},
		{"NumericNotEquals", atBoundNines(), long[:maxNumericDigits], false},
		{"NumericLessThan", atBoundNines(), long[:maxNumericDigits+1], false},
		{"NumericEquals", "7", strings.Repeat("0", 100000) + "7", true},
	}
	for _, c := range cases {
		ps := &PolicySet{Identity: []*Policy{mustCompile(t, numericPolicy(t, c.op, c.policy))}}
		req := &Request{Principal: "arn:aws:iam::111122223333:role/app", Action: "s3:ListBucket", Resource: "arn:aws:s3:::b"}
		req.Context.Set("s3:max-keys", c.request)
		res, err := Authorize(ps, req, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if got := res.Decision == Allow; got != c.want {
			t.Errorf("%s %s against a request value of %d characters: allowed %v, want %v", c.op, c.policy, len(c.request), got, c.want)
		}
	}
}

func atBoundNines() string { return strings.Repeat("9", maxNumericDigits) }

func mustCompile(tb testing.TB, doc []byte) *Policy {
	tb.Helper()
	p, err := ParsePolicy(doc)
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

// randomLongDecimal is a decimal of up to maxNumericDigits digits that often shares a long
// prefix with the others (so comparisons look at many digits).
func randomLongDecimal(rng *rand.Rand) string {
	var b strings.Builder
	if rng.Intn(3) == 0 {
		b.WriteByte('-')
	}
	whole := rng.Intn(maxNumericDigits/2) + 1
	b.WriteString("1")
	b.WriteString(strings.Repeat("0", whole-1))
	if frac := rng.Intn(maxNumericDigits - whole); frac > 0 {
		b.WriteString("." + strings.Repeat("3", frac-1))
		b.WriteByte(byte('1' + rng.Intn(9)))
	}
	return b.String()
}

// Evaluation and analysis agree on long numeric constants: with random operators and
// constants of up to maxNumericDigits digits, an Allowed answer's witness is allowed by
// Authorize, and a Denied answer has no allowed request among the constants, their
// neighbours and long request values.
func TestNumericLongConstantsAnalysisAgreesWithEvaluation(t *testing.T) {
	ops := []string{"NumericEquals", "NumericNotEquals", "NumericLessThan", "NumericLessThanEquals", "NumericGreaterThan", "NumericGreaterThanEquals"}
	rng := rand.New(rand.NewSource(10))
	seeds := 40
	if testing.Short() {
		seeds = 10
	}
	for seed := 0; seed < seeds; seed++ {
		// Three long constants per policy, shared by its statements, so that Deny statements
		// often cut exactly what an Allow grants.
		values := []string{randomLongDecimal(rng), randomLongDecimal(rng), randomLongDecimal(rng)}
		var stmts []any
		for i := 0; i < 2+rng.Intn(3); i++ {
			effect := "Allow"
			if i > 0 && rng.Intn(4) != 0 {
				effect = "Deny"
			}
			vs := []string{values[rng.Intn(3)]}
			if rng.Intn(2) == 0 {
				vs = append(vs, values[rng.Intn(3)])
			}
			stmts = append(stmts, map[string]any{"Effect": effect, "Action": "s3:ListBucket", "Resource": "*",
				"Condition": map[string]any{ops[rng.Intn(len(ops))]: map[string]any{"s3:max-keys": vs}}})
		}
		doc, _ := json.Marshal(map[string]any{"Version": Version2012, "Statement": stmts})
		ps := PolicySet{Identity: []*Policy{mustCompile(t, doc)}}
		q := &Question{Principal: "arn:aws:iam::111122223333:role/app", Policies: ps,
			Actions: []string{"s3:ListBucket"}, Resources: []string{"arn:aws:s3:::b"}}
		a := Analyze(q)
		allowed := func(value *string) bool {
			req := &Request{Principal: q.Principal, Action: "s3:ListBucket", Resource: "arn:aws:s3:::b"}
			if value != nil {
				req.Context.Set("s3:max-keys", *value)
			}
			res, err := Authorize(&ps, req, Options{})
			if err != nil {
				t.Fatal(err)
			}
			return res.Decision == Allow
		}
		switch a.Outcome {
		case Allowed:
			res, err := Authorize(&ps, a.Witness, Options{})
			if err != nil || res.Decision != Allow {
				t.Errorf("seed %d: witness %+v not allowed by Authorize (%v)\n%s", seed, a.Witness, err, doc)
			}
		case Denied:
			if allowed(nil) {
				t.Errorf("seed %d: Denied, but a request without s3:max-keys is allowed\n%s", seed, doc)
			}
			for _, v := range values {
				for _, c := range []string{v, v + "1", "1" + v, strings.Replace(v, "1", "0", 1), v + strings.Repeat("0", 5000) + "1"} {
					if strings.Count(c, ".") > 1 {
						continue
					}
					if allowed(&c) {
						t.Errorf("seed %d: Denied, but s3:max-keys=%s is allowed\n%s", seed, c, doc)
					}
				}
			}
		default:
			t.Errorf("seed %d: %v (%s) for a one-key numeric question", seed, a.Outcome, a.Reason)
		}
	}
}

// FuzzNumericCompare: for numbers of a few digits, the exact comparison agrees with big.Rat;
// for any text, parsing a policy value never accepts more than maxNumericDigits digits and
// never panics.
func FuzzNumericCompare(f *testing.F) {
	for _, s := range [][2]string{{"10", "9"}, {"-0.5", "0"}, {"0.10", "0.1"}, {"1e3", "1000"}, {"", "."}, {"007", "7.000"}, {strings.Repeat("9", 120), "1"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		if d, err := parseDecimalValue(a); err == nil && d.digits() > maxNumericDigits {
			t.Fatalf("%q accepted with %d digits", a, d.digits())
		}
		x, okx := parseDecimal(a)
		y, oky := parseDecimal(b)
		if !okx || !oky {
			return
		}
		want := x.Rat().Cmp(y.Rat())
		if got := x.cmp(y); got != want {
			t.Fatalf("cmp(%q, %q) = %d, big.Rat says %d", a, b, got, want)
		}
	})
}

// The parsed-value cache of evalContext must never answer for another value: one context
// evaluates every value of a multi-valued key and every condition of a request.
func TestNumericAndDateCacheKeepsValuesApart(t *testing.T) {
	p := MustParsePolicy(`{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*","Condition":{
			"ForAllValues:NumericLessThan":{"custom:n":"10"},
			"NumericGreaterThan":{"s3:max-keys":"5"},
			"ForAnyValue:DateGreaterThan":{"custom:d":"2020-01-01T00:00:00Z"}}}]}`)
	for _, c := range []struct {
		n       []string
		maxKeys string
		d       []string
		want    Decision
	}{
		{[]string{"1", "9"}, "6", []string{"2019-01-01T00:00:00Z", "2021-01-01T00:00:00Z"}, Allow},
		{[]string{"1", "10"}, "6", []string{"2021-01-01T00:00:00Z"}, ImplicitDeny},
		{[]string{"6", "6"}, "6", []string{"2019-01-01T00:00:00Z", "2019-06-01T00:00:00Z"}, ImplicitDeny},
		{[]string{"6"}, "5", []string{"2021-01-01T00:00:00Z"}, ImplicitDeny},
		{[]string{"0." + strings.Repeat("3", 1<<16)}, "0." + strings.Repeat("9", 1<<16) + "1", []string{"1609459200." + strings.Repeat("5", 1<<16)}, ImplicitDeny},
		{[]string{"0." + strings.Repeat("3", 1<<16)}, "5." + strings.Repeat("0", 1<<16) + "1", []string{"1609459200." + strings.Repeat("5", 1<<16)}, Allow},
	} {
		req := &Request{Principal: "arn:aws:iam::111122223333:role/app", Action: "s3:ListBucket", Resource: "arn:aws:s3:::b"}
		req.Context.SetMulti("custom:n", c.n)
		req.Context.Set("s3:max-keys", c.maxKeys)
		req.Context.SetMulti("custom:d", c.d)
		res, err := Authorize(&PolicySet{Identity: []*Policy{p}}, req, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if res.Decision != c.want {
			t.Errorf("n=%.20v max-keys=%.20v d=%.30v: %s, want %s", c.n, c.maxKeys, c.d, res.Decision, c.want)
		}
	}
}

// A refused value of a megabyte is named by its start and its length, not quoted whole.
func TestRefusedConditionValueIsQuotedShort(t *testing.T) {
	long := strings.Repeat("9", 1<<20)
	_, err := ParsePolicy([]byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*","Condition":{"NumericLessThan":{"s3:max-keys":"` + long + `"}}}]}`))
	if err == nil {
		t.Fatal("a 1,048,576-digit constant was accepted")
	}
	msg := err.Error()
	if len(msg) > 600 || !strings.Contains(msg, "(1048576 bytes)") || !strings.Contains(msg, "s3:max-keys") {
		t.Errorf("message of %d bytes: %.300s", len(msg), msg)
	}
	_, err = ParsePolicy([]byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*","Condition":{"NumericLessThan":{"s3:max-keys":"ten"}}}]}`))
	if err == nil || !strings.Contains(err.Error(), `"ten"`) {
		t.Errorf("a short value is quoted whole: %v", err)
	}
}
