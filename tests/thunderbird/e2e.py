#!/usr/bin/env python3
"""End-to-end test of the Thunderbird add-on in a real Thunderbird under Xvfb.

A fresh profile gets Local Folders holding the engine's example mailbox (Inbox and Sent),
an identity for the mailbox owner, and the built add-on. Thunderbird starts with Marionette;
the test opts in the way a user does, by clicking "Turn on familiar" on the add-on's options
page, waits for the first pass over the folders, then opens messages and reads the banner
from the message pane. Screenshots go to artifacts/thunderbird-*.png.

No request may leave: Thunderbird's proxy is a local socket that records every request and
answers none, and an observer in Thunderbird records every HTTP channel and who opened it.
Nothing the add-on opens may be beyond its own moz-extension:// files; at the end the add-on's
options page is sent to an outside address on purpose, and both recorders must see it.

Every check prints "ok" or "FAIL" and the last line counts them: "N passed, N failed".
"""

import base64
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

from marionette_driver.marionette import Marionette

ROOT = Path(__file__).resolve().parents[2]
XPI = ROOT / "target" / "familiar-thunderbird.xpi"
ARTIFACTS = ROOT / "artifacts"
THUNDERBIRD = os.environ.get("THUNDERBIRD", "/usr/bin/thunderbird")
ADDON_ID = "familiar@familiar.example"
# Fixed through the extensions.webextensions.uuids pref, so the options page has a known URL.
ADDON_UUID = "0f9a6b2e-5d3c-4e1a-9b7d-4a6c2e8f1d35"
OPTIONS_URL = f"moz-extension://{ADDON_UUID}/options/options.html"
OWNER = "sam@ourfirm.example"

HIJACKED = "Updated invoice - action required"
WARNING = "Please ignore my last emails"

STARTUP_S = 60
BOOTSTRAP_S = 120
BANNER_S = 30
# TEST-NET-2 (RFC 5737): an address that is never anyone's server.
CONTROL_URL = "http://198.51.100.1/familiar-control"

checks = {"passed": 0, "failed": 0}


def check(name, condition, detail=""):
    checks["passed" if condition else "failed"] += 1
    print(f"{'ok  ' if condition else 'FAIL'} {name}{f' ({detail})' if detail else ''}", flush=True)
    return condition


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pref(name, value):
    return f"user_pref({json.dumps(name)}, {json.dumps(value)});\n"


def make_profile(profile, port, proxy_port):
    prefs = {
        # Load the add-on from <profile>/extensions without asking (TOOLCHAIN.md).
        "extensions.autoDisableScopes": 0,
        "extensions.webextensions.uuids": json.dumps({ADDON_ID: ADDON_UUID}),
        "xpinstall.signatures.required": False,
        "marionette.port": port,
        "browser.dom.window.dump.enabled": True,
        "devtools.console.stdout.chrome": True,
        "devtools.console.stdout.content": True,
        # Local Folders through prefs, with the example mailbox owner as its identity.
        "mail.accountmanager.accounts": "account1",
        "mail.accountmanager.defaultaccount": "account1",
        "mail.accountmanager.localfoldersserver": "server1",
        "mail.account.account1.server": "server1",
        "mail.account.account1.identities": "id1",
        "mail.identity.id1.useremail": OWNER,
        "mail.identity.id1.fullName": "Sam Owner",
        "mail.identity.id1.valid": True,
        "mail.server.server1.type": "none",
        "mail.server.server1.hostname": "Local Folders",
        "mail.server.server1.name": "Local Folders",
        "mail.server.server1.userName": "nobody",
        "mail.server.server1.directory-rel": "[ProfD]Mail/Local Folders",
        # Quiet first run: no default-client prompt, no start page, no indexer, no updates.
        "mail.shell.checkDefaultClient": False,
        "mail.provider.suppress_dialog_on_startup": True,
        "mailnews.start_page.enabled": False,
        "mail.rights.version": 1,
        "mail.spotlight.firstRunDone": True,
        "mailnews.database.global.indexer.enabled": False,
        "app.update.disabledForTesting": True,
        "datareporting.policy.dataSubmissionEnabled": False,
        "toolkit.telemetry.reportingpolicy.firstRun": False,
        "app.donation.eoy.version.viewed": 999,
        # Every HTTP(S) request goes to the recording proxy, which answers none of them; no
        # falling back to a direct connection, no speculative connections or prefetching.
        "network.proxy.type": 1,
        "network.proxy.http": "127.0.0.1",
        "network.proxy.http_port": proxy_port,
        "network.proxy.ssl": "127.0.0.1",
        "network.proxy.ssl_port": proxy_port,
        "network.proxy.no_proxies_on": "",
        "network.proxy.failover_direct": False,
        "network.http.speculative-parallel-limit": 0,
        "network.dns.disablePrefetch": True,
        "network.prefetch-next": False,
    }
    (profile / "user.js").write_text("".join(pref(k, v) for k, v in prefs.items()))

    folders = profile / "Mail" / "Local Folders"
    folders.mkdir(parents=True)
    counts = subprocess.run(
        ["node", str(ROOT / "tests/thunderbird/write-mbox.cjs"), str(folders)],
        check=True, capture_output=True, text=True,
    ).stdout
    extensions = profile / "extensions"
    extensions.mkdir()
    shutil.copy(XPI, extensions / f"{ADDON_ID}.xpi")
    return json.loads(counts)


