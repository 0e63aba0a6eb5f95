# Prove at plan time that a deployer role cannot pass roles, and show the request that gets
# through when it can. The answer covers every request of the set, not a sample.

terraform {
  required_providers {
    iam = { source = "iamguard/iam" }
  }
}

locals {
  deployer_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Sid = "Deploy", Effect = "Allow", Action = ["lambda:UpdateFunctionCode", "iam:PassRole"], Resource = "*" },
    ]
  })
  deployer_boundary = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "lambda:*", Resource = "*" }]
  })

  deployer = {
    arn                  = "arn:aws:iam::111122223333:role/deployer"
    identity_policies    = [local.deployer_policy]
    permissions_boundary = local.deployer_boundary
    # tags omitted: the answer holds whatever tags the role is given.
  }

  # Without the boundary, the policy's iam:PassRole on "*" gets through.
  unbounded = provider::iam::can(
    { arn = local.deployer.arn, identity_policies = local.deployer.identity_policies },
    ["iam:PassRole"], ["*"],
  )
  bounded = provider::iam::can(local.deployer, ["iam:PassRole"], ["*"])
}

# true: the witness is an iam:PassRole request on some role, allowed by statement 0.
output "unbounded_can_pass_roles" {
  value = local.unbounded.allowed ? "${local.unbounded.witness.action} on ${local.unbounded.witness.resource}, allowed by ${join(", ", local.unbounded.statements)}" : "no"
}

output "deployer_can_pass_roles" {
  value = local.bounded.allowed

  precondition {
    condition     = !local.bounded.allowed
    error_message = "The deployer can pass roles: ${try(local.bounded.witness.resource, "")} is allowed by ${join(", ", local.bounded.statements)}."
  }
}
