//! What a message asks of its reader, from its words: to sign in, to pay or change bank
//! details, to open a shared document, to hurry; and whether it is a sender warning that
//! their own account was misused. Phrase lists are English plus a few common European
//! forms; matching is on lowercase text with white space folded.

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Intents {
    pub credential: bool,
    pub payment_change: bool,
    pub share_lure: bool,
    pub urgency: bool,
    pub account_warning: bool,
    pub money_bait: bool,
    /// The text gives a password, as senders of locked attachments do.
    pub mentions_password: bool,
    /// Reads like bulk mail rather than a person writing.
    pub bulk: bool,
}

const CREDENTIAL: &[&str] = &[
    "verify your account",
    "verify your email",
    "verify your identity",
    "confirm your account",
    "confirm your identity",
    "confirm your email",
    "validate your account",
    "update your account",
    "sign in to view",
    "sign in to access",
    "log in to view",
    "login to view",
    "log in to access",
    "login to access",
    "sign-in activity",
    "sign in activity",
    "unusual sign",
    "your password",
    "password expire",
    "password will expire",
    "reset your password",
    "mailbox is full",
    "mailbox quota",
    "storage quota",
    "mailbox will be",
    "account will be suspended",
    "account has been suspended",
    "account will be closed",
    "account has been locked",
    "account is locked",
    "reactivate",
    "re-activate",
    "restore access",
    "deactivat",
    "enter your credentials",
    "your credentials",
    "security alert",
    "unauthorized access",
    "unauthorised access",
    "verification required",
    "keep your account",
    "access your account",
    "e-mail account",
    "email account upgrade",
    "webmail",
    "office 365 account",
    "microsoft account",
    "apple id",
    "paypal account",
    "confirm your details",
    "update your details",
    "update your information",
    "kennwort",
    "mot de passe",
    "contraseña",
    "bestätigen sie",
    "vérifiez votre",
];

const PAYMENT: &[&str] = &[
    "bank details",
    "banking details",
    "bank account details",
    "new bank account",
    "new account details",
    "change of bank",
    "changed our bank",
    "change our bank",
    "updated bank",
    "update our bank",
    "remittance details",
    "payment details",
    "payment information",
    "wire transfer",
    "wire the",
    "iban",
    "swift code",
    "sort code",
    "routing number",
    "account number",
    "outstanding invoice",
    "overdue invoice",
    "unpaid invoice",
    "invoice attached",
    "payment is due",
    "process the payment",
    "make the payment",
    "make payment",
    "transfer the funds",
    "gift card",
    "bitcoin",
    "bankverbindung",
    "coordonnées bancaires",
    "virement",
];

const SHARE: &[&str] = &[
    "shared a document",
    "shared a file",
    "shared a folder",
    "has shared",
    "shared with you",
    "shared the updated",
    "sent you a document",
    "sent you a file",
    "view document",
    "view the document",
    "view shared",
    "open the document",
    "access the document",
    "review the document",
    "download the document",
    "view file",
    "secure document",
    "secure file",
    "secure message",
    "encrypted message",
    "docusign",
    "e-sign",
    "esign",
    "click here to view",
    "click here to download",
    "click below to view",
    "click the link",
    "click on the link",
    "follow the link",
    "tap the link",
    "pdf document",
    "fax document",
    "voice message",
    "voicemail",
    "proposal document",
    "request for quotation",
    "shipping document",
    "payment advice",
    "document has been shared",
    "file is ready",
];

/// Advance-fee, prize and investment bait: money offered to the reader.
const MONEY_BAIT: &[&str] = &[
    "beneficiary",
    "inheritance",
    "next of kin",
    "lottery",
    "you have won",
    "you won",
    "winner",
    "unclaimed",
    "compensation fund",
    "claim your",
    "cash prize",
    "prize money",
    "million dollars",
    "million usd",
    "usd $",
    "us$",
    "fund transfer",
    "transfer of the sum",
    "on your balance",
    "crypto",
    "btc",
    "investment opportunity",
    "guaranteed return",
    "free gift",
    "reward points",
    "rewards points",
    "congratulations",
];

/// Wording of bulk mail: newsletters, marketing and automated notices.
const BULK: &[&str] = &[
    "unsubscribe",
    "all rights reserved",
    "view in browser",
    "view this email in",
    "privacy policy",
    "you are receiving this",
    "you received this email",
    "manage your preferences",
    "email preferences",
    "opt out",
    "opt-out",
    "this is an automated",
    "copyright ©",
    "© 20",
];

const URGENCY: &[&str] = &[
    "urgent",
    "immediately",
    "as soon as possible",
    "asap",
    "within 24 hours",
    "within 48 hours",
    "today only",
    "final notice",
    "final warning",
    "last warning",
    "action required",
    "immediate action",
    "expire today",
    "expires today",
    "right away",
    "time sensitive",
    "dringend",
    "sofort",
];

/// A warning by the sender that their account was misused and recent mail should be ignored.
const COMPROMISED: &[&str] = &[
    "was hacked",
    "been hacked",
    "got hacked",
    "was compromised",
    "been compromised",
    "was accessed by someone",
    "accessed by someone",
    "someone else",
    "someone has",
    "unauthorized",
    "unauthorised",
    "did not come from me",
    "didn't come from me",
    "not sent by me",
    "didn't send",
    "did not send",
    "not from me",
    "spam from my",
    "phishing",
    "hijacked",
    "broken into",
    "gehackt",
    "piraté",
];
const IGNORE: &[&str] = &[
    "ignore",
    "disregard",
    "delete it",
    "delete the",
    "do not open",
    "don't open",
    "do not click",
    "don't click",
    "not open",
    "not click",
    "please delete",
];

