//! Scoring: compares a message's features with its sender's profile and reads its content,
//! then adds the signals' contributions as log-odds into a 0–100 score, an action and a few
//! tags. Every contribution is kept in the report with its signal and its size, so that each
//! point of the score can be traced to a reason.

use serde::Serialize;

use crate::baseline::{Ask, Baseline, Profile, TraitStats};
use crate::domains;
use crate::features::{Features, Trait};
use crate::signals::{self, Family, Signal, Tag};

/// Log-odds of a message before any signal: most mail is fine.
const PRIOR_LOGIT: f64 = -5.2;
/// Scores at or above which a banner warns, and at or above which mail is held.
pub const WARN_AT: f64 = 50.0;
pub const HOLD_AT: f64 = 80.0;
/// Learned messages after which a sender's habits are trusted fully.
const FULL_HISTORY: f64 = 12.0;
/// A surprise (in nats) above this adds nothing more: one odd trait is not proof.
const MAX_SURPRISE: f64 = 4.0;
/// Content risk from which habits on probation count as new again (a sign-in request, a
/// payment change or a file-sharing link each reach it alone); also the weight from which
/// a link to a new site or a new kind of attachment does.
const PROBATION_RISK: f64 = 1.0;
/// Organisations with at least this much learned mail are the ones look-alikes are
/// checked against.
const LOOKALIKE_MIN_MESSAGES: u32 = 10;
/// Style needs this much of the author's own text to be judged with full weight.
const STYLE_FULL_CHARS: f64 = 400.0;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    None,
    Warn,
    Hold,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::None => "none",
            Action::Warn => "warn",
            Action::Hold => "hold",
        }
    }
}

/// One signal that fired, with how much it added to the log-odds.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Reason {
    pub signal: &'static str,
    pub tag: Option<Tag>,
    pub weight: f64,
    pub text: String,
}

/// The verdict on one message.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Report {
    pub message_id: String,
    pub from: String,
    pub from_name: String,
    pub subject: String,
    /// Seconds since the epoch, from the Date header.
    pub date: Option<i64>,
    pub score: f64,
    pub action: Action,
    pub tags: Vec<Tag>,
    pub reasons: Vec<Reason>,
    /// Messages from this sender learned before this one.
    pub history: u32,
    /// Log-odds from behaviour (how far from the sender's habits) and from content and
    /// identity (what the message asks for and whether its claims hold).
    pub anomaly: f64,
    pub risk: f64,
}

impl Report {
    /// The report for the owner's own sent mail: recorded, never judged.
    pub fn sent(f: &Features) -> Report {
        Report {
            message_id: f.message_id.clone(),
            from: f.sender.clone(),
            from_name: f.sender_name.clone(),
            subject: f.subject.chars().take(200).collect(),
            date: f.timestamp,
            score: 0.0,
            action: Action::None,
            tags: Vec::new(),
            reasons: Vec::new(),
            history: 0,
            anomaly: 0.0,
            risk: 0.0,
        }
    }

    /// The one line a banner shows: the strongest reason, at most 150 characters.
    pub fn headline(&self) -> String {
        let is_behaviour = |r: &&Reason| r.signal.starts_with("BEHAVIOUR_");
        let top_content = self
            .reasons
            .iter()
            .find(|r| !is_behaviour(r) && r.weight > 0.0);
        let text = match (self.reasons.first(), top_content) {
            (_, Some(c)) if self.action != Action::None && self.anomaly >= 2.0 => {
                let name = if self.from_name.is_empty() {
                    &self.from
                } else {
                    &self.from_name
                };
                format!("Unlike {name}'s usual mail. {}", c.text)
            }
            (Some(r), _) if self.action != Action::None => r.text.clone(),
            _ if self.history == 0 => signals::FIRST_CONTACT.why.to_string(),
            _ => signals::KNOWN_CORRESPONDENT.why.to_string(),
        };
        let mut line: String = text.chars().take(150).collect();
        if line.chars().count() < text.chars().count() {
            line.pop();
            line.push('…');
        }
        line
    }
}

struct Tally {
    reasons: Vec<Reason>,
}

