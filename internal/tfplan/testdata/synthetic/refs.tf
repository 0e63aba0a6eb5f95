# The configuration that refs.json stands for. refs.json is written by gen.py, by hand, in the
# format of `terraform show -json` (format 1.2); it was not planned by Terraform. The prior
# state it carries has aws_iam_policy.boundary, aws_iam_role.ops (with a policy attachment
# that this configuration removes), the SCP attached to ou-ab12-old, and the data source
# readonly.

resource "aws_iam_policy" "boundary" { # exists: its ARN is known
  name   = "app-boundary"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["s3:*", "sqs:*"], Resource = "*" }] })
}

resource "aws_iam_role" "ops" {
  name                = "ops"
  assume_role_policy  = local.ecs_trust
  managed_policy_arns = [aws_iam_policy.extra_ops.arn, "arn:aws:iam::aws:policy/ReadOnlyAccess"]
  tags                = { team = "ops" }
}

resource "aws_iam_policy" "extra_ops" {
  name   = "extra-ops"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["ec2:Describe*"], Resource = "*" }] })
}

resource "aws_iam_role" "workers" {
  count              = 2
  name_prefix        = "worker-"
  assume_role_policy = local.ecs_trust
}

resource "aws_iam_policy_attachment" "workers" {
  name       = "workers-extra"
  policy_arn = aws_iam_policy.extra_ops.arn
  roles      = aws_iam_role.workers[*].name
}

resource "aws_iam_role_policy" "orphan" {
  name   = "orphan"
  role   = local.role_name # a value known only after apply, through a local
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["s3:GetObject"], Resource = "*" }] })
}

resource "aws_iam_policy_attachment" "ops" {
  name       = "ops-readonly"
  policy_arn = "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess"
  roles      = [aws_iam_role.ops.name]
  groups     = ["legacy-admins"] # a group this configuration does not declare
}

resource "aws_s3_bucket" "logs" { bucket = "acme-logs" }

data "aws_iam_policy_document" "readonly" {
  statement {
    actions   = ["s3:GetObject"]
    resources = ["*"]
  }
}

resource "aws_s3_bucket_policy" "logs" {
  bucket = "acme-logs"
  policy = data.aws_iam_policy_document.readonly.json
}

resource "aws_ecr_repository" "app" { name = "app" }

resource "aws_ecr_repository_policy" "app" {
  repository = aws_ecr_repository.app.name
  policy     = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["ecr:BatchGetImage"], Resource = "*" }] })
}

resource "aws_lambda_function" "fn" { function_name = "worker" } # other arguments left out

resource "aws_lambda_permission" "s3" {
  statement_id   = "AllowS3"
  action         = "lambda:InvokeFunction"
  function_name  = aws_lambda_function.fn.function_name
  principal      = "s3.amazonaws.com"
  source_arn     = "arn:aws:s3:::acme-logs"
  source_account = "111122223333"
}

resource "aws_lambda_permission" "url" {
  action                 = "lambda:InvokeFunctionUrl"
  function_name          = "arn:aws:lambda:us-east-1:111122223333:function:worker"
  qualifier              = "live"
  principal              = "*"
  function_url_auth_type = "NONE"
}

resource "aws_lambda_permission" "queue" {
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.fn.function_name
  principal     = "sqs.amazonaws.com"
  source_arn    = aws_sqs_queue.q.arn # not in the plan's state: unknown
}

resource "aws_kms_key" "k" { description = "with key policy resource" }

resource "aws_kms_key_policy" "k" {
  key_id = aws_kms_key.k.id
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["kms:Decrypt"], Resource = "*" }] })
}

resource "aws_kms_key" "plain" { description = "default key policy" }

resource "aws_organizations_policy" "tags" {
  name    = "tags"
  type    = "TAG_POLICY"
  content = "{}"
}

resource "aws_organizations_policy_attachment" "tags" {
  policy_id = aws_organizations_policy.tags.id
  target_id = "r-ab12"
}

resource "aws_organizations_policy" "scp" { # exists: its id is known
  name    = "deny-all"
  content = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Deny", Action = "*", Resource = "*" }] })
}

resource "aws_organizations_policy_attachment" "scp" {
  policy_id = aws_organizations_policy.scp.id
  target_id = aws_organizations_organizational_unit.workloads.id # declared elsewhere
}

resource "aws_organizations_policy_attachment" "foreign" {
  policy_id = "p-zzz99999" # a policy this configuration does not declare
  target_id = "111122223333"
}

module "platform" {
  source       = "./platform"
  boundary_arn = aws_iam_policy.boundary.arn
}

# ./platform/main.tf
#   variable "boundary_arn" {}
#   resource "aws_iam_role" "seed" { name = "seed", assume_role_policy = ... }
#   data "aws_iam_policy_document" "trust" {          # read during apply: seed's ARN is unknown
#     statement { principals { type = "AWS", identifiers = [aws_iam_role.seed.arn] } ... }
#   }
#   module "team" {
#     source   = "./team"
#     boundary = var.boundary_arn
#     trust    = data.aws_iam_policy_document.trust.json
#   }
#
# ./platform/team/main.tf
#   variable "boundary" {}
#   variable "trust" {}
#   resource "aws_iam_role" "this" { name = "team", assume_role_policy = var.trust, permissions_boundary = var.boundary }
#   resource "aws_iam_policy" "extra" { count = 2, name = "extra-${count.index}", policy = ... sqs:Action<index> ... }
#   resource "aws_iam_role_policy_attachment" "extra" {
#     count      = 2
#     role       = aws_iam_role.this.name
#     policy_arn = aws_iam_policy.extra[count.index].arn
#   }
