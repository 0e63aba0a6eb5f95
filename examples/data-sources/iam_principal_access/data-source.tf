# What can the deployment role do, exactly? Every action it may perform under its policies,
# boundary and SCPs, by service and access level, with the Resource patterns that grant it.
data "iam_principal_access" "deployer" {
  principal           = "arn:aws:iam::111122223333:role/app-deployer"
  managed_policy_arns = ["arn:aws:iam::aws:policy/PowerUserAccess"]
  permissions_boundary = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = "*", Resource = "*" },
      { Effect = "Deny", Action = ["iam:*", "organizations:*", "account:*"], Resource = "*" },
    ]
  })
  actions       = ["iam:*", "s3:*"]
  access_levels = ["Permissions management", "Write"]
}

# The boundary takes every IAM action away; the permissions management the role keeps is S3's
# (bucket policies and ACLs), which PowerUserAccess grants.
output "deployer_iam_actions" {
  value = [for a in data.iam_principal_access.deployer.allowed : a.action if a.service == "iam"]
}

output "deployer_permissions_management" {
  value = [for a in data.iam_principal_access.deployer.allowed : a.action if a.access_level == "Permissions management"]
}
