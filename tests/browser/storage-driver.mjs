// What the storage fault tests share: a generated mailbox, a Chromium whose process the test
// owns (so that it can be killed outright) on a profile that outlives it, and a driver in
// the page that learns one message per call through BaselineStore, as the demo and the
// add-ons do.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { chromium } from "playwright-core";
import { CHROMIUM, FLAGS } from "../../scripts/chromium.mjs";
import { eml } from "./fixtures.mjs";

export const OWNER = "owner@example.com";

const WRITERS = [
  { from: "maria.lopez@northwind-supply.com", name: "Maria Lopez", hour: 9 },
  { from: "ap@northwind-supply.com", name: "Northwind Accounts", hour: 11 },
  { from: "jan.de.vries@harbour-freight.nl", name: "Jan de Vries", hour: 14 },
  { from: "planning@harbour-freight.nl", name: "Harbour Planning", hour: 8 },
  { from: "kim.tan@brightlabs.io", name: "Kim Tan", hour: 16 },
  { from: "oldfriend1957@gmail.com", name: "Old Friend", hour: 20 },
];

/**
 * `count` messages, oldest first: the writers above in turn, each in their own voice, and
 * every seventh message one the owner sent (so the correspondents record changes too).
 */
export function mailbox(count) {
  return Array.from({ length: count }, (_, n) => {
    const date = new Date(Date.UTC(2024, 0, 1, 0, 0) + n * 7 * 3600 * 1000);
    if (n % 7 === 6) {
      return eml({
        from: OWNER,
        to: WRITERS[n % WRITERS.length].from,
        subject: `Re: order ${n}`,
        date,
        id: `sent-${n}`,
        body: `Thanks, noted for order ${n}.\r\n\r\nBest,\r\nOwen`,
      });
    }
    const w = WRITERS[n % WRITERS.length];
    date.setUTCHours(w.hour + (n % 2));
    return eml({
      from: w.from,
      name: w.name,
      subject: `Update ${n} from ${w.name}`,
      date,
      id: `m-${n}`,
      body:
        `Hello,\r\n\r\nhere is update ${n}: the shipment for order ${3000 + n} is on its ` +
        `way and the paperwork is attached to our portal as usual.\r\n` +
        `https://portal.${w.from.split("@")[1]}/orders/${3000 + n}\r\n\r\n` +
        `Kind regards,\r\n${w.name}`,
    });
  });
}

/**
 * Starts Debian's Chromium on `profile` with a DevTools port and connects to it. The test
 * owns the process: `kill()` sends SIGKILL to its whole process group, as a power cut or
 * the OOM killer would; `close()` ends it politely.
 */
export async function launchOwnedChromium(profile) {
  const child = spawn(
    CHROMIUM,
    [
      "--headless",
      ...FLAGS,
      `--user-data-dir=${profile}`,
      "--remote-debugging-port=0",
      "about:blank",
    ],
    { detached: true, stdio: ["ignore", "ignore", "pipe"] },
  );
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const endpoint = await new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stderr });
    lines.on("line", (line) => {
      const found = /DevTools listening on (ws:\/\/\S+)/.exec(line);
      if (found) {
        resolve(found[1]);
      }
    });
    child.once("exit", (code) => reject(new Error(`chromium exited (${code}) before DevTools`)));
  });
  child.stderr.resume();

  const browser = await chromium.connectOverCDP(endpoint);
  return {
    context: browser.contexts()[0],
    async kill() {
      process.kill(-child.pid, "SIGKILL");
      await exited;
    },
    async close() {
      await browser.close().catch(() => {});
      if (child.exitCode === null && child.signalCode === null) {
        process.kill(-child.pid, "SIGTERM");
      }
      await exited;
    },
  };
}

/**
 * Opens a page on the server's origin (not the demo, which would open the store itself),
 * and sets up `window.driver`: the store, one engine, and the mailbox as bytes.
 */
export async function openDriver(context, url, messages) {
  const page = await context.newPage();
  await page.goto(`${url}/storage-driver`);
  await page.evaluate(
    async ({ messages, owner }) => {
      const { BaselineStore } = await import("/shared/store.js");
      const wasm = await import("/pkg/familiar.js");
      await wasm.default();
      const notices = [];
      const store = await BaselineStore.open({
        Engine: wasm.Engine,
        onNotice: (kind) => notices.push(kind),
      });
      const engine = new wasm.Engine();
      await store.attach(engine);
      await store.setOwner(engine, [owner]);
      const encoder = new TextEncoder();
      const raws = messages.map((m) => encoder.encode(m));

      const learn = async (i) => (await store.apply(engine, raws[i], (e) => e.process(raws[i]))).action;
      const digest = async (text) => {
        const hash = await crypto.subtle.digest("SHA-256", encoder.encode(text));
        return Array.from(new Uint8Array(hash), (b) => b.toString(16).padStart(2, "0")).join("");
      };
      window.driver = { wasm, store, engine, notices, raws, learn, digest };
    },
    { messages, owner: OWNER },
  );
  return page;
}

/** Learns message `i`; resolves once its transaction has completed. */
export function learn(page, i) {
  return page.evaluate((i) => window.driver.learn(i), i);
}

/**
 * Learns messages `from`..`to` in the page; with `trace`, resolves to the digest of the
 * stored baseline before the first and after each message (index = messages learned).
 */
export function learnRange(page, from, to, trace = false) {
  return page.evaluate(
    async ({ from, to, trace }) => {
      const { store, engine, learn, digest } = window.driver;
      const digests = trace ? [await digest(await store.exportBaseline(engine))] : [];
      for (let i = from; i < to; i += 1) {
        await learn(i);
        if (trace) {
          digests.push(await digest(await store.exportBaseline(engine)));
        }
      }
      return digests;
    },
    { from, to, trace },
  );
}

export function exportBaseline(page) {
  return page.evaluate(() => window.driver.store.exportBaseline(window.driver.engine));
}

export function digestOf(page, text) {
  return page.evaluate((text) => window.driver.digest(text), text);
}

/**
 * Every stored record, checked with raw IndexedDB calls: its key, whether it has the
 * stored shape, and whether a fresh engine accepts it.
 */
export function storedRecords(page) {
  return page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open("familiar");
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const records = db.transaction("records").objectStore("records");
          const keys = records.getAllKeys();
          const values = records.getAll();
          values.onsuccess = () => {
            db.close();
            const engine = new window.driver.wasm.Engine();
            const checked = keys.result.map((key, i) => {
              const value = values.result[i];
              let decodes = false;
              try {
                engine.putRecord(key, value.json);
                decodes = true;
              } catch {
                decodes = false;
              }
              const isShaped = typeof value?.json === "string" && Number.isFinite(value.lastSeen);
              return { key, isShaped, decodes, json: value?.json };
            });
            engine.free();
            resolve(checked);
          };
          values.onerror = () => reject(values.error);
        };
      }),
  );
}
