# Resource types with policies beyond IAM, S3, SQS, SNS, KMS, Secrets Manager, ECR and Lambda:
# the ones the guard models (OpenSearch, Elasticsearch, EFS, API Gateway, Glacier) and some it
# does not (listed as not checked).

resource "aws_opensearch_domain" "logs" {
  domain_name    = "acme-logs"
  engine_version = "OpenSearch_2.11"
}

# Open to everyone: public.
resource "aws_opensearch_domain_policy" "logs" {
  domain_name = aws_opensearch_domain.logs.domain_name
  access_policies = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "*" }
      Action    = "es:ESHttpGet"
      Resource  = "arn:aws:es:us-east-1:111122223333:domain/acme-logs/*"
    }]
  })
}

# The account's own root only: nothing to report.
resource "aws_elasticsearch_domain" "legacy" {
  domain_name           = "acme-legacy"
  elasticsearch_version = "7.10"
  access_policies = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::111122223333:root" }
      Action    = "es:*"
      Resource  = "arn:aws:es:us-east-1:111122223333:domain/acme-legacy/*"
    }]
  })
}

resource "aws_efs_file_system" "shared" {
  creation_token = "acme-shared"
}

# Another account may mount and write: cross-account.
resource "aws_efs_file_system_policy" "shared" {
  file_system_id = aws_efs_file_system.shared.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "PartnerMount"
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::444455556666:root" }
      Action    = ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"]
      Resource  = "*"
    }]
  })
}

# Written with the execute-api:/ shorthand, open to everyone: public.
resource "aws_api_gateway_rest_api" "public" {
  name = "acme-public"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = "*"
      Action    = "execute-api:Invoke"
      Resource  = "execute-api:/*"
    }]
  })
}

resource "aws_api_gateway_rest_api" "private" {
  name = "acme-private"
}

# The account itself only: nothing to report.
resource "aws_api_gateway_rest_api_policy" "private" {
  rest_api_id = aws_api_gateway_rest_api.private.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::111122223333:root" }
      Action    = "execute-api:Invoke"
      Resource  = "execute-api:/*"
    }]
  })
}

# Anyone may start retrievals: public.
resource "aws_glacier_vault" "archive" {
  name = "acme-archive"
  access_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = "*"
      Action    = ["glacier:InitiateJob", "glacier:GetJobOutput"]
      Resource  = "arn:aws:glacier:us-east-1:111122223333:vaults/acme-archive"
    }]
  })
}

# Not modelled by the guard: listed as not checked.
resource "aws_s3_access_point" "reports" {
  bucket = "acme-reports"
  name   = "reports"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::444455556666:root" }
      Action    = "s3:GetObject"
      Resource  = "arn:aws:s3:us-east-1:111122223333:accesspoint/reports/object/*"
    }]
  })
}

resource "aws_cloudwatch_log_resource_policy" "events" {
  policy_name = "events-to-logs"
  policy_document = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "events.amazonaws.com" }
      Action    = ["logs:CreateLogStream", "logs:PutLogEvents"]
      Resource  = "arn:aws:logs:us-east-1:111122223333:log-group:/aws/events/*:*"
    }]
  })
}

resource "aws_kms_key" "data" {
  description = "data"
}

resource "aws_kms_grant" "partner" {
  name              = "partner-decrypt"
  key_id            = aws_kms_key.data.key_id
  grantee_principal = "arn:aws:iam::444455556666:root"
  operations        = ["Decrypt"]
}
