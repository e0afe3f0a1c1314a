// A static file server for www/ on 127.0.0.1 only: the demo page, the shared banner and
// the wasm build. No directory listings, nothing outside www/, no caching (so a rebuild
// shows at once). Run `node scripts/serve.mjs [port]`; tests import startServer.
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { createServer } from "node:http";
import { extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../www/", import.meta.url));

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".wasm": "application/wasm",
  ".png": "image/png",
  ".svg": "image/svg+xml",
  ".ico": "image/x-icon",
};

async function resolveFile(root, urlPath) {
  const decoded = decodeURIComponent(urlPath.split("?")[0]);
  const path = normalize(join(root, decoded));
  if (!path.startsWith(root)) {
    return null;
  }

  const info = await stat(path).catch(() => null);
  if (info?.isDirectory()) {
    return resolveFile(root, join(decoded, "index.html"));
  }
  return info?.isFile() ? path : null;
}

async function handle(root, extra, req, res) {
  if (req.url === "/") {
    res.writeHead(302, { Location: "/demo/" });
    res.end();
    return;
  }

  const found = Object.hasOwn(extra, req.url)
    ? extra[req.url]
    : await resolveFile(root, req.url).catch(() => null);
  const path = req.method === "GET" ? found : null;
  if (!path) {
    res.writeHead(404, { "Content-Type": "text/plain" });
    res.end("not found\n");
    return;
  }

  res.writeHead(200, {
    "Content-Type": TYPES[extname(path)] ?? "application/octet-stream",
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
  });
  createReadStream(path).pipe(res);
}

/**
 * Serves `root` on 127.0.0.1; port 0 picks a free one. `extra` maps URL paths to files
 * outside it (the benchmark's mailbox). Resolves to { server, url }.
 */
export function startServer({ root = ROOT, port = 0, extra = {} } = {}) {
  const base = root.endsWith(sep) ? root : root + sep;
  const server = createServer((req, res) => handle(base, extra, req, res));
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      resolve({ server, url: `http://127.0.0.1:${server.address().port}` });
    });
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const port = Number(process.argv[2] ?? process.env.PORT ?? 8080);
  const { url } = await startServer({ port });
  console.log(`familiar demo: ${url}/demo/ (Ctrl-C to stop)`);
}