class RecordingProxy:
    """A local HTTP proxy that writes down each request line and refuses it (502)."""

    def __init__(self):
        self.seen = []
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(16)
        self.port = self.server.getsockname()[1]
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(5)
                try:
                    line = conn.makefile("rb").readline(8192).decode("latin-1").strip()
                    self.seen.append(line)
                    conn.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n"
                                 b"Connection: close\r\n\r\n")
                except OSError:
                    pass

    def close(self):
        self.server.close()


def start_xvfb():
    read, write = os.pipe()
    xvfb = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", "1400x1000x24", "-nolisten", "tcp"],
        pass_fds=[write], stderr=subprocess.DEVNULL,
    )
    os.close(write)
    # Xvfb writes the display number and then a newline; closing the pipe before the
    # newline arrives would kill it with SIGPIPE.
    with os.fdopen(read) as pipe:
        display = pipe.readline().strip()
    return xvfb, f":{display}"


def connect(port):
    deadline = time.time() + STARTUP_S
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.5)
    client = Marionette(host="127.0.0.1", port=port)
    client.start_session()
    client.set_context(client.CONTEXT_CHROME)
    return client


def wait_for(what, timeout_s, probe, interval_s=0.5):
    deadline = time.time() + timeout_s
    value = probe()
    while not value and time.time() < deadline:
        time.sleep(interval_s)
        value = probe()
    return value


def screenshot(client, name):
    ARTIFACTS.mkdir(exist_ok=True)
    data = client.screenshot(format="base64", full=False)
    (ARTIFACTS / f"thunderbird-{name}.png").write_bytes(base64.b64decode(data))


# Runs in the main window's chrome scope. Records every HTTP channel Thunderbird opens, as
# [url, by]: `by` is "add-on" when one of the add-on's pages or scripts asked for it (the
# requesting principal is the add-on's, or the request comes from a frame showing one of its
# moz-extension:// pages: a navigation away is triggered by the system principal) and
# "thunderbird" otherwise.
WATCH_REQUESTS = """
  const [addonId, uuid] = arguments;
  const seen = [];
  const isAddon = (principal) =>
    principal?.addonId === addonId || Boolean(principal?.origin?.includes(uuid));
  const inAddonPage = (context) =>
    Boolean(context?.currentURI?.spec?.startsWith(`moz-extension://${uuid}/`));
  const observer = {
    observe(subject) {
      const channel = subject.QueryInterface(Ci.nsIChannel);
      const info = channel.loadInfo;
      const byAddon = isAddon(info?.triggeringPrincipal) || isAddon(info?.loadingPrincipal)
        || inAddonPage(info?.browsingContext) || inAddonPage(info?.browsingContext?.top);
      seen.push([channel.URI.spec, byAddon ? "add-on" : "thunderbird"]);
    },
  };
  Services.obs.addObserver(observer, "http-on-opening-request");
  globalThis.familiarRequests = seen;
  return true;
"""

