// Puts Office.js beside the Outlook task pane: copies the npm package @microsoft/office-js
// into www/outlook/vendor/office-js/ (gitignored), so the pane loads it from its own origin
// and no page of familiar asks a CDN for anything. Debug builds and type files are left out.
// Run `node scripts/outlook-build.mjs`; tests import buildOutlook.
import { cp, rm, stat } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
export const VENDOR = fileURLToPath(new URL("../www/outlook/vendor/office-js/", import.meta.url));

function isShipped(path) {
  return !/\.debug\.js$|-vsdoc\.js$|\.d\.ts$/.test(path);
}

/** Copies Office.js unless the copy is already there; resolves to the folder. */
export async function buildOutlook({ force = false } = {}) {
  const source = dirname(require.resolve("@microsoft/office-js/dist/office.js"));
  const present = await stat(`${VENDOR}office.js`).catch(() => null);
  if (present && !force) {
    return VENDOR;
  }
  await rm(VENDOR, { recursive: true, force: true });
  await cp(source, VENDOR, { recursive: true, filter: isShipped });
  return VENDOR;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const folder = await buildOutlook({ force: true });
  console.log(`outlook: Office.js copied to ${folder}`);
}
