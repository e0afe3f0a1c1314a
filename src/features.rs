//! Features: what the scoring compares, extracted once per message. Behavioural traits are
//! sets of hashed tokens (so that a baseline stays small whatever it has seen); content
//! findings are plain flags with the evidence a reason can quote.

use std::net::IpAddr;

use crate::domains;
use crate::intent::{self, Intents};
use crate::links::{self, Link};
use crate::message::Message;
use crate::text;

/// Habits compared with a sender's history, each a set of tokens per message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Trait {
    Client,
    MessageId,
    Route,
    Signer,
    Timezone,
    Layout,
    HeaderOrder,
    HtmlDialect,
    LinkDomains,
    AttachmentKinds,
    Greeting,
    SignOff,
    Language,
    ReplyTo,
    Genre,
}

pub const TRAIT_COUNT: usize = 15;

impl Trait {
    pub const ALL: [Trait; TRAIT_COUNT] = [
        Trait::Client,
        Trait::MessageId,
        Trait::Route,
        Trait::Signer,
        Trait::Timezone,
        Trait::Layout,
        Trait::HeaderOrder,
        Trait::HtmlDialect,
        Trait::LinkDomains,
        Trait::AttachmentKinds,
        Trait::Greeting,
        Trait::SignOff,
        Trait::Language,
        Trait::ReplyTo,
        Trait::Genre,
    ];

    /// Traits that most messages do not have (links, attachments, sign-offs): how often a
    /// sender brings a new one is counted over all their messages, not only those that had one.
    pub fn is_optional(self) -> bool {
        matches!(
            self,
            Trait::LinkDomains | Trait::AttachmentKinds | Trait::HtmlDialect
        )
    }

    /// Distinct tokens a baseline keeps for this trait (the most frequent ones).
    pub fn capacity(self) -> usize {
        match self {
            Trait::Route | Trait::LinkDomains | Trait::HtmlDialect => 16,
            Trait::SignOff => 12,
            _ => 6,
        }
    }
}

/// Kinds of attachment that carry active content or hide other files.
const RISKY_EXTENSIONS: &[&str] = &[
    "htm", "html", "shtml", "xhtml", "svg", "js", "vbs", "wsf", "hta", "exe", "scr", "com", "bat",
    "cmd", "ps1", "msi", "jar", "lnk", "iso", "img", "vhd", "vhdx", "zip", "rar", "7z", "gz",
    "tgz", "ace", "cab", "docm", "xlsm", "pptm", "xlam", "one", "pdf.exe",
];

#[derive(Clone, Debug, Default)]
pub struct Features {
    pub sender: String,
    pub sender_name: String,
    /// Registrable domain of the sender's address.
    pub sender_domain: String,
    pub message_id: String,
    pub subject: String,
    pub timestamp: Option<i64>,
    /// Hour of day on the sender's own clock (Date header with its offset).
    pub local_hour: Option<u8>,
    pub traits: [Vec<u32>; TRAIT_COUNT],
    /// Readable forms of a few traits, for reasons.
    pub client_label: String,
    pub style: Option<Vec<f32>>,
    pub author_chars: usize,
    pub formatting: Option<[f32; text::FORMAT_STATS]>,
    pub intents: Intents,
    pub links: Vec<Link>,
    pub risky_attachments: Vec<String>,
    pub has_form: bool,
    /// The text names the recipient by their email address, as mass mailings do.
    pub greets_by_address: bool,
    /// Visible text of a link that tells the reader to act ("Verify now", "View document").
    pub action_link: Option<String>,
    pub dmarc_fail: bool,
    pub spf_fail: bool,
    pub auth_pass: bool,
    pub reply_to_domain: Option<String>,
    pub recipients: Vec<String>,
    pub is_malformed: bool,
}

/// Traits that say how a message was sent. A sender's real change (a new phone, a new mail
/// host) brings new tokens here, and these are what the drift rule lets recur into the
/// baseline; see [`crate::baseline::DRIFT_REPEATS`].
pub const SENDING_TRAITS: [Trait; 5] = [
    Trait::Client,
    Trait::MessageId,
    Trait::Signer,
    Trait::Timezone,
    Trait::Layout,
];

/// Key of one sending habit: a trait and one of its tokens.
pub fn habit_key(t: Trait, token: u32) -> u32 {
    (token ^ (t as u32 + 1).wrapping_mul(0x9e37_79b9)).max(1)
}

