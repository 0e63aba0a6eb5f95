#!/usr/bin/env bash
# Prints the path of an OpenTofu CLI for `make tofutest`: $TOFU when it is set (a tofu you have
# installed), else OpenTofu $TOFU_VERSION (default below) built once from its Go module into
# ${TOFU_CACHE_DIR:-<repo>/.cache/bin}/tofu-vVERSION and reused from there.
#
# `go install github.com/opentofu/opentofu/cmd/tofu@VERSION` is refused because OpenTofu's go.mod
# has a replace directive (its fork of hcl/v2), so the module is downloaded with `go mod download`
# and built inside its own directory, where go.mod and its replace apply. The module cache is
# read-only, which `go build` does not mind: it writes only the -o file and its build cache.
# The build takes about 4 minutes and 1.3 GB of build cache on 2 cores; it runs under nice.
# All progress goes to stderr, so that `$(scripts/tofu.sh)` captures only the path.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
version="${TOFU_VERSION:-v1.10.10}"
version="v${version#v}"
export CHECKPOINT_DISABLE=1

# runs BINARY: true when BINARY runs and says it is OpenTofu.
# The output is captured first: with pipefail, `tofu version | grep -q` would fail when grep
# exits before tofu has written all its lines.
runs() {
	local out
	out="$(TF_CLI_CONFIG_FILE=/dev/null "$1" version 2>/dev/null)" || return 1
	[[ "$out" == OpenTofu\ v* ]]
}

if [ -n "${TOFU:-}" ]; then
	runs "$TOFU" || { echo "scripts/tofu.sh: TOFU=$TOFU does not run as OpenTofu" >&2; exit 1; }
	printf '%s\n' "$TOFU"
	exit 0
fi

cache="${TOFU_CACHE_DIR:-$repo/.cache/bin}"
built="$cache/tofu-$version"
if [ -x "$built" ] && runs "$built"; then
	printf '%s\n' "$built"
	exit 0
fi

echo "scripts/tofu.sh: building OpenTofu $version into $built (once; about 4 minutes)" >&2
mkdir -p "$cache"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# Outside any module, so that this repository's go.mod is neither read nor changed.
dir="$(cd "$tmp" && go mod download -json "github.com/opentofu/opentofu@$version" |
	sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
[ -n "$dir" ] && [ -f "$dir/go.mod" ] ||
	{ echo "scripts/tofu.sh: go mod download gave no source directory for OpenTofu $version" >&2; exit 1; }
# version.dev=no makes the binary report the release's version (as OpenTofu's releases do) rather
# than VERSION-dev. Built to a temporary name first, so that an interrupted build is not reused.
(cd "$dir" && GOFLAGS=-buildvcs=false nice -n 10 go build -trimpath \
	-ldflags "-X github.com/opentofu/opentofu/version.dev=no" -o "$built.tmp" ./cmd/tofu) >&2
mv "$built.tmp" "$built"
runs "$built" || { echo "scripts/tofu.sh: the built $built does not run" >&2; exit 1; }
printf '%s\n' "$built"
