// The pure parts of the pane's Outlook glue, in Node: the notification text limit and the
// approximate message older Outlooks get (headers plus one body).
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  NOTIFICATION_MAX_CHARS,
  approximateMessage,
  bodyTypeOf,
  notificationText,
} from "../../www/outlook/office-item.js";

test("Outlook's notification limit is 150 characters", () => {
  assert.equal(NOTIFICATION_MAX_CHARS, 150);
});

test("a notification is cut to 150 UTF-16 units without splitting a character", () => {
  const short = "Unlike Anna Berg's usual mail.";
  assert.equal(notificationText(short), short);
  assert.equal(notificationText(` ${short}\n`), short);

  const long = "x".repeat(149) + "😀😀";
  const cut = notificationText(long);
  assert.ok(cut.length <= 150, `${cut.length} units`);
  assert.ok(cut.endsWith("…"));
  assert.ok(!/[\ud800-\udbff](?![\udc00-\udfff])/.test(cut), "a lone high surrogate");

  const emoji = "😀".repeat(100);
  const cutEmoji = notificationText(emoji);
  assert.ok(cutEmoji.length <= 150);
  assert.equal(
    Array.from(cutEmoji.slice(0, -1)).every((c) => c === "😀"),
    true,
  );
});

test("the body type follows the original top-level Content-Type", () => {
  assert.equal(bodyTypeOf("Subject: a\r\nContent-Type: text/plain;\r\n charset=UTF-8\r\n"), "text");
  assert.equal(bodyTypeOf("Content-Type: multipart/alternative; boundary=x\r\n"), "html");
  assert.equal(bodyTypeOf("Content-Type: text/html\r\n"), "html");
  assert.equal(bodyTypeOf("Subject: no type at all\r\n"), "text");
});

test("the approximate message replaces MIME headers that describe parts no longer there", () => {
  const headers = [
    "From: Anna Berg <anna@example.com>",
    "Subject: Invoice",
    "Content-Type: multipart/mixed;",
    ' boundary="b1"',
    "Content-Transfer-Encoding: base64",
    "Message-ID: <1@example.com>",
  ].join("\r\n");
  const text = new TextDecoder().decode(approximateMessage(headers, "<p>Hi</p>\nBye", "html"));
  const [head, body] = text.split("\r\n\r\n");
  assert.doesNotMatch(head, /multipart|boundary|base64/);
  assert.match(head, /^From: Anna Berg/);
  assert.match(head, /Message-ID: <1@example.com>/);
  assert.match(head, /Content-Type: text\/html; charset=utf-8\r\nContent-Transfer-Encoding: 8bit$/);
  assert.equal(body, "<p>Hi</p>\r\nBye");
});