impl Tally {
    fn add(&mut self, signal: &Signal, strength: f64, detail: Option<String>) {
        let weight = signal.weight * strength;
        if weight <= 0.005 && signal.weight > 0.0 {
            return;
        }
        if let Some(r) = self.reasons.iter_mut().find(|r| r.signal == signal.id) {
            // Content findings count once however many links repeat them.
            let cap = if signal.family == Family::Behaviour {
                f64::MAX
            } else {
                signal.weight
            };
            r.weight = (r.weight + weight).min(cap.max(r.weight));
            return;
        }
        // Details quote the message (a file name, a link's text): shown as they read.
        let text = match detail {
            Some(d) => format!("{} ({})", signal.why, crate::text::printable(&d)),
            None => signal.why.to_string(),
        };
        self.reasons.push(Reason {
            signal: signal.id,
            tag: signals::tag_of(signal),
            weight,
            text,
        });
    }

    fn sum(&self, family: Family) -> f64 {
        self.reasons
            .iter()
            .filter(|r| family_of(r.signal) == Some(family))
            .map(|r| r.weight)
            .sum()
    }
}

fn family_of(id: &str) -> Option<Family> {
    signals::SIGNALS
        .iter()
        .find(|s| s.id == id)
        .map(|s| s.family)
}

fn signal_of(t: Trait) -> &'static Signal {
    match t {
        Trait::Client => &signals::NEW_CLIENT,
        Trait::MessageId => &signals::NEW_MESSAGE_ID,
        Trait::Route => &signals::NEW_ROUTE,
        Trait::Signer => &signals::NEW_SIGNER,
        Trait::Timezone => &signals::NEW_TIMEZONE,
        Trait::Layout | Trait::HeaderOrder | Trait::HtmlDialect => &signals::NEW_LAYOUT,
        Trait::LinkDomains => &signals::NEW_LINK_DOMAIN,
        Trait::AttachmentKinds => &signals::NEW_ATTACHMENT_KIND,
        Trait::Greeting => &signals::NEW_GREETING,
        Trait::SignOff => &signals::NEW_SIGNATURE,
        Trait::Language => &signals::NEW_LANGUAGE,
        Trait::ReplyTo => &signals::NEW_REPLY_TO,
        Trait::Genre => &signals::NEW_GENRE,
    }
}

/// Surprise (nats) of seeing a token new to this trait, from how often this sender's
/// messages brought new tokens before; scaled by the share of the message's tokens that
/// are new. Zero when nothing is new.
fn trait_surprise(p: &Profile, t: Trait, tokens: &[u32]) -> f64 {
    let Some(stats) = p.trait_stats(t) else {
        return 0.0;
    };
    if tokens.is_empty() || (stats.present == 0 && !t.is_optional()) {
        return 0.0;
    }
    let new = tokens.iter().filter(|tok| !stats.contains(**tok)).count();
    novelty_surprise(p, stats, t, tokens.len(), new)
}

/// Surprise of `new` of a message's `tokens` tokens being new to trait `t` of `p`, whose
/// counts for that trait are `stats`.
fn novelty_surprise(p: &Profile, stats: &TraitStats, t: Trait, tokens: usize, new: usize) -> f64 {
    if new == 0 || tokens == 0 {
        return 0.0;
    }
    let trials = if t.is_optional() {
        p.messages.max(stats.present)
    } else {
        stats.present
    };
    let p_new = (stats.novel as f64 + 0.5) / (trials as f64 + 1.0);
    let share = new as f64 / tokens as f64;
    (-p_new.ln()).min(MAX_SURPRISE) * share.sqrt()
}

/// A message that asks for something, or points somewhere new, is judged as if the sending
/// habits the baseline took in by recurrence alone, within
/// [`crate::baseline::PROBATION_DAYS`], were still new: an attacker in control of an account
/// can send a few harmless messages first to teach the baseline their mail program, and
/// then the payload.
fn probation(t: &mut Tally, p: &Profile, f: &Features) {
    let day = f.day();
    for tr in crate::features::SENDING_TRAITS {
        let Some(stats) = p.trait_stats(tr) else {
            continue;
        };
        let tokens = f.tokens(tr);
        let watched = tokens
            .iter()
            .filter(|&&tok| p.is_on_probation(crate::features::habit_key(tr, tok), day))
            .count();
        let surprise = novelty_surprise(p, stats, tr, tokens.len(), watched);
        if surprise > 0.0 {
            t.add(
                signal_of(tr),
                surprise * confidence(p),
                Some("learned only from the last few days' mail".into()),
            );
        }
    }
}

