// Small helpers every familiar page needs: telling a broken engine from a failed call, and
// handing the user a file. Nothing here touches message data.

/** An engine that trapped or is stuck mid-call cannot be trusted again: replace it. */
export function isBroken(error) {
  return (
    error instanceof WebAssembly.RuntimeError ||
    /recursive use|unsafe aliasing|null pointer|unreachable/i.test(String(error?.message))
  );
}

/** Offers `text` to the user as a JSON file called `name`. */
export function download(name, text) {
  const url = URL.createObjectURL(new Blob([text], { type: "application/json" }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
