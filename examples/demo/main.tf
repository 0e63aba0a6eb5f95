# The `make demo` plan: a CI role was given AWS's PowerUserAccess, and the team asserts that it
# can never change IAM nor read the payroll bucket. PowerUserAccess still grants a few IAM
# actions (iam:CreateServiceLinkedRole, ...), and nothing keeps the role from the bucket, so
# `terraform plan` fails and shows, for each forbidden access, a request that would be allowed
# and the statement that allows it. The role's boundary is left out on purpose: add
# `permissions_boundary` as in examples/resources/iam_access_check to make the plan pass.
terraform {
  required_providers {
    iam = {
      source = "iamguard/iam"
    }
  }
}

resource "iam_access_check" "ci_role" {
  principal {
    arn                 = "arn:aws:iam::111122223333:role/ci"
    managed_policy_arns = ["arn:aws:iam::aws:policy/PowerUserAccess"]
  }

  forbid {
    actions   = ["iam:*"]
    resources = ["*"]
  }

  forbid {
    actions   = ["s3:GetObject"]
    resources = ["arn:aws:s3:::acme-payroll/*"]
  }

  require {
    action   = "lambda:UpdateFunctionCode"
    resource = "arn:aws:lambda:eu-west-1:111122223333:function:api"
  }
}
