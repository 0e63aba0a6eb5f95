# Prove at plan time that the deployment role of an application can never touch IAM nor delete
# a production bucket, whatever the request context, while it can still ship builds. The role
# has AWS's PowerUserAccess (which grants some IAM actions, such as
# iam:CreateServiceLinkedRole) and an inline policy; a permissions boundary takes IAM away, and
# the organisation's SCP protects production buckets. Remove either guard and `terraform plan`
# fails with a request that gets through and the statements that allow it.

resource "iam_access_check" "app_deployer" {
  principal {
    arn                 = "arn:aws:iam::111122223333:role/app-deployer"
    managed_policy_arns = ["arn:aws:iam::aws:policy/PowerUserAccess"]
    identity_policies = [jsonencode({
      Version = "2012-10-17"
      Statement = [{
        Sid      = "PublishArtifacts"
        Effect   = "Allow"
        Action   = ["s3:PutObject", "s3:GetObject"]
        Resource = "arn:aws:s3:::prod-app-artifacts/*"
      }]
    })]
    permissions_boundary = jsonencode({
      Version = "2012-10-17"
      Statement = [
        { Sid = "DelegatedAdmin", Effect = "Allow", Action = "*", Resource = "*" },
        { Sid = "NoIdentityOrOrgChanges", Effect = "Deny", Action = ["iam:*", "organizations:*", "account:*"], Resource = "*" },
      ]
    })
    tags = { team = "app" }
  }

  # Root, then the workloads OU: every level must allow, and the Deny protects production buckets
  # from everyone but the break-glass role.
  scps = [
    [jsonencode({
      Version   = "2012-10-17"
      Statement = [{ Sid = "FullAWSAccess", Effect = "Allow", Action = "*", Resource = "*" }]
    })],
    [jsonencode({
      Version = "2012-10-17"
      Statement = [
        { Sid = "FullAWSAccess", Effect = "Allow", Action = "*", Resource = "*" },
        {
          Sid       = "ProtectProductionBuckets"
          Effect    = "Deny"
          Action    = ["s3:DeleteBucket", "s3:DeleteBucketPolicy", "s3:PutBucketPolicy"]
          Resource  = "arn:aws:s3:::prod-*"
          Condition = { ArnNotLike = { "aws:PrincipalArn" = "arn:aws:iam::*:role/break-glass" } }
        },
      ]
    })],
  ]

  forbid {
    actions   = ["iam:*"]
    resources = ["*"]
  }

  forbid {
    actions   = ["s3:DeleteBucket"]
    resources = ["arn:aws:s3:::prod-*"]
  }

  require {
    action   = "s3:PutObject"
    resource = "arn:aws:s3:::prod-app-artifacts/builds/api-1.4.2.zip"
  }

  require {
    action   = "lambda:UpdateFunctionCode"
    resource = "arn:aws:lambda:eu-west-1:111122223333:function:app-api"
  }
}
