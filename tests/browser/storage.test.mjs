// Storage that misbehaves, in Chromium: a full quota, a corrupt record, a database from a
// newer release, storage that is blocked, and the size cap's eviction. In every case the
// page still scores, tells the user once, and leaves stored records as they were.
import assert from "node:assert/strict";
import { afterEach, beforeEach, test } from "node:test";
import { supplier, supplierMbox } from "./fixtures.mjs";
import { openDemo, recordCount, replayFiles, rows, session } from "./harness.mjs";

const SENDER_KEY = "sender:maria.lopez@northwind-supply.com";
const STORY = { name: "supplier.mbox", text: supplierMbox() };
const FIRST_INVOICES = {
  name: "first.mbox",
  text: supplierMbox()
    .split(/\n(?=From MAILER-DAEMON)/)
    .slice(0, 4)
    .join("\n"),
};

let s;
beforeEach(async () => {
  s = await session();
});
afterEach(async () => {
  await s.close();
});

// The page's CSP forbids eval, so each helper is one self-contained function.
function readRecord(page, key) {
  return page.evaluate(
    (key) =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open("familiar");
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const req = db.transaction("records").objectStore("records").get(key);
          req.onsuccess = () => resolve(req.result);
          req.onerror = () => reject(req.error);
          db.close();
        };
      }),
    key,
  );
}

function writeRecord(page, key, value) {
  return page.evaluate(
    ({ key, value }) =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open("familiar");
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction("records", "readwrite");
          tx.objectStore("records").put(value, key);
          tx.oncomplete = () => resolve();
          tx.onerror = () => reject(tx.error);
          db.close();
        };
      }),
    { key, value },
  );
}

async function notices(page, kind) {
  return page.$$eval(`#notices .notice-${kind}`, (ps) => ps.map((p) => p.textContent));
}

function assertStoryScored(all) {
  assert.equal(all.length, supplier.ordinary.length + 2);
  assert.ok(
    all.every((r) => r.action !== "error"),
    "a message was not scored",
  );
  const phishing = all.find((r) => r.subject.startsWith("URGENT"));
  assert.ok(["hold", "warn"].includes(phishing.action), `phishing was ${phishing.action}`);
}

test("a full quota still scores, says so once, and loses nothing stored", async () => {
  const first = await openDemo(s);
  await replayFiles(first, [FIRST_INVOICES]);
  const stored = await recordCount(first);
  const before = await readRecord(first, SENDER_KEY);
  await first.close();

  const page = await openDemo(s, () => {
    const put = IDBObjectStore.prototype.put;
    IDBObjectStore.prototype.put = function (...args) {
      if (this.name === "records") {
        throw new DOMException("The quota has been exceeded.", "QuotaExceededError");
      }
      return put.apply(this, args);
    };
  });
  await replayFiles(page, [STORY]);

  assertStoryScored(await rows(page));
  assert.equal((await notices(page, "quota")).length, 1);
  assert.equal(await recordCount(page), stored);
  assert.deepEqual(await readRecord(page, SENDER_KEY), before);
});

test("a corrupt record is skipped and kept as it is", async () => {
  const page = await openDemo(s);
  await replayFiles(page, [FIRST_INVOICES]);
  const garbage = { json: "{ this is not a profile", lastSeen: 1 };
  await writeRecord(page, SENDER_KEY, garbage);
  await writeRecord(page, "sender:other@example.net", 42);

  await page.reload();
  await page.waitForSelector('body[data-ready="true"]');
  await replayFiles(page, [STORY]);

  assertStoryScored(await rows(page));
  assert.equal((await notices(page, "corrupt")).length, 1);
  assert.deepEqual(await readRecord(page, SENDER_KEY), garbage);
  assert.equal(await readRecord(page, "sender:other@example.net"), 42);

  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#export")]);
  assert.ok(download.suggestedFilename().endsWith(".json"));
});

test("a database from a newer release is used read-only", async () => {
  const page = await s.context.newPage();
  await page.goto(`${s.url}/not-the-demo`);
  await page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const req = indexedDB.open("familiar", 7);
        req.onupgradeneeded = () => {
          const db = req.result;
          db.createObjectStore("records").put({ json: "{}", lastSeen: 1, v: 7 }, "sender:a@b.c");
          db.createObjectStore("meta").put(7, "schema");
        };
        req.onsuccess = () => {
          req.result.close();
          resolve();
        };
        req.onerror = () => reject(req.error);
      }),
  );

  const demo = await openDemo(s);
  assert.equal((await notices(demo, "newer")).length, 1);
  assert.match(await demo.textContent("#baseline-count"), /read-only/);
  await replayFiles(demo, [STORY]);

  assertStoryScored(await rows(demo));
  const after = await demo.evaluate(
    () =>
      new Promise((resolve) => {
        const req = indexedDB.open("familiar");
        req.onsuccess = () => {
          const db = req.result;
          const count = db.transaction("records").objectStore("records").count();
          count.onsuccess = () => {
            resolve({ version: db.version, records: count.result });
            db.close();
          };
        };
      }),
  );
  assert.deepEqual(after, { version: 7, records: 1 });
});

test("blocked storage scores in memory and says so", async () => {
  const page = await openDemo(s, () => {
    IDBFactory.prototype.open = function () {
      throw new DOMException("The user denied permission to store data.", "SecurityError");
    };
  });
  assert.equal((await notices(page, "unavailable")).length, 1);
  assert.match(await page.textContent("#baseline-count"), /in memory only/);

  await replayFiles(page, [STORY]);
  const all = await rows(page);
  assertStoryScored(all);
  assert.match(all[supplier.ordinary.length - 1].tags, /Known Correspondent/);
});

test("two tabs learning at once lose no update", async () => {
  const invoices = { name: "invoices.mbox", text: FIRST_INVOICES.text };
  const [left, right] = [await openDemo(s), await openDemo(s)];
  await Promise.all([replayFiles(left, [invoices]), replayFiles(right, [invoices])]);

  const learned = JSON.parse((await readRecord(left, SENDER_KEY)).json).m;
  assert.equal(learned, 8);
});

test("past the size cap, the least recently seen records go first", async () => {
  const page = await openDemo(s);
  const left = await page.evaluate(async () => {
    const { BaselineStore } = await import("/shared/store.js");
    const { Engine } = await import("/pkg/familiar.js");
    const store = await BaselineStore.open({ Engine, maxRecords: 10 });
    const tx = store.db.transaction("records", "readwrite");
    for (let i = 1; i <= 12; i += 1) {
      tx.objectStore("records").put({ json: "{}", lastSeen: i }, `sender:s${i}@example.com`);
    }
    await new Promise((resolve) => (tx.oncomplete = resolve));

    const evicted = await store.evict();
    const keys = await new Promise((resolve) => {
      const req = store.db.transaction("records").objectStore("records").getAllKeys();
      req.onsuccess = () => resolve(req.result);
    });
    return { evicted, keys: keys.sort() };
  });

  assert.equal(left.evicted, 3);
  const expected = [4, 5, 6, 7, 8, 9, 10, 11, 12].map((i) => `sender:s${i}@example.com`);
  assert.deepEqual(left.keys, expected.sort());
});
