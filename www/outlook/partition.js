// Keeps one mailbox's data apart from another's. Outlook on the web can show several
// mailboxes to the same add-in origin, and it gives each a partition key
// (Office.context.partitionKey) that add-ins are asked to put in their storage keys. The
// baseline database and the pane's own settings are named after that key plus the mailbox
// owner's address, so a shared or delegate mailbox never learns from, or judges with,
// another one's baseline.
//
// Nothing here writes anything until `Settings.agree` has been called: the consent is the
// first thing stored.

const PREFIX = "familiar";
const SEEN_MAX = 5000;

/** The partition name for this mailbox: "<partitionKey>|<address>", either part may be empty. */
export function partitionOf(context) {
  const key = typeof context?.partitionKey === "string" ? context.partitionKey : "";
  const address = String(context?.mailbox?.userProfile?.emailAddress ?? "").toLowerCase();
  return `${key}|${address}`;
}

/**
 * An IndexedDB factory whose databases are this partition's: "familiar" becomes
 * "familiar|<partition>". The shared store always opens a database of a fixed name, so
 * partitioning happens here, below it.
 */
export function partitionedIndexedDB(indexedDB, partition) {
  const nameOf = (name) => `${name}|${partition}`;
  return {
    open: (name, ...version) => indexedDB.open(nameOf(name), ...version),
    deleteDatabase: (name) => indexedDB.deleteDatabase(nameOf(name)),
    cmp: (a, b) => indexedDB.cmp(a, b),
  };
}

/** The pane's small settings in localStorage: consent and the messages already learned. */
export class Settings {
  constructor(storage, partition) {
    this.storage = storage;
    this.prefix = `${PREFIX}|${partition}|`;
  }

  read(name) {
    try {
      return this.storage?.getItem(this.prefix + name) ?? null;
    } catch {
      return null;
    }
  }

  write(name, value) {
    try {
      this.storage?.setItem(this.prefix + name, value);
    } catch {
      // Storage refused (private mode, quota): the pane still works for this session.
    }
  }

  hasAgreed() {
    return this.read("consent") === "yes";
  }

  agree() {
    this.write("consent", "yes");
  }

  /** Forgets which messages were learned (after an import or an erase). */
  clearSeen() {
    try {
      this.storage?.removeItem(this.prefix + "seen");
    } catch {
      // Not readable either: nothing to clear.
    }
  }

  seen() {
    try {
      const list = JSON.parse(this.read("seen") ?? "[]");
      return Array.isArray(list) ? list.filter((id) => typeof id === "string") : [];
    } catch {
      return [];
    }
  }

  /** Whether the message with this Message-ID was learned from before. */
  hasSeen(id) {
    return Boolean(id) && this.seen().includes(id);
  }

  /** Remembers a learned message; only the last SEEN_MAX are kept. */
  markSeen(id) {
    if (!id) {
      return;
    }
    const list = this.seen().filter((other) => other !== id);
    list.push(id);
    this.write("seen", JSON.stringify(list.slice(-SEEN_MAX)));
  }
}
