//! The bounds on what one message may cost, and mail beyond each: more bytes than are read,
//! more headers than are examined, MIME trees deeper than the layout describes, more
//! attachments and links than are kept, more text than is read. Each case must still give
//! a complete report, keep the bound it tests, and stay within a memory budget measured by
//! a counting allocator. Time is not asserted here; `examples/bench.rs` measures it.
//!
//! One test function runs every case in turn, so that the allocator's peak belongs to the
//! case being measured and not to a neighbour running on another thread.

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use common::{Mail, engine_with_history, reason};
use familiar::engine::MAX_MESSAGE_BYTES;
use familiar::message::{MAX_HEADERS, MAX_LINKS, MAX_MIME_DEPTH, MAX_PARTS, Message};
use familiar::text::MAX_TEXT_BYTES;
use familiar::{Action, Engine, Report, features};

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is passed to the system allocator unchanged; only sizes are counted.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, p: *mut u8, layout: Layout) {
        unsafe { System.dealloc(p, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Memory one message may take beyond its own bytes, as a multiple of its length plus a
/// fixed allowance: the parser keeps decoded copies of parts next to the raw text, and the
/// reader keeps bounded text and style vectors. Measured peaks are printed by the test.
const MEMORY_PER_INPUT_BYTE: usize = 4;
const MEMORY_ALLOWANCE_BYTES: usize = 8 * 1024 * 1024;

/// Scores `raw` against `engine`, returning the report and the peak of memory allocated
/// while doing so, beyond what was live before.
fn score_measured(engine: &Engine, raw: &[u8]) -> (Report, usize) {
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let report = engine.score(raw);
    let peak = PEAK.load(Ordering::Relaxed).saturating_sub(before);
    (report, peak)
}

/// The supplier's usual note with `extra` inserted in front of its sign-off.
fn usual_with(extra: &str) -> Mail {
    let mail = Mail::usual(90);
    let body = mail
        .body
        .replace("Best regards,", &format!("{extra}\n\nBest regards,"));
    mail.body(&body)
}

/// A multipart message from the supplier: the usual note, then `parts` written as given.
fn multipart(parts: &[String]) -> Vec<u8> {
    let usual = Mail::usual(90);
    let mut body = format!(
        "--b\nContent-Type: text/plain; charset=UTF-8\n\n{}\n",
        usual.body
    );
    for part in parts {
        body.push_str("--b\n");
        body.push_str(part);
        body.push('\n');
    }
    body.push_str("--b--\n");
    usual
        .set("Content-Type", "multipart/mixed; boundary=\"b\"")
        .body(&body)
        .render()
}

struct Case {
    name: &'static str,
    raw: Vec<u8>,
    check: fn(&Message, &Report),
}

fn cases() -> Vec<Case> {
    let attachment = |i: usize, ext: &str| {
        format!(
            "Content-Type: application/octet-stream; name=\"f{i}.{ext}\"\n\
             Content-Disposition: attachment; filename=\"f{i}.{ext}\"\n\n{i}"
        )
    };
    vec![
        Case {
            name: "more bytes than are read",
            raw: {
                let filler = "Q".repeat(76) + "\n";
                let lines = (MAX_MESSAGE_BYTES + 8 * 1024 * 1024) / filler.len();
                multipart(&[format!(
                    "Content-Type: application/pdf; name=\"cat.pdf\"\n\
                     Content-Transfer-Encoding: base64\n\n{}",
                    filler.repeat(lines)
                )])
            },
            check: |m, r| {
                assert!(!m.is_malformed, "a cut message is still read");
                assert!(r.history > 0, "the sender is still recognised");
            },
        },
        Case {
            name: "more headers than are examined",
            raw: {
                let mut mail = Mail::usual(90);
                let usual = std::mem::take(&mut mail.headers);
                mail.headers = (0..MAX_HEADERS * 8)
                    .map(|i| (format!("X-Filler-{i}"), "v".repeat(100)))
                    .collect();
                mail.headers.extend(usual);
                mail.render()
            },
            check: |m, r| {
                assert_eq!(m.header_names.len(), MAX_HEADERS);
                assert_eq!(r.from, "anna@supplier.example");
                assert_ne!(
                    r.action,
                    Action::None,
                    "hidden headers make it less familiar"
                );
            },
        },
        Case {
            name: "a header larger than the rest of the message",
            raw: Mail::usual(90)
                .set("Subject", &"Your order ".repeat(400_000))
                .render(),
            check: |_, r| {
                assert!(r.subject.chars().count() <= 200);
                assert_eq!(r.action, Action::None);
            },
        },
        Case {
            name: "a MIME tree deeper than the layout describes",
            raw: {
                let depth = MAX_MIME_DEPTH * 50;
                let mut body = String::new();
                for level in 0..depth {
                    body.push_str(&format!(
                        "--l{level}\nContent-Type: multipart/mixed; boundary=\"l{}\"\n\n",
                        level + 1
                    ));
                }
                body.push_str(&format!(
                    "--l{depth}\nContent-Type: text/plain\n\nVerify your account at \
                     https://login.collector.example/verify\n"
                ));
                for level in (0..=depth).rev() {
                    body.push_str(&format!("--l{level}--\n"));
                }
                Mail::usual(90)
                    .set("Content-Type", "multipart/mixed; boundary=\"l0\"")
                    .body(&body)
                    .render()
            },
            check: |m, _| {
                assert!(
                    m.mime_shape.len() <= 300,
                    "layout {} bytes",
                    m.mime_shape.len()
                );
                assert!(m.mime_shape.ends_with('…') || m.mime_shape.contains('…'));
            },
        },
        Case {
            name: "more attachments than are kept, the risky one last",
            raw: {
                let mut parts: Vec<String> =
                    (0..MAX_PARTS * 4).map(|i| attachment(i, "pdf")).collect();
                parts.push(
                    "Content-Type: text/html; name=\"remittance.html\"\n\
                     Content-Disposition: attachment; filename=\"remittance.html\"\n\n<form>"
                        .to_string(),
                );
                multipart(&parts)
            },
            check: |m, r| {
                assert!(m.attachments.len() <= MAX_PARTS);
                assert!(
                    reason(r, "CONTENT_RISKY_ATTACHMENT").is_some(),
                    "a thousand copies of one kind hid the HTML file"
                );
            },
        },
        Case {
            name: "more kinds of attachment than are kept",
            raw: {
                let parts: Vec<String> = (0..MAX_PARTS * 2)
                    .map(|i| attachment(i, &format!("x{i}")))
                    .collect();
                multipart(&parts)
            },
            check: |m, _| assert_eq!(m.attachments.len(), MAX_PARTS),
        },
        Case {
            name: "more links than are kept, the deceptive one after many repeats",
            raw: {
                let mut html = String::from("<html><body><p>Hi Sam,</p>");
                for _ in 0..MAX_LINKS * 4 {
                    html.push_str("<a href=\"https://portal.supplier.example/\">portal</a> ");
                }
                html.push_str(
                    "<a href=\"https://login.collector.example/\">https://portal.supplier.example/</a>",
                );
                html.push_str("</body></html>");
                Mail::usual(90)
                    .set("Content-Type", "text/html; charset=UTF-8")
                    .body(&html)
                    .render()
            },
            check: |m, r| {
                assert!(m.anchors.len() <= MAX_LINKS);
                assert!(
                    reason(r, "CONTENT_DECEPTIVE_LINK").is_some(),
                    "repeats of one link hid the deceptive one"
                );
            },
        },
        Case {
            name: "more distinct links than are kept",
            raw: {
                let urls: Vec<String> = (0..MAX_LINKS * 4)
                    .map(|i| format!("https://portal.supplier.example/orders/{i}"))
                    .collect();
                usual_with(&urls.join("\n")).render()
            },
            check: |m, _| {
                let f = features::extract(m);
                assert_eq!(f.links.len(), MAX_LINKS);
            },
        },
        Case {
            name: "more text than is read",
            raw: {
                let filler = "the pallets are packed and the van leaves on Thursday. ";
                let padding = filler.repeat(MAX_TEXT_BYTES * 4 / filler.len());
                usual_with(&padding).render()
            },
            check: |m, r| {
                assert!(m.text.len() >= MAX_TEXT_BYTES, "the reader keeps the text");
                assert!((0.0..=100.0).contains(&r.score));
            },
        },
    ]
}

#[test]
fn mail_beyond_every_limit_is_scored_within_bounds() {
    let engine = engine_with_history(20);
    let mut table = String::new();
    let mut ran = 0;
    for case in cases() {
        let parsed = Message::parse(&case.raw[..case.raw.len().min(MAX_MESSAGE_BYTES)]);
        let (report, peak) = score_measured(&engine, &case.raw);
        let budget =
            case.raw.len().min(MAX_MESSAGE_BYTES) * MEMORY_PER_INPUT_BYTE + MEMORY_ALLOWANCE_BYTES;
        table.push_str(&format!(
            "{:<64} input {:>9} B  peak {:>10} B  {} {:.1}\n",
            case.name,
            case.raw.len(),
            peak,
            report.action.as_str(),
            report.score
        ));
        assert!(
            peak <= budget,
            "{}: {peak} bytes at peak, budget {budget}",
            case.name
        );
        assert!(
            serde_json::to_vec(&report).expect("a report encodes").len() <= 64 * 1024,
            "{}: report too large",
            case.name
        );
        (case.check)(&parsed, &report);
        ran += 1;
    }
    eprintln!("{table}");
    assert_eq!(ran, 9, "every limit is exercised");
}
