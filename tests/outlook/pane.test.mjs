// The Outlook task pane in Chromium with the Outlook test double: consent before storage,
// the hijacked supplier held with a verdict in Outlook's notification bar, the supplier's
// own warning left alone, a first contact, the headers-and-body mode of older Outlooks,
// failing Office calls, per-mailbox baselines, and no request beyond 127.0.0.1.
import assert from "node:assert/strict";
import { after, afterEach, before, test } from "node:test";
import {
  HIJACKED,
  WARNING,
  act,
  agree,
  cliBaseline,
  banner,
  demoBaseline,
  importBaseline,
  learnedMessages,
  messageWithSubject,
  notifications,
  openPane,
  select,
  session,
  violations,
} from "./harness.mjs";

const SENDER = "anna.berg@northwind-supplies.example";
const FIRST_CONTACT = [
  "Message-ID: <first.1@newclient.example>",
  "Date: Wed, 5 Aug 2026 09:30:00 +0100",
  "From: Lena Fischer <lena.fischer@newclient.example>",
  "To: sam@ourfirm.example",
  "Subject: Workshop visit next month",
  "MIME-Version: 1.0",
  "Content-Type: text/plain; charset=UTF-8",
  "",
  "Hello Sam,",
  "",
  "We would like to visit your workshop next month. Which days suit you?",
  "",
  "Kind regards,",
  "Lena",
  "",
].join("\r\n");

let s;
let baseline;
before(async () => {
  s = await session();
  baseline = demoBaseline();
});
after(async () => {
  await s.close();
});
afterEach(() => {
  assert.deepEqual(s.outside, [], "a request left 127.0.0.1");
});

/** A pane with the example baseline imported, showing `messages[open]`. */
async function learnedPane(messages, options = {}) {
  const page = await openPane(s, { messages, ...options });
  await agree(page);
  await importBaseline(page, baseline);
  return page;
}

function storedDatabases(page) {
  return page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name));
}

test("nothing is stored and nothing is read before the user agrees", async () => {
  const partition = "pk-consent";
  const page = await openPane(s, {
    messages: [messageWithSubject(HIJACKED)],
    partitionKey: partition,
  });
  assert.equal(await page.isVisible("#consent"), true);
  assert.equal(await page.isVisible("#baseline"), false);
  const own = (names) => names.filter((n) => n.includes(`|${partition}|`));
  assert.deepEqual(own(await storedDatabases(page)), []);
  assert.deepEqual(
    await page.evaluate(
      (p) => Object.keys(localStorage).filter((k) => k.includes(p)),
      `|${partition}|`,
    ),
    [],
  );
  assert.deepEqual(await page.evaluate(() => window.__outlook.calls()), []);

  await agree(page);
  assert.equal(await page.isVisible("#consent"), false);
  assert.equal(own(await storedDatabases(page)).length, 1);
  assert.ok(await page.locator("#banner .familiar-banner").count());
  await page.close();
});

