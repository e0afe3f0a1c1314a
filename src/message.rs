//! The parsed view of one raw message: who sent it, the path it took, the program that
//! wrote it, its text, links and attachments. Built from `mail-parser`'s tree; owns its
//! strings so that later steps need not care about lifetimes. Parsing never fails: a
//! message that cannot be read becomes an empty view with `is_malformed` set.

use mail_parser::{Address, HeaderValue, Host, MessageParser, MimeHeaders, PartType};

use crate::text::{self, Anchor};

/// Headers examined per message; a message with more is judged on the first ones.
pub const MAX_HEADERS: usize = 512;
/// Kinds of attachment (type and file extension) examined per message; an attachment of a
/// kind already seen adds nothing, and kinds past this many are not looked at.
pub const MAX_PARTS: usize = 256;
/// Distinct links kept per message, in the order they appear; later ones are not examined.
pub const MAX_LINKS: usize = 256;
/// Levels of the MIME tree described in the message's layout; deeper parts are summed up
/// as one mark. Enclosed messages (message/rfc822) are parsed to any depth but never read
/// for text or links: they count as one attachment of the message that carries them.
pub const MAX_MIME_DEPTH: usize = 8;

/// A mailbox: address lowercase, display name as decoded.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Mailbox {
    pub address: String,
    pub name: String,
}

impl Mailbox {
    pub fn domain(&self) -> &str {
        self.address.rsplit_once('@').map(|(_, d)| d).unwrap_or("")
    }
}

/// One Received hop: the host that handed the message over and the host that took it.
#[derive(Clone, Debug, Default)]
pub struct Hop {
    pub from_host: Option<String>,
    pub from_ip: Option<std::net::IpAddr>,
    pub helo: Option<String>,
    pub by_host: Option<String>,
}

#[derive(Clone, Debug, Default)]
pub struct Attachment {
    pub name: String,
    pub content_type: String,
}

#[derive(Clone, Debug, Default)]
pub struct Message {
    pub message_id: String,
    pub subject: String,
    /// The author: From, or the Reply-To address when a mailing list rewrote From.
    pub author: Mailbox,
    /// From exactly as written.
    pub from: Mailbox,
    pub reply_to: Vec<Mailbox>,
    pub sender: Option<Mailbox>,
    pub return_path: Option<String>,
    pub to: Vec<Mailbox>,
    pub cc: Vec<Mailbox>,
    /// Set when the message came through a mailing list (List-Id or List-Post present).
    pub is_list: bool,
    /// Seconds since the epoch (UTC) from the Date header.
    pub timestamp: Option<i64>,
    /// The Date header's offset from UTC in minutes.
    pub tz_offset_minutes: Option<i32>,
    /// Received hops, oldest first.
    pub hops: Vec<Hop>,
    pub originating_ip: Option<String>,
    pub client: Option<String>,
    /// Header names in order, lowercase.
    pub header_names: Vec<String>,
    pub auth_results: Vec<String>,
    pub dkim_domains: Vec<String>,
    /// The MIME tree as a short string: types, charsets and encodings of the parts.
    pub mime_shape: String,
    pub content_language: Option<String>,
    /// Plain text of the body (the text part, or the HTML part converted).
    pub text: String,
    pub anchors: Vec<Anchor>,
    pub form_actions: Vec<String>,
    pub html_dialect: Vec<String>,
    pub attachments: Vec<Attachment>,
    pub is_malformed: bool,
}

