// Shared set-up for the browser tests: the local static server, a fresh Chromium, and the
// few steps every test repeats (open the demo, replay files, read rows and the banner).
import { launchChromium } from "../../scripts/chromium.mjs";
import { startServer } from "../../scripts/serve.mjs";

/** A server on 127.0.0.1 and a browser with a fresh profile; `close` stops both. */
export async function session() {
  const { server, url } = await startServer();
  const browser = await launchChromium();
  return {
    url,
    context: browser.context,
    async close() {
      await browser.close();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Opens the demo page (after `initScript`, if any) and waits until it is ready. */
export async function openDemo({ context, url }, initScript) {
  const page = await context.newPage();
  page.on("dialog", (dialog) => dialog.accept());
  if (initScript) {
    await page.addInitScript(initScript);
  }
  await page.goto(`${url}/demo/`);
  await page.waitForSelector('body[data-ready="true"]');
  return page;
}

/** Runs `trigger` (a click, a file pick) and waits until the page has finished the task. */
export async function act(page, trigger) {
  const before = Number((await page.getAttribute("body", "data-done")) ?? 0);
  await trigger();
  await page.waitForFunction((n) => Number(document.body.dataset.done ?? 0) > n, before);
}

export async function loadExample(page) {
  await act(page, () => page.click("#load-demo"));
}

/** Replays files through the file picker: [{ name, text }]. */
export async function replayFiles(page, files) {
  const payload = files.map(({ name, text }) => ({
    name,
    mimeType: "text/plain",
    buffer: Buffer.from(text),
  }));
  await act(page, () => page.setInputFiles("#pick-files", payload));
}

/** The console rows as { action, subject, sender, tags }. */
export function rows(page) {
  return page.$$eval("#console tbody tr", (trs) =>
    trs.map((tr) => ({
      action: tr.dataset.action,
      subject: tr.querySelector(".subject")?.textContent ?? "",
      sender: tr.querySelector(".sender")?.textContent ?? "",
      tags: tr.querySelector(".tags")?.textContent ?? "",
    })),
  );
}

export async function recordCount(page) {
  return Number(await page.getAttribute("#baseline-count", "data-count"));
}

/** Selects the row at `index` and returns the banner's action and text. */
export async function bannerFor(page, index) {
  await page.click(`#console tbody tr[data-index="${index}"]`);
  const banner = page.locator("#banner .familiar-banner");
  return {
    action: await banner.getAttribute("data-action"),
    role: await banner.getAttribute("role"),
    className: await banner.getAttribute("class"),
    text: await banner.innerText(),
  };
}