/// How much a profile's history can be trusted: 0 with no mail, 1 from [`FULL_HISTORY`] on.
fn confidence(p: &Profile) -> f64 {
    (p.messages as f64 / FULL_HISTORY).min(1.0)
}

fn behaviour(t: &mut Tally, p: &Profile, f: &Features, background: &[f32], scale: f64) {
    for tr in Trait::ALL {
        let surprise = trait_surprise(p, tr, f.tokens(tr));
        if surprise <= 0.0 {
            continue;
        }
        let detail = match tr {
            Trait::Client if !f.client_label.is_empty() => Some(f.client_label.clone()),
            Trait::LinkDomains => new_link_domains(p, f),
            _ => None,
        };
        // Layout is three views of one habit; the MIME tree says the most.
        let share = match tr {
            Trait::Layout => 0.8,
            Trait::HtmlDialect => 0.6,
            Trait::HeaderOrder => 0.4,
            _ => 1.0,
        };
        t.add(signal_of(tr), surprise * share * scale, detail);
    }
    if let Some(sim) = f
        .style
        .as_ref()
        .and_then(|v| p.style.similarity_to(v, background))
    {
        let m = p.style.similarity;
        if m.n >= 4 {
            let sd = (m.variance() as f64).sqrt().max(0.03);
            let z = (m.mean as f64 - sim as f64) / sd;
            let length = (f.author_chars as f64 / STYLE_FULL_CHARS).min(1.0);
            let strength = ((z - 1.0).max(0.0) * 0.9).min(MAX_SURPRISE) * length.sqrt();
            t.add(&signals::NEW_STYLE, strength * scale, None);
        }
    }
    if let Some(stats) = &f.formatting
        && p.formatting.len() == stats.len()
        && p.formatting[0].n >= 5
    {
        // Root mean square of the clipped z-scores: several small shifts add up.
        let mut sum = 0.0;
        for (m, x) in p.formatting.iter().zip(stats) {
            let sd = (m.variance() as f64)
                .sqrt()
                .max(0.05 * (m.mean as f64).abs())
                .max(0.02);
            let z = ((*x as f64 - m.mean as f64) / sd).clamp(-4.0, 4.0);
            sum += z * z;
        }
        let rms = (sum / stats.len() as f64).sqrt();
        let strength = ((rms - 1.2).max(0.0) * 1.2).min(MAX_SURPRISE);
        t.add(&signals::NEW_FORMATTING, strength * scale, None);
    }
    if let Some(h) = f.local_hour {
        let total: u32 = p.hours.iter().map(|&c| c as u32).sum();
        if total >= 20 {
            let at = |i: i32| p.hours[(i.rem_euclid(24)) as usize] as f64;
            let h = h as i32;
            let near = (at(h - 1) + 2.0 * at(h) + at(h + 1) + 0.5) / (4.0 * total as f64 + 12.0);
            let surprise = (-(near * 24.0).ln() - 1.0).clamp(0.0, MAX_SURPRISE);
            t.add(
                &signals::ODD_HOUR,
                surprise * scale,
                Some(format!("{h:02}:00 local")),
            );
        }
    }
}

fn new_link_domains(p: &Profile, f: &Features) -> Option<String> {
    let stats = p.trait_stats(Trait::LinkDomains)?;
    let mut names: Vec<&str> = f
        .links
        .iter()
        .filter(|l| !stats.contains(crate::features::hash(&l.registrable)))
        .map(|l| l.registrable.as_str())
        .filter(|d| !d.is_empty())
        .collect();
    names.dedup();
    (!names.is_empty()).then(|| names.into_iter().take(2).collect::<Vec<_>>().join(", "))
}

/// Share of this sender's learned mail that made the same kind of request.
fn habit(p: Option<&Profile>, ask: Ask) -> f64 {
    match p {
        Some(p) if p.messages > 0 => p.asks[ask as usize] as f64 / p.messages as f64,
        _ => 0.0,
    }
}

