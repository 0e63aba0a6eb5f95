# A container image repository whose policy lets every AWS principal pull, and a Lambda function
# that anyone may invoke (principal "*" without a condition); S3 may invoke it only from one
# bucket of the account (not public).
resource "aws_ecr_repository" "app" {
  name = "acme-app"
}

resource "aws_ecr_repository_policy" "app" {
  repository = aws_ecr_repository.app.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "EveryonePulls"
      Effect    = "Allow"
      Principal = { AWS = "*" }
      Action    = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
    }]
  })
}

resource "aws_iam_role" "fn" {
  name = "acme-fn"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "lambda.amazonaws.com" } }]
  })
}

resource "aws_lambda_function" "fn" {
  function_name = "acme-fn"
  role          = aws_iam_role.fn.arn
  package_type  = "Image"
  image_uri     = "111122223333.dkr.ecr.us-east-1.amazonaws.com/acme-app:1.0"
}

resource "aws_lambda_permission" "anyone" {
  statement_id  = "AnyoneInvokes"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.fn.function_name
  principal     = "*"
}

resource "aws_lambda_permission" "from_bucket" {
  statement_id   = "FromUploads"
  action         = "lambda:InvokeFunction"
  function_name  = aws_lambda_function.fn.function_name
  principal      = "s3.amazonaws.com"
  source_arn     = "arn:aws:s3:::acme-uploads"
  source_account = "111122223333"
}