/// Key that stands for "nothing new in how it was sent, only in how it reads".
pub const READING_ONLY_KEY: u32 = 0;

impl Features {
    pub fn tokens(&self, t: Trait) -> &[u32] {
        &self.traits[t as usize]
    }

    /// Days since the epoch of the message's date (0 when it has none).
    pub fn day(&self) -> u32 {
        self.timestamp.map_or(0, |ts| {
            (ts.clamp(0, u32::MAX as i64 * 86_400) / 86_400) as u32
        })
    }

    /// Keys of this message's sending habits that `known` says are unfamiliar, sorted and
    /// without repeats.
    pub fn unfamiliar_habits(&self, is_known: impl Fn(Trait, u32) -> bool) -> Vec<u32> {
        let mut keys: Vec<u32> = SENDING_TRAITS
            .iter()
            .flat_map(|&t| self.tokens(t).iter().map(move |&tok| (t, tok)))
            .filter(|&(t, tok)| !is_known(t, tok))
            .map(|(t, tok)| habit_key(t, tok))
            .collect();
        keys.sort_unstable();
        keys.dedup();
        keys
    }
}

/// FNV-1a: stable across platforms and releases, so baselines stay valid.
pub fn hash(s: &str) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in s.bytes() {
        h = (h ^ b as u32).wrapping_mul(0x0100_0193);
    }
    h
}

pub fn extract(m: &Message) -> Features {
    let mut f = Features {
        sender: m.author.address.clone(),
        // Name and subject reach the banner and are compared with known names: taken as a
        // reader sees them (a right-to-left override applied, invisible characters
        // dropped), here, once (tests/hostile/bidi-display-name.eml).
        sender_name: text::printable(&text::as_seen(&m.author.name)),
        sender_domain: domains::registrable(m.author_domain()),
        message_id: m.message_id.clone(),
        subject: text::printable(&text::as_seen(&m.subject)),
        timestamp: m.timestamp,
        is_malformed: m.is_malformed,
        ..Features::default()
    };
    if let (Some(ts), Some(offset)) = (m.timestamp, m.tz_offset_minutes) {
        f.local_hour = Some(((ts + offset as i64 * 60).rem_euclid(86_400) / 3600) as u8);
    }

    let mut put = |t: Trait, token: &str| {
        let h = hash(token);
        let v = &mut f.traits[t as usize];
        if !v.contains(&h) && v.len() < 32 {
            v.push(h);
        }
    };

    f.client_label = m.client.as_deref().map(client_family).unwrap_or_default();
    put(
        Trait::Client,
        if f.client_label.is_empty() {
            "none"
        } else {
            &f.client_label
        },
    );
    put(Trait::MessageId, &message_id_shape(&m.message_id));
    for token in route_tokens(m) {
        put(Trait::Route, &token);
    }
    if m.dkim_domains.is_empty() {
        put(Trait::Signer, "none");
    }
    for d in &m.dkim_domains {
        put(Trait::Signer, &domains::registrable(d));
    }
    if let Some(offset) = m.tz_offset_minutes {
        put(Trait::Timezone, &offset.to_string());
    }
    put(Trait::Layout, &m.mime_shape);
    put(Trait::HeaderOrder, &client_header_order(&m.header_names));
    for class in &m.html_dialect {
        put(Trait::HtmlDialect, class);
    }

    f.links = links::extract(m);
    for link in &f.links {
        if !link.registrable.is_empty() {
            put(Trait::LinkDomains, &link.registrable);
        }
    }
    for a in &m.attachments {
        let ext = extension(&a.name);
        put(
            Trait::AttachmentKinds,
            if ext.is_empty() {
                &a.content_type
            } else {
                &ext
            },
        );
        if RISKY_EXTENSIONS.contains(&ext.as_str()) || a.content_type == "text/html" {
            let name = if a.name.is_empty() {
                &a.content_type
            } else {
                &a.name
            };
            f.risky_attachments.push(clip(name));
        }
    }

    let author = text::author_text(&m.text);
    f.author_chars = author.chars().count();
    put(
        Trait::Greeting,
        text::greeting(&author).as_deref().unwrap_or("none"),
    );
    for word in text::sign_off(&author) {
        put(Trait::SignOff, &word);
    }
    put(
        Trait::Language,
        &format!("{}:{}", text::script(&author), text::language(&author)),
    );
    let lower = author.to_lowercase();
    f.greets_by_address = !m.is_list
        && m.to
            .iter()
            .any(|r| r.address.len() > 5 && lower.contains(&r.address));
    f.style = text::style_vector(&author);
    f.formatting = text::formatting(&author);
    f.intents = intent::read(&author, &m.subject);
    f.has_form = !m.form_actions.is_empty();
    if f.intents.mentions_password
        && f.risky_attachments.is_empty()
        && let Some(a) = m.attachments.first()
    {
        let name = if a.name.is_empty() {
            a.content_type.as_str()
        } else {
            &a.name
        };
        f.risky_attachments
            .push(format!("{} (with its password in the text)", clip(name)));
    }
    f.action_link = f
        .links
        .iter()
        .find(|l| is_call_to_action(&l.text))
        .map(|l| l.text.clone());
    put(
        Trait::Genre,
        if f.intents.bulk { "bulk" } else { "personal" },
    );

    let elsewhere = m
        .reply_to
        .iter()
        .map(|r| r.domain())
        .find(|d| domains::registrable(d) != f.sender_domain && *d != m.from.domain());
    f.reply_to_domain = elsewhere.map(str::to_string);
    put(
        Trait::ReplyTo,
        &f.reply_to_domain
            .clone()
            .unwrap_or_else(|| "same".to_string()),
    );

    read_authentication(m, &mut f);
    f.recipients =
        m.to.iter()
            .chain(&m.cc)
            .map(|r| r.address.clone())
            .take(64)
            .collect();
    f
}

