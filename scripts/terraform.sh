#!/usr/bin/env bash
# Prints the path of a Terraform CLI of version 1.5 or newer, for the acceptance tests, the docs
# generator and the demo: the `terraform` on PATH when it is new enough, else Terraform 1.5.7
# built once from source with the Go toolchain into <repo>/.cache/bin (a few minutes, cached).
# All progress goes to stderr, so that `$(scripts/terraform.sh)` captures only the path.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Without these, `terraform version` calls checkpoint.hashicorp.com and warns about a missing
# CLI configuration file on machines where TF_CLI_CONFIG_FILE points nowhere.
export CHECKPOINT_DISABLE=1
export TF_CLI_CONFIG_FILE="${TF_CLI_CONFIG_FILE:-/dev/null}"
[ -e "$TF_CLI_CONFIG_FILE" ] || export TF_CLI_CONFIG_FILE=/dev/null

min_major=1
min_minor=5

# is_new_enough BINARY: true when BINARY runs and reports a version >= 1.5.
is_new_enough() {
	local out version major minor
	out="$("$1" version -json 2>/dev/null)" || return 1
	version="$(printf '%s\n' "$out" | sed -n '/"terraform_version": *"[0-9]/{s/.*"terraform_version": *"\([0-9][0-9.]*\).*/\1/p;q;}')"
	[ -n "$version" ] || return 1
	major="${version%%.*}"
	minor="${version#*.}"
	minor="${minor%%.*}"
	[ "$major" -gt "$min_major" ] || { [ "$major" -eq "$min_major" ] && [ "$minor" -ge "$min_minor" ]; }
}

if on_path="$(command -v terraform 2>/dev/null)" && is_new_enough "$on_path"; then
	printf '%s\n' "$on_path"
	exit 0
fi

built="$repo/.cache/bin/terraform"
if [ -x "$built" ] && is_new_enough "$built"; then
	printf '%s\n' "$built"
	exit 0
fi

echo "scripts/terraform.sh: no Terraform >= $min_major.$min_minor on PATH; building 1.5.7 into $repo/.cache/bin (once)" >&2
mkdir -p "$repo/.cache/bin"
# Build outside the module so that its go.mod is not consulted or changed.
(cd "$repo/.cache" && GOBIN="$repo/.cache/bin" GOFLAGS=-mod=mod go install github.com/hashicorp/terraform@v1.5.7) >&2
is_new_enough "$built" || { echo "scripts/terraform.sh: the built $built does not run" >&2; exit 1; }
printf '%s\n' "$built"
