// Runs inside each displayed message. Asks the background page for the message's report
// and shows the shared banner above the message for warn and hold, or only a quiet mark
// for a known correspondent. A content script cannot be an ES module, so the shared
// modules are loaded with import().

(async () => {
  const url = (path) => browser.runtime.getURL(path);
  const { COMMANDS, command } = await import(url("protocol.js"));
  const { renderBanner, senderLabel } = await import(url("shared/banner.js"));
  const KNOWN = "Known Correspondent";

  const host = document.createElement("div");
  host.className = "familiar-host";
  host.dataset.familiar = "pending";

  function say(text) {
    const note = document.createElement("p");
    note.className = "familiar-note";
    note.textContent = text;
    host.replaceChildren(note);
  }

  async function ask(name) {
    const reply = await browser.runtime.sendMessage(command(name));
    if (!reply || reply.error) {
      throw new Error(reply?.error ?? "familiar is not turned on");
    }
    return reply;
  }

  function quietMark() {
    const mark = document.createElement("span");
    mark.className = "familiar-known";
    mark.textContent = "✓ Known correspondent";
    mark.title = "You have had ordinary mail from this sender before";
    host.replaceChildren(mark);
  }

  function show(report) {
    host.dataset.familiar = report.action;
    if (report.action === "none") {
      if (report.tags.includes(KNOWN)) {
        quietMark();
      } else {
        host.replaceChildren();
      }
      return;
    }

    const who = senderLabel(report);
    renderBanner(host, report, {
      onNormal: async () => {
        try {
          await ask(COMMANDS.MARK_NORMAL);
          host.dataset.familiar = "learned";
          say(`Learned: mail like this is normal for ${who}.`);
        } catch {
          say("That did not work. The message was not learned.");
        }
      },
      onReport: async () => {
        try {
          await ask(COMMANDS.REPORT);
          host.dataset.familiar = "reported";
          say(`Reported and marked as junk. Mail from ${who} will be watched more closely.`);
        } catch {
          say("That did not work. The message was not reported.");
        }
      },
    });
  }

  document.body.prepend(host);
  try {
    show((await ask(COMMANDS.REPORT_FOR_DISPLAYED)).report);
  } catch {
    host.dataset.familiar = "unscored";
    host.replaceChildren();
  }
})();
