// Turns what the user dropped or picked (an mbox, .eml files, a mail folder) into raw
// messages. Files are judged by content, not by name: an mbox starts with a "From " line,
// a message starts with a header line; anything else (index files, images) is skipped.
import { splitMbox } from "../pkg/familiar.js";

const MBOX_START = "From ";
const HEADER_LINE = /^[\x21-\x39\x3b-\x7e]+:/;
const SNIFF_BYTES = 512;

function startOf(bytes) {
  return new TextDecoder("latin1").decode(bytes.subarray(0, SNIFF_BYTES));
}

/** Resolves to { messages: Uint8Array[], skipped: number } in file order. */
export async function messagesFrom(files) {
  const messages = [];
  let skipped = 0;
  for (const file of files) {
    const bytes = new Uint8Array(await file.arrayBuffer());
    const start = startOf(bytes);
    if (start.startsWith(MBOX_START)) {
      messages.push(...splitMbox(bytes));
    } else if (HEADER_LINE.test(start)) {
      messages.push(bytes);
    } else {
      skipped += 1;
    }
  }
  return { messages, skipped };
}