/// The program's name without version numbers or platform details:
/// "Mozilla/5.0 (X11; Linux) Thunderbird/102.8.0" → "mozilla thunderbird".
pub fn client_family(client: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    let mut word = String::new();
    for c in client.chars().take(200).chain(std::iter::once(' ')) {
        match c {
            '(' => depth += 1,
            ')' => depth = (depth - 1).max(0),
            c if depth == 0 && c.is_alphabetic() => word.push(c.to_ascii_lowercase()),
            _ => {
                if word.len() >= 2 && !out.split(' ').any(|w| w == word) {
                    if !out.is_empty() {
                        out.push(' ');
                    }
                    out.push_str(&word);
                }
                word.clear();
            }
        }
    }
    out.chars().take(48).collect()
}

/// The shape of a Message-ID: the registrable domain on the right and the character classes
/// of the left, which together identify the program or service that made it.
fn message_id_shape(id: &str) -> String {
    let id = id.trim_matches(['<', '>']);
    let Some((local, domain)) = id.rsplit_once('@') else {
        return if id.is_empty() {
            "none".into()
        } else {
            "no-domain".into()
        };
    };
    let domain = domains::registrable(domain);
    let is_uuid = local.len() == 36 && local.matches('-').count() == 4;
    if is_uuid {
        return format!("uuid@{domain}");
    }
    let mut classes = String::new();
    if local.chars().any(|c| c.is_ascii_uppercase()) {
        classes.push('A');
    }
    if local.chars().any(|c| c.is_ascii_lowercase()) {
        classes.push('a');
    }
    if local.chars().any(|c| c.is_ascii_digit()) {
        classes.push('9');
    }
    // Base64 and URL-safe alphabets make '+', '/', '=', '_' and '-' appear at random in
    // generated ids; only other punctuation is part of the program's format.
    let mut punct: Vec<char> = local
        .chars()
        .filter(|c| c.is_ascii_punctuation() && !matches!(c, '+' | '/' | '=' | '_' | '-'))
        .collect();
    punct.sort_unstable();
    punct.dedup();
    classes.extend(punct);
    format!("{classes}@{domain}")
}

/// Tokens for the servers a message passed through before reaching the recipient's side:
/// registrable domains of the hosts and HELO names, and network prefixes of public IPs.
fn route_tokens(m: &Message) -> Vec<String> {
    let mut out = Vec::new();
    for hop in m.hops.iter().take(12) {
        for host in [&hop.from_host, &hop.helo, &hop.by_host]
            .into_iter()
            .flatten()
        {
            if let Ok(ip) = host.trim_matches(['[', ']']).parse::<IpAddr>() {
                out.extend(ip_prefix(ip));
            } else if host.contains('.') && host != "localhost" {
                out.push(domains::registrable(host));
            }
        }
        out.extend(hop.from_ip.and_then(ip_prefix));
    }
    if let Some(ip) = m.originating_ip.as_deref()
        && let Ok(ip) = ip.trim_matches(['[', ']', ' ']).parse::<IpAddr>()
    {
        out.extend(ip_prefix(ip));
    }
    out.sort();
    out.dedup();
    out
}

