# Decide one request with the role's policy, its permissions boundary and the SCPs of its
# organisation, and stop the plan if the role can delete its queue.

terraform {
  required_providers {
    iam = { source = "iamguard/iam" }
  }
}

locals {
  app_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Sid = "ReadReports", Effect = "Allow", Action = "s3:GetObject", Resource = "arn:aws:s3:::reports/*" },
      { Sid = "ManageQueue", Effect = "Allow", Action = "sqs:*", Resource = "arn:aws:sqs:eu-west-1:111122223333:report-jobs" },
    ]
  })
  app_boundary = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["s3:Get*", "sqs:SendMessage", "sqs:ReceiveMessage"], Resource = "*" }]
  })
  full_aws_access = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }]
  })

  app_policies = {
    identity_policies    = [local.app_policy]
    permissions_boundary = local.app_boundary
    scps                 = [[local.full_aws_access], [local.full_aws_access]] # root, then the account
  }

  delete_queue = provider::iam::evaluate(local.app_policies, {
    principal = "arn:aws:iam::111122223333:role/app"
    action    = "sqs:DeleteQueue"
    resource  = "arn:aws:sqs:eu-west-1:111122223333:report-jobs"
    context   = { "aws:RequestedRegion" = "eu-west-1" }
  })
}

# delete_queue.decision is "ImplicitDeny" and delete_queue.blocked_by is ["permissions_boundary"].
output "delete_queue" {
  value = "${local.delete_queue.decision}: ${local.delete_queue.reason}"

  precondition {
    condition     = !local.delete_queue.allowed
    error_message = "The app role can delete its queue: ${local.delete_queue.reason}"
  }
}
