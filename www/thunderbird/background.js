// The background page: wires Thunderbird's events to the engine. It does nothing until the
// user opts in on the options page; then it learns the chosen folders once (bootstrap.js),
// scores each displayed message for the banner, and scores new mail as it arrives.
//
// strict_min_version is 128.0, the oldest ESR with every API used here: folder ids in
// messages.list/move and folders.create (TB 121), getRaw's data_format "File" (TB 117) and
// the messagesUpdate permission for marking junk (TB 128). Tested on 153 ESR.

import * as baseline from "./baseline.js";
import * as bootstrap from "./bootstrap.js";
import { rawOf, moveToHeld } from "./mail.js";
import { COMMANDS } from "./protocol.js";
import { DEFAULTS, PROGRESS_KEY, readProgress, readSettings } from "./settings.js";

const DISPLAY_SCRIPT = {
  css: [{ file: "shared/banner.css" }, { file: "display/banner-host.css" }],
  js: [{ file: "display/banner-host.js" }],
};

let settings = { ...DEFAULTS };
let displayScript = null;
// Reports started by onMessageDisplayed, by Thunderbird message id, for the display
// script to collect; a few are enough (one per open message tab).
const pending = new Map();
const PENDING_KEPT = 20;

function debug(...args) {
  if (settings.debug) {
    console.debug("familiar:", ...args);
  }
}

function notice(kind, text) {
  debug(`storage notice ${kind}:`, text);
}

async function turnOn() {
  await baseline.open(notice);
  displayScript ??= await messenger.messageDisplayScripts.register(DISPLAY_SCRIPT);
}

async function turnOff() {
  await bootstrap.stop("paused");
  await displayScript?.unregister();
  displayScript = null;
  pending.clear();
}

function reportForHeader(header) {
  if (!pending.has(header.id)) {
    const report = rawOf(header.id).then((raw) => baseline.reportFor(header.headerMessageId, raw));
    report.catch((error) => debug("not scored:", header.subject, error));
    pending.set(header.id, report);
    if (pending.size > PENDING_KEPT) {
      pending.delete(pending.keys().next().value);
    }
  }
  return pending.get(header.id);
}

async function displayedIn(tab) {
  const header = await messenger.messageDisplay.getDisplayedMessage(tab.id);
  if (!header) {
    throw new Error("no message is displayed in this tab");
  }
  return header;
}

async function onNewMail(folder, messageList) {
  for (const header of messageList.messages) {
    const report = await reportForHeader(header).catch(() => null);
    if (report?.action !== "hold") {
      continue;
    }
    if (settings.moveHeld) {
      await moveToHeld(header).catch((error) => debug("not moved:", error));
    }
    await messenger.notifications.create(`familiar-${header.id}`, {
      type: "basic",
      iconUrl: "icons/familiar.svg",
      title: "familiar held a message",
      message: `${report.subject}\n${report.headline}`,
    });
  }
}

const HANDLERS = {
  async [COMMANDS.REPORT_FOR_DISPLAYED](message, sender) {
    const header = await displayedIn(sender.tab);
    return { report: await reportForHeader(header) };
  },
  async [COMMANDS.MARK_NORMAL](message, sender) {
    const header = await displayedIn(sender.tab);
    pending.delete(header.id);
    return { report: await baseline.markNormal(await rawOf(header.id)) };
  },
  async [COMMANDS.REPORT](message, sender) {
    const header = await displayedIn(sender.tab);
    await baseline.reportMessage(await rawOf(header.id));
    await messenger.messages.update(header.id, { junk: true });
    return { reported: true };
  },
  async [COMMANDS.OPT_IN]({ folderIds }) {
    await messenger.storage.local.set({ enabled: true, folderIds: folderIds ?? null });
    await messenger.storage.local.set({
      [PROGRESS_KEY]: { status: "running", done: 0, total: 0, elapsedMs: 0 },
    });
    await turnOn();
    bootstrap.start(debug);
    return {};
  },
  async [COMMANDS.OPT_OUT]() {
    await messenger.storage.local.set({ enabled: false });
    await turnOff();
    return {};
  },
  async [COMMANDS.PAUSE]() {
    await bootstrap.stop("paused");
    return {};
  },
  async [COMMANDS.RESUME]() {
    bootstrap.start(debug);
    return {};
  },
  async [COMMANDS.CANCEL]() {
    await bootstrap.stop("cancelled");
    return {};
  },
  async [COMMANDS.EXPORT]() {
    return { json: await baseline.exportBaseline() };
  },
  async [COMMANDS.IMPORT]({ json }) {
    await baseline.importBaseline(json);
    return { records: await baseline.recordCount() };
  },
  async [COMMANDS.ERASE]() {
    await bootstrap.stop("cancelled");
    await baseline.erase();
    return {};
  },
};

messenger.runtime.onMessage.addListener((message, sender) => {
  const handler = HANDLERS[message?.command];
  if (!handler || (!settings.enabled && message.command !== COMMANDS.OPT_IN)) {
    return undefined;
  }
  // Errors reach the caller as a plain sentence, never as a stack trace.
  return handler(message, sender).catch((error) => {
    debug(message.command, "failed:", error);
    return { error: String(error?.message ?? error) };
  });
});

messenger.messageDisplay.onMessageDisplayed.addListener((tab, header) => {
  if (settings.enabled && header) {
    reportForHeader(header);
  }
});

messenger.messages.onNewMailReceived.addListener((folder, messageList) => {
  if (settings.enabled) {
    onNewMail(folder, messageList).catch((error) => debug("new mail:", error));
  }
});

messenger.storage.onChanged.addListener(async (changes, area) => {
  if (area === "local" && Object.keys(changes).some((key) => key in DEFAULTS)) {
    settings = await readSettings();
  }
});

async function startUp() {
  settings = await readSettings();
  if (!settings.enabled) {
    return;
  }
  await turnOn();
  // A pass that was running when Thunderbird closed goes on; a paused one waits.
  if ((await readProgress()).status === "running") {
    bootstrap.start(debug);
  }
}

startUp().catch((error) => debug("start-up failed:", error));
