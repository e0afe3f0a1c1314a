#!/usr/bin/env bash
# Runs every test suite: the Rust core and CLI, short fuzz runs, native/WebAssembly parity,
# the demo page in Chromium, the Outlook task pane in Chromium, and the Thunderbird add-on
# end to end. Each suite's own script installs what it needs. A failing suite does not stop
# the others; the last line counts suites passed and failed, and the exit code is non-zero
# if any failed.
set -uo pipefail
cd "$(dirname "$0")/.."

passed=0
failed=0
failures=()

suite() {
  local name=$1
  shift
  echo
  echo "=== $name"
  if "$@"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    failures+=("$name")
  fi
}

rust_tests() {
  cargo test --release --all-targets
}

parity() {
  cargo build --release && bash scripts/build-wasm.sh && node --test tests/parity/
}

suite "rust: core, CLI, golden and fuzz-style tests" rust_tests
suite "fuzz: a short cargo-fuzz run of each target" bash scripts/test-fuzz.sh
suite "browser: demo page, storage, banner (Chromium)" bash scripts/test-browser.sh
suite "parity: native and WebAssembly reports" parity
suite "outlook: task pane with a mailbox test double (Chromium)" bash scripts/test-outlook.sh
suite "thunderbird: add-on end to end (Xvfb)" bash scripts/test-thunderbird.sh

echo
if [ "$failed" -gt 0 ]; then
  printf 'failed suite: %s\n' "${failures[@]}"
fi
echo "suites: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
