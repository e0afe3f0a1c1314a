// What the add-on keeps in storage.local, and its defaults. The baseline itself lives in
// IndexedDB (shared/store.js). Nothing is written anywhere before the user opts in on the
// options page: reading a missing key yields the default and stores nothing.

export const DEFAULTS = Object.freeze({
  enabled: false,
  // Folder ids to learn from; null means each account's Inbox and Sent folders.
  folderIds: null,
  moveHeld: false,
  debug: false,
});

// { status: "running" | "paused" | "cancelled" | "done", done, total, elapsedMs }
export const PROGRESS_KEY = "bootstrap";
// Message-ID headers already learned, so that no message teaches the baseline twice.
export const LEARNED_KEY = "learnedIds";

export const HELD_FOLDER_NAME = "familiar: held";

export async function readSettings() {
  return messenger.storage.local.get({ ...DEFAULTS });
}

export async function readProgress() {
  const stored = await messenger.storage.local.get(PROGRESS_KEY);
  return stored[PROGRESS_KEY] ?? { status: "idle", done: 0, total: 0, elapsedMs: 0 };
}

/** Inbox and Sent are learned from unless the user picks other folders. */
export function isDefaultFolder(folder) {
  const uses = folder.specialUse ?? [folder.type];
  return uses.includes("inbox") || uses.includes("sent");
}

/** Every folder of every account, depth first, as { id, name, path, accountName, folder }. */
export async function allFolders() {
  const accounts = await messenger.accounts.list(true);
  const found = [];
  const walk = (folders, accountName) => {
    for (const folder of folders ?? []) {
      found.push({ id: folder.id, name: folder.name, path: folder.path, accountName, folder });
      walk(folder.subFolders, accountName);
    }
  };
  for (const account of accounts) {
    walk(account.rootFolder?.subFolders ?? account.folders, account.name);
  }
  return found;
}
