//! The built-in example mailbox: a small company's inbox over eight months, telling the
//! story familiar exists for. A supplier writes every week; her account is taken over and
//! sends a Canva "invoice" and a Dropbox "document"; the next day she warns that her account
//! was compromised; an impostor with a look-alike domain asks for a change of bank details;
//! colleagues, a newsletter and a new client write as usual. Generated, not stored, so that
//! the story is readable here and costs no bytes in the WebAssembly module.

use crate::mailbox;

/// The mailbox owner.
pub const OWNER: &str = "sam@ourfirm.example";

const SUPPLIER: &str = "Anna Berg <anna.berg@northwind-supplies.example>";
const COLLEAGUE: &str = "Bob Stone <bob@ourfirm.example>";
const NEWSLETTER: &str = "Tools Weekly <news@toolsweekly.example>";

/// Seconds since the epoch of 2026-01-05 (a Monday) 00:00 UTC.
const START: i64 = 1_767_571_200;
const DAY: i64 = 86_400;

/// A small deterministic generator, so that the mailbox is the same on every machine.
struct Lcg(u64);

impl Lcg {
    fn pick<'a>(&mut self, options: &[&'a str]) -> &'a str {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        options[((self.0 >> 33) as usize) % options.len()]
    }
}

/// Every message of the example, in file order (which is not time order).
pub fn mailbox() -> Vec<Vec<u8>> {
    let mut rng = Lcg(7);
    let mut out = Vec::new();
    for week in 0..30 {
        let at = START + week * 7 * DAY + 9 * 3600 + (week % 5) * 1800;
        out.push(supplier_mail(&mut rng, week as usize, at));
        if week % 2 == 0 {
            out.push(colleague_mail(&mut rng, week as usize, at + DAY + 3600));
        }
        if week % 3 == 0 {
            out.push(owner_mail(&mut rng, week as usize, at + 2 * DAY));
        }
        if week % 4 == 1 {
            out.push(newsletter(week as usize, at + 3 * DAY));
        }
    }
    let wave = START + 30 * 7 * DAY;
    out.extend(compromise(wave));
    out.push(new_client(wave + 2 * DAY + 10 * 3600));
    out.push(colleague_mail(&mut rng, 31, wave + 2 * DAY + 14 * 3600));
    out
}

fn date(ts: i64, offset_hours: i64) -> String {
    mailbox::rfc5322_date(ts, offset_hours * 3600)
}

/// The supplier's habits: Thunderbird, her company's server, DKIM, Central European time.
fn supplier_headers(ts: i64, id: &str, subject: &str) -> String {
    format!(
        "Received: from mx.ourfirm.example (mx.ourfirm.example [192.0.2.25])\n\
         \tby mail.ourfirm.example with ESMTPS; {date}\n\
         Received: from mail.northwind-supplies.example (mail.northwind-supplies.example \
         [203.0.113.10])\n\tby mx.ourfirm.example with ESMTPS; {date}\n\
         Authentication-Results: mx.ourfirm.example; spf=pass; dkim=pass \
         header.d=northwind-supplies.example; dmarc=pass\n\
         DKIM-Signature: v=1; a=rsa-sha256; d=northwind-supplies.example; s=mail; b=x\n\
         Message-ID: <{id}@northwind-supplies.example>\n\
         Date: {date}\n\
         MIME-Version: 1.0\n\
         User-Agent: Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 \
         Thunderbird/128.5.0\n\
         Content-Language: en-GB\n\
         From: {SUPPLIER}\n\
         To: Sam Owner <{OWNER}>\n\
         Subject: {subject}\n\
         Content-Type: text/plain; charset=UTF-8; format=flowed\n\
         Content-Transfer-Encoding: 7bit\n\n",
        date = date(ts, 1),
    )
}

