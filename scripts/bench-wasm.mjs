// Measures the wasm build on one mailbox: size, instantiate time, and messages per second
// through engine.process in Node (www/pkg-node) and in Chromium (www/pkg), plus Chromium
// with the IndexedDB store around each message, and the size of the stored records.
// Usage: node scripts/bench-wasm.mjs [mailbox.mbox]   (default: the built-in example)
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

function measureNode(mboxPath) {
  const started = performance.now();
  const familiar = require("../www/pkg-node/familiar.js");
  const instantiateMs = performance.now() - started;

  const messages = mboxPath ? familiar.splitMbox(require("node:fs").readFileSync(mboxPath)) : familiar.demoMailbox();
  const engine = new familiar.Engine();
  engine.setOwner(mboxPath ? [] : [familiar.demoOwner()]);
  const t0 = performance.now();
  for (const raw of messages) {
    engine.process(raw);
  }
  const processMs = performance.now() - t0;

  const sizes = engine.recordKeys().map((key) => engine.getRecord(key).length);
  engine.free();
  return { messages: messages.length, instantiateMs, processMs, sizes };
}

// Runs in the page: no CSP there (a 404 page), the modules come from the local server.
async function measurePage({ mailboxUrl }) {
  const t0 = performance.now();
  const wasm = await import("/pkg/familiar.js");
  await wasm.default();
  const instantiateMs = performance.now() - t0;

  const messages = mailboxUrl
    ? wasm.splitMbox(new Uint8Array(await (await fetch(mailboxUrl)).arrayBuffer()))
    : wasm.demoMailbox();
  const owner = mailboxUrl ? [] : [wasm.demoOwner()];

  const engine = new wasm.Engine();
  engine.setOwner(owner);
  const t1 = performance.now();
  for (const raw of messages) {
    engine.process(raw);
  }
  const processMs = performance.now() - t1;
  engine.free();

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
  return { messages: messages.length, instantiateMs, processMs, storeMs, mode: store.mode };
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

const table = [
  ["mailbox", `${node.messages} messages, ${mboxPath ?? "built-in example"}`],
  ["wasm size", `${Math.round(raw.length / 1024)} KB raw, ${Math.round(gzipSync(raw, { level: 9 }).length / 1024)} KB gzip`],
  ["instantiate, node", `${node.instantiateMs.toFixed(1)} ms`],
  ["instantiate, chromium", `${browser.instantiateMs.toFixed(1)} ms (fetch + compile)`],
  ["process, node", rate(node.messages, node.processMs)],
  ["process, chromium", rate(browser.messages, browser.processMs)],
  ["process + IndexedDB, chromium", `${rate(browser.messages, browser.storeMs)} (${browser.mode})`],
  ["records", `${node.sizes.length}, ${Math.round(average)} bytes average, ${Math.max(0, ...node.sizes)} max`],
];
const width = Math.max(...table.map(([k]) => k.length));
for (const [key, value] of table) {
  console.log(`${key.padEnd(width)}  ${value}`);
}
