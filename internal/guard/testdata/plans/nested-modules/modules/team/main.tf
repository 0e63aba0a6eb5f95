variable "team" { type = string }
variable "boundary" { type = string }

module "ops" {
  source         = "./modules/role"
  name           = "team-${var.team}-ops"
  boundary       = var.boundary
  managed_policy = "arn:aws:iam::aws:policy/AdministratorAccess"
  inline_actions = ["iam:PassRole"]
}
