//! The baseline: what was normal for each correspondent, learned one message at a time.
//! A [`Profile`] per sender address and per sender organisation (registrable domain, unless
//! it is a free-mail provider), plus the addresses the mailbox owner writes to. A profile
//! is bounded (see [`MAX_PROFILE_BYTES`]) however long the history: traits keep only their
//! most frequent tokens, style is a fixed-size centroid, hours a 24-bin histogram.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::features::{Features, TRAIT_COUNT, Trait};
use crate::text::{FORMAT_STATS, STYLE_BINS};

/// Version of the serialised format; bumped on any incompatible change.
pub const FORMAT_VERSION: u32 = 1;
/// Upper bound of one profile's JSON encoding, checked by a test after 1,000 messages.
pub const MAX_PROFILE_BYTES: usize = 4096;
/// Counts are halved when a trait's total passes this, so that old habits fade.
const COUNT_CEILING: u32 = 4000;
/// A new habit (say, a new phone) is accepted once this many clean messages showed it...
pub const DRIFT_REPEATS: u32 = 3;
/// ...spread over at least this many days, so that a burst from a hijacked account cannot
/// teach the baseline in one sitting.
pub const DRIFT_MIN_DAYS: u32 = 2;
/// A habit accepted that way, not by the user, stays under watch this long: a message that
/// shows it *and* asks for something (a sign-in, a payment, a shared file) is judged as if
/// the habit were still new, since a few harmless messages are all it takes to teach it.
pub const PROBATION_DAYS: u32 = 30;
/// Unfamiliar habits tracked per sender while they wait to be accepted.
const MAX_PENDING: usize = 6;
/// Habits on probation per sender; the oldest leave first.
const MAX_PROBATION: usize = 4;
/// Display names remembered per address; the oldest leave first.
const MAX_NAMES: usize = 4;
/// Messages the mailbox-wide style background reflects.
pub const BACKGROUND_MEMORY: f32 = 2000.0;
/// How many of the newest messages the style centroid roughly reflects.
const STYLE_MEMORY: f32 = 40.0;

/// Occurrences of one trait's tokens in a sender's learned mail.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TraitStats {
    /// `[token hash, count]`, most frequent first.
    #[serde(rename = "s", default)]
    pub seen: Vec<[u32; 2]>,
    /// Learned messages in which the trait had any token.
    #[serde(rename = "p", default)]
    pub present: u32,
    /// Learned messages that brought at least one token not seen before.
    #[serde(rename = "n", default)]
    pub novel: u32,
}

impl TraitStats {
    pub fn contains(&self, token: u32) -> bool {
        self.seen.iter().any(|[t, _]| *t == token)
    }

    fn learn(&mut self, tokens: &[u32], capacity: usize) {
        if tokens.is_empty() {
            return;
        }
        // Counters saturate: a stored record may hold any figure.
        self.present = self.present.saturating_add(1);
        if tokens.iter().any(|t| !self.contains(*t)) {
            self.novel = self.novel.saturating_add(1);
        }
        for &token in tokens {
            match self.seen.iter_mut().find(|[t, _]| *t == token) {
                Some(entry) => entry[1] = entry[1].saturating_add(1),
                None => {
                    if self.seen.len() >= capacity {
                        // Space-saving: the newcomer replaces the rarest token.
                        self.seen.pop();
                    }
                    self.seen.push([token, 1]);
                }
            }
        }
        self.seen.sort_by(|a, b| b[1].cmp(&a[1]));
        if self.present > COUNT_CEILING {
            self.present /= 2;
            self.novel /= 2;
            for entry in &mut self.seen {
                entry[1] = (entry[1] / 2).max(1);
            }
        }
    }
}

/// What a message can ask of its reader, as counted in [`Profile::asks`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ask {
    Credential = 0,
    Payment = 1,
    Share = 2,
    AddressAsName = 3,
}

/// A running mean and variance (Welford).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Moments {
    pub n: u32,
    pub mean: f32,
    pub m2: f32,
}

impl Moments {
    /// Weight of history is capped so that the moments follow slow change.
    const MAX_WEIGHT: u32 = 200;

