// The options page: opt-in, the folders to learn from, the first pass's progress, the
// held-folder setting and export, import and erase of the baseline. The background page
// does the work; this page sends it commands and draws the progress it stores.

import { COMMANDS, command } from "../protocol.js";
import { download } from "../shared/page.js";
import {
  PROGRESS_KEY,
  allFolders,
  isDefaultFolder,
  readProgress,
  readSettings,
} from "../settings.js";

const $ = (id) => document.getElementById(id);

async function send(name, details) {
  const reply = await messenger.runtime.sendMessage(command(name, details));
  if (reply?.error) {
    throw new Error(reply.error);
  }
  return reply ?? {};
}

function chosenFolderIds() {
  return [...document.querySelectorAll("#folders input:checked")].map((box) => box.value);
}

async function drawFolders(settings) {
  const folders = await allFolders();
  const boxes = folders.map(({ id, path, accountName, folder }) => {
    const label = document.createElement("label");
    const box = document.createElement("input");
    box.type = "checkbox";
    box.value = id;
    box.checked = Array.isArray(settings.folderIds)
      ? settings.folderIds.includes(id)
      : isDefaultFolder(folder);
    box.addEventListener("change", onFoldersChanged);
    label.append(box, ` ${accountName}: ${path.replace(/^\//, "")}`);
    return label;
  });
  $("folders").replaceChildren(...boxes);
}

function describe(progress) {
  const seconds = (progress.elapsedMs / 1000).toFixed(1);
  switch (progress.status) {
    case "running":
      return progress.total
        ? `Learning from your mail: ${progress.done} of ${progress.total} messages.`
        : "Looking through the chosen folders…";
    case "paused":
      return `Paused after ${progress.done} of ${progress.total} messages. It goes on when you resume.`;
    case "cancelled":
      return "Stopped. What was learned so far is kept; turn it on again to go on.";
    case "done":
      return `Done: learned from ${progress.total} messages in ${seconds} s.`;
    default:
      return "";
  }
}

function drawProgress(progress) {
  $("bootstrap").hidden = progress.status === "idle";
  $("bootstrap").dataset.status = progress.status;
  $("progress").max = Math.max(progress.total, 1);
  $("progress").value = progress.status === "done" ? $("progress").max : progress.done;
  $("status").textContent = describe(progress);
  $("pause").hidden = progress.status !== "running";
  $("resume").hidden = progress.status !== "paused" && progress.status !== "cancelled";
  $("cancel").hidden = progress.status !== "running" && progress.status !== "paused";
}

function drawEnabled(settings) {
  document.body.dataset.enabled = String(settings.enabled);
  $("enable").hidden = settings.enabled;
  $("disable").hidden = !settings.enabled;
  $("off-note").hidden = settings.enabled;
  $("move-held").checked = settings.moveHeld;
}

async function onFoldersChanged() {
  const settings = await readSettings();
  if (settings.enabled) {
    // Only an opted-in user's choice is stored; newly chosen folders are learned now.
    await messenger.storage.local.set({ folderIds: chosenFolderIds() });
    await send(COMMANDS.RESUME);
  }
}

function guard(action) {
  return async () => {
    try {
      await action();
    } catch (error) {
      $("baseline-status").textContent = `That did not work: ${error.message}`;
    }
  };
}

$("enable").addEventListener(
  "click",
  guard(() => send(COMMANDS.OPT_IN, { folderIds: chosenFolderIds() })),
);
$("disable").addEventListener(
  "click",
  guard(() => send(COMMANDS.OPT_OUT)),
);
$("pause").addEventListener(
  "click",
  guard(() => send(COMMANDS.PAUSE)),
);
$("resume").addEventListener(
  "click",
  guard(() => send(COMMANDS.RESUME)),
);
$("cancel").addEventListener(
  "click",
  guard(() => send(COMMANDS.CANCEL)),
);
$("move-held").addEventListener("change", (event) =>
  messenger.storage.local.set({ moveHeld: event.target.checked }),
);
$("export").addEventListener(
  "click",
  guard(async () => {
    const { json } = await send(COMMANDS.EXPORT);
    download("familiar-baseline.json", json);
    $("baseline-status").textContent = "Exported. The file holds what familiar learned.";
  }),
);
$("import").addEventListener(
  "change",
  guard(async (event) => {
    const file = $("import").files[0];
    if (!file) {
      return;
    }
    const { records } = await send(COMMANDS.IMPORT, { json: await file.text() });
    $("baseline-status").textContent = `Imported: ${records} records.`;
  }),
);
$("erase").addEventListener(
  "click",
  guard(async () => {
    if (confirm("Erase everything familiar has learned on this computer?")) {
      await send(COMMANDS.ERASE);
      $("baseline-status").textContent = "Erased. familiar starts learning afresh.";
    }
  }),
);

messenger.storage.onChanged.addListener(async (changes, area) => {
  if (area !== "local") {
    return;
  }
  if (changes[PROGRESS_KEY]) {
    drawProgress(changes[PROGRESS_KEY].newValue);
  }
  drawEnabled(await readSettings());
});

const settings = await readSettings();
drawEnabled(settings);
drawProgress(await readProgress());
await drawFolders(settings);