# Runs a function in the content process of the tab showing `url` and returns its result.
# Extension pages run out of process, where the chrome context cannot reach their DOM; a
# frame script can, and it talks back through the tab's message manager.
IN_TAB = """
  const [url, source] = arguments;
  const tabmail = document.getElementById("tabmail");
  const tab = tabmail.tabInfo.find((t) => t.browser?.currentURI?.spec === url);
  if (!tab) {
    return null;
  }
  const mm = tab.browser.messageManager;
  const topic = `familiar-test-${Math.random()}`;
  return new Promise((resolve) => {
    mm.addMessageListener(topic, function reply(message) {
      mm.removeMessageListener(topic, reply);
      resolve(message.data.error ? { error: message.data.error } : message.data.value);
    });
    const script = `(async () => {
      try {
        sendAsyncMessage(${JSON.stringify(topic)}, { value: await (${source})(content) });
      } catch (error) {
        sendAsyncMessage(${JSON.stringify(topic)}, { error: String(error) });
      }
    })();`;
    mm.loadFrameScript(`data:,${encodeURIComponent(script)}`, false);
  });
"""

OPEN_OPTIONS = """
  const tabmail = document.getElementById("tabmail");
  tabmail.openTab("contentTab", { url: arguments[0] });
  return true;
"""

# Shows a Local Folders folder in the first tab; returns how many messages it lists. A fresh
# mbox has no index yet: Thunderbird builds it when the folder is first shown.
SHOW_FOLDER = """
  const [name] = arguments;
  const { MailServices } = ChromeUtils.importESModule("resource:///modules/MailServices.sys.mjs");
  const tabmail = document.getElementById("tabmail");
  tabmail.switchToTab(tabmail.tabInfo[0]);
  const about3Pane = tabmail.currentAbout3Pane;
  const folder = MailServices.accounts.localFoldersServer.rootFolder.getChildNamed(name);
  if (about3Pane.gFolder?.URI !== folder.URI) {
    about3Pane.displayFolder(folder.URI);
  }
  return about3Pane.gDBView?.rowCount ?? 0;
"""

SELECT_MESSAGE = """
  const [subject] = arguments;
  const { MailServices } = ChromeUtils.importESModule("resource:///modules/MailServices.sys.mjs");
  const tabmail = document.getElementById("tabmail");
  tabmail.switchToTab(tabmail.tabInfo[0]);
  const about3Pane = tabmail.currentAbout3Pane;
  const inbox = MailServices.accounts.localFoldersServer.rootFolder.getChildNamed("Inbox");
  if (about3Pane.gFolder?.URI !== inbox.URI) {
    about3Pane.displayFolder(inbox.URI);
  }
  const view = about3Pane.gDBView;
  for (let i = 0; i < view.rowCount; i++) {
    if (view.getMsgHdrAt(i).mime2DecodedSubject === subject) {
      about3Pane.threadTree.selectedIndex = i;
      about3Pane.threadTree.scrollToIndex(i);
      return i;
    }
  }
  return -1;
"""

# Clicks the banner's "This is normal for ..." button in the message pane.
CLICK_NORMAL = """
  const about3Pane = document.getElementById("tabmail").currentAbout3Pane;
  const doc = about3Pane.messageBrowser.contentWindow.getMessagePaneBrowser().contentDocument;
  const button = doc?.querySelector(".familiar-host .familiar-primary");
  button?.click();
  return Boolean(button);
"""

# The familiar host element in the message pane, as the user would read it.
READ_PANE = """
  const tabmail = document.getElementById("tabmail");
  const about3Pane = tabmail.currentAbout3Pane;
  const pane = about3Pane.messageBrowser.contentWindow.getMessagePaneBrowser();
  const doc = pane.contentDocument;
  if (!doc) {
    return { error: "message pane not reachable", remote: pane.isRemoteBrowser };
  }
  const host = doc.querySelector(".familiar-host");
  const subject = about3Pane.gDBView.hdrForFirstSelectedMessage?.mime2DecodedSubject;
  if (!host) {
    return { subject, host: false, body: doc.body?.textContent?.slice(0, 80) };
  }
  const banner = host.querySelector(".familiar-banner");
  return {
    subject,
    host: true,
    state: host.dataset.familiar,
    banner: Boolean(banner),
    action: banner?.dataset.action ?? null,
    title: banner?.querySelector(".familiar-title")?.textContent ?? null,
    headline: banner?.querySelector(".familiar-headline")?.textContent ?? null,
    score: banner?.querySelector(".familiar-score-value")?.textContent ?? null,
    known: Boolean(host.querySelector(".familiar-known")),
    buttons: [...host.querySelectorAll("button")].map((b) => b.textContent),
  };
"""


