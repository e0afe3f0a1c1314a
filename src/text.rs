//! Text of a message as a person reads it: HTML turned into lines, the author's own words
//! separated from quoted replies and list footers, and the greeting and sign-off picked out.
//! Everything here is best effort on hostile input and bounded in the bytes it examines.

/// Bytes of body text examined per message; the rest of a long body is ignored.
pub const MAX_TEXT_BYTES: usize = 256 * 1024;

/// An anchor found in HTML: where it points and what it shows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Anchor {
    pub href: String,
    pub text: String,
}

/// What [`html_to_text`] found.
#[derive(Debug, Default)]
pub struct Html {
    pub text: String,
    pub anchors: Vec<Anchor>,
    pub form_actions: Vec<String>,
    /// Class names and generator hints that betray the program that wrote the HTML.
    pub dialect: Vec<String>,
}

/// Converts HTML to plain text, collecting anchors, forms and client markers on the way.
/// Not a full HTML parser: tags are skipped, block ends become line breaks, entities decoded.
pub fn html_to_text(html: &str) -> Html {
    let html = truncate(html, MAX_TEXT_BYTES);
    let mut out = Html::default();
    let mut rest = html;
    let mut skip_until: Option<&'static str> = None;
    let mut open_anchor: Option<(String, usize)> = None;
    // The document's `<base href>`: relative links resolve against it, so a link written
    // as "/invoice" can lead to any site (tests/hostile/base-href-trick.eml).
    let mut base: Option<url::Url> = None;

    while let Some(lt) = rest.find('<') {
        let (before, after) = rest.split_at(lt);
        if skip_until.is_none() {
            push_decoded(&mut out.text, before);
        }
        let Some(gt) = after.find('>') else {
            rest = "";
            break;
        };
        let tag = &after[1..gt];
        rest = &after[gt + 1..];
        if base.is_none() && tag_name(tag) == "base" {
            base = attribute(tag, "href").and_then(|h| url::Url::parse(&h).ok());
        }
        if let Some(end) = skip_until {
            // Compared as bytes: the tag may hold any text, and a cut inside a character
            // would panic (found by the score_learn fuzz target).
            let head = tag.as_bytes().get(..end.len());
            if head.is_some_and(|h| h.eq_ignore_ascii_case(end.as_bytes())) {
                skip_until = None;
            }
            continue;
        }
        if tag.starts_with("!--") {
            // Comments may contain '>': skip to the real end.
            if let Some(end) = rest.find("-->") {
                rest = &rest[end + 3..];
            }
            continue;
        }
        let name = tag_name(tag);
        match name.as_str() {
            "script" | "style" | "head" | "title" => {
                skip_until = Some(match name.as_str() {
                    "script" => "/script",
                    "style" => "/style",
                    "head" => "/head",
                    _ => "/title",
                })
            }
            "br" | "/p" | "/div" | "/tr" | "/li" | "/h1" | "/h2" | "/h3" | "/table"
            | "/blockquote" | "hr" => out.text.push('\n'),
            "p" | "div" | "tr" | "li" | "blockquote"
                if !out.text.ends_with('\n') && !out.text.is_empty() =>
            {
                out.text.push('\n');
            }
            "td" => out.text.push(' '),
            "a" | "area" => {
                if let Some(href) = attribute(tag, "href") {
                    open_anchor = Some((resolve(base.as_ref(), href), out.text.len()));
                }
            }
            "/a" => {
                if let Some((href, start)) = open_anchor.take() {
                    let text = out.text.get(start..).unwrap_or("").trim().to_string();
                    out.anchors.push(Anchor { href, text });
                }
            }
            "form" => {
                let action = attribute(tag, "action").unwrap_or_default();
                out.form_actions.push(resolve(base.as_ref(), action));
            }
            "meta" => {
                if attribute(tag, "name").is_some_and(|n| n.eq_ignore_ascii_case("generator"))
                    && let Some(content) = attribute(tag, "content")
                {
                    out.dialect.push(format!("gen:{}", letters_only(&content)));
                }
            }
            _ => {}
        }
        if let Some(class) = attribute(tag, "class") {
            for c in class.split_whitespace().take(4) {
                let root = letters_only(c);
                if root.len() >= 3 && out.dialect.len() < 64 && !out.dialect.contains(&root) {
                    out.dialect.push(root);
                }
            }
        }
    }
    if skip_until.is_none() {
        push_decoded(&mut out.text, rest);
    }
    if let Some((href, start)) = open_anchor {
        let text = out.text.get(start..).unwrap_or("").trim().to_string();
        out.anchors.push(Anchor { href, text });
    }
    out
}

