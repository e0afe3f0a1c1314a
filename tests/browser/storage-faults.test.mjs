// Storage faults in a real Chromium. The page or the whole browser dies while a message's
// transaction is open: the database must open again, every record must decode, the learned
// state must be exactly that of the messages whose transaction completed (the one in
// flight may or may not have made it), and carrying on from there must end where an
// uninterrupted run ends. The origin's quota really runs out: every message must still be
// scored, the user told once, and no stored record lost or damaged.
import assert from "node:assert/strict";
import { randomInt } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { chromium } from "playwright-core";
import { CHROMIUM, FLAGS } from "../../scripts/chromium.mjs";
import { startServer } from "../../scripts/serve.mjs";
import {
  digestOf,
  exportBaseline,
  launchOwnedChromium,
  learn,
  learnRange,
  mailbox,
  openDriver,
  storedRecords,
} from "./storage-driver.mjs";

const MESSAGES = mailbox(60);
const KILLS_PER_WAY = 3;
// Learning one message takes a few milliseconds here; killing 0-8 ms after it starts lands
// before, inside and after its transaction.
const MAX_KILL_DELAY_MS = 8;

let server;
let url;
let reference;

async function withProfile(task) {
  const profile = await mkdtemp(join(tmpdir(), "familiar-faults-"));
  try {
    return await task(profile);
  } finally {
    await rm(profile, { recursive: true, force: true });
  }
}

before(async () => {
  ({ server, url } = await startServer());

  // The uninterrupted run: the stored baseline's digest after every message, and the end.
  reference = await withProfile(async (profile) => {
    const browser = await launchOwnedChromium(profile);
    try {
      const page = await openDriver(browser.context, url, MESSAGES);
      const digests = await learnRange(page, 0, MESSAGES.length, true);
      return { digests, final: await exportBaseline(page) };
    } finally {
      await browser.close();
    }
  });
});

after(async () => {
  await new Promise((resolve) => server.close(resolve));
});

/** Checks the reopened store and resolves to how many messages it holds. */
async function learnedAfterRestart(page, killedAt) {
  const state = await page.evaluate(() => ({
    mode: window.driver.store.mode,
    notices: window.driver.notices,
  }));
  assert.deepEqual(state, { mode: "readwrite", notices: [] });

  const records = await storedRecords(page);
  assert.ok(records.length > 0, "nothing was stored");
  for (const record of records) {
    assert.ok(record.isShaped && record.decodes, `record ${record.key} is damaged`);
  }

  const digest = await digestOf(page, await exportBaseline(page));
  const learned = reference.digests.indexOf(digest);
  assert.ok(
    learned === killedAt || learned === killedAt + 1,
    `after a kill during message ${killedAt}, the stored baseline matches ` +
      (learned < 0 ? "no point of the uninterrupted run" : `${learned} messages`),
  );
  return learned;
}

/**
 * Learns up to a random message, starts it, kills by `way` a random moment later, reopens
 * the profile and carries on to the end.
 */
async function killAndResume(way, t) {
  const killedAt = randomInt(1, MESSAGES.length - 1);
  const delayMs = randomInt(0, MAX_KILL_DELAY_MS + 1);

  await withProfile(async (profile) => {
    let browser = await launchOwnedChromium(profile);
    try {
      const page = await openDriver(browser.context, url, MESSAGES);
      await learnRange(page, 0, killedAt);
      const inFlight = learn(page, killedAt).catch(() => null);
      await new Promise((resolve) => setTimeout(resolve, delayMs));

      if (way === "crash") {
        const cdp = await browser.context.newCDPSession(page);
        // The command never answers: the page it would answer from is gone.
        const crashed = new Promise((resolve) => page.once("crash", resolve));
        cdp.send("Page.crash").catch(() => {});
        await crashed;
      } else if (way === "close") {
        await page.close({ runBeforeUnload: false });
      } else {
        await browser.kill();
        browser = await launchOwnedChromium(profile);
      }
      const finished = await Promise.race([inFlight, Promise.resolve("pending")]);

      const reopened = await openDriver(browser.context, url, MESSAGES);
      const learned = await learnedAfterRestart(reopened, killedAt);
      t.diagnostic(
        `${way} ${delayMs} ms into message ${killedAt} (page saw: ${finished ?? "no answer"}):` +
          ` ${learned} messages stored`,
      );

      await learnRange(reopened, learned, MESSAGES.length);
      assert.equal(await exportBaseline(reopened), reference.final);
    } finally {
      await browser.close();
    }
  });
}

