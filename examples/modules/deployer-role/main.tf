# A deployment role for one application, written as a module author would: the role may publish
# builds to its artifact bucket and update its functions, a permissions boundary keeps it out of
# IAM and the organisation, and the organisation's SCPs protect production buckets. The
# iam_access_check below proves at plan time that the role can never change IAM nor delete a
# production bucket, and can still ship builds.
#
# The example runs offline: terraform_data stands in for the aws_iam_role a real module would
# create, and the policies are the documents such a module would attach. The principal's ARN is
# built from values known at plan time (the account and the role's name), so the check runs
# during `terraform plan`.

terraform {
  required_version = ">= 1.5"
  required_providers {
    iam = {
      source = "iamguard/iam"
    }
  }
}

locals {
  role_arn = "arn:aws:iam::${var.account_id}:role/${var.role_name}"

  deployer_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "PublishArtifacts"
        Effect   = "Allow"
        Action   = ["s3:PutObject", "s3:GetObject"]
        Resource = "arn:aws:s3:::${var.artifact_bucket}/*"
      },
      {
        Sid      = "UpdateFunctions"
        Effect   = "Allow"
        Action   = concat(["lambda:UpdateFunctionCode", "lambda:GetFunction"], var.extra_actions)
        Resource = "*"
      },
    ]
  })

  boundary = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Sid = "DelegatedAdmin", Effect = "Allow", Action = "*", Resource = "*" },
      { Sid = "NoIdentityOrOrgChanges", Effect = "Deny", Action = ["iam:*", "organizations:*", "account:*"], Resource = "*" },
    ]
  })

  bucket_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "DeployerWritesBuilds"
      Effect    = "Allow"
      Principal = { AWS = local.role_arn }
      Action    = "s3:PutObject"
      Resource  = "arn:aws:s3:::${var.artifact_bucket}/builds/*"
    }]
  })
}

# Stands for aws_iam_role.deployer (with the boundary) and its inline policy.
resource "terraform_data" "deployer_role" {
  input = {
    name                 = var.role_name
    policy               = local.deployer_policy
    permissions_boundary = var.use_boundary ? local.boundary : null
  }
  # The grant waits for the check: if the check fails, nothing is granted.
  depends_on = [iam_access_check.deployer]
}

resource "iam_access_check" "deployer" {
  principal {
    arn                  = local.role_arn
    identity_policies    = [local.deployer_policy]
    managed_policy_arns  = var.managed_policy_arns
    permissions_boundary = var.use_boundary ? local.boundary : null
    tags                 = { team = var.team }
  }
  scps = var.scps
  resource_policies = {
    "arn:aws:s3:::${var.artifact_bucket}*" = local.bucket_policy
  }

  forbid {
    actions   = ["iam:*", "organizations:*"]
    resources = ["*"]
  }
  forbid {
    actions   = ["s3:DeleteBucket"]
    resources = ["arn:aws:s3:::prod-*"]
  }
  require {
    action   = "s3:PutObject"
    resource = "arn:aws:s3:::${var.artifact_bucket}/builds/app.zip"
  }

  enforce = var.enforce
}

# With enforce = false the check only reports; this check block makes the result visible in
# every plan and lets tests expect its failure.
check "deployer_access" {
  assert {
    condition     = iam_access_check.deployer.passed
    error_message = "The deployer role can reach forbidden access: ${join(" ", [for f in iam_access_check.deployer.findings : f.message])}"
  }
}
