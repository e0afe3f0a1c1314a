//! The `familiar` command on the mailbox formats it reads, in time order, and on bad input.

mod common;

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use common::Mail;

fn familiar(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_familiar"))
        .args(args)
        .output()
        .expect("run familiar")
}

fn lines(out: &Output) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect()
}

/// Three messages whose file order is not their time order.
fn messages() -> Vec<(String, Vec<u8>)> {
    [("c", 20), ("a", 5), ("b", 12)]
        .into_iter()
        .map(|(name, day)| {
            let m = Mail::usual(day)
                .set("Date", &format!("Mon, {day} Jan 2026 10:00:00 +0100"))
                .set("Message-ID", &format!("<{name}@supplier.example>"))
                .render();
            (name.to_string(), m)
        })
        .collect()
}

fn ids(out: &Output) -> Vec<String> {
    lines(out)
        .iter()
        .map(|v| v["message_id"].as_str().unwrap_or("").to_string())
        .collect()
}

const IN_TIME_ORDER: [&str; 3] = [
    "a@supplier.example",
    "b@supplier.example",
    "c@supplier.example",
];

#[test]
fn an_mbox_is_replayed_in_time_order() {
    let dir = tempdir("mbox");
    let mut mbox = Vec::new();
    for (_, m) in messages() {
        mbox.extend_from_slice(b"From anna@supplier.example Mon Jan  5 10:00:00 2026\n");
        mbox.extend_from_slice(&m);
        mbox.push(b'\n');
    }
    let path = dir.join("inbox.mbox");
    fs::write(&path, mbox).expect("write");
    let out = familiar(&["replay", path.to_str().expect("path")]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(ids(&out), IN_TIME_ORDER);
    let first = &lines(&out)[0];
    for key in [
        "message_id",
        "index",
        "from",
        "score",
        "tags",
        "action",
        "reasons",
    ] {
        assert!(first.get(key).is_some(), "missing {key}");
    }
}

#[test]
fn a_maildir_and_a_folder_of_eml_files_are_replayed_in_time_order() {
    let maildir = tempdir("maildir");
    for sub in ["cur", "new", "tmp"] {
        fs::create_dir_all(maildir.join(sub)).expect("mkdir");
    }
    let folder = tempdir("emls");
    fs::create_dir_all(folder.join("nested")).expect("mkdir");
    for (name, m) in messages() {
        fs::write(maildir.join("cur").join(format!("{name}:2,S")), &m).expect("write");
        fs::write(folder.join("nested").join(format!("{name}.eml")), &m).expect("write");
    }
    for dir in [&maildir, &folder] {
        let out = familiar(&["replay", dir.to_str().expect("path")]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(ids(&out), IN_TIME_ORDER, "{}", dir.display());
    }
    let one = folder.join("nested").join("b.eml");
    let out = familiar(&["replay", one.to_str().expect("path")]);
    assert_eq!(ids(&out), ["b@supplier.example"]);
}

#[test]
fn bad_files_are_named_and_skipped_and_the_exit_code_says_so() {
    let dir = tempdir("bad");
    for (name, m) in messages() {
        fs::write(dir.join(format!("{name}.eml")), &m).expect("write");
    }
    fs::write(dir.join("notes.txt"), "shopping list\nmilk\n").expect("write");
    let out = familiar(&["replay", dir.to_str().expect("path")]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("notes.txt: not a mail message"), "{stderr}");
    assert_eq!(ids(&out).len(), 3);

    let missing = familiar(&["replay", dir.join("nope").to_str().expect("path")]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("nope"));
}

#[test]
fn a_baseline_is_saved_reused_and_never_overwritten_when_corrupt() {
    let dir = tempdir("baseline");
    let (_, first) = &messages()[1];
    let eml = dir.join("a.eml");
    fs::write(&eml, first).expect("write");
    let baseline = dir.join("baseline.json");
    let b = baseline.to_str().expect("path");

    let out = familiar(&["replay", eml.to_str().expect("path"), "--baseline", b]);
    assert!(out.status.success());
    let saved = fs::read_to_string(&baseline).expect("saved");
    assert!(saved.contains("anna@supplier.example"));

    let scored = familiar(&[
        "score",
        eml.to_str().expect("path"),
        "--baseline",
        b,
        "--json",
    ]);
    assert!(scored.status.success());
    let report: serde_json::Value = serde_json::from_slice(&scored.stdout).expect("json");
    assert_eq!(report["history"], 1);

    fs::write(&baseline, "{ this is not json").expect("write");
    let out = familiar(&["replay", eml.to_str().expect("path"), "--baseline", b]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("baseline.json"));
    assert_eq!(
        fs::read_to_string(&baseline).expect("read"),
        "{ this is not json"
    );
}

#[test]
fn the_demo_prints_its_table() {
    let out = familiar(&["demo"]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("hold") && text.contains("Updated invoice"),
        "{text}"
    );
}

fn tempdir(name: &str) -> std::path::PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("replay-{name}"));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("mkdir");
    dir
}
