#!/usr/bin/env bash
# Makes the Pulumi CLI available for the examples and the engine-level tests.
#
# Uses, in order: a `pulumi` already on PATH; a CLI already installed where the `pulumi` npm package
# and the official installer put it (~/.pulumi/versions/<version>/bin); otherwise builds it from the
# Go module proxy. `go install` refuses github.com/pulumi/pulumi/pkg/v3/cmd/pulumi because that
# module's go.mod has `replace` lines, so a throwaway module outside the repo requires pkg/v3 and
# sdk/v3 at one version and copies the `replace` the build needs. The Go build cache makes a rebuild
# take seconds.
set -euo pipefail

version="${PULUMI_BUILD_VERSION:-3.259.0}"
root="${PULUMI_HOME:-$HOME/.pulumi}/versions/$version"

if [ -n "${PULUMI_CLI_ROOT:-}" ] && [ -x "$PULUMI_CLI_ROOT/bin/pulumi" ]; then
  echo "pulumi: using PULUMI_CLI_ROOT ($("$PULUMI_CLI_ROOT/bin/pulumi" version))" >&2
  exit 0
fi
if command -v pulumi >/dev/null 2>&1; then
  echo "pulumi: using $(command -v pulumi) ($(pulumi version))" >&2
  exit 0
fi
# The official distribution ships the dynamic-provider plugin next to the CLI; so do we (it is a
# script in @pulumi/pulumi), so that the CLI finds it as a bundled plugin.
bundle_dynamic_provider_plugin() {
  local plugin
  plugin="$(dirname "$0")/../node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs"
  if [ -f "$plugin" ] && [ ! -e "$root/bin/pulumi-resource-pulumi-nodejs" ]; then
    cp "$plugin" "$root/bin/pulumi-resource-pulumi-nodejs"
  fi
}

if [ -x "$root/bin/pulumi" ]; then
  bundle_dynamic_provider_plugin
  echo "pulumi: using $root/bin/pulumi ($("$root/bin/pulumi" version))" >&2
  exit 0
fi
if ! command -v go >/dev/null 2>&1; then
  echo "pulumi: no CLI found and no Go toolchain to build one. Install it with the official installer" >&2
  echo "  (curl -fsSL https://get.pulumi.com | sh) or 'npx pulumi version', then run this again." >&2
  exit 1
fi

work="${XDG_CACHE_HOME:-$HOME/.cache}/alicloud-snapshot-policy/pulumi-build-$version"
mkdir -p "$work" "$root/bin"
cat >"$work/go.mod" <<GOMOD
module pulumibuild

go 1.25.11

require (
	github.com/pulumi/pulumi/pkg/v3 v$version
	github.com/pulumi/pulumi/sdk/v3 v$version
)

// Copied from github.com/pulumi/pulumi/pkg/v3's go.mod (its sdk/v3 => ../sdk replace is served by the require above).
replace github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e
GOMOD
cat >"$work/tools.go" <<'GOSRC'
//go:build tools

package tools

import _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
GOSRC

echo "pulumi: building v$version from the Go module proxy into $root/bin (first time only)..." >&2
start=$(date +%s)
(
  cd "$work"
  export GOFLAGS=-mod=mod
  go mod tidy >/dev/null 2>&1 || go mod download >/dev/null
  go build -o "$root/bin/pulumi.tmp" \
    -ldflags "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$version" \
    github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
)
mv "$root/bin/pulumi.tmp" "$root/bin/pulumi"
bundle_dynamic_provider_plugin
echo "pulumi: built $("$root/bin/pulumi" version) in $(($(date +%s) - start))s" >&2
