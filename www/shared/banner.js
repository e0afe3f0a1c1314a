// The banner: one report turned into a small block of DOM that any host (the demo page, a
// mail client's message pane) can place. It owns wording and layout only. Every piece of text
// that comes from the message (the sender's name and address, a link's host or words, an
// attachment's name) is set with textContent in an element of its own with dir="auto" and
// isolated bidi, so markup stays text and right-to-left tricks cannot reorder the banner's
// words around it. Characters that reorder or hide text are shown, not obeyed.

const MAX_TAGS = 3;
const MAX_REASONS = 4;
const MAX_NAME_CHARS = 80;
const KNOWN = "Known Correspondent";
const FIRST = "First Contact";
// The product's own claim leads when present; the rest follow their strongest reason.
const LEADING_TAG = "Out of Character";
const SHOWN_FOR_HIDDEN = "\ufffd";

// Bidi controls (UAX #9), zero-width characters, fillers that render as blank and tag
// characters: in a name or a link they serve to disguise, so each is replaced by U+FFFD.
// Joiners between two non-ASCII characters stay; Persian names and emoji sequences need them.
const HIDDEN =
  /[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b\u200e\u200f\u202a-\u202e\u2060-\u206f\u3164\ufeff\uffa0\u{e0000}-\u{e007f}]|(?<![^\0-\x7f])[\u200c\u200d]|[\u200c\u200d](?![^\0-\x7f])/gu;

const LEVELS = {
  hold: { role: "alert", title: "Do not act on this message yet" },
  warn: { role: "alert", title: "Take care with this message" },
  none: { role: "status", title: "Nothing unusual for this sender" },
};

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) {
    node.className = className;
  }
  if (text !== undefined) {
    node.textContent = text;
  }
  return node;
}

/** `text` with every character that reorders or hides text replaced by U+FFFD. */
export function revealHidden(text) {
  return text.replace(HIDDEN, SHOWN_FOR_HIDDEN);
}

function countHidden(text) {
  return (text.match(HIDDEN) ?? []).length;
}

/** Text that came from the message: inert, direction of its own, isolated from ours. */
function foreign(tag, className, text) {
  const node = element(tag, `familiar-isolate ${className ?? ""}`.trim(), revealHidden(text));
  node.dir = "auto";
  return node;
}

/**
 * One of the engine's sentences as [ours, theirs] pieces. A reason is a catalogue sentence,
 * which always ends with a full stop, and maybe " (detail)" quoting the message; the headline
 * may also start "Unlike <name>'s usual mail. " (see `Report::headline` in src/score.rs).
 * Anything else, a catalogue sentence included, is isolated as if it were the message's.
 */
function pieces(text, name) {
  const lead = name ? `Unlike ${name}'s usual mail. ` : null;
  if (lead && text.startsWith(lead)) {
    return [
      { ours: "Unlike " },
      { theirs: name, className: "familiar-name" },
      { ours: "'s usual mail. " },
      ...pieces(text.slice(lead.length)),
    ];
  }
  // A name so long that the headline ends inside it.
  if (lead && text.endsWith("…") && text.length > 8 && lead.startsWith(text.slice(0, -1))) {
    return [
      { ours: "Unlike " },
      { theirs: text.slice("Unlike ".length), className: "familiar-name" },
    ];
  }

  const reason = /^([^\n]*?\.) \(([^]*?)(\)|…)$/u.exec(text);
  if (reason) {
    const [, why, detail, end] = reason;
    return [
      { ours: `${why} (` },
      { theirs: end === "…" ? `${detail}…` : detail, className: "familiar-detail" },
      ...(end === ")" ? [{ ours: ")" }] : []),
    ];
  }
  return [{ theirs: text }];
}

/** An element holding one of the engine's sentences, each quoted piece isolated. */
function sentence(tag, className, text, name) {
  const node = element(tag, className);
  node.dir = "ltr";
  node.append(
    ...pieces(text, name).map((piece) =>
      piece.theirs === undefined
        ? piece.ours
        : foreign("span", piece.className ?? "familiar-quote", piece.theirs),
    ),
  );
  return node;
}

function shorten(text, max) {
  const chars = Array.from(text);
  return chars.length > max ? `${chars.slice(0, max - 1).join("")}…` : text;
}

/**
 * The sender a decision applies to: the address, which is what is learned. A display name
 * is free to forge (a look-alike impostor uses the real person's name), so it is only the
 * fallback when the address is missing.
 */
