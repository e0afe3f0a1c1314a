// The banner as an attack surface. A sender controls their display name, the subject, link
// words and addresses and attachment names; these go through the real engine into the real
// banner on the demo page, and must stay text: no element beyond the banner's own, no
// handler run, no request, shown literally, and unable to reorder the banner's own words.
// The pages' CSP is tested in csp.test.mjs; here no payload may even trip it.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { supplier, supplierMbox } from "./fixtures.mjs";
import { act, bannerFor, replayFiles, rows, session } from "./harness.mjs";

// Elements the banner builds; anything else inside it came from a message.
const BANNER_TAGS = ["BUTTON", "DIV", "LI", "P", "SECTION", "SPAN", "UL"];
const ACTIVE = "script, img, svg, style, iframe, object, embed, a, b, form, link, base, meta";

let s;
before(async () => {
  s = await session();
});
after(async () => {
  await s.close();
});

/** Before any page script: a sentinel no payload may set, and every CSP violation. */
function watch() {
  window.__violations = [];
  document.addEventListener(
    "securitypolicyviolation",
    (event) => window.__violations.push(`${event.effectiveDirective} ${event.blockedURI}`),
    true,
  );
}

async function openWatched(path) {
  const page = await s.context.newPage();
  page.on("dialog", (dialog) => dialog.dismiss());
  const requests = [];
  page.on("request", (request) => requests.push(request.url()));
  page.requests = requests;
  await page.addInitScript(watch);
  await page.goto(`${s.url}${path}`);
  return page;
}

// Raw messages from the supplier's own address whose sender-controlled fields carry
// `fields`. Headers use RFC 2047 and RFC 2231 so any character at all reaches the parser.
const base64 = (text) => Buffer.from(text, "utf8").toString("base64");
const encodedWord = (text) => `=?utf-8?B?${base64(text)}?=`;
const html = (text) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

const percentEncoded = (text) =>
  [...Buffer.from(text, "utf8")]
    .map((byte) =>
      /[A-Za-z0-9._-]/.test(String.fromCharCode(byte))
        ? String.fromCharCode(byte)
        : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`,
    )
    .join("");

let serial = 0;
function message({
  name = "Maria Lopez",
  address = "maria.lopez@northwind-supply.com",
  subject = "Payment",
  body = "Hello, please see below.",
  linkText,
  href = "https://portal.northwind-supply.com/orders/4001",
  attachment,
}) {
  serial += 1;
  const link = linkText ? `<p><a href="${html(href)}">${html(linkText)}</a></p>` : "";
  const parts = [
    "--b1",
    "Content-Type: text/html; charset=utf-8",
    "Content-Transfer-Encoding: base64",
    "",
    base64(`<p>${html(body)}</p>${link}`),
  ];
  if (attachment) {
    parts.push(
      "--b1",
      "Content-Type: application/octet-stream",
      `Content-Disposition: attachment; filename*=utf-8''${percentEncoded(attachment)}`,
      "Content-Transfer-Encoding: base64",
      "",
      "TVqQAAMAAAAEAAAA",
    );
  }
  return [
    `From: ${encodedWord(name)} <${address}>`,
    "To: owner@example.com",
    `Subject: ${encodedWord(subject)}`,
    `Date: Sat, 10 Feb 2024 03:${String(serial % 60).padStart(2, "0")}:00 +0000`,
    `Message-ID: <hostile-${serial}@test.invalid>`,
    "MIME-Version: 1.0",
    'Content-Type: multipart/mixed; boundary="b1"',
    "",
    ...parts,
    "--b1--",
    "",
  ].join("\r\n");
}

// Mail that asks for a payment change from a site the supplier never linked to: the banner
// opens with "Unlike <display name>'s usual mail."
const LURE = "Our bank has changed. Update the beneficiary account before paying today.";
const asName = (name, subject = name) =>
  message({ name, subject, body: LURE, linkText: "Portal", href: "https://docs-login.top/x" });
const asAttachment = (name) =>
  message({ attachment: `${name}.exe`, body: "Hello, the invoice is attached." });
// Link words are quoted when they ask for an action in mail from a stranger that is flagged.
const STRANGER_LURE =
  "Our bank has changed. Update the beneficiary account and sign in to confirm your password.";
const asLinkText = (text) =>
  message({
    address: "billing@newvendor.example",
    linkText: `Pay ${text}`,
    href: "http://192.0.2.7/pay",
    body: STRANGER_LURE,
  });

const PAYLOADS = {
  script: `<script>window.__pwned="script"</script>`,
  img: `<img src=x onerror="window.__pwned='img'">`,
  svg: `<svg onload="window.__pwned='svg'"></svg>`,
  href: `<a href="javascript:window.__pwned='href'">pay</a>`,
  entities: "&lt;b&gt;bold&lt;/b&gt; &amp; &#60;i&#62; &quot;",
  css: `</style><style>*{display:none!important}</style>"; } .familiar-banner { display: none`,
  long: `${"W".repeat(2000)} <img src=x onerror="window.__pwned='long'">`,
};
// Link words are at most 32 characters, "Pay " included.
const SHORT_PAYLOADS = {
  img: "<img src onerror=__pwned=1>",
  svg: "<svg onload=__pwned=1>",
  entities: "&lt;b&gt; &#60;i&#62;",
  css: "</style>*{display:none}",
};