    pub fn push(&mut self, x: f32) {
        self.n = (self.n + 1).min(Self::MAX_WEIGHT);
        // Worked in f64 and clamped back: a stored mean far from any real measure must not
        // overflow into an infinity, which JSON cannot hold and the baseline could not be
        // saved with.
        let (x, mean, m2) = (x as f64, self.mean as f64, self.m2 as f64);
        let delta = x - mean;
        let mean = mean + delta / self.n as f64;
        let mut m2 = m2 + delta * (x - mean);
        if self.n == Self::MAX_WEIGHT {
            m2 *= (Self::MAX_WEIGHT - 1) as f64 / Self::MAX_WEIGHT as f64;
        }
        let max = f32::MAX as f64;
        self.mean = mean.clamp(-max, max) as f32;
        self.m2 = m2.clamp(0.0, max) as f32;
    }

    /// Finite figures and a non-negative sum of squares, as [`Moments::push`] keeps them.
    pub fn is_well_formed(&self) -> bool {
        self.n <= Self::MAX_WEIGHT && self.mean.is_finite() && self.m2.is_finite() && self.m2 >= 0.0
    }

    pub fn variance(&self) -> f32 {
        if self.n < 2 {
            0.0
        } else {
            self.m2 / (self.n - 1) as f32
        }
    }
}

/// Style: a centroid of character-trigram profiles and how close this sender's own messages
/// usually come to it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Style {
    /// Centroid quantised to bytes (0..=255 for 0.0..=1.0 after normalising by the maximum).
    #[serde(rename = "c", with = "hex_bytes", default)]
    pub centroid: Vec<u8>,
    #[serde(rename = "k", default)]
    pub count: u32,
    /// Cosine similarity of each learned message to the centroid before it was added.
    #[serde(rename = "sim", default)]
    pub similarity: Moments,
}

impl Style {
    /// A centroid is absent or has exactly [`STYLE_BINS`] bins, and its similarity figures
    /// are well formed.
    pub fn is_well_formed(&self) -> bool {
        (self.centroid.is_empty() || self.centroid.len() == STYLE_BINS)
            && self.similarity.is_well_formed()
    }

    pub fn centroid_f32(&self) -> Vec<f32> {
        let mut v: Vec<f32> = self.centroid.iter().map(|&b| b as f32 / 255.0).collect();
        let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        if norm > 0.0 {
            v.iter_mut().for_each(|x| *x /= norm);
        }
        v
    }

    /// Cosine similarity of `v` to the centroid, both taken relative to `background` (the
    /// whole mailbox's centroid) so that what every writer shares does not count.
    pub fn similarity_to(&self, v: &[f32], background: &[f32]) -> Option<f32> {
        if self.count == 0 || self.centroid.len() != v.len() {
            return None;
        }
        let c = self.centroid_f32();
        let bg = |i: usize| background.get(i).copied().unwrap_or(0.0);
        let (mut dot, mut nc, mut nv) = (0.0f32, 0.0f32, 0.0f32);
        for (i, (a, b)) in c.iter().zip(v).enumerate() {
            let (a, b) = (a - bg(i), b - bg(i));
            dot += a * b;
            nc += a * a;
            nv += b * b;
        }
        let norm = (nc * nv).sqrt();
        Some(if norm > 0.0 { dot / norm } else { 0.0 })
    }

    /// Adds one message's profile; `memory` bounds how many recent messages dominate.
    pub fn learn(&mut self, v: &[f32], background: &[f32], memory: f32) {
        if let Some(sim) = self.similarity_to(v, background)
            && self.count >= 2
        {
            self.similarity.push(sim);
        }
        let mut c = if self.count == 0 {
            vec![0.0; STYLE_BINS]
        } else {
            self.centroid_f32()
        };
        let rate = 1.0 / (self.count.saturating_add(1) as f32).min(memory);
        for (x, y) in c.iter_mut().zip(v) {
            *x += rate * (y - *x);
        }
        let max = c.iter().cloned().fold(0.0f32, f32::max);
        self.centroid = c
            .iter()
            .map(|x| {
                if max > 0.0 {
                    (x / max * 255.0).round() as u8
                } else {
                    0
                }
            })
            .collect();
        self.count = self.count.saturating_add(1);
    }
}

