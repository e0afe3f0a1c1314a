//! The baseline format: round trip, bounded size, versioning, and the rule that an
//! out-of-character message is not learned by arriving.

mod common;

use common::{Mail, engine_with_history};
use familiar::baseline::{FORMAT_VERSION, MAX_PROFILE_BYTES};
use familiar::{Action, Baseline, Engine};

#[test]
fn a_baseline_survives_a_json_round_trip() {
    let engine = engine_with_history(12);
    let json = serde_json::to_string(engine.baseline()).expect("serialise");
    let back: Baseline = serde_json::from_str(&json).expect("parse");
    let back = back.validate().expect("valid");
    assert_eq!(&back, engine.baseline());

    let probe = Mail::usual(50)
        .set("User-Agent", "Roundcube Webmail/1.6")
        .render();
    assert_eq!(
        Engine::with_baseline(back).score(&probe),
        engine.score(&probe)
    );
}

#[test]
fn a_profile_stays_under_its_size_bound_after_a_thousand_messages() {
    let mut engine = Engine::new();
    for i in 0..1000 {
        // Vary everything that can vary, so that every bounded list fills up.
        let m = Mail::usual(i)
            .set("Message-ID", &format!("<m{i}@host{}.supplier.example>", i % 37))
            .set("Received", &format!("from relay{}.net{}.example ([198.51.{}.{}]) by mx.home.example; Mon, 5 Jan 2026 09:00:00 +0000", i % 50, i % 41, i % 200, i % 250))
            .set("User-Agent", &format!("Client{} {}", i % 23, i))
            .set("Date", &format!("Mon, 5 Jan 2026 {:02}:00:00 +0{}00", i % 24, i % 9));
        let body = format!(
            "{}\nSee https://site{}.example/p and https://other{}.example\n",
            m.body,
            i % 97,
            i % 89
        );
        engine.mark_normal(&m.body(&body).render());
    }
    let profile = engine.profile("anna@supplier.example").expect("profile");
    assert_eq!(profile.messages, 1000);
    let bytes = serde_json::to_vec(profile).expect("serialise").len();
    assert!(bytes <= MAX_PROFILE_BYTES, "profile is {bytes} bytes");
}

#[test]
fn newer_and_corrupt_baselines_are_refused() {
    let mut b = Baseline::new();
    b.version = FORMAT_VERSION + 1;
    assert!(
        b.validate()
            .unwrap_err()
            .to_string()
            .contains("not supported")
    );
    assert!(serde_json::from_str::<Baseline>("{\"version\": \"one\"}").is_err());
}

#[test]
fn out_of_character_mail_is_not_learned_until_marked_normal() {
    let mut engine = engine_with_history(20);
    let phish = Mail::usual(60)
        .set("User-Agent", "Roundcube Webmail/1.6")
        .set("Message-ID", "<zz@webmail.elsewhere.example>")
        .body("Good day,\n\nI have shared a document with you: https://www.canva.com/design/x/view\n\nRegards\n")
        .render();
    let first = engine.process(&phish);
    assert_ne!(first.action, Action::None);
    let again = engine.process(&phish);
    assert_eq!(
        again.score, first.score,
        "arriving twice must not make it familiar"
    );
    assert_eq!(
        engine.profile("anna@supplier.example").expect("p").messages,
        20
    );

    engine.mark_normal(&phish);
    assert_eq!(
        engine.profile("anna@supplier.example").expect("p").messages,
        21
    );
    assert!(engine.score(&phish).score < first.score);
}

/// A store that keeps one record per sender, organisation and the mailbox-wide state (as
/// the browser add-ins do) must rebuild exactly the baseline it was given.
#[test]
fn per_record_storage_rebuilds_the_whole_baseline() {
    let engine = engine_with_history(12);
    let whole = engine.baseline();
    assert!(
        whole.background.count > 0,
        "the history teaches a background"
    );

    let mut rebuilt = Engine::new();
    for (key, profile) in &whole.senders {
        rebuilt
            .put_profile(true, key, profile.clone())
            .expect("sender record");
    }
    for (key, profile) in &whole.domains {
        rebuilt
            .put_profile(false, key, profile.clone())
            .expect("domain record");
    }
    let meta = engine.correspondents_json().expect("meta record");
    rebuilt
        .put_correspondents_json(&meta)
        .expect("meta record loads");
    assert_eq!(rebuilt.baseline(), whole);

    let broken = meta.replacen("\"c\":\"", "\"c\":\"00", 1);
    assert!(rebuilt.put_correspondents_json(&broken).is_err());
}

