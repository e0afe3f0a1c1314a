//! Every signal in the catalogue has a message that fires it and a near miss that does not,
//! both judged against the same twenty ordinary messages from one supplier.

mod common;

use common::{Mail, engine_with_history, fired, reason};
use familiar::{SIGNALS, signals::*};

const HISTORY: usize = 20;

fn html(body: &str) -> Mail {
    Mail::usual(99)
        .set("Content-Type", "text/html; charset=UTF-8")
        .body(body)
}

fn text(body: &str) -> Mail {
    Mail::usual(99).body(body)
}

fn usual_with(extra: &str) -> Mail {
    let mut m = Mail::usual(99);
    m.body = m
        .body
        .replace("Best regards,", &format!("{extra}\n\nBest regards,"));
    m
}

fn with_attachment(name: &str, content_type: &str) -> Mail {
    Mail::usual(99)
        .set("Content-Type", "multipart/mixed; boundary=\"b1\"")
        .body(&format!(
            "--b1\nContent-Type: text/plain; charset=UTF-8; format=flowed\n\n{}\n--b1\n\
             Content-Type: {content_type}; name=\"{name}\"\n\
             Content-Disposition: attachment; filename=\"{name}\"\n\
             Content-Transfer-Encoding: base64\n\naGVsbG8=\n--b1--\n",
            Mail::usual(99).body
        ))
}

fn stranger(from: &str) -> Mail {
    Mail::usual(99)
        .set("From", from)
        .set("Message-ID", "<s1@stranger.example>")
}

