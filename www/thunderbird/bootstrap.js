// The first pass over the chosen folders: every message, oldest first, is learned once.
// Progress lives in storage.local so that the options page can show it and a restart of
// Thunderbird resumes where it stopped (messages already learned are skipped by
// Message-ID). Pause keeps the progress; cancel stops and keeps what was learned so far.

import * as baseline from "./baseline.js";
import { chosenFolders, headersOldestFirst, ownerAddresses, rawOf } from "./mail.js";
import { PROGRESS_KEY, readProgress, readSettings } from "./settings.js";

// Progress is written every few messages: often enough for a smooth bar, rarely enough not
// to cost more than the learning itself.
const PROGRESS_EVERY = 5;

let running = null;
let stopAs = null;

async function saveProgress(progress) {
  await messenger.storage.local.set({ [PROGRESS_KEY]: progress });
}

async function run(debug) {
  const settings = await readSettings();
  await baseline.setOwner(await ownerAddresses());

  const folders = await chosenFolders(settings.folderIds);
  const headers = await headersOldestFirst(folders, () => stopAs !== null);
  const started = performance.now();
  const before = (await readProgress()).elapsedMs ?? 0;
  const progress = { status: "running", done: 0, total: headers.length, elapsedMs: before };
  const elapsed = () => Math.round(before + performance.now() - started);

  for (const header of headers) {
    if (stopAs) {
      break;
    }
    if (!baseline.hasLearned(header.headerMessageId)) {
      try {
        await baseline.reportFor(header.headerMessageId, await rawOf(header.id));
      } catch (error) {
        // One unreadable message must not end the pass; it is tried again next time.
        debug("not learned:", header.subject, error);
      }
    }
    progress.done += 1;
    if (progress.done % PROGRESS_EVERY === 0) {
      await saveProgress({ ...progress, elapsedMs: elapsed() });
    }
  }

  await baseline.saveLearned();
  const status = stopAs ?? "done";
  await saveProgress({ ...progress, status, elapsedMs: status === "cancelled" ? 0 : elapsed() });
  debug(`bootstrap ${status}: ${progress.done}/${progress.total} in ${elapsed()} ms`);
}

/** Starts (or resumes) the pass unless one is running; resolves when it stops. */
export function start(debug) {
  if (!running) {
    stopAs = null;
    running = run(debug).finally(() => {
      running = null;
    });
  }
  return running;
}

/** Stops the running pass as "paused" or "cancelled" and waits for it to settle. */
export async function stop(status) {
  if (running) {
    stopAs = status;
    await running;
    return;
  }
  // A pass left "running" by a restart, or a paused one, can still be stopped; a finished
  // one stays finished.
  const progress = await readProgress();
  if (progress.status === "running" || progress.status === "paused") {
    await saveProgress({
      ...progress,
      status,
      elapsedMs: status === "cancelled" ? 0 : progress.elapsedMs,
    });
  }
}
