variable "account_id" {
  description = "The 12-digit ID of the account the role lives in."
  type        = string
}

variable "role_name" {
  description = "The name of the deployment role."
  type        = string
  default     = "app-deployer"
}

variable "team" {
  description = "The team that owns the role (its team tag)."
  type        = string
  default     = "app"
}

variable "artifact_bucket" {
  description = "The bucket the role publishes builds to."
  type        = string
}

variable "extra_actions" {
  description = "More actions the role's policy grants on every resource."
  type        = list(string)
  default     = []
}

variable "managed_policy_arns" {
  description = "AWS managed policies attached to the role."
  type        = list(string)
  default     = ["arn:aws:iam::aws:policy/PowerUserAccess"]
}

variable "use_boundary" {
  description = "Whether the role has the permissions boundary that keeps it out of IAM."
  type        = bool
  default     = true
}

variable "scps" {
  description = "The SCPs of the account, one list per level of the organisation path (root first)."
  type        = list(list(string))
  default     = null
}

variable "enforce" {
  description = "Whether a rule that does not hold fails the plan (false: report only)."
  type        = bool
  default     = true
}
