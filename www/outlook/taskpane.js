// The Outlook task pane: asks first, then scores each message the user opens against this
// mailbox's baseline, shows the shared banner and puts the verdict in Outlook's
// notification bar. When pinned it follows the selection (ItemChanged). A message that
// cannot be read or scored says "not scored" and the pane carries on.
import init, { Engine } from "../pkg/familiar.js";
import { renderBanner, senderLabel } from "../shared/banner.js";
import { BaselineStore } from "../shared/store.js";
import { download, isBroken } from "../shared/page.js";
import { APPROXIMATE_LIMITS, readMessage, showVerdict } from "./office-item.js";
import { Settings, partitionOf, partitionedIndexedDB } from "./partition.js";

const DEBUG = new URLSearchParams(location.search).has("debug");
// Office.EventType.ItemChanged; the enum is only complete once Outlook's script has loaded.
const ITEM_CHANGED = "olkItemSelectedChanged";

const $ = (id) => document.getElementById(id);
let office = null;
let settings = null;
let partition = "";
let engine = null;
let store = null;
// Counts selection changes, so that a check finishing late does not show a stale message.
let selection = 0;
let queue = Promise.resolve();

function debug(...args) {
  if (DEBUG) {
    console.debug("familiar:", ...args);
  }
}

function say(text) {
  $("status").textContent = text;
}

/** Counts finished tasks, so that tests (and the curious) can tell when the pane is idle. */
function done() {
  document.body.dataset.done = String(Number(document.body.dataset.done ?? 0) + 1);
}

function showNotice(kind, text) {
  const p = document.createElement("p");
  p.className = `notice notice-${kind}`;
  p.textContent = text;
  $("notices").append(p);
}

