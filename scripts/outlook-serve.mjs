// Serves www/ over HTTPS on https://localhost:3000, the base manifest.xml points at, for
// sideloading the Outlook add-in. Outlook loads add-ins only over HTTPS with a certificate
// the machine trusts; `npx office-addin-dev-certs install` makes one (in
// ~/.office-addin-dev-certs/) and trusts it. The files themselves come from scripts/serve.mjs,
// which this fronts, so both servers show exactly the same tree.
//
//   node scripts/outlook-serve.mjs [--port 3000] [--cert FILE --key FILE]
import { readFile } from "node:fs/promises";
import { request } from "node:http";
import { createServer } from "node:https";
import { homedir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { buildOutlook } from "./outlook-build.mjs";
import { startServer } from "./serve.mjs";

const DEV_CERTS = join(homedir(), ".office-addin-dev-certs");

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "3000" },
    cert: { type: "string", default: join(DEV_CERTS, "localhost.crt") },
    key: { type: "string", default: join(DEV_CERTS, "localhost.key") },
  },
});

let tls;
try {
  tls = { cert: await readFile(values.cert), key: await readFile(values.key) };
} catch (error) {
  console.error(`outlook-serve: no certificate (${error.message}).`);
  console.error("Run `npx office-addin-dev-certs install` once, or pass --cert and --key.");
  process.exit(1);
}

await buildOutlook();
const inner = await startServer();
const server = createServer(tls, (req, res) => {
  const forward = request(
    `${inner.url}${req.url}`,
    { method: req.method, headers: req.headers },
    (reply) => {
      res.writeHead(reply.statusCode ?? 502, reply.headers);
      reply.pipe(res);
    },
  );
  forward.on("error", () => {
    res.writeHead(502);
    res.end();
  });
  req.pipe(forward);
});
server.listen(Number(values.port), "localhost", () => {
  console.log(`familiar for Outlook: https://localhost:${values.port}/outlook/taskpane.html`);
});
