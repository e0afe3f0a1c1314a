//! Poisoning and drift simulation (not a test): replays labelled mailboxes with changes an
//! attacker or a sender's real life would make, and reports what that does to detection and
//! to the banner rate.
//!
//!     cargo run --release --example drift -- DIR...
//!
//! Each DIR holds `mailbox.mbox` and `labels.tsv` (tab-separated: message_id, label,
//! variant, sender, phase, idx, ...; idx is the 1-based position in the mbox). The labels
//! only build the scenarios and count the outcome; the engine never sees them.
//!
//! Scenarios, each a full replay of every mailbox:
//! - `plain`: the mailbox as it is; its genuine mail sets the 1%-FPR threshold used by all.
//! - `warmup-N-patient`: before every phishing message, N harmless messages through the
//!   same headers (the attacker's or the hijacked account's), one a day, each carrying the
//!   body of the sender's latest genuine message: an attacker teaching the baseline first.
//! - `warmup-N-burst`: the same N messages in the hour before the payload.
//! - `new-client`: from the first test message on, every known sender's genuine mail comes
//!   from a new mail program (Apple Mail headers and Message-IDs), as after a new phone.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use familiar::{Action, Engine, mailbox};

#[derive(Clone, Debug)]
struct Label {
    is_attack: bool,
    variant: String,
    sender: String,
    is_test: bool,
}

/// What a replayed message is, for counting.
#[derive(Clone, Debug)]
enum Role {
    Original(Label),
    /// A harmless message sent ahead of a payload of this variant.
    Precursor(String),
}

struct Outcome {
    role: Role,
    score: f64,
    action: Action,
}

#[derive(Clone, Copy, PartialEq)]
enum Scenario {
    Plain,
    Warmup { count: usize, spacing_s: i64 },
    NewClient,
}

impl Scenario {
    fn name(self) -> String {
        match self {
            Scenario::Plain => "plain".into(),
            Scenario::Warmup { count, spacing_s } if spacing_s >= 86_400 => {
                format!("warmup-{count}-patient")
            }
            Scenario::Warmup { count, .. } => format!("warmup-{count}-burst"),
            Scenario::NewClient => "new-client".into(),
        }
    }
}

const VARIANTS: [&str; 4] = [
    "phish_own_infra",
    "phish_sender_infra",
    "cross_sender",
    "cross_sender_fileshare",
];

fn main() {
    let dirs: Vec<PathBuf> = std::env::args().skip(1).map(PathBuf::from).collect();
    if dirs.is_empty() {
        eprintln!("usage: drift DIR...   (each with mailbox.mbox and labels.tsv)");
        std::process::exit(2);
    }
    let mut boxes = Vec::new();
    for dir in &dirs {
        match load(dir) {
            Ok(b) => boxes.push(b),
            Err(e) => eprintln!("drift: {}: {e}", dir.display()),
        }
    }

    let scenarios = [
        Scenario::Plain,
        Scenario::Warmup {
            count: 3,
            spacing_s: 86_400,
        },
        Scenario::Warmup {
            count: 6,
            spacing_s: 86_400,
        },
        Scenario::Warmup {
            count: 5,
            spacing_s: 600,
        },
        Scenario::NewClient,
    ];
    let mut threshold = f64::INFINITY;
    println!(
        "{:<20} {:>8} {:>8} {:>9} {:>9} {:>9} {:>9}  TPR(action) per variant",
        "scenario", "banner", "TPR@1%", "TPR(act)", "warnings", "precurs.", "settling"
    );
    for scenario in scenarios {
        let outcomes: Vec<Outcome> = boxes.iter().flat_map(|b| replay(b, scenario)).collect();
        if scenario == Scenario::Plain {
            threshold = threshold_at(&outcomes, 0.01);
        }
        report(scenario, &outcomes, threshold);
    }
    println!("(threshold at 1% FPR of the plain run's known senders: {threshold:.1})");
    println!("(settling: banners per sender who changed program, median/largest, and the share");
    println!(" of those senders with no banner after their fifth message from the new program)");
}

struct Mailbox {
    messages: Vec<Vec<u8>>,
    labels: Vec<Option<Label>>,
}

fn load(dir: &Path) -> Result<Mailbox, String> {
    let data = std::fs::read(dir.join("mailbox.mbox")).map_err(|e| e.to_string())?;
    let messages = mailbox::split_mbox(&data);
    let tsv = std::fs::read_to_string(dir.join("labels.tsv")).map_err(|e| e.to_string())?;
    let mut labels = vec![None; messages.len()];
    for line in tsv.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let [_, label, variant, sender, phase, idx, ..] = cols.as_slice() else {
            continue;
        };
        let Some(i) = idx.parse::<usize>().ok().and_then(|i| i.checked_sub(1)) else {
            continue;
        };
        if let Some(slot) = labels.get_mut(i) {
            *slot = Some(Label {
                is_attack: *label == "1",
                variant: variant.to_string(),
                sender: sender.to_string(),
                is_test: *phase == "test",
            });
        }
    }
    Ok(Mailbox { messages, labels })
}

