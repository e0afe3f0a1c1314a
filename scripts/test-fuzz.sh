#!/usr/bin/env bash
# A short run of each cargo-fuzz target (FUZZ_SECONDS each, default 60) from the seeds that
# scripts/fuzz-seed.sh writes: enough to catch a regression on the hostile fixtures and the
# example mailbox, not a substitute for the long runs described in the README. Installs the
# nightly toolchain and cargo-fuzz when they are missing. Fails on any crash, leak or
# timeout; libFuzzer writes the input to fuzz/artifacts/<target>/.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${FUZZ_SECONDS:-60}

if ! rustup toolchain list | grep -q '^nightly'; then
  rustup toolchain install nightly --profile minimal
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
  # Not --locked: its lock file can pin a crate the registry no longer serves.
  cargo install cargo-fuzz
fi

bash scripts/fuzz-seed.sh

mkdir -p target
for target in score_learn baseline_decode; do
  echo "fuzz: $target for ${seconds}s"
  log="target/fuzz-$target.log"
  status=0
  cargo +nightly fuzz run -O "$target" "fuzz/corpus/$target" -- \
    -max_total_time="$seconds" -rss_limit_mb=4096 -timeout=20 -print_final_stats=1 \
    >"$log" 2>&1 || status=$?
  grep -E '^(stat::|#[0-9]+ +(INITED|DONE))|panicked|SUMMARY' "$log" || true
  if [ "$status" -ne 0 ]; then
    tail -n 40 "$log" >&2
    echo "fuzz: $target failed; the input is in fuzz/artifacts/$target/" >&2
    exit 1
  fi
done
