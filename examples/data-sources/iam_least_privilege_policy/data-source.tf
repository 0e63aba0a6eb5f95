# The smallest policy for what the build job does: read sources, publish artifacts, send a
# notification from inside its VPC. Every action is spelt out; nothing else is allowed.
data "iam_least_privilege_policy" "build" {
  require {
    action   = "s3:GetObject"
    resource = "arn:aws:s3:::build-sources/*"
  }
  require {
    action   = "s3:PutObject"
    resource = "arn:aws:s3:::build-artifacts/*"
  }
  require {
    action   = "sns:Publish"
    resource = "arn:aws:sns:eu-west-1:111122223333:builds"
    context  = { "aws:SourceVpc" = ["vpc-0a1b2c3d"] }
  }
}

output "build_policy" {
  value = data.iam_least_privilege_policy.build.json
}