/// The messages of one mailbox as the scenario changes them, in arrival order.
fn stream(b: &Mailbox, scenario: Scenario) -> Vec<(Vec<u8>, Role)> {
    let mut out = Vec::new();
    let mut latest_genuine: HashMap<&str, &[u8]> = HashMap::new();
    let mut drift_started = false;
    for (original, label) in b.messages.iter().zip(&b.labels) {
        let Some(label) = label else {
            continue;
        };
        match scenario {
            Scenario::Warmup { count, spacing_s }
                if label.is_attack && label.variant.starts_with("phish_") =>
            {
                if let Some(donor) = latest_genuine.get(label.sender.as_str()) {
                    for i in 0..count {
                        let back_s = spacing_s * (count - i) as i64;
                        out.push((
                            precursor(original, donor, back_s, i),
                            Role::Precursor(label.variant.clone()),
                        ));
                    }
                }
            }
            Scenario::NewClient if label.is_test && !label.is_attack => drift_started = true,
            _ => {}
        }
        let raw = if scenario == Scenario::NewClient
            && drift_started
            && !label.is_attack
            && label.variant == "genuine_known"
        {
            new_client(original)
        } else {
            original.clone()
        };
        if !label.is_attack && label.variant.starts_with("genuine") {
            latest_genuine.insert(label.sender.as_str(), original.as_slice());
        }
        out.push((raw, Role::Original(label.clone())));
    }
    out
}

fn replay(b: &Mailbox, scenario: Scenario) -> Vec<Outcome> {
    let mut engine = Engine::new();
    let mut outcomes = Vec::new();
    for (raw, role) in stream(b, scenario) {
        let report = engine.process(&raw);
        outcomes.push(Outcome {
            role,
            score: report.score,
            action: report.action,
        });
    }
    outcomes
}

fn split_head(raw: &[u8]) -> (&[u8], &[u8]) {
    let at = raw
        .windows(2)
        .position(|w| w == b"\n\n")
        .map_or(raw.len(), |i| i + 1);
    raw.split_at(at)
}

/// Header fields of a header block, each with its continuation lines.
fn fields(head: &[u8]) -> Vec<&[u8]> {
    let mut out: Vec<&[u8]> = Vec::new();
    let mut start = 0;
    for (i, w) in head.windows(2).enumerate() {
        if w[0] == b'\n' && !matches!(w[1], b' ' | b'\t') {
            out.push(&head[start..=i]);
            start = i + 1;
        }
    }
    if start < head.len() {
        out.push(&head[start..]);
    }
    out
}

fn field_name(field: &[u8]) -> String {
    let end = field.iter().position(|&b| b == b':').unwrap_or(0);
    String::from_utf8_lossy(&field[..end]).to_ascii_lowercase()
}

const CONTENT_FIELDS: [&str; 4] = [
    "content-type",
    "content-transfer-encoding",
    "mime-version",
    "subject",
];

/// A harmless message through the payload's headers: the donor's content, dated `back_s`
/// seconds before the payload on the payload's clock, with a Message-ID of the same shape.
fn precursor(payload: &[u8], donor: &[u8], back_s: i64, n: usize) -> Vec<u8> {
    let (head, _) = split_head(payload);
    let (donor_head, donor_body) = split_head(donor);
    let parsed = mail_parser::MessageParser::new().parse_headers(payload);
    let date = parsed.as_ref().and_then(|p| p.date()).map(|d| {
        let offset = (d.tz_hour as i64 * 3600 + d.tz_minute as i64 * 60)
            * if d.tz_before_gmt { -1 } else { 1 };
        mailbox::rfc5322_date(d.to_timestamp() - back_s, offset)
    });

    let mut out = Vec::new();
    for field in fields(head) {
        let name = field_name(field);
        if CONTENT_FIELDS.contains(&name.as_str()) {
            continue;
        }
        match (name.as_str(), &date) {
            ("date", Some(date)) => out.extend_from_slice(format!("Date: {date}\n").as_bytes()),
            ("message-id", _) => out.extend_from_slice(&respell_id(field, n)),
            _ => out.extend_from_slice(field),
        }
    }
    for field in fields(donor_head) {
        if CONTENT_FIELDS.contains(&field_name(field).as_str()) {
            out.extend_from_slice(field);
        }
    }
    out.push(b'\n');
    out.extend_from_slice(donor_body);
    out
}

/// The same Message-ID with its first letters or digits moved on by `n + 1`, keeping each
/// character's class, so that its shape stays that of the payload's program.
fn respell_id(field: &[u8], n: usize) -> Vec<u8> {
    let mut out = field.to_vec();
    let start = out.iter().position(|&b| b == b'<').unwrap_or(0);
    let mut changed = 0;
    for b in out.iter_mut().skip(start) {
        let (base, span) = match *b {
            b'a'..=b'z' => (b'a', 26),
            b'A'..=b'Z' => (b'A', 26),
            b'0'..=b'9' => (b'0', 10),
            b'@' => break,
            _ => continue,
        };
        *b = base + ((*b - base) as usize + n + 1).rem_euclid(span) as u8;
        changed += 1;
        if changed == 6 {
            break;
        }
    }
    out
}

