# A configuration that installs iamguard/iam from the local filesystem mirror of
# `make install-local` (scripts/mirror-test.sh plans it). Beside it, a configuration may need
# hashicorp/aws and others from the registry: the printed provider_installation block sends only
# iamguard/iam to the mirror.
terraform {
  required_providers {
    iam = {
      source  = "iamguard/iam"
      version = "0.0.1"
    }
  }
}

data "iam_policy_evaluation" "read" {
  identity_policies = [jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "s3:GetObject"
      Resource = "arn:aws:s3:::reports/*"
    }]
  })]

  request {
    principal = "arn:aws:iam::111122223333:role/reader"
    action    = "s3:GetObject"
    resource  = "arn:aws:s3:::reports/q3.csv"
  }
}

output "decision" {
  value = data.iam_policy_evaluation.read.request[0].decision
}