fn content(t: &mut Tally, baseline: &Baseline, p: Option<&Profile>, f: &Features) {
    let link_known = |registrable: &str| {
        p.and_then(|p| p.trait_stats(Trait::LinkDomains))
            .is_some_and(|s| s.contains(crate::features::hash(registrable)))
    };
    let is_known_domain =
        |d: &str| d == f.sender_domain || baseline.domains.get(d).is_some_and(|p| p.messages >= 3);
    // Look-alikes are sought among the organisations the reader hears from often: those
    // are the ones worth imitating, and comparing with every domain ever seen would cost
    // time on every message.
    let mut imitable: Option<Vec<&str>> = None;

    for link in &f.links {
        if link.is_script {
            t.add(&signals::DECEPTIVE_LINK, 1.0, Some("script link".into()));
            continue;
        }
        if link_known(&link.registrable) {
            continue;
        }
        let host = link.host.as_str();
        if link.is_file_share {
            t.add(&signals::FILE_SHARE_LINK, 1.0, Some(host.to_string()));
        }
        if link.is_shortener {
            t.add(&signals::SHORTENED_LINK, 1.0, Some(host.to_string()));
        }
        if link.is_ip {
            t.add(&signals::IP_LINK, 1.0, Some(host.to_string()));
        }
        if link.is_text_mismatch {
            t.add(&signals::DECEPTIVE_LINK, 1.0, Some(host.to_string()));
        }
        let imitates = !is_known_domain(&link.registrable)
            && imitable
                .get_or_insert_with(|| {
                    baseline
                        .domains
                        .iter()
                        .filter(|(_, d)| d.messages >= LOOKALIKE_MIN_MESSAGES)
                        .map(|(k, _)| k.as_str())
                        .chain(std::iter::once(f.sender_domain.as_str()))
                        .collect()
                })
                .iter()
                .any(|k| domains::is_lookalike(&link.registrable, k));
        if link.is_non_ascii || imitates {
            t.add(
                &signals::LOOKALIKE_LINK,
                1.0,
                Some(domains::unicode_host(host)),
            );
        }
    }

    let i = f.intents;
    let has_links = !f.links.is_empty();
    let carries = has_links || f.has_form || !f.risky_attachments.is_empty();
    if i.account_warning {
        t.add(&signals::ACCOUNT_WARNING, 1.0, None);
    }
    // A warning without links or files cannot be the lure it talks about.
    let is_plain_warning = i.account_warning && !carries;
    // Requests weigh less from a sender who makes them routinely.
    let requests = [
        (
            i.credential && carries,
            &signals::CREDENTIAL_REQUEST,
            Ask::Credential,
        ),
        (i.payment_change, &signals::PAYMENT_CHANGE, Ask::Payment),
        (i.share_lure && carries, &signals::SHARE_LURE, Ask::Share),
        (i.money_bait, &signals::MONEY_BAIT, Ask::Payment),
    ];
    for (is_made, signal, ask) in requests {
        if is_made && !is_plain_warning {
            t.add(signal, 1.0 - habit(p, ask).min(0.8), None);
        }
    }
    if i.urgency && (carries || i.payment_change) && !is_plain_warning {
        t.add(&signals::URGENCY, 1.0, None);
    }
    if !f.risky_attachments.is_empty() {
        let known_kind = p
            .and_then(|p| p.trait_stats(Trait::AttachmentKinds))
            .is_some_and(|s| {
                f.tokens(Trait::AttachmentKinds)
                    .iter()
                    .all(|k| s.contains(*k))
            });
        // Archives are everyday currency between engineers; active content is not.
        let only_archives = f.risky_attachments.iter().all(|name| {
            let lower = name.to_ascii_lowercase();
            [".zip", ".gz", ".tgz", ".7z", ".rar", ".tar"]
                .iter()
                .any(|e| lower.ends_with(e))
        });
        let strength = match (known_kind, only_archives) {
            (true, _) => 0.3,
            (false, true) => 0.5,
            (false, false) => 1.0,
        };
        t.add(
            &signals::RISKY_ATTACHMENT,
            strength,
            Some(f.risky_attachments[0].clone()),
        );
    }
    if let Some(text) = &f.action_link {
        let new_sender_habit = p.is_none_or(|p| p.asks.iter().sum::<u32>() * 5 < p.messages);
        if new_sender_habit && !is_plain_warning {
            t.add(
                &signals::ACTION_LINK,
                1.0,
                Some(format!("\u{201c}{text}\u{201d}")),
            );
        }
    }
    if f.greets_by_address && !is_plain_warning && habit(p, Ask::AddressAsName) == 0.0 {
        t.add(&signals::ADDRESS_AS_NAME, 1.0, None);
    }
    if f.has_form {
        t.add(&signals::HTML_FORM, 1.0, None);
    }
}