/// The message as a new mail program would send it: Apple Mail's X-Mailer and Message-ID
/// format, other program headers removed, content untouched.
fn new_client(raw: &[u8]) -> Vec<u8> {
    let (head, body) = split_head(raw);
    let mut out = Vec::new();
    let mut domain = "mail.example".to_string();
    for field in fields(head) {
        let name = field_name(field);
        match name.as_str() {
            "x-mailer" | "user-agent" => continue,
            "message-id" => {
                let text = String::from_utf8_lossy(field);
                if let Some((_, d)) = text.rsplit_once('@') {
                    domain = d.trim().trim_end_matches('>').to_string();
                }
                let h = familiar::features::hash(&text);
                out.extend_from_slice(
                    format!(
                        "Message-ID: <{:08X}-{:04X}-{:04X}-{:04X}-{:012X}@{domain}>\n",
                        h,
                        h >> 16,
                        h & 0xffff,
                        (h >> 8) & 0xffff,
                        (h as u64) * 7919
                    )
                    .as_bytes(),
                );
            }
            _ => out.extend_from_slice(field),
        }
    }
    out.extend_from_slice(b"X-Mailer: Apple Mail (2.3826.500.181.1.5)\n");
    out.extend_from_slice(body);
    out
}

fn known_genuine(o: &Outcome) -> bool {
    matches!(&o.role, Role::Original(l) if l.is_test && l.variant == "genuine_known")
}

/// The score above which `fpr` of known senders' genuine test mail lies.
fn threshold_at(outcomes: &[Outcome], fpr: f64) -> f64 {
    let mut scores: Vec<f64> = outcomes
        .iter()
        .filter(|o| known_genuine(o))
        .map(|o| o.score)
        .collect();
    scores.sort_by(f64::total_cmp);
    let k = ((scores.len() as f64) * (1.0 - fpr)).floor() as usize;
    scores
        .get(k.min(scores.len().saturating_sub(1)))
        .copied()
        .unwrap_or(0.0)
}

fn share(outcomes: &[&Outcome], hit: impl Fn(&Outcome) -> bool) -> String {
    if outcomes.is_empty() {
        return "n/a".into();
    }
    let n = outcomes.iter().filter(|o| hit(o)).count();
    format!("{:.3}", n as f64 / outcomes.len() as f64)
}

/// For senders who changed mail program: banners per sender after the change (median and
/// largest), and the share of senders with no banner after their fifth changed message.
fn settling(genuine: &[&Outcome]) -> String {
    let mut by_sender: HashMap<&str, Vec<bool>> = HashMap::new();
    for o in genuine {
        if let Role::Original(l) = &o.role {
            by_sender
                .entry(l.sender.as_str())
                .or_default()
                .push(o.action != Action::None);
        }
    }
    let mut banners: Vec<usize> = by_sender
        .values()
        .map(|v| v.iter().filter(|&&b| b).count())
        .collect();
    banners.sort_unstable();
    let settled = by_sender
        .values()
        .filter(|v| !v.iter().skip(5).any(|&b| b))
        .count();
    format!(
        "{}/{}/{:.2}",
        banners.get(banners.len() / 2).copied().unwrap_or(0),
        banners.last().copied().unwrap_or(0),
        settled as f64 / by_sender.len().max(1) as f64
    )
}

fn report(scenario: Scenario, outcomes: &[Outcome], threshold: f64) {
    let genuine: Vec<&Outcome> = outcomes.iter().filter(|o| known_genuine(o)).collect();
    let attacks: Vec<&Outcome> = outcomes
        .iter()
        .filter(|o| matches!(&o.role, Role::Original(l) if l.is_attack))
        .collect();
    let warnings: Vec<&Outcome> = outcomes
        .iter()
        .filter(|o| matches!(&o.role, Role::Original(l) if l.variant == "sender_warning"))
        .collect();
    let precursors: Vec<&Outcome> = outcomes
        .iter()
        .filter(|o| matches!(&o.role, Role::Precursor(v) if v == "phish_own_infra"))
        .collect();
    let flagged = |o: &Outcome| o.action != Action::None;
    let per_variant: Vec<String> = VARIANTS
        .iter()
        .map(|v| {
            let of: Vec<&Outcome> = attacks
                .iter()
                .copied()
                .filter(|o| matches!(&o.role, Role::Original(l) if l.variant == *v))
                .collect();
            format!("{}={}", v, share(&of, flagged))
        })
        .collect();
    let drifted = if scenario == Scenario::NewClient {
        settling(&genuine)
    } else {
        "-".into()
    };
    println!(
        "{:<20} {:>8} {:>8} {:>9} {:>9} {:>9} {:>9}  {}",
        scenario.name(),
        share(&genuine, flagged),
        share(&attacks, |o| o.score > threshold),
        share(&attacks, flagged),
        share(&warnings, flagged),
        share(&precursors, flagged),
        drifted,
        per_variant.join(" ")
    );
}