def opt_in_through_options_page(client):
    """Clicks "Turn on familiar" on the options page and returns the folder boxes' states."""
    client.execute_script(OPEN_OPTIONS, script_args=[OPTIONS_URL])
    ready = wait_for("options page", 20, lambda: in_options_page(
        client, "(content) => Boolean(content.document.querySelector('#folders input'))"))
    if not ready:
        return []
    return in_options_page(client, """(content) => {
      const d = content.document;
      const boxes = [...d.querySelectorAll("#folders input")];
      const checked = boxes.map((b) => b.parentElement.textContent.trim() + "=" + b.checked);
      d.getElementById("enable").click();
      return checked;
    }""")


# Asks the options page to fetch a remote address and reports what its CSP said about it.
TRY_REMOTE_FETCH = """(content) => new Promise((resolve) => {
  content.document.addEventListener("securitypolicyviolation", (event) =>
    resolve(`refused by ${event.violatedDirective}`));
  content.fetch("http://192.0.2.1/familiar").then(() => resolve("fetched"), () => {});
  content.setTimeout(() => resolve("no CSP violation"), 5000);
})"""


def read_progress(client):
    return in_options_page(client, """(content) => {
      const d = content.document;
      return [d.getElementById("bootstrap").dataset.status ?? "",
              d.getElementById("status").textContent];
    }""") or ["", ""]


def in_options_page(client, source):
    """Runs `source(content)` in the options page (an out-of-process extension page)."""
    return client.execute_script(IN_TAB, script_args=[OPTIONS_URL, source], script_timeout=15000)


