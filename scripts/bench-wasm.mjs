// Measures the wasm build on one mailbox: size, instantiate time, and messages per second
// through engine.process in Node (www/pkg-node) and in Chromium (www/pkg), plus Chromium
// with the IndexedDB store around each message, and the size of the stored records.
// Usage: node scripts/bench-wasm.mjs [mailbox.mbox]   (default: the built-in example)
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { launchChromium } from "./chromium.mjs";
import { startServer } from "./serve.mjs";

const require = createRequire(import.meta.url);
const WASM = new URL("../www/pkg/familiar_bg.wasm", import.meta.url);
const MAILBOX_URL = "/bench/mailbox.mbox";

function rate(count, ms) {
  return `${Math.round((count / ms) * 1000)} msg/s`;
}

/** One pass over the mailbox with a new engine: its time and the records it left. */
function replay(Engine, owner, messages) {
  const engine = new Engine();
  engine.setOwner(owner);
  const started = performance.now();
  for (const raw of messages) {
    engine.process(raw);
  }
  const processMs = performance.now() - started;
  const sizes = engine.recordKeys().map((key) => engine.getRecord(key).length);
  engine.free();
  return { processMs, sizes };
}

function measureNode(mboxPath) {
  const started = performance.now();
  const familiar = require("../www/pkg-node/familiar.js");
  const instantiateMs = performance.now() - started;

  const messages = mboxPath ? familiar.splitMbox(readFileSync(mboxPath)) : familiar.demoMailbox();
  const owner = mboxPath ? [] : [familiar.demoOwner()];
  const cold = replay(familiar.Engine, owner, messages);
  const warm = replay(familiar.Engine, owner, messages);
  return { messages: messages.length, instantiateMs, ...cold, warmMs: warm.processMs };
}

// Runs in the page: no CSP there (a 404 page), the modules come from the local server.
// The first pass runs while V8 still tiers the module up; the second shows the steady state.
async function measurePage({ mailboxUrl }) {
  const t0 = performance.now();
  const wasm = await import("/pkg/familiar.js");
  await wasm.default();
  const instantiateMs = performance.now() - t0;

  const messages = mailboxUrl
    ? wasm.splitMbox(new Uint8Array(await (await fetch(mailboxUrl)).arrayBuffer()))
    : wasm.demoMailbox();
  const owner = mailboxUrl ? [] : [wasm.demoOwner()];

  const passes = [];
  for (let pass = 0; pass < 2; pass += 1) {
    const engine = new wasm.Engine();
    engine.setOwner(owner);
    const started = performance.now();
    for (const raw of messages) {
      engine.process(raw);
    }
    passes.push(performance.now() - started);
    engine.free();
  }

  const { BaselineStore } = await import("/shared/store.js");
  const store = await BaselineStore.open({ Engine: wasm.Engine });
  const stored = new wasm.Engine();
  await store.attach(stored);
  await store.setOwner(stored, owner);
  const t2 = performance.now();
  for (const raw of messages) {
    await store.apply(stored, raw, (e) => e.process(raw));
  }
  const storeMs = performance.now() - t2;
  const [processMs, warmMs] = passes;
  return { messages: messages.length, instantiateMs, processMs, warmMs, storeMs, mode: store.mode };
}

async function measureChromium(mboxPath) {
  const extra = mboxPath ? { [MAILBOX_URL]: mboxPath } : {};
  const { server, url } = await startServer({ extra });
  const browser = await launchChromium();
  try {
    const page = await browser.context.newPage();
    await page.goto(`${url}/bench/`);
    return await page.evaluate(measurePage, { mailboxUrl: mboxPath ? MAILBOX_URL : null });
  } finally {
    await browser.close();
    server.close();
  }
}

const mboxPath = process.argv[2] ? resolve(process.argv[2]) : null;
const raw = await readFile(WASM);
const node = measureNode(mboxPath);
if (node.messages === 0) {
  console.error("bench-wasm: no messages (this build has no example mailbox; pass an mbox path)");
  process.exit(1);
}
const browser = await measureChromium(mboxPath);
const average = node.sizes.reduce((a, b) => a + b, 0) / Math.max(node.sizes.length, 1);

const kb = (bytes) => `${Math.round(bytes / 1024)} KB`;
const table = [
  ["mailbox", `${node.messages} messages, ${mboxPath ?? "built-in example"}`],
  ["wasm size", `${kb(raw.length)} raw, ${kb(gzipSync(raw, { level: 9 }).length)} gzip`],
  ["instantiate, node", `${node.instantiateMs.toFixed(1)} ms`],
  ["instantiate, chromium", `${browser.instantiateMs.toFixed(1)} ms (fetch + compile)`],
  ["process, node", `${rate(node.messages, node.processMs)} first pass`],
  ["", `${rate(node.messages, node.warmMs)} second pass`],
  ["process, chromium", `${rate(browser.messages, browser.processMs)} first pass`],
  ["", `${rate(browser.messages, browser.warmMs)} second pass`],
  ["process + IndexedDB, chromium", `${rate(browser.messages, browser.storeMs)} (${browser.mode})`],
  [
    "records",
    `${node.sizes.length}, ${Math.round(average)} B average, ${Math.max(0, ...node.sizes)} B max`,
  ],
];
const width = Math.max(...table.map(([k]) => k.length));
for (const [key, value] of table) {
  console.log(`${key.padEnd(width)}  ${value}`);
}