fn identity(t: &mut Tally, baseline: &Baseline, p: Option<&Profile>, f: &Features) {
    if f.dmarc_fail || f.spf_fail {
        // Mail that has failed before (lists, forwarding) makes a failure ordinary.
        let usual = if p.is_some_and(|p| p.auth_failures > 0) {
            0.25
        } else {
            1.0
        };
        let what = if f.dmarc_fail {
            "DMARC fail"
        } else {
            "SPF fail"
        };
        t.add(
            &signals::AUTH_FAILED,
            usual * if f.dmarc_fail { 1.0 } else { 0.5 },
            Some(what.into()),
        );
    }
    // For a sender with a long history the behavioural NEW_REPLY_TO weighs a new reply
    // address; this identity signal covers the thin part of the history.
    if let Some(d) = &f.reply_to_domain {
        let usual = p
            .and_then(|p| p.trait_stats(Trait::ReplyTo))
            .is_some_and(|s| f.tokens(Trait::ReplyTo).iter().all(|k| s.contains(*k)));
        let strength = match p {
            _ if usual => 0.0,
            Some(p) => 1.0 - confidence(p),
            None => 1.0,
        };
        t.add(&signals::REPLY_TO_ELSEWHERE, strength, Some(d.clone()));
    }
    if p.is_none() && !f.sender_domain.is_empty() && !domains::is_freemail(&f.sender_domain) {
        let imitated = baseline
            .domains
            .iter()
            .filter(|(_, d)| d.messages >= 3)
            .map(|(k, _)| k)
            .chain(baseline.correspondents.keys())
            .find(|k| {
                let known = k.rsplit('@').next().unwrap_or(k);
                domains::is_lookalike(&f.sender_domain, &domains::registrable(known))
            });
        if let Some(k) = imitated {
            t.add(
                &signals::LOOKALIKE_SENDER,
                1.0,
                Some(format!("resembles {k}")),
            );
        }
    }
    if p.is_none()
        && let Some(k) = impersonated(baseline, f)
    {
        t.add(
            &signals::LOOKALIKE_SENDER,
            1.0,
            Some(format!("uses the name of {k}")),
        );
    }
}

/// The known sender a stranger's display name stands in for: their address written as the
/// name (tests/hostile/rfc2047-address-in-encoded-word.eml), or their name spelt with
/// look-alike letters of another script (tests/hostile/mixed-script-name-stranger.eml).
/// A plain same name is left alone: people write from a second address under their name.
fn impersonated<'a>(baseline: &'a Baseline, f: &Features) -> Option<&'a str> {
    let name = f.sender_name.trim().to_lowercase();
    if let Some((_, domain)) = name.rsplit_once('@') {
        let domain = domains::registrable(domain.trim_end_matches('>'));
        let address = name.trim_matches(['<', '>', '"', '\'', ' ']);
        let is_known = baseline
            .domains
            .get(&domain)
            .is_some_and(|d| d.messages >= 3)
            || baseline.senders.contains_key(address);
        if domain != f.sender_domain && is_known {
            return baseline
                .senders
                .get_key_value(address)
                .map(|(k, _)| k.as_str())
                .or_else(|| {
                    baseline
                        .domains
                        .get_key_value(&domain)
                        .map(|(k, _)| k.as_str())
                });
        }
    }
    let unmixed = crate::features::hash(&domains::unmixed_name(&name)?);
    baseline
        .senders
        .iter()
        .find(|(_, p)| p.names.contains(&unmixed))
        .map(|(k, _)| k.as_str())
}