/// Everything known about one correspondent (an address, or an organisation's domain).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Profile {
    /// Messages learned.
    #[serde(rename = "m")]
    pub messages: u32,
    #[serde(rename = "first", default)]
    pub first_seen: i64,
    #[serde(rename = "last", default)]
    pub last_seen: i64,
    #[serde(rename = "t", default)]
    pub traits: Vec<TraitStats>,
    /// Messages per hour of day on the sender's own clock.
    #[serde(rename = "h", default)]
    pub hours: Vec<u16>,
    #[serde(rename = "st", default)]
    pub style: Style,
    /// Formatting habits (see [`crate::text::formatting`]), one running moment each.
    #[serde(rename = "fmt", default)]
    pub formatting: Vec<Moments>,
    /// Natural log of the author text length.
    #[serde(rename = "len", default)]
    pub length: Moments,
    /// Learned messages asking to sign in, to pay, or to open a shared document, and those
    /// naming the reader by email address (indexed by [`Ask`]).
    #[serde(rename = "asks", default)]
    pub asks: [u32; 4],
    /// Messages of this sender the user reported.
    #[serde(rename = "rep", default)]
    pub reported: u32,
    /// When the user last reported one (seconds since the epoch).
    #[serde(rename = "rep_at", default)]
    pub reported_at: i64,
    /// Hashes of display names seen with this address.
    #[serde(rename = "names", default)]
    pub names: Vec<u32>,
    /// Learned messages whose DMARC or SPF check failed (forwarding, lists).
    #[serde(rename = "authf", default)]
    pub auth_failures: u32,
    /// Unfamiliar habits seen in mail that was not learned: `[habit key, count, first day]`.
    #[serde(rename = "pend", default)]
    pub pending: Vec<[u32; 3]>,
    /// Habits accepted by recurring rather than by the user: `[habit key, day accepted]`.
    #[serde(rename = "prob", default)]
    pub probation: Vec<[u32; 2]>,
}

impl Profile {
    /// Notes a clean message that was not learned because of the unfamiliar habits `keys`
    /// (one key stands for "nothing new in how it was sent, only in how it reads"). Each
    /// habit is counted on its own, so that a new phone is learned even when the layout of
    /// its messages varies. Returns true when every one of them has now recurred often
    /// enough, over enough days, to be accepted as the sender's new normal; they then go
    /// on probation from `day`.
    pub fn note_unfamiliar(&mut self, keys: &[u32], day: u32) -> bool {
        let mut is_mature = !keys.is_empty();
        for &key in keys {
            let entry = match self.pending.iter().position(|p| p[0] == key) {
                Some(i) => &mut self.pending[i],
                None => {
                    if self.pending.len() >= MAX_PENDING {
                        self.pending.remove(0);
                    }
                    self.pending.push([key, 0, day]);
                    let last = self.pending.len() - 1;
                    &mut self.pending[last]
                }
            };
            entry[1] = entry[1].saturating_add(1);
            is_mature &=
                entry[1] >= DRIFT_REPEATS && day.saturating_sub(entry[2]) >= DRIFT_MIN_DAYS;
        }
        if is_mature {
            self.pending.retain(|p| !keys.contains(&p[0]));
            self.probation.retain(|p| !keys.contains(&p[0]));
            for &key in keys {
                if self.probation.len() >= MAX_PROBATION {
                    self.probation.remove(0);
                }
                self.probation.push([key, day]);
            }
        }
        is_mature
    }

    /// Whether the habit `key` was accepted by recurring, fewer than [`PROBATION_DAYS`]
    /// before `day`.
    pub fn is_on_probation(&self, key: u32, day: u32) -> bool {
        self.probation
            .iter()
            .any(|p| p[0] == key && day.saturating_sub(p[1]) < PROBATION_DAYS)
    }

    /// The user said a message is normal: its habits need no more watching.
    pub fn end_probation(&mut self, keys: &[u32]) {
        self.probation.retain(|p| !keys.contains(&p[0]));
    }

    pub fn trait_stats(&self, t: Trait) -> Option<&TraitStats> {
        self.traits.get(t as usize)
    }

