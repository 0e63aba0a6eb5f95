package validate

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/iamguard/terraform-provider-iam/internal/catalog"
	"github.com/iamguard/terraform-provider-iam/internal/evaluator"
)

// wantFinding is a finding a case must produce: its code and place. The finding must also have
// its code's severity from the table.
type wantFinding struct {
	code   string
	path   string
	line   int
	column int
}

func (w wantFinding) String() string {
	return fmt.Sprintf("%d:%d %s %s", w.line, w.column, w.code, w.path)
}

// validateCases are hand-written invalid and risky policies, each with every finding it must
// produce; a finding that is not listed fails the case too, so the cases also guard against
// false positives. Lines and columns point at the element at fault (the opening quote of a
// value or key, the brace of a statement).
var validateCases = []struct {
	name         string
	typ          PolicyType
	resourceType string
	policy       string
	want         []wantFinding
}{
	{
		name: "identity policy without findings",
		typ:  PolicyTypeIdentity,
		policy: `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "ReadHome",
      "Effect": "Allow",
      "Action": ["s3:GetObject", "s3:ListBucket"],
      "Resource": ["arn:aws:s3:::bucket", "arn:aws:s3:::bucket/home/${aws:username}/*"],
      "Condition": {"StringLike": {"s3:prefix": ["home/${aws:username}/*"]}}
    },
    {
      "Sid": "ListBuckets",
      "Effect": "Allow",
      "Action": "s3:ListAllMyBuckets",
      "Resource": "*"
    }
  ]
}`,
		want: []wantFinding{},
	},
	{
		name: "unknown element",
		typ:  PolicyTypeIdentity,
		policy: `{
  "Version": "2012-10-17",
  "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Actions": "s3:PutObject"}]
}`,
		want: []wantFinding{
			{code: "SYNTAX_ERROR", path: "Statement[0].Actions", line: 3, column: 80},
		},
	},
	{
		name: "truncated JSON",
		typ:  PolicyTypeIdentity,
		policy: `{
  "Version": "2012-10-17",
  "Statement": [`,
		want: []wantFinding{
			{code: "SYNTAX_ERROR", path: "Statement[0]", line: 3, column: 17},
		},
	},
	{
		name: "empty Statement array",
		typ:  PolicyTypeIdentity,
		policy: `{
  "Version": "2012-10-17",
  "Statement": []
}`,
		want: []wantFinding{
			{code: "EMPTY_STATEMENT_LIST", path: "Statement", line: 3, column: 16},
		},
	},
	{
		name: "missing Version and variable read literally",
		typ:  PolicyTypeIdentity,
		policy: `{
  "Statement": {
    "Effect": "Allow",
    "Action": "s3:GetObject",
    "Resource": "arn:aws:s3:::bucket/${aws:username}/*"
  }
}`,
		want: []wantFinding{
			{code: "MISSING_VERSION", path: "", line: 1, column: 1},
			{code: "VARIABLE_WITHOUT_VERSION", path: "Statement.Resource", line: 5, column: 17},
		},
	},
	{
		name: "old Version",
		typ:  PolicyTypeIdentity,
		policy: `{
  "Version": "2008-10-17",
  "Statement": {
    "Effect": "Allow",
    "Action": "s3:GetObject",
    "Resource": "arn:aws:s3:::bucket/*",
    "Condition": {"StringEquals": {"s3:ExistingObjectTag/owner": "${aws:username}"}}
  }
}`,
		want: []wantFinding{
			{code: "OLD_VERSION", path: "Version", line: 2, column: 14},
			{code: "VARIABLE_WITHOUT_VERSION", path: "Statement.Condition.StringEquals.s3:ExistingObjectTag/owner", line: 7, column: 66},
		},
	},
	{
		name: "duplicate Sid in an identity policy",
		typ:  PolicyTypeIdentity,
		policy: `{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::a/*"},
    {"Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}
  ]
}`,
		want: []wantFinding{
			{code: "DUPLICATE_SID", path: "Statement[1].Sid", line: 5, column: 13},
		},
	},
	{
		name: "duplicate Sid in a bucket policy",
		typ:  PolicyTypeResource,
		policy: `{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "Read", "Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::a/*"},
    {"Sid": "Read", "Effect": "Allow", "Principal": {"AWS": "444455556666"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::a/*"}
  ]
}`,
		want: []wantFinding{
			{code: "DUPLICATE_SID", path: "Statement[1].Sid", line: 5, column: 13},
		},
	},
	{
		name: "empty Resource and missing Resource",
		typ:  PolicyTypeIdentity,
		policy: `{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": []},
    {"Effect": "Allow", "Action": "s3:ListAllMyBuckets"}
  ]
}`,
		want: []wantFinding{
			{code: "EMPTY_RESOURCE_LIST", path: "Statement[0].Resource", line: 4, column: 51},
			{code: "MISSING_RESOURCE", path: "Statement[1]", line: 5, column: 5},
		},
	},
	{
		name: "repeated statement, action and resource",
		typ:  PolicyTypeIdentity,
		policy: `{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "A", "Effect": "Allow", "Action": ["s3:GetObject", "s3:Get*", "S3:GETOBJECT"], "Resource": ["arn:aws:s3:::b/*", "arn:aws:s3:::b/x"]},
    {"Sid": "B", "Effect": "Allow", "Action": ["s3:GetObject", "s3:Get*", "S3:GETOBJECT"], "Resource": ["arn:aws:s3:::b/*", "arn:aws:s3:::b/x"]}
  ]
}`,
		want: []wantFinding{
			{code: "REDUNDANT_ACTION", path: "Statement[0].Action[0]", line: 4, column: 48},
			{code: "REDUNDANT_ACTION", path: "Statement[0].Action[2]", line: 4, column: 75},
			{code: "REDUNDANT_RESOURCE", path: "Statement[0].Resource[1]", line: 4, column: 125},
			{code: "DUPLICATE_STATEMENT", path: "Statement[1]", line: 5, column: 5},
			{code: "REDUNDANT_ACTION", path: "Statement[1].Action[0]", line: 5, column: 48},
			{code: "REDUNDANT_ACTION", path: "Statement[1].Action[2]", line: 5, column: 75},
			{code: "REDUNDANT_RESOURCE", path: "Statement[1].Resource[1]", line: 5, column: 125},
		},
	},
	{
		name: "malformed actions, unknown service and action",
		typ:  PolicyTypeIdentity,
		policy: `{
  "Version": "2012-10-17",
  "Statement": {
    "Effect": "Allow",
    "Action": [
      "s3GetObject",
      "s3:GetObject,s3:PutObject",
      "s4:GetObject",
      "s3:GetObjekt",
      "s3:Gte*",
      " s3:GetObject"
    ],
    "Resource": "*"
  }
}`,
		want: []wantFinding{
			{code: "INVALID_ACTION", path: "Statement.Action[0]", line: 6, column: 7},
			{code: "INVALID_ACTION", path: "Statement.Action[1]", line: 7, column: 7},
			{code: "UNKNOWN_SERVICE", path: "Statement.Action[2]", line: 8, column: 7},
			{code: "UNKNOWN_ACTION", path: "Statement.Action[3]", line: 9, column: 7},
			{code: "ACTION_MATCHES_NOTHING", path: "Statement.Action[4]", line: 10, column: 7},
			{code: "INVALID_ACTION", path: "Statement.Action[5]", line: 11, column: 7},
		},
	},
	{
		name: "malformed ARNs",
		typ:  PolicyTypeIdentity,
		policy: `{
  "Version": "2012-10-17",
  "Statement": {
    "Effect": "Allow",
    "Action": "s3:GetObject",
    "Resource": [
      "bucket/*",
      "arn:aws:s3:bucket/*",
      "arn:aws:*:::bucket/*",
      "arn:amazon:s3:::bucket/*",
      "arn:aws:s3:::bucket/${aws:username, x}"
    ]
  }
}`,
		want: []wantFinding{
			{code: "INVALID_ARN", path: "Statement.Resource[0]", line: 7, column: 7},
			{code: "INVALID_ARN", path: "Statement.Resource[1]", line: 8, column: 7},
			{code: "INVALID_ARN", path: "Statement.Resource[2]", line: 9, column: 7},
			{code: "INVALID_ARN", path: "Statement.Resource[3]", line: 10, column: 7},
			{code: "INVALID_VARIABLE", path: "Statement.Resource[4]", line: 11, column: 7},
		},
	},
	{
		name: "ARN of another service",
		typ:  PolicyTypeIdentity,
		policy: `{
  "Version": "2012-10-17",
  "Statement": {
    "Effect": "Allow",
    "Action": "s3:GetObject",
    "Resource": "arn:aws:sqs:us-east-1:111122223333:queue"
  }
}`,
		want: []wantFinding{
			{code: "RESOURCE_MATCHES_NO_ACTION", path: "Statement.Resource", line: 6, column: 17},
		},
	},
	{
		name: "object action on a bucket ARN",
		typ:  PolicyTypeIdentity,
		policy: `{
  "Version": "2012-10-17",
  "Statement": {
    "Effect": "Allow",
    "Action": ["s3:ListBucket", "s3:GetObject", "s3:ListAllMyBuckets"],
    "Resource": "arn:aws:s3:::bucket"
  }
}`,
		want: []wantFinding{
			{code: "ACTION_MATCHES_NO_RESOURCE", path: "Statement.Action[1]", line: 5, column: 33},
			{code: "ACTION_NEEDS_WILDCARD_RESOURCE", path: "Statement.Action[2]", line: 5, column: 49},
		},
	},
	{
		name: "condition keys",
		typ:  PolicyTypeIdentity,
		policy: `{
  "Version": "2012-10-17",
  "Statement": {
    "Effect": "Allow",
    "Action": "s3:GetObject",
    "Resource": "arn:aws:s3:::bucket/*",
    "Condition": {
      "IpAddress": {"aws:SourceIpp": "10.0.0.0/8"},
      "StringLike": {"s3:prefix": "home/*"},
      "StringEquals": {"ec2:InstanceType": "t3.micro", "aws:PrincipalTag/team": "dev*"}
    }
  }
}`,
		want: []wantFinding{
			{code: "UNKNOWN_GLOBAL_CONDITION_KEY", path: "Statement.Condition.IpAddress.aws:SourceIpp", line: 8, column: 21},
			{code: "CONDITION_KEY_NOT_SUPPORTED", path: "Statement.Condition.StringLike.s3:prefix", line: 9, column: 22},
			{code: "CONDITION_KEY_NOT_SUPPORTED", path: "Statement.Condition.StringEquals.ec2:InstanceType", line: 10, column: 24},
			{code: "WILDCARD_WITHOUT_LIKE", path: "Statement.Condition.StringEquals.aws:PrincipalTag/team", line: 10, column: 81},
		},
	},
	{
		name: "operators that do not fit the key",
		typ:  PolicyTypeIdentity,
		policy: `{
  "Version": "2012-10-17",
  "Statement": {
    "Effect": "Allow",
    "Action": "s3:ListAllMyBuckets",
    "Resource": "*",
    "Condition": {
      "NumericLessThan": {"aws:username": "10"},
      "Bool": {"aws:SourceIp": "true"},
      "IpAddress": {"aws:PrincipalAccount": "10.0.0.0/8"},
      "DateGreaterThan": {"aws:MultiFactorAuthAge": "2020-01-01T00:00:00Z"}
    }
  }
}`,
		want: []wantFinding{
			{code: "OPERATOR_TYPE_MISMATCH", path: "Statement.Condition.NumericLessThan", line: 8, column: 7},
			{code: "OPERATOR_TYPE_MISMATCH", path: "Statement.Condition.Bool", line: 9, column: 7},
			{code: "OPERATOR_TYPE_MISMATCH", path: "Statement.Condition.IpAddress", line: 10, column: 7},
			{code: "OPERATOR_TYPE_MISMATCH", path: "Statement.Condition.DateGreaterThan", line: 11, column: 7},
		},
	},
	{
		name: "set operators",
		typ:  PolicyTypeIdentity,
		policy: `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": "ec2:CreateTags",
      "Resource": "*",
      "Condition": {
        "ForAllValues:StringEquals": {"aws:username": ["alice"]},
        "ForAnyValue:StringNotEquals": {"aws:TagKeys": ["team"]}
      }
    },
    {
      "Effect": "Allow",
      "Action": "ec2:CreateTags",
      "Resource": "arn:aws:ec2:*:*:instance/*",
      "Condition": {"StringEquals": {"aws:TagKeys": "team"}, "ForAllValues:StringEquals": {"aws:CalledVia": "cloudformation.amazonaws.com"}}
    },
    {
      "Effect": "Deny",
      "Action": "ec2:CreateTags",
      "Resource": "*",
      "Condition": {"ForAnyValue:StringNotEquals": {"aws:TagKeys": ["team", "project"]}}
    },
    {
      "Effect": "Allow",
      "Action": "ec2:CreateTags",
      "Resource": "arn:aws:ec2:*:*:volume/*",
      "Condition": {"ForAllValues:StringEquals": {"aws:TagKeys": ["team"]}, "Null": {"aws:TagKeys": "false"}}
    }
  ]
}`,
		want: []wantFinding{
			{code: "FORALLVALUES_WITH_SINGLE_VALUED_KEY", path: "Statement[0].Condition.ForAllValues:StringEquals", line: 9, column: 9},
			{code: "FORANYVALUE_WITH_NEGATED_OPERATOR", path: "Statement[0].Condition.ForAnyValue:StringNotEquals", line: 10, column: 9},
			{code: "MULTI_VALUED_KEY_WITHOUT_SET_OPERATOR", path: "Statement[1].Condition.StringEquals", line: 17, column: 21},
			{code: "FORALLVALUES_WITH_ALLOW", path: "Statement[1].Condition.ForAllValues:StringEquals", line: 17, column: 62},
		},
	},
	{
		name: "bad operators, values and variables",
		typ:  PolicyTypeIdentity,
		policy: `{
  "Version": "2012-10-17",
  "Statement": {
    "Effect": "Allow",
    "Action": "s3:ListAllMyBuckets",
    "Resource": "*",
    "Condition": {
      "StringEqualz": {"aws:username": "alice"},
      "NumericLessThan": {"aws:MultiFactorAuthAge": "one hour"},
      "NullIfExists": {"aws:TokenIssueTime": "true"},
      "NumericGreaterThan": {"aws:MultiFactorAuthAge": "${aws:EpochTime}"},
      "StringLike": {"aws:userid": "${aws:username, x}"}
    }
  }
}`,
		want: []wantFinding{
			{code: "INVALID_CONDITION_OPERATOR", path: "Statement.Condition.StringEqualz", line: 8, column: 7},
			{code: "INVALID_CONDITION_VALUE", path: "Statement.Condition.NumericLessThan.aws:MultiFactorAuthAge", line: 9, column: 53},
			{code: "INVALID_CONDITION_OPERATOR", path: "Statement.Condition.NullIfExists", line: 10, column: 7},
			{code: "VARIABLE_NOT_ALLOWED", path: "Statement.Condition.NumericGreaterThan.aws:MultiFactorAuthAge", line: 11, column: 56},
			{code: "INVALID_VARIABLE", path: "Statement.Condition.StringLike.aws:userid", line: 12, column: 36},
		},
	},
	{
		name: "variable before the resource part",
		typ:  PolicyTypeIdentity,
		policy: `{
  "Version": "2012-10-17",
  "Statement": {
    "Effect": "Allow",
    "Action": "iam:GetUser",
    "Resource": "arn:aws:iam::${aws:PrincipalAccount}:user/${aws:username}"
  }
}`,
		want: []wantFinding{
			{code: "VARIABLE_BEFORE_RESOURCE_PART", path: "Statement.Resource", line: 6, column: 17},
		},
	},
	{
		name: "empty Condition",
		typ:  PolicyTypeIdentity,
		policy: `{
  "Version": "2012-10-17",
  "Statement": {"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*", "Condition": {}}
}`,
		want: []wantFinding{
			{code: "EMPTY_CONDITION", path: "Statement.Condition", line: 3, column: 86},
		},
	},
	{
		name: "Principal in an identity policy",
		typ:  PolicyTypeIdentity,
		policy: `{
  "Version": "2012-10-17",
  "Statement": {"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "s3:ListAllMyBuckets", "Resource": "*"}
}`,
		want: []wantFinding{
			{code: "PRINCIPAL_NOT_ALLOWED", path: "Statement.Principal", line: 3, column: 36},
		},
	},
	{
		name: "NotPrincipal in an SCP",
		typ:  PolicyTypeSCP,
		policy: `{
  "Version": "2012-10-17",
  "Statement": {"Effect": "Deny", "NotPrincipal": {"AWS": "111122223333"}, "Action": "s3:*", "Resource": "*"}
}`,
		want: []wantFinding{
			{code: "PRINCIPAL_NOT_ALLOWED", path: "Statement.NotPrincipal", line: 3, column: 35},
		},
	},
	{
		name: "Principal in a permissions boundary and a session policy",
		typ:  PolicyTypePermissionsBoundary,
		policy: `{
  "Version": "2012-10-17",
  "Statement": {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}
}`,
		want: []wantFinding{
			{code: "PRINCIPAL_NOT_ALLOWED", path: "Statement.Principal", line: 3, column: 36},
		},
	},
	{
		name: "session policy with Principal",
		typ:  PolicyTypeSession,
		policy: `{
  "Version": "2012-10-17",
  "Statement": {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}
}`,
		want: []wantFinding{
			{code: "PRINCIPAL_NOT_ALLOWED", path: "Statement.Principal", line: 3, column: 36},
		},
	},
	{
		name: "resource policy without Principal",
		typ:  PolicyTypeResource,
		policy: `{
  "Version": "2012-10-17",
  "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket/*"}
}`,
		want: []wantFinding{
			{code: "MISSING_PRINCIPAL", path: "Statement", line: 3, column: 16},
		},
	},
	{
		name: "invalid principals",
		typ:  PolicyTypeResource,
		policy: `{
  "Version": "2012-10-17",
  "Statement": {
    "Effect": "Allow",
    "Principal": {
      "AWS": ["arn:aws:iam::*:root", "1234", "arn:aws:iam::111122223333:user/${aws:username}", "arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity E1", "AROAEXAMPLEID1234567"],
      "Service": "lambda"
    },
    "Action": "s3:GetObject",
    "Resource": "arn:aws:s3:::bucket/*"
  }
}`,
		want: []wantFinding{
			{code: "INVALID_PRINCIPAL", path: "Statement.Principal.AWS[0]", line: 6, column: 15},
			{code: "INVALID_PRINCIPAL", path: "Statement.Principal.AWS[1]", line: 6, column: 38},
			{code: "VARIABLE_NOT_ALLOWED", path: "Statement.Principal.AWS[2]", line: 6, column: 46},
			{code: "INVALID_PRINCIPAL", path: "Statement.Principal.Service", line: 7, column: 18},
		},
	},
	{
		name:         "public bucket policy",
		typ:          PolicyTypeResource,
		resourceType: "AWS::S3::Bucket",
		policy: `{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "Public", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket/*"},
    {"Sid": "NotTheOrg", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket/*",
     "Condition": {"StringNotEquals": {"aws:PrincipalOrgID": "o-abcdefghij"}}},
    {"Sid": "Org", "Effect": "Allow", "Principal": "*", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::bucket/*",
     "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abcdefghij"}}},
    {"Sid": "DenyHTTP", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": ["arn:aws:s3:::bucket", "arn:aws:s3:::bucket/*"],
     "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
  ]
}`,
		want: []wantFinding{
			{code: "RESOURCE_POLICY_PUBLIC", path: "Statement[0].Principal", line: 4, column: 55},
			{code: "RESOURCE_POLICY_PUBLIC", path: "Statement[1].Principal", line: 5, column: 58},
		},
	},
	{
		name:         "bucket policy naming another service",
		typ:          PolicyTypeResource,
		resourceType: "AWS::S3::Bucket",
		policy: `{
  "Version": "2012-10-17",
  "Statement": {"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": ["s3:GetObject", "sqs:SendMessage"], "Resource": "arn:aws:s3:::bucket/*"}
}`,
		want: []wantFinding{
			{code: "UNSUPPORTED_ACTION_FOR_RESOURCE_TYPE", path: "Statement.Action[1]", line: 3, column: 101},
			{code: "ACTION_MATCHES_NO_RESOURCE", path: "Statement.Action[1]", line: 3, column: 101},
		},
	},
	{
		name: "trust policy element rules",
		typ:  PolicyTypeTrust,
		policy: `{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole", "Resource": "*"},
    {"Effect": "Allow", "NotPrincipal": {"AWS": "111122223333"}, "Action": "sts:AssumeRole"},
    {"Effect": "Allow", "Action": "sts:AssumeRole"}
  ]
}`,
		want: []wantFinding{
			{code: "RESOURCE_NOT_ALLOWED", path: "Statement[0].Resource", line: 4, column: 100},
			{code: "NOTPRINCIPAL_NOT_ALLOWED", path: "Statement[1].NotPrincipal", line: 5, column: 25},
			{code: "MISSING_PRINCIPAL", path: "Statement[2]", line: 6, column: 5},
		},
	},
	{
		name: "trust policies open to anyone",
		typ:  PolicyTypeTrust,
		policy: `{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"},
    {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abcdefghij"}}},
    {"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},
     "Action": "sts:AssumeRoleWithWebIdentity",
     "Condition": {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}}},
    {"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},
     "Action": "sts:AssumeRoleWithWebIdentity",
     "Condition": {"StringLike": {"token.actions.githubusercontent.com:sub": "repo:octo-org/octo-repo:*"}}},
    {"Effect": "Allow", "Principal": {"Federated": "cognito-identity.amazonaws.com"}, "Action": "sts:AssumeRoleWithWebIdentity"}
  ]
}`,
		want: []wantFinding{
			{code: "TRUST_POLICY_ANY_PRINCIPAL", path: "Statement[0].Principal", line: 4, column: 38},
			{code: "TRUST_POLICY_ANY_WEB_IDENTITY", path: "Statement[2].Principal.Federated", line: 6, column: 52},
			{code: "TRUST_POLICY_ANY_WEB_IDENTITY", path: "Statement[4].Principal.Federated", line: 12, column: 52},
		},
	},
	{
		name: "RCP rules",
		typ:  PolicyTypeRCP,
		policy: `{
  "Statement": [
    {"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "s3:GetObject", "Resource": "*"},
    {"Effect": "Deny", "NotPrincipal": {"AWS": "111122223333"}, "Action": "s3:*", "Resource": "*"},
    {"Effect": "Deny", "Principal": "*", "Action": ["ec2:RunInstances", "sts:AssumeRole"], "Resource": "*"},
    {"Effect": "Deny", "Action": "kms:Decrypt", "Resource": "*"},
    {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}
  ]
}`,
		want: []wantFinding{
			{code: "VERSION_2012_REQUIRED", path: "", line: 1, column: 1},
			{code: "RCP_PRINCIPAL_NOT_WILDCARD", path: "Statement[0].Principal", line: 3, column: 38},
			{code: "RCP_ALLOW_NOT_ALLOWED", path: "Statement[0].Effect", line: 3, column: 6},
			{code: "NOTPRINCIPAL_NOT_ALLOWED", path: "Statement[1].NotPrincipal", line: 4, column: 24},
			{code: "RCP_UNSUPPORTED_SERVICE", path: "Statement[2].Action[0]", line: 5, column: 53},
			{code: "MISSING_PRINCIPAL", path: "Statement[3]", line: 6, column: 5},
		},
	},
	{
		name: "SCP with the legacy Version",
		typ:  PolicyTypeSCP,
		policy: `{
  "Version": "2008-10-17",
  "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}
}`,
		want: []wantFinding{
			{code: "VERSION_2012_REQUIRED", path: "Version", line: 2, column: 14},
		},
	},
	{
		name: "identity policy security warnings",
		typ:  PolicyTypeIdentity,
		policy: `{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "Admin", "Effect": "Allow", "Action": "*", "Resource": "*"},
    {"Sid": "S3", "Effect": "Allow", "Action": ["s3:*", "iam:PassRole", "iam:Put*Policy"], "Resource": "*"},
    {"Sid": "Lambda", "Effect": "Allow", "Action": "lambda:CreateFunction", "Resource": "arn:aws:lambda:*:111122223333:function:*"},
    {"Sid": "NotAction", "Effect": "Allow", "NotAction": "iam:*", "Resource": "*"},
    {"Sid": "NotResource", "Effect": "Allow", "Action": "s3:GetObject", "NotResource": "arn:aws:s3:::secret/*"}
  ]
}`,
		want: []wantFinding{
			{code: "FULL_ADMIN", path: "Statement[0].Action", line: 4, column: 51},
			{code: "FULL_SERVICE_ACCESS", path: "Statement[1].Action[0]", line: 5, column: 49},
			{code: "PASS_ROLE_ON_ALL_RESOURCES", path: "Statement[1].Action[1]", line: 5, column: 57},
			{code: "PRIVILEGE_ESCALATION", path: "Statement[1].Action[2]", line: 5, column: 73},
			{code: "PASS_ROLE_WITH_COMPUTE", path: "Statement[2].Action", line: 6, column: 52},
			{code: "ALLOW_WITH_NOT_ACTION", path: "Statement[3].NotAction", line: 7, column: 45},
			{code: "ALLOW_WITH_NOT_RESOURCE", path: "Statement[4].NotResource", line: 8, column: 73},
		},
	},
	{
		name: "broad boundary is not a finding",
		typ:  PolicyTypePermissionsBoundary,
		policy: `{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Action": "*", "Resource": "*"},
    {"Effect": "Deny", "Action": "iam:*", "Resource": "*"}
  ]
}`,
		want: []wantFinding{},
	},
	{
		name:   "invalid character",
		typ:    PolicyTypeIdentity,
		policy: "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": {\"Effect\": \"Allow\", \"Action\": \"s3:ListAllMyBuckets\", \"Resource\": \"*\",\n    \"Condition\": {\"StringEquals\": {\"aws:PrincipalTag/team\": \"don\u2019t\"}}}\n}",
		want: []wantFinding{
			{code: "INVALID_CHARACTER", path: "", line: 4, column: 65},
		},
	},
	{
		name: "Sid characters: IAM policies take letters and digits only",
		typ:  PolicyTypeTrust,
		policy: `{
  "Version": "2012-10-17",
  "Statement": [{"Sid": "Allow EC2", "Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]
}`,
		want: []wantFinding{
			{code: "INVALID_SID", path: "Statement[0].Sid", line: 3, column: 25},
		},
	},
	{
		name: "Sid characters: a bucket policy takes spaces",
		typ:  PolicyTypeResource,
		policy: `{
  "Version": "2012-10-17",
  "Statement": [{"Sid": "Read for partners", "Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket/*"}]
}`,
		want: []wantFinding{},
	},
	{
		name: "unknown keys: a global key with a suggestion by prefix, a service key",
		typ:  PolicyTypeIdentity,
		policy: `{
  "Version": "2012-10-17",
  "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
    "Condition": {"IpAddress": {"aws:SourceIpAddress": "203.0.113.0/24"}, "StringEquals": {"s3:ExistingObjectTagg": "x"}}}
}`,
		want: []wantFinding{
			{code: "UNKNOWN_GLOBAL_CONDITION_KEY", path: "Statement.Condition.IpAddress.aws:SourceIpAddress", line: 4, column: 33},
			{code: "UNKNOWN_CONDITION_KEY", path: "Statement.Condition.StringEquals.s3:ExistingObjectTagg", line: 4, column: 92},
		},
	},
	{
		name: "ARNs against the formats of their service",
		typ:  PolicyTypeIdentity,
		policy: `{
  "Version": "2012-10-17",
  "Statement": {"Effect": "Allow", "Action": ["s3:GetObject", "iam:GetRole"], "Resource": [
    "arn:aws:s3:us-east-1::reports/*",
    "arn:aws:s3::111122223333:reports/*",
    "arn:aws:iam:us-east-1:111122223333:role/admin",
    "arn:aws:s3:us-east-1:111122223333:accesspoint/reports",
    "arn:aws:s3:*:*:reports/*",
    "arn:aws:iam::111122223333:rolle/admin",
    "arn:aws:s3:::${aws:username}/*",
    "arn:aws:unknownservice:us-east-1:111122223333:thing/x"
  ]}
}`,
		want: []wantFinding{
			{code: "ARN_REGION_NOT_ALLOWED", path: "Statement.Resource[0]", line: 4, column: 5},
			{code: "ARN_ACCOUNT_NOT_ALLOWED", path: "Statement.Resource[1]", line: 5, column: 5},
			{code: "ARN_REGION_NOT_ALLOWED", path: "Statement.Resource[2]", line: 6, column: 5},
			{code: "ARN_MATCHES_NO_RESOURCE_TYPE", path: "Statement.Resource[5]", line: 9, column: 5},
		},
	},
	{
		name: "an action that only AWS managed policies still name is a warning, an invented one an error",
		typ:  PolicyTypeIdentity,
		policy: `{
  "Version": "2012-10-17",
  "Statement": {"Effect": "Allow", "Action": ["mobilehub:ListProjects", "deepracer:Get*", "mobilehub:ListProjectz"], "Resource": "*"}
}`,
		want: []wantFinding{
			{code: "RETIRED_ACTION", path: "Statement.Action[0]", line: 3, column: 47},
			{code: "RETIRED_ACTION", path: "Statement.Action[1]", line: 3, column: 73},
			{code: "UNKNOWN_SERVICE", path: "Statement.Action[2]", line: 3, column: 91},
		},
	},
}

func TestValidatePolicyCases(t *testing.T) {
	for _, tc := range validateCases {
		t.Run(tc.name, func(t *testing.T) {
			got := ValidatePolicy([]byte(tc.policy), ValidateOptions{Type: tc.typ, ResourceType: tc.resourceType})
			var gotKeys, wantKeys []string
			for _, f := range got {
				gotKeys = append(gotKeys, wantFinding{code: f.Code, path: f.Path, line: f.Line, column: f.Column}.String())
				if f.Message == "" {
					t.Errorf("%s at %s has no message", f.Code, f.Path)
				}
			}
			for _, w := range tc.want {
				wantKeys = append(wantKeys, w.String())
			}
			slices.Sort(gotKeys)
			slices.Sort(wantKeys)
			if !slices.Equal(gotKeys, wantKeys) {
				t.Errorf("findings differ\ngot:\n  %s\nwant:\n  %s\nmessages:\n%s", strings.Join(gotKeys, "\n  "), strings.Join(wantKeys, "\n  "), describeFindings(got))
			}
			for _, w := range tc.want {
				for _, f := range got {
					if f.Code != w.code || f.Path != w.path || f.Line != w.line || f.Column != w.column {
						continue
					}
					if want := validationCodeByName[w.code].SeverityFor(tc.typ); f.Severity != want {
						t.Errorf("%s: severity %s, want %s", w, f.Severity, want)
					}
				}
			}
		})
	}
}

func describeFindings(fs []Finding) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "  %d:%d %s %s %s: %s\n", f.Line, f.Column, f.Severity, f.Code, f.Path, f.Message)
	}
	return b.String()
}

