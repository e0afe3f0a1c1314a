// The console table: one row per replayed message (time, sender, subject, score, tags,
// action), selectable with the mouse or the keyboard. Message text goes in as textContent
// only, in bidi-isolated cells.

function cell(text, className, isForeign = false) {
  const td = document.createElement("td");
  td.textContent = text;
  if (className) {
    td.className = className;
  }
  if (isForeign) {
    td.dir = "auto";
    td.classList.add("familiar-isolate");
  }
  return td;
}

function timeOf(report) {
  if (!report || typeof report.date !== "number") {
    return "";
  }
  return new Date(report.date * 1000).toISOString().slice(0, 16).replace("T", " ");
}

function senderOf(report) {
  const name = (report.from_name || "").trim();
  return name && report.from ? `${name} <${report.from}>` : name || report.from || "";
}

export class ConsoleTable {
  constructor(table, onSelect) {
    this.body = table.tBodies[0];
    this.onSelect = onSelect;
    this.entries = [];
    this.body.addEventListener("click", (event) => this.selectRow(event.target.closest("tr")));
    this.body.addEventListener("keydown", (event) => this.onKey(event));
  }

  clear() {
    this.entries = [];
    this.body.replaceChildren();
  }

  /** Adds a row; `report` is null when the message could not be scored. */
  add(raw, report) {
    const index = this.entries.length;
    const tr = document.createElement("tr");
    tr.tabIndex = 0;
    tr.dataset.index = String(index);
    tr.dataset.action = report ? report.action : "error";
    tr.setAttribute("aria-selected", "false");

    if (report) {
      tr.append(
        cell(timeOf(report), "time"),
        cell(senderOf(report), "sender", true),
        cell(report.subject, "subject", true),
        cell(String(Math.round(report.score)), "score"),
        cell(report.tags.join(", "), "tags"),
        cell(report.action, "action"),
      );
    } else {
      tr.append(
        cell(""),
        cell(""),
        cell(""),
        cell("—", "score"),
        cell(""),
        cell("not scored", "action"),
      );
    }
    this.entries.push({ raw, report, tr });
    this.body.append(tr);
    return index;
  }

  selectRow(tr) {
    if (!tr || tr.dataset.index === undefined) {
      return;
    }
    this.body.querySelector('tr[aria-selected="true"]')?.setAttribute("aria-selected", "false");
    tr.setAttribute("aria-selected", "true");
    tr.focus();
    this.onSelect(this.entries[Number(tr.dataset.index)]);
  }

  onKey(event) {
    const tr = event.target.closest("tr");
    const moves = { ArrowDown: tr?.nextElementSibling, ArrowUp: tr?.previousElementSibling };
    if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      this.selectRow(tr);
    } else if (event.key in moves) {
      event.preventDefault();
      this.selectRow(moves[event.key]);
    }
  }
}
