// The content security policy of every page, read from the files and then enforced by
// Chromium. The pages show text from hostile mail; if the banner code ever slipped, the
// policy is what stops a quoted <script> from running or a pixel from reporting home.
// The Thunderbird pages get theirs from manifest.json; the test server cannot send that, so
// it is added as a response header and Chromium enforces the same text Thunderbird is given.
import assert from "node:assert/strict";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, test } from "node:test";
import { launchChromium } from "../../scripts/chromium.mjs";
import { buildOutlook } from "../../scripts/outlook-build.mjs";
import { startServer } from "../../scripts/serve.mjs";

const WWW = fileURLToPath(new URL("../../www/", import.meta.url));
const MANIFEST = JSON.parse(await readFile(join(WWW, "thunderbird/manifest.json"), "utf8"));
const CONTROL_SCRIPT = "/__control/sentinel.js";
const OUTSIDE = "http://198.51.100.1";

// Fetch directives and the sources each may list. Anything else (a host, a scheme such as
// https:, a wildcard, 'unsafe-inline', a nonce) would let a page load or send to the outside.
const FETCH = {
  "default-src": ["'self'", "'none'"],
  "script-src": ["'self'", "'wasm-unsafe-eval'", "'none'"],
  "style-src": ["'self'", "'none'"],
  "img-src": ["'self'", "data:", "'none'"],
  "connect-src": ["'self'", "'none'"],
  "object-src": ["'none'"],
};
// Not covered by default-src, so each must be spelled out.
const REQUIRED_NONE = ["object-src", "base-uri", "form-action"];

/** A policy as { directive: [sources] }; the first occurrence of a directive wins. */
export function parsePolicy(text) {
  const policy = {};
  for (const part of text.split(";")) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name && !Object.hasOwn(policy, name.toLowerCase())) {
      policy[name.toLowerCase()] = sources;
    }
  }
  return policy;
}

/** What a policy allows that it should not, as sentences; empty when it is tight. */
export function looseness(policy) {
  const problems = [];
  if (!policy["default-src"]) {
    problems.push("no default-src");
  }
  for (const name of REQUIRED_NONE) {
    const sources = policy[name] ?? (name === "object-src" ? policy["default-src"] : undefined);
    if (!sources || sources.join(" ") !== "'none'") {
      problems.push(`${name} is not 'none'`);
    }
  }
  for (const [name, sources] of Object.entries(policy)) {
    const allowed = FETCH[name];
    if (!allowed && name.endsWith("-src")) {
      problems.push(`${name} is not expected`);
    }
    for (const source of allowed ? sources : []) {
      if (!allowed.includes(source.toLowerCase())) {
        problems.push(`${name} allows ${source}`);
      }
    }
  }
  return problems;
}

/** Every page under www/ that is ours (not a vendored or generated file). */
async function pages() {
  const found = [];
  async function walk(dir) {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory() && !["vendor", "pkg", "pkg-node"].includes(entry.name)) {
        await walk(path);
      } else if (entry.isFile() && entry.name.endsWith(".html")) {
        found.push(relative(WWW, path));
      }
    }
  }
  await walk(WWW);
  return found.sort();
}

function metaPolicies(html) {
  return [...html.matchAll(/<meta\s[^>]*>/gis)]
    .map((m) => m[0])
    .filter((tag) => /http-equiv\s*=\s*"content-security-policy"/i.test(tag))
    .map((tag) => /\scontent\s*=\s*"([^"]*)"/i.exec(tag)?.[1] ?? "");
}

/** The policy each page runs under: its own meta tag, or the add-on manifest's. */
async function policyOf(page) {
  const metas = metaPolicies(await readFile(join(WWW, page), "utf8"));
  if (page.startsWith("thunderbird/")) {
    assert.deepEqual(metas, [], `${page}: the manifest's policy is the only one`);
    return MANIFEST.content_security_policy;
  }
  assert.equal(metas.length, 1, `${page}: one CSP meta tag`);
  return metas[0];
}

test("every page carries a policy that allows no inline script and no outside source", async () => {
  const all = await pages();
  assert.deepEqual(all, [
    "demo/index.html",
    "outlook/help.html",
    "outlook/taskpane.html",
    "thunderbird/background.html",
    "thunderbird/options/options.html",
  ]);
  for (const page of all) {
    const text = await policyOf(page);
    const policy = parsePolicy(text);
    assert.deepEqual(looseness(policy), [], `${page}: ${text}`);
    // A page that runs scripts runs its own files and the engine, nothing more.
    const scripts = policy["script-src"] ?? policy["default-src"];
    assert.ok(
      ["'self' 'wasm-unsafe-eval'", "'none'"].includes(scripts.join(" ")),
      `${page}: script-src ${scripts.join(" ")}`,
    );
  }
});

