#!/usr/bin/env bash
# Runs the Outlook add-in tests from a fresh clone: installs Debian's Chromium when it is
# missing and the npm packages from the lock file, builds the wasm when www/pkg or
# www/pkg-node is missing, copies Office.js beside the task pane, then runs node's test
# runner over tests/outlook/. Needs only the Debian archive, the npm registry and crates.io.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/ensure-chromium.sh

npm ci --no-audit --no-fund
if [ ! -f www/pkg/familiar.js ] || [ ! -f www/pkg-node/familiar.js ]; then
  bash scripts/build-wasm.sh
fi
node scripts/outlook-build.mjs
node --test tests/outlook/