test("the hijacked supplier's invoice is held, in the pane and in Outlook's bar", async () => {
  const page = await learnedPane([messageWithSubject(HIJACKED)]);

  const shown = await banner(page);
  assert.equal(shown.action, "hold");
  assert.match(shown.text, /Do not act on this message yet/);
  assert.match(shown.text, /Out of Character/);
  assert.match(shown.text, new RegExp(`This is normal for ${SENDER.replace(/\./g, "\\.")}`));
  assert.match(shown.text, /Report/);

  const [verdict, ...others] = await notifications(page, 0);
  assert.deepEqual(others, [], "one notification per message");
  assert.equal(verdict.key, "familiar-verdict");
  assert.equal(verdict.type, "errorMessage");
  assert.ok(verdict.message.length > 0 && verdict.message.length <= 150);
  assert.match(verdict.message, /Anna Berg/);
  assert.deepEqual(await violations(page), []);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test("marking it normal re-scores it and replaces the notification, not adds one", async () => {
  const page = await learnedPane([messageWithSubject(HIJACKED)]);
  await act(page, () => page.click("#banner .familiar-primary"));
  assert.match(await page.textContent("#status"), /normal for anna\.berg@/);

  const all = await notifications(page, 0);
  assert.equal(all.length, 1);
  assert.equal(all[0].key, "familiar-verdict");
  await act(page, () => page.click("#banner .familiar-secondary"));
  assert.match(await page.textContent("#status"), /Reported/);
  assert.deepEqual(await violations(page), []);
  await page.close();
});

test("the supplier's own warning about the hack is neither warned about nor held", async () => {
  const page = await learnedPane([messageWithSubject(WARNING)]);
  const shown = await banner(page);
  assert.equal(shown.action, "none");
  const [verdict] = await notifications(page, 0);
  assert.equal(verdict.type, "informationalMessage");
  assert.equal(verdict.icon, "Icon.16x16");
  await page.close();
});

test("a first contact is marked as such and not held", async () => {
  const page = await learnedPane([FIRST_CONTACT]);
  const shown = await banner(page);
  assert.notEqual(shown.action, "hold");
  const [verdict] = await notifications(page, 0);
  assert.match(verdict.message, /no mail from this sender/i);
  await page.close();
});

test("pinned, the pane follows the selection and learns each message once", async () => {
  const page = await learnedPane([messageWithSubject(WARNING), messageWithSubject(HIJACKED)]);
  assert.equal(await page.evaluate(() => window.__outlook.handlerCount()), 1);
  await select(page, 1);
  assert.equal((await banner(page)).action, "hold");
  await select(page, 0);
  assert.equal((await banner(page)).action, "none");
  assert.equal((await notifications(page, 1)).length, 1);
  assert.equal((await notifications(page, 0)).length, 1);

  // Two changes in a row: the pane ends on the message that is open, not on the one before.
  await act(page, () => page.evaluate(() => (window.__outlook.open(1), window.__outlook.open(0))));
  assert.equal((await banner(page)).action, "none");

  await select(page, null);
  assert.match(await page.textContent("#status"), /Select a message/);
  assert.equal(await page.locator("#banner .familiar-banner").count(), 0);
  await page.close();
});

test("without Mailbox 1.14 the pane judges headers and body and says what it cannot judge", async () => {
  const page = await learnedPane([messageWithSubject(HIJACKED)], { mailboxVersion: "1.8" });
  const calls = await page.evaluate(() => window.__outlook.calls());
  assert.ok(!calls.includes("getAsFileAsync"));
  assert.ok(calls.includes("getAllInternetHeadersAsync") && calls.includes("body.getAsync"));

  assert.equal(await page.isVisible("#limits"), true);
  assert.match(await page.textContent("#limits"), /attachments.*could not be judged/);
  assert.ok(["hold", "warn"].includes((await banner(page)).action));
  assert.equal((await notifications(page, 0)).length, 1);
  await page.close();
});

test("mail learned in full is not flagged when Outlook gives only headers and body", async () => {
  const ordinary = learnedMessages().filter((eml) => !/^From: .*sam@ourfirm/im.test(eml));
  const page = await learnedPane(ordinary, { mailboxVersion: "1.8" });
  const flagged = [];
  for (let i = 0; i < ordinary.length; i += 1) {
    await select(page, i);
    const { action } = await banner(page);
    if (action !== "none") {
      flagged.push(`${action}: ${/^Subject: (.*)$/m.exec(ordinary[i])[1]}`);
    }
  }
  assert.deepEqual(flagged, []);
  await page.close();
});

test("a failing Outlook call leaves the message not scored and the pane working", async () => {
  const failing = { eml: messageWithSubject(HIJACKED), fail: ["getAsFileAsync"] };
  const page = await learnedPane([failing, messageWithSubject(WARNING)]);
  assert.match(await page.textContent("#banner"), /This message was not scored/);
  assert.deepEqual(await notifications(page, 0), []);
  assert.deepEqual(page.errors, []);

  await select(page, 1);
  assert.equal((await banner(page)).action, "none");
  await page.close();
});

test("a failing notification call still shows the verdict in the pane", async () => {
  const failing = {
    eml: messageWithSubject(HIJACKED),
    fail: ["notificationMessages.replaceAsync"],
  };
  const page = await learnedPane([failing]);
  await select(page, 0);
  assert.equal((await banner(page)).action, "hold");
  assert.match(await page.textContent("#status"), /shown here only/);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test("each mailbox has its own baseline", async () => {
  const page = await learnedPane([messageWithSubject(HIJACKED)], { partitionKey: "pk-shared" });
  const other = await openPane(s, {
    messages: [messageWithSubject(HIJACKED)],
    partitionKey: "pk-shared",
    user: "someone.else@ourfirm.example",
  });
  assert.equal(await other.isVisible("#consent"), true, "consent is per mailbox");
  await agree(other);
  assert.notEqual((await banner(other)).action, "hold", "the other mailbox learned nothing");
  assert.match(await other.textContent("#baseline-count"), /Baseline: [0-9] records/);

  const names = (await storedDatabases(page)).filter((n) => n.includes("|pk-shared|"));
  assert.deepEqual(names.sort(), [
    "familiar|pk-shared|sam@ourfirm.example",
    "familiar|pk-shared|someone.else@ourfirm.example",
  ]);
  await Promise.all([page.close(), other.close()]);
});

test("export, erase and import round-trip the baseline", async () => {
  const page = await learnedPane([messageWithSubject(HIJACKED)]);
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#export")]);
  const exported = JSON.parse(await streamText(await download.createReadStream()));
  assert.ok(exported.owner.includes("sam@ourfirm.example"));

  await page.click("#erase");
  await act(page, () => page.click("#erase-yes"));
  assert.equal(await page.getAttribute("#baseline-count", "data-count"), "0");

  await importBaseline(page, "{ not a baseline");
  assert.match(await page.textContent("#status"), /not a familiar baseline/);
  await importBaseline(page, JSON.stringify(exported));
  assert.equal((await banner(page)).action, "hold");
  await page.close();
});

test("a baseline written by the command line imports and judges alike", async () => {
  const page = await openPane(s, { messages: [messageWithSubject(HIJACKED)] });
  await agree(page);
  await importBaseline(page, await cliBaseline());
  assert.match(await page.textContent("#status"), /Baseline imported/);
  assert.equal((await banner(page)).action, "hold");
  assert.match((await banner(page)).text, /Out of Character/);
  await page.close();
});

test("the double refuses what Outlook refuses, so the tests above mean something", async () => {
  const page = await openPane(s, { messages: [FIRST_CONTACT] });
  const results = await page.evaluate(async () => {
    const { notificationMessages } = Office.context.mailbox.item;
    const replace = (key, message) =>
      new Promise((resolve) =>
        notificationMessages.replaceAsync(
          key,
          { type: "informationalMessage", message, icon: "Icon.16x16", persistent: false },
          (result) => resolve(result.status),
        ),
      );
    const tooLong = await replace("long", "x".repeat(151));
    const five = [];
    for (const key of ["k1", "k2", "k3", "k4", "k5", "k6"]) {
      five.push(await replace(key, "short"));
    }
    return { tooLong, five };
  });
  assert.equal(results.tooLong, "failed");
  assert.deepEqual(results.five, [...Array(5).fill("succeeded"), "failed"]);
  assert.equal((await violations(page)).length, 2);
  await page.close();
});

async function streamText(stream) {
  const chunks = [];
  for await (const chunk of stream) {
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}
