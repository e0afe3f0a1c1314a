// The demo page: replays a mailbox through the engine in date order, keeps the baseline in
// IndexedDB across reloads, and shows each report as a console row and as the banner a mail
// client would show. A message that cannot be scored becomes a "not scored" row; the page
// carries on, with a new engine if the old one broke.
import init, { Engine, dateOf, demoMailbox, demoOwner } from "../pkg/familiar.js";
import { renderBanner, senderLabel } from "../shared/banner.js";
import { BaselineStore } from "../shared/store.js";
import { download, isBroken } from "../shared/page.js";
import { messagesFrom } from "./input.js";
import { ConsoleTable } from "./table.js";

const YIELD_EVERY = 20;
const DEBUG = new URLSearchParams(location.search).has("debug");

const $ = (id) => document.getElementById(id);
const table = new ConsoleTable($("console"), showEntry);
let engine = null;
let store = null;

function debug(...args) {
  if (DEBUG) {
    console.debug("familiar:", ...args);
  }
}

function say(text) {
  $("status").textContent = text;
}

function showNotice(kind, text) {
  const p = document.createElement("p");
  p.className = `notice notice-${kind}`;
  p.textContent = text;
  $("notices").append(p);
}

function nextTask() {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

async function freshEngine() {
  try {
    engine?.free();
  } catch (error) {
    debug("could not free the old engine", error);
  }
  engine = new Engine();
  await store.attach(engine);
}

async function showCount() {
  const count = await store.count(engine).catch(() => null);
  const where = { readwrite: "on this device", readonly: "read-only", memory: "in memory only" };
  $("baseline-count").textContent =
    count === null ? "Baseline unavailable" : `Baseline: ${count} records (${where[store.mode]})`;
  $("baseline-count").dataset.count = String(count ?? 0);
}

function setBusy(isBusy) {
  document.body.dataset.busy = String(isBusy);
  for (const control of document.querySelectorAll(".toolbar button, .toolbar input")) {
    control.disabled = isBusy;
  }
}

function chronological(messages) {
  const when = (raw) => {
    try {
      return dateOf(raw) ?? Infinity;
    } catch {
      return Infinity;
    }
  };
  return messages
    .map((raw, index) => ({ raw, index, at: when(raw) }))
    .sort((a, b) => a.at - b.at || a.index - b.index)
    .map(({ raw }) => raw);
}

async function run(raw, action) {
  try {
    return await store.apply(engine, raw, action);
  } catch (error) {
    debug("call failed", error);
    if (isBroken(error)) {
      await freshEngine();
    }
    return null;
  }
}

async function replay(messages) {
  setBusy(true);
  table.clear();
  $("banner").replaceChildren();
  const progress = $("progress");
  progress.max = Math.max(messages.length, 1);
  progress.value = 0;
  progress.hidden = false;

  const counts = { hold: 0, warn: 0, none: 0, error: 0 };
  for (const [i, raw] of chronological(messages).entries()) {
    const report = await run(raw, (e) => e.process(raw));
    table.add(raw, report);
    counts[report ? report.action : "error"] += 1;
    progress.value = i + 1;
    if (i % YIELD_EVERY === 0) {
      await nextTask();
    }
  }

  progress.hidden = true;
  say(
    `${messages.length} messages replayed: ${counts.hold} held, ${counts.warn} with a ` +
      `warning, ${counts.none} ordinary, ${counts.error} not scored.`,
  );
  await showCount();
  setBusy(false);
}

function showEntry({ raw, report }) {
  if (!report) {
    const p = document.createElement("p");
    p.className = "not-scored";
    p.textContent = "This message could not be scored.";
    $("banner").replaceChildren(p);
    return;
  }

  const who = senderLabel(report);
  renderBanner($("banner"), report, {
    onNormal: guard(async () => {
      const done = await run(raw, (e) => e.markNormal(raw));
      say(done ? `Learned: mail like this is normal for ${who}.` : "That did not work.");
      await showCount();
    }),
    onReport: guard(async () => {
      const done = await run(raw, (e) => (e.reportMessage(raw), true));
      say(done ? `Reported. Mail from ${who} will be watched more closely.` : "That did not work.");
    }),
  });
}

async function replayFiles(files) {
  if (!files.length) {
    return;
  }
  const { messages, skipped } = await messagesFrom(files);
  if (skipped) {
    say(`${skipped} files were not mail and were skipped.`);
  }
  await replay(messages);
}

async function loadExample() {
  await store.setOwner(engine, [demoOwner()]);
  const messages = demoMailbox();
  if (!messages.length) {
    say("This build has no example mailbox.");
    return;
  }
  await replay(messages);
}

async function importFile(file) {
  try {
    await store.importBaseline(engine, await file.text());
    say("Baseline imported.");
  } catch (error) {
    debug("import failed", error);
    say("That file is not a familiar baseline; nothing was changed.");
  }
  await showCount();
}

async function erase() {
  if (!confirm("Erase everything familiar has learned on this device?")) {
    return;
  }
  await store.erase(engine);
  table.clear();
  $("banner").replaceChildren();
  say("Baseline erased.");
  await showCount();
}

function guard(task) {
  return async (...args) => {
    setBusy(true);
    try {
      await task(...args);
    } catch (error) {
      debug(error);
      say("Something went wrong; the page is still usable.");
    } finally {
      setBusy(false);
      document.body.dataset.done = String(Number(document.body.dataset.done ?? 0) + 1);
    }
  };
}

function wire() {
  const drop = $("drop");
  drop.addEventListener("dragover", (event) => {
    event.preventDefault();
    drop.classList.add("drop-over");
  });
  drop.addEventListener("dragleave", () => drop.classList.remove("drop-over"));
  drop.addEventListener("drop", (event) => {
    event.preventDefault();
    drop.classList.remove("drop-over");
    guard(replayFiles)([...event.dataTransfer.files]);
  });

  for (const id of ["pick-files", "pick-folder"]) {
    $(id).addEventListener("change", (event) => {
      guard(replayFiles)([...event.target.files]);
      event.target.value = "";
    });
  }
  $("import").addEventListener("change", (event) => {
    const [file] = event.target.files;
    event.target.value = "";
    if (file) {
      guard(importFile)(file);
    }
  });
  $("load-demo").addEventListener("click", guard(loadExample));
  $("export").addEventListener(
    "click",
    guard(async () => {
      download("familiar-baseline.json", await store.exportBaseline(engine));
    }),
  );
  $("erase").addEventListener("click", guard(erase));
}

async function start() {
  try {
    await init();
  } catch (error) {
    debug(error);
    say("The scoring engine could not be loaded in this browser.");
    return;
  }
  store = await BaselineStore.open({ Engine, onNotice: showNotice });
  await freshEngine();
  await showCount();
  wire();
  document.body.dataset.ready = "true";
}

start();
