//! Throughput benchmark (not a test): messages per second for mail-parser's parse alone and
//! for familiar's whole pipeline (parse, extract, score, learn) on the same messages, plus
//! the size of the largest sender profile afterwards.
//!
//!     cargo run --release --example bench -- [MBOX...]   (default: the example mailbox)

use std::time::Instant;

use familiar::{Engine, demo, mailbox};

fn main() {
    let paths: Vec<String> = std::env::args().skip(1).collect();
    let mut messages: Vec<Vec<u8>> = Vec::new();
    for path in &paths {
        match std::fs::read(path) {
            Ok(data) => messages.extend(mailbox::split_mbox(&data)),
            Err(e) => eprintln!("bench: {path}: {e}"),
        }
    }
    if messages.is_empty() {
        for _ in 0..20 {
            messages.extend(demo::mailbox());
        }
    }
    let bytes: usize = messages.iter().map(Vec::len).sum();
    println!("{} messages, {:.1} MB", messages.len(), bytes as f64 / 1e6);

    let parse_rate = best_of(3, || {
        let start = Instant::now();
        let mut parts = 0usize;
        for m in &messages {
            if let Some(p) = mail_parser::MessageParser::default().parse(m.as_slice()) {
                parts += p.parts.len();
            }
        }
        std::hint::black_box(parts);
        messages.len() as f64 / start.elapsed().as_secs_f64()
    });

    let mut largest = 0usize;
    let pipeline_rate = best_of(3, || {
        let mut engine = Engine::new();
        let start = Instant::now();
        for m in &messages {
            std::hint::black_box(engine.process(m));
        }
        let rate = messages.len() as f64 / start.elapsed().as_secs_f64();
        largest = engine
            .baseline()
            .senders
            .values()
            .map(|p| serde_json::to_vec(p).map_or(0, |v| v.len()))
            .max()
            .unwrap_or(0);
        rate
    });

    println!("mail-parser parse only        {parse_rate:>9.0} msg/s");
    println!(
        "familiar parse+score+learn    {pipeline_rate:>9.0} msg/s  ({:.2} of parse-only)",
        pipeline_rate / parse_rate
    );
    println!("largest sender profile        {largest:>9} bytes (JSON)");
}

fn best_of(runs: usize, mut f: impl FnMut() -> f64) -> f64 {
    (0..runs).map(|_| f()).fold(0.0, f64::max)
}
