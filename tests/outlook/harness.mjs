// Shared set-up for the Outlook task pane tests: the local server, a fresh Chromium that
// refuses (and records) every request beyond 127.0.0.1, the demo mailbox and a baseline
// learned from it, and the steps each test repeats with the Outlook test double.
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { launchChromium } from "../../scripts/chromium.mjs";
import { buildOutlook } from "../../scripts/outlook-build.mjs";
import { startServer } from "../../scripts/serve.mjs";
import { installOfficeDouble } from "./office-double.mjs";

const require = createRequire(import.meta.url);
const familiar = require("../../www/pkg-node/familiar.js");

export const OWNER = "sam@ourfirm.example";
export const HIJACKED = "Updated invoice - action required";
export const WARNING = "Please ignore my last emails";
// Held out of the baseline: the hijacked account's mail, the sender's warning, the impostor.
const HELD_OUT = [HIJACKED, "Statement of account", WARNING, "Change of bank details"];

const decoder = new TextDecoder();

function subjectOf(eml) {
  return /^Subject: (.*)$/im.exec(eml)?.[1].trim() ?? "";
}

/** The example mailbox as text, in file order. */
export function demoMessages() {
  return familiar.demoMailbox().map((raw) => decoder.decode(raw));
}

export function messageWithSubject(subject) {
  const found = demoMessages().find((eml) => subjectOf(eml) === subject);
  if (!found) {
    throw new Error(`the example mailbox has no message "${subject}"`);
  }
  return found;
}

/**
 * The baseline the CLI's `familiar replay --baseline FILE` would write for the example
 * mailbox without the held-out messages: the same core, the same export.
 */
export function demoBaseline() {
  const engine = new familiar.Engine();
  try {
    engine.setOwner([familiar.demoOwner()]);
    const learned = familiar
      .demoMailbox()
      .filter((raw) => !HELD_OUT.includes(subjectOf(decoder.decode(raw))))
      .map((raw, index) => ({ raw, index, at: familiar.dateOf(raw) ?? Infinity }))
      .sort((a, b) => a.at - b.at || a.index - b.index);
    learned.forEach(({ raw }) => engine.process(raw));
    return engine.exportBaseline();
  } finally {
    engine.free();
  }
}

/** The example mailbox's messages that the baseline learned, as text. */
export function learnedMessages() {
  return demoMessages().filter((eml) => !HELD_OUT.includes(subjectOf(eml)));
}

/** The learned part of the example mailbox as an mbox file (">From " quoted, mboxrd). */
function learnedMbox() {
  return learnedMessages()
    .map((eml) => {
      const body = eml.replace(/\r\n/g, "\n").replace(/^(>*From )/gm, ">$1");
      return `From familiar@example Thu Jan  1 00:00:00 1970\n${body.replace(/\n*$/, "\n")}\n`;
    })
    .join("");
}

/**
 * The same baseline written by the command line: `familiar replay FILE --baseline OUT`,
 * built with cargo from this checkout.
 */
export async function cliBaseline() {
  const run = promisify(execFile);
  const root = fileURLToPath(new URL("../../", import.meta.url));
  await run("cargo", ["build", "--quiet", "--bin", "familiar"], { cwd: root });
  const folder = await mkdtemp(join(tmpdir(), "familiar-cli-"));
  try {
    const mbox = join(folder, "learned.mbox");
    const out = join(folder, "baseline.json");
    await writeFile(mbox, learnedMbox());
    const cli = join(root, "target/debug/familiar");
    await run(cli, ["replay", mbox, "--baseline", out, "--me", OWNER], {
      maxBuffer: 64 * 1024 * 1024,
    });
    return await readFile(out, "utf8");
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

/** A server on 127.0.0.1 and a browser whose outside requests are refused and recorded. */
export async function session() {
  await buildOutlook();
  const { server, url } = await startServer();
  const browser = await launchChromium();
  const outside = [];
  await browser.context.route("**/*", (route) => {
    const target = new URL(route.request().url());
    if (target.hostname === "127.0.0.1") {
      return route.continue();
    }
    outside.push(target.href);
    return route.abort();
  });
  browser.context.on("request", (request) => {
    const target = new URL(request.url());
    if (!["127.0.0.1"].includes(target.hostname) && !["data:", "blob:"].includes(target.protocol)) {
      outside.push(target.href);
    }
  });
  return {
    url,
    context: browser.context,
    outside,
    async close() {
      await browser.close();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

// Pages share one browser profile; a partition key of their own keeps tests apart, as it
// keeps mailboxes apart in Outlook on the web.
let partitions = 0;
function nextPartition() {
  partitions += 1;
  return `pk-${partitions}`;
}

/**
 * Opens the task pane in Outlook's place: `messages` are the mailbox's items (eml text and
 * which Office calls fail), `open` the one selected, `mailboxVersion` the newest Mailbox
 * requirement set the host supports. Resolves when the pane has started.
 */
export async function openPane(
  s,
  { messages, open = 0, mailboxVersion = "1.14", user = OWNER, partitionKey = nextPartition() },
) {
  const page = await s.context.newPage();
  page.setDefaultTimeout(10000);
  const errors = [];
  page.on("pageerror", (error) => errors.push(String(error)));
  const items = messages.map((m) => (typeof m === "string" ? { eml: m } : m));
  await page.addInitScript(installOfficeDouble, {
    messages: items,
    open,
    mailboxVersion,
    user,
    partitionKey,
  });
  await page.goto(`${s.url}/outlook/taskpane.html${process.env.FAMILIAR_DEBUG ? "?debug" : ""}`);
  await page.waitForSelector('body[data-ready="true"]');
  page.errors = errors;
  return page;
}

/** Runs `trigger` and waits until the pane has finished the task it started. */
export async function act(page, trigger) {
  const before = Number((await page.getAttribute("body", "data-done")) ?? 0);
  await trigger();
  await page.waitForFunction((n) => Number(document.body.dataset.done ?? 0) > n, before);
}

export async function agree(page) {
  await act(page, () => page.click("#agree"));
}

export async function importBaseline(page, json) {
  await act(page, () =>
    page.setInputFiles("#import", {
      name: "baseline.json",
      mimeType: "application/json",
      buffer: Buffer.from(json),
    }),
  );
}

/** Selects item `index` in the mailbox, as Outlook does when the pane is pinned. */
export async function select(page, index) {
  await act(page, () => page.evaluate((i) => window.__outlook.open(i), index));
}

export async function banner(page) {
  const node = page.locator("#banner .familiar-banner");
  return {
    action: await node.getAttribute("data-action"),
    text: await node.innerText(),
  };
}

export function notifications(page, index) {
  return page.evaluate((i) => window.__outlook.notifications(i), index);
}

export function violations(page) {
  return page.evaluate(() => window.__outlook.violations());
}
