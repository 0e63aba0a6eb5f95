output "access_check_passed" {
  description = "Whether the deployer role's access check holds."
  value       = iam_access_check.deployer.passed
}

output "access_findings" {
  description = "The rules of the check that do not hold."
  value       = iam_access_check.deployer.findings
}
