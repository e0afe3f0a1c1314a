//! Knowledge about domains and hosts: registrable domains (public suffix list), hosts that
//! anyone can publish on, URL shorteners, free mail providers, and look-alike tests
//! (edit distance and Unicode confusable skeletons). Lists here are maintained by hand and
//! name services, never correspondents.

use std::sync::OnceLock;

use publicsuffix::{List, Psl};

/// The public suffix list, parsed on first use (about 10,000 rules).
fn suffixes() -> &'static List {
    static LIST: OnceLock<List> = OnceLock::new();
    LIST.get_or_init(|| {
        List::from_bytes(include_bytes!("../data/public_suffix_list.dat")).unwrap_or_default()
    })
}

/// The public suffix of a host ("co.uk"), and whether the list names it (as opposed to
/// the default rule that takes the last label).
pub fn public_suffix(host: &str) -> Option<(&str, bool)> {
    let suffix = suffixes().suffix(host.as_bytes())?;
    let known = suffix.is_known();
    let len = suffix.as_bytes().len();
    Some((&host[host.len() - len..], known))
}

/// The registrable domain (eTLD+1) of a host, lowercase; the host itself when it has none.
pub fn registrable(host: &str) -> String {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    match suffixes().domain(host.as_bytes()) {
        Some(d) => String::from_utf8_lossy(d.as_bytes()).into_owned(),
        None => host,
    }
}

/// File-sharing, form and self-service design or hosting sites: genuine services on which
/// anyone can put up a page, and therefore the usual home of a compromised account's lure.
/// Matched against the registrable domain, or the full host where the registrable domain
/// also serves ordinary mail links (google.com, microsoft.com).
const FILE_SHARE: &[&str] = &[
    "canva.com",
    "canva.site",
    "docs.google.com",
    "drive.google.com",
    "sites.google.com",
    "forms.gle",
    "storage.googleapis.com",
    "dropbox.com",
    "dropboxusercontent.com",
    "db.tt",
    "1drv.ms",
    "onedrive.live.com",
    "sharepoint.com",
    "forms.office.com",
    "sway.office.com",
    "wetransfer.com",
    "we.tl",
    "docsend.com",
    "box.com",
    "notion.site",
    "notion.so",
    "adobe.com",
    "acrobat.adobe.com",
    "express.adobe.com",
    "mega.nz",
    "mediafire.com",
    "sendspace.com",
    "jotform.com",
    "typeform.com",
    "wixsite.com",
    "weebly.com",
    "webflow.io",
    "glitch.me",
    "firebaseapp.com",
    "web.app",
    "pages.dev",
    "netlify.app",
    "vercel.app",
    "github.io",
    "gitbook.io",
    "blogspot.com",
    "ipfs.io",
    "r2.dev",
    "filetransfer.io",
    "smash.gg",
    "hightail.com",
    "egnyte.com",
    "sharefile.com",
    "zoho.com",
    "quip.com",
    "padlet.com",
    "prezi.com",
    "genial.ly",
    "flipsnack.com",
    "issuu.com",
    "yumpu.com",
    "milanote.com",
    "figma.com",
    "airtable.com",
    "evernote.com",
    "docdroid.net",
    "scribd.com",
    "ibb.co",
    "imgur.com",
    "linktr.ee",
    "surveymonkey.com",
];

/// Services whose only purpose is to hide a link's destination.
const SHORTENERS: &[&str] = &[
    "bit.ly",
    "tinyurl.com",
    "t.co",
    "goo.gl",
    "ow.ly",
    "is.gd",
    "buff.ly",
    "rebrand.ly",
    "cutt.ly",
    "shorturl.at",
    "rb.gy",
    "t.ly",
    "tiny.cc",
    "bl.ink",
    "s.id",
    "v.gd",
    "shorte.st",
    "adf.ly",
    "lnkd.in",
    "qrco.de",
    "urlz.fr",
    "short.io",
    "x.co",
];

