// No data leaves the device: every request the browser makes while the demo page and the
// Outlook task pane start, learn a mailbox, score it and learn a verdict is recorded, and
// none may go beyond the pages' own server. The recorder sees requests twice, as events and
// as routes (a route also aborts anything outside, so a failure never reaches the network),
// and it is shown to work: it sees the page's own files, and an outside request the test
// makes on purpose at the end.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { launchChromium } from "../../scripts/chromium.mjs";
import { buildOutlook } from "../../scripts/outlook-build.mjs";
import { startServer } from "../../scripts/serve.mjs";
import {
  HIJACKED,
  agree,
  demoBaseline,
  demoMessages,
  importBaseline,
  openPane,
  select,
} from "../outlook/harness.mjs";
import { act, bannerFor, loadExample, rows } from "./harness.mjs";

// TEST-NET-2 (RFC 5737): an address that is never anyone's server.
const CONTROL = "http://198.51.100.1/familiar-control";

let s;
before(async () => {
  await buildOutlook();
  const { server, url } = await startServer();
  const browser = await launchChromium();
  const seen = { events: [], routed: [], sockets: [] };
  browser.context.on("request", (request) => seen.events.push(request.url()));
  browser.context.on("page", (page) =>
    page.on("websocket", (socket) => seen.sockets.push(socket.url())),
  );
  await browser.context.route("**/*", (route) => {
    const target = route.request().url();
    seen.routed.push(target);
    return target.startsWith(`${url}/`) ? route.continue() : route.abort();
  });
  s = { url, context: browser.context, browser, server, seen };
});
after(async () => {
  await s.browser.close();
  await new Promise((resolve) => s.server.close(resolve));
});

/** Everything recorded since `mark` that is not one of the server's own files. */
function outsideSince(mark) {
  const own = (u) => u.startsWith(`${s.url}/`) || /^(data|blob):/.test(u);
  return {
    events: s.seen.events.slice(mark.events).filter((u) => !own(u)),
    routed: s.seen.routed.slice(mark.routed).filter((u) => !own(u)),
    sockets: s.seen.sockets.slice(mark.sockets),
  };
}

function mark() {
  return {
    events: s.seen.events.length,
    routed: s.seen.routed.length,
    sockets: s.seen.sockets.length,
  };
}

const NOTHING = { events: [], routed: [], sockets: [] };

test("the demo page and the Outlook pane request nothing beyond their own files", async () => {
  const start = mark();

  // The demo: start, learn and score the example mailbox, learn a verdict, start again.
  const demo = await s.context.newPage();
  demo.on("dialog", (dialog) => dialog.accept());
  await demo.goto(`${s.url}/demo/`);
  await demo.waitForSelector('body[data-ready="true"]');
  await loadExample(demo);
  const held = (await rows(demo)).findIndex((r) => r.action === "hold");
  assert.ok(held >= 0, "the example has held mail");
  await bannerFor(demo, held);
  await act(demo, () => demo.click("#banner .familiar-primary"));
  await demo.reload();
  await demo.waitForSelector('body[data-ready="true"]');

  // The Outlook pane: consent, import a baseline, score the open messages one by one.
  const messages = demoMessages();
  const hijacked = messages.findIndex((eml) => eml.includes(`Subject: ${HIJACKED}`));
  const pane = await openPane(s, { messages, open: hijacked });
  await agree(pane);
  await importBaseline(pane, demoBaseline());
  for (const index of [0, messages.length - 1, hijacked]) {
    await select(pane, index);
  }
  assert.equal(await pane.getAttribute("#banner .familiar-banner", "data-action"), "hold");

  const outside = outsideSince(start);
  assert.deepEqual(outside, NOTHING);
  // The recorder was listening: it saw both pages load their own engine.
  const own = s.seen.events.slice(start.events);
  assert.ok(
    own.some((u) => u.endsWith("/pkg/familiar_bg.wasm")),
    "the engine was fetched",
  );
  assert.ok(own.some((u) => u.endsWith("/outlook/vendor/office-js/office.js")));
  assert.ok(s.seen.routed.length - start.routed > 10, "requests went through the route");
  await demo.close();
  await pane.close();
});

test("the recorder sees a request to the outside (positive control)", async () => {
  const start = mark();

  // A page with no policy of its own: an ordinary fetch, refused by the route.
  const blank = await s.context.newPage();
  const fetched = await blank.evaluate(
    (url) =>
      fetch(url).then(
        () => "fetched",
        (error) => error.name,
      ),
    CONTROL,
  );
  assert.equal(fetched, "TypeError", "the route refused it");

  // The demo page's CSP stops fetch, but not leaving the page: a navigation is seen too.
  const demo = await s.context.newPage();
  await demo.goto(`${s.url}/demo/`);
  await demo.waitForSelector('body[data-ready="true"]');
  const refused = demo.waitForEvent("requestfailed");
  await demo.evaluate((url) => (location.href = `${url}?navigated`), CONTROL);
  await refused;

  const outside = outsideSince(start);
  assert.deepEqual(outside.events, [CONTROL, `${CONTROL}?navigated`]);
  assert.deepEqual(outside.routed, [CONTROL, `${CONTROL}?navigated`]);
  await blank.close();
  await demo.close();
});
