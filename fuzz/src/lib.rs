//! What the fuzz targets share: the invariants every report and every baseline must keep,
//! and the fixed messages a decoded baseline is scored against. A broken invariant panics,
//! which libFuzzer records as a crash with its input.

use std::sync::OnceLock;

use familiar::baseline::MAX_PROFILE_BYTES;
use familiar::score::{HOLD_AT, WARN_AT};
use familiar::{Action, Baseline, Profile, Report, SIGNALS, Tag, demo};

/// The owner used by every target, so that sent mail is exercised too.
pub const OWNER: &str = demo::OWNER;

/// A few messages of the built-in example: a supplier, a colleague, the owner, a newsletter.
pub fn fixed_messages() -> &'static [Vec<u8>] {
    static MESSAGES: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    MESSAGES.get_or_init(|| demo::mailbox().into_iter().take(6).collect())
}

/// Largest report, encoded as JSON, that any input may produce: reports cross into
/// JavaScript and are kept by the clients, so a hostile header must not make them huge.
pub const MAX_REPORT_BYTES: usize = 64 * 1024;

/// A report is always complete, its figures finite and in range, its action the one its
/// score calls for, and its size bounded whatever the message.
pub fn check_report(report: &Report) {
    assert!(
        (0.0..=100.0).contains(&report.score),
        "score {} out of range",
        report.score
    );
    let action = if report.score >= HOLD_AT {
        Action::Hold
    } else if report.score >= WARN_AT {
        Action::Warn
    } else {
        Action::None
    };
    assert_eq!(report.action, action, "action disagrees with score {}", report.score);
    assert!(report.anomaly.is_finite(), "anomaly {}", report.anomaly);
    assert!(report.risk.is_finite(), "risk {}", report.risk);

    // Each signal is reported once, with a known id and a finite weight.
    assert!(report.reasons.len() <= SIGNALS.len(), "{} reasons", report.reasons.len());
    for (i, reason) in report.reasons.iter().enumerate() {
        assert!(reason.weight.is_finite(), "reason weight {}", reason.weight);
        assert!(
            SIGNALS.iter().any(|s| s.id == reason.signal),
            "unknown signal {}",
            reason.signal
        );
        assert!(
            report.reasons[..i].iter().all(|r| r.signal != reason.signal),
            "signal {} reported twice",
            reason.signal
        );
    }
    // Quiet mail carries only the identity marks; tags are sorted and unique.
    if report.action == Action::None {
        let is_identity = |t: &Tag| matches!(t, Tag::FirstContact | Tag::KnownCorrespondent);
        assert!(report.tags.iter().all(is_identity), "tags {:?} on quiet mail", report.tags);
    }
    assert!(report.tags.windows(2).all(|w| w[0] < w[1]), "tags {:?}", report.tags);

    assert!(report.headline().chars().count() <= 150, "headline too long");
    assert!(report.subject.chars().count() <= 200, "subject not cut");
    let bytes = serde_json::to_vec(report).expect("a report encodes").len();
    assert!(bytes <= MAX_REPORT_BYTES, "report is {bytes} bytes");
}

/// The baseline encodes, the encoding decodes and validates to the same baseline, and every
/// profile in it is within its bounds. `is_learned` says the baseline was learned from mail
/// alone, so each profile must also fit [`MAX_PROFILE_BYTES`].
pub fn check_baseline(baseline: &Baseline, is_learned: bool) {
    let json = serde_json::to_string(baseline).expect("a baseline always encodes");
    let back: Baseline = serde_json::from_str(&json).expect("an encoded baseline decodes");
    let back = back.validate().expect("an encoded baseline validates");
    assert_eq!(
        serde_json::to_string(&back).expect("re-encode"),
        json,
        "a baseline changes in a round trip"
    );
    for profile in baseline.senders.values().chain(baseline.domains.values()) {
        check_profile(profile, is_learned);
    }
}

fn check_profile(profile: &Profile, is_learned: bool) {
    let bytes = serde_json::to_vec(profile).expect("a profile encodes").len();
    if is_learned {
        assert!(bytes <= MAX_PROFILE_BYTES, "learned profile is {bytes} bytes");
    }
}
