// Raw messages built in code for the browser tests: a supplier who writes ordinary invoices
// for weeks, then a message from the same address that is out of character (new hour, new
// link host, asks to change bank details), then the supplier's own plain warning.

const OWNER = "owner@example.com";

export function eml({ from, name = "", to = OWNER, subject, date, body, id, extra = [] }) {
  const display = name ? `"${name}" <${from}>` : from;
  return [
    `From: ${display}`,
    `To: ${to}`,
    `Subject: ${subject}`,
    `Date: ${date.toUTCString().replace("GMT", "+0000")}`,
    `Message-ID: <${id}@test.invalid>`,
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=utf-8",
    ...extra,
    "",
    body,
    "",
  ].join("\r\n");
}

function day(n, hour) {
  return new Date(Date.UTC(2024, 0, 1 + n, hour, 12));
}

const SUPPLIER = { from: "maria.lopez@northwind-supply.com", name: "Maria Lopez" };

function invoice(n) {
  return eml({
    ...SUPPLIER,
    id: `invoice-${n}`,
    subject: `Invoice NW-${1000 + n} for your order`,
    date: day(n * 3, 9 + (n % 2)),
    body:
      `Hello,\r\n\r\nplease find the details of invoice NW-${1000 + n} below. Payment is ` +
      `due in 30 days as usual.\r\nThe order tracking page is ` +
      `https://portal.northwind-supply.com/orders/${4000 + n}\r\n\r\nKind regards,\r\n` +
      "Maria Lopez\r\nAccounts, Northwind Supply",
  });
}

export const supplier = {
  ordinary: Array.from({ length: 12 }, (_, n) => invoice(n)),
  phishing: eml({
    ...SUPPLIER,
    id: "phish",
    subject: "URGENT: updated bank details - pay today",
    date: day(40, 3),
    extra: ["Reply-To: maria.lopez.accounts@protonmail.com"],
    body:
      "Dear customer,\r\n\r\nour bank has changed. Update the beneficiary account before " +
      "paying the open invoices today, and sign in to confirm your password: " +
      "https://northwind-supply.secure-docs-login.top/verify\r\n\r\nRegards",
  }),
  warning: eml({
    ...SUPPLIER,
    id: "warning",
    subject: "Our email account was hacked",
    date: day(41, 10),
    body:
      "Hello,\r\n\r\nour email account was hacked yesterday. Please ignore the last email " +
      "from us and do not click its link.\r\n\r\nKind regards,\r\n" +
      "Maria Lopez\r\nAccounts, Northwind Supply",
  }),
};

/** The whole supplier story as one mbox file. */
export function supplierMbox() {
  const all = [...supplier.ordinary, supplier.phishing, supplier.warning];
  return all
    .map((raw) => `From MAILER-DAEMON Thu Jan  1 00:00:00 2024\n${raw.replace(/\r\n/g, "\n")}`)
    .join("\n");
}

/** A message whose display name and subject carry markup and script. */
export function hostileMessage() {
  return eml({
    from: "x@hostile.example",
    name: "<img src=x onerror=\"document.title='pwned'\">",
    subject: '<script>document.title="pwned"</script><b>bold</b>',
    id: "hostile",
    date: day(50, 12),
    body: "hello",
  });
}