impl Message {
    /// Reads raw RFC 5322 bytes; an mbox `From ` line in front is tolerated.
    pub fn parse(raw: &[u8]) -> Message {
        let raw = with_line_feeds(strip_mbox_line(raw));
        let Some(parsed) = MessageParser::default().parse(raw.as_ref()) else {
            return Message {
                is_malformed: true,
                ..Message::default()
            };
        };
        let mut m = Message {
            message_id: parsed.message_id().unwrap_or("").to_string(),
            subject: parsed.subject().unwrap_or("").to_string(),
            from: first_mailbox(parsed.from()).unwrap_or_default(),
            reply_to: all_mailboxes(parsed.reply_to()),
            sender: first_mailbox(parsed.sender()),
            return_path: parsed.return_address().map(|a| a.to_ascii_lowercase()),
            to: all_mailboxes(parsed.to()),
            cc: all_mailboxes(parsed.cc()),
            ..Message::default()
        };
        m.is_malformed = parsed.from().is_none() || parsed.headers().is_empty();

        if let Some(date) = parsed.date() {
            m.timestamp = Some(date.to_timestamp());
            let minutes = date.tz_hour as i32 * 60 + date.tz_minute as i32;
            m.tz_offset_minutes = Some(if date.tz_before_gmt {
                -minutes
            } else {
                minutes
            });
        }

        for header in parsed.headers().iter().take(MAX_HEADERS) {
            let name = header.name().to_ascii_lowercase();
            read_header(&mut m, &name, header.value());
            m.header_names.push(name);
        }
        m.hops.reverse();

        let list_post = parsed
            .list_post()
            .as_text_list()
            .and_then(|l| l.first().map(|s| s.to_string()))
            .or_else(|| parsed.list_post().as_text().map(str::to_string));
        m.is_list = list_post.is_some() || !parsed.list_id().is_empty();
        m.author = resolve_author(&m, list_post.as_deref());

        read_body(&mut m, &parsed);
        dismantle(parsed);
        m
    }

    /// The author's domain, lowercase.
    pub fn author_domain(&self) -> &str {
        self.author.domain()
    }
}

fn strip_mbox_line(raw: &[u8]) -> &[u8] {
    if raw.starts_with(b"From ") {
        match raw.iter().position(|&b| b == b'\n') {
            Some(nl) => &raw[nl + 1..],
            None => &[],
        }
    } else {
        raw
    }
}

/// Mail whose lines end in a bare CR (old Mac mail programs) has no line feed at all; the
/// parser would read it as one long header. Such mail is read with CRs as line ends
/// (tests/hostile/line-ends-cr-only.eml).
fn with_line_feeds(raw: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    if raw.contains(&b'\n') || !raw.contains(&b'\r') {
        return std::borrow::Cow::Borrowed(raw);
    }
    std::borrow::Cow::Owned(
        raw.iter()
            .map(|&b| if b == b'\r' { b'\n' } else { b })
            .collect(),
    )
}

/// Drops a parsed message one enclosed message at a time. Dropped whole, a message/rfc822
/// nested a hundred thousand times (under 5 MB of mail) recurses once per level and
/// overflows the stack; see `tests/limits.rs`.
fn dismantle(message: mail_parser::Message<'_>) {
    let mut pending = vec![message];
    while let Some(mut m) = pending.pop() {
        for part in &mut m.parts {
            if let PartType::Message(inner) = std::mem::take(&mut part.body) {
                pending.push(inner);
            }
        }
    }
}

fn to_mailbox(addr: &mail_parser::Addr) -> Option<Mailbox> {
    let address = addr.address.as_deref()?.trim().to_lowercase();
    if address.is_empty() {
        return None;
    }
    Some(Mailbox {
        address,
        name: addr.name.as_deref().unwrap_or("").trim().to_string(),
    })
}

fn all_mailboxes(address: Option<&Address>) -> Vec<Mailbox> {
    address
        .map(|a| a.iter().take(64).filter_map(to_mailbox).collect())
        .unwrap_or_default()
}

fn first_mailbox(address: Option<&Address>) -> Option<Mailbox> {
    address.and_then(|a| a.iter().find_map(to_mailbox))
}

fn read_header(m: &mut Message, name: &str, value: &HeaderValue) {
    match name {
        "received" => {
            if let Some(r) = value.as_received() {
                m.hops.push(Hop {
                    from_host: host_name(r.from.as_ref()),
                    from_ip: r.from_ip.or(match &r.from {
                        Some(Host::IpAddr(ip)) => Some(*ip),
                        _ => None,
                    }),
                    helo: host_name(r.helo.as_ref()),
                    by_host: host_name(r.by.as_ref()),
                });
            }
        }
        "x-mailer" | "user-agent" if m.client.is_none() => {
            m.client = header_text(value);
        }
        "x-originating-ip" => m.originating_ip = header_text(value),
        "authentication-results" => {
            if let Some(t) = header_text(value) {
                m.auth_results.push(t.to_ascii_lowercase());
            }
        }
        "dkim-signature" => {
            if let Some(d) = header_text(value).and_then(|t| tag_value(&t, "d")) {
                m.dkim_domains.push(d.to_ascii_lowercase());
            }
        }
        "content-language" => m.content_language = header_text(value),
        _ => {}
    }
}