/// Security gateways that rewrite every link through their own scanner: the visible text
/// naming another site is their normal behaviour, not deception.
const LINK_WRAPPERS: &[&str] = &[
    "safelinks.protection.outlook.com",
    "urldefense.proofpoint.com",
    "urldefense.com",
    "mimecastprotect.com",
    "mimecast.com",
    "linkprotect.cudasvc.com",
    "secure-web.cisco.com",
    "clicktime.symantec.com",
    "scanner.topsec.com",
    "link.edgepilot.com",
    "urlsand.esvalabs.com",
];

/// Providers where one domain holds millions of unrelated people: knowing the domain says
/// nothing about the person.
const FREEMAIL: &[&str] = &[
    "gmail.com",
    "googlemail.com",
    "yahoo.com",
    "yahoo.co.uk",
    "yahoo.fr",
    "ymail.com",
    "hotmail.com",
    "hotmail.co.uk",
    "hotmail.fr",
    "outlook.com",
    "live.com",
    "msn.com",
    "aol.com",
    "icloud.com",
    "me.com",
    "mac.com",
    "gmx.de",
    "gmx.net",
    "gmx.com",
    "web.de",
    "proton.me",
    "protonmail.com",
    "mail.com",
    "yandex.ru",
    "yandex.com",
    "mail.ru",
    "qq.com",
    "163.com",
    "126.com",
    "zoho.com",
    "fastmail.com",
    "t-online.de",
    "orange.fr",
    "free.fr",
    "libero.it",
    "comcast.net",
    "att.net",
    "verizon.net",
    "seznam.cz",
    "wp.pl",
];

fn host_matches(host: &str, list: &[&str]) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    list.iter().any(|entry| {
        host == *entry
            || host
                .strip_suffix(entry)
                .is_some_and(|prefix| prefix.ends_with('.'))
    })
}

pub fn is_file_share(host: &str) -> bool {
    host_matches(host, FILE_SHARE)
}

pub fn is_shortener(host: &str) -> bool {
    host_matches(host, SHORTENERS)
}

pub fn is_link_wrapper(host: &str) -> bool {
    host_matches(host, LINK_WRAPPERS)
}

pub fn is_freemail(domain: &str) -> bool {
    FREEMAIL.contains(&domain.to_ascii_lowercase().as_str())
}

/// The Unicode form of a host that may be written in punycode (`xn--`).
pub fn unicode_host(host: &str) -> String {
    if host.is_ascii() && !host.contains("xn--") {
        return host.to_string();
    }
    let (unicode, result) = idna::domain_to_unicode(host);
    if result.is_ok() {
        unicode
    } else {
        host.to_string()
    }
}

/// True when the host contains characters that are not plain ASCII once decoded, which
/// is how homoglyph domains are built.
pub fn is_non_ascii_host(host: &str) -> bool {
    host.split('.').any(|label| label.starts_with("xn--")) || !host.is_ascii()
}