// Every code of the table is produced by some hand-written case or by the tests below, and
// every code a case expects is in the table.
func TestValidationCodesCovered(t *testing.T) {
	// TestValidateSizeLimits, TestValidateOptions, TestValidateVariables, TestValidateSetQualifierSeverities.
	covered := map[string]bool{"POLICY_TOO_LARGE": true, "INVALID_OPTIONS": true, "UNKNOWN_VARIABLE": true, "SET_OPERATOR_ON_SINGLE_VALUED_KEY": true}
	for _, tc := range validateCases {
		for _, w := range tc.want {
			if _, ok := validationCodeByName[w.code]; !ok {
				t.Errorf("case %q expects %s, which is not in validationCodes", tc.name, w.code)
			}
			covered[w.code] = true
		}
	}
	for _, c := range validationCodes {
		if !covered[c.Code] {
			t.Errorf("no test produces %s", c.Code)
		}
		if c.Summary == "" || c.Severity.rank() == 0 {
			t.Errorf("%s: missing summary or severity", c.Code)
		}
	}
	if len(validationCodeByName) != len(validationCodes) {
		t.Errorf("validationCodes has repeated codes")
	}
}

func TestValidateOptions(t *testing.T) {
	doc := []byte(`{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}}`)
	for _, opts := range []ValidateOptions{
		{Type: "USER"},
		{Type: PolicyTypeResource, ResourceType: "AWS::S3::Bukket"},
		{Type: PolicyTypeIdentity, ResourceType: "AWS::S3::Bucket"},
	} {
		got := ValidatePolicy(doc, opts)
		if len(got) != 1 || got[0].Code != "INVALID_OPTIONS" || got[0].Severity != SeverityError {
			t.Errorf("%+v: got %v, want one INVALID_OPTIONS error", opts, got)
		}
	}
	// Types are read in any case, and the trust resource type makes a TRUST policy.
	trust := []byte(`{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}}`)
	for _, opts := range []ValidateOptions{
		{Type: "trust"},
		{Type: PolicyTypeResource, ResourceType: "aws::iam::assumerolepolicydocument"},
	} {
		if got := ValidatePolicy(trust, opts); len(got) != 0 {
			t.Errorf("%+v: got %v, want no finding", opts, got)
		}
	}
}