export function senderLabel(report) {
  const who = (report.from || "").trim() || (report.from_name || "").trim();
  return shorten(revealHidden(who) || "this sender", MAX_NAME_CHARS);
}

/** Tags worth a chip, most important first (the quiet marks are shown apart). */
export function rankedTags(report) {
  const weightOf = (tag) => {
    if (tag === LEADING_TAG) {
      return Infinity;
    }
    const weights = report.reasons.filter((r) => r.tag === tag).map((r) => r.weight);
    return weights.length ? Math.max(...weights) : 0;
  };
  return report.tags
    .filter((tag) => tag !== KNOWN && (tag !== FIRST || report.action !== "none"))
    .map((tag) => ({ tag, weight: weightOf(tag) }))
    .sort((a, b) => b.weight - a.weight)
    .slice(0, MAX_TAGS)
    .map(({ tag }) => tag);
}

/** Reasons in plain words, strongest first, without repeating the headline. */
function plainReasons(report) {
  return report.reasons
    .filter((r) => r.weight > 0 && r.text && r.text !== report.headline)
    .slice(0, MAX_REASONS)
    .map((r) => r.text);
}

function actionButton(label, className, callback, buttons) {
  const button = element("button", `familiar-button ${className}`);
  button.type = "button";
  button.append(...label);
  button.addEventListener("click", async () => {
    buttons.forEach((b) => (b.disabled = true));
    try {
      await callback();
    } finally {
      buttons.forEach((b) => (b.disabled = false));
    }
  });
  buttons.push(button);
  return button;
}

function actions(report, { onNormal, onReport }) {
  const row = element("div", "familiar-actions");
  const buttons = [];
  if (onNormal && report.action !== "none") {
    const label = ["This is normal for ", foreign("span", "familiar-name", senderLabel(report))];
    row.append(actionButton(label, "familiar-primary", onNormal, buttons));
  }
  if (onReport) {
    row.append(actionButton(["Report"], "familiar-secondary", onReport, buttons));
  }
  return row;
}

function score(report) {
  const box = element("div", "familiar-score");
  box.append(element("span", "familiar-score-value", String(Math.round(report.score))));
  box.append(element("span", "familiar-score-scale", "/100"));
  box.setAttribute("aria-label", `score ${Math.round(report.score)} out of 100`);
  return box;
}

function details(report) {
  const body = element("div", "familiar-body");
  body.append(element("p", "familiar-title", LEVELS[report.action].title));
  if (report.headline) {
    const name = report.from_name || report.from;
    body.append(sentence("p", "familiar-headline", report.headline, name));
  }

  const hidden = countHidden(report.from ?? "") + countHidden(report.from_name ?? "");
  if (hidden) {
    const what = hidden === 1 ? "a hidden character" : `${hidden} hidden characters`;
    const note = `The sender's name or address contains ${what}, shown as ${SHOWN_FOR_HIDDEN}.`;
    body.append(element("p", "familiar-hidden", note));
  }

  const tags = rankedTags(report);
  if (tags.length) {
    const list = element("ul", "familiar-tags");
    list.setAttribute("aria-label", "tags");
    tags.forEach((tag) => list.append(element("li", "familiar-tag", tag)));
    body.append(list);
  }

  const reasons = report.action === "none" ? [] : plainReasons(report);
  if (reasons.length) {
    const list = element("ul", "familiar-reasons");
    list.setAttribute("aria-label", "why");
    reasons.forEach((text) => list.append(sentence("li", "familiar-reason", text)));
    body.append(list);
  }
  return body;
}

/** Builds the banner for `report`; handlers are optional async callbacks for the buttons. */
export function buildBanner(report, handlers = {}) {
  const level = LEVELS[report.action] ? report.action : "warn";
  const root = element("section", `familiar-banner familiar-${level}`);
  root.setAttribute("role", LEVELS[level].role);
  root.setAttribute("aria-label", "familiar");
  root.lang = "en";
  root.dir = "ltr";
  root.dataset.action = level;

  root.append(score(report), details({ ...report, action: level }));
  if (report.tags.includes(KNOWN)) {
    const mark = element("span", "familiar-known", "✓ Known correspondent");
    mark.title = "You have had ordinary mail from this sender before";
    root.append(mark);
  }
  root.append(actions({ ...report, action: level }, handlers));
  return root;
}

/** Replaces the contents of `container` with the banner for `report`. */
export function renderBanner(container, report, handlers = {}) {
  const banner = buildBanner(report, handlers);
  container.replaceChildren(banner);
  return banner;
}