/// A /16 for IPv4 and a /32 for IPv6: the size of a provider's block, so that a sender's
/// mail rotating over one provider's servers stays familiar. Private ranges say nothing.
fn ip_prefix(ip: IpAddr) -> Option<String> {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            let private = v4.is_private() || v4.is_loopback() || v4.is_link_local() || o[0] == 0;
            (!private).then(|| format!("{}.{}", o[0], o[1]))
        }
        IpAddr::V6(v6) => {
            let s = v6.segments();
            let local = v6.is_loopback() || (s[0] & 0xfe00) == 0xfc00 || (s[0] & 0xffc0) == 0xfe80;
            (!local).then(|| format!("{:x}:{:x}", s[0], s[1]))
        }
    }
}

/// Headers a mail program writes itself, in its order. Transport, list and filter headers
/// are left out: they are added by servers on the way.
fn client_header_order(names: &[String]) -> String {
    let mut out: Vec<&str> = Vec::new();
    for n in names {
        let transport = n.starts_with("x-")
            || n.starts_with("list-")
            || n.starts_with("arc-")
            || matches!(
                n.as_str(),
                "received"
                    | "return-path"
                    | "delivered-to"
                    | "dkim-signature"
                    | "authentication-results"
                    | "received-spf"
                    | "precedence"
                    | "errors-to"
                    | "sender"
                    | "archived-at"
                    | "message-id-hash"
                    | "reply-to"
                    | "cc"
                    | "mime-version"
                    | "content-type"
                    | "content-transfer-encoding"
            );
        if !transport && !out.contains(&n.as_str()) {
            out.push(n);
        }
    }
    out.join(",")
}

/// Short link texts that are commands: what phishing puts on its buttons.
fn is_call_to_action(text: &str) -> bool {
    const VERBS: &[&str] = &[
        "click",
        "verify",
        "log in",
        "login",
        "sign in",
        "sign-in",
        "review",
        "view",
        "download",
        "open",
        "access",
        "confirm",
        "update",
        "claim",
        "unlock",
        "restore",
        "validate",
        "pay",
        "get started",
        "retrieve",
        "release",
        "accept",
    ];
    let lower = text.trim().to_lowercase();
    lower.chars().count() <= 32
        && !lower.contains("://")
        && VERBS
            .iter()
            .any(|v| lower.starts_with(v) || lower.contains(&format!(" {v}")))
}

fn clip(name: &str) -> String {
    name.chars().take(80).collect()
}

fn extension(name: &str) -> String {
    let lower = name.to_ascii_lowercase();
    match lower.rsplit_once('.') {
        Some((_, ext)) if ext.len() <= 5 && ext.chars().all(|c| c.is_ascii_alphanumeric()) => {
            ext.to_string()
        }
        _ => String::new(),
    }
}

/// Reads the receiving side's Authentication-Results (the newest header, written by the
/// recipient's own server): DMARC and SPF verdicts for the author's domain.
fn read_authentication(m: &Message, f: &mut Features) {
    let Some(results) = m.auth_results.first() else {
        return;
    };
    f.dmarc_fail = results.contains("dmarc=fail");
    f.spf_fail = results.contains("spf=fail") || results.contains("spf=softfail");
    f.auth_pass = results.contains("dmarc=pass") || results.contains("dkim=pass");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_family_drops_versions() {
        assert_eq!(
            client_family(
                "Mozilla/5.0 (X11; Linux x86_64; rv:102.0) Gecko/20100101 Thunderbird/102.8.0"
            ),
            "mozilla gecko thunderbird"
        );
        assert_eq!(client_family("iPhone Mail (20G75)"), "iphone mail");
    }

    #[test]
    fn message_id_shapes() {
        assert_eq!(
            message_id_shape("<CADRnH23yQx+4og@mail.gmail.com>"),
            "Aa9@gmail.com"
        );
        assert_eq!(message_id_shape("<1.2.JavaMail.x@thyme>"), "Aa9.@thyme");
        assert_eq!(
            message_id_shape("<4da8cda9-7298-1a04-c4a9-ad14d945addb@balister.org>"),
            "uuid@balister.org"
        );
    }
}