fn supplier_mail(rng: &mut Lcg, n: usize, ts: i64) -> Vec<u8> {
    let subject = rng.pick(&[
        "Delivery schedule for next week",
        "Re: Order confirmation",
        "Updated price list",
        "Re: Pallet count for the next shipment",
        "Stock levels",
    ]);
    let open = rng.pick(&[
        "thanks for your order, it is packed and will leave our warehouse on Thursday.",
        "the delivery for your workshop is confirmed for Tuesday morning.",
        "attached to our portal you will find the new price list; nothing changes for your \
         standing order.",
        "we counted twelve pallets for the next shipment, one more than last time.",
        "the stainless fittings are back in stock, so your back order can ship this week.",
    ]);
    let middle = rng.pick(&[
        "Our driver will call about an hour before arrival, as usual.",
        "If anything is missing, just reply and I will sort it out.",
        "The invoice will follow with the delivery note, payable to the usual account.",
        "Let me know if the loading dock is free before ten.",
        "As agreed, the discount applies to the whole quarter.",
    ]);
    let body = format!(
        "Hi Sam,\n\n{} {}\n\n{}\n\nBest regards,\nAnna\n\n-- \nAnna Berg | Northwind Supplies\n\
         Customer accounts, +44 20 7946 0000\n",
        capitalise(open),
        if n.is_multiple_of(2) {
            "Everything is on schedule."
        } else {
            "Thank you for your patience."
        },
        middle
    );
    let mut mail = supplier_headers(ts, &format!("nw{n:04}.{ts}"), subject);
    mail.push_str(&body);
    mail.into_bytes()
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

fn colleague_mail(rng: &mut Lcg, n: usize, ts: i64) -> Vec<u8> {
    let subject = rng.pick(&[
        "Team lunch",
        "Re: Workshop rota",
        "Customer visit",
        "Van service",
    ]);
    let text = rng.pick(&[
        "Quick one: can you cover the front desk on Friday afternoon? I have the dentist.",
        "The van is booked in for its service next week, so deliveries go by courier.",
        "Lunch on Thursday at the usual place? I booked a table for six.",
        "The customer from Leeds wants to visit the workshop; I suggested the 14th.",
    ]);
    format!(
        "Received: from outbound.ourfirm.example (outbound.ourfirm.example [192.0.2.30])\n\
         \tby mail.ourfirm.example with ESMTPS; {date}\n\
         Authentication-Results: mx.ourfirm.example; spf=pass; dkim=pass \
         header.d=ourfirm.example; dmarc=pass\n\
         From: {COLLEAGUE}\nTo: Sam Owner <{OWNER}>\nSubject: {subject}\n\
         Date: {date}\nMessage-ID: <bob{n}.{ts}@ourfirm.example>\n\
         X-Mailer: Microsoft Outlook 16.0\nMIME-Version: 1.0\n\
         Content-Type: text/plain; charset=\"us-ascii\"\n\n\
         Hi Sam,\n\n{text}\n\nCheers,\nBob\n",
        date = date(ts, 1)
    )
    .into_bytes()
}

fn owner_mail(rng: &mut Lcg, n: usize, ts: i64) -> Vec<u8> {
    let to = if n.is_multiple_of(2) {
        SUPPLIER
    } else {
        COLLEAGUE
    };
    let text = rng.pick(&[
        "Thanks, that works for us.",
        "Noted, see you then.",
        "Perfect, thank you.",
    ]);
    format!(
        "From: Sam Owner <{OWNER}>\nTo: {to}\nSubject: Re: your message\nDate: {}\n\
         Message-ID: <sam{n}.{ts}@ourfirm.example>\nMIME-Version: 1.0\n\
         Content-Type: text/plain; charset=UTF-8\n\n{text}\n\nSam\n",
        date(ts, 1)
    )
    .into_bytes()
}

fn newsletter(n: usize, ts: i64) -> Vec<u8> {
    format!(
        "Received: from mailer.toolsweekly.example (mailer.toolsweekly.example [198.51.100.20])\n\
         \tby mx.ourfirm.example with ESMTPS; {date}\n\
         From: {NEWSLETTER}\nTo: {OWNER}\nSubject: Tools Weekly #{n}: new cordless drills\n\
         Date: {date}\nMessage-ID: <tw{n}.{ts}@toolsweekly.example>\nMIME-Version: 1.0\n\
         List-Unsubscribe: <https://toolsweekly.example/unsubscribe>\n\
         Content-Type: text/html; charset=UTF-8\n\n\
         <html><body><h1>This week in tools</h1><p>Our pick of the new cordless drills and a \
         look at workshop dust extraction.</p><p><a href=\"https://toolsweekly.example/issue/{n}\">\
         Read the issue</a></p><p>You are receiving this because you subscribed. \
         <a href=\"https://toolsweekly.example/unsubscribe\">Unsubscribe</a></p></body></html>\n",
        date = date(ts, 0)
    )
    .into_bytes()
}

/// The supplier's account is taken over: webmail from elsewhere, at night, a Canva
/// "invoice" and a Dropbox "document"; then her genuine warning the next day; then an
/// impostor on a look-alike domain asking for new bank details.
fn compromise(at: i64) -> Vec<Vec<u8>> {
    let night = at + 2 * 3600 + 17 * 60;
    let hijacked = |ts: i64, id: &str, subject: &str, body: &str| {
        format!(
            "Received: from mx.ourfirm.example (mx.ourfirm.example [192.0.2.25])\n\
             \tby mail.ourfirm.example with ESMTPS; {date}\n\
             Received: from webmail-7.hostingfarm.example (unknown [185.220.101.47])\n\
             \tby mx.ourfirm.example with ESMTPSA; {date}\n\
             Authentication-Results: mx.ourfirm.example; spf=pass; dkim=none; dmarc=pass\n\
             Message-ID: <{id}>\nDate: {date}\n\
             From: {SUPPLIER}\nTo: {OWNER}\nSubject: {subject}\nMIME-Version: 1.0\n\
             X-Mailer: Roundcube Webmail/1.6.0\n\
             Content-Type: text/html; charset=UTF-8\n\n{body}",
            date = date(ts, 0)
        )
        .into_bytes()
    };
    let canva = hijacked(
        night,
        "a81c1f0e3b2d4e5f9a7b@hostingfarm.example",
        "Updated invoice - action required",
        "<html><body><p>Good day,</p><p>I have shared the updated invoice with you. Kindly \
         review it and confirm the payment details before end of day.</p>\
         <p><a href=\"https://www.canva.com/design/DAGx1Yk2/view\">View Document</a></p>\
         <p>Regards</p></body></html>\n",
    );
    let dropbox = hijacked(
        night + 25 * 60,
        "c22e5d1f8b9a4c3e8d6f@hostingfarm.example",
        "Statement of account",
        "<html><body><p>Hello,</p><p>Please see the statement of account shared via \
         Dropbox. You need to sign in to view the file.</p>\
         <p><a href=\"https://www.dropbox.com/scl/fi/k2x9/statement.html\">Review Statement</a>\
         </p></body></html>\n",
    );
    let mut warning = supplier_headers(
        at + DAY + 10 * 3600,
        "nw9001.warning",
        "Please ignore my last emails",
    );
    warning.push_str(
        "Hi Sam,\n\nSorry for the trouble: my mailbox was compromised last night and someone \
         sent messages in my name. Please ignore my last emails and do not open anything in \
         them. Our IT team has locked the account down.\n\nBest regards,\nAnna\n\n-- \n\
         Anna Berg | Northwind Supplies\nCustomer accounts, +44 20 7946 0000\n",
    );
    let impostor = format!(
        "Received: from mail.northwind-suppl1es.example (mail.northwind-suppl1es.example \
         [198.51.100.66])\n\tby mx.ourfirm.example with ESMTPS; {date}\n\
         Authentication-Results: mx.ourfirm.example; spf=pass; dkim=pass \
         header.d=northwind-suppl1es.example; dmarc=pass\n\
         From: Anna Berg <anna.berg@northwind-suppl1es.example>\nTo: {OWNER}\n\
         Subject: Change of bank details\nDate: {date}\n\
         Message-ID: <ax77.{ts}@northwind-suppl1es.example>\nMIME-Version: 1.0\n\
         Content-Type: text/plain; charset=UTF-8\n\n\
         Hi Sam,\n\nPlease note that our bank details have changed. From today, please pay \
         the outstanding invoice to our new account, IBAN GB33 BUKB 2020 1555 5555 55. \
         This is urgent as the old account closes on Friday.\n\nBest regards,\nAnna\n",
        ts = at + DAY + 15 * 3600,
        date = date(at + DAY + 15 * 3600, 1),
    );
    vec![canva, dropbox, warning.into_bytes(), impostor.into_bytes()]
}

fn new_client(ts: i64) -> Vec<u8> {
    format!(
        "Received: from smtp.newclient.example (smtp.newclient.example [203.0.113.80])\n\
         \tby mx.ourfirm.example with ESMTPS; {date}\n\
         From: Carla Diaz <carla@newclient.example>\nTo: {OWNER}\n\
         Subject: Question about custom brackets\nDate: {date}\n\
         Message-ID: <cd1.{ts}@newclient.example>\nMIME-Version: 1.0\n\
         Content-Type: text/plain; charset=UTF-8\n\n\
         Hello,\n\nA colleague recommended your workshop. Do you make custom steel brackets \
         in small runs of about fifty pieces? If so, what lead time should we expect?\n\n\
         Kind regards,\nCarla Diaz\n",
        date = date(ts, 1)
    )
    .into_bytes()
}
