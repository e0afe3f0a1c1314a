//! Golden test over hostile mail: every `tests/hostile/<name>.eml` (and every message built
//! in code below, too big to commit) is scored against one supplier's learned history, and
//! the outcome is compared with `tests/hostile/<name>.json`, written by hand: the actions
//! allowed, a score range, the signals that must fire and those that must stay quiet.
//!
//! `FAMILIAR_BLESS=1 cargo test --test hostile` rewrites the observed part of every
//! expectation (actions, score range, signals fired, tags) and keeps `about` and `quiet`;
//! read the diff before committing it, since a blessed file says only what the engine did.

mod common;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use common::{Mail, engine_with_history};
use familiar::{Engine, Report};
use serde::{Deserialize, Serialize};

const HISTORY: usize = 20;
/// Every fixture, committed or built; a new one must be counted here too, so that a
/// fixture silently skipped (a typo in its name, a missing file) fails the run.
const FIXTURES: usize = 43;
/// A reason at or above this weight counts as fired.
const FIRED_AT: f64 = 0.3;

#[derive(Debug, Deserialize, Serialize)]
struct Expectation {
    /// What the message does and why the expected outcome is the sensible one.
    about: String,
    /// Actions allowed: "none", "warn", "hold".
    action: Vec<String>,
    /// Inclusive score range.
    score: [f64; 2],
    /// Signals that must fire (weight at or above [`FIRED_AT`]).
    #[serde(default)]
    fires: Vec<String>,
    /// Signals that must not appear at any weight.
    #[serde(default)]
    quiet: Vec<String>,
    /// Tags the report must carry.
    #[serde(default)]
    tags: Vec<String>,
}

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/hostile")
}

/// Messages too large to commit, built here; each has its `.json` beside the others.
fn built(name: &str) -> Option<Vec<u8>> {
    Some(match name {
        "gen-attachment-25mb" => attachment_25mb(),
        "gen-header-1mb" => Mail::usual(90)
            .set("X-Padding", &"a".repeat(1024 * 1024))
            .render(),
        "gen-headers-10000" => {
            let mut mail = Mail::usual(90);
            let usual = std::mem::take(&mut mail.headers);
            mail.headers = (0..10_000)
                .map(|i| (format!("X-Filler-{i}"), format!("value {i}")))
                .collect();
            mail.headers.extend(usual);
            mail.render()
        }
        "gen-url-100kb" => {
            let path = "a/".repeat(50 * 1024);
            let mut mail = Mail::usual(90);
            mail.body = mail.body.replace(
                "Best regards,",
                &format!("The invoice: https://invoices.collector.example/{path}\n\nBest regards,"),
            );
            mail.render()
        }
        "gen-rfc822-nested-100000" => nested_rfc822(100_000),
        "gen-subject-bidi-1mb" => Mail::usual(90)
            .set("Subject", &"\u{202e}\u{200b}x".repeat(200_000))
            .render(),
        _ => return None,
    })
}

/// A 25 MB attachment, base64 in lines of 76: past the engine's input limit once encoded,
/// so the multipart arrives cut short, as an oversize message would.
fn attachment_25mb() -> Vec<u8> {
    let usual = Mail::usual(90);
    let mut mail = usual
        .clone()
        .set("Content-Type", "multipart/mixed; boundary=\"big\"");
    mail.body = String::new();
    let mut raw = mail.render();
    raw.truncate(raw.len() - 1);
    raw.extend_from_slice(b"\n--big\nContent-Type: text/plain; charset=UTF-8; format=flowed\n\n");
    raw.extend_from_slice(usual.body.as_bytes());
    raw.extend_from_slice(
        b"\n--big\nContent-Type: application/pdf; name=\"catalogue.pdf\"\n\
          Content-Disposition: attachment; filename=\"catalogue.pdf\"\n\
          Content-Transfer-Encoding: base64\n\n",
    );
    let line = [b'Q'; 76];
    for _ in 0..(25 * 1024 * 1024 / 57) {
        raw.extend_from_slice(&line);
        raw.push(b'\n');
    }
    raw.extend_from_slice(b"--big--\n");
    raw
}

/// The supplier's ordinary note carrying an enclosed message that encloses another, `depth`
/// times over (about 4.8 MB for 100,000 levels), the innermost a credential phish.
fn nested_rfc822(depth: usize) -> Vec<u8> {
    let usual = Mail::usual(90);
    let mut mail = usual
        .clone()
        .set("Content-Type", "multipart/mixed; boundary=\"top\"");
    mail.body = format!(
        "--top\nContent-Type: text/plain; charset=UTF-8; format=flowed\n\n{}\n\
         --top\nContent-Type: message/rfc822\n\n",
        usual.body
    );
    for _ in 0..depth {
        mail.body
            .push_str("From: relay@relay.example\nContent-Type: message/rfc822\n\n");
    }
    mail.body.push_str(
        "From: IT Desk <it@helpdesk-mail.example>\nSubject: Mailbox quota\n\n\
         Verify your account at https://mailbox-quota.helpdesk-mail.example/verify\n--top--\n",
    );
    mail.render()
}

const BUILT: &[&str] = &[
    "gen-attachment-25mb",
    "gen-header-1mb",
    "gen-headers-10000",
    "gen-rfc822-nested-100000",
    "gen-url-100kb",
    "gen-subject-bidi-1mb",
];

/// Characters that reorder, hide or break text: none may reach a banner from the message.
fn is_hostile_char(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}' | '\u{061c}' | '\u{feff}' | '\u{00ad}' | '\u{180e}')
}

