// The add-on's message protocol: every command that crosses between the options page, the
// message display script and the background page is named here and nowhere else. The
// background page has the only runtime.onMessage listener and dispatches on these names.

export const COMMANDS = Object.freeze({
  // Message display script -> background: the report for the message shown in its tab.
  REPORT_FOR_DISPLAYED: "report-for-displayed",
  // Banner buttons; both act on the message displayed in the sender's tab.
  MARK_NORMAL: "mark-normal",
  REPORT: "report",
  // Options page -> background.
  OPT_IN: "opt-in",
  OPT_OUT: "opt-out",
  PAUSE: "pause-bootstrap",
  RESUME: "resume-bootstrap",
  CANCEL: "cancel-bootstrap",
  EXPORT: "export-baseline",
  IMPORT: "import-baseline",
  ERASE: "erase-baseline",
});

/** A command message; `details` carries the command's own fields. */
export function command(name, details = {}) {
  return { command: name, ...details };
}