// Each policy type has its size quota, counted as the quota says: white space is not counted
// for the IAM policy types, counted for SCPs, RCPs and session policies, and resource policies
// count bytes.
func TestValidateSizeLimits(t *testing.T) {
	// policyOfSize builds a valid policy whose text is n characters, with about spaces
	// characters of white space between elements.
	policyOfSize := func(n, spaces int, principal string) string {
		head := `{"Version":"2012-10-17",` + strings.Repeat(" ", spaces) + `"Statement":[{"Sid":"`
		tail := `","Effect":"Deny",` + principal + `"Action":"s3:GetObject","Resource":"*"}]}`
		pad := n - len(head) - len(tail)
		if pad < 1 {
			t.Fatalf("size %d too small", n)
		}
		return head + strings.Repeat("A", pad) + tail
	}
	cases := []struct {
		typ          PolicyType
		resourceType string
		principal    string
		limit        int
		spaceCounts  bool
	}{
		{PolicyTypeIdentity, "", "", 6144, false},
		{PolicyTypePermissionsBoundary, "", "", 6144, false},
		{PolicyTypeSCP, "", "", 10240, true},
		{PolicyTypeRCP, "", `"Principal":"*",`, 5120, true},
		{PolicyTypeSession, "", "", 2048, true},
		{PolicyTypeTrust, "", `"Principal":{"Service":"ec2.amazonaws.com"},`, 2048, false},
		{PolicyTypeResource, "AWS::SQS::Queue", `"Principal":"*",`, 8192, true},
		{PolicyTypeResource, "AWS::S3::Bucket", `"Principal":"*",`, 20480, true},
	}
	for _, c := range cases {
		tooLarge := func(doc string) bool {
			for _, f := range ValidatePolicy([]byte(doc), ValidateOptions{Type: c.typ, ResourceType: c.resourceType}) {
				if f.Code == "POLICY_TOO_LARGE" {
					if !sizeMessageRE.MatchString(f.Message) {
						t.Errorf("%s: POLICY_TOO_LARGE message %q is not of the form %s", c.typ, f.Message, sizeMessageRE)
					}
					if f.AWSIssueCode != sizeIssueCodes[c.typ] || (f.AWSIssueCode == "") != (c.typ == PolicyTypeSession) {
						t.Errorf("%s: POLICY_TOO_LARGE has the issue code %q, want %q", c.typ, f.AWSIssueCode, sizeIssueCodes[c.typ])
					}
					if f.Line != 1 || f.Column != 1 || f.Path != "" {
						t.Errorf("%s: POLICY_TOO_LARGE at %d:%d %q, want 1:1 of the document", c.typ, f.Line, f.Column, f.Path)
					}
					return true
				}
			}
			return false
		}
		if tooLarge(policyOfSize(c.limit, 0, c.principal)) {
			t.Errorf("%s %s: a policy of exactly %d characters is reported too large", c.typ, c.resourceType, c.limit)
		}
		if !tooLarge(policyOfSize(c.limit+1, 0, c.principal)) {
			t.Errorf("%s %s: a policy of %d characters is not reported", c.typ, c.resourceType, c.limit+1)
		}
		// At the limit without white space, plus 100 spaces.
		spaced := policyOfSize(c.limit+100, 100, c.principal)
		if got := tooLarge(spaced); got != c.spaceCounts {
			t.Errorf("%s %s: white space counted = %t, want %t", c.typ, c.resourceType, got, c.spaceCounts)
		}
	}
	// AWS's own managed policies are not bound by the quota: a warning that says so.
	managedTooLarge := false
	for _, f := range ValidatePolicy([]byte(policyOfSize(6145, 0, "")), ValidateOptions{Type: PolicyTypeIdentity, AWSManaged: true}) {
		if f.Code != "POLICY_TOO_LARGE" {
			continue
		}
		managedTooLarge = true
		if f.Severity != SeverityWarning || !strings.HasSuffix(f.Message, "not AWS's own") {
			t.Errorf("AWS managed: %s %s", f.Severity, f.Message)
		}
	}
	if !managedTooLarge {
		t.Errorf("AWS managed: no POLICY_TOO_LARGE for 6,145 characters")
	}
	// Resource policies of an unknown resource type have no quota to check.
	if got := ValidatePolicy([]byte(policyOfSize(40000, 0, `"Principal":"*",`)), ValidateOptions{Type: PolicyTypeResource}); slices.ContainsFunc(got, func(f Finding) bool { return f.Code == "POLICY_TOO_LARGE" }) {
		t.Errorf("a resource policy without resource type got POLICY_TOO_LARGE")
	}
}

