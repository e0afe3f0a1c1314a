// The WebAssembly build and the native CLI must give the same reports for the same mailbox:
// the example mailbox always, and a mailbox of the development corpus when it is present
// beside the repository (../shared/corpus). Reports are compared as JSON, field by field.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const familiar = createRequire(import.meta.url)(join(root, "www/pkg-node/familiar.js"));
const cli = join(root, "target/release/familiar");
const work = join(root, "target/parity");
const FIELDS = ["message_id", "from", "subject", "score", "action", "tags", "reasons", "history"];

function asMbox(messages) {
  const parts = messages.map((m) => {
    const text = Buffer.from(m).toString("latin1").replace(/^(>*From )/gm, ">$1");
    return `From familiar@localhost Thu Jan  1 00:00:00 2026\n${text}\n`;
  });
  return Buffer.from(parts.join(""), "latin1");
}

function nativeReports(mboxPath) {
  const out = execFileSync(cli, ["replay", mboxPath], { maxBuffer: 1 << 30 });
  return out.toString("utf8").trim().split("\n").map((line) => JSON.parse(line));
}

function wasmReports(mbox, owner) {
  const messages = familiar.splitMbox(mbox);
  const dated = messages.map((m, i) => [familiar.dateOf(m), i]);
  // Same order as the core's: by date, undated messages take their predecessor's date.
  let last = -Infinity;
  const keyed = dated.map(([d, i]) => {
    if (d !== undefined) last = d;
    return [last, i];
  });
  keyed.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const engine = new familiar.Engine();
  if (owner) engine.setOwner([owner]);
  return keyed.map(([, i]) => engine.process(messages[i]));
}

function compare(native, wasm) {
  assert.equal(wasm.length, native.length);
  for (let i = 0; i < native.length; i++) {
    const pick = (r) => JSON.stringify(FIELDS.map((f) => r[f]));
    assert.equal(pick(wasm[i]), pick(native[i]), `report ${i + 1} differs`);
  }
}

test("the example mailbox gives identical reports natively and in WebAssembly", () => {
  mkdirSync(work, { recursive: true });
  const mbox = asMbox(familiar.demoMailbox());
  const path = join(work, "demo.mbox");
  writeFileSync(path, mbox);
  compare(nativeReports(path), wasmReports(readFileSync(path)));
});

const corpus = join(root, "..", "shared", "corpus", "dev", "dev.tar.xz");
test("a corpus mailbox gives identical reports", { skip: !existsSync(corpus) }, () => {
  const mboxPath = join(work, "dev", "allen-p", "mailbox.mbox");
  if (!existsSync(mboxPath)) {
    execFileSync("tar", ["-xJf", corpus, "-C", work, "dev/allen-p/mailbox.mbox"]);
  }
  compare(nativeReports(mboxPath), wasmReports(readFileSync(mboxPath)));
});