fn host_name(host: Option<&Host>) -> Option<String> {
    match host? {
        Host::Name(n) => Some(n.to_ascii_lowercase()),
        Host::IpAddr(ip) => Some(ip.to_string()),
    }
}

fn header_text(value: &HeaderValue) -> Option<String> {
    match value {
        HeaderValue::Text(t) => Some(t.to_string()),
        HeaderValue::TextList(l) => Some(l.join(", ")),
        _ => None,
    }
}

/// The value of `tag=` in a `tag=value; tag=value` list (DKIM-Signature).
fn tag_value(list: &str, tag: &str) -> Option<String> {
    list.split(';').find_map(|kv| {
        let (k, v) = kv.split_once('=')?;
        (k.trim() == tag).then(|| v.split_whitespace().collect::<String>())
    })
}

/// Mailing lists that rewrite From for DMARC ("Name via List <list@...>") keep the real
/// author in Reply-To; everywhere else the author is From.
fn resolve_author(m: &Message, list_post: Option<&str>) -> Mailbox {
    let from = &m.from;
    let list_address = list_post.map(|p| {
        p.trim_start_matches("mailto:")
            .trim_matches(['<', '>'])
            .to_lowercase()
    });
    let is_list_from = list_address.as_deref().is_some_and(|l| l == from.address)
        || from.name.to_lowercase().contains(" via ");
    if is_list_from
        && from.name.to_lowercase().contains(" via ")
        && let Some(reply) = m.reply_to.iter().find(|r| r.address != from.address)
    {
        let name = from
            .name
            .rsplit_once(" via ")
            .map(|(n, _)| n.trim())
            .unwrap_or("");
        return Mailbox {
            address: reply.address.clone(),
            name: name.to_string(),
        };
    }
    from.clone()
}

fn read_body(m: &mut Message, parsed: &mail_parser::Message) {
    let mut shape = String::new();
    describe_part(parsed, 0, 0, &mut shape);
    m.mime_shape = shape;

    let mut plain: Option<String> = parsed.body_text(0).map(|t| t.into_owned());
    let mut html = parsed
        .html_part(0)
        .filter(|p| p.is_text_html())
        .and_then(|_| parsed.body_html(0))
        .map(|h| h.into_owned());
    let broken_multipart = demoted(parsed, |ctype, _| ctype == "multipart");
    let broken_html = demoted(parsed, |ctype, is_problem| {
        ctype == "text/html" && is_problem
    });
    let read_as_body = [&broken_multipart, &broken_html].map(|d| d.as_ref().map(|(id, _)| *id));
    if plain.is_none() && html.is_none() {
        plain = broken_multipart.map(|(_, t)| t.into_owned());
    }
    if html.is_none() {
        html = broken_html.map(|(_, t)| t.into_owned());
    }

    if let Some(html) = html {
        let text::Html {
            text,
            anchors,
            form_actions,
            dialect,
        } = text::html_to_text(&html);
        m.anchors = anchors;
        m.form_actions = form_actions;
        m.html_dialect = dialect;
        if parsed.text_body_count() == 0 || plain.as_deref().is_none_or(|p| p.trim().is_empty()) {
            m.text = text;
        }
    }
    if m.text.is_empty() {
        m.text = plain.unwrap_or_default();
    }
    // Repeats of one link must not push the others out of the examined ones.
    let mut seen = std::collections::HashSet::new();
    m.anchors
        .retain(|a| seen.len() < MAX_LINKS && seen.insert(a.href.clone()));

    let attachments = parsed
        .attachments
        .iter()
        .filter(|&&id| !read_as_body.contains(&Some(id)))
        .filter_map(|&id| parsed.part(id));
    // Kinds, not copies: a thousand pictures must not push a script file out of view.
    let mut kinds = std::collections::HashSet::new();
    for part in attachments {
        if m.attachments.len() >= MAX_PARTS {
            break;
        }
        let content_type = part
            .content_type()
            .map(|ct| match ct.subtype() {
                Some(sub) => format!("{}/{}", ct.ctype(), sub),
                None => ct.ctype().to_string(),
            })
            .unwrap_or_default()
            .to_ascii_lowercase();
        let name = part.attachment_name().unwrap_or("").to_string();
        if name.is_empty()
            && content_type.starts_with("image/")
            && part.content_disposition().is_none_or(|d| d.is_inline())
        {
            continue; // inline pictures in signatures are layout, not attachments
        }
        let extension = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
        if kinds.insert((content_type.clone(), extension)) {
            m.attachments.push(Attachment { name, content_type });
        }
    }
}

