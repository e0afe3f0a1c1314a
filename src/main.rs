//! The `familiar` command: replays mailboxes through the engine and prints what it thinks.
//! A bad file is reported on one line and skipped; the exit code says whether any was.

use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use familiar::{Baseline, Engine, Report, mailbox};
use indicatif::{ProgressBar, ProgressStyle};

#[derive(Parser)]
#[command(
    name = "familiar",
    version,
    about = "Flags mail that is out of character for its sender"
)]
struct Cli {
    /// Print each file as it is read, and timing, on stderr.
    #[arg(long, global = true)]
    verbose: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Replay the built-in example mailbox and print a table of verdicts.
    Demo,
    /// Replay an mbox, a maildir, a folder of .eml files or one .eml, oldest first; print
    /// one JSON report per message.
    Replay {
        path: PathBuf,
        /// Load the learned state from FILE first and save it there afterwards.
        #[arg(long, value_name = "FILE")]
        baseline: Option<PathBuf>,
        /// The mailbox owner's address (repeatable): their mail counts as sent mail.
        #[arg(long = "me", value_name = "ADDRESS")]
        owner: Vec<String>,
    },
    /// Score one message against a saved baseline, without learning from it.
    Score {
        file: PathBuf,
        #[arg(long, value_name = "FILE")]
        baseline: PathBuf,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
}

/// A problem with one input, reported as `familiar: <path>: <cause>`.
struct InputError {
    path: PathBuf,
    cause: String,
}

impl InputError {
    fn new(path: &Path, cause: impl std::fmt::Display) -> InputError {
        InputError {
            path: path.to_path_buf(),
            cause: cause.to_string(),
        }
    }

    fn print(&self) {
        eprintln!("familiar: {}: {}", self.path.display(), self.cause);
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Demo => demo(),
        Command::Replay {
            path,
            baseline,
            owner,
        } => replay(&path, baseline.as_deref(), &owner, cli.verbose),
        Command::Score {
            file,
            baseline,
            json,
        } => score_one(&file, &baseline, json),
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            e.print();
            ExitCode::from(2)
        }
    }
}

fn load_baseline(path: &Path) -> Result<Baseline, InputError> {
    let data = match fs::read(path) {
        Ok(d) => d,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Baseline::new()),
        Err(e) => return Err(InputError::new(path, e)),
    };
    let baseline: Baseline = serde_json::from_slice(&data)
        .map_err(|e| InputError::new(path, format!("not a familiar baseline: {e}")))?;
    baseline.validate().map_err(|e| InputError::new(path, e))
}

/// Writes the baseline next to its destination and renames it into place, so that a crash
/// never leaves half a file.
fn save_baseline(path: &Path, baseline: &Baseline) -> Result<(), InputError> {
    let json = serde_json::to_vec(baseline).map_err(|e| InputError::new(path, e))?;
    let tmp = path.with_extension("tmp");
    fs::write(&tmp, json).map_err(|e| InputError::new(&tmp, e))?;
    fs::rename(&tmp, path).map_err(|e| InputError::new(path, e))
}

/// One message read from disk, with where it came from.
struct Loaded {
    origin: String,
    raw: Vec<u8>,
}

/// Reads every message under `path`. Unreadable and non-mail files are reported and
/// skipped; the returned flag is false if any was.
fn load(path: &Path, verbose: bool) -> Result<(Vec<Loaded>, bool), InputError> {
    let meta = fs::metadata(path).map_err(|e| InputError::new(path, e))?;
    let mut files = Vec::new();
    if meta.is_dir() {
        collect_files(path, &mut files).map_err(|e| InputError::new(path, e))?;
        files.sort();
    } else {
        files.push(path.to_path_buf());
    }
    let mut out = Vec::new();
    let mut clean = true;
    for file in files {
        if verbose {
            eprintln!("reading {}", file.display());
        }
        let data = match fs::read(&file) {
            Ok(d) => d,
            Err(e) => {
                InputError::new(&file, e).print();
                clean = false;
                continue;
            }
        };
        if mailbox::is_mbox(&data) {
            for (i, raw) in mailbox::split_mbox(&data).into_iter().enumerate() {
                out.push(Loaded {
                    origin: format!("{}#{}", file.display(), i + 1),
                    raw,
                });
            }
        } else if looks_like_mail(&data) {
            out.push(Loaded {
                origin: file.display().to_string(),
                raw: data,
            });
        } else {
            InputError::new(&file, "not a mail message (no header block)").print();
            clean = false;
        }
    }
    Ok((out, clean))
}

/// Walks a folder: maildir `cur`/`new`, or any tree of files. Hidden files and maildir
/// bookkeeping (`tmp`) are skipped.
fn collect_files(dir: &Path, out: &mut Vec<PathBuf>) -> io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') || name == "tmp" {
            continue;
        }
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            collect_files(&path, out)?;
        } else {
            out.push(path);
        }
    }
    Ok(())
}