/** Replays the supplier's ordinary mail and then `hostile`; returns the banners, by subject. */
async function replayHostile(hostile) {
  const page = await openWatched("/demo/");
  await page.waitForSelector('body[data-ready="true"]');
  const before = await page.$$eval(ACTIVE, (n) => n.length);
  const ordinary = supplier.ordinary.map((text, i) => ({ name: `${i}.eml`, text }));
  const files = hostile.map((text, i) => ({ name: `hostile-${i}.eml`, text }));
  await replayFiles(page, [...ordinary, ...files]);

  const all = await rows(page);
  const banners = [];
  for (let i = supplier.ordinary.length; i < all.length; i++) {
    await bannerFor(page, i);
    banners.push(await inspectBanner(page));
  }
  return { page, before, banners, rows: all.slice(supplier.ordinary.length) };
}

/** What the banner on the page is made of, as the reader and the DOM see it. */
function inspectBanner(page) {
  return page.$eval("#banner .familiar-banner", (banner) => {
    const all = [...banner.querySelectorAll("*")];
    const foreign = [...banner.querySelectorAll(".familiar-isolate")];
    const style = getComputedStyle(banner);
    return {
      action: banner.dataset.action,
      text: banner.innerText,
      textContent: banner.textContent,
      tags: [...new Set(all.map((n) => n.tagName))],
      handlers: all.flatMap((n) =>
        n.getAttributeNames().filter((a) => /^on|^href$|^src$/i.test(a)),
      ),
      foreign: foreign.map((n) => ({
        text: n.textContent,
        dir: n.dir,
        bidi: getComputedStyle(n).unicodeBidi,
      })),
      visible: style.display !== "none" && style.visibility !== "hidden" && banner.offsetHeight > 0,
      overflows: banner.scrollWidth > banner.clientWidth + 1,
      height: banner.offsetHeight,
    };
  });
}

async function assertInert(page, before) {
  assert.equal(await page.evaluate(() => window.__pwned), undefined, "a payload ran");
  assert.equal(await page.$$eval(ACTIVE, (n) => n.length), before, "a payload made an element");
  assert.notEqual(await page.title(), "pwned");
  const outside = page.requests.filter((u) => !u.startsWith(`${s.url}/`) && !u.startsWith("data:"));
  assert.deepEqual(outside, [], "a payload made a request");
}

