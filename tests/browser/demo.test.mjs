// The demo page in Chromium: scoring a replayed mailbox, the banner, persistence across
// reloads, export / import / erase, inert hostile text, and no traffic beyond its own files.
import assert from "node:assert/strict";
import { mkdir, readFile } from "node:fs/promises";
import { after, before, test } from "node:test";
import { eml, hostileMessage, supplier, supplierMbox } from "./fixtures.mjs";
import {
  act,
  bannerFor,
  loadExample,
  openDemo,
  recordCount,
  replayFiles,
  rows,
  session,
} from "./harness.mjs";

let s;
before(async () => {
  s = await session();
});
after(async () => {
  await s.close();
});

const SUPPLIER_MBOX = { name: "supplier.mbox", text: supplierMbox() };
const HOLD_BACKGROUND = "rgb(253, 236, 235)";

test("the compromised supplier's out-of-character mail is flagged, its ordinary mail is not", async () => {
  const page = await openDemo(s);
  await replayFiles(page, [SUPPLIER_MBOX]);

  const all = await rows(page);
  assert.equal(all.length, supplier.ordinary.length + 2);
  const phishing = all.findIndex((r) => r.subject.startsWith("URGENT: updated bank details"));
  const warning = all.findIndex((r) => r.subject === "Our email account was hacked");
  assert.ok(
    ["hold", "warn"].includes(all[phishing].action),
    `phishing was ${all[phishing].action}`,
  );
  assert.equal(all[warning].action, "none");
  assert.ok(all.slice(0, supplier.ordinary.length).every((r) => r.action === "none"));

  const flagged = await bannerFor(page, phishing);
  assert.equal(flagged.role, "alert");
  assert.match(flagged.className, new RegExp(`familiar-${all[phishing].action}`));
  assert.match(flagged.text, /This is normal for maria\.lopez@northwind-supply\.com/);
  assert.match(flagged.text, /Report/);

  const quiet = await bannerFor(page, warning);
  assert.equal(quiet.role, "status");
  assert.equal(quiet.action, "none");

  await bannerFor(page, phishing);
  await act(page, () => page.click("#banner .familiar-primary"));
  assert.match(await page.textContent("#status"), /normal for maria\.lopez@northwind-supply\.com/);
  await act(page, () => page.click("#banner .familiar-secondary"));
  assert.match(await page.textContent("#status"), /Reported/);
  await page.close();
});

const SUPPLIER_ADDRESS = "anna.berg@northwind-supplies.example";
const HIJACKED = ["Updated invoice - action required", "Statement of account"];
const WARNING = "Please ignore my last emails";
const IMPOSTOR = "Change of bank details";

test("the example: the hijacked supplier's mail and the impostor are flagged, nothing else", async () => {
  const page = await openDemo(s);
  await loadExample(page);

  const all = await rows(page);
  assert.ok(all.length > 20, `the example mailbox has ${all.length} messages`);
  const isFlagged = (r) => r.action === "hold" || r.action === "warn";
  for (const subject of [...HIJACKED, IMPOSTOR]) {
    const row = all.find((r) => r.subject === subject);
    assert.ok(row && isFlagged(row), `"${subject}" was ${row?.action}`);
  }
  assert.match(all.find((r) => r.subject === IMPOSTOR).tags, /Lookalike Sender/);
  const flagged = all.filter(isFlagged).map((r) => r.subject);
  assert.deepEqual(flagged.sort(), [...HIJACKED, IMPOSTOR].sort(), "ordinary mail was flagged");

  const supplierRows = all.filter((r) => r.sender.includes(`<${SUPPLIER_ADDRESS}>`));
  assert.ok(supplierRows.length > 20);
  assert.equal(supplierRows.find((r) => r.subject === WARNING).action, "none");

  const held = all.findIndex((r) => r.action === "hold");
  const banner = await bannerFor(page, held);
  assert.equal(banner.action, "hold");
  assert.equal(banner.role, "alert");
  const background = await page.$eval(
    "#banner .familiar-banner",
    (el) => getComputedStyle(el).backgroundColor,
  );
  assert.equal(background, HOLD_BACKGROUND);
  assert.equal(
    (
      await bannerFor(
        page,
        all.findIndex((r) => r.subject === WARNING),
      )
    ).role,
    "status",
  );

  await bannerFor(page, held);
  await mkdir("artifacts", { recursive: true });
  await page.screenshot({ path: "artifacts/demo.png" });
  await page.close();
});

