// The engine and its stored baseline, as the background page uses them: one engine, one
// BaselineStore, every call queued so that two messages never share the engine's records
// at once, and the set of Message-IDs already learned. It knows nothing about folders,
// tabs or banners.

import init, { Engine } from "./pkg/familiar.js";
import { BaselineStore } from "./shared/store.js";
import { LEARNED_KEY } from "./settings.js";

// Writing the learned set after every message is quadratic in the mailbox; every 25 keeps
// a restart from relearning more than 25 messages (relearning one is harmless, just slower).
const SAVE_LEARNED_EVERY = 25;

let engine = null;
let store = null;
let learned = new Set();
let unsaved = 0;
let queue = Promise.resolve();

/** An engine that trapped cannot be trusted again (see www/demo/demo.js). */
function isBroken(error) {
  return (
    error instanceof WebAssembly.RuntimeError ||
    /recursive use|unsafe aliasing|null pointer|unreachable/i.test(String(error?.message))
  );
}

function serial(task) {
  const run = queue.then(task);
  queue = run.catch(() => {});
  return run;
}

/** Loads the wasm engine and opens the stored baseline; safe to call more than once. */
export async function open(onNotice) {
  if (store) {
    return store;
  }
  await init();
  store = await BaselineStore.open({ Engine, onNotice });
  engine = new Engine();
  await store.attach(engine);
  const stored = await messenger.storage.local.get({ [LEARNED_KEY]: [] });
  learned = new Set(stored[LEARNED_KEY]);
  return store;
}

async function apply(raw, action) {
  try {
    return await store.apply(engine, raw, action);
  } catch (error) {
    if (isBroken(error)) {
      engine = new Engine();
      await store.attach(engine);
    }
    throw error;
  }
}

export function hasLearned(messageId) {
  return learned.has(messageId);
}

export async function saveLearned() {
  unsaved = 0;
  await messenger.storage.local.set({ [LEARNED_KEY]: [...learned] });
}

/**
 * The report for a message. A message not learned yet is processed (scored, then learned
 * if in character); one already learned is only scored, so showing it twice teaches nothing.
 */
export function reportFor(messageId, raw) {
  return serial(async () => {
    if (learned.has(messageId)) {
      return apply(raw, (e) => e.score(raw));
    }
    const report = await apply(raw, (e) => e.process(raw));
    if (messageId) {
      learned.add(messageId);
      unsaved += 1;
      if (unsaved >= SAVE_LEARNED_EVERY) {
        await saveLearned();
      }
    }
    return report;
  });
}

export function markNormal(raw) {
  return serial(() => apply(raw, (e) => e.markNormal(raw)));
}

export function reportMessage(raw) {
  return serial(() => apply(raw, (e) => (e.reportMessage(raw), true)));
}

export function setOwner(addresses) {
  return serial(() => store.setOwner(engine, addresses));
}

export function exportBaseline() {
  return serial(() => store.exportBaseline(engine));
}

export function importBaseline(json) {
  return serial(() => store.importBaseline(engine, json));
}

/** Forgets the baseline and which messages were learned; the owner's addresses stay. */
export function erase() {
  return serial(async () => {
    await store.erase(engine);
    learned.clear();
    await saveLearned();
  });
}

export function recordCount() {
  return serial(() => store.count(engine));
}