/// (signal, fires, near miss)
fn cases() -> Vec<(&'static Signal, Mail, Mail)> {
    let german = "Hallo Sam,\n\nvielen Dank für die Bestellung. Die Paletten sind gepackt und der \
                  Wagen fährt am Donnerstag ab. Wenn etwas fehlt, schreiben Sie mir bitte, ich \
                  kümmere mich noch am selben Tag darum, und die Rechnung ist nicht dabei.\n\n\
                  Best regards,\nAnna\n";
    let shouting = "Hi Sam,\n\nURGENT!!! READ THIS NOW!!! THE PALLETS ARE PACKED!!! THE VAN \
                    LEAVES ON THURSDAY!!! IF ANYTHING IS MISSING REPLY NOW!!! I WILL SORT IT OUT \
                    THE SAME DAY!!! THANKS AGAIN FOR THE ORDER!!! WE APPRECIATE IT!!!\n\n\
                    Best regards,\nAnna\n";
    let other_voice = "Hey mate,\n\nso yeah lol the thing w/ the cables — got 'em sorted?? \
                       gonna need like 3 more boxes by fri or we're toast haha. ping me on the \
                       chat or whatevs, cya. also: the thing from before, ignore it, all good \
                       now :) :) tbh no idea what happened there\n\nBest regards,\nAnna\n";
    vec![
        (&NEW_CLIENT, Mail::usual(99).set("User-Agent", "Roundcube Webmail/1.6.0"),
            Mail::usual(99).set("User-Agent", "Mozilla/5.0 (Windows NT 10.0; rv:128.0) Gecko/20100101 Thunderbird/128.6.1")),
        (&NEW_MESSAGE_ID, Mail::usual(99).set("Message-ID", "<3f2a9c1e-77aa-4b1b-9c0d-1e2f3a4b5c6d@webmail.other.example>"),
            Mail::usual(99).set("Message-ID", "<n99.c3d4@supplier.example>")),
        (&NEW_ROUTE, Mail::usual(99).without("Received").set("Received", "from vps-7.hostingfarm.example (unknown [185.220.101.47]) by mx.home.example with ESMTPSA; Mon, 5 Jan 2026 09:00:00 +0000"),
            Mail::usual(99)),
        (&NEW_SIGNER, Mail::usual(99).set("DKIM-Signature", "v=1; a=rsa-sha256; d=bulkmailer.example; s=k1; b=y"),
            Mail::usual(99).set("DKIM-Signature", "v=1; a=rsa-sha256; d=supplier.example; s=k2; b=y")),
        (&NEW_TIMEZONE, Mail::usual(99).set("Date", "Tue, 20 Jan 2026 17:15:00 +0800"),
            Mail::usual(99).set("Date", "Tue, 20 Jan 2026 10:15:00 +0100")),
        (&ODD_HOUR, Mail::usual(99).set("Date", "Tue, 20 Jan 2026 03:10:00 +0100"),
            Mail::usual(99).set("Date", "Tue, 20 Jan 2026 11:10:00 +0100")),
        (&NEW_LAYOUT, html("<html><body><div class=\"WordSection1\"><p class=\"MsoNormal\">Hi Sam, the pallets are packed and the van leaves on Thursday morning. Best regards, Anna</p></div></body></html>"),
            Mail::usual(98)),
        (&NEW_LINK_DOMAIN, usual_with("The catalogue is at https://catalogue-host.example/spring"),
            usual_with("The catalogue is on our website as usual.")),
        (&NEW_ATTACHMENT_KIND, with_attachment("photo.png", "image/png"), usual_with("I will attach the photo next time.")),
        (&NEW_GREETING, text(&Mail::usual(99).body.replace("Hi Sam,", "Dear Sir or Madam,")), Mail::usual(99)),
        (&NEW_SIGNATURE, text(&Mail::usual(99).body.replace("Best regards,\nAnna", "Sincerely,\nDennis Hopper")), Mail::usual(99)),
        (&NEW_STYLE, text(other_voice), Mail::usual(97)),
        (&NEW_FORMATTING, text(shouting), Mail::usual(96)),
        (&NEW_LANGUAGE, text(german), Mail::usual(95)),
        (&NEW_REPLY_TO, Mail::usual(99).set("Reply-To", "anna.berg@freemail-host.example"),
            Mail::usual(99).set("Reply-To", "anna@supplier.example")),
        (&NEW_GENRE, usual_with("You are receiving this because you subscribed. Unsubscribe | Privacy policy"),
            usual_with("You are receiving the goods on Thursday.")),
        (&AUTH_FAILED, Mail::usual(99).set("Authentication-Results", "mx.home.example; spf=fail; dkim=none; dmarc=fail"),
            Mail::usual(99)),
        (&REPLY_TO_ELSEWHERE, stranger("Carla <carla@newclient.example>").set("Reply-To", "pay@collector.example"),
            stranger("Carla <carla@newclient.example>").set("Reply-To", "accounts@newclient.example")),
        (&LOOKALIKE_SENDER, stranger("Anna Berg <anna@suppl1er.example>"), stranger("Ana Lee <ana@unrelated-shop.example>")),
        (&FIRST_CONTACT, stranger("Carla <carla@newclient.example>"), Mail::usual(99)),
        (&KNOWN_CORRESPONDENT, Mail::usual(99), stranger("Carla <carla@newclient.example>")),
        (&CREDENTIAL_REQUEST, usual_with("Please verify your account at https://portal.supplier.example/login"),
            usual_with("Please verify your account details when you next visit.")),
        (&PAYMENT_CHANGE, usual_with("Please note our bank details have changed: new IBAN GB33BUKB20201555555555."),
            Mail::usual(94)),
        (&SHARE_LURE, usual_with("I have shared a document with you: https://docs.supplier.example/d/1"),
            usual_with("I have shared a document with you on the portal.")),
        (&URGENCY, usual_with("Urgent: please pay today at https://pay.supplier.example/x"),
            usual_with("No urgency at all.")),
        (&MONEY_BAIT, usual_with("You are the beneficiary of an unclaimed compensation fund."),
            usual_with("The fund-raiser was fun.")),
        (&FILE_SHARE_LINK, usual_with("Invoice: https://www.canva.com/design/abc/view"),
            usual_with("Invoice: https://supplier.example/invoices/7")),
        (&SHORTENED_LINK, usual_with("Invoice: https://bit.ly/3xYz"), usual_with("Invoice: https://supplier.example/i/3xYz")),
        (&IP_LINK, usual_with("Invoice: http://198.51.100.9/login"), usual_with("Printer: http://192.168.1.20/")),
        (&DECEPTIVE_LINK, html("<p>Hi Sam,</p><p>Invoice: <a href=\"https://collector.example/i\">https://supplier.example/invoice</a></p>"),
            html("<p>Hi Sam,</p><p>Invoice: <a href=\"https://supplier.example/invoice\">https://supplier.example/invoice</a></p>")),
        (&LOOKALIKE_LINK, usual_with("Portal: https://supp1ier.example/login"), usual_with("Portal: https://supplier.example/login")),
        (&RISKY_ATTACHMENT, with_attachment("invoice.html", "text/html"), with_attachment("invoice.pdf", "application/pdf")),
        (&HTML_FORM, html("<p>Hi Sam,</p><form action=\"https://collector.example/f\"><input name=p></form>"),
            html("<p>Hi Sam,</p><p>No form here.</p>")),
        (&ACTION_LINK, html("<p>Hi Sam,</p><p><a href=\"https://portal.supplier.example/\">Verify now</a></p>"),
            html("<p>Hi Sam,</p><p><a href=\"https://portal.supplier.example/\">our spring catalogue</a></p>")),
        (&ADDRESS_AS_NAME, text("Dear me@home.example,\n\nYour order is packed and the van leaves on Thursday morning as planned.\n\nBest regards,\nAnna\n"),
            text("Dear Sam,\n\nYour order is packed and the van leaves on Thursday morning as planned.\n\nBest regards,\nAnna\n")),
        (&ACCOUNT_WARNING, usual_with("My account was hacked yesterday, please ignore my last email."),
            usual_with("Please ignore the typo in my last email.")),
    ]
}

