#!/usr/bin/env bash
# Prints the path of a goreleaser v2 for `make release-check`: the `goreleaser` on PATH when it is
# version 2, else goreleaser built once with `go install` into <repo>/.cache/bin (several minutes
# on 2 cores, cached). All progress goes to stderr, so that `$(scripts/goreleaser.sh)` captures
# only the path.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
version="${GORELEASER_VERSION:-v2.17.0}"

# is_v2 BINARY: true when BINARY runs and reports a 2.x version.
is_v2() {
	"$1" --version 2>/dev/null | grep -Eq '^GitVersion:[[:space:]]+v?2\.'
}

if on_path="$(command -v goreleaser 2>/dev/null)" && is_v2 "$on_path"; then
	printf '%s\n' "$on_path"
	exit 0
fi

built="$repo/.cache/bin/goreleaser"
if [ -x "$built" ] && is_v2 "$built"; then
	printf '%s\n' "$built"
	exit 0
fi

echo "scripts/goreleaser.sh: no goreleaser v2 on PATH; building $version into $repo/.cache/bin (once)" >&2
mkdir -p "$repo/.cache/bin"
# Build outside the module so that its go.mod is not consulted or changed.
(cd "$repo/.cache" && GOBIN="$repo/.cache/bin" GOFLAGS=-mod=mod go install "github.com/goreleaser/goreleaser/v2@$version") >&2
is_v2 "$built" || { echo "scripts/goreleaser.sh: the built $built does not run" >&2; exit 1; }
printf '%s\n' "$built"
