#!/usr/bin/env bash
# Builds the provider into a local filesystem mirror, under a version, the way `terraform init`
# (or `tofu init`) finds providers there (the "unpacked" layout):
#   MIRROR/REGISTRY_HOST/iamguard/iam/VERSION/OS_ARCH/terraform-provider-iam_vVERSION
# and prints the provider_installation block of a CLI configuration that installs iamguard/iam
# from the mirror and every other provider (hashicorp/aws, ...) from its registry as usual.
# Unlike dev_overrides, this goes through `terraform init` and the dependency lock file, so it
# works beside other providers.
#
# Usage: scripts/install-local.sh [MIRROR]   (make install-local [MIRROR_DIR=...] [LOCAL_VERSION=...])
#   MIRROR         default ~/.terraform.d/plugins, a directory Terraform also searches by itself
#                  when the CLI configuration has no provider_installation block.
#   LOCAL_VERSION  default: the version of the first heading of CHANGELOG.md (the release being
#                  made). It must be a plain X.Y.Z: Terraform selects a pre-release version only
#                  when a configuration asks for exactly that version.
#   REGISTRY_HOST  default registry.terraform.io, the host that Terraform gives the source
#                  "iamguard/iam". OpenTofu gives it registry.opentofu.org: set that for tofu.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

mirror="${1:-${MIRROR_DIR:-$HOME/.terraform.d/plugins}}"
version="${LOCAL_VERSION:-$(sed -n '/^## *[0-9][0-9]*\.[0-9][0-9]*\.[0-9][0-9]*/{s/^## *\([0-9][0-9]*\.[0-9][0-9]*\.[0-9][0-9]*\).*/\1/p;q;}' CHANGELOG.md)}"
if ! [[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.+-]+)?$ ]]; then
	echo "install-local: version \"$version\" is not a semantic version (X.Y.Z); set LOCAL_VERSION" >&2
	exit 2
fi
host="${REGISTRY_HOST:-registry.terraform.io}"
if ! [[ "$host" =~ ^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:[0-9]+)?$ ]]; then
	echo "install-local: REGISTRY_HOST \"$host\" is not a host name (such as registry.opentofu.org)" >&2
	exit 2
fi
address="$host/iamguard/iam"
target="$(go env GOOS)_$(go env GOARCH)"
exe=""
[ "$(go env GOOS)" = windows ] && exe=".exe"

mkdir -p "$mirror"
mirror="$(cd "$mirror" && pwd)"
dir="$mirror/$address/$version/$target"
mkdir -p "$dir"
commit="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
go build -trimpath -ldflags "-X main.version=$version+local.$commit" \
	-o "$dir/terraform-provider-iam_v$version$exe" .

cat <<MSG
Installed $address $version ($target) into
  $dir

In a configuration, ask for this version or a range that holds it:
  iam = { source = "iamguard/iam", version = "$version" }

Add this block to your CLI configuration (~/.terraformrc for Terraform, ~/.tofurc for OpenTofu,
or the file TF_CLI_CONFIG_FILE names), so that iamguard/iam comes from the mirror and every other
provider from its registry:

provider_installation {
  filesystem_mirror {
    path    = "$mirror"
    include = ["$address"]
  }
  direct {
    exclude = ["$address"]
  }
}

After installing a new build under the same version, delete .terraform.lock.hcl (or its
iamguard/iam block) and run 'terraform init' again: the lock file holds the checksum of the
previous build, and init refuses another one.
MSG