// sizeMessageRE is the sentence a POLICY_TOO_LARGE message starts with: "the policy is 7,105
// characters long, not counting white space; the managed policy quota is 6,144 characters:
// ...".
var sizeMessageRE = regexp.MustCompile(`^the policy is [1-9][0-9]{0,2}(,[0-9]{3})* (characters|bytes) long(, not counting white space|, white space included)?; the [A-Za-z0-9: ]+ quota is [1-9][0-9]{0,2}(,[0-9]{3})* (characters|bytes)( \([A-Za-z0-9, ]+\))?: [a-z]`)

// Every AWS managed policy, validated as AWS's own (ValidateManagedPolicy), has no ERROR
// finding: AWS accepts these policies, and the rules they break (the size quota, actions,
// keys and ARN formats the reference no longer lists) bind customers only. Validated as a
// customer's identity policy, the same documents may have ERROR findings of those rules only;
// POLICY_TOO_LARGE must fire exactly for the policies longer than 6,144 characters without
// white space.
func TestValidateManagedPolicies(t *testing.T) {
	if testing.Short() {
		t.Skip("validates every AWS managed policy")
	}
	arns := catalog.ManagedPolicyARNs()
	if len(arns) < 1000 {
		t.Fatalf("only %d managed policies in the catalogue", len(arns))
	}
	tooLarge := 0
	customerErrors := map[string]int{}
	for _, arn := range arns {
		mp, _ := catalog.ManagedPolicyByARN(arn)
		p, err := evaluator.ParsePolicy([]byte(mp.Document))
		if err != nil {
			t.Errorf("%s does not parse: %v", mp.Name, err)
			continue
		}
		own, err := ValidateManagedPolicy(arn, ValidateOptions{Type: PolicyTypeIdentity})
		if err != nil {
			t.Fatalf("%s: %v", arn, err)
		}
		for _, f := range own {
			if f.Severity == SeverityError {
				t.Errorf("%s as AWS's own: %d:%d %s %s: %s", mp.Name, f.Line, f.Column, f.Code, f.Path, f.Message)
			}
		}
		reportedSize := false
		for _, f := range ValidatePolicy([]byte(mp.Document), ValidateOptions{Type: PolicyTypeIdentity}) {
			reportedSize = reportedSize || f.Code == "POLICY_TOO_LARGE"
			if f.Severity != SeverityError {
				continue
			}
			customerErrors[f.Code]++
			if !validationCodeByName[f.Code].CustomerOnly {
				t.Errorf("%s as a customer policy: %d:%d %s %s: %s", mp.Name, f.Line, f.Column, f.Code, f.Path, f.Message)
			}
		}
		if want := p.SizeNoSpace > 6144; reportedSize != want {
			t.Errorf("%s: %d characters without white space, POLICY_TOO_LARGE = %t", mp.Name, p.SizeNoSpace, reportedSize)
		}
		if reportedSize {
			tooLarge++
		}
	}
	t.Logf("%d managed policies, %d of them over the customer managed policy quota; errors if a customer wrote them: %v", len(arns), tooLarge, customerErrors)
}

