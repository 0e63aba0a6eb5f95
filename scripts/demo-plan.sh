#!/usr/bin/env bash
# Runs `terraform plan` on a demo configuration with the provider in bin/, offline: a CLI
# configuration with dev_overrides points Terraform at bin/, so neither `terraform init` nor a
# registry is needed. Usage: scripts/demo-plan.sh DIR [expect-fail]
# With expect-fail the plan must fail (the demo shows the forbidden access it finds), and the
# script succeeds when it does.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
dir="$1"
expect="${2:-}"
tf="$(scripts/terraform.sh)"
root="$PWD"
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
cp "$dir"/*.tf "$work/"
status=0
(cd "$work" && TF_CLI_CONFIG_FILE="$work/terraformrc" CHECKPOINT_DISABLE=1 "$tf" plan -no-color -input=false -lock=false) || status=$?
if [ "$expect" = "expect-fail" ]; then
  if [ "$status" -eq 0 ]; then
    echo "demo: the plan of $dir was expected to fail" >&2
    exit 1
  fi
  echo "(terraform plan failed, as it should: the check above found forbidden access)"
  exit 0
fi
exit "$status"