/// Verbs of account checks and the things they are done to: together they make a request
/// for credentials even in wording no phrase list foresaw.
const ACCOUNT_VERBS: &[&str] = &[
    "verif",
    "confirm",
    "validat",
    "log in",
    "login",
    "sign in",
    "sign-in",
    "reactivat",
    "suspend",
    "unlock",
    "restore",
    "re-enter",
    "update",
];
const ACCOUNT_NOUNS: &[&str] = &[
    "your account",
    "your password",
    "your mailbox",
    "your email",
    "your e-mail",
    "your credentials",
    "your identity",
    "your login",
    "your apple id",
    "your banking",
    "requested information",
    "your card",
];

/// Callback scams: a charge or renewal the reader did not make, and a number to call.
const CALLBACK: &[&str] = &[
    "automatic renewal",
    "auto-renewal",
    "auto renewal",
    "auto debit",
    "will be charged",
    "has been charged",
    "have been charged",
    "to cancel, call",
    "to cancel call",
    "call our support",
    "support number",
    "helpline",
    "billing department",
];

/// A password in the text for an attachment: it keeps the file from gateway scanners.
const ATTACHMENT_PASSWORD: &[&str] = &[
    "password:",
    "password is",
    "pdf password",
    "zip password",
    "senha",
    "passwort",
    "kennwort",
    "contraseña",
    "mot de passe",
];

const LISTS: [&[&str]; 12] = [
    CREDENTIAL,
    PAYMENT,
    SHARE,
    URGENCY,
    COMPROMISED,
    IGNORE,
    MONEY_BAIT,
    BULK,
    ACCOUNT_VERBS,
    ACCOUNT_NOUNS,
    CALLBACK,
    ATTACHMENT_PASSWORD,
];

pub fn read(text: &str, subject: &str) -> Intents {
    let folded = fold(&format!("{subject}\n{text}"));
    let index = WordStarts::new(&folded);
    let found = LISTS.map(|list| list.iter().any(|p| index.contains(p)));
    let [
        credential,
        payment,
        share,
        urgency,
        compromised,
        ignore,
        money,
        bulk,
        verbs,
        nouns,
        callback,
        password,
    ] = found;
    Intents {
        credential: credential || (verbs && nouns),
        payment_change: payment,
        share_lure: share,
        urgency,
        account_warning: compromised && ignore,
        money_bait: money || callback,
        bulk,
        mentions_password: password,
    }
}

/// Where words start in a text, grouped by their first byte, so that a phrase is compared
/// only where it could begin. A substring scan per phrase costs the length of the text for
/// each of some three hundred phrases, which is slow without SIMD (in WebAssembly); a
/// multi-pattern automaton would cost more module bytes than it saves.
struct WordStarts<'a> {
    text: &'a [u8],
    /// Word starts, sorted by the byte found there.
    starts: Vec<u32>,
}

impl<'a> WordStarts<'a> {
    fn new(text: &'a str) -> WordStarts<'a> {
        let text = text.as_bytes();
        let mut starts: Vec<u32> = (0..text.len())
            .filter(|&i| i == 0 || !text[i - 1].is_ascii_alphanumeric())
            .filter(|&i| !text[i].is_ascii_whitespace())
            .map(|i| i as u32)
            .collect();
        starts.sort_by_key(|&i| text[i as usize]);
        WordStarts { text, starts }
    }

    /// True when `phrase` occurs at the start of a word.
    fn contains(&self, phrase: &str) -> bool {
        let phrase = phrase.as_bytes();
        let Some(&first) = phrase.first() else {
            return false;
        };
        let from = self
            .starts
            .partition_point(|&i| self.text[i as usize] < first);
        let to = self
            .starts
            .partition_point(|&i| self.text[i as usize] <= first);
        self.starts[from..to]
            .iter()
            .any(|&i| self.text[i as usize..].starts_with(phrase))
    }
}

/// Lowercase, white space folded to single spaces, bounded length; in the order a reader
/// sees it, so that overrides and zero-width marks cannot hide a phrase
/// (tests/hostile/bidi-reversed-subject.eml, tests/hostile/zero-width-ask.eml).
fn fold(s: &str) -> String {
    let s = crate::text::as_seen(s);
    let mut out = String::with_capacity(s.len().min(64 * 1024));
    for word in s.split_whitespace() {
        if out.len() > 64 * 1024 {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&word.to_lowercase().replace('’', "'"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phishing_phrases() {
        let i = read(
            "Please verify your account within 24 hours.",
            "Security alert",
        );
        assert!(i.credential && i.urgency && !i.account_warning);
        assert!(read("Our bank details have changed, new IBAN below", "").payment_change);
        assert!(read("I've shared a document with you", "").share_lure);
    }

    #[test]
    fn the_senders_own_warning_is_recognised() {
        let i = read(
            "My account was hacked yesterday. Please ignore my last email and do not click.",
            "Sorry",
        );
        assert!(i.account_warning);
        assert!(!read("Please ignore the typo in my last message.", "").account_warning);
    }
}