// A sample of managed policies gets the security findings its content calls for, and no absurd
// one: read-only and scoped policies get no security warning.
func TestValidateManagedPolicySamples(t *testing.T) {
	codes := func(name string) map[string]int {
		mp, ok := catalog.ManagedPolicyByName(name)
		if !ok {
			t.Fatalf("no managed policy %s", name)
		}
		m := map[string]int{}
		for _, f := range ValidatePolicy([]byte(mp.Document), ValidateOptions{Type: PolicyTypeIdentity}) {
			m[f.Code]++
			if f.Severity == SeveritySecurityWarning {
				m["security"]++
			}
		}
		return m
	}
	if c := codes("AdministratorAccess"); c["FULL_ADMIN"] != 1 || c["security"] != 1 {
		t.Errorf("AdministratorAccess: %v, want exactly one FULL_ADMIN", c)
	}
	if c := codes("PowerUserAccess"); c["ALLOW_WITH_NOT_ACTION"] != 1 {
		t.Errorf("PowerUserAccess: %v, want ALLOW_WITH_NOT_ACTION", c)
	}
	if c := codes("AmazonS3FullAccess"); c["FULL_SERVICE_ACCESS"] < 1 {
		t.Errorf("AmazonS3FullAccess: %v, want FULL_SERVICE_ACCESS", c)
	}
	if c := codes("IAMFullAccess"); c["FULL_SERVICE_ACCESS"] != 1 || c["PASS_ROLE_ON_ALL_RESOURCES"] != 1 {
		t.Errorf("IAMFullAccess: %v, want FULL_SERVICE_ACCESS and PASS_ROLE_ON_ALL_RESOURCES", c)
	}
	for _, name := range []string{"ReadOnlyAccess", "AmazonS3ReadOnlyAccess", "AWSLambdaBasicExecutionRole", "AmazonEC2ReadOnlyAccess", "IAMReadOnlyAccess", "SecurityAudit", "ViewOnlyAccess"} {
		if c := codes(name); c["security"] != 0 {
			t.Errorf("%s: %v, want no security warning", name, c)
		}
	}
}

