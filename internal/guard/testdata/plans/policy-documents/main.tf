# Bucket policies written with aws_iam_policy_document. The reports bucket's document has only
# known inputs, so Terraform reads it at plan time: only the organisation reads it (not public).
# The website bucket's document names the bucket's ARN, known only after apply: its policy is
# unknown in the plan, so a careful guard says it cannot decide rather than pass it.
resource "aws_s3_bucket" "reports" {
  bucket = "acme-reports"
}

data "aws_iam_policy_document" "reports" {
  statement {
    sid       = "OrgRead"
    actions   = ["s3:GetObject"]
    resources = ["arn:aws:s3:::acme-reports/*"]
    principals {
      type        = "AWS"
      identifiers = ["*"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:PrincipalOrgID"
      values   = ["o-acme1234"]
    }
  }
}

resource "aws_s3_bucket_policy" "reports" {
  bucket = aws_s3_bucket.reports.id
  policy = data.aws_iam_policy_document.reports.json
}

resource "aws_s3_bucket" "website" {
  bucket = "acme-website"
}

data "aws_iam_policy_document" "website" {
  statement {
    sid       = "PublicRead"
    actions   = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.website.arn}/*"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
  }
}

resource "aws_s3_bucket_policy" "website" {
  bucket = aws_s3_bucket.website.id
  policy = data.aws_iam_policy_document.website.json
}