/// A link as the browser would follow it: relative to `base` when it has no scheme.
fn resolve(base: Option<&url::Url>, href: String) -> String {
    match base {
        Some(b) if url::Url::parse(&href).is_err() => b.join(&href).map_or(href, String::from),
        _ => href,
    }
}

fn truncate(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

fn letters_only(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_alphabetic())
        .take(32)
        .collect::<String>()
        .to_ascii_lowercase()
}

fn tag_name(tag: &str) -> String {
    tag.trim_start()
        .split(|c: char| c.is_whitespace())
        .next()
        .unwrap_or("")
        .trim_end_matches('/')
        .to_ascii_lowercase()
}

/// The value of attribute `name` in the inside of a tag, quotes removed and entities decoded.
fn attribute(tag: &str, name: &str) -> Option<String> {
    let lower = tag.to_ascii_lowercase();
    let mut from = 0;
    while let Some(pos) = lower[from..].find(name) {
        let at = from + pos;
        from = at + name.len();
        let boundary = at == 0 || lower.as_bytes()[at - 1].is_ascii_whitespace();
        let after = lower[from..].trim_start();
        if !boundary || !after.starts_with('=') {
            continue;
        }
        let value_start = tag.len() - after.len() + 1;
        let value = tag[value_start..].trim_start();
        let raw = match value.chars().next() {
            Some(q @ ('"' | '\'')) => value[1..].split(q).next().unwrap_or(""),
            _ => value
                .split(|c: char| c.is_whitespace())
                .next()
                .unwrap_or(""),
        };
        let mut decoded = String::new();
        push_decoded(&mut decoded, raw);
        return Some(decoded.trim().to_string());
    }
    None
}

/// Appends `s` with HTML entities decoded and runs of white space folded.
fn push_decoded(out: &mut String, s: &str) {
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        push_folded(out, &rest[..amp]);
        let tail = &rest[amp..];
        let end = tail.find(';').filter(|&e| e <= 10);
        let decoded = end.and_then(|e| decode_entity(&tail[1..e]));
        match (end, decoded) {
            (Some(e), Some(c)) => {
                out.push(c);
                rest = &tail[e + 1..];
            }
            _ => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    push_folded(out, rest);
}

fn push_folded(out: &mut String, s: &str) {
    for c in s.chars() {
        if c.is_whitespace() {
            if !out.ends_with([' ', '\n']) && !out.is_empty() {
                out.push(' ');
            }
        } else {
            out.push(c);
        }
    }
}

fn decode_entity(name: &str) -> Option<char> {
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => ' ',
        _ => {
            let num = name.strip_prefix('#')?;
            let code = match num.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => num.parse().ok()?,
            };
            char::from_u32(code)?
        }
    })
}

/// The author's own words: quoted replies, forwarded originals and list footers removed.
pub fn author_text(text: &str) -> String {
    let text = truncate(text, MAX_TEXT_BYTES);
    let mut kept: Vec<&str> = Vec::new();
    for line in text.lines() {
        let t = line.trim();
        if t.starts_with('>') {
            continue;
        }
        if is_quote_header(t) {
            break;
        }
        kept.push(line.trim_end());
    }
    while kept.last().is_some_and(|l| l.trim().is_empty()) {
        kept.pop();
    }
    kept.join("\n")
}

