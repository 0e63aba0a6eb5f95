# See exactly which actions a policy's wildcards grant, and stop the plan when a pattern grants
# more than intended.

terraform {
  required_providers {
    iam = { source = "iamguard/iam" }
  }
}

locals {
  write_patterns = ["s3:PutObject*", "s3:DeleteObject*"]
  write_actions  = provider::iam::expand_actions(local.write_patterns)
}

# Every S3 action whose name starts with PutObject or DeleteObject, as AWS spells it, sorted.
output "write_actions" {
  value = local.write_actions

  precondition {
    condition     = !contains(local.write_actions, "s3:PutBucketPolicy")
    error_message = "The write patterns also grant s3:PutBucketPolicy: use narrower patterns."
  }
}
