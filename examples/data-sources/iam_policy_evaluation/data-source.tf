# Check, at plan time, what an application role can do with its policies, its permissions
# boundary and the SCPs of its organisation, and fail the plan if the answer is not the
# intended one. Policies usually come from jsonencode() or data.aws_iam_policy_document.

locals {
  app_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "ReadReports"
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:ListBucket"]
        Resource = ["arn:aws:s3:::reports", "arn:aws:s3:::reports/*"]
      },
      {
        Sid      = "ManageQueue"
        Effect   = "Allow"
        Action   = "sqs:*"
        Resource = "arn:aws:sqs:eu-west-1:111122223333:report-jobs"
      },
    ]
  })

  app_boundary = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid      = "AppBoundary"
      Effect   = "Allow"
      Action   = ["s3:Get*", "s3:List*", "sqs:SendMessage", "sqs:ReceiveMessage"]
      Resource = "*"
    }]
  })

  full_aws_access = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }]
  })

  deny_other_regions = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid      = "DenyOtherRegions"
      Effect   = "Deny"
      Action   = "*"
      Resource = "*"
      Condition = {
        StringNotEquals = { "aws:RequestedRegion" = ["eu-west-1", "eu-central-1"] }
      }
    }]
  })
}

data "iam_policy_evaluation" "app" {
  identity_policies    = [local.app_role_policy]
  permissions_boundary = local.app_boundary
  # Root, then the Workloads OU, then the account: every level must allow.
  scps = [
    [local.full_aws_access, local.deny_other_regions],
    [local.full_aws_access],
    [local.full_aws_access],
  ]

  request {
    principal = "arn:aws:sts::111122223333:assumed-role/app/i-0123456789abcdef0"
    action    = "s3:GetObject"
    resource  = "arn:aws:s3:::reports/2026/q3.csv"
    context = {
      "aws:RequestedRegion" = ["eu-west-1"]
    }
  }

  # The role's policy allows sqs:*, but the boundary does not include DeleteQueue.
  request {
    principal = "arn:aws:sts::111122223333:assumed-role/app/i-0123456789abcdef0"
    action    = "sqs:DeleteQueue"
    resource  = "arn:aws:sqs:eu-west-1:111122223333:report-jobs"
    context = {
      "aws:RequestedRegion" = ["eu-west-1"]
    }
  }

  # Outside the allowed regions, the root SCP denies everything.
  request {
    principal = "arn:aws:sts::111122223333:assumed-role/app/i-0123456789abcdef0"
    action    = "s3:GetObject"
    resource  = "arn:aws:s3:::reports/2026/q3.csv"
    context = {
      "aws:RequestedRegion" = ["us-east-1"]
    }
  }

  lifecycle {
    postcondition {
      condition     = self.request[0].allowed && !self.request[1].allowed && !self.request[2].allowed
      error_message = "The app role's access is not what it should be: ${jsonencode([for r in self.request : "${r.action}: ${r.reason}"])}"
    }
  }
}

output "app_role_decisions" {
  value = [for r in data.iam_policy_evaluation.app.request : "${r.action} in ${r.context["aws:RequestedRegion"][0]}: ${r.decision} (${join(", ", r.blocked_by)})"]
}