/// A line after which everything is someone else's text.
fn is_quote_header(t: &str) -> bool {
    let lower = t.to_lowercase();
    (lower.starts_with("on ") && lower.ends_with("wrote:"))
        || (lower.starts_with("am ") && lower.ends_with("schrieb:"))
        || (lower.starts_with("le ") && lower.ends_with("écrit :"))
        || lower.starts_with("-----original message")
        || lower.starts_with("----- original message")
        || lower.starts_with("-----ursprüngliche nachricht")
        || lower.starts_with("---------- forwarded message")
        || lower.starts_with("begin forwarded message")
        // Outlook's reply separator and list footers are long runs of underscores.
        || (t.len() >= 20 && t.chars().all(|c| c == '_'))
        || (lower.starts_with("from:") && lower.contains("sent:"))
}

/// The greeting word of a text, lowercase, if its first line reads like one.
pub fn greeting(author: &str) -> Option<String> {
    let first = author.lines().map(str::trim).find(|l| !l.is_empty())?;
    if first.chars().count() > 40 {
        return None;
    }
    let word: String = first
        .split(|c: char| !c.is_alphabetic())
        .find(|w| !w.is_empty())?
        .to_lowercase();
    let is_greeting = first.ends_with(',')
        || first.ends_with('!')
        || matches!(
            word.as_str(),
            "hi" | "hello" | "hey" | "dear" | "greetings" | "good" | "morning" | "all" | "team"
        );
    is_greeting.then_some(word)
}

/// Words that open a closing ("Best regards,", "Thanks!", "Cheers").
const CLOSINGS: &[&str] = &[
    "thanks",
    "thank",
    "regards",
    "best",
    "cheers",
    "sincerely",
    "br",
    "kind",
    "warm",
    "yours",
    "respectfully",
    "greetings",
    "ciao",
    "gruss",
    "grüße",
    "gruß",
    "cordialement",
    "saludos",
    "thx",
    "rgds",
    "mfg",
    "tia",
    "all",
];

/// The closing of a text and the name under it: the words from the last line among the
/// final eight that starts with a closing word, down to the end (at most three lines).
/// Empty when the text has no recognisable closing, so that a missing one is no evidence.
pub fn sign_off(author: &str) -> Vec<String> {
    let lines: Vec<&str> = author
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && *l != "--")
        .collect();
    let tail = &lines[lines.len().saturating_sub(8)..];
    let start = tail.iter().rposition(|line| {
        let first = line
            .split(|c: char| !c.is_alphabetic())
            .find(|w| !w.is_empty());
        line.chars().count() <= 40
            && first.is_some_and(|w| CLOSINGS.contains(&w.to_lowercase().as_str()))
    });
    let Some(start) = start.or_else(|| bare_name(tail)) else {
        return Vec::new();
    };
    let mut words = Vec::new();
    for line in tail[start..].iter().take(3) {
        if line.chars().count() > 40 {
            break;
        }
        for w in line.split(|c: char| !c.is_alphabetic()) {
            if w.chars().count() >= 2 && words.len() < 8 {
                words.push(w.to_lowercase());
            }
        }
    }
    words
}

/// A last line that is only a name ("Dennis", "Anna K."): one to three capitalised words.
fn bare_name(tail: &[&str]) -> Option<usize> {
    let last = tail.last()?;
    let words: Vec<&str> = last.split_whitespace().collect();
    let is_name = (1..=3).contains(&words.len())
        && words.iter().all(|w| {
            let letters = w.trim_end_matches('.');
            letters.chars().next().is_some_and(char::is_uppercase)
                && letters
                    .chars()
                    .all(|c| c.is_alphabetic() || c == '-' || c == '\'')
        });
    is_name.then(|| tail.len() - 1)
}

/// Number of hashed character-trigram bins in a style profile.
pub const STYLE_BINS: usize = 512;