#[test]
fn every_signal_fires_on_its_fixture_and_not_on_its_near_miss() {
    let engine = engine_with_history(HISTORY);
    let cases = cases();
    let mut failures = Vec::new();
    for (signal, fires, near_miss) in &cases {
        let hit = engine.score(&fires.render());
        let miss = engine.score(&near_miss.render());
        let is_marker = signal.weight == 0.0;
        let did_fire = if is_marker {
            hit.reasons.iter().any(|r| r.signal == signal.id)
        } else {
            fired(&hit, signal.id)
        };
        let did_miss = !miss
            .reasons
            .iter()
            .any(|r| r.signal == signal.id && (is_marker || r.weight >= 0.3));
        if !did_fire {
            failures.push(format!("{} did not fire: {:?}", signal.id, hit.reasons));
        }
        if !did_miss {
            failures.push(format!(
                "{} fired on its near miss: {:?}",
                signal.id, miss.reasons
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn the_cases_cover_the_whole_catalogue() {
    let covered: Vec<&str> = cases().iter().map(|(s, _, _)| s.id).collect();
    let missing: Vec<&str> = SIGNALS
        .iter()
        .map(|s| s.id)
        .filter(|id| !covered.contains(id))
        .collect();
    assert!(missing.is_empty(), "signals without a fixture: {missing:?}");
    assert!(covered.len() >= SIGNALS.len());
}

#[test]
fn an_authentication_failure_weighs_less_from_a_sender_whose_mail_has_failed_before() {
    let failing = "mx.home.example; spf=fail; dkim=none; dmarc=fail";
    let weight = |engine: &familiar::Engine| {
        let probe = Mail::usual(99).set("Authentication-Results", failing);
        let report = engine.score(&probe.render());
        reason(&report, AUTH_FAILED.id).map_or(0.0, |r| r.weight)
    };
    let always_passes = engine_with_history(HISTORY);

    // The same supplier, some of whose mail reached us through a forwarder that breaks
    // authentication; the user has said those messages are normal.
    let mut forwarded = engine_with_history(HISTORY);
    for i in 0..3 {
        let m = Mail::usual(HISTORY + i).set("Authentication-Results", failing);
        forwarded.mark_normal(&m.render());
    }

    let (strange, ordinary) = (weight(&always_passes), weight(&forwarded));
    assert!(strange >= 0.9, "a first failure weighs {strange}");
    assert!(
        ordinary > 0.0 && ordinary < strange / 2.0,
        "a familiar failure weighs {ordinary}, a first one {strange}"
    );
}
