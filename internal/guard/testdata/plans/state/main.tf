data "aws_iam_policy_document" "read" {
  statement {
    sid       = "Read"
    actions   = ["s3:GetObject"]
    resources = ["arn:aws:s3:::acme-reports/*"]
  }
}

output "policy" {
  value = data.aws_iam_policy_document.read.json
}
