#!/usr/bin/env bash
# Runs `terraform test` on every example module under examples/modules/, offline, with the
# provider built into bin/: a CLI configuration with dev_overrides points Terraform at bin/, so
# neither `terraform init` nor a registry is needed. Each module is copied to a temporary
# directory so that nothing is left behind in the source tree.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
tf="$(scripts/terraform.sh)"
root="$PWD"
# terraform test with .tftest.hcl files exists from Terraform 1.6 on.
version="$("$tf" version -json | sed -n 's/.*"terraform_version": *"\([0-9.]*\).*/\1/p')"
if [ "$(printf '%s\n1.6.0\n' "$version" | sort -V | head -1)" != "1.6.0" ]; then
  echo "module tests skipped: terraform test needs Terraform 1.6 or later, this is $version"
  exit 0
fi
go build -o bin/terraform-provider-iam .
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cat > "$work/terraformrc" <<RC
provider_installation {
  dev_overrides {
    "iamguard/iam" = "$root/bin"
  }
  direct {}
}
RC
status=0
for module in examples/modules/*/; do
  name="$(basename "$module")"
  mkdir -p "$work/$name"
  cp -R "$module". "$work/$name/"
  echo "== terraform test $module"
  if ! (cd "$work/$name" && TF_CLI_CONFIG_FILE="$work/terraformrc" CHECKPOINT_DISABLE=1 "$tf" test -no-color); then
    status=1
  fi
done
exit "$status"