test("markup, script, entities and CSS in a display name stay text in the banner", async () => {
  const { page, before, banners } = await replayHostile(
    Object.values(PAYLOADS).map((p) => asName(p)),
  );
  for (const [i, [kind, payload]] of Object.entries(PAYLOADS).entries()) {
    const b = banners[i];
    assert.equal(b.action, "hold", `${kind}: ${b.action}`);
    assert.ok(b.visible, `${kind}: the banner was hidden`);
    assert.ok(!b.overflows, `${kind}: the banner is wider than its box`);
    assert.ok(b.height < 600, `${kind}: the banner is ${b.height}px tall`);
    assert.ok(
      b.tags.every((t) => BANNER_TAGS.includes(t)),
      `${kind}: ${b.tags}`,
    );
    assert.deepEqual(b.handlers, [], kind);
    // The headline quotes the name (the core cuts the headline at 150 characters).
    const quoted = b.foreign.find((f) => payload.startsWith(f.text.replace(/…$/, "")));
    assert.ok(quoted && quoted.text.length > 10, `${kind}: name not shown: ${b.textContent}`);
    assert.equal(quoted.dir, "auto");
    assert.equal(quoted.bidi, "isolate");
  }
  assert.match(banners[0].text, /Unlike <script>window\.__pwned="script"<\/script>'s usual mail\./);
  assert.match(banners[3].text, /Unlike <a href="javascript:/);
  assert.match(banners[4].text, /Unlike &lt;b&gt;bold&lt;\/b&gt; &amp; &#60;i&#62; &quot;'s/);
  await assertInert(page, before);
  assert.deepEqual(await page.evaluate(() => window.__violations), []);
  await page.close();
});

test("markup in attachment names and link words stays text; a javascript: link is not a link", async () => {
  const hostile = [
    ...Object.values(PAYLOADS).map(asAttachment),
    ...Object.values(SHORT_PAYLOADS).map(asLinkText),
    message({ linkText: "Open", href: "javascript:window.__pwned='link'", body: "Hi, check." }),
  ];
  const { page, before, banners, rows: shown } = await replayHostile(hostile);
  const expected = [
    ...Object.values(PAYLOADS).map((p) => `${p}.exe`.slice(0, 40)),
    ...Object.values(SHORT_PAYLOADS).map((p) => `“Pay ${p}”`),
    "(script link)",
  ];
  assert.equal(banners.length, expected.length);
  banners.forEach((b, i) => {
    assert.ok(["hold", "warn"].includes(b.action), `${shown[i].subject}: ${b.action}`);
    assert.ok(b.textContent.includes(expected[i]), `${expected[i]} not in ${b.textContent}`);
    assert.ok(
      b.tags.every((t) => BANNER_TAGS.includes(t)),
      String(b.tags),
    );
    assert.deepEqual(b.handlers, []);
    assert.ok(b.visible && !b.overflows);
    assert.ok(b.foreign.every((f) => f.dir === "auto" && f.bidi === "isolate"));
  });
  await assertInert(page, before);
  await page.close();
});

// Right-to-left and invisible characters. U+202E (right-to-left override) left open in a
// name would turn everything after it around: "Unlike evil's usual mail." could read
// ".liam lausu s'live ekilnU" or put the banner's own words in another order.
const RLO = "\u202e";
const CONTROLS = /[\u061c\u200b\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069]/u;
const BIDI_NAMES = {
  override: `${RLO}evil corp`,
  isolates: "\u2067evil\u2066 corp\u2068",
  marks: "\u200fevil\u200f corp\u061c",
  closers: `evil\u2069\u202c\u202c corp${RLO}`,
  hebrew: "דוד כהן 2024",
};

/**
 * For each sentence of the banner (headline and reasons), where its own words and brackets
 * and each quoted piece are drawn: [[{ word, top, left }]].
 */
function layoutOfSentences(page, root = "#banner") {
  const selector = `${root} .familiar-headline, ${root} .familiar-reason`;
  return page.$$eval(selector, (sentences) =>
    sentences.map((p) => {
      const boxes = [];
      const measure = (node, start, end, word) => {
        const range = document.createRange();
        range.setStart(node, start);
        range.setEnd(node, end);
        const rects = [...range.getClientRects()];
        boxes.push({ word, top: Math.round(rects[0].top), left: rects[0].left });
      };
      for (const node of p.childNodes) {
        if (node.nodeType === Node.TEXT_NODE) {
          for (const match of node.data.matchAll(/[A-Za-z]+|[()]/g)) {
            measure(node, match.index, match.index + match[0].length, match[0]);
          }
        } else {
          measure(node, 0, node.childNodes.length, "<quoted>");
        }
      }
      return boxes;
    }),
  );
}

/** Each box starts right of the one before it, or on a later line. */
function assertReadingOrder(boxes, label) {
  for (let j = 1; j < boxes.length; j++) {
    const [a, b] = [boxes[j - 1], boxes[j]];
    const inOrder = b.top > a.top + 2 || (Math.abs(b.top - a.top) <= 2 && b.left > a.left);
    assert.ok(inOrder, `${label}: "${b.word}" is drawn before "${a.word}"`);
  }
}

test("bidi controls in a sender's name cannot reorder the banner's own words", async () => {
  const names = Object.values(BIDI_NAMES);
  const { page } = await replayHostile(names.map((name) => asName(name, "Payment")));

  for (const [i, [kind, name]] of Object.entries(BIDI_NAMES).entries()) {
    await bannerFor(page, supplier.ordinary.length + i);
    const [headline, ...reasons] = await layoutOfSentences(page);
    const words = headline.map((b) => b.word);
    assert.deepEqual(words.slice(0, 5), ["Unlike", "<quoted>", "s", "usual", "mail"], kind);
    // Drawn in reading order, and so is every sentence after the one quoting the name.
    assertReadingOrder(headline, kind);
    reasons.forEach((boxes, j) => assertReadingOrder(boxes, `${kind}, reason ${j + 1}`));

    const quoted = await page.$eval("#banner .familiar-headline .familiar-name", (n) => ({
      text: n.textContent,
      dir: n.dir,
      bidi: getComputedStyle(n).unicodeBidi,
    }));
    assert.equal(quoted.dir, "auto");
    assert.equal(quoted.bidi, "isolate");
    // Controls are dropped by the engine or shown as U+FFFD by the banner, never obeyed.
    const text = await page.textContent("#banner");
    assert.doesNotMatch(text, CONTROLS, kind);
    if (kind === "hebrew") {
      assert.equal(quoted.text, name, "ordinary right-to-left text is left alone");
    }
  }
  await page.close();
});

test("an override in an attachment's name stays inside its brackets and its reason", async () => {
  // "invoice<RLO>fdp.exe" reads as "invoiceexe.pdf" where the override is obeyed.
  const hostile = [
    message({
      name: `${RLO}Maria Lopez`,
      attachment: `invoice${RLO}fdp.exe`,
      body: "Hello, the invoice is attached.",
    }),
  ];
  const { page, banners } = await replayHostile(hostile);
  const b = banners[0];
  const file = b.foreign.find((f) => f.text.startsWith("invoice"));
  assert.ok(file, b.textContent);
  assert.equal(file.dir, "auto");
  assert.equal(file.bidi, "isolate");
  assert.doesNotMatch(b.textContent, CONTROLS, "a control reached the DOM");

  const sentences = await layoutOfSentences(page);
  const quoting = sentences.find((boxes) => boxes.some((x) => x.word === "("));
  assert.ok(quoting, "a reason quotes the file name");
  const words = quoting.map((x) => x.word);
  assert.deepEqual(words.slice(words.indexOf("(")), ["(", "<quoted>", ")"]);
  // Neither the override in the name nor the one in the file name turns any sentence round.
  assert.ok(sentences.length >= 3, `${sentences.length} sentences`);
  sentences.forEach((boxes, j) => assertReadingOrder(boxes, `sentence ${j + 1}`));
  await page.close();
});

test("a right-to-left link host is isolated inside the reason that quotes it", async () => {
  const rtl = message({ linkText: "Open", href: "https://שלום-חשבון.top/", body: "Hi, check." });
  const { page, banners } = await replayHostile([rtl]);
  const host = banners[0].foreign.find((f) => f.text === "שלום-חשבון.top");
  assert.ok(host, banners[0].textContent);
  assert.equal(host.dir, "auto");
  assert.equal(host.bidi, "isolate");

  const order = await page.$eval("#banner .familiar-headline", (p) => {
    const detail = p.querySelector(".familiar-detail");
    const open = detail.previousSibling;
    const close = detail.nextSibling;
    const at = (node, start, end) => {
      const range = document.createRange();
      range.setStart(node, start);
      range.setEnd(node, end);
      return range.getClientRects()[0].left;
    };
    return {
      open: at(open, open.length - 1, open.length),
      detail: detail.getBoundingClientRect().left,
      close: at(close, 0, 1),
    };
  });
  assert.ok(order.open < order.detail && order.detail < order.close, JSON.stringify(order));
  await page.close();
});

test("hidden characters in the sender's name or address never reach the banner as such", async () => {
  const hostile = [
    asName("Maria\u200b Lopez\u2060", "Payment"),
    message({
      address: "maria.lopez@north\u200bwind-supply.com",
      body: LURE,
      linkText: "Portal",
      href: "https://docs-login.top/x",
    }),
    asName("Maria Lopez", "Payment"),
    asName("Ali\u200cReza \u0639\u0644\u06cc\u200c\u0631\u0636\u0627", "Payment"),
  ];
  const { page, banners } = await replayHostile(hostile);
  banners.forEach((b, i) => assert.doesNotMatch(b.textContent, CONTROLS, `banner ${i}`));
  // The address is not the supplier's: a stranger, the hidden character called out.
  assert.match(banners[1].text, /address contains a hidden character, shown as \ufffd/);
  assert.doesNotMatch(banners[2].text, /hidden/, "an ordinary name is not called out");
  assert.match(banners[3].textContent, /\u0639\u0644\u06cc\u200c?\u0631\u0636\u0627/);
  await page.close();
});

// The same defences without the engine in front: a report as a careless or older engine
// could hand over, with controls left in every field the message sets.
const RAW_REPORT = {
  action: "hold",
  score: 91,
  from: `maria.lopez@north\u200bwind-supply.com`,
  from_name: `${RLO}Maria Lopez`,
  subject: `${RLO}Invoice`,
  headline: `Unlike ${RLO}Maria Lopez's usual mail. Asks to pay, or to change bank or payment details.`,
  tags: ["Out of Character", "Risky Attachment"],
  reasons: [
    {
      tag: "Risky Attachment",
      weight: 1.6,
      text: `Carries a file type often used to deliver malware or fake sign-in pages. (invoice${RLO}fdp.exe)`,
    },
    {
      tag: "Out of Character",
      weight: 1.2,
      text: `Links to a site this sender has never linked to. (\u2067docs-login.top)`,
    },
    {
      tag: "Out of Character",
      weight: 1.0,
      text: "Sent with a mail program this sender has not used before.",
    },
  ],
};

test("the banner itself shows controls as U+FFFD and keeps every sentence in reading order", async () => {
  const page = await openWatched("/demo/");
  await page.waitForSelector('body[data-ready="true"]');
  await page.evaluate(async (report) => {
    const { renderBanner } = await import("/shared/banner.js");
    renderBanner(document.getElementById("banner"), report, { onNormal: async () => {} });
  }, RAW_REPORT);

  const text = await page.textContent("#banner");
  assert.doesNotMatch(text, CONTROLS);
  assert.match(text, /Unlike \ufffdMaria Lopez's usual mail\./);
  assert.match(text, /\(invoice\ufffdfdp\.exe\)/);
  assert.match(text, /\(\ufffddocs-login\.top\)/);
  assert.match(text, /This is normal for maria\.lopez@north\ufffdwind-supply\.com/);
  assert.match(text, /name or address contains 2 hidden characters, shown as \ufffd/);
  // A joiner between two Persian letters is spelling and stays; beside a Latin one it hides.
  const persian = "\u0639\u0644\u06cc\u200c\u0631\u0636\u0627";
  const revealed = await page.evaluate(
    async (names) => {
      const { revealHidden } = await import("/shared/banner.js");
      return names.map(revealHidden);
    },
    [persian, "Ali\u200cReza", "Ali\u200dReza \ud83d\udc69\u200d\ud83d\udcbb"],
  );
  assert.deepEqual(revealed, [
    persian,
    "Ali\ufffdReza",
    "Ali\ufffdReza \ud83d\udc69\u200d\ud83d\udcbb",
  ]);

  const isolated = await page.$$eval("#banner .familiar-isolate", (nodes) =>
    nodes.map((n) => `${n.dir} ${getComputedStyle(n).unicodeBidi} ${n.textContent}`),
  );
  // The name, the file name, the host and the button's address, at least.
  assert.ok(isolated.length >= 4, isolated.join("\n"));
  isolated.forEach((line) => assert.match(line, /^auto isolate /));

  const sentences = await layoutOfSentences(page);
  assert.equal(sentences.length, 4);
  sentences.forEach((boxes, j) => assertReadingOrder(boxes, `sentence ${j + 1}`));

  // Positive control: the same headline with the override obeyed and nothing isolated is
  // drawn out of order, and the check above says so.
  await page.evaluate((headline) => {
    const control = document.createElement("div");
    control.id = "control";
    const p = document.createElement("p");
    p.className = "familiar-headline";
    p.textContent = headline;
    control.append(p);
    document.body.prepend(control);
  }, RAW_REPORT.headline);
  const [reversed] = await layoutOfSentences(page, "#control");
  assert.throws(() => assertReadingOrder(reversed, "control"), /is drawn before/);
  await page.close();
});

test("the demo page's own handlers still work after the hostile mail", async () => {
  // The sentinel is only meaningful if the page was live throughout: a banner button works.
  const { page } = await replayHostile([asName(PAYLOADS.img)]);
  await act(page, () => page.click("#banner .familiar-primary"));
  assert.match(await page.textContent("#status"), /normal for maria\.lopez@northwind-supply\.com/);
  await page.close();
});

test("the supplier's mbox renders a banner with only the banner's own elements", async () => {
  const page = await openWatched("/demo/");
  await page.waitForSelector('body[data-ready="true"]');
  await replayFiles(page, [{ name: "supplier.mbox", text: supplierMbox() }]);
  const all = await rows(page);
  await bannerFor(
    page,
    all.findIndex((r) => r.action === "hold" || r.action === "warn"),
  );
  const b = await inspectBanner(page);
  assert.ok(b.tags.every((t) => BANNER_TAGS.includes(t)));
  assert.ok(b.foreign.length > 0, "a flagged banner quotes the message");
  await page.close();
});
