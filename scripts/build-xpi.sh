#!/usr/bin/env bash
# Builds the Thunderbird add-on: stages www/thunderbird with the engine (www/pkg) and the
# shared banner and store (www/shared), zips it to target/familiar-thunderbird.xpi, then
# lints it with Mozilla's addons-linter.
#
# The linter is Firefox's: it does not know Thunderbird's permissions (accountsRead,
# messagesRead, ...), so it is run with its findings shown and only its errors that are
# not about those names counted. It installs from npm into target/thunderbird-tools, not
# into the project's package.json; when npm cannot be reached the lint is skipped and says so.
set -euo pipefail
cd "$(dirname "$0")/.."

stage=target/thunderbird-xpi
xpi=target/familiar-thunderbird.xpi
linter_version=10.14.0
tools=target/thunderbird-tools

if [ ! -f www/pkg/familiar_bg.wasm ]; then
  bash scripts/build-wasm.sh
fi

rm -rf "$stage"
mkdir -p "$stage/pkg" "$stage/shared"
cp -R www/thunderbird/. "$stage/"
rm -f "$stage/README.md"
cp www/pkg/familiar.js www/pkg/familiar_bg.wasm "$stage/pkg/"
cp www/shared/banner.js www/shared/banner.css www/shared/store.js www/shared/page.js "$stage/shared/"

# Python's zipfile is always here; a fixed timestamp keeps the archive reproducible.
python3 - "$stage" "$xpi" <<'PY'
import os, sys, zipfile
stage, xpi = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(xpi + ".tmp", "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
    for root, dirs, files in os.walk(stage):
        dirs.sort()
        for name in sorted(files):
            path = os.path.join(root, name)
            info = zipfile.ZipInfo(os.path.relpath(path, stage), (2020, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            with open(path, "rb") as f:
                z.writestr(info, f.read())
os.replace(xpi + ".tmp", xpi)
PY
echo "build-xpi: $xpi $(( $(stat -c %s "$xpi") / 1024 )) KB"

linter="$tools/node_modules/.bin/addons-linter"
if [ ! -x "$linter" ]; then
  mkdir -p "$tools"
  npm install --prefix "$tools" --no-save --no-audit --no-fund "addons-linter@$linter_version" \
    >"$tools/install.log" 2>&1 || true
fi
if [ ! -x "$linter" ]; then
  echo "build-xpi: addons-linter could not be installed (see $tools/install.log); lint skipped"
  exit 0
fi

"$linter" --output json --boring "$xpi" >"$tools/lint.json" || true
node - "$tools/lint.json" <<'JS'
// Thunderbird-only manifest names are unknown to Firefox's linter; everything else counts.
const { readFileSync } = require("node:fs");
const report = JSON.parse(readFileSync(process.argv[2], "utf8"));
const thunderbirdOnly = /accountsRead|accountsFolders|messages(Read|Modify|Update|Move)|messageDisplay|messenger/;
const isThunderbirdOnly = (m) => thunderbirdOnly.test(`${m.message} ${m.description}`);
const show = (kind, list) =>
  list.forEach((m) => console.log(`  ${kind} ${m.code}: ${m.message}${m.file ? ` (${m.file})` : ""}`));
const errors = report.errors.filter((m) => !isThunderbirdOnly(m));
const ignored = [...report.errors, ...report.warnings].filter(isThunderbirdOnly);
show("error", errors);
show("warning", report.warnings.filter((m) => !isThunderbirdOnly(m)));
console.log(
  `build-xpi: addons-linter: ${errors.length} errors, ${ignored.length} findings about ` +
    "Thunderbird-only APIs ignored",
);
process.exit(errors.length ? 1 : 0);
JS