/// A character-trigram profile of `text`, L2-normalised; `None` when the text is too short to
/// say anything about style.
pub fn style_vector(text: &str) -> Option<Vec<f32>> {
    let chars: Vec<char> = text
        .chars()
        .take(8 * 1024)
        .map(|c| if c.is_numeric() { '0' } else { c })
        .collect();
    if chars.len() < 60 {
        return None;
    }
    let mut bins = vec![0f32; STYLE_BINS];
    for w in chars.windows(3) {
        let mut h: u32 = 0x811c_9dc5;
        for c in w {
            h = (h ^ *c as u32).wrapping_mul(0x0100_0193);
        }
        bins[(h as usize) % STYLE_BINS] += 1.0;
    }
    // Whole words too: the words a person reaches for are as telling as their letters.
    for word in text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.len() >= 2)
        .take(2048)
    {
        let mut h: u32 = 0x6b43_a9b5;
        for c in word.chars().flat_map(char::to_lowercase) {
            h = (h ^ c as u32).wrapping_mul(0x0100_0193);
        }
        bins[(h as usize) % STYLE_BINS] += 1.0;
    }
    for b in bins.iter_mut() {
        *b = b.sqrt();
    }
    let norm = bins.iter().map(|b| b * b).sum::<f32>().sqrt();
    if norm > 0.0 {
        bins.iter_mut().for_each(|b| *b /= norm);
    }
    Some(bins)
}

/// How many formatting measures [`formatting`] returns.
pub const FORMAT_STATS: usize = 8;

/// Habits of layout and punctuation that survive a change of topic: line length (hard
/// wrapping), paragraph spacing, capitals, commas, exclamations, word and sentence length,
/// and two spaces after a full stop. `None` for texts too short to say.
pub fn formatting(text: &str) -> Option<[f32; FORMAT_STATS]> {
    let text = truncate(text, 16 * 1024);
    let lines: Vec<&str> = text.lines().collect();
    let filled: Vec<&str> = lines
        .iter()
        .copied()
        .filter(|l| !l.trim().is_empty())
        .collect();
    let words = text.split_whitespace().count();
    if words < 25 || filled.is_empty() {
        return None;
    }
    let letters = text.chars().filter(|c| c.is_alphabetic()).count().max(1) as f32;
    let upper = text.chars().filter(|c| c.is_uppercase()).count() as f32;
    let count = |p: &str| text.matches(p).count() as f32;
    let sentences = (count(". ") + count(".\n") + count("? ") + count("! ")).max(1.0);
    let mean_line =
        filled.iter().map(|l| l.chars().count()).sum::<usize>() as f32 / filled.len() as f32;
    let words = words as f32;
    Some([
        mean_line.ln(),
        (lines.len() - filled.len()) as f32 / lines.len() as f32,
        upper / letters,
        count(",") / words,
        (count("!") + 1.0).ln(),
        letters / words,
        (words / sentences).ln(),
        count(".  ") / sentences,
    ])
}

/// Common words of a few languages, to tell them apart on short texts.
const STOPWORDS: &[(&str, &[&str])] = &[
    (
        "en",
        &[
            "the", "and", "is", "you", "to", "of", "that", "it", "for", "with", "have", "this",
        ],
    ),
    (
        "de",
        &[
            "der", "die", "und", "ist", "sie", "nicht", "das", "mit", "ich", "für", "auf", "ihr",
        ],
    ),
    (
        "fr",
        &[
            "le", "la", "les", "et", "est", "vous", "pour", "pas", "une", "des", "que", "dans",
        ],
    ),
    (
        "es",
        &[
            "el", "los", "las", "y", "es", "usted", "para", "por", "una", "con", "que", "su",
        ],
    ),
    (
        "pt",
        &[
            "o", "os", "as", "e", "é", "você", "voce", "para", "não", "uma", "com", "seu",
        ],
    ),
    (
        "it",
        &[
            "il", "gli", "e", "è", "per", "non", "una", "con", "che", "sono", "della", "di",
        ],
    ),
    (
        "nl",
        &[
            "de", "het", "en", "is", "je", "niet", "van", "een", "met", "voor", "dat", "u",
        ],
    ),
];

