// Package evaluator is the IAM policy engine: the policy model and parser, matching of actions,
// resources and principals, condition operators, the authorization flow and its explanation.
// It imports nothing from Terraform.
package evaluator

import "github.com/iamguard/terraform-provider-iam/internal/jsonpos"

// Version strings of the IAM policy language.
const (
	Version2012 = "2012-10-17"
	Version2008 = "2008-10-17"
)

// Effect is the Effect element of a statement.
type Effect uint8

const (
	EffectAllow Effect = iota + 1
	EffectDeny
)

func (e Effect) String() string {
	switch e {
	case EffectAllow:
		return "Allow"
	case EffectDeny:
		return "Deny"
	}
	return "?"
}

// Position is a place in the policy text: 1-based line and column (column counted in bytes).
// The zero Position means "unknown", for policies built in Go rather than parsed from text.
type Position = jsonpos.Position

// Value is one string of a policy element (an action pattern, an ARN, a condition value) with
// the place where it was written. Numbers and booleans in condition values are kept as their
// JSON text ("10", "true").
type Value struct {
	Text string
	Path string // JSON path, e.g. "Statement[0].Action[2]"
	Pos  Position
}

// Policy is one parsed policy document. Parse compiles it once; evaluation only reads it.
type Policy struct {
	// Name labels the policy in explanations ("identity_policies[0]", a managed policy ARN).
	// The parser leaves it empty; callers set it.
	Name       string
	Version    string // "" when the document has no Version element
	ID         string
	Statements []*Statement
	// Size is the length of the document text in characters, and SizeNoSpace the same without
	// white space outside strings (IAM does not count white space for some quotas).
	Size        int
	SizeNoSpace int
	// StatementIsObject is true when the Statement element is a single object, not an array.
	StatementIsObject bool
	// incomplete is set by CompilePolicy on a policy some part of which did not compile: it
	// is for inspection only, and Authorize and the analysis refuse it rather than decide
	// without the parts it lacks (a Deny without its condition would allow too much).
	incomplete bool

	// Paths and positions of the top-level elements, for findings.
	Pos          Position
	VersionPos   Position
	StatementPos Position // the Statement element's value
}

// Statement is one element of a policy's Statement array.
type Statement struct {
	Index  int    // position in the Statement array (0 for a single-object Statement)
	Path   string // "Statement[1]" or "Statement"
	Pos    Position
	Sid    string
	SidPos Position
	Effect Effect

	// Exactly one of Action / NotAction is set (NotAction true means the list is NotAction).
	Actions   []Value
	NotAction bool
	// Resources is nil when the statement has neither Resource nor NotResource (allowed only in
	// role trust policies). NoResource tells that case apart from an empty list.
	Resources   []Value
	NotResource bool
	NoResource  bool
	// Principal or NotPrincipal; nil when the statement has neither.
	Principal *Principal

	Conditions []*Condition

	// ElementPos records where each element of the statement was written ("Action",
	// "NotResource", "Condition", ...), for findings.
	ElementPos map[string]Position

	compiled *compiledStatement
}

// Principal is the Principal or NotPrincipal element of a statement.
type Principal struct {
	Not bool
	// Wildcard is true for the bare string "*" form (Principal: "*").
	Wildcard bool
	// AWS, Service, Federated and CanonicalUser hold the values given under each key;
	// {"AWS": "*"} appears as AWS = ["*"].
	AWS           []Value
	Service       []Value
	Federated     []Value
	CanonicalUser []Value
	Path          string
	Pos           Position
}

// Condition is one operator/key pair of a Condition block with its values: in
// {"StringEquals": {"aws:username": ["a", "b"]}} the operator is StringEquals, the key
// aws:username and the values a and b.
type Condition struct {
	Operator string // as written, e.g. "ForAnyValue:StringLikeIfExists"
	Key      string // as written, e.g. "aws:PrincipalTag/team"
	Values   []Value
	// ValuesIsList is true when the values were written as a JSON array (even of one element).
	ValuesIsList bool
	Path         string // "Statement[0].Condition.StringEquals.aws:username"
	Pos          Position
	OperatorPos  Position

	compiled *compiledCondition
}
