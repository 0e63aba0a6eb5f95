#!/usr/bin/env bash
# Proves that the provider works with OpenTofu (make tofutest), offline, on the example module
# that `make moduletest` runs with Terraform (examples/modules/deployer-role):
#   1. the provider goes into a filesystem mirror under registry.opentofu.org, the host OpenTofu
#      gives the source "iamguard/iam" (scripts/install-local.sh with REGISTRY_HOST), and
#      `tofu init` installs it from there with the provider_installation block install-local
#      prints, as the only CLI configuration;
#   2. `tofu plan` of the guarded role shows the check passing, and `tofu plan` of the role
#      without its permissions boundary fails with the provider's finding (the check decides
#      under OpenTofu, it is not only loaded);
#   3. `tofu test` runs the module's tests/*.tftest.hcl, every run passing.
# The OpenTofu CLI comes from scripts/tofu.sh: $TOFU, or a pinned release built from its Go
# module once (about 4 minutes), which is why this is not part of `make test`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export CHECKPOINT_DISABLE=1
# No user's CLI configuration until ours is written (it would also warn when the file is missing).
export TF_CLI_CONFIG_FILE=/dev/null
unset TF_PLUGIN_CACHE_DIR
tofu="$(scripts/tofu.sh)"
version=0.0.1
host=registry.opentofu.org
module=examples/modules/deployer-role
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

fail() { echo "tofu test: $*" >&2; exit 1; }

# run LOG COMMAND...: runs tofu with COMMAND in the module's copy, its output in LOG.
run() {
	local log="$work/$1"; shift
	(cd "$work/module" && "$tofu" "$@" -no-color >"$log" 2>&1)
}

echo "== $("$tofu" version -json | sed -n 's/.*"terraform_version": *"\([^"]*\)".*/OpenTofu \1/p') ($tofu)"
REGISTRY_HOST=$host LOCAL_VERSION=$version scripts/install-local.sh "$work/mirror" >"$work/install.log"
sed -n '/^provider_installation {/,/^}/p' "$work/install.log" >"$work/tofurc"
grep -q "\"$host/iamguard/iam\"" "$work/tofurc" || { cat "$work/install.log" >&2; fail "install-local printed no block for $host"; }
# The CLI configuration is ours alone: no user's overrides, mirrors or plugin cache.
export TF_CLI_CONFIG_FILE="$work/tofurc"

mkdir -p "$work/module"
cp -R "$module/." "$work/module/"

echo "== tofu init $module (iamguard/iam from the filesystem mirror)"
run init.log init -input=false || { cat "$work/init.log" >&2; fail "tofu init failed"; }
grep -q "Installed iamguard/iam v$version" "$work/init.log" ||
	{ cat "$work/init.log" >&2; fail "tofu init did not install iamguard/iam v$version"; }
grep -q "\"$host/iamguard/iam\"" "$work/module/.terraform.lock.hcl" ||
	fail "the lock file does not record $host/iamguard/iam"

# The values of the module's test file: the organisation's SCPs deny deleting production buckets.
cat >"$work/guarded.tfvars" <<'VARS'
account_id      = "111122223333"
artifact_bucket = "prod-app-artifacts"
scps = [
  ["{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"FullAWSAccess\",\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}"],
  ["{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"FullAWSAccess\",\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"},{\"Sid\":\"ProtectProductionBuckets\",\"Effect\":\"Deny\",\"Action\":\"s3:DeleteBucket\",\"Resource\":\"arn:aws:s3:::prod-*\"}]}"],
]
VARS

echo "== tofu plan: the guarded role passes its access check"
run plan.log plan -input=false -lock=false -var-file="$work/guarded.tfvars" ||
	{ cat "$work/plan.log" >&2; fail "tofu plan of the guarded role failed"; }
grep -q 'access_check_passed *= *true' "$work/plan.log" ||
	{ cat "$work/plan.log" >&2; fail "the plan does not show access_check_passed = true"; }

echo "== tofu plan: without the permissions boundary the role reaches IAM, and the plan fails"
if run unguarded.log plan -input=false -lock=false -var-file="$work/guarded.tfvars" -var use_boundary=false; then
	cat "$work/unguarded.log" >&2
	fail "tofu plan of the role without its boundary succeeded; the access check should fail it"
fi
grep -q 'forbid\[0\]' "$work/unguarded.log" && grep -q 'iam:' "$work/unguarded.log" ||
	{ cat "$work/unguarded.log" >&2; fail "the failed plan does not report forbid[0] with an IAM action"; }

echo "== tofu test $module"
tests="$(find "$work/module/tests" -name '*.tftest.hcl' -exec grep -c '^run "' {} + | awk -F: '{ n += $NF } END { print n }')"
run test.log test || { cat "$work/test.log" >&2; fail "tofu test failed"; }
cat "$work/test.log"
grep -q "Success! $tests passed, 0 failed" "$work/test.log" ||
	fail "tofu test did not pass all $tests runs of the module's tests"
echo "tofu test: OpenTofu installs the provider from the mirror, plans with it and passes the module's tests"
