#!/usr/bin/env bash
# Prints the directory of a Node binary at least as new as .nvmrc's major version: the
# machine's own when it is new enough, otherwise the official binary from the npm
# registry (package node-linux-<arch>, the same build nodejs.org ships), unpacked once
# into the ignored .tools/node. Usage: export PATH="$(bash scripts/ensure-node.sh):$PATH"
set -euo pipefail
cd "$(dirname "$0")/.."

want_major=$(tr -dc '0-9' < .nvmrc)
# The exact build CI installs when the machine's Node is older (an LTS release of .nvmrc's line).
pinned=${CALM_NODE_VERSION:-24.21.0}

have_major=$( (node -p 'process.versions.node.split(".")[0]' 2>/dev/null) || echo 0)
if [ "$have_major" -ge "$want_major" ]; then
  dirname "$(command -v node)"
  exit 0
fi

case "$(uname -m)" in
  x86_64) arch=x64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) echo "no Node $want_major package for $(uname -m); install Node $want_major yourself" >&2; exit 1 ;;
esac

dest=.tools/node
if [ "$("$dest/bin/node" --version 2>/dev/null)" != "v$pinned" ]; then
  echo "Node $(node --version 2>/dev/null || echo none) is older than $want_major; installing node-linux-$arch@$pinned into $dest" >&2
  tmp=$(mktemp -d)
  # npm pack checks the tarball against the registry's integrity hash.
  (cd "$tmp" && npm pack "node-linux-$arch@$pinned" --silent >/dev/null)
  rm -rf "$dest" && mkdir -p "$dest"
  tar xzf "$tmp"/node-linux-"$arch"-"$pinned".tgz -C "$dest" --strip-components=1 package/bin/node package/LICENSE
  rm -rf "$tmp"
fi
echo "$PWD/$dest/bin"
