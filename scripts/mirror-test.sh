#!/usr/bin/env bash
# Proves the local install of `make install-local`, offline: the provider is built into a
# temporary filesystem mirror, and `terraform init` and `terraform plan` of examples/mirror (a
# configuration that needs iamguard/iam at that version) succeed
#   1. with the provider_installation block that install-local prints, as the CLI configuration;
#   2. with no CLI configuration at all, when the mirror is ~/.terraform.d/plugins, which
#      Terraform searches by itself;
#   3. after a rebuild under the same version, once the lock file is removed (init refuses the
#      new checksum before).
# The block's `direct` part (every other provider from its registry) needs the network, so it is
# not exercised here.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
tf="$(scripts/terraform.sh)"
version=0.0.1
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export CHECKPOINT_DISABLE=1

fail() { echo "mirror test: $*" >&2; exit 1; }

# plan_in DIR: init and plan examples/mirror in DIR with the environment given; the plan must
# show the data source's decision.
plan_in() {
	local dir="$1"; shift
	mkdir -p "$dir"
	cp examples/mirror/*.tf "$dir/"
	(cd "$dir" && env "$@" "$tf" init -no-color -input=false >"$dir/init.log" 2>&1) ||
		{ cat "$dir/init.log" >&2; fail "terraform init failed in $dir"; }
	grep -q "Installed iamguard/iam v$version" "$dir/init.log" ||
		{ cat "$dir/init.log" >&2; fail "terraform init did not install iamguard/iam v$version"; }
	(cd "$dir" && env "$@" "$tf" plan -no-color -input=false -lock=false >"$dir/plan.log" 2>&1) ||
		{ cat "$dir/plan.log" >&2; fail "terraform plan failed in $dir"; }
	grep -q 'decision *= *"Allow"' "$dir/plan.log" ||
		{ cat "$dir/plan.log" >&2; fail "the plan in $dir does not show the decision"; }
}

echo "== make install-local into a mirror, then terraform init and plan with the printed block"
LOCAL_VERSION=$version scripts/install-local.sh "$work/mirror" >"$work/install.log"
binary="$work/mirror/registry.terraform.io/iamguard/iam/$version/$(go env GOOS)_$(go env GOARCH)/terraform-provider-iam_v$version"
[ -x "$binary" ] || fail "no binary at $binary"
# The output is captured before it is matched: with pipefail, `binary version | grep -q` fails
# whenever grep has matched and exited before the binary wrote its second line (SIGPIPE).
reported="$("$binary" version)"
[[ "$reported" == *"terraform-provider-iam $version+local"* ]] || { printf '%s\n' "$reported" >&2; fail "$binary does not report version $version"; }
sed -n '/^provider_installation {/,/^}/p' "$work/install.log" >"$work/terraformrc"
grep -q filesystem_mirror "$work/terraformrc" || { cat "$work/install.log" >&2; fail "install-local printed no provider_installation block"; }
plan_in "$work/explicit" TF_CLI_CONFIG_FILE="$work/terraformrc"
grep -q "registry.terraform.io/iamguard/iam" "$work/explicit/.terraform.lock.hcl" || fail "the lock file does not record iamguard/iam"

echo "== ~/.terraform.d/plugins without any provider_installation block"
LOCAL_VERSION=$version scripts/install-local.sh "$work/home/.terraform.d/plugins" >/dev/null
plan_in "$work/implied" HOME="$work/home" TF_CLI_CONFIG_FILE=/dev/null

echo "== a rebuild under the same version: a new lock file, then terraform init"
# Another build (a different embedded version string) has another checksum than the lock file's:
# init must refuse it until the lock file entry is gone.
go build -ldflags "-X main.version=$version+rebuilt" -o "$binary" .
if (cd "$work/explicit" && TF_CLI_CONFIG_FILE="$work/terraformrc" "$tf" init -no-color -input=false >"$work/stale.log" 2>&1); then
	fail "terraform init accepted a rebuilt provider whose checksum the lock file does not hold"
fi
grep -q "doesn't match any of the checksums" "$work/stale.log" || { cat "$work/stale.log" >&2; fail "init failed for another reason than the checksum"; }
rm "$work/explicit/.terraform.lock.hcl"
plan_in "$work/explicit" TF_CLI_CONFIG_FILE="$work/terraformrc"
echo "mirror test: terraform init and plan work with the filesystem mirror"
