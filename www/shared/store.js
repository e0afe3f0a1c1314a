// The baseline on the device, in IndexedDB: one record per sender ("sender:<address>") and
// per organisation ("domain:<domain>"), each stored as { json, lastSeen }. This module owns
// the database "familiar", its schema version, the size cap and what happens when storage
// fails; it decides nothing about mail, which is the engine's job.
//
// Every message is handled in one readwrite transaction: read its records, load them into
// the engine, score, write them back. The engine runs synchronously inside the transaction's
// callbacks, so the transaction stays active and two tabs cannot overwrite each other.
// Domain records stay loaded between messages: lookalike checks compare a new sender with
// every known organisation. Sender records are dropped from memory after each message.

export const DB_NAME = "familiar";
export const SCHEMA_VERSION = 1;

// Measured with scripts/bench-wasm.mjs: 2.0 KB per record on average (the example mailbox
// and a 485-message mailbox), 2.7 KB the largest seen, 4 KB at most (the core bounds a
// profile). 20,000 records is about 40 MB, well inside browsers' per-origin quota, and more
// senders than most mailboxes hold.
export const MAX_RECORDS = 20000;
const EVICT_TO_SHARE = 0.9;
const EVICT_CHECK_EVERY = 200;
const OPEN_TIMEOUT_MS = 5000;

export const NOTICES = {
  quota:
    "Storage is full. Messages are still scored, but what they teach is not saved. " +
    "Nothing learned before was lost.",
  corrupt:
    "A stored sender record could not be read. It was left as it is, and messages are " +
    "scored against the rest of the baseline.",
  newer:
    "The stored baseline comes from a newer version of familiar. It is used read-only: " +
    "nothing new will be saved until that version is used again.",
  unavailable:
    "This browser does not allow storage here. Messages are scored, but nothing is " +
    "remembered after this page closes.",
  closed:
    "Another tab changed the stored baseline's format. Scoring goes on in memory; " +
    "reload the page to save again.",
};