fn looks_like_mail(data: &[u8]) -> bool {
    let head = &data[..data.len().min(4096)];
    let first_line = head.split(|&b| b == b'\n').next().unwrap_or(b"");
    let is_header = first_line
        .iter()
        .position(|&b| b == b':')
        .is_some_and(|colon| colon > 0 && first_line[..colon].iter().all(|b| b.is_ascii_graphic()));
    is_header
        && mail_parser::MessageParser::new()
            .parse_headers(data)
            .is_some()
}

fn replay(
    path: &Path,
    baseline_path: Option<&Path>,
    owner: &[String],
    verbose: bool,
) -> Result<bool, InputError> {
    let baseline = match baseline_path {
        Some(p) => load_baseline(p)?,
        None => Baseline::new(),
    };
    let (messages, clean) = load(path, verbose)?;
    let dates: Vec<Option<i64>> = messages.iter().map(|m| mailbox::date_of(&m.raw)).collect();
    let order = mailbox::chronological(&dates);

    let mut engine = Engine::with_baseline(baseline);
    if !owner.is_empty() {
        engine.set_owner(owner);
    }
    let progress = ProgressBar::new(order.len() as u64);
    progress.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} messages {per_sec} eta {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    for (index, &i) in order.iter().enumerate() {
        let report = engine.process(&messages[i].raw);
        let line = json_line(&report, index + 1, &messages[i].origin);
        if writeln!(out, "{line}").is_err() {
            break; // stdout closed (e.g. piped into head): stop quietly
        }
        progress.inc(1);
    }
    progress.finish_and_clear();
    let _ = out.flush();
    if let Some(p) = baseline_path {
        save_baseline(p, engine.baseline())?;
    }
    Ok(clean)
}

fn json_line(report: &Report, index: usize, origin: &str) -> String {
    let mut value = serde_json::to_value(report).unwrap_or_default();
    if let Some(obj) = value.as_object_mut() {
        obj.insert("index".into(), index.into());
        obj.insert("source".into(), origin.into());
    }
    value.to_string()
}

fn score_one(file: &Path, baseline_path: &Path, json: bool) -> Result<bool, InputError> {
    if !baseline_path.exists() {
        return Err(InputError::new(
            baseline_path,
            "no such baseline (create one with replay)",
        ));
    }
    let engine = Engine::with_baseline(load_baseline(baseline_path)?);
    let raw = fs::read(file).map_err(|e| InputError::new(file, e))?;
    if !looks_like_mail(&raw) && !mailbox::is_mbox(&raw) {
        return Err(InputError::new(
            file,
            "not a mail message (no header block)",
        ));
    }
    let report = engine.score(&raw);
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&report).unwrap_or_default()
        );
    } else {
        print_report(&report);
    }
    Ok(true)
}

fn print_report(r: &Report) {
    println!("From:    {} <{}>", r.from_name, r.from);
    println!("Subject: {}", r.subject);
    println!("Score:   {:.0}/100, action: {}", r.score, r.action.as_str());
    let tags: Vec<&str> = r.tags.iter().map(|t| t.label()).collect();
    println!("Tags:    {}", tags.join(", "));
    println!("History: {} earlier messages from this sender", r.history);
    for reason in &r.reasons {
        println!("  {:+5.2}  {}", reason.weight, reason.text);
    }
}

fn demo() -> Result<bool, InputError> {
    let messages = familiar::demo::mailbox();
    let dates: Vec<Option<i64>> = messages.iter().map(|m| mailbox::date_of(m)).collect();
    let mut engine = Engine::new();
    engine.set_owner(&[familiar::demo::OWNER.to_string()]);
    println!(
        "{:<16}  {:<28}  {:<44}  {:>5}  {:<5}  tags",
        "date (UTC)", "sender", "subject", "score", "action"
    );
    for i in mailbox::chronological(&dates) {
        let r = engine.process(&messages[i]);
        if r.from == familiar::demo::OWNER {
            continue;
        }
        let tags: Vec<&str> = r.tags.iter().map(|t| t.label()).collect();
        println!(
            "{:<16}  {:<28}  {:<44}  {:>5.0}  {:<5}  {}",
            r.date.map(format_date).unwrap_or_default(),
            clip(&r.from, 28),
            clip(&r.subject, 44),
            r.score,
            r.action.as_str(),
            tags.join(", ")
        );
        if r.action != familiar::Action::None {
            println!("{:>18}└ {}", "", r.headline());
        }
    }
    Ok(true)
}

fn clip(s: &str, width: usize) -> String {
    let clean: String = s.chars().filter(|c| !c.is_control()).collect();
    if clean.chars().count() <= width {
        clean
    } else {
        let mut out: String = clean.chars().take(width - 1).collect();
        out.push('…');
        out
    }
}

/// `YYYY-MM-DD HH:MM` in UTC from seconds since the epoch (civil-from-days algorithm).
fn format_date(ts: i64) -> String {
    let c = mailbox::civil_time(ts);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}",
        c.year, c.month, c.day, c.hour, c.minute
    )
}
