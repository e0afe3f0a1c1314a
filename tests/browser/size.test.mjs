// The size budget: what a mail client downloads once, gzipped, must stay small enough for
// an add-in to load on a slow link. Built by scripts/build-wasm.sh.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { test } from "node:test";
import { gzipSync } from "node:zlib";

const WASM = new URL("../../www/pkg/familiar_bg.wasm", import.meta.url);
const BUDGET_GZIP_BYTES = 350 * 1024;

test("the gzipped wasm fits the 350 KB budget", async () => {
  const raw = await readFile(WASM);
  const gzipped = gzipSync(raw, { level: 9 }).length;
  const kb = (n) => `${Math.round(n / 1024)} KB`;
  assert.ok(
    gzipped <= BUDGET_GZIP_BYTES,
    `familiar_bg.wasm is ${kb(gzipped)} gzipped (${kb(raw.length)} raw), over ${kb(BUDGET_GZIP_BYTES)}`,
  );
});
