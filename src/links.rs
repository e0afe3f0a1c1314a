//! Links of a message: every HTML anchor and every URL written in the text, each with the
//! text a person sees and what its host is (registrable domain, IP literal, punycode,
//! shortener, file-sharing platform).

use url::{Host, Url};

use crate::domains;
use crate::message::{MAX_LINKS, Message};

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Link {
    pub href: String,
    pub text: String,
    pub host: String,
    pub registrable: String,
    pub is_ip: bool,
    pub is_non_ascii: bool,
    pub is_shortener: bool,
    pub is_file_share: bool,
    /// The visible text names another site than the one the link opens.
    pub is_text_mismatch: bool,
    /// `javascript:` or `data:` URLs, which only exist to run or smuggle content.
    pub is_script: bool,
}

/// All web links of a message, anchors first, duplicates removed.
pub fn extract(m: &Message) -> Vec<Link> {
    let mut links: Vec<Link> = Vec::new();
    let mut push = |href: &str, text: &str| {
        if links.len() < MAX_LINKS
            && let Some(link) = classify(href, text)
            && !links.iter().any(|l| l.href == link.href)
        {
            links.push(link);
        }
    };
    for a in &m.anchors {
        push(&a.href, &a.text);
    }
    for action in &m.form_actions {
        push(action, "");
    }
    for url in urls_in_text(&m.text) {
        push(&url, "");
    }
    links
}

/// URLs written out in plain text: `http(s)://…` and bare `www.…`.
pub fn urls_in_text(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for word in text.split(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '(' | ')'))
    {
        // Most words are plain words: a cheap test for ':' or a leading "www" first.
        let may_be_url = word.contains(':')
            || word
                .get(..4)
                .is_some_and(|w| w.eq_ignore_ascii_case("www."));
        if !may_be_url {
            continue;
        }
        let lower = word.to_ascii_lowercase();
        let start = lower.find("https://").or_else(|| lower.find("http://"));
        let candidate = match start {
            Some(i) => word[i..].to_string(),
            None if lower.starts_with("www.") && lower.len() > 6 => format!("http://{word}"),
            None => continue,
        };
        let trimmed = candidate.trim_end_matches(['.', ',', ';', ':', '!', '?', '\'', ']']);
        if !out.iter().any(|u| u == trimmed) {
            out.push(trimmed.to_string());
        }
        if out.len() >= MAX_LINKS {
            break;
        }
    }
    out
}

fn classify(href: &str, text: &str) -> Option<Link> {
    let href = href.trim_matches(|c: char| c <= ' ');
    // Browsers drop tabs and line breaks anywhere in a URL, so "java\tscript:" runs as
    // script (tests/hostile/javascript-link-obfuscated.eml): judge the scheme without them.
    let lower: String = href
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .take(16)
        .collect::<String>()
        .to_ascii_lowercase();
    if lower.starts_with("mailto:") || lower.starts_with('#') || lower.starts_with("cid:") {
        return None;
    }
    if ["javascript:", "vbscript:", "data:"]
        .iter()
        .any(|s| lower.starts_with(s))
    {
        return Some(Link {
            href: href.chars().take(256).collect(),
            text: text.chars().take(256).collect(),
            is_script: true,
            ..Link::default()
        });
    }
    let url = Url::parse(href).ok()?;
    if !matches!(url.scheme(), "http" | "https") {
        return None;
    }
    // Private and loopback addresses are devices on the reader's own network (a router's
    // page, a lab instrument), not somewhere an outsider can host a lure.
    let (host, is_ip) = match url.host()? {
        Host::Domain(d) => (d.to_ascii_lowercase(), false),
        Host::Ipv4(ip) => (ip.to_string(), !(ip.is_private() || ip.is_loopback())),
        Host::Ipv6(ip) => (ip.to_string(), !ip.is_loopback()),
    };
    let registrable = if is_ip {
        host.clone()
    } else {
        domains::registrable(&host)
    };
    // "https://supplier.example@collector.example/" opens collector.example: a user name
    // that reads as a site name is there only to be mistaken for the destination. Web
    // links have no use for dotted user names, so any such is counted.
    let user = url.username().to_ascii_lowercase();
    let is_userinfo_disguise = user.contains('.') && domains::registrable(&user) != registrable;
    let is_text_mismatch = is_userinfo_disguise
        || (!domains::is_link_wrapper(&host) && text_names_other_site(text, &registrable));
    Some(Link {
        href: href.chars().take(2048).collect(),
        text: text.chars().take(256).collect(),
        is_non_ascii: !is_ip && domains::is_non_ascii_host(&host),
        is_shortener: domains::is_shortener(&host),
        is_file_share: domains::is_file_share(&host),
        host,
        registrable,
        is_ip,
        is_text_mismatch,
        is_script: false,
    })
}

/// True when `text` looks like a web address whose registrable domain is not `registrable`.
fn text_names_other_site(text: &str, registrable: &str) -> bool {
    let t = text.trim().trim_end_matches('/');
    if t.contains(' ') || !t.contains('.') {
        return false;
    }
    let with_scheme = if t.contains("://") {
        t.to_string()
    } else {
        format!("http://{t}")
    };
    let Ok(url) = Url::parse(&with_scheme) else {
        return false;
    };
    let Some(Host::Domain(d)) = url.host() else {
        return false;
    };
    if !d.contains('.') || domains::public_suffix(d).is_none_or(|(s, _)| s == d) {
        return false;
    }
    // A bare name needs a real public suffix to count ("file.pdf" is not a site); a text
    // written with a scheme or "www." is an address whatever its suffix.
    let is_address = t.contains("://") || t.to_ascii_lowercase().starts_with("www.");
    let known_suffix = domains::public_suffix(d).is_some_and(|(_, known)| known);
    (is_address || known_suffix) && domains::registrable(d) != registrable
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_urls_are_found_and_trimmed() {
        let urls = urls_in_text("see https://docs.google.com/d/1, or www.example.com.");
        assert_eq!(
            urls,
            vec!["https://docs.google.com/d/1", "http://www.example.com"]
        );
    }

    #[test]
    fn classification() {
        let l = classify("https://www.canva.com/design/x", "").unwrap();
        assert!(l.is_file_share && !l.is_ip && l.registrable == "canva.com");
        let ip = classify("http://192.0.2.7/login", "").unwrap();
        assert!(ip.is_ip);
        let mismatch = classify("https://evil.example/", "www.mybank.com").unwrap();
        assert!(mismatch.is_text_mismatch);
        let same = classify("https://www.mybank.com/a", "mybank.com").unwrap();
        assert!(!same.is_text_mismatch);
        let file = classify("https://files.example.com/a", "report.pdf").unwrap();
        assert!(!file.is_text_mismatch);
        assert!(classify("mailto:a@b.c", "").is_none());
        assert!(classify("javascript:alert(1)", "").unwrap().is_script);
        assert!(classify(" java\tscr\nipt:alert(1)", "").unwrap().is_script);
        let userinfo = classify("https://supplier.example@collector.example/x", "").unwrap();
        assert!(userinfo.is_text_mismatch && userinfo.registrable == "collector.example");
        let login = classify("https://anna@supplier.example/x", "").unwrap();
        assert!(!login.is_text_mismatch);
        assert!(
            classify("https://xn--pple-43d.com/", "")
                .unwrap()
                .is_non_ascii
        );
    }
}