def main():
    if not check("the add-on was built", XPI.exists(), str(XPI)):
        return
    with zipfile.ZipFile(XPI) as xpi:
        manifest = json.loads(xpi.read("manifest.json"))
    check("the manifest asks for no host permissions",
          not [p for p in manifest.get("permissions", []) if "://" in p or p == "<all_urls>"])
    csp = manifest.get("content_security_policy", "")
    check("the CSP allows scripts only from the add-on",
          "script-src 'self' 'wasm-unsafe-eval'" in csp and "default-src 'self'" in csp, csp)

    workdir = Path(tempfile.mkdtemp(prefix="familiar-tb-"))
    profile = workdir / "profile"
    profile.mkdir()
    port = free_port()
    proxy = RecordingProxy()
    counts = make_profile(profile, port, proxy.port)
    print(f"profile {profile}: {counts}", flush=True)

    xvfb, display = start_xvfb()
    log = open(workdir / "thunderbird.log", "w")
    env = dict(os.environ, DISPLAY=display, MOZ_CRASHREPORTER_DISABLE="1")
    thunderbird = subprocess.Popen(
        [THUNDERBIRD, "--profile", str(profile), "--no-remote", "--marionette",
         "--remote-allow-system-access"],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    client = None
    try:
        client = connect(port)
        client.execute_script(WATCH_REQUESTS, script_args=[ADDON_ID, ADDON_UUID],
                              new_sandbox=False, sandbox="familiar")
        time.sleep(2)  # Local Folders appear to extensions about a second after start.

        # The user has looked at their mail before: Thunderbird has indexed both folders.
        for name, expected in [("Sent", counts["sent"]), ("Inbox", counts["inbox"])]:
            shown = wait_for(name, 30, lambda: client.execute_script(
                SHOW_FOLDER, script_args=[name]) == expected)
            check(f"Thunderbird lists the {expected} messages of {name}", bool(shown))

        defaults = opt_in_through_options_page(client)
        check("Inbox and Sent are chosen by default",
              sorted(d.split(": ")[-1] for d in defaults if d.endswith("=true"))
              == ["Inbox=true", "Sent=true"], str(defaults))
        started = time.time()
        done = wait_for("bootstrap", BOOTSTRAP_S, lambda: read_progress(client)[0] == "done")
        elapsed = time.time() - started
        bar, status = read_progress(client)
        check("the first pass over Inbox and Sent finished", bool(done), status)
        print(f"bootstrap: {elapsed:.1f} s wall clock; options page says: {status}", flush=True)
        screenshot(client, "options")

        for subject, name in [(HIJACKED, "hold"), (WARNING, "no-banner")]:
            index = client.execute_script(SELECT_MESSAGE, script_args=[subject])
            check(f"found {subject!r} in the Inbox", index >= 0)
            pane = wait_for("banner", BANNER_S, lambda: (
                lambda p: p if p.get("subject") == subject and p.get("state") not in (None, "pending") else None
            )(client.execute_script(READ_PANE)))
            pane = pane or client.execute_script(READ_PANE)
            print(f"{subject}: {json.dumps(pane)}", flush=True)
            screenshot(client, name)
            if name == "hold":
                check("the hijacked invoice shows a banner", pane.get("banner") is True)
                check("the banner's action is hold", pane.get("action") == "hold", pane.get("action"))
                check("the headline says it is unlike the sender",
                      "Unlike Anna Berg's usual mail" in (pane.get("headline") or ""),
                      pane.get("headline"))
                check("the banner offers 'This is normal for' and 'Report'",
                      any(b.startswith("This is normal for") for b in pane.get("buttons", []))
                      and "Report" in pane.get("buttons", []))
            else:
                check("the sender's own warning shows no banner",
                      pane.get("host") is True and not pane.get("banner"), pane.get("state"))
                check("it shows the quiet known-correspondent mark", pane.get("known") is True)

        index = client.execute_script(SELECT_MESSAGE, script_args=["Statement of account"])
        wait_for("banner", BANNER_S, lambda: client.execute_script(READ_PANE).get("state") == "hold")
        clicked = client.execute_script(CLICK_NORMAL)
        learned = wait_for("learned", BANNER_S,
                           lambda: client.execute_script(READ_PANE).get("state") == "learned")
        check("'This is normal for' teaches the baseline without an error",
              clicked and bool(learned), client.execute_script(READ_PANE).get("state"))

        refused = in_options_page(client, TRY_REMOTE_FETCH)
        check("the add-on's CSP refuses a remote fetch", str(refused).startswith("refused"),
              str(refused))

        requests = client.execute_script("return globalThis.familiarRequests;",
                                          new_sandbox=False, sandbox="familiar")
        by_addon = [url for url, by in requests if by == "add-on"]
        own = [url for url, by in requests if by == "thunderbird"]
        check("the add-on opened no HTTP channel", by_addon == [], str(by_addon))
        # Thunderbird's own requests (none in this profile so far) are not the add-on's
        # business, but nothing else may have reached the proxy.
        hosts = {urlsplit(url).netloc for url in own}
        stray = [line for line in proxy.seen if not any(h and h in line for h in hosts)]
        check("nothing else reached the network", stray == [], str(proxy.seen))
        print(f"requests: add-on {len(by_addon)}, Thunderbird's own {len(own)} {own}, "
              f"through the proxy {len(proxy.seen)}", flush=True)

        # Positive control: the add-on's own page leaves for the outside (a navigation,
        # which no CSP governs). Both recorders must see it, and the proxy refuses it.
        leave = f"(content) => {{ content.location.href = {json.dumps(CONTROL_URL)}; return 1; }}"
        in_options_page(client, leave)
        seen = wait_for("control", 20, lambda: any(line.startswith(f"GET {CONTROL_URL}")
                                                   for line in proxy.seen))
        check("the proxy sees a request the add-on's page makes on purpose", bool(seen),
              str(proxy.seen))
        requests = client.execute_script("return globalThis.familiarRequests;",
                                          new_sandbox=False, sandbox="familiar")
        check("the observer puts that request down to the add-on",
              [CONTROL_URL, "add-on"] in requests, str(requests[-3:]))
    finally:
        if client:
            try:
                client.delete_session()
            except Exception:
                pass
        thunderbird.terminate()
        try:
            thunderbird.wait(15)
        except subprocess.TimeoutExpired:
            thunderbird.kill()
        xvfb.terminate()
        proxy.close()
        log.close()
        if checks["failed"] or sys.exc_info()[0] is not None:
            print(f"Thunderbird's log: {workdir / 'thunderbird.log'}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    try:
        main()
    except Exception as error:  # A crash is a failed check, reported as such.
        check("the test ran to the end", False, f"{type(error).__name__}: {error}")
    print(f"{checks['passed']} passed, {checks['failed']} failed")
    sys.exit(1 if checks["failed"] else 0)
