//! The story the product exists for, as told by the built-in example mailbox.

use familiar::{Action, Engine, Report, Tag, demo, mailbox};

fn replay() -> Vec<Report> {
    let messages = demo::mailbox();
    let dates: Vec<Option<i64>> = messages.iter().map(|m| mailbox::date_of(m)).collect();
    let mut engine = Engine::new();
    engine.set_owner(&[demo::OWNER.to_string()]);
    mailbox::chronological(&dates)
        .into_iter()
        .map(|i| engine.process(&messages[i]))
        .collect()
}

fn find<'a>(reports: &'a [Report], subject: &str) -> &'a Report {
    reports
        .iter()
        .find(|r| r.subject == subject)
        .unwrap_or_else(|| panic!("no {subject:?}"))
}

#[test]
fn the_hijacked_suppliers_lures_are_held() {
    let reports = replay();
    for subject in ["Updated invoice - action required", "Statement of account"] {
        let r = find(&reports, subject);
        assert_eq!(r.action, Action::Hold, "{subject}: {r:?}");
        assert!(r.score >= 90.0, "{subject}: {}", r.score);
        assert!(
            r.tags.contains(&Tag::OutOfCharacter),
            "{subject}: {:?}",
            r.tags
        );
        assert!(
            r.tags.contains(&Tag::SuspiciousLink),
            "{subject}: {:?}",
            r.tags
        );
        assert!(r.headline().chars().count() <= 150);
    }
}

#[test]
fn the_suppliers_own_warning_passes_quietly() {
    let reports = replay();
    let r = find(&reports, "Please ignore my last emails");
    assert_eq!(r.action, Action::None, "{r:?}");
    assert!(r.score < 20.0, "{}", r.score);
}

#[test]
fn the_lookalike_impostor_is_caught_and_strangers_are_not() {
    let reports = replay();
    let impostor = find(&reports, "Change of bank details");
    assert_ne!(impostor.action, Action::None);
    assert!(
        impostor.tags.contains(&Tag::LookalikeSender),
        "{:?}",
        impostor.tags
    );

    let stranger = find(&reports, "Question about custom brackets");
    assert_eq!(stranger.action, Action::None);
    assert_eq!(stranger.tags, vec![Tag::FirstContact]);
}

#[test]
fn ordinary_mail_is_never_flagged() {
    let reports = replay();
    let flagged: Vec<&str> = reports
        .iter()
        .filter(|r| r.action != Action::None)
        .map(|r| r.subject.as_str())
        .collect();
    assert_eq!(
        flagged,
        vec![
            "Updated invoice - action required",
            "Statement of account",
            "Change of bank details"
        ]
    );
    let last = reports.last().expect("reports");
    assert_eq!(last.tags, vec![Tag::KnownCorrespondent], "{last:?}");
}