/// Letters of other scripts, and accented Latin letters, that pass for ASCII in a domain
/// name. A compact stand-in for UTS #39's confusables table, which would cost more bytes in
/// the WebAssembly module than the rest of familiar; IDNA mapping has already folded
/// full-width and mathematical forms to ASCII before a host gets here.
const HOMOGLYPHS: &[(char, char)] = &[
    // Cyrillic
    ('а', 'a'),
    ('в', 'b'),
    ('е', 'e'),
    ('ё', 'e'),
    ('к', 'k'),
    ('м', 'm'),
    ('н', 'h'),
    ('о', 'o'),
    ('р', 'p'),
    ('с', 'c'),
    ('т', 't'),
    ('у', 'y'),
    ('х', 'x'),
    ('і', 'i'),
    ('ї', 'i'),
    ('ј', 'j'),
    ('ѕ', 's'),
    ('ԁ', 'd'),
    ('ԛ', 'q'),
    ('ԝ', 'w'),
    ('ѡ', 'w'),
    ('һ', 'h'),
    ('ӏ', 'l'),
    ('ɡ', 'g'),
    ('ь', 'b'),
    ('п', 'n'),
    ('г', 'r'),
    // Greek
    ('α', 'a'),
    ('β', 'b'),
    ('ε', 'e'),
    ('η', 'n'),
    ('ι', 'i'),
    ('κ', 'k'),
    ('ν', 'v'),
    ('ο', 'o'),
    ('ρ', 'p'),
    ('τ', 't'),
    ('υ', 'u'),
    ('χ', 'x'),
    ('ω', 'w'),
    ('ϲ', 'c'),
    // Armenian
    ('օ', 'o'),
    ('ս', 'u'),
    ('ց', 'g'),
    ('հ', 'h'),
    ('ո', 'n'),
    ('զ', 'q'),
    // Latin with marks, and look-alike Latin letters
    ('à', 'a'),
    ('á', 'a'),
    ('â', 'a'),
    ('ã', 'a'),
    ('ä', 'a'),
    ('å', 'a'),
    ('ā', 'a'),
    ('ą', 'a'),
    ('ç', 'c'),
    ('ć', 'c'),
    ('č', 'c'),
    ('ď', 'd'),
    ('đ', 'd'),
    ('è', 'e'),
    ('é', 'e'),
    ('ê', 'e'),
    ('ë', 'e'),
    ('ē', 'e'),
    ('ę', 'e'),
    ('ě', 'e'),
    ('ğ', 'g'),
    ('ì', 'i'),
    ('í', 'i'),
    ('î', 'i'),
    ('ï', 'i'),
    ('ı', 'i'),
    ('ī', 'i'),
    ('ł', 'l'),
    ('ñ', 'n'),
    ('ń', 'n'),
    ('ň', 'n'),
    ('ò', 'o'),
    ('ó', 'o'),
    ('ô', 'o'),
    ('õ', 'o'),
    ('ö', 'o'),
    ('ø', 'o'),
    ('ō', 'o'),
    ('ř', 'r'),
    ('ś', 's'),
    ('š', 's'),
    ('ş', 's'),
    ('ť', 't'),
    ('ù', 'u'),
    ('ú', 'u'),
    ('û', 'u'),
    ('ü', 'u'),
    ('ū', 'u'),
    ('ů', 'u'),
    ('ý', 'y'),
    ('ÿ', 'y'),
    ('ź', 'z'),
    ('ż', 'z'),
    ('ž', 'z'),
    ('ß', 's'),
    ('ɑ', 'a'),
    ('ɩ', 'i'),
    ('ʟ', 'l'),
];

/// A name in lowercase with other scripts' look-alike letters folded to Latin ("Аnna"
/// with a Cyrillic А becomes "anna"), when it mixes them with Latin letters; `None` for
/// names written in one script, however foreign, since those imitate nobody.
pub fn unmixed_name(name: &str) -> Option<String> {
    let name = name.to_lowercase();
    let is_other_script = |c: char| ('\u{0370}'..='\u{058f}').contains(&c);
    let has_latin = name.chars().any(|c| c.is_ascii_alphabetic());
    let has_other = name
        .chars()
        .any(|c| is_other_script(c) && fold_homoglyph(c) != c);
    (has_latin && has_other).then(|| {
        name.chars()
            .map(|c| {
                if is_other_script(c) {
                    fold_homoglyph(c)
                } else {
                    c
                }
            })
            .collect()
    })
}

fn fold_homoglyph(c: char) -> char {
    HOMOGLYPHS
        .iter()
        .find(|(from, _)| *from == c)
        .map_or(c, |(_, to)| *to)
}

/// The look-alike skeleton of a domain: other scripts' look-alike letters folded to ASCII,
/// and digits and letter pairs that look alike in mail fonts folded too, so that
/// `paypa1.com`, `pаypal.com` and `paypal.com` share one skeleton.
pub fn skeleton_of(domain: &str) -> String {
    let unicode = unicode_host(domain);
    let folded: String = unicode.to_lowercase().chars().map(fold_homoglyph).collect();
    folded
        .replace("rn", "m")
        .replace("vv", "w")
        .chars()
        .map(|c| match c {
            '0' => 'o',
            '1' | 'l' => 'i',
            '5' => 's',
            _ => c,
        })
        .collect()
}