func TestSeverityOrder(t *testing.T) {
	for i, s := range Severities {
		for j, threshold := range Severities {
			if got, want := s.AtLeast(threshold), i <= j; got != want {
				t.Errorf("%s.AtLeast(%s) = %t, want %t", s, threshold, got, want)
			}
		}
		if got, ok := ParseSeverity(strings.ToLower(string(s))); !ok || got != s {
			t.Errorf("ParseSeverity(%q) = %q, %t", strings.ToLower(string(s)), got, ok)
		}
	}
	if Severity("NONE").AtLeast(SeveritySuggestion) {
		t.Errorf("an unknown severity is at least SUGGESTION")
	}
	if _, ok := ParseSeverity("none"); ok {
		t.Errorf("ParseSeverity accepts none")
	}
	for _, typ := range PolicyTypes {
		if got, ok := ParsePolicyType(strings.ToLower(string(typ))); !ok || got != typ {
			t.Errorf("ParsePolicyType(%q) = %q, %t", strings.ToLower(string(typ)), got, ok)
		}
	}
}

// Findings come sorted by place, then severity, then code.
func TestValidateFindingsSorted(t *testing.T) {
	for _, tc := range validateCases {
		got := ValidatePolicy([]byte(tc.policy), ValidateOptions{Type: tc.typ, ResourceType: tc.resourceType})
		if !slices.IsSortedFunc(got, func(a, b Finding) int {
			if a.Line != b.Line {
				return a.Line - b.Line
			}
			if a.Column != b.Column {
				return a.Column - b.Column
			}
			if a.Severity != b.Severity {
				return b.Severity.rank() - a.Severity.rank()
			}
			return strings.Compare(a.Code, b.Code)
		}) {
			t.Errorf("%s: findings not sorted:\n%s", tc.name, describeFindings(got))
		}
	}
}

