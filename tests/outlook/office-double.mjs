// A test double of Outlook's side of Office.js, injected into the task pane before any of its
// scripts run. The real office.js still loads (from the pane's own server); this replaces
// only what Outlook would provide: Office.onReady reporting an Outlook host, and
// Office.context with the mailbox, the open item and the requirement sets.
//
// It implements exactly the API surface the pane uses, and enforces Outlook's documented
// rules rather than trusting the pane to follow them (Office.js reference,
// NotificationMessages): a message of at most 150 characters, a key of at most 32, at most
// 5 notifications per item, icon and persistent only on informational messages. Every
// callback gets an AsyncResult { status, value, error, asyncContext }, a turn later.
//
// The function is serialised into the page, so it must not use anything from this module.

export function installOfficeDouble(config) {
  const MAX_MESSAGE_CHARS = 150;
  const MAX_KEY_CHARS = 32;
  const MAX_NOTIFICATIONS = 5;
  const TYPES = ["informationalMessage", "errorMessage", "progressIndicator", "insightMessage"];

  const state = {
    handlers: [],
    violations: [],
    calls: [],
    current: config.open ?? 0,
    notifications: config.messages.map(() => new Map()),
  };

  function later(callback, result) {
    setTimeout(() => callback?.({ asyncContext: undefined, ...result }), 0);
  }

  function succeeded(callback, value) {
    later(callback, { status: "succeeded", value });
  }

  function failed(callback, name, message, code = 9999) {
    later(callback, { status: "failed", value: undefined, error: { name, message, code } });
  }

  /** Office.js methods take (required..., [options], [callback]). */
  function callbackOf(args) {
    return args.findLast((arg) => typeof arg === "function");
  }

  /** Requirement set versions compare part by part: 1.8 is older than 1.14. */
  function isAtMost(version, newest) {
    const [major, minor = 0] = String(version).split(".").map(Number);
    const [topMajor, topMinor = 0] = String(newest).split(".").map(Number);
    return major < topMajor || (major === topMajor && minor <= topMinor);
  }

  function violation(text) {
    state.violations.push(text);
  }

  function headerBlock(eml) {
    const end = eml.search(/\r?\n\r?\n/);
    return end < 0 ? eml : eml.slice(0, end);
  }

  function bodyOf(eml) {
    const match = /\r?\n\r?\n/.exec(eml);
    return match ? eml.slice(match.index + match[0].length) : "";
  }

  function header(eml, name) {
    const unfolded = headerBlock(eml).replace(/\r?\n[ \t]+/g, " ");
    const line = unfolded.split(/\r?\n/).find((l) => l.toLowerCase().startsWith(`${name}:`));
    return line ? line.slice(name.length + 1).trim() : "";
  }

  function base64(text) {
    const bytes = new TextEncoder().encode(text);
    let binary = "";
    bytes.forEach((b) => (binary += String.fromCharCode(b)));
    return btoa(binary);
  }

  function checkNotification(list, key, details) {
    if (typeof key !== "string" || key.length === 0 || key.length > MAX_KEY_CHARS) {
      return "the key must be 1 to 32 characters";
    }
    if (!TYPES.includes(details?.type)) {
      return `unknown notification type ${details?.type}`;
    }
    if (typeof details.message !== "string" || details.message.length > MAX_MESSAGE_CHARS) {
      return `the message is ${details.message?.length} characters, over 150`;
    }
    const isInformational = details.type === "informationalMessage";
    if (isInformational && (typeof details.icon !== "string" || details.persistent === undefined)) {
      return "an informational message needs icon and persistent";
    }
    if (!isInformational && ("icon" in details || "persistent" in details)) {
      return "icon and persistent apply to informational messages only";
    }
    if (!list.has(key) && list.size >= MAX_NOTIFICATIONS) {
      return "NumberOfNotificationMessagesExceeded";
    }
    return null;
  }

  function makeItem(index) {
    const { eml, fail = [] } = config.messages[index];
    const fromHeader = header(eml, "from");
    const address = (/<([^>]+)>/.exec(fromHeader) ?? [null, fromHeader])[1];
    const list = state.notifications[index];
    const failing = (name, callback) => {
      state.calls.push(name);
      if (fail.includes(name)) {
        failed(callback, "GenericResponseError", "An internal error has occurred.", 9020);
        return true;
      }
      return false;
    };

    const item = {
      itemType: "message",
      itemId: `item-${index}`,
      internetMessageId: header(eml, "message-id"),
      subject: header(eml, "subject"),
      from: { emailAddress: address, displayName: fromHeader.replace(/<[^>]+>/, "").trim() },
      getAllInternetHeadersAsync(...args) {
        const callback = callbackOf(args);
        if (!failing("getAllInternetHeadersAsync", callback)) {
          succeeded(callback, `${headerBlock(eml)}\r\n`);
        }
      },
      body: {
        getAsync(coercionType, ...args) {
          const callback = callbackOf(args);
          if (!["text", "html"].includes(coercionType)) {
            violation(`body.getAsync with coercion ${coercionType}`);
          }
          if (!failing("body.getAsync", callback)) {
            const body = bodyOf(eml);
            const isHtml = /^\s*text\/html/i.test(header(eml, "content-type"));
            const text = coercionType === "text" && isHtml ? body.replace(/<[^>]*>/g, " ") : body;
            succeeded(callback, text);
          }
        },
      },
      notificationMessages: {
        replaceAsync(key, details, ...args) {
          const callback = callbackOf(args);
          if (failing("notificationMessages.replaceAsync", callback)) {
            return;
          }
          const problem = checkNotification(list, key, details);
          if (problem) {
            violation(problem);
            failed(callback, "InvalidParameter", problem, 9041);
            return;
          }
          list.set(key, { key, ...details });
          succeeded(callback);
        },
        removeAsync(key, ...args) {
          list.delete(key);
          succeeded(callbackOf(args));
        },
        getAllAsync(...args) {
          succeeded(callbackOf(args), [...list.values()]);
        },
      },
    };
    if (isAtMost("1.14", config.mailboxVersion)) {
      item.getAsFileAsync = (...args) => {
        const callback = callbackOf(args);
        if (!failing("getAsFileAsync", callback)) {
          succeeded(callback, base64(eml));
        }
      };
    }
    return item;
  }

  const mailbox = {
    item: makeItem(state.current),
    userProfile: { emailAddress: config.user, displayName: "Mailbox Owner" },
    diagnostics: { hostName: "OutlookWebApp", hostVersion: "16.0" },
    addHandlerAsync(eventType, handler, ...args) {
      if (eventType !== "olkItemSelectedChanged") {
        violation(`handler for unknown event ${eventType}`);
      }
      state.handlers.push(handler);
      succeeded(callbackOf(args.filter((a) => a !== handler)));
    },
  };

  const context = {
    mailbox,
    partitionKey: config.partitionKey,
    requirements: {
      isSetSupported(name, version = "1.1") {
        return name === "Mailbox" && isAtMost(version, config.mailboxVersion);
      },
    },
  };

  /** What a test sees and drives: open another message, read notifications. */
  window.__outlook = {
    open(index) {
      state.current = index;
      mailbox.item = index === null ? null : makeItem(index);
      state.handlers.forEach((h) => setTimeout(() => h({ type: "olkItemSelectedChanged" }), 0));
    },
    notifications: (index) => [...state.notifications[index ?? state.current].values()],
    violations: () => [...state.violations],
    calls: () => [...state.calls],
    handlerCount: () => state.handlers.length,
  };

  // Office.js declares `var Office` and fills it in. Its `context` cannot be redefined (it
  // is a non-configurable getter), so the page is handed a proxy: `onReady` reports an
  // Outlook host, and once Office.js has initialised, `context` is the double's.
  let office;
  let proxy;
  let isReady = false;
  const onReady = (callback) =>
    office.onReady().then(() => {
      isReady = true;
      const info = { host: "Outlook", platform: "OfficeOnline" };
      callback?.(info);
      return info;
    });
  Object.defineProperty(window, "Office", {
    configurable: true,
    get() {
      if (typeof office?.onReady !== "function") {
        return office;
      }
      proxy ??= new Proxy(office, {
        get(target, key) {
          if (key === "onReady") {
            return onReady;
          }
          if (key === "context" && isReady) {
            return context;
          }
          return Reflect.get(target, key, target);
        },
      });
      return proxy;
    },
    set(value) {
      office = value;
    },
  });
}
