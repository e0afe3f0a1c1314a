//! The engine: one mailbox's baseline and the rule for learning. Every message is scored
//! against what was known before it; only mail that scored as normal becomes part of its
//! sender's habits. Out-of-character mail is learned only when the user says it is normal.

use crate::baseline::{BACKGROUND_MEMORY, Baseline, BaselineError, Profile, Style};
use crate::domains;
use crate::features::{self, Features};
use crate::message::Message;
use crate::score::{self, Action, Report};

/// Raw messages larger than this are judged on their first bytes only.
pub const MAX_MESSAGE_BYTES: usize = 32 * 1024 * 1024;

/// Record key of the mailbox-wide state: the owner's addresses, the people they write to,
/// and the style all learned mail shares.
pub const CORRESPONDENTS_KEY: &str = "meta:correspondents";
/// Correspondents kept; past this the least written-to are forgotten.
const MAX_CORRESPONDENTS: usize = 4096;

#[derive(serde::Serialize, serde::Deserialize)]
struct Correspondents {
    #[serde(default)]
    owner: Vec<String>,
    #[serde(default)]
    correspondents: std::collections::BTreeMap<String, u32>,
    /// Without it a store that keeps only per-record state would start every session with
    /// an empty mailbox background, and judge style differently after each restart.
    #[serde(default)]
    background: Style,
}

#[derive(Clone, Debug, Default)]
pub struct Engine {
    baseline: Baseline,
}

impl Engine {
    pub fn new() -> Engine {
        Engine {
            baseline: Baseline::new(),
        }
    }

    pub fn with_baseline(baseline: Baseline) -> Engine {
        Engine { baseline }
    }

    pub fn baseline(&self) -> &Baseline {
        &self.baseline
    }

    pub fn into_baseline(self) -> Baseline {
        self.baseline
    }

    /// Declares the mailbox owner's own addresses: their mail is sent mail, and tells whom
    /// the owner writes to.
    pub fn set_owner(&mut self, addresses: &[String]) {
        self.baseline.owner = addresses.iter().map(|a| a.trim().to_lowercase()).collect();
    }

    /// Scores a message without learning from it.
    pub fn score(&self, raw: &[u8]) -> Report {
        score::score(&self.baseline, &extract(raw))
    }

    /// Scores a message, then learns from it if it was in character. Mail from the owner
    /// is recorded as sent mail instead.
    pub fn process(&mut self, raw: &[u8]) -> Report {
        let f = extract(raw);
        if self.is_owner(&f.sender) {
            self.learn_sent(&f);
            return Report::sent(&f);
        }
        let report = score::score(&self.baseline, &f);
        // A clean but unusual message is learned once its novelty has recurred enough.
        let is_accepted =
            report.action == Action::None || (report.risk < 0.5 && self.note_unfamiliar(&f));
        if is_accepted {
            self.learn(&f);
        }
        report
    }

    /// The user says this message is normal for its sender: learn it whatever its score.
    pub fn mark_normal(&mut self, raw: &[u8]) -> Report {
        let f = extract(raw);
        if let Some(p) = self.baseline.senders.get_mut(&f.sender) {
            p.end_probation(&f.unfamiliar_habits(|_, _| false));
        }
        self.learn(&f);
        score::score(&self.baseline, &f)
    }

    /// The user reported this message: its sender is watched more closely from now on.
    pub fn report_message(&mut self, raw: &[u8]) {
        let f = extract(raw);
        if let Some(p) = self.baseline.senders.get_mut(&f.sender) {
            p.reported = p.reported.saturating_add(1);
            p.reported_at = f.timestamp.unwrap_or(p.last_seen);
        }
    }

    /// A sender's profile, if any mail of theirs was learned.
    pub fn profile(&self, address: &str) -> Option<&Profile> {
        self.baseline.senders.get(&address.trim().to_lowercase())
    }

    /// Record keys a message touches: `sender:<address>` and, for organisations,
    /// `domain:<registrable domain>`.
    pub fn record_keys(raw: &[u8]) -> Vec<String> {
        let f = extract(raw);
        let mut keys = Vec::new();
        if !f.sender.is_empty() {
            keys.push(format!("sender:{}", f.sender));
        }
        if !f.sender_domain.is_empty() && !domains::is_freemail(&f.sender_domain) {
            keys.push(format!("domain:{}", f.sender_domain));
        }
        keys.push(CORRESPONDENTS_KEY.to_string());
        keys
    }