    pub fn learn(&mut self, f: &Features, background: &[f32]) {
        if self.traits.len() != TRAIT_COUNT {
            self.traits.resize(TRAIT_COUNT, TraitStats::default());
        }
        if self.hours.len() != 24 {
            self.hours = vec![0; 24];
        }
        self.messages = self.messages.saturating_add(1);
        if f.dmarc_fail || f.spf_fail {
            self.auth_failures = self.auth_failures.saturating_add(1);
        }
        if let Some(ts) = f.timestamp {
            if self.first_seen == 0 || ts < self.first_seen {
                self.first_seen = ts;
            }
            self.last_seen = self.last_seen.max(ts);
        }
        for t in Trait::ALL {
            self.traits[t as usize].learn(f.tokens(t), t.capacity());
        }
        if let Some(h) = f.local_hour {
            let bin = &mut self.hours[h as usize % 24];
            *bin = bin.saturating_add(1);
            if *bin == u16::MAX {
                self.hours.iter_mut().for_each(|b| *b /= 2);
            }
        }
        if let Some(v) = &f.style {
            self.style.learn(v, background, STYLE_MEMORY);
        }
        if let Some(stats) = &f.formatting {
            self.formatting.resize(stats.len(), Moments::default());
            for (m, x) in self.formatting.iter_mut().zip(stats) {
                m.push(*x);
            }
        }
        if f.author_chars > 0 {
            self.length.push((f.author_chars as f32).ln());
        }
        let asks = [
            f.intents.credential,
            f.intents.payment_change,
            f.intents.share_lure,
            f.greets_by_address,
        ];
        for (count, asked) in self.asks.iter_mut().zip(asks) {
            *count = count.saturating_add(asked as u32);
        }
        let name = crate::features::hash(&f.sender_name.to_lowercase());
        if !f.sender_name.is_empty() && !self.names.contains(&name) {
            if self.names.len() >= MAX_NAMES {
                self.names.remove(0);
            }
            self.names.push(name);
        }
    }
}

/// The whole learned state of one mailbox.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Baseline {
    pub version: u32,
    /// Per sender address (lowercase).
    pub senders: BTreeMap<String, Profile>,
    /// Per sender organisation (registrable domain; free-mail providers excluded).
    pub domains: BTreeMap<String, Profile>,
    /// Addresses the mailbox owner has written to, with how often.
    pub correspondents: BTreeMap<String, u32>,
    /// The owner's own addresses, so that sent mail is recognised.
    pub owner: Vec<String>,
    /// The style of all learned mail together: what every writer here has in common.
    #[serde(default)]
    pub background: Style,
}

/// A baseline that cannot be used, with the reason in plain words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaselineError(pub String);

impl std::fmt::Display for BaselineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BaselineError {}

impl Baseline {
    /// The mailbox background to compare a sender's style against, weighted by how much of
    /// it is *not* that sender: in a mailbox one person dominates, their own style is the
    /// background and subtracting it would leave only noise.
    pub fn background_for(&self, sender: Option<&Profile>) -> Vec<f32> {
        let total = self.background.count.max(1) as f32;
        let own = sender.map_or(0, |p| p.style.count) as f32;
        let alpha = (1.0 - own / total).clamp(0.0, 1.0);
        self.background
            .centroid_f32()
            .into_iter()
            .map(|x| x * alpha)
            .collect()
    }

    pub fn new() -> Baseline {
        Baseline {
            version: FORMAT_VERSION,
            ..Baseline::default()
        }
    }

    /// Checks a decoded baseline: right version, profiles within bounds.
    pub fn validate(self) -> Result<Baseline, BaselineError> {
        if self.version == 0 || self.version > FORMAT_VERSION {
            return Err(BaselineError(format!(
                "baseline format version {} is not supported (this build reads up to {})",
                self.version, FORMAT_VERSION
            )));
        }
        if !self.background.is_well_formed() {
            return Err(BaselineError(
                "baseline style background is malformed".to_string(),
            ));
        }
        for (key, p) in self.senders.iter().chain(&self.domains) {
            let bad_traits =
                p.traits.len() > TRAIT_COUNT || p.traits.iter().any(|t| t.seen.len() > 64);
            let bad_style = !p.style.is_well_formed();
            let bad_moments = p.formatting.len() > FORMAT_STATS
                || !p.formatting.iter().all(Moments::is_well_formed)
                || !p.length.is_well_formed();
            let bad_lists = p.hours.len() > 24
                || p.names.len() > MAX_NAMES
                || p.pending.len() > MAX_PENDING
                || p.probation.len() > MAX_PROBATION;
            if bad_traits || bad_style || bad_moments || bad_lists {
                return Err(BaselineError(format!(
                    "baseline profile for {key:?} is malformed"
                )));
            }
        }
        Ok(self)
    }
}

/// Bytes as a lowercase hex string: compact in JSON and readable in a diff.
mod hex_bytes {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        let mut out = String::with_capacity(bytes.len() * 2);
        for b in bytes {
            out.push(char::from_digit((b >> 4) as u32, 16).unwrap_or('0'));
            out.push(char::from_digit((b & 15) as u32, 16).unwrap_or('0'));
        }
        s.serialize_str(&out)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let s = String::deserialize(d)?;
        if s.len() % 2 != 0 || !s.is_ascii() {
            return Err(serde::de::Error::custom("hex string of odd length"));
        }
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).map_err(serde::de::Error::custom))
            .collect()
    }
}
