# Roles made two module levels deep: the platform module passes its boundary to a role module.
# The "ops" role may pass any role (iam:PassRole on "*") and gets AdministratorAccess; the
# boundary keeps it from IAM, so it is not an administrator.
module "platform" {
  source   = "./modules/team"
  team     = "platform"
  boundary = aws_iam_policy.boundary.arn
}

resource "aws_iam_policy" "boundary" {
  name = "team-boundary"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Sid = "Everything", Effect = "Allow", Action = "*", Resource = "*" },
      { Sid = "NoIAM", Effect = "Deny", Action = "iam:*", Resource = "*" },
    ]
  })
}
