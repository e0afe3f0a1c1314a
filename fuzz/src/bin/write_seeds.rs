//! Writes seed inputs for the fuzz targets from the crate's own fixtures: each message of the
//! built-in example alone, runs of consecutive messages as small mboxes, and the baselines
//! and profile records learned along the way. Usage: `write_seeds <mail dir> <baseline dir>`.

use std::fs;
use std::path::Path;
use std::process::ExitCode;

use familiar::{Engine, demo};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [mail_dir, baseline_dir] = args.as_slice() else {
        eprintln!("usage: write_seeds <mail dir> <baseline dir>");
        return ExitCode::from(2);
    };
    match write(Path::new(mail_dir), Path::new(baseline_dir)) {
        Ok(n) => {
            eprintln!("write_seeds: {n} files");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("write_seeds: {e}");
            ExitCode::FAILURE
        }
    }
}

fn write(mail_dir: &Path, baseline_dir: &Path) -> std::io::Result<usize> {
    fs::create_dir_all(mail_dir)?;
    fs::create_dir_all(baseline_dir)?;
    let messages = demo::mailbox();
    let mut written = 0;

    for (i, raw) in messages.iter().enumerate() {
        fs::write(mail_dir.join(format!("demo-{i:03}.eml")), raw)?;
        written += 1;
    }
    for (i, run) in messages.chunks(4).enumerate() {
        let mut mbox = Vec::new();
        for raw in run {
            mbox.extend_from_slice(b"From sender@example Mon Jan  5 09:00:00 2026\n");
            mbox.extend_from_slice(raw);
            mbox.extend_from_slice(b"\n");
        }
        fs::write(mail_dir.join(format!("demo-run-{i:02}.mbox")), mbox)?;
        written += 1;
    }

    let mut engine = Engine::new();
    engine.set_owner(&[demo::OWNER.to_string()]);
    for (i, raw) in messages.iter().enumerate() {
        engine.process(raw);
        if i % 20 == 0 || i + 1 == messages.len() {
            let json = serde_json::to_string(engine.baseline()).map_err(std::io::Error::other)?;
            fs::write(baseline_dir.join(format!("baseline-{i:03}.json")), json)?;
            written += 1;
        }
    }
    let baseline = engine.baseline();
    for (kind, map) in [("sender", &baseline.senders), ("domain", &baseline.domains)] {
        for (i, profile) in map.values().enumerate() {
            let json = serde_json::to_string(profile).map_err(std::io::Error::other)?;
            fs::write(baseline_dir.join(format!("{kind}-{i:02}.json")), json)?;
            written += 1;
        }
    }
    let correspondents = engine.correspondents_json().map_err(std::io::Error::other)?;
    fs::write(baseline_dir.join("correspondents.json"), correspondents)?;
    Ok(written + 1)
}