func BenchmarkValidateReadOnlyAccess(b *testing.B) {
	mp, ok := catalog.ManagedPolicyByName("ReadOnlyAccess")
	if !ok {
		b.Fatal("no ReadOnlyAccess")
	}
	doc := []byte(mp.Document)
	ValidatePolicy(doc, ValidateOptions{Type: PolicyTypeIdentity}) // load the catalogue parts once
	b.ReportAllocs()
	b.SetBytes(int64(len(doc)))
	for b.Loop() {
		ValidatePolicy(doc, ValidateOptions{Type: PolicyTypeIdentity})
	}
}

// BenchmarkValidateTypical validates a small policy of the size most are: a few statements
// with ARNs and conditions.
func BenchmarkValidateTypical(b *testing.B) {
	doc := []byte(validateCases[0].policy)
	ValidatePolicy(doc, ValidateOptions{Type: PolicyTypeIdentity})
	b.ReportAllocs()
	for b.Loop() {
		ValidatePolicy(doc, ValidateOptions{Type: PolicyTypeIdentity})
	}
}

// BenchmarkValidateAllManagedPolicies validates every AWS managed policy once per iteration.
func BenchmarkValidateAllManagedPolicies(b *testing.B) {
	var docs [][]byte
	for _, arn := range catalog.ManagedPolicyARNs() {
		mp, _ := catalog.ManagedPolicyByARN(arn)
		docs = append(docs, []byte(mp.Document))
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, doc := range docs {
			ValidatePolicy(doc, ValidateOptions{Type: PolicyTypeIdentity})
		}
	}
}

