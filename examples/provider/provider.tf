terraform {
  required_providers {
    iam = {
      source = "iamguard/iam"
    }
  }
}

# The provider takes no configuration: it evaluates policies offline, with no AWS account,
# credentials or network access.
provider "iam" {}