test("the baseline survives a reload", async () => {
  const page = await openDemo(s);
  await replayFiles(page, [{ name: "a.mbox", text: supplierMbox() }]);
  const stored = await recordCount(page);
  assert.ok(stored >= 2, `only ${stored} records stored`);

  await page.reload();
  await page.waitForSelector('body[data-ready="true"]');
  assert.equal(await recordCount(page), stored);

  await replayFiles(page, [{ name: "next.eml", text: supplier.ordinary[0] }]);
  const [row] = await rows(page);
  assert.equal(row.action, "none");
  assert.match(row.tags, /Known Correspondent/);
  await page.close();
});

test("export, erase and import round-trip the baseline", async () => {
  const page = await openDemo(s);
  await replayFiles(page, [SUPPLIER_MBOX]);
  const stored = await recordCount(page);

  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#export")]);
  const exported = JSON.parse(await readFile(await download.path(), "utf8"));
  assert.ok(exported.senders["maria.lopez@northwind-supply.com"].m > 0);
  assert.ok(exported.domains["northwind-supply.com"]);

  await act(page, () => page.click("#erase"));
  assert.equal(await recordCount(page), 0);
  await replayFiles(page, [{ name: "one.eml", text: supplier.ordinary[3] }]);
  assert.match((await rows(page))[0].tags, /First Contact/);

  const file = await download.path();
  await act(page, () => page.setInputFiles("#import", file));
  assert.equal(await recordCount(page), stored);
  await page.close();
});

test("markup in a display name or subject stays text", async () => {
  const page = await openDemo(s);
  await replayFiles(page, [{ name: "hostile.eml", text: hostileMessage() }]);

  const [row] = await rows(page);
  assert.match(row.sender, /<img src=x onerror=/);
  assert.match(row.subject, /<script>document.title="pwned"<\/script><b>bold<\/b>/);
  await bannerFor(page, 0);

  const injected = await page.$$eval(
    "#console img, #console script, #console b, #banner img, #banner script",
    (n) => n.length,
  );
  assert.equal(injected, 0);
  assert.notEqual(await page.title(), "pwned");
  const isolated = await page.$eval(
    "#console .sender",
    (td) => td.dir === "auto" && getComputedStyle(td).unicodeBidi === "isolate",
  );
  assert.ok(isolated);
  await page.close();
});

test("a message the engine fails on becomes a 'not scored' row and the page goes on", async () => {
  const page = await openDemo(s, () => {
    // Makes the engine trap on one marked message, as a bug in the core would.
    const wrap = ({ instance, module }) => {
      const exports = { ...instance.exports };
      exports.engine_process = (engine, ptr, len) => {
        const raw = new Uint8Array(instance.exports.memory.buffer, ptr, len);
        if (new TextDecoder().decode(raw).includes("X-Test-Trap: yes")) {
          throw new WebAssembly.RuntimeError("unreachable");
        }
        return instance.exports.engine_process(engine, ptr, len);
      };
      return { instance: { exports }, module };
    };
    const streaming = WebAssembly.instantiateStreaming;
    WebAssembly.instantiateStreaming = async (...args) => wrap(await streaming(...args));
  });
  const trapping = eml({
    from: "maria.lopez@northwind-supply.com",
    subject: "trap",
    date: new Date(Date.UTC(2024, 0, 2)),
    id: "trap",
    body: "hello",
    extra: ["X-Test-Trap: yes"],
  });
  const files = [supplier.ordinary[0], trapping, supplier.ordinary[1]].map((text, i) => ({
    name: `${i}.eml`,
    text,
  }));
  await replayFiles(page, files);

  assert.deepEqual(
    (await rows(page)).map((r) => r.action),
    ["none", "error", "none"],
  );
  await page.click('#console tbody tr[data-index="1"]');
  assert.match(await page.textContent("#banner"), /could not be scored/);
  assert.equal((await bannerFor(page, 2)).action, "none");
  await page.close();
});

test("the page requests nothing but its own files", async () => {
  const page = await s.context.newPage();
  const requests = [];
  page.on("request", (request) => requests.push(request.url()));
  page.on("dialog", (dialog) => dialog.accept());
  await page.goto(`${s.url}/demo/`);
  await page.waitForSelector('body[data-ready="true"]');
  await loadExample(page);
  await replayFiles(page, [SUPPLIER_MBOX]);
  await bannerFor(page, 0);

  const foreign = requests.filter((u) => !u.startsWith(`${s.url}/`) && !/^(data|blob):/.test(u));
  assert.deepEqual(foreign, []);
  assert.ok(requests.some((u) => u.endsWith("/pkg/familiar_bg.wasm")));
  await page.close();
});