function request(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function isStoredRecord(value) {
  return value !== null && typeof value === "object" && typeof value.json === "string";
}

function isDomainKey(key) {
  return key.startsWith("domain:");
}

function createSchema(db) {
  const records = db.createObjectStore("records");
  records.createIndex("lastSeen", "lastSeen");
  db.createObjectStore("meta").put(SCHEMA_VERSION, "schema");
}

/** Opens the database; resolves to { db, mode } or { db: null, mode: "memory" }. */
function openDatabase(indexedDB, version) {
  return new Promise((resolve) => {
    let req;
    try {
      req = version === undefined ? indexedDB.open(DB_NAME) : indexedDB.open(DB_NAME, version);
    } catch {
      resolve({ db: null, reason: "unavailable" });
      return;
    }

    const timer = setTimeout(() => resolve({ db: null, reason: "unavailable" }), OPEN_TIMEOUT_MS);
    const settle = (result) => {
      clearTimeout(timer);
      resolve(result);
    };
    req.onupgradeneeded = (event) => {
      if (event.oldVersion === 0 && version !== undefined) {
        createSchema(req.result);
      }
    };
    req.onsuccess = () => settle({ db: req.result, reason: null });
    req.onerror = (event) => {
      event.preventDefault();
      settle({ db: null, reason: req.error?.name === "VersionError" ? "newer" : "unavailable" });
    };
  });
}

async function schemaOf(db) {
  if (!db.objectStoreNames.contains("records") || !db.objectStoreNames.contains("meta")) {
    return Infinity;
  }
  const tx = db.transaction("meta", "readonly");
  const stored = await request(tx.objectStore("meta").get("schema"));
  return Number.isInteger(stored) ? stored : Infinity;
}

export class BaselineStore {
  /**
   * Opens the stored baseline. Never rejects: when storage cannot be used the store works
   * in memory (mode "memory") or read-only (mode "readonly") and says so once via onNotice.
   */
  static async open({
    Engine,
    indexedDB = globalThis.indexedDB,
    onNotice = () => {},
    maxRecords = MAX_RECORDS,
  }) {
    const store = new BaselineStore(Engine, indexedDB, onNotice, maxRecords);
    await store.connect();
    return store;
  }

  constructor(Engine, indexedDB, onNotice, maxRecords) {
    this.Engine = Engine;
    this.indexedDB = indexedDB;
    this.onNotice = onNotice;
    this.maxRecords = maxRecords;
    this.noticed = new Set();
    this.held = new Set();
    this.writesSinceCheck = 0;
    this.db = null;
    this.mode = "memory";
  }

  async connect() {
    if (!this.indexedDB) {
      this.notice("unavailable");
      return;
    }

    let { db, reason } = await openDatabase(this.indexedDB, SCHEMA_VERSION);
    if (reason === "newer") {
      ({ db, reason } = await openDatabase(this.indexedDB));
      reason = db ? "newer" : reason;
    }
    if (db && (await schemaOf(db).catch(() => Infinity)) > SCHEMA_VERSION) {
      reason = "newer";
    }
    if (db && reason === "newer" && !db.objectStoreNames.contains("records")) {
      db.close();
      db = null;
    }

    this.db = db;
    this.mode = !db ? "memory" : reason === "newer" ? "readonly" : "readwrite";
    if (reason) {
      this.notice(reason);
    }
    if (db) {
      db.onversionchange = () => this.detach("closed");
    }
  }

  detach(reason) {
    this.db?.close();
    this.db = null;
    this.mode = "memory";
    this.notice(reason);
  }

  notice(kind) {
    if (!this.noticed.has(kind)) {
      this.noticed.add(kind);
      this.onNotice(kind, NOTICES[kind]);
    }
  }

  /** Loads what stays in memory (the owner and every organisation) into a new engine. */
  async attach(engine) {
    this.held.clear();
    engine.setOwner(await this.owner());
    if (!this.db) {
      return;
    }

    const range = IDBKeyRange.bound("domain:", "domain:\uffff");
    const tx = this.db.transaction("records", "readonly");
    const records = tx.objectStore("records");
    const [keys, values] = await Promise.all([
      request(records.getAllKeys(range)),
      request(records.getAll(range)),
    ]);
    keys.forEach((key, i) => this.load(engine, key, values[i]));
  }

  /** Puts one stored value into the engine; false (and a notice) if it is not usable. */
  load(engine, key, value) {
    if (value === undefined) {
      engine.dropRecord(key);
      return true;
    }
    try {
      if (!isStoredRecord(value)) {
        throw new Error("not a familiar record");
      }
      engine.putRecord(key, value.json);
      return true;
    } catch {
      engine.dropRecord(key);
      this.notice("corrupt");
      return false;
    }
  }

  /**
   * Runs `action(engine)` (process, markNormal or reportMessage on `raw`) with the records
   * the message needs, saves what it learned, and resolves to what the action returned.
   * Rejects only when the action itself throws or the records cannot be read.
   */
  async apply(engine, raw, action) {
    if (this.mode === "memory") {
      return action(engine);
    }

    const keys = this.Engine.keysFor(raw).filter((key) => !this.held.has(key));
    if (this.mode === "readonly") {
      return this.applyReadOnly(engine, keys, action);
    }

    const result = await this.applyInTransaction(engine, keys, action);
    this.writesSinceCheck += 1;
    if (this.writesSinceCheck >= EVICT_CHECK_EVERY) {
      this.writesSinceCheck = 0;
      await this.evict().catch(() => {});
    }
    return result;
  }

  async applyReadOnly(engine, keys, action) {
    const tx = this.db.transaction("records", "readonly");
    const records = tx.objectStore("records");
    const values = await Promise.all(keys.map((key) => request(records.get(key))));
    keys.forEach((key, i) => this.load(engine, key, values[i]));

    // Nothing can be saved: what this session learns stays in memory.
    keys.forEach((key) => this.held.add(key));
    return action(engine);
  }

  applyInTransaction(engine, keys, action) {
    return new Promise((resolve, reject) => {
      const tx = this.db.transaction("records", "readwrite");
      const records = tx.objectStore("records");
      const found = new Array(keys.length);
      let outcome = null;

      const run = () => {
        let usable = [];
        try {
          usable = keys.filter((key, i) => this.load(engine, key, found[i]));
          outcome = { value: action(engine) };
        } catch (error) {
          // The engine may be broken now; the caller decides whether to replace it.
          outcome = { error };
          tx.abort();
          this.forget(engine, keys, []);
          return;
        }

        try {
          this.save(engine, records, usable);
        } catch (error) {
          // A put can fail at once (QuotaExceededError): keep every record as it was.
          tx.abort();
          this.noticeFor(error);
        }
        this.forget(engine, keys, usable);
      };

      let waiting = keys.length;
      keys.forEach((key, i) => {
        records.get(key).onsuccess = (event) => {
          found[i] = event.target.result;
          waiting -= 1;
          if (waiting === 0) {
            run();
          }
        };
      });
      if (keys.length === 0) {
        run();
      }

      tx.oncomplete = () => {
        if (outcome && !outcome.error) {
          resolve(outcome.value);
        } else {
          reject(outcome?.error ?? new Error("the message was not scored"));
        }
      };
      tx.onabort = () => {
        if (outcome && !outcome.error) {
          this.noticeFor(tx.error);
          resolve(outcome.value);
        } else {
          reject(outcome?.error ?? tx.error ?? new Error("stored records could not be read"));
        }
      };
    });
  }

  /** Drops what this message loaded, except organisations that were read and are valid. */
  forget(engine, keys, usable) {
    try {
      keys
        .filter((key) => !isDomainKey(key) || !usable.includes(key))
        .forEach((key) => engine.dropRecord(key));
    } catch {
      // A broken engine is replaced by the caller; its memory does not matter.
    }
  }

  save(engine, records, keys) {
    const lastSeen = Date.now();
    for (const key of keys) {
      const json = engine.getRecord(key);
      if (json !== undefined) {
        records.put({ json, lastSeen }, key);
      }
    }
  }

  noticeFor(error) {
    if (error?.name === "QuotaExceededError") {
      this.notice("quota");
    }
  }

  /** Deletes the least recently seen records once there are more than the cap. */
  async evict() {
    const tx = this.db.transaction("records", "readwrite");
    const records = tx.objectStore("records");
    const stored = await request(records.count());
    if (stored <= this.maxRecords) {
      return 0;
    }

    let excess = stored - Math.floor(this.maxRecords * EVICT_TO_SHARE);
    const evicted = excess;
    await new Promise((resolve, reject) => {
      const cursor = records.index("lastSeen").openCursor();
      cursor.onerror = () => reject(cursor.error);
      cursor.onsuccess = () => {
        if (!cursor.result || excess === 0) {
          resolve();
          return;
        }
        cursor.result.delete();
        excess -= 1;
        cursor.result.continue();
      };
    });
    return evicted;
  }

  /** How many records are stored (or held in memory when storage is not used). */
  async count(engine) {
    if (!this.db) {
      return engine.recordKeys().length;
    }
    const tx = this.db.transaction("records", "readonly");
    return request(tx.objectStore("records").count());
  }

  async owner() {
    if (!this.db) {
      return this.memoryOwner ?? [];
    }
    const tx = this.db.transaction("meta", "readonly");
    const stored = await request(tx.objectStore("meta").get("owner")).catch(() => null);
    return Array.isArray(stored) ? stored.filter((a) => typeof a === "string") : [];
  }

  async setOwner(engine, addresses) {
    engine.setOwner(addresses);
    this.memoryOwner = addresses;
    if (this.mode === "readwrite") {
      const tx = this.db.transaction("meta", "readwrite");
      await request(tx.objectStore("meta").put(addresses, "owner"));
    }
  }

  /** The whole baseline as the core's JSON, built from every readable record. */
  async exportBaseline(engine) {
    if (!this.db) {
      return engine.exportBaseline();
    }

    const tx = this.db.transaction("records", "readonly");
    const records = tx.objectStore("records");
    const [keys, values] = await Promise.all([
      request(records.getAllKeys()),
      request(records.getAll()),
    ]);
    const whole = new this.Engine();
    try {
      whole.setOwner(await this.owner());
      keys.forEach((key, i) => this.load(whole, key, values[i]));
      return whole.exportBaseline();
    } finally {
      whole.free();
    }
  }

  /** Replaces the baseline with an exported one; rejects, changing nothing, if it is not. */
  async importBaseline(engine, json) {
    const whole = new this.Engine();
    try {
      whole.importBaseline(json);
      const owner = JSON.parse(json).owner ?? [];
      if (this.mode !== "readwrite") {
        engine.importBaseline(json);
        this.memoryOwner = owner;
        return;
      }

      const tx = this.db.transaction(["records", "meta"], "readwrite");
      const records = tx.objectStore("records");
      records.clear();
      this.save(whole, records, whole.recordKeys());
      tx.objectStore("meta").put(owner, "owner");
      await new Promise((resolve, reject) => {
        tx.oncomplete = resolve;
        tx.onabort = () => reject(tx.error);
      });
    } finally {
      whole.free();
    }
    engine.erase();
    await this.attach(engine);
  }

  /** Forgets everything learned, in storage and in the engine; the owner is kept. */
  async erase(engine) {
    engine.erase();
    this.held.clear();
    if (this.mode === "readonly") {
      // The user asked to forget: a newer release's database goes as a whole.
      const owner = await this.owner();
      this.db.close();
      this.db = null;
      await request(this.indexedDB.deleteDatabase(DB_NAME)).catch(() => {});
      this.noticed.delete("newer");
      await this.connect();
      await this.setOwner(engine, owner);
      return;
    }
    if (this.mode === "readwrite") {
      const tx = this.db.transaction("records", "readwrite");
      await request(tx.objectStore("records").clear());
    }
  }
}