/** Runs tasks one after another: two item changes in a row must not interleave. */
function enqueue(task) {
  queue = queue.then(task).catch((error) => {
    debug("task failed", error);
    say("Something went wrong. The pane will try again with the next message.");
  });
  return queue.finally(done);
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

/** Runs an engine call on `raw` with its stored records; null when it fails. */
async function run(raw, action) {
  try {
    return await store.apply(engine, raw, action);
  } catch (error) {
    debug("engine call failed", error);
    if (isBroken(error)) {
      await freshEngine();
    }
    return null;
  }
}

/** The mailbox owner's mail is sent mail: keep their address in the baseline's owner list. */
async function keepOwner() {
  const me = String(office.context.mailbox.userProfile?.emailAddress ?? "").toLowerCase();
  const owner = await store.owner();
  if (me && !owner.map((a) => a.toLowerCase()).includes(me)) {
    await store.setOwner(engine, [...owner, me]);
  }
}

async function showCount() {
  const count = await store.count(engine).catch(() => null);
  const where = { readwrite: "on this device", readonly: "read-only", memory: "in memory only" };
  $("baseline-count").textContent =
    count === null ? "Baseline unavailable" : `Baseline: ${count} records (${where[store.mode]})`;
  $("baseline-count").dataset.count = String(count ?? 0);
}

function notScored(reason) {
  const p = document.createElement("p");
  p.className = "not-scored";
  p.setAttribute("role", "alert");
  p.textContent = `This message was not scored. ${reason}`;
  $("banner").replaceChildren(p);
  say("");
}

/** Shows the banner and the notification; resolves once Outlook has answered. */
async function showReport(item, raw, report) {
  const who = senderLabel(report);
  renderBanner($("banner"), report, {
    onNormal: () =>
      enqueue(async () => {
        const learned = await run(raw, (e) => e.markNormal(raw));
        if (!learned) {
          say("That did not work; nothing was learned.");
          return;
        }
        const again = await run(raw, (e) => e.score(raw));
        if (again) {
          await showReport(item, raw, again);
        }
        say(`Learned: mail like this is normal for ${who}.`);
        await showCount();
      }),
    onReport: () =>
      enqueue(async () => {
        const reported = await run(raw, (e) => (e.reportMessage(raw), true));
        say(
          reported
            ? `Reported. Mail from ${who} will be watched more closely.`
            : "That did not work.",
        );
      }),
  });

  try {
    await showVerdict(item, report);
  } catch (error) {
    debug("notification failed", error);
    say("Outlook did not show the verdict in its message bar; it is shown here only.");
  }
}

/** The Message-ID a message is remembered by: Outlook's, or the one in its own headers. */
function messageIdOf(item, raw) {
  if (item.internetMessageId) {
    return item.internetMessageId;
  }
  const head = new TextDecoder().decode(raw.subarray(0, 64 * 1024)).split(/\r?\n\r?\n/, 1)[0];
  return /^message-id:\s*(\S+)/im.exec(head)?.[1] ?? "";
}

/**
 * Scores the open message: learns from it the first time, only scores it after that. When
 * the selection moves on meanwhile, the result is not shown: the next check is queued.
 */
async function checkItem() {
  const shown = selection;
  const isCurrent = () => shown === selection;
  const item = office.context.mailbox.item;
  $("limits").hidden = true;
  if (!item) {
    $("banner").replaceChildren();
    say("Select a message to check it.");
    return;
  }

  say("Checking…");
  let message;
  try {
    message = await readMessage(office, item);
  } catch (error) {
    debug("could not read the message", error);
    if (isCurrent()) {
      notScored("Outlook did not hand it to familiar; open it again to retry.");
    }
    return;
  }

  const { raw, isApproximate } = message;
  const id = messageIdOf(item, raw);
  const isKnown = settings.hasSeen(id);
  const report = await run(raw, (e) => (isKnown ? e.score(raw) : e.process(raw)));
  if (report && !isKnown) {
    settings.markSeen(id);
  }
  if (!isCurrent()) {
    return;
  }
  if (!report) {
    notScored("familiar could not score it here; what it learned before is unchanged.");
    return;
  }

  $("limits").textContent = APPROXIMATE_LIMITS;
  $("limits").hidden = !isApproximate;
  say("");
  await showReport(item, raw, report);
  await showCount();
}

async function exportBaseline() {
  download("familiar-baseline.json", await store.exportBaseline(engine));
  say("Baseline exported.");
}

async function importBaseline(file) {
  try {
    await store.importBaseline(engine, await file.text());
  } catch (error) {
    debug("import failed", error);
    say("That file is not a familiar baseline; nothing was changed.");
    return;
  }
  await keepOwner();
  settings.clearSeen();
  await checkItem();
  say("Baseline imported.");
}

async function erase() {
  await store.erase(engine);
  settings.clearSeen();
  $("banner").replaceChildren();
  say("Everything familiar learned for this mailbox was erased.");
  await showCount();
}

function wireTools() {
  $("export").addEventListener("click", () => enqueue(exportBaseline));
  $("import").addEventListener("change", (event) => {
    const [file] = event.target.files;
    event.target.value = "";
    if (file) {
      enqueue(() => importBaseline(file));
    }
  });
  $("erase").addEventListener("click", () => {
    $("erase-confirm").hidden = false;
  });
  $("erase-keep").addEventListener("click", () => {
    $("erase-confirm").hidden = true;
  });
  $("erase-yes").addEventListener("click", () => {
    $("erase-confirm").hidden = true;
    enqueue(erase);
  });
}

async function start() {
  store = await BaselineStore.open({
    Engine,
    indexedDB: globalThis.indexedDB && partitionedIndexedDB(globalThis.indexedDB, partition),
    onNotice: showNotice,
  });
  engine = new Engine();
  await store.attach(engine);
  await keepOwner();
  $("consent").hidden = true;
  $("baseline").hidden = false;
  await checkItem();
}

async function main() {
  if (typeof Office === "undefined") {
    say("Office.js did not load, so this pane cannot see your mail.");
    return;
  }
  await Office.onReady();
  office = Office;
  const mailbox = office.context?.mailbox;
  if (!mailbox) {
    say("Open this pane from Outlook to check your mail.");
    return;
  }

  await init();
  partition = partitionOf(office.context);
  settings = new Settings(globalThis.localStorage, partition);
  wireTools();
  mailbox.addHandlerAsync(ITEM_CHANGED, () => {
    selection += 1;
    if (settings.hasAgreed()) {
      enqueue(checkItem);
    }
  });

  if (settings.hasAgreed()) {
    await start();
    return;
  }
  $("consent").hidden = false;
  $("agree").addEventListener("click", () =>
    enqueue(async () => {
      settings.agree();
      await start();
    }),
  );
}

main()
  .catch((error) => {
    debug("start failed", error);
    say("familiar could not start here. Reload the pane to try again.");
  })
  .finally(() => {
    document.body.dataset.ready = "true";
  });