/// The language of a text by its most frequent function words, or "" when unsure.
pub fn language(text: &str) -> &'static str {
    let mut counts = [0usize; 7];
    for word in text.split(|c: char| !c.is_alphabetic()).take(4000) {
        if word.is_empty() || word.len() > 8 {
            continue;
        }
        let lower;
        let word = if word.bytes().all(|b| b.is_ascii_lowercase()) {
            word
        } else {
            lower = word.to_lowercase();
            lower.as_str()
        };
        for (i, (_, words)) in STOPWORDS.iter().enumerate() {
            if words.contains(&word) {
                counts[i] += 1;
            }
        }
    }
    let (best, &count) = counts
        .iter()
        .enumerate()
        .max_by_key(|(_, c)| **c)
        .unwrap_or((0, &0));
    let second = counts
        .iter()
        .filter(|&&c| c < count)
        .max()
        .copied()
        .unwrap_or(0);
    if count >= 4 && count >= second * 3 / 2 {
        STOPWORDS[best].0
    } else {
        ""
    }
}

/// The writing system most letters of `text` belong to, as a coarse label.
pub fn script(text: &str) -> &'static str {
    let (mut latin, mut cyrillic, mut cjk, mut arabic, mut other) = (0, 0, 0, 0, 0);
    for c in text.chars().take(4096).filter(|c| c.is_alphabetic()) {
        match c as u32 {
            0..=0x24F => latin += 1,
            0x400..=0x4FF => cyrillic += 1,
            0x600..=0x6FF => arabic += 1,
            0x3040..=0x30FF | 0x4E00..=0x9FFF | 0xAC00..=0xD7AF => cjk += 1,
            _ => other += 1,
        }
    }
    let max = *[latin, cyrillic, cjk, arabic, other]
        .iter()
        .max()
        .unwrap_or(&0);
    match max {
        0 => "none",
        m if m == latin => "latin",
        m if m == cyrillic => "cyrillic",
        m if m == cjk => "cjk",
        m if m == arabic => "arabic",
        _ => "other",
    }
}

/// Characters that change how text is ordered or shown without being seen themselves:
/// controls, bidirectional embeddings and overrides, and zero-width marks. An attacker uses
/// them to reverse a file name or hide a word from a filter; see
/// `tests/hostile/bidi-attachment-name.eml`.
pub fn is_invisible(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{200b}'..='\u{200f}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2060}'..='\u{2064}'
                | '\u{2066}'..='\u{2069}'
                | '\u{061c}'
                | '\u{00ad}'
                | '\u{180e}'
                | '\u{feff}'
        )
}

/// Text from a message made safe to show: invisible characters removed (line breaks and
/// tabs become spaces), so that what a banner prints is what the message contains.
pub fn printable(s: &str) -> String {
    if !s.chars().any(is_invisible) {
        return s.to_string();
    }
    s.chars()
        .filter_map(|c| match c {
            '\n' | '\r' | '\t' => Some(' '),
            c if is_invisible(c) => None,
            c => Some(c),
        })
        .collect()
}

