# Rules of the plan guard for examples/guard/plan.json (the plan of main.tf beside it):
#
#   terraform-provider-iam guard --plan examples/guard/plan.json --rules examples/guard/guard.hcl
#
# The schema is documented in internal/guard/README.md.

# The account the plan deploys into. Plans do not know it (ARNs of new resources are known only
# after apply); without it the guard infers it from the plan or uses a placeholder.
account = "111122223333"

# Principals that may hold administrative access (ARN patterns). Everyone else who gains it,
# directly or through a role chain, is a new-admin-access finding.
administrators = ["arn:aws:iam::111122223333:role/break-glass"]

# How many AssumeRole / PassRole steps a role chain may have.
max_chain_depth = 3

# No user may change IAM, directly or through a role it reaches.
forbid "users-do-not-change-iam" {
  principals = ["arn:aws:iam::111122223333:user/*"]
  actions    = ["iam:Put*", "iam:Attach*", "iam:CreatePolicyVersion", "iam:UpdateAssumeRolePolicy"]
  resources  = ["*"]
}

# Nobody reads the payroll bucket but the roles tagged for it.
forbid "payroll-data" {
  principal_tags = { team = "payroll" }
  actions        = ["s3:GetObject"]
  resources      = ["arn:aws:s3:::acme-payroll/*"]
}

# The automation role must keep writing its logs.
require "automation-logs" {
  principals = ["arn:aws:iam::111122223333:role/automation"]
  actions    = ["logs:CreateLogStream", "logs:PutLogEvents"]
  resources  = ["arn:aws:logs:us-east-1:111122223333:log-group:/aws/lambda/automation:log-stream:2026/11/28/run-1"]
  context    = { "aws:RequestedRegion" = "us-east-1" }
}

# Report the IAM access that the plan adds over the prior state.
new_access "iam-changes" {
  principals = ["*"]
  actions    = ["iam:*"]
  mode       = "report"
}

# Resource policies that let anyone in fail the plan, except the public website bucket.
public_access {
  mode   = "forbid"
  except = ["aws_s3_bucket_policy.website"]
}

# Policy validation: errors fail, security warnings are reported.
validation {
  fail   = "ERROR"
  report = "SECURITY_WARNING"
}

# Where the account sits in the organisation, for SCPs and RCPs that this plan does not hold:
#
# organization {
#   path = ["r-ab12", "ou-ab12-workload1"]   # the root, then the OUs down to the account's parent
#   scp {
#     target = "ou-ab12-workload1"           # an id of path, or "account"
#     file   = "scps/regions.json"           # relative to this file
#   }
# }

# Best practices: turn a code off, only report it, or make it fail.
finding "access-key" {
  level = "fail"
}

finding "passrole-wildcard" {
  level = "fail"
}