    /// Whom the owner writes to, and the owner's addresses, as one JSON record.
    pub fn correspondents_json(&self) -> Result<String, BaselineError> {
        let record = Correspondents {
            owner: self.baseline.owner.clone(),
            correspondents: self.baseline.correspondents.clone(),
            background: self.baseline.background.clone(),
        };
        serde_json::to_string(&record).map_err(|e| BaselineError(e.to_string()))
    }

    /// Loads the record written by [`Engine::correspondents_json`].
    pub fn put_correspondents_json(&mut self, json: &str) -> Result<(), BaselineError> {
        let record: Correspondents = serde_json::from_str(json)
            .map_err(|e| BaselineError(format!("correspondents record is malformed: {e}")))?;
        if !record.background.is_well_formed() {
            return Err(BaselineError(
                "correspondents record has a malformed style background".to_string(),
            ));
        }
        if !record.owner.is_empty() {
            self.baseline.owner = record.owner;
        }
        self.baseline.correspondents = record.correspondents;
        self.baseline.background = record.background;
        Ok(())
    }

    /// Loads one stored profile (from a per-sender store), checked like a whole baseline.
    pub fn put_profile(
        &mut self,
        is_sender: bool,
        key: &str,
        profile: Profile,
    ) -> Result<(), crate::BaselineError> {
        let mut probe = Baseline::new();
        probe.senders.insert(key.to_string(), profile);
        let mut checked = probe.validate()?;
        let profile = checked.senders.remove(key).unwrap_or_default();
        let map = if is_sender {
            &mut self.baseline.senders
        } else {
            &mut self.baseline.domains
        };
        map.insert(key.to_string(), profile);
        Ok(())
    }

    /// Forgets one profile held in memory.
    pub fn drop_profile(&mut self, is_sender: bool, key: &str) {
        let map = if is_sender {
            &mut self.baseline.senders
        } else {
            &mut self.baseline.domains
        };
        map.remove(key);
    }

    fn is_owner(&self, sender: &str) -> bool {
        !sender.is_empty() && self.baseline.owner.iter().any(|o| o == sender)
    }

    /// Remembers the unfamiliar habits of a clean but unusual message; true once they have
    /// recurred enough to be learned.
    fn note_unfamiliar(&mut self, f: &Features) -> bool {
        let Some(profile) = self.baseline.senders.get_mut(&f.sender) else {
            return false;
        };
        let mut keys = f.unfamiliar_habits(|t, token| {
            profile.trait_stats(t).is_some_and(|s| s.contains(token))
        });
        if keys.is_empty() {
            keys.push(features::READING_ONLY_KEY);
        }
        profile.note_unfamiliar(&keys, f.day())
    }

    fn learn(&mut self, f: &Features) {
        if f.sender.is_empty() || f.is_malformed {
            return;
        }
        let background = self
            .baseline
            .background_for(self.baseline.senders.get(&f.sender));
        let senders = &mut self.baseline.senders;
        senders
            .entry(f.sender.clone())
            .or_default()
            .learn(f, &background);
        if !f.sender_domain.is_empty() && !domains::is_freemail(&f.sender_domain) {
            let background = self
                .baseline
                .background_for(self.baseline.domains.get(&f.sender_domain));
            let orgs = &mut self.baseline.domains;
            orgs.entry(f.sender_domain.clone())
                .or_default()
                .learn(f, &background);
        }
        if let Some(v) = &f.style {
            self.baseline.background.learn(v, &[], BACKGROUND_MEMORY);
        }
    }

    fn learn_sent(&mut self, f: &Features) {
        let people = &mut self.baseline.correspondents;
        for r in &f.recipients {
            let n = people.entry(r.clone()).or_default();
            *n = n.saturating_add(1);
        }
        if people.len() > MAX_CORRESPONDENTS {
            let mut counts: Vec<u32> = people.values().copied().collect();
            counts.sort_unstable();
            let floor = counts[counts.len() - MAX_CORRESPONDENTS];
            people.retain(|_, n| *n > floor);
        }
    }
}

fn extract(raw: &[u8]) -> Features {
    let raw = &raw[..raw.len().min(MAX_MESSAGE_BYTES)];
    features::extract(&Message::parse(raw))
}
