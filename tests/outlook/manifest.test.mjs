// The Outlook manifest, checked offline. Microsoft's validator needs the network, and no
// npm package ships the XML manifest's schema, so: the XML is parsed strictly and checked
// for the structure this add-in relies on; Microsoft's converter turns it into the JSON
// (unified) manifest, which @microsoft/app-manifest validates against its bundled schema;
// and every URL must be a file that www/ serves once scripts/outlook-build.mjs has run.
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { before, test } from "node:test";
import { DOMParser } from "@xmldom/xmldom";
import { buildOutlook } from "../../scripts/outlook-build.mjs";
import { LOCAL_BASE, SOURCE, retarget } from "../../scripts/outlook-manifest.mjs";

const require = createRequire(import.meta.url);
const WWW = fileURLToPath(new URL("../../www/", import.meta.url));
const OFFICE = "http://schemas.microsoft.com/office/appforoffice/1.1";
const XSI = "http://www.w3.org/2001/XMLSchema-instance";

// The order the XML manifest's schema requires for what this manifest uses.
const TOP_LEVEL = [
  "Id",
  "Version",
  "ProviderName",
  "DefaultLocale",
  "DisplayName",
  "Description",
  "IconUrl",
  "HighResolutionIconUrl",
  "SupportUrl",
  "AppDomains",
  "Hosts",
  "Requirements",
  "FormSettings",
  "Permissions",
  "Rule",
  "DisableEntityHighlighting",
  "VersionOverrides",
];

let xml;
let doc;
before(async () => {
  await buildOutlook();
  xml = await readFile(SOURCE, "utf8");
  doc = parseStrictly(xml);
});

function parseStrictly(text) {
  const fail = (message) => {
    throw new Error(`manifest.xml is not well-formed: ${message}`);
  };
  return new DOMParser({
    errorHandler: { warning: fail, error: fail, fatalError: fail },
  }).parseFromString(text, "text/xml");
}

function children(node) {
  return Array.from(node.childNodes).filter((n) => n.nodeType === 1);
}

function all(name) {
  return Array.from(doc.getElementsByTagNameNS("*", name));
}

function urlsIn(text) {
  return [...text.matchAll(/DefaultValue="(https?:[^"]+)"/g)].map((m) => m[1]);
}

test("manifest.xml is a mail add-in with its elements in schema order", () => {
  const root = doc.documentElement;
  assert.equal(root.localName, "OfficeApp");
  assert.equal(root.namespaceURI, OFFICE);
  assert.equal(root.getAttributeNS(XSI, "type"), "MailApp");
  assert.deepEqual(
    children(root).map((n) => n.localName),
    TOP_LEVEL,
  );
  assert.match(children(root)[0].textContent, /^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$/);
});

test("read mode, ReadItem, Mailbox 1.5, and a task pane that can be pinned", () => {
  const set = all("Set").find((n) => n.parentNode.parentNode.localName === "Requirements");
  assert.equal(set.getAttribute("Name"), "Mailbox");
  assert.equal(set.getAttribute("MinVersion"), "1.5");
  assert.equal(all("Permissions")[0].textContent, "ReadItem");

  const rules = all("Rule").filter((n) => n.getAttributeNS(XSI, "type") === "ItemIs");
  assert.deepEqual(
    rules.map((r) => [r.getAttribute("ItemType"), r.getAttribute("FormType")]),
    [["Message", "Read"]],
  );

  const [outer, inner] = all("VersionOverrides");
  assert.equal(outer.getAttributeNS(XSI, "type"), "VersionOverridesV1_0");
  assert.equal(inner.getAttributeNS(XSI, "type"), "VersionOverridesV1_1");
  assert.equal(inner.parentNode, outer);
  assert.deepEqual(
    children(inner).map((n) => n.localName),
    ["Requirements", "Hosts", "Resources"],
  );
  const points = all("ExtensionPoint").map((n) => n.getAttributeNS(XSI, "type"));
  assert.deepEqual(points, ["MessageReadCommandSurface"]);
  const pinning = all("SupportsPinning");
  assert.equal(pinning.length, 1);
  assert.equal(pinning[0].textContent, "true");
});

