# terraform test for the deployer-role module. Every run is a plan: the check decides at plan
# time because the role's ARN is built from known values.

# The SCPs are JSON written out, not jsonencode(...): a test file's variables may call functions
# only from Terraform 1.7 and OpenTofu 1.11 on, and this module's tests run on both
# (make moduletest, make tofutest).
variables {
  account_id      = "111122223333"
  artifact_bucket = "prod-app-artifacts"
  scps = [
    [<<-JSON
      {"Version": "2012-10-17", "Statement": [
        {"Sid": "FullAWSAccess", "Effect": "Allow", "Action": "*", "Resource": "*"}
      ]}
    JSON
    ],
    [<<-JSON
      {"Version": "2012-10-17", "Statement": [
        {"Sid": "FullAWSAccess", "Effect": "Allow", "Action": "*", "Resource": "*"},
        {"Sid": "ProtectProductionBuckets", "Effect": "Deny", "Action": "s3:DeleteBucket", "Resource": "arn:aws:s3:::prod-*"}
      ]}
    JSON
    ],
  ]
}

run "guarded_role_passes" {
  command = plan

  assert {
    condition     = iam_access_check.deployer.passed
    error_message = "The guarded deployer role should pass its access check."
  }
  assert {
    condition     = iam_access_check.deployer.violations == 0
    error_message = "The guarded deployer role should have no findings."
  }
}

# Report-only: without the boundary, PowerUserAccess lets the role reach some IAM actions. The
# check reports it instead of failing the plan, and the test asserts the finding.
run "missing_boundary_is_reported" {
  command = plan

  variables {
    use_boundary = false
    enforce      = false
  }

  assert {
    condition     = !iam_access_check.deployer.passed
    error_message = "Without the boundary the role reaches IAM: the check must not pass."
  }
  assert {
    condition     = iam_access_check.deployer.findings[0].rule == "forbid[0]" && startswith(iam_access_check.deployer.findings[0].witness.action, "iam:")
    error_message = "The first finding should be forbid[0] with an IAM action as its witness."
  }

  # The module's check block reports the failure; the test expects it.
  expect_failures = [check.deployer_access]
}

# Without the SCP's Deny, production buckets can be deleted (PowerUserAccess grants s3:*).
run "missing_scp_deny_is_reported" {
  command = plan

  variables {
    enforce = false
    scps = [
      [<<-JSON
        {"Version": "2012-10-17", "Statement": [
          {"Sid": "FullAWSAccess", "Effect": "Allow", "Action": "*", "Resource": "*"}
        ]}
      JSON
      ],
    ]
  }

  assert {
    condition     = length([for f in iam_access_check.deployer.findings : f if f.rule == "forbid[1]" && f.witness.action == "s3:DeleteBucket"]) == 1
    error_message = "Without the SCP's Deny, forbid[1] should be violated by s3:DeleteBucket."
  }

  expect_failures = [check.deployer_access]
}