/// The first attached part that the parser demoted to plain text although it declares
/// something a mail program still shows as the body: a multipart whose boundary never
/// appears (tests/hostile/mime-boundary-never-used.eml) or an HTML part cut off before its
/// closing boundary (tests/hostile/mime-unterminated-form.eml). `is_wanted` gets the
/// declared type, lowercase ("multipart" for any multipart), and whether the parser
/// reported a problem with the part.
fn demoted<'a>(
    parsed: &'a mail_parser::Message,
    is_wanted: impl Fn(&str, bool) -> bool,
) -> Option<(u32, std::borrow::Cow<'a, str>)> {
    parsed.attachments.iter().find_map(|&id| {
        let part = parsed.part(id)?;
        let ct = part.content_type()?;
        // A multipart with no boundary at all is kept as bytes, one whose boundary never
        // appears as text (tests/hostile/mime-multipart-no-boundary.eml).
        let text = match &part.body {
            PartType::Text(text) => std::borrow::Cow::Borrowed(text.as_ref()),
            PartType::Binary(bytes) if ct.ctype().eq_ignore_ascii_case("multipart") => {
                String::from_utf8_lossy(bytes)
            }
            _ => return None,
        };
        let ctype = if ct.ctype().eq_ignore_ascii_case("multipart") {
            "multipart".to_string()
        } else {
            format!("{}/{}", ct.ctype(), ct.subtype().unwrap_or("")).to_ascii_lowercase()
        };
        let is_named = part.attachment_name().is_some();
        (!is_named && is_wanted(&ctype, part.is_encoding_problem)).then_some((id, text))
    })
}

/// Writes a compact description of the part tree: `mixed(alt(plain.utf-8.qp,html),pdf)`.
fn describe_part(parsed: &mail_parser::Message, id: u32, depth: usize, out: &mut String) {
    if depth > MAX_MIME_DEPTH || out.len() > 256 {
        out.push('…');
        return;
    }
    let Some(part) = parsed.part(id) else { return };
    let subtype = part
        .content_type()
        .and_then(|ct| ct.subtype())
        .unwrap_or("")
        .to_ascii_lowercase();
    match &part.body {
        PartType::Multipart(children) => {
            out.push_str(match subtype.as_str() {
                "alternative" => "alt",
                "related" => "rel",
                "mixed" => "mixed",
                "signed" => "signed",
                _ => "multi",
            });
            out.push('(');
            for (i, child) in children.iter().take(16).enumerate() {
                if i > 0 {
                    out.push(',');
                }
                describe_part(parsed, *child, depth + 1, out);
            }
            out.push(')');
        }
        PartType::Message(_) => out.push_str("rfc822"),
        PartType::Text(_) | PartType::Html(_) => {
            out.push_str(if subtype.is_empty() {
                "plain"
            } else {
                &subtype
            });
            let ct = part.content_type();
            if let Some(charset) = ct.and_then(|c| c.attribute("charset")) {
                out.push('.');
                out.push_str(&charset.to_ascii_lowercase());
            }
            if ct.and_then(|c| c.attribute("format")).is_some() {
                out.push_str(".flowed");
            }
            if let Some(enc) = part.content_transfer_encoding() {
                out.push('.');
                out.push_str(match enc.to_ascii_lowercase().as_str() {
                    "quoted-printable" => "qp",
                    "base64" => "b64",
                    "8bit" => "8",
                    "7bit" => "7",
                    _ => "x",
                });
            }
        }
        PartType::Binary(_) | PartType::InlineBinary(_) => out.push_str("bin"),
    }
}