/// Text in the order a reader sees it: a run after a right-to-left override (U+202E, up
/// to its closing U+202C or the end of the line) is reversed, and invisible characters
/// are dropped, so that "\u{202e}tnuocca ruoy yfirev" is read as the request it shows.
/// Embeddings and isolates do not reorder Latin letters and are only dropped.
pub fn as_seen(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(is_invisible) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut reversed: Option<Vec<char>> = None;
    for c in s.chars() {
        match (c, &mut reversed) {
            ('\u{202e}', None) => reversed = Some(Vec::new()),
            ('\u{202c}' | '\n', Some(run)) => {
                out.extend(run.iter().rev());
                reversed = None;
                if c == '\n' {
                    out.push(c);
                }
            }
            ('\n' | '\t' | '\r', None) => out.push(c),
            (c, _) if is_invisible(c) => {}
            (c, Some(run)) => run.push(c),
            (c, None) => out.push(c),
        }
    }
    if let Some(run) = reversed {
        out.extend(run.iter().rev());
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_anchors_keep_their_visible_text() {
        let h = html_to_text(
            "<p>Hello &amp; welcome</p><a href=\"https://evil.example/x\">https://bank.example</a>\
             <script>alert(1)</script><form action='https://collect.example'>",
        );
        assert_eq!(h.text.trim(), "Hello & welcome\nhttps://bank.example");
        assert_eq!(h.anchors[0].href, "https://evil.example/x");
        assert_eq!(h.anchors[0].text, "https://bank.example");
        assert_eq!(h.form_actions, vec!["https://collect.example".to_string()]);
    }

    #[test]
    fn unterminated_markup_does_not_panic() {
        for s in [
            "<a href=",
            "<",
            "&#xFFFFFFFF;",
            "<a href='x'>é",
            "<!-- ",
            "<style>",
        ] {
            let _ = html_to_text(s);
        }
    }

    #[test]
    fn quoted_reply_and_footer_are_not_the_author() {
        let t = "Thanks, that works.\n\nBest,\nAnna\n\nOn Mon, Bob wrote:\n> old text\n";
        assert_eq!(author_text(t), "Thanks, that works.\n\nBest,\nAnna");
        let list = "Hi\n_______________________________________________\nlist footer";
        assert_eq!(author_text(list), "Hi");
    }

    #[test]
    fn greeting_and_sign_off() {
        let t = "Hi Tom,\n\nThe board is fine.\n\nCheers,\nAnna";
        assert_eq!(greeting(t).as_deref(), Some("hi"));
        assert_eq!(sign_off(t), vec!["cheers", "anna"]);
        assert!(sign_off("No closing here.\nJust text").is_empty());
        assert_eq!(
            greeting("The board is fine and the rest is a long line of text."),
            None
        );
    }

    #[test]
    fn style_needs_enough_text() {
        assert!(style_vector("short").is_none());
        let v = style_vector(&"the quick brown fox jumps over the lazy dog ".repeat(3)).unwrap();
        let norm: f32 = v.iter().map(|x| x * x).sum();
        assert!((norm - 1.0).abs() < 1e-4);
    }

    #[test]
    fn a_closing_tag_cut_inside_a_character_is_no_end() {
        let h = html_to_text("<style>x</styl\u{fffd}><p>after</p></style><p>shown</p>");
        assert_eq!(h.text.trim(), "shown");
    }

    #[test]
    fn relative_links_follow_the_base() {
        let h = html_to_text(
            "<head><base href=\"https://elsewhere.example/x/\"></head>\
             <a href=\"/inv\">a</a><a href=\"https://same.example/\">b</a><form action=\"p\">",
        );
        assert_eq!(h.anchors[0].href, "https://elsewhere.example/inv");
        assert_eq!(h.anchors[1].href, "https://same.example/");
        assert_eq!(h.form_actions, vec!["https://elsewhere.example/x/p"]);
        assert_eq!(
            html_to_text("<a href=\"/inv\">a</a>").anchors[0].href,
            "/inv"
        );
    }

    #[test]
    fn invisible_characters() {
        assert_eq!(printable("in\u{202e}fdp.exe\r\nX"), "infdp.exe  X");
        assert_eq!(printable("Anna\u{200b} Berg"), "Anna Berg");
        assert_eq!(
            as_seen("\u{202e}tnuocca ruoy yfirev\u{202c} now"),
            "verify your account now"
        );
        assert_eq!(as_seen("ver\u{200b}ify\n\u{202e}ba\nc"), "verify\nab\nc");
        assert_eq!(as_seen("plain"), "plain");
    }
}
