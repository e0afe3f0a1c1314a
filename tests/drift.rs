//! The learning policy under pressure from both sides: a sender's genuine change (a new mail
//! program) must settle without the user clicking through weeks of warnings, while an
//! attacker who controls the account and sends harmless mail first, patiently or in a
//! burst, must not buy a quiet payload with it.

mod common;

use common::{Mail, engine_with_history, fired, reason};
use familiar::baseline::{DRIFT_MIN_DAYS, DRIFT_REPEATS, PROBATION_DAYS};
use familiar::{Action, Engine};

const NEW_CLIENT: &str = "Roundcube Webmail/1.6.9";
const SUPPLIER: &str = "anna@supplier.example";

/// The supplier's ordinary note sent through a new mail host (program, servers, signer and
/// Message-ID format all new), dated `day` of January 2026: her organisation moving to
/// another provider, or an attacker's own server.
fn from_new_host(n: usize, day: u32, minute: u32) -> Mail {
    let mut mail = Mail::usual(n)
        .set("User-Agent", NEW_CLIENT)
        .set(
            "Message-ID",
            &format!("<{n}-{day}-{minute}-x7@webmail.newhost.example>"),
        )
        .set(
            "DKIM-Signature",
            "v=1; a=rsa-sha256; d=newhost.example; s=rc; b=y",
        )
        .set(
            "Date",
            &format!("Mon, {day} Jan 2026 10:{minute:02}:00 +0100"),
        );
    let hop = mail
        .headers
        .iter_mut()
        .rfind(|(name, _)| name == "Received")
        .expect("the usual mail has hops");
    hop.1 = "from webmail.newhost.example (webmail.newhost.example [198.51.100.7]) by \
             mx.home.example with ESMTPS; Mon, 5 Jan 2026 09:00:00 +0000"
        .to_string();
    mail
}

/// A sign-in request through the same host, with a link to a site she never linked to.
fn payload(day: u32) -> Vec<u8> {
    from_new_host(40, day, 0)
        .body(
            "Hi Sam,\n\nplease verify your account to see the new invoice: \
             https://invoice-portal.collector.example/login\n\nBest regards,\nAnna\n",
        )
        .render()
}

fn learned(engine: &Engine) -> u32 {
    engine
        .profile(SUPPLIER)
        .expect("the supplier is known")
        .messages
}

#[test]
fn the_windows_are_pinned() {
    assert_eq!(DRIFT_REPEATS, 3);
    assert_eq!(DRIFT_MIN_DAYS, 2);
    assert_eq!(PROBATION_DAYS, 30);
}

#[test]
fn a_new_mail_host_settles_after_three_clean_messages_over_two_days() {
    let mut engine = engine_with_history(20);
    let first = engine.process(&from_new_host(20, 25, 0).render());
    assert_ne!(first.action, Action::None, "a new mail host is noticed");
    assert!(fired(&first, "BEHAVIOUR_NEW_CLIENT"));

    engine.process(&from_new_host(21, 26, 0).render());
    engine.process(&from_new_host(22, 27, 0).render());
    assert_eq!(learned(&engine), 21, "the third, two days on, is learned");

    let settled = engine.process(&from_new_host(23, 28, 0).render());
    assert_eq!(settled.action, Action::None, "{:?}", settled.reasons);
    assert!(!fired(&settled, "BEHAVIOUR_NEW_CLIENT"));
}

#[test]
fn a_burst_of_harmless_mail_teaches_nothing() {
    let mut engine = engine_with_history(20);
    let mut last = None;
    for i in 0..6 {
        last = Some(engine.process(&from_new_host(20 + i, 25, i as u32 * 5).render()));
    }
    assert_eq!(learned(&engine), 20, "one sitting is not a habit");
    let last = last.expect("six messages");
    assert_ne!(last.action, Action::None);
    assert!(fired(&last, "BEHAVIOUR_NEW_CLIENT"));
}

#[test]
fn a_habit_learned_by_recurring_alone_is_watched_when_it_asks_for_something() {
    let mut engine = engine_with_history(20);
    for (i, day) in [25, 26, 27].into_iter().enumerate() {
        engine.process(&from_new_host(20 + i, day, 0).render());
    }
    assert_eq!(learned(&engine), 21);

    let report = engine.score(&payload(28));
    assert_eq!(report.action, Action::Hold, "{:?}", report.reasons);
    let client = reason(&report, "BEHAVIOUR_NEW_CLIENT")
        .expect("the recently learned program counts as new again");
    assert!(client.text.contains("last few days"), "{}", client.text);

    // An ordinary message through the new host is not affected.
    let ordinary = engine.score(&from_new_host(24, 28, 30).render());
    assert!(!fired(&ordinary, "BEHAVIOUR_NEW_CLIENT"));
}

#[test]
fn probation_ends_with_the_user_or_with_time() {
    let mut taught = engine_with_history(20);
    for (i, day) in [25, 26, 27].into_iter().enumerate() {
        taught.process(&from_new_host(20 + i, day, 0).render());
    }

    let mut vouched = taught.clone();
    vouched.mark_normal(&from_new_host(23, 28, 0).render());
    let report = vouched.score(&payload(28));
    let client = reason(&report, "BEHAVIOUR_NEW_CLIENT");
    assert!(
        client.is_none(),
        "the user vouched for the host: {client:?}"
    );

    // Thirty days after it was accepted, the host is simply hers.
    let late = from_new_host(40, 1, 0)
        .set("Date", "Fri, 27 Feb 2026 10:00:00 +0100")
        .body(
            "Hi Sam,\n\nplease verify your account to see the new invoice: \
             https://invoice-portal.collector.example/login\n\nBest regards,\nAnna\n",
        )
        .render();
    let report = taught.score(&late);
    let client = reason(&report, "BEHAVIOUR_NEW_CLIENT");
    assert!(client.is_none(), "probation is over: {client:?}");
}