describe("killed while learning", () => {
  for (const way of ["crash", "close", "sigkill"]) {
    for (let n = 1; n <= KILLS_PER_WAY; n += 1) {
      const what = { crash: "the page crashes", close: "the tab closes", sigkill: "SIGKILL" };
      test(`${what[way]} mid-message (${n}): nothing but the message in flight is lost`, (t) =>
        killAndResume(way, t));
    }
  }
});

describe("the quota runs out", () => {
  const options = { timeout: 120_000 };
  test(
    "scoring goes on, the user is told once, and what was stored stays whole",
    options,
    async (t) => {
      // A real limit, enforced by the browser. Chromium applies an overridden quota only to
      // an origin that has no storage yet, so each run gets a fresh context; the limit is
      // what half the mailbox used in a first one, so that the rest outgrows it.
      const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
      try {
        const measuring = await browser.newContext();
        const sample = await openDriver(measuring, url, MESSAGES);
        await learnRange(sample, 0, MESSAGES.length / 2);
        const quotaBytes = await sample.evaluate(
          async () => (await navigator.storage.estimate()).usage,
        );
        await measuring.close();

        const context = await browser.newContext();
        const cdp = await context.newCDPSession(await context.newPage());
        const { origin } = new URL(url);
        await cdp.send("Storage.overrideQuotaForOrigin", { origin, quotaSize: quotaBytes });

        const page = await openDriver(context, url, MESSAGES);
        const notices = () => page.evaluate(() => window.driver.notices);
        let storedBefore = await storedRecords(page);
        let fullAt = -1;
        for (let i = 0; i < MESSAGES.length; i += 1) {
          const action = await learn(page, i);
          assert.ok(["none", "warn", "hold"].includes(action), `message ${i} was scored`);
          if (fullAt < 0 && (await notices()).length > 0) {
            fullAt = i;
          } else if (fullAt < 0) {
            storedBefore = await storedRecords(page);
          }
        }
        assert.ok(fullAt > 0, `the quota of ${quotaBytes} bytes was reached (at ${fullAt})`);
        assert.deepEqual(await notices(), ["quota"], "told once that storage is full");

        const storedAfter = await storedRecords(page);
        for (const record of storedAfter) {
          assert.ok(record.isShaped && record.decodes, `record ${record.key} is damaged`);
        }
        const keysAfter = new Set(storedAfter.map((r) => r.key));
        for (const record of storedBefore) {
          assert.ok(keysAfter.has(record.key), `record ${record.key} was lost`);
        }
        const jsonBefore = new Map(storedBefore.map((r) => [r.key, r.json]));
        const changed = storedAfter.filter((r) => jsonBefore.get(r.key) !== r.json).length;
        t.diagnostic(
          `quota ${quotaBytes} bytes reached at message ${fullAt} of ${MESSAGES.length}; ` +
            `${storedBefore.length} records then, ${storedAfter.length} at the end, ` +
            `${changed} of them new or changed since`,
        );

        // What was stored still opens: a new page reads it and scores with it.
        const reopened = await openDriver(context, url, MESSAGES);
        assert.ok((await storedRecords(reopened)).length >= storedBefore.length);
        assert.ok(["none", "warn", "hold"].includes(await learn(reopened, 0)));
      } finally {
        await browser.close();
      }
    },
  );
});
