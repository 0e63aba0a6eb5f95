variable "name" { type = string }
variable "boundary" { type = string }
variable "managed_policy" { type = string }
variable "inline_actions" { type = list(string) }

resource "aws_iam_role" "this" {
  name                 = var.name
  permissions_boundary = var.boundary
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }]
  })
}

resource "aws_iam_role_policy_attachment" "managed" {
  role       = aws_iam_role.this.name
  policy_arn = var.managed_policy
}

resource "aws_iam_role_policy" "inline" {
  name = "inline"
  role = aws_iam_role.this.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = var.inline_actions, Resource = "*" }]
  })
}