// Messages of likely typos name the nearest correct spelling.
func TestValidateSuggestions(t *testing.T) {
	doc := `{"Version": "2012-10-17", "Statement": {"Sid": "read only", "Effect": "Allow",
  "Action": ["s3:GetObjekt", "s4:GetObject", " s3:PutObject"], "Resource": "*",
  "Condition": {"StringEqualz": {"aws:username": "a"}, "IpAddress": {"aws:SourceIpp": "10.0.0.0/8"}}}}`
	want := map[string]string{
		"INVALID_SID":                  `write it as, for example, "ReadOnly"`,
		"UNKNOWN_ACTION":               "did you mean s3:GetObject?",
		"UNKNOWN_SERVICE":              `did you mean "s3"?`,
		"INVALID_CONDITION_OPERATOR":   "did you mean StringEquals?",
		"UNKNOWN_GLOBAL_CONDITION_KEY": "did you mean aws:SourceIp?",
	}
	whiteSpace := false
	for _, f := range ValidatePolicy([]byte(doc), ValidateOptions{Type: PolicyTypeIdentity}) {
		if f.Code == "INVALID_ACTION" && strings.Contains(f.Message, "remove the white space") {
			whiteSpace = true
			continue
		}
		if w, ok := want[f.Code]; ok {
			if !strings.Contains(f.Message, w) {
				t.Errorf("%s: %q does not say %q", f.Code, f.Message, w)
			}
			delete(want, f.Code)
		}
	}
	for code := range want {
		t.Errorf("no %s finding", code)
	}
	if !whiteSpace {
		t.Errorf("\" s3:PutObject\" is not reported as white space")
	}
}

// The severities follow Access Analyzer's policy checks: a customer's unknown action, service,
// key or misplaced ARN region is an ERROR with Access Analyzer's issue code and a link to the
// guide; the same finding in an AWS managed policy is a WARNING when the rule binds customers
// only, and stays an ERROR otherwise.
func TestValidateSeveritiesAsAccessAnalyzer(t *testing.T) {
	doc := []byte(`{"Statement": {"Effect": "Allow", "Action": ["s3:GetObjekt", "s4:GetObject"],
  "Resource": ["arn:aws:s3:us-east-1::reports/*", "arn:aws:s3:::${aws:username}/*"],
  "Condition": {"IpAddress": {"aws:SourceIpAddress": "203.0.113.0/24"}}}}`)
	want := map[string]struct {
		aws, says    string
		customerOnly bool
	}{
		"UNKNOWN_ACTION":               {"INVALID_ACTION", "did you mean s3:GetObject?", true},
		"UNKNOWN_SERVICE":              {"INVALID_SERVICE_IN_ACTION", `did you mean "s3"?`, true},
		"ARN_REGION_NOT_ALLOWED":       {"ARN_REGION_NOT_ALLOWED", `write "arn:aws:s3:::reports/*"`, false},
		"VARIABLE_WITHOUT_VERSION":     {"VARIABLE_UNSUPPORTED_IN_VERSION", "literal", false},
		"UNKNOWN_GLOBAL_CONDITION_KEY": {"INVALID_GLOBAL_CONDITION_KEY", "did you mean aws:SourceIp?", true},
	}
	for _, managed := range []bool{false, true} {
		seen := map[string]bool{}
		for _, f := range ValidatePolicy(doc, ValidateOptions{Type: PolicyTypeIdentity, AWSManaged: managed}) {
			w, ok := want[f.Code]
			if !ok {
				continue
			}
			seen[f.Code] = true
			wantSeverity := SeverityError
			if managed && w.customerOnly {
				wantSeverity = SeverityWarning
			}
			if f.Severity != wantSeverity || f.AWSIssueCode != w.aws || !strings.Contains(f.Message, w.says) {
				t.Errorf("AWS managed %t: %s is %s %s %q; want %s, %s, a message saying %q", managed, f.Code, f.Severity, f.AWSIssueCode, f.Message, wantSeverity, w.aws, w.says)
			}
			if f.HelpURI != validationGuideURL+"#"+strings.ToLower(f.Code) {
				t.Errorf("%s: help URI %q", f.Code, f.HelpURI)
			}
		}
		for code := range want {
			if !seen[code] {
				t.Errorf("AWS managed %t: no %s finding", managed, code)
			}
		}
	}
	if _, err := ValidateManagedPolicy("arn:aws:iam::aws:policy/ReadOnlyAccesss", ValidateOptions{Type: PolicyTypeIdentity}); err == nil || !strings.Contains(err.Error(), "not in the catalogue") {
		t.Errorf("ValidateManagedPolicy of an unknown ARN: %v", err)
	}
}

// BenchmarkFindRetiredActionNames scans every AWS managed policy for actions the catalogue does
// not list (done once per process, at the first unknown action), documents already decompressed.
func BenchmarkFindRetiredActionNames(b *testing.B) {
	findRetiredActionNames()
	for b.Loop() {
		findRetiredActionNames()
	}
}
