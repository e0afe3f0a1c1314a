// Writes the engine's example mailbox as two mbox files for a Thunderbird profile: mail from
// the owner goes to "Sent", everything else to "Inbox". Usage: node write-mbox.cjs <dir>
const { writeFileSync } = require("node:fs");
const { join } = require("node:path");
const familiar = require("../../www/pkg-node/familiar.js");

const owner = familiar.demoOwner();
const folders = { Inbox: [], Sent: [] };

for (const raw of familiar.demoMailbox()) {
  const text = Buffer.from(raw).toString("latin1").replace(/\r\n/g, "\n");
  const from = /^From:.*?([^\s<>"]+@[^\s<>"]+)/im.exec(text)?.[1] ?? "unknown@invalid";
  // mboxrd: a body line that starts with "From " (after any ">") gains one more ">".
  const body = text.replace(/^(>*From )/gm, ">$1").replace(/\n*$/, "\n");
  const entry = `From ${from} Sat Jan  1 00:00:00 2000\n${body}\n`;
  folders[from.toLowerCase() === owner ? "Sent" : "Inbox"].push(entry);
}

for (const [name, entries] of Object.entries(folders)) {
  writeFileSync(join(process.argv[2], name), Buffer.from(entries.join(""), "latin1"));
}
console.log(JSON.stringify({ owner, inbox: folders.Inbox.length, sent: folders.Sent.length }));
