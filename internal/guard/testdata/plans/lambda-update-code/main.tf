# A Lambda function whose resource policy lets a deployment account change its code, which runs
# as the function's role (acme-fn-exec may read the payroll bucket); EventBridge may invoke it
# (not a code change); a role of the account may read its configuration (not a code change), and
# the account's CI role may change its configuration (environment, layers: a code change).
resource "aws_iam_role" "fn" {
  name = "acme-fn-exec"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "lambda.amazonaws.com" } }]
  })
}

resource "aws_iam_role_policy" "fn" {
  name = "payroll-read"
  role = aws_iam_role.fn.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "arn:aws:s3:::acme-payroll/*" }]
  })
}

resource "aws_lambda_function" "fn" {
  function_name = "acme-payroll-export"
  role          = aws_iam_role.fn.arn
  package_type  = "Image"
  image_uri     = "111122223333.dkr.ecr.us-east-1.amazonaws.com/acme-export:1.0"
}

resource "aws_lambda_permission" "deployer" {
  statement_id  = "DeployAccountUpdatesCode"
  action        = "lambda:UpdateFunctionCode"
  function_name = aws_lambda_function.fn.function_name
  principal     = "444455556666"
}

resource "aws_lambda_permission" "schedule" {
  statement_id  = "NightlySchedule"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.fn.function_name
  principal     = "events.amazonaws.com"
  source_arn    = "arn:aws:events:us-east-1:111122223333:rule/nightly"
}

resource "aws_lambda_permission" "auditor" {
  statement_id  = "AuditorReadsConfiguration"
  action        = "lambda:GetFunctionConfiguration"
  function_name = aws_lambda_function.fn.function_name
  principal     = "arn:aws:iam::111122223333:role/auditor"
}

resource "aws_lambda_permission" "ci" {
  statement_id  = "CiUpdatesConfiguration"
  action        = "lambda:UpdateFunctionConfiguration"
  function_name = aws_lambda_function.fn.function_name
  principal     = "arn:aws:iam::111122223333:role/ci"
}
