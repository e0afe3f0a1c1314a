#!/usr/bin/env bash
# Runs the browser tests from a fresh clone: installs Debian's Chromium when it is missing,
# the npm packages from the lock file, builds the wasm, then runs node's test runner over
# tests/browser/. Needs only the Debian archive, the npm registry and crates.io.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/ensure-chromium.sh

npm ci --no-audit --no-fund
bash scripts/build-wasm.sh
mkdir -p artifacts
node --test tests/browser/
