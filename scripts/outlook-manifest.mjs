// Writes the Outlook add-in manifest for a deployment from the one manifest.xml at the
// repository root, which points at https://localhost:3000 for sideloading. Every URL in it
// starts with that base; this swaps it for --base and checks that nothing was missed.
//
//   node scripts/outlook-manifest.mjs --base https://your.host/path [--out FILE]
//
// The result goes to target/manifest.production.xml unless --out says otherwise. Serve
// www/ at the base, so that <base>/outlook/taskpane.html is the task pane.
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

export const LOCAL_BASE = "https://localhost:3000";
export const SOURCE = fileURLToPath(new URL("../manifest.xml", import.meta.url));
const DEFAULT_OUT = fileURLToPath(new URL("../target/manifest.production.xml", import.meta.url));

/** The manifest text with every URL under LOCAL_BASE moved to `base`; throws on a bad base. */
export function retarget(xml, base) {
  let url;
  try {
    url = new URL(base);
  } catch {
    throw new Error(`the base "${base}" is not a URL`);
  }
  if (url.protocol !== "https:") {
    throw new Error(`the base must be an https URL (Outlook refuses others), not "${base}"`);
  }
  if (url.search || url.hash) {
    throw new Error(`the base must not have a query or fragment: "${base}"`);
  }

  const clean = url.href.replace(/\/+$/, "");
  const out = xml.replaceAll(`${LOCAL_BASE}/`, `${clean}/`);
  if (out.includes(LOCAL_BASE)) {
    throw new Error(`a localhost URL in manifest.xml does not start with "${LOCAL_BASE}/"`);
  }
  return out;
}

export async function writeProductionManifest({ base, out = DEFAULT_OUT }) {
  const xml = retarget(await readFile(SOURCE, "utf8"), base);
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, xml);
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { base: { type: "string" }, out: { type: "string" } } });
  if (!values.base) {
    console.error("usage: node scripts/outlook-manifest.mjs --base https://your.host/path");
    process.exit(2);
  }
  try {
    const out = await writeProductionManifest({ base: values.base, out: values.out });
    console.log(`outlook: wrote ${out} for ${values.base}`);
  } catch (error) {
    console.error(`outlook-manifest: ${error.message}`);
    process.exit(1);
  }
}
