// The open Outlook item, as familiar needs it: its raw message and a place for the verdict
// in Outlook's own notification bar. This module owns every call into Office.js that takes
// a callback and turns each into a promise that rejects with a plain, lowercase message.
//
// Reading the message (Mailbox requirement sets, per Microsoft's Office.js reference):
//   1.14  item.getAsFileAsync gives the whole message as base64 MIME: judged in full.
//   1.8   item.getAllInternetHeadersAsync plus item.body.getAsync: an approximate message is
//         put together from the headers and one body. Attachments, the other alternative
//         parts and the original transfer encoding are lost, so the pane says so.

export const NOTIFICATION_KEY = "familiar-verdict";
export const NOTIFICATION_MAX_CHARS = 150;
// Office.MailboxEnums.ItemNotificationMessageType values, spelled out: the enum only exists
// once the Outlook host script has loaded.
const INFORMATIONAL = "informationalMessage";
const ERROR = "errorMessage";
const ICON = "Icon.16x16";

export const APPROXIMATE_LIMITS =
  "This version of Outlook does not give add-ins the message itself, only its headers and " +
  "text. familiar judged those; attachments, the message's layout and how it was encoded " +
  "could not be judged.";

/** Calls an Office.js `...Async` method and resolves to its value or rejects plainly. */
export function officeCall(what, call) {
  return new Promise((resolve, reject) => {
    const settle = (result) => {
      if (result?.status === "succeeded") {
        resolve(result.value);
        return;
      }
      const detail = result?.error?.message ? `: ${result.error.message}` : "";
      reject(new Error(`outlook could not ${what}${detail}`));
    };
    try {
      call(settle);
    } catch (error) {
      reject(new Error(`outlook could not ${what}: ${error?.message ?? error}`));
    }
  });
}

function base64Bytes(text) {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) {
    bytes[i] = binary.charCodeAt(i);
  }
  return bytes;
}

/** Header lines, unfolded into [name, fieldLines] pairs in their original order. */
function headerFields(block) {
  const fields = [];
  for (const line of block.split(/\r?\n/)) {
    if (/^[ \t]/.test(line) && fields.length) {
      fields.at(-1).lines.push(line);
    } else if (line.trim()) {
      fields.push({ name: line.split(":", 1)[0].trim().toLowerCase(), lines: [line] });
    }
  }
  return fields;
}

/** "text" when the original message was plain text, "html" for anything else. */
export function bodyTypeOf(headers) {
  const type = headerFields(headers).find((f) => f.name === "content-type");
  const value = type ? type.lines.join(" ").split(":").slice(1).join(":") : "text/plain";
  return /^\s*text\/plain\b/i.test(value) ? "text" : "html";
}

/**
 * An RFC 5322 message from internet headers and one decoded body. The original MIME headers
 * describe parts that are not there any more, so they are replaced by the body's own.
 */
export function approximateMessage(headers, body, type) {
  const mime = new Set(["content-type", "content-transfer-encoding"]);
  const kept = headerFields(headers)
    .filter((f) => !mime.has(f.name))
    .flatMap((f) => f.lines);
  const contentType = type === "text" ? "text/plain" : "text/html";
  kept.push(`Content-Type: ${contentType}; charset=utf-8`, "Content-Transfer-Encoding: 8bit");
  const text = `${kept.join("\r\n")}\r\n\r\n${String(body).replace(/\r?\n/g, "\r\n")}`;
  return new TextEncoder().encode(text);
}

/** Whether this Outlook gives the raw message (Mailbox 1.14). */
export function hasRawMessage(office) {
  try {
    return Boolean(office.context.requirements?.isSetSupported("Mailbox", "1.14"));
  } catch {
    return false;
  }
}

/** Resolves to { raw, isApproximate } for `item`; rejects with a plain message. */
export async function readMessage(office, item) {
  if (hasRawMessage(office) && typeof item.getAsFileAsync === "function") {
    const base64 = await officeCall("read this message", (done) => item.getAsFileAsync(done));
    return { raw: base64Bytes(base64), isApproximate: false };
  }

  const headers = await officeCall("read this message's headers", (done) =>
    item.getAllInternetHeadersAsync(done),
  );
  const type = bodyTypeOf(headers);
  const body = await officeCall("read this message's text", (done) =>
    item.body.getAsync(type, done),
  );
  return { raw: approximateMessage(headers, body, type), isApproximate: true };
}

/**
 * `text` cut to Outlook's limit for a notification, counted in UTF-16 code units as
 * JavaScript strings are, without splitting a character in two.
 */
export function notificationText(text, max = NOTIFICATION_MAX_CHARS) {
  const clean = String(text ?? "")
    .replace(/\s+/g, " ")
    .trim();
  if (clean.length <= max) {
    return clean;
  }
  let out = "";
  for (const char of clean) {
    if (out.length + char.length > max - 1) {
      break;
    }
    out += char;
  }
  return `${out.trimEnd()}…`;
}

const FALLBACK_HEADLINES = {
  hold: "familiar: do not act on this message yet.",
  warn: "familiar: take care with this message.",
  none: "familiar: nothing unusual for this sender.",
};

/** Shows (or replaces) the one familiar notification on `item` for `report`. */
export function showVerdict(item, report) {
  const message = notificationText(report.headline || FALLBACK_HEADLINES[report.action]);
  const details =
    report.action === "hold"
      ? { type: ERROR, message }
      : { type: INFORMATIONAL, message, icon: ICON, persistent: false };
  return officeCall("show the verdict", (done) =>
    item.notificationMessages.replaceAsync(NOTIFICATION_KEY, details, done),
  );
}