pub fn score(baseline: &Baseline, f: &Features) -> Report {
    let mut t = Tally {
        reasons: Vec::new(),
    };
    let profile = baseline.senders.get(&f.sender).filter(|p| p.messages > 0);
    let org = (!domains::is_freemail(&f.sender_domain))
        .then(|| baseline.domains.get(&f.sender_domain))
        .flatten()
        .filter(|p| p.messages >= 3);

    match (profile, org) {
        (Some(p), _) => {
            let background = baseline.background_for(Some(p));
            behaviour(&mut t, p, f, &background, confidence(p))
        }
        // A new address at a known organisation is compared with the organisation, gently.
        (None, Some(o)) => {
            let background = baseline.background_for(Some(o));
            behaviour(&mut t, o, f, &background, 0.5 * confidence(o))
        }
        (None, None) => {}
    }
    content(&mut t, baseline, profile, f);
    identity(&mut t, baseline, profile, f);

    let points_somewhere_new = t.reasons.iter().any(|r| {
        (r.signal == signals::NEW_LINK_DOMAIN.id || r.signal == signals::NEW_ATTACHMENT_KIND.id)
            && r.weight >= PROBATION_RISK
    });
    if let Some(p) = profile
        && (points_somewhere_new || t.sum(Family::Content) >= PROBATION_RISK)
    {
        probation(&mut t, p, f);
    }

    let mut anomaly = t.sum(Family::Behaviour);
    let content_risk = t.sum(Family::Content);
    let risk = content_risk + t.sum(Family::Identity);
    // A sender's note that their account was misused, carrying no link, file or request,
    // cannot do the harm it warns about; however unusual its wording, it stays quiet.
    let is_plain_warning = f.intents.account_warning && content_risk < 0.5 && f.links.is_empty();
    if is_plain_warning {
        anomaly *= 0.4;
    }
    let recent_report = profile.is_some_and(|p| p.reported > 0);
    let mut logit = PRIOR_LOGIT + anomaly + risk;
    // A known sender gone strange *and* asking for something is the case this exists for.
    if anomaly >= 2.0 && risk >= 1.0 {
        logit += 1.5;
    }
    if recent_report {
        logit += 1.0;
    }
    if f.is_malformed {
        logit += 1.0;
    }
    let score = (100.0 / (1.0 + (-logit).exp()) * 10.0).round() / 10.0;

    let history = profile.map_or(0, |p| p.messages);
    let action = if score >= HOLD_AT {
        Action::Hold
    } else if score >= WARN_AT {
        Action::Warn
    } else {
        Action::None
    };

    if history == 0 {
        t.add(&signals::FIRST_CONTACT, 1.0, None);
    } else if action == Action::None && history >= 5 && anomaly < 1.0 {
        t.add(&signals::KNOWN_CORRESPONDENT, 1.0, None);
    }

    let mut reasons = t.reasons;
    for r in &mut reasons {
        r.weight = (r.weight * 100.0).round() / 100.0;
    }
    reasons.sort_by(|a, b| b.weight.total_cmp(&a.weight).then(a.signal.cmp(b.signal)));
    // Quiet mail carries only the identity marks; warnings name what is wrong.
    let is_identity = |t: &Tag| matches!(t, Tag::FirstContact | Tag::KnownCorrespondent);
    let mut tags: Vec<Tag> = reasons
        .iter()
        .filter(|r| r.weight >= 0.5 || r.tag.as_ref().is_some_and(is_identity))
        .filter_map(|r| r.tag)
        .filter(|t| action != Action::None || is_identity(t))
        .collect();
    if action != Action::None && anomaly >= 2.0 && !tags.contains(&Tag::OutOfCharacter) {
        tags.push(Tag::OutOfCharacter);
    }
    tags.sort();
    tags.dedup();

    Report {
        message_id: f.message_id.clone(),
        from: f.sender.clone(),
        from_name: f.sender_name.clone(),
        subject: f.subject.chars().take(200).collect(),
        date: f.timestamp,
        score,
        action,
        tags,
        reasons,
        history,
        anomaly: (anomaly * 100.0).round() / 100.0,
        risk: (risk * 100.0).round() / 100.0,
    }
}
