// Thunderbird's side of the pipeline: raw bytes of a message, the owner's addresses, the
// folders to learn from and the folder held mail is moved to. Nothing here scores or learns.

import { HELD_FOLDER_NAME, allFolders, isDefaultFolder } from "./settings.js";

/** The message exactly as stored, as bytes (the engine parses MIME itself). */
export async function rawOf(messageId) {
  const file = await messenger.messages.getRaw(messageId, { data_format: "File" });
  return new Uint8Array(await file.arrayBuffer());
}

/** Every identity's address: mail from them is sent mail, which records correspondents. */
export async function ownerAddresses() {
  const accounts = await messenger.accounts.list(false);
  const addresses = accounts.flatMap((a) => (a.identities ?? []).map((i) => i.email));
  return [...new Set(addresses.filter(Boolean).map((a) => a.toLowerCase()))];
}

/** The folders chosen in the options page, or every Inbox and Sent folder. */
export async function chosenFolders(folderIds) {
  const folders = await allFolders();
  if (Array.isArray(folderIds)) {
    return folders.filter((f) => folderIds.includes(f.id));
  }
  return folders.filter((f) => isDefaultFolder(f.folder));
}

/** Headers of every message in `folders`, oldest first, so the baseline grows in order. */
export async function headersOldestFirst(folders, isStopped) {
  const headers = [];
  for (const { id } of folders) {
    let page = await messenger.messages.list(id);
    headers.push(...page.messages);
    while (page.id && !isStopped()) {
      page = await messenger.messages.continueList(page.id);
      headers.push(...page.messages);
    }
  }
  const at = (header) => new Date(header.date).getTime() || Infinity;
  return headers.sort((a, b) => at(a) - at(b));
}

/** Moves a message to "familiar: held" in its own account, creating the folder once. */
export async function moveToHeld(header) {
  const account = await messenger.accounts.get(header.folder.accountId, true);
  const root = account.rootFolder;
  const existing = (root.subFolders ?? []).find((f) => f.name === HELD_FOLDER_NAME);
  const held = existing ?? (await messenger.folders.create(root.id, HELD_FOLDER_NAME));
  await messenger.messages.move([header.id], held.id);
}
