# Lint policies at plan time: the plan fails on every finding at or above fail_on, with the
# line, column and JSON path of the element at fault.

# An identity policy that must have no error and no security warning.
data "iam_policy_validation" "app" {
  policy_type = "identity"
  fail_on     = "security_warning"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "ReadReports"
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:ListBucket"]
        Resource = ["arn:aws:s3:::reports", "arn:aws:s3:::reports/*"]
      },
      {
        Sid      = "PassOnlyTheJobRole"
        Effect   = "Allow"
        Action   = "iam:PassRole"
        Resource = "arn:aws:iam::111122223333:role/report-job"
        Condition = {
          StringEquals = { "iam:PassedToService" = "ecs-tasks.amazonaws.com" }
        }
      },
    ]
  })
}

# A bucket policy whose findings are reported but do not fail the plan (fail_on = "none").
# This one grants s3:GetObject on the bucket ARN instead of its objects, and to everyone.
data "iam_policy_validation" "bucket" {
  policy_type   = "resource"
  resource_type = "AWS::S3::Bucket"
  fail_on       = "none"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "PublicRead"
      Effect    = "Allow"
      Principal = "*"
      Action    = "s3:GetObject"
      Resource  = "arn:aws:s3:::reports"
    }]
  })
}

output "bucket_policy_findings" {
  # For example: SECURITY_WARNING RESOURCE_POLICY_PUBLIC at Statement[0].Principal (line 1).
  value = [for f in data.iam_policy_validation.bucket.findings : "${f.severity} ${f.code} at ${f.path} (line ${f.line})"]
}

output "bucket_policy_valid" {
  # true: AWS accepts the policy (its findings are warnings, not errors), but
  # bucket_policy_findings says what to fix.
  value = data.iam_policy_validation.bucket.valid
}
