// The banner: one report turned into a small block of DOM that any host (the demo page, a
// mail client's message pane) can place. It owns wording and layout only. Everything that
// comes from the message (names, subject, reasons that quote it) is set with textContent in
// an element with dir="auto" and isolated bidi, so markup stays text and right-to-left
// tricks cannot reorder the banner around it.

const MAX_TAGS = 3;
const MAX_REASONS = 4;
const MAX_NAME_CHARS = 80;
const KNOWN = "Known Correspondent";
const FIRST = "First Contact";
// The product's own claim leads when present; the rest follow their strongest reason.
const LEADING_TAG = "Out of Character";

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

/** Text that came from the message: inert, direction of its own, isolated from ours. */
function foreign(tag, className, text) {
  const node = element(tag, `familiar-isolate ${className ?? ""}`.trim(), text);
  node.dir = "auto";
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
  return shorten(who || "this sender", MAX_NAME_CHARS);
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
    body.append(foreign("p", "familiar-headline", report.headline));
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
    reasons.forEach((text) => list.append(foreign("li", "familiar-reason", text)));
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
