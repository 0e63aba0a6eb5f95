# Validate a bucket policy before it is applied: errors stop the plan, and every other finding is
# shown as an output.

terraform {
  required_providers {
    iam = { source = "iamguard/iam" }
  }
}

locals {
  bucket_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "PublicRead"
      Effect    = "Allow"
      Principal = "*"
      Action    = "s3:GetObject"
      Resource  = "arn:aws:s3:::public-assets/*"
    }]
  })

  findings = provider::iam::validate(local.bucket_policy, "resource", "AWS::S3::Bucket")
  errors   = [for f in local.findings : f if f.severity == "ERROR"]
}

# A public bucket policy is valid, but gets a security warning at Statement[0].Principal.
output "bucket_policy_findings" {
  value = [for f in local.findings : "${f.severity} ${f.code} at ${f.path} (line ${f.line}): ${f.message}"]

  precondition {
    condition     = length(local.errors) == 0
    error_message = "The bucket policy is not valid: ${join("; ", [for f in local.errors : "${f.code} at ${f.path}: ${f.message}"])}"
  }
}