test("every string and URL in the overrides is a resource, and every resource is used", () => {
  const defined = all("Resources")[0].getElementsByTagNameNS("*", "*");
  const ids = Array.from(defined)
    .map((n) => n.getAttribute("id"))
    .filter(Boolean);
  assert.equal(new Set(ids).size, ids.length, "a resource id is defined twice");

  const used = all("*")
    .map((n) => n.getAttribute("resid"))
    .filter(Boolean);
  assert.ok(used.length > 0);
  for (const id of used) {
    assert.ok(ids.includes(id), `resid "${id}" is not defined`);
  }
  const iconForNotification = "Icon.16x16";
  for (const id of ids) {
    assert.ok(used.includes(id) || id === iconForNotification, `resource "${id}" is never used`);
  }
  for (const node of all("*").filter((n) => n.hasAttribute("DefaultValue"))) {
    const inOverrides = (function isInside(n) {
      return n && (n.localName === "Resources" || isInside(n.parentNode));
    })(node);
    const isIdentity = node.parentNode === doc.documentElement;
    const isFormSetting = node.localName === "SourceLocation" && !node.hasAttribute("resid");
    assert.ok(inOverrides || isIdentity || isFormSetting, `literal value in ${node.localName}`);
  }
});

test("every URL in the manifest is a file the build produces", async () => {
  const urls = urlsIn(xml);
  assert.ok(urls.length >= 8, `${urls.length} URLs`);
  for (const url of urls) {
    assert.ok(url.startsWith(`${LOCAL_BASE}/`), `${url} is not under ${LOCAL_BASE}`);
    const path = join(WWW, new URL(url).pathname);
    assert.ok((await stat(path).catch(() => null))?.isFile(), `${url} is not a file in www/`);
  }
});

test("the task pane's own scripts and styles are files the build produces", async () => {
  const html = await readFile(join(WWW, "outlook/taskpane.html"), "utf8");
  const refs = [...html.matchAll(/(?:src|href)="([^"#:]+)"/g)].map((m) => m[1]);
  assert.ok(refs.includes("vendor/office-js/office.js"));
  for (const ref of refs) {
    const path = join(WWW, "outlook", ref);
    assert.ok((await stat(path).catch(() => null))?.isFile(), `${ref} is missing`);
  }
  assert.doesNotMatch(html, /https?:\/\//, "the pane loads nothing from elsewhere");
  assert.ok((await stat(join(WWW, "pkg/familiar_bg.wasm")).catch(() => null))?.isFile());
});

test("the production manifest differs only in its base URL", () => {
  const base = "https://mail-tools.example.org/familiar";
  const out = retarget(xml, `${base}/`);
  assert.doesNotMatch(out, /localhost/);
  parseStrictly(out);
  assert.deepEqual(
    urlsIn(out),
    urlsIn(xml).map((u) => u.replace(LOCAL_BASE, base)),
  );
  assert.equal(out.replaceAll(base, LOCAL_BASE), xml);
  assert.throws(() => retarget(xml, "http://insecure.example"), /https/);
  assert.throws(() => retarget(xml, "not a url"), /not a URL/);
});

test("the converted JSON manifest passes Microsoft's bundled schema", async () => {
  const { convert } = require("office-addin-manifest-converter");
  const { ManifestUtil } = require("@microsoft/app-manifest");
  const folder = await mkdtemp(join(tmpdir(), "familiar-manifest-"));
  try {
    await convert(SOURCE, folder, false, undefined, undefined, false);
    const manifest = JSON.parse(await readFile(join(folder, "manifest.json"), "utf8"));

    const version = /\/(v[0-9.]+)\//.exec(manifest.$schema)?.[1];
    const schemaPath = require.resolve(
      `@microsoft/app-manifest/build/json-schemas/teams/${version}/MicrosoftTeams.schema.json`,
    );
    const schema = JSON.parse(await readFile(schemaPath, "utf8"));
    assert.deepEqual(await ManifestUtil.validateManifestAgainstSchema(manifest, schema), []);

    const [extension] = manifest.extensions;
    assert.deepEqual(extension.requirements.capabilities, [{ name: "Mailbox", minVersion: "1.5" }]);
    assert.equal(extension.runtimes[0].actions[0].pinnable, true);
    assert.deepEqual(extension.ribbons[0].contexts, ["mailRead"]);
    assert.doesNotMatch(manifest.description.short, /TRUNCATED/);

    // The validator is not vacuous: a manifest without an id fails.
    const broken = { ...manifest, id: undefined };
    assert.notDeepEqual(await ManifestUtil.validateManifestAgainstSchema(broken, schema), []);
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
});
