#!/usr/bin/env bash
# Runs the Thunderbird add-on's end-to-end test: installs what it needs when missing
# (Thunderbird, Xvfb, zip from Debian; marionette_driver from PyPI), builds the engine and
# the add-on, then runs tests/thunderbird/e2e.py. Its last line counts the checks:
# "N passed, N failed". Takes about a minute once everything is installed.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v thunderbird >/dev/null || missing+=(thunderbird)
command -v Xvfb >/dev/null || missing+=(xvfb)
command -v zip >/dev/null || missing+=(zip)
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi
if ! python3 -c "import marionette_driver" 2>/dev/null; then
  python3 -m pip install --quiet marionette_driver
fi

# write-mbox.cjs needs the Node build, the add-on the browser build.
if [ ! -f www/pkg/familiar_bg.wasm ] || [ ! -f www/pkg-node/familiar_bg.wasm ]; then
  bash scripts/build-wasm.sh
fi
bash scripts/build-xpi.sh

python3 tests/thunderbird/e2e.py
