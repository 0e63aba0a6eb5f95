terraform {
  required_providers {
    iam = {
      source = "iamguard/iam"
    }
  }
}

# The provider takes no configuration: it evaluates policies offline, with no AWS account,
# credentials or network access.
provider "iam" {}

# The policy a module attaches to its application role (usually from jsonencode() or
# data.aws_iam_policy_document), and the permissions boundary that caps it.
locals {
  role_arn = "arn:aws:iam::111122223333:role/reports-app"

  role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Sid = "ReadReports", Effect = "Allow", Action = ["s3:GetObject", "s3:ListBucket"], Resource = ["arn:aws:s3:::reports", "arn:aws:s3:::reports/*"] },
      { Sid = "AllOfSqs", Effect = "Allow", Action = "sqs:*", Resource = "*" },
    ]
  })

  boundary = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Sid = "AppBoundary", Effect = "Allow", Action = ["s3:Get*", "s3:List*", "sqs:SendMessage", "sqs:ReceiveMessage"], Resource = "*" },
    ]
  })
}

# Concrete requests: each gets AWS's decision and the statements (or the layer) that decided it.
data "iam_policy_evaluation" "reports_app" {
  identity_policies    = [local.role_policy]
  permissions_boundary = local.boundary

  request {
    principal = local.role_arn
    action    = "s3:GetObject"
    resource  = "arn:aws:s3:::reports/2026/q3.csv"
  }

  # The role's policy grants sqs:*, but the boundary leaves out DeleteQueue.
  request {
    principal = local.role_arn
    action    = "sqs:DeleteQueue"
    resource  = "arn:aws:sqs:eu-west-1:111122223333:report-jobs"
  }
}

# Every request at once: the plan fails if the role could make any request of a forbid block, or
# a required request is denied. Widen the boundary to "sqs:*" and the plan fails, naming a
# request that gets through (such as sqs:DeleteQueue on some queue) and the statements that allow it.
resource "iam_access_check" "reports_app" {
  principal {
    arn                  = local.role_arn
    identity_policies    = [local.role_policy]
    permissions_boundary = local.boundary
  }

  forbid {
    actions   = ["sqs:DeleteQueue", "s3:PutObject", "s3:DeleteObject"]
    resources = ["*"]
  }

  require {
    action   = "sqs:SendMessage"
    resource = "arn:aws:sqs:eu-west-1:111122223333:report-jobs"
  }
}

output "decisions" {
  value = [for r in data.iam_policy_evaluation.reports_app.request : "${r.action}: ${r.decision}"]
}
