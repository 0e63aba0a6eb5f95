package evaluator

import (
	"errors"
	"testing"
)

// CompilePolicy reports every part that does not compile, with its kind and place, while
// ParsePolicy refuses the document with the first of them.
func TestCompilePolicyProblems(t *testing.T) {
	doc := []byte(`{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/${aws:username, x}", "Condition": {"NumericEquals": {"s3:max-keys": "ten"}}},
  {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringEqualz": {"aws:username": "a"}, "StringLike": {"aws:username": "${aws:userid, nobody}"}, "Bool": {"aws:SecureTransport": "true"}}}
]}`)
	p, problems, err := CompilePolicy(doc)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		kind ProblemKind
		path string
	}{
		{ProblemVariable, "Statement[0].Resource"},
		{ProblemValue, "Statement[0].Condition.NumericEquals.s3:max-keys"},
		{ProblemOperator, "Statement[1].Condition.StringEqualz"},
		{ProblemVariable, "Statement[1].Condition.StringLike.aws:username"},
	}
	if len(problems) != len(want) {
		t.Fatalf("%d problems, want %d: %+v", len(problems), len(want), problems)
	}
	for i, w := range want {
		pr := problems[i]
		if pr.Kind != w.kind || pr.Err.Path != w.path || pr.Err.Line == 0 || pr.Statement != p.Statements[i/2] {
			t.Errorf("problem %d: kind %d at %s (line %d), want kind %d at %s", i, pr.Kind, pr.Err.Path, pr.Err.Line, w.kind, w.path)
		}
		if (pr.Condition == nil) != (w.path == "Statement[0].Resource") {
			t.Errorf("problem %d: condition %v", i, pr.Condition)
		}
	}
	// What compiled is compiled: the Bool condition of the second statement.
	if op, ok := p.Statements[1].Conditions[2].CompiledOperator(); !ok || op.Family != FamilyBool {
		t.Errorf("Bool condition: %+v %v", op, ok)
	}
	_, err = ParsePolicy(doc)
	var pe *ParseError
	if !errors.As(err, &pe) || pe.Path != want[0].path {
		t.Errorf("ParsePolicy: %v, want the first problem at %s", err, want[0].path)
	}
}

func TestParseConditionOperator(t *testing.T) {
	cases := []struct {
		name           string
		ok             bool
		set            SetQualifier
		family         OperatorFamily
		negated        bool
		ifExists       bool
		positive       string
		substitutes    bool
		comparesEquals bool
	}{
		{"ForAnyValue:StringNotLikeIfExists", true, SetForAnyValue, FamilyString, true, true, "StringLike", true, false},
		{"StringNotEqualsIgnoreCase", true, SetNone, FamilyString, true, false, "StringEqualsIgnoreCase", true, true},
		{"NotIpAddress", true, SetNone, FamilyIP, true, false, "IpAddress", false, false},
		{"ForAllValues:ArnLike", true, SetForAllValues, FamilyARN, false, false, "ArnLike", true, false},
		{"NumericLessThan", true, SetNone, FamilyNumeric, false, false, "NumericLessThan", false, false},
		{"Null", true, SetNone, FamilyNull, false, false, "Null", false, false},
		{"NullIfExists", false, 0, 0, false, false, "", false, false},
		{"ForAnyValue:Null", false, 0, 0, false, false, "", false, false},
		{"ForEach:StringEquals", false, 0, 0, false, false, "", false, false},
		{"stringequals", false, 0, 0, false, false, "", false, false},
	}
	for _, c := range cases {
		op, ok := ParseConditionOperator(c.name)
		if ok != c.ok {
			t.Errorf("%s: ok %v, want %v", c.name, ok, c.ok)
			continue
		}
		if !ok {
			continue
		}
		if op.Set != c.set || op.Family != c.family || op.Negated != c.negated || op.IfExists != c.ifExists ||
			op.PositiveBase() != c.positive || op.SubstitutesVariables() != c.substitutes || op.ComparesEqual() != c.comparesEquals {
			t.Errorf("%s: %+v (positive %s)", c.name, op, op.PositiveBase())
		}
	}
	names := ConditionOperatorNames()
	for _, n := range names {
		if _, ok := ParseConditionOperator(n); !ok {
			t.Errorf("ConditionOperatorNames lists %s, which does not read", n)
		}
	}
}

// The statement accessors match as evaluation does.
func TestStatementValueMatches(t *testing.T) {
	p := MustParsePolicy(`{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": ["IAM:Pass*", "s3:GetObject"],
  "Resource": ["arn:aws:s3:::b/*", "arn:aws:s3:::b/${aws:username}"], "Condition": {"Null": {"aws:TagKeys": "false"}}}}`)
	s := p.Statements[0]
	if !s.ActionValueMatches(0, "iam:passrole") || s.ActionValueMatches(1, "s3:PutObject") || !s.ActionValueMatches(1, "S3:getobject") {
		t.Error("ActionValueMatches")
	}
	if !s.ResourceValueMatches(0, "arn:aws:s3:::b/k/x") || s.ResourceValueMatches(0, "arn:aws:s3:::c/k") || s.ResourceValueMatches(1, "arn:aws:s3:::b/${aws:username}") {
		t.Error("ResourceValueMatches")
	}
	if !s.Conditions[0].NullRequiresKey() {
		t.Error("NullRequiresKey")
	}
}
