package validate

import "testing"

// Common, correct policies of every type give no finding at all: the checks must not cry wolf
// on what AWS's documentation recommends.
func TestValidateCommonPoliciesClean(t *testing.T) {
	cases := []struct {
		name         string
		typ          PolicyType
		resourceType string
		policy       string
	}{
		{"default KMS key policy", PolicyTypeResource, "AWS::KMS::Key", `{
  "Version": "2012-10-17",
  "Id": "key-default-1",
  "Statement": [{
    "Sid": "EnableIAMUserPermissions",
    "Effect": "Allow",
    "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
    "Action": "kms:*",
    "Resource": "*"
  }]
}`},
		{"bucket policy: deny plain HTTP, cross-account read", PolicyTypeResource, "AWS::S3::Bucket", `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "DenyInsecureTransport",
      "Effect": "Deny",
      "Principal": "*",
      "Action": "s3:*",
      "Resource": ["arn:aws:s3:::reports", "arn:aws:s3:::reports/*"],
      "Condition": {"Bool": {"aws:SecureTransport": "false"}}
    },
    {
      "Sid": "PartnerRead",
      "Effect": "Allow",
      "Principal": {"AWS": "arn:aws:iam::444455556666:role/reader"},
      "Action": ["s3:GetObject", "s3:ListBucket"],
      "Resource": ["arn:aws:s3:::reports", "arn:aws:s3:::reports/*"]
    },
    {
      "Sid": "CloudFrontRead",
      "Effect": "Allow",
      "Principal": {"Service": "cloudfront.amazonaws.com"},
      "Action": "s3:GetObject",
      "Resource": "arn:aws:s3:::reports/*",
      "Condition": {"StringEquals": {"AWS:SourceArn": "arn:aws:cloudfront::111122223333:distribution/EDFDVBD6EXAMPLE"}}
    }
  ]
}`},
		{"SQS queue policy for an SNS topic", PolicyTypeResource, "AWS::SQS::Queue", `{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Principal": {"Service": "sns.amazonaws.com"},
    "Action": "sqs:SendMessage",
    "Resource": "arn:aws:sqs:us-east-1:111122223333:orders",
    "Condition": {"ArnEquals": {"aws:SourceArn": "arn:aws:sns:us-east-1:111122223333:orders"}}
  }]
}`},
		{"bucket policy open to the organisation", PolicyTypeResource, "AWS::S3::Bucket", `{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Principal": "*",
    "Action": "s3:GetObject",
    "Resource": "arn:aws:s3:::shared/*",
    "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}
  }]
}`},
		{"EC2 trust policy", PolicyTypeTrust, "", `{
  "Version": "2012-10-17",
  "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]
}`},
		{"cross-account trust with external ID and MFA", PolicyTypeTrust, "", `{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Principal": {"AWS": "arn:aws:iam::444455556666:root"},
    "Action": "sts:AssumeRole",
    "Condition": {"StringEquals": {"sts:ExternalId": "partner-42"}, "Bool": {"aws:MultiFactorAuthPresent": "true"}}
  }]
}`},
		{"GitHub Actions trust", PolicyTypeTrust, "", `{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},
    "Action": "sts:AssumeRoleWithWebIdentity",
    "Condition": {
      "StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
      "StringLike": {"token.actions.githubusercontent.com:sub": "repo:octo-org/octo-repo:ref:refs/heads/main"}
    }
  }]
}`},
		{"EKS service account trust", PolicyTypeTrust, "", `{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"},
    "Action": "sts:AssumeRoleWithWebIdentity",
    "Condition": {"StringEquals": {
      "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub": "system:serviceaccount:default:app",
      "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:aud": "sts.amazonaws.com"
    }}
  }]
}`},
		{"SAML trust", PolicyTypeTrust, "", `{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Principal": {"Federated": "arn:aws:iam::111122223333:saml-provider/Okta"},
    "Action": ["sts:AssumeRoleWithSAML", "sts:TagSession"],
    "Condition": {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}}
  }]
}`},
		{"FullAWSAccess SCP", PolicyTypeSCP, "", `{
  "Version": "2012-10-17",
  "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]
}`},
		{"SCP: deny regions outside the list", PolicyTypeSCP, "", `{
  "Version": "2012-10-17",
  "Statement": [{
    "Sid": "DenyOutsideEU",
    "Effect": "Deny",
    "NotAction": ["iam:*", "organizations:*", "route53:*", "support:*", "sts:*"],
    "Resource": "*",
    "Condition": {
      "StringNotEquals": {"aws:RequestedRegion": ["eu-west-1", "eu-central-1"]},
      "ArnNotLike": {"aws:PrincipalARN": "arn:aws:iam::*:role/OrganizationAccountAccessRole"}
    }
  }]
}`},
		{"RCPFullAWSAccess", PolicyTypeRCP, "", `{
  "Version": "2012-10-17",
  "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]
}`},
		{"RCP: only the organisation reaches S3", PolicyTypeRCP, "", `{
  "Version": "2012-10-17",
  "Statement": [{
    "Sid": "EnforceOrgIdentities",
    "Effect": "Deny",
    "Principal": "*",
    "Action": ["s3:*", "sqs:*", "kms:*", "secretsmanager:*", "sts:AssumeRole"],
    "Resource": "*",
    "Condition": {
      "StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"},
      "BoolIfExists": {"aws:PrincipalIsAWSService": "false"}
    }
  }]
}`},
		{"permissions boundary", PolicyTypePermissionsBoundary, "", `{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "AllowApp", "Effect": "Allow", "Action": ["s3:*", "sqs:*", "logs:*"], "Resource": "*"},
    {"Sid": "DenyBoundaryChange", "Effect": "Deny", "Action": ["iam:DeleteRolePermissionsBoundary", "iam:PutRolePermissionsBoundary"], "Resource": "*"}
  ]
}`},
		{"session policy", PolicyTypeSession, "", `{
  "Version": "2012-10-17",
  "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/2024/*"}]
}`},
		{"identity policy with tags and MFA", PolicyTypeIdentity, "", `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "StartStopOwnInstances",
      "Effect": "Allow",
      "Action": ["ec2:StartInstances", "ec2:StopInstances"],
      "Resource": "arn:aws:ec2:*:111122223333:instance/*",
      "Condition": {"StringEquals": {"aws:ResourceTag/owner": "${aws:username}"}}
    },
    {
      "Sid": "DescribeAll",
      "Effect": "Allow",
      "Action": "ec2:Describe*",
      "Resource": "*"
    },
    {
      "Sid": "TagOnCreate",
      "Effect": "Allow",
      "Action": "ec2:CreateTags",
      "Resource": "arn:aws:ec2:*:111122223333:volume/*",
      "Condition": {
        "StringEquals": {"ec2:CreateAction": "CreateVolume", "aws:RequestTag/owner": "${aws:username}"},
        "ForAllValues:StringEquals": {"aws:TagKeys": ["owner", "project"]}
      }
    },
    {
      "Sid": "DenyWithoutMFA",
      "Effect": "Deny",
      "NotAction": ["iam:ChangePassword", "iam:GetUser", "sts:GetSessionToken"],
      "Resource": "*",
      "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}
    }
  ]
}`},
	}
	for _, c := range cases {
		if got := ValidatePolicy([]byte(c.policy), ValidateOptions{Type: c.typ, ResourceType: c.resourceType}); len(got) != 0 {
			t.Errorf("%s: want no finding, got\n%s", c.name, describeFindings(got))
		}
	}
}
