#!/usr/bin/env bash
# Fails when the committed generated files (the contract's bundle, the client's types) differ from
# what the build wrote from spec/. Run after a build: the build rewrites them, so their own tests
# pass whatever was committed. (In CI's containers the checkout belongs to another user, hence
# safe.directory.)
set -euo pipefail
cd "$(dirname "$0")/.."
git() { command git -c safe.directory="$PWD" "$@"; }
git rev-parse --is-inside-work-tree >/dev/null 2>&1 || exit 0
drift=$(git status --porcelain -- packages/contract/src/generated packages/client/src/generated)
if [ -n "$drift" ]; then
  printf '%s\n' "$drift" >&2
  echo "the generated files above differ from what the build writes from spec/: run \`pnpm build\` and commit them" >&2
  exit 1
fi