/// Records written by earlier releases lack fields added since (the meta record's style
/// background, a profile's pending and probation habits): they load with those empty.
#[test]
fn records_from_an_older_release_load() {
    let mut engine = Engine::new();
    engine
        .put_correspondents_json(
            r#"{"owner":["me@home.example"],"correspondents":{"a@b.example":2}}"#,
        )
        .expect("a meta record without a background");
    let old_profile: familiar::Profile =
        serde_json::from_str(r#"{"m":3,"first":1,"last":2}"#).expect("a bare profile decodes");
    engine
        .put_profile(true, "anna@supplier.example", old_profile)
        .expect("an old profile loads");
    let report = engine.process(&Mail::usual(1).render());
    assert_eq!(report.history, 3);
    assert_eq!(
        engine.baseline().correspondents.get("a@b.example"),
        Some(&2)
    );
}

#[test]
fn extreme_running_figures_in_a_record_cannot_make_it_unsavable() {
    // A record edited or corrupted to hold a mean far beyond any real measure: learning
    // from it once used to overflow into an infinity, which JSON writes as null, so the
    // next save could not be loaded again and the whole history was lost.
    let mut profile = engine_with_history(12)
        .profile("anna@supplier.example")
        .expect("profile")
        .clone();
    profile.formatting[0].mean = 4.7e19;
    profile.length.mean = -3.0e38;
    let mut engine = Engine::new();
    engine
        .put_profile(true, "anna@supplier.example", profile)
        .expect("finite figures load");
    engine.mark_normal(&Mail::usual(40).render());
    engine.process(&Mail::usual(41).render());

    let json = serde_json::to_string(engine.baseline()).expect("serialise");
    let back: Baseline = serde_json::from_str(&json).expect("what was saved loads");
    back.validate().expect("and validates");

    // Figures no learning can produce are refused at the door.
    let good = engine_with_history(12)
        .profile("anna@supplier.example")
        .expect("profile")
        .clone();
    let mut negative = good.clone();
    negative.length.m2 = -1.0;
    let mut overflowing = good.clone();
    overflowing.style.similarity.mean = f32::INFINITY;
    let mut too_many = good.clone();
    too_many.formatting.resize(100, Default::default());
    let mut too_many_names = good;
    too_many_names.names = (0..1000).collect();
    for bad in [negative, overflowing, too_many, too_many_names] {
        assert!(
            Engine::new()
                .put_profile(true, "anna@supplier.example", bad)
                .is_err()
        );
    }
    // JSON numbers past f32 decode to infinity; such a record is refused too.
    let record = r#"{"m":3,"len":{"n":3,"mean":1e39,"m2":0.0}}"#;
    let profile: familiar::Profile = serde_json::from_str(record).expect("decodes");
    assert!(
        Engine::new()
            .put_profile(true, "anna@supplier.example", profile)
            .is_err()
    );
}

#[test]
fn counters_in_a_record_saturate_rather_than_wrap() {
    // Any figure can reach the engine from storage; one more message must not wrap a count
    // at its ceiling to zero, which would make a sender's long habits look brand new.
    let mut profile = engine_with_history(12)
        .profile("anna@supplier.example")
        .expect("profile")
        .clone();
    profile.asks = [u32::MAX; 4];
    profile.style.count = u32::MAX;
    for t in &mut profile.traits {
        t.present = u32::MAX;
        t.novel = u32::MAX;
        t.seen.iter_mut().for_each(|s| s[1] = u32::MAX);
    }
    let mut engine = Engine::new();
    engine.set_owner(&["me@home.example".to_string()]);
    engine
        .put_profile(true, "anna@supplier.example", profile)
        .expect("loads");
    engine
        .put_correspondents_json(r#"{"correspondents":{"anna@supplier.example":4294967295}}"#)
        .expect("loads");

    let asks_to_pay = Mail::usual(40).body(
        "Hi Sam,\n\nOur bank account has changed. Please pay the open invoice to the new \
         account, IBAN GB33BUKB20201555555555.\n\nBest regards,\nAnna\n",
    );
    engine.mark_normal(&asks_to_pay.render());
    let reply = Mail::usual(41)
        .set("From", "Sam <me@home.example>")
        .set("To", "Anna Berg <anna@supplier.example>");
    engine.process(&reply.render());

    let learned = engine.profile("anna@supplier.example").expect("profile");
    assert_eq!(learned.asks, [u32::MAX; 4]);
    assert_eq!(learned.style.count, u32::MAX);
    for t in learned.traits.iter().filter(|t| !t.seen.is_empty()) {
        assert!(t.present > 1_000, "present {}", t.present);
        // Tokens met for the first time start at one; the old ones keep their weight.
        assert!(t.seen[0][1] > 1_000, "{:?}", t.seen);
    }
    assert_eq!(
        engine
            .baseline()
            .correspondents
            .get("anna@supplier.example"),
        Some(&u32::MAX)
    );
}
