#!/usr/bin/env bash
# Builds the core to WebAssembly: www/pkg for browsers (ES module), www/pkg-node for Node
# benchmarks and tests. Shrinks both with binaryen's wasm-opt from npm and prints the size.
#
# The wasm-bindgen CLI must be the exact version of the wasm-bindgen crate pinned in
# Cargo.toml, or it refuses the module. Debian's wasm-opt (binaryen 108) corrupts
# wasm-bindgen 0.2.130 output ("Table.set(): Argument 1 is invalid"), hence the npm one.
set -euo pipefail
cd "$(dirname "$0")/.."

target=wasm32-unknown-unknown
bindgen_version="$(sed -n 's/^wasm-bindgen = "=\([0-9.]*\)".*/\1/p' Cargo.toml)"
if [ -z "$bindgen_version" ]; then
  echo "build-wasm: no exact wasm-bindgen pin (\"=x.y.z\") found in Cargo.toml" >&2
  exit 1
fi

has_bindgen() {
  [ "$(wasm-bindgen --version 2>/dev/null)" = "wasm-bindgen $bindgen_version" ]
}

if ! rustup target list --installed | grep -qx "$target"; then
  rustup target add "$target"
fi

# Another shell may already be compiling the CLI (it takes minutes): wait for it rather
# than compiling it twice.
while ! has_bindgen && pgrep -f "cargo install wasm-bindgen-cli" >/dev/null; do
  echo "build-wasm: waiting for a running wasm-bindgen-cli install"
  sleep 15
done
if ! has_bindgen; then
  # Not --locked: the CLI's own lock file pins a yanked crate that cargo then refuses.
  cargo install wasm-bindgen-cli --version "$bindgen_version"
fi

if [ ! -x node_modules/.bin/wasm-opt ]; then
  npm ci --no-audit --no-fund
fi

cargo build --profile wasm --lib --target "$target" --no-default-features
built="target/$target/wasm/familiar.wasm"

rm -rf www/pkg www/pkg-node
wasm-bindgen --target web --remove-name-section --out-dir www/pkg "$built"
wasm-bindgen --target nodejs --remove-name-section --out-dir www/pkg-node "$built"
# The Node glue is CommonJS; the repository's package.json says "module".
echo '{ "type": "commonjs" }' >www/pkg-node/package.json

for dir in www/pkg www/pkg-node; do
  node_modules/.bin/wasm-opt -Oz --enable-bulk-memory --enable-sign-ext \
    --enable-mutable-globals --enable-nontrapping-float-to-int --enable-reference-types \
    --enable-multivalue "$dir/familiar_bg.wasm" -o "$dir/familiar_bg.wasm.opt"
  mv "$dir/familiar_bg.wasm.opt" "$dir/familiar_bg.wasm"
done

# Sizes as the size test and the benchmark measure them: zlib at level 9, in KiB.
node -e '
  const { readFileSync } = require("node:fs");
  const raw = readFileSync(process.argv[1]);
  const gzip = require("node:zlib").gzipSync(raw, { level: 9 });
  const kb = (n) => Math.round(n / 1024);
  console.log(`${process.argv[1]}: ${kb(raw.length)} KB raw, ${kb(gzip.length)} KB gzipped`);
' www/pkg/familiar_bg.wasm
