// Storage faults in a real Chromium: the page or the whole browser dies while a message's
// transaction is open, and the origin's quota really runs out. Each time the database must
// open again, every record must decode, the learned state must be exactly that of the
// messages whose transaction completed (the one in flight may or may not have made it),
// and carrying on from there must end where an uninterrupted run ends.
import assert from "node:assert/strict";
import { randomInt } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
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