fn fired(report: &Report) -> Vec<String> {
    let mut ids: Vec<String> = report
        .reasons
        .iter()
        .filter(|r| r.weight >= FIRED_AT)
        .map(|r| r.signal.to_string())
        .collect();
    ids.sort();
    ids
}

fn tags(report: &Report) -> Vec<String> {
    report.tags.iter().map(|t| t.label().to_string()).collect()
}

/// What is wrong with a report, one line per problem; empty when it meets the expectation.
fn check(report: &Report, want: &Expectation) -> Vec<String> {
    let mut problems = Vec::new();
    let action = report.action.as_str();
    if !want.action.iter().any(|a| a == action) {
        problems.push(format!(
            "action {action}, expected one of {:?}",
            want.action
        ));
    }
    if !(want.score[0]..=want.score[1]).contains(&report.score) {
        problems.push(format!(
            "score {}, expected {}..={}",
            report.score, want.score[0], want.score[1]
        ));
    }
    let fired = fired(report);
    for id in &want.fires {
        if !fired.contains(id) {
            problems.push(format!("{id} did not fire"));
        }
    }
    for id in &want.quiet {
        if report.reasons.iter().any(|r| r.signal == id) {
            problems.push(format!("{id} fired but must stay quiet"));
        }
    }
    let tags = tags(report);
    for tag in &want.tags {
        if !tags.contains(tag) {
            problems.push(format!("tag {tag:?} missing"));
        }
    }
    let shown = report.reasons.iter().map(|r| r.text.clone()).chain([
        report.headline(),
        report.from_name.clone(),
        report.subject.clone(),
    ]);
    for text in shown {
        if text.chars().any(is_hostile_char) {
            problems.push(format!("control, bidi or zero-width character in {text:?}"));
        }
    }
    problems
}

fn bless(report: &Report, old: Expectation) -> Expectation {
    Expectation {
        about: old.about,
        action: vec![report.action.as_str().to_string()],
        score: [
            (report.score - 15.0).max(0.0).floor(),
            (report.score + 15.0).min(100.0).ceil(),
        ],
        fires: fired(report),
        quiet: old.quiet,
        tags: tags(report),
    }
}

fn summary(report: &Report) -> String {
    format!(
        "{:<5} {:>5.1}  {}",
        report.action.as_str(),
        report.score,
        fired(report).join(" ")
    )
}

#[test]
fn hostile_mail_meets_its_expectations() {
    let engine: Engine = engine_with_history(HISTORY);
    let is_bless = std::env::var_os("FAMILIAR_BLESS").is_some_and(|v| v == "1");

    let mut names: Vec<String> = std::fs::read_dir(dir())
        .expect("tests/hostile exists")
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().into_string().ok())
        .filter_map(|n| n.strip_suffix(".json").map(str::to_string))
        .collect();
    names.sort();

    let mut failures = BTreeMap::new();
    let mut table = String::new();
    let mut ran = 0;
    for name in &names {
        let eml = dir().join(format!("{name}.eml"));
        let raw = match (std::fs::read(&eml), built(name)) {
            (Ok(raw), None) => raw,
            (Err(_), Some(raw)) => raw,
            (Ok(_), Some(_)) => panic!("{name} is both a file and built in code"),
            (Err(e), None) => panic!("{name}.json has no message: {e}"),
        };
        let json_path = dir().join(format!("{name}.json"));
        let json = std::fs::read_to_string(&json_path).expect("expectation is readable");
        let want: Expectation = serde_json::from_str(&json)
            .unwrap_or_else(|e| panic!("{name}.json is not an expectation: {e}"));

        let report = engine.score(&raw);
        ran += 1;
        let _ = writeln!(table, "{name:<36} {}", summary(&report));
        if std::env::var_os("HOSTILE_DEBUG").is_some() {
            let _ = writeln!(
                table,
                "    {:?}\n    headline={:?} tags={:?} from={:?} name={:?} anomaly={} risk={}",
                report
                    .reasons
                    .iter()
                    .map(|r| (r.signal, r.weight, r.text.clone()))
                    .collect::<Vec<_>>(),
                report.headline(),
                report.tags,
                report.from,
                report.from_name,
                report.anomaly,
                report.risk
            );
        }
        if is_bless {
            let blessed = bless(&report, want);
            let text = serde_json::to_string_pretty(&blessed).expect("expectation serialises");
            std::fs::write(&json_path, text + "\n").expect("expectation is writable");
            continue;
        }
        let problems = check(&report, &want);
        if !problems.is_empty() {
            failures.insert(name.clone(), problems);
        }
    }
    eprintln!("{table}");

    for name in BUILT {
        assert!(
            names.iter().any(|n| n == name),
            "{name} is built but has no expectation"
        );
    }
    let eml_without_json: Vec<String> = std::fs::read_dir(dir())
        .expect("tests/hostile exists")
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().into_string().ok())
        .filter_map(|n| n.strip_suffix(".eml").map(str::to_string))
        .filter(|n| !names.contains(n))
        .collect();
    assert!(
        eml_without_json.is_empty(),
        "messages without an expectation: {eml_without_json:?}"
    );
    assert!(ran > 0, "no hostile fixture ran");
    assert_eq!(ran, FIXTURES, "hostile fixtures run");

    let report: Vec<String> = failures
        .iter()
        .map(|(name, problems)| format!("{name}:\n  {}", problems.join("\n  ")))
        .collect();
    assert!(failures.is_empty(), "\n{}", report.join("\n"));
}