/// True when `candidate` imitates `known` without being it: the same skeleton, or one or
/// two edits apart in the label before the public suffix (for labels long enough that
/// such closeness is not chance).
pub fn is_lookalike(candidate: &str, known: &str) -> bool {
    // Compared as people read them: "xn--supplir-dhg.example" is "suppliеr.example", and
    // its punycode length says nothing about how close it looks
    // (tests/hostile/punycode-sender-address.eml).
    let (candidate, known) = (
        unicode_host(&candidate.to_lowercase()),
        unicode_host(&known.to_lowercase()),
    );
    if candidate == known || candidate.is_empty() || known.is_empty() {
        return false;
    }
    let labels = (first_label(&candidate), first_label(&known));
    // Names of very different lengths are neither one edit apart nor look-alikes.
    if let (Some(c), Some(k)) = &labels
        && c.chars().count().abs_diff(k.chars().count()) > 3
    {
        return false;
    }
    if skeleton_of(&candidate) == skeleton_of(&known) {
        return true;
    }
    let (Some(c_label), Some(k_label)) = labels else {
        return false;
    };
    if c_label == k_label {
        // Same name under another suffix: example.co vs example.com.
        return k_label.chars().count() >= 5;
    }
    let len = k_label.chars().count();
    let limit = match len {
        0..=4 => 0,
        5..=8 => 1,
        _ => 2,
    };
    limit > 0 && edit_distance(&c_label, &k_label) <= limit
}

fn first_label(domain: &str) -> Option<String> {
    let (suffix, _) = public_suffix(domain)?;
    let stem = domain.strip_suffix(suffix)?.trim_end_matches('.');
    let label = stem.rsplit('.').next()?;
    (!label.is_empty()).then(|| label.to_string())
}

/// Levenshtein distance over chars, for short labels.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().take(64).collect();
    let b: Vec<char> = b.chars().take(64).collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = if ca == cb {
                prev
            } else {
                1 + prev.min(cur).min(row[j])
            };
            prev = cur;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registrable_domains() {
        assert_eq!(registrable("mail.example.co.uk"), "example.co.uk");
        assert_eq!(registrable("BN2P.NAMP110.PROD.OUTLOOK.COM"), "outlook.com");
        assert_eq!(registrable("localhost"), "localhost");
    }

    #[test]
    fn platforms_match_whole_labels() {
        assert!(is_file_share("www.canva.com"));
        assert!(is_file_share("docs.google.com"));
        assert!(!is_file_share("mail.google.com"));
        assert!(!is_file_share("notcanva.com"));
        assert!(is_shortener("bit.ly"));
    }

    #[test]
    fn lookalikes() {
        assert!(is_lookalike("examp1e.com", "example.com"));
        assert!(is_lookalike("exarnple.com", "example.com"));
        assert!(is_lookalike("\u{0435}xample.com", "example.com"));
        assert!(is_lookalike("acme-corp.co", "acme-corp.com"));
        assert!(!is_lookalike("gmail.com", "gmx.com"));
        assert!(!is_lookalike("example.com", "example.com"));
        assert!(!is_lookalike("ibm.com", "ibn.com"));
        assert!(is_lookalike("xn--supplir-dhg.example", "supplier.example"));
        assert!(!is_lookalike("xn--80ak6aa92e.com", "supplier.example"));
    }

    #[test]
    fn mixed_script_names() {
        assert_eq!(
            unmixed_name("\u{0410}nna B\u{0435}rg").as_deref(),
            Some("anna berg")
        );
        assert_eq!(unmixed_name("Anna Berg"), None);
        assert_eq!(unmixed_name("\u{0410}\u{043d}\u{043d}\u{0430}"), None);
    }
}