test("the policy check notices a loose policy", () => {
  // Positive controls: each of these would let hostile mail run script or reach out.
  const tail = "object-src 'none'; base-uri 'none'; form-action 'none'";
  const loose = {
    [`default-src 'self'; script-src 'self' 'unsafe-inline'; ${tail}`]:
      "script-src allows 'unsafe-inline'",
    [`default-src 'self'; connect-src https:; ${tail}`]: "connect-src allows https:",
    [`default-src *; ${tail}`]: "default-src allows *",
    [`default-src 'self'; img-src 'self' https://tracker.example; ${tail}`]:
      "img-src allows https://tracker.example",
    [`default-src 'self'; script-src 'self' https://appsource.microsoft.com; ${tail}`]:
      "script-src allows https://appsource.microsoft.com",
    [`default-src 'self'; frame-src https://evil.example; ${tail}`]: "frame-src is not expected",
    "default-src 'self'; object-src 'none'; base-uri 'none'": "form-action is not 'none'",
    "script-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'": "no default-src",
  };
  for (const [text, problem] of Object.entries(loose)) {
    assert.deepEqual(looseness(parsePolicy(text)), [problem], text);
  }
  assert.deepEqual(looseness(parsePolicy(`default-src 'self'; ${tail}`)), []);
});

let s;
let scratch;
before(async () => {
  await buildOutlook();
  scratch = await mkdtemp(join(tmpdir(), "familiar-csp-"));
  const sentinel = join(scratch, "sentinel.js");
  await writeFile(sentinel, 'window.__control = "ran";\n');
  const { server, url } = await startServer({ extra: { [CONTROL_SCRIPT]: sentinel } });
  const browser = await launchChromium();
  // Nothing may reach the network even if a policy failed: outside requests are aborted.
  const outside = [];
  await browser.context.route(
    (target) => target.hostname !== "127.0.0.1",
    (route) => {
      outside.push(route.request().url());
      return route.abort();
    },
  );
  s = { url, context: browser.context, browser, server, outside };
});
after(async () => {
  await s.browser.close();
  await new Promise((resolve) => s.server.close(resolve));
  await rm(scratch, { recursive: true, force: true });
});

/** Before any page script: a record of every CSP violation. */
function watch() {
  window.__violations = [];
  document.addEventListener(
    "securitypolicyviolation",
    (event) => window.__violations.push(`${event.effectiveDirective} ${event.blockedURI}`),
    true,
  );
}

const PAGES = [
  { name: "demo", path: "/demo/" },
  { name: "Outlook task pane", path: "/outlook/taskpane.html" },
  { name: "Outlook help", path: "/outlook/help.html", scripts: false },
  { name: "Thunderbird options", path: "/thunderbird/options/options.html", manifest: true },
  { name: "Thunderbird background", path: "/thunderbird/background.html", manifest: true },
];

async function openWithPolicy({ path, manifest }) {
  const page = await s.context.newPage();
  page.on("pageerror", () => {}); // The Thunderbird pages have no messenger API here.
  if (manifest) {
    await page.route(`${s.url}${path}`, async (route) => {
      const response = await route.fetch();
      const headers = {
        ...response.headers(),
        "content-security-policy": MANIFEST.content_security_policy,
      };
      await route.fulfill({ response, headers });
    });
  }
  await page.addInitScript(watch);
  await page.goto(`${s.url}${path}`);
  return page;
}

for (const target of PAGES) {
  test(`${target.name}: Chromium runs the page's own script file and refuses inline script and outside requests`, async () => {
    const page = await openWithPolicy(target);

    // Positive control: a script file from the page's own server runs and sets the mark,
    // unless the page allows no script at all (then the file is refused like the rest).
    await page.evaluate((src) => {
      const script = document.createElement("script");
      script.src = src;
      document.head.append(script);
    }, CONTROL_SCRIPT);
    if (target.scripts === false) {
      await page.waitForFunction(
        (src) => window.__violations.some((v) => v.endsWith(src)),
        CONTROL_SCRIPT,
      );
      assert.equal(await page.evaluate(() => window.__control), undefined);
    } else {
      await page.waitForFunction(() => window.__control === "ran");
    }

    const outcome = await page.evaluate(async (outside) => {
      const inline = document.createElement("script");
      inline.textContent = "window.__pwned = 'inline';";
      document.head.append(inline);

      const handler = document.createElement("div");
      handler.setAttribute("onclick", "window.__pwned = 'handler';");
      document.body.append(handler);
      handler.click();

      const link = document.createElement("a");
      link.href = "javascript:window.__pwned = 'href'";
      document.body.append(link);
      link.click();

      const image = document.createElement("img");
      image.src = `${outside}/pixel.png`;
      document.body.append(image);
      const fetched = await fetch(`${outside}/collect`).then(
        () => "fetched",
        (error) => error.name,
      );
      // Violation events are queued; give them a moment to arrive.
      for (let i = 0; i < 100 && window.__violations.length < 5; i++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return { pwned: window.__pwned, fetched, violations: window.__violations };
    }, OUTSIDE);

    assert.equal(outcome.pwned, undefined);
    assert.equal(outcome.fetched, "TypeError");
    const refused = outcome.violations.join("\n");
    assert.match(refused, /^script-src-elem inline$/m, refused);
    assert.match(refused, /^script-src-attr inline$/m, refused);
    assert.match(refused, /^img-src http:\/\/198\.51\.100\.1\/pixel\.png$/m, refused);
    assert.match(refused, /^connect-src http:\/\/198\.51\.100\.1\/collect$/m, refused);
    // Refused by the page itself: not one of them got as far as the network layer.
    assert.deepEqual(s.outside, []);
    await page.close();
  });
}
