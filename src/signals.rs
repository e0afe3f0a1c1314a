//! The catalogue of signals and tags: every id, its family, its weight and the one line of
//! why that a banner can show as it is. Nothing else in the crate names a signal or a tag
//! by string; scoring refers to these constants, and the README table is checked against
//! [`SIGNALS`] by a test.

use serde::Serialize;

/// What part of a message a signal looks at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Family {
    /// Compared with this sender's own history: how far the message is from their habits.
    Behaviour,
    /// Read from the message alone: links, requests and attachments that phishing needs.
    Content,
    /// Who the message claims to be from, and whether that claim holds together.
    Identity,
}

/// One signal: stable id, family, weight (log-odds added when it fires at full strength)
/// and a plain-language line for the banner.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Signal {
    pub id: &'static str,
    pub family: Family,
    pub weight: f64,
    pub why: &'static str,
    /// When the signal is normal, for whoever tunes or reads a report.
    pub benign_when: &'static str,
}

macro_rules! signals {
    ($($name:ident = $id:literal, $family:ident, $weight:literal, $why:literal, $benign:literal;)*) => {
        $(pub const $name: Signal = Signal {
            id: $id,
            family: Family::$family,
            weight: $weight,
            why: $why,
            benign_when: $benign,
        };)*
        /// Every signal, in catalogue order.
        pub const SIGNALS: &[Signal] = &[$($name),*];
    };
}

signals! {
    NEW_CLIENT = "BEHAVIOUR_NEW_CLIENT", Behaviour, 1.0,
        "Sent with a mail program this sender has not used before.",
        "a new phone or a mail client upgrade";
    NEW_MESSAGE_ID = "BEHAVIOUR_NEW_MESSAGE_ID", Behaviour, 0.9,
        "Its technical fingerprint (Message-ID) differs from this sender's usual mail.",
        "the sender's provider changed";
    NEW_ROUTE = "BEHAVIOUR_NEW_ROUTE", Behaviour, 0.9,
        "It came through mail servers this sender's mail never passed through.",
        "travel, a new provider or a forwarding service";
    NEW_SIGNER = "BEHAVIOUR_NEW_SIGNER", Behaviour, 0.8,
        "It was signed (DKIM) by a domain this sender's mail was never signed by.",
        "the sender's organisation moved to another mail host";
    NEW_TIMEZONE = "BEHAVIOUR_NEW_TIMEZONE", Behaviour, 0.5,
        "Its clock is set to a time zone this sender does not write from.",
        "travel or a daylight-saving change";
    ODD_HOUR = "BEHAVIOUR_ODD_HOUR", Behaviour, 0.4,
        "Sent at an hour when this sender almost never writes.",
        "late work or travel";
    NEW_LAYOUT = "BEHAVIOUR_NEW_LAYOUT", Behaviour, 0.8,
        "Its structure (parts, encodings, headers) is unlike this sender's mail.",
        "a new mail program or a forwarded message";
    NEW_LINK_DOMAIN = "BEHAVIOUR_NEW_LINK_DOMAIN", Behaviour, 1.0,
        "Links to a site this sender has never linked to.",
        "a new project or supplier";
    NEW_ATTACHMENT_KIND = "BEHAVIOUR_NEW_ATTACHMENT_KIND", Behaviour, 0.5,
        "Carries a kind of attachment this sender has never sent.",
        "a one-off file";
    NEW_GREETING = "BEHAVIOUR_NEW_GREETING", Behaviour, 0.4,
        "Opens with a greeting this sender does not use.",
        "a different audience";
    NEW_SIGNATURE = "BEHAVIOUR_NEW_SIGNATURE", Behaviour, 1.2,
        "Signed off with a name or closing this sender never uses.",
        "a colleague writing from a shared account";
    NEW_STYLE = "BEHAVIOUR_NEW_STYLE", Behaviour, 1.2,
        "Written in a voice unlike this sender's usual messages.",
        "a very short note or a pasted text";
    NEW_FORMATTING = "BEHAVIOUR_NEW_FORMATTING", Behaviour, 0.8,
        "Its line lengths, punctuation and capitals differ from this sender's habits.",
        "a message written on a phone, or pasted from elsewhere";
    NEW_LANGUAGE = "BEHAVIOUR_NEW_LANGUAGE", Behaviour, 0.6,
        "Written in a language or script this sender does not use.",
        "a message to a different audience";
    NEW_GENRE = "BEHAVIOUR_NEW_GENRE", Behaviour, 0.8,
        "Reads like a mass mailing, which this sender does not send.",
        "a sender who also forwards newsletters";
    NEW_REPLY_TO = "BEHAVIOUR_NEW_REPLY_TO", Behaviour, 0.8,
        "Replies would go to an address this sender never used.",
        "a shared inbox or an assistant";
    AUTH_FAILED = "IDENTITY_AUTH_FAILED", Identity, 1.5,
        "The sender's domain did not vouch for this message (DMARC/SPF failed), unlike before.",
        "forwarding or a misconfigured list";
    REPLY_TO_ELSEWHERE = "IDENTITY_REPLY_TO_ELSEWHERE", Identity, 1.0,
        "Replies would go to a different domain than the sender's.",
        "a ticketing system or a mailing list";
    LOOKALIKE_SENDER = "IDENTITY_LOOKALIKE_SENDER", Identity, 4.5,
        "The sender's address imitates one you know.",
        "rarely: two similar company names";
    FIRST_CONTACT = "IDENTITY_FIRST_CONTACT", Identity, 0.0,
        "You have no mail from this sender yet.",
        "any new correspondent";
    KNOWN_CORRESPONDENT = "IDENTITY_KNOWN_CORRESPONDENT", Identity, 0.0,
        "Matches this sender's usual habits.",
        "always";
    CREDENTIAL_REQUEST = "CONTENT_CREDENTIAL_REQUEST", Content, 2.2,
        "Asks you to sign in, verify an account or enter a password.",
        "a real password-reset you asked for";
    PAYMENT_CHANGE = "CONTENT_PAYMENT_CHANGE", Content, 2.0,
        "Asks to pay, or to change bank or payment details.",
        "a supplier's real change of bank, confirmed by phone";
    SHARE_LURE = "CONTENT_SHARE_LURE", Content, 1.4,
        "Invites you to open a shared document or file.",
        "a colleague sharing a real document";
    MONEY_BAIT = "CONTENT_MONEY_BAIT", Content, 1.5,
        "Dangles money, a prize or an investment.",
        "a real refund or reward programme";
    URGENCY = "CONTENT_URGENCY", Content, 0.6,
        "Presses you to act fast.",
        "a real deadline";
    FILE_SHARE_LINK = "CONTENT_FILE_SHARE_LINK", Content, 1.2,
        "Links to a file-sharing or design site where anyone can host a page.",
        "a sender who shares files this way";
    ACTION_LINK = "CONTENT_ACTION_LINK", Content, 0.8,
        "A link is dressed as a button telling you to act.",
        "newsletters and service notices";
    ADDRESS_AS_NAME = "CONTENT_ADDRESS_AS_NAME", Content, 1.0,
        "Calls you by your email address, as mass mailings do.",
        "automated notices from services";
    SHORTENED_LINK = "CONTENT_SHORTENED_LINK", Content, 1.0,
        "Hides where a link goes behind a URL shortener.",
        "newsletters and social posts";
    IP_LINK = "CONTENT_IP_LINK", Content, 1.5,
        "Links to a bare IP address instead of a named site.",
        "internal tools";
    DECEPTIVE_LINK = "CONTENT_DECEPTIVE_LINK", Content, 2.5,
        "A link shows one address but goes to another.",
        "tracking redirects in newsletters";
    LOOKALIKE_LINK = "CONTENT_LOOKALIKE_LINK", Content, 3.0,
        "A link's site imitates a domain you know, or uses look-alike letters.",
        "rarely";
    RISKY_ATTACHMENT = "CONTENT_RISKY_ATTACHMENT", Content, 1.6,
        "Carries a file type often used to deliver malware or fake sign-in pages.",
        "archives sent by colleagues";
    HTML_FORM = "CONTENT_HTML_FORM", Content, 1.5,
        "Contains a form that can send what you type to someone else.",
        "survey mail";
    ACCOUNT_WARNING = "CONTENT_ACCOUNT_WARNING", Content, 0.0,
        "Says the sender's account was misused; that alone is no threat.",
        "always informational";
}

/// The plain-language labels a banner shows, ranked by how much a person needs them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Tag {
    #[serde(rename = "Lookalike Sender")]
    LookalikeSender,
    #[serde(rename = "Credential Request")]
    CredentialRequest,
    #[serde(rename = "Payment Change")]
    PaymentChange,
    #[serde(rename = "Suspicious Link")]
    SuspiciousLink,
    #[serde(rename = "Risky Attachment")]
    RiskyAttachment,
    #[serde(rename = "Out of Character")]
    OutOfCharacter,
    #[serde(rename = "First Contact")]
    FirstContact,
    #[serde(rename = "Known Correspondent")]
    KnownCorrespondent,
}

impl Tag {
    pub const ALL: [Tag; 8] = [
        Tag::LookalikeSender,
        Tag::CredentialRequest,
        Tag::PaymentChange,
        Tag::SuspiciousLink,
        Tag::RiskyAttachment,
        Tag::OutOfCharacter,
        Tag::FirstContact,
        Tag::KnownCorrespondent,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Tag::LookalikeSender => "Lookalike Sender",
            Tag::CredentialRequest => "Credential Request",
            Tag::PaymentChange => "Payment Change",
            Tag::SuspiciousLink => "Suspicious Link",
            Tag::RiskyAttachment => "Risky Attachment",
            Tag::OutOfCharacter => "Out of Character",
            Tag::FirstContact => "First Contact",
            Tag::KnownCorrespondent => "Known Correspondent",
        }
    }
}

/// The tag a signal contributes to, if any.
pub fn tag_of(signal: &Signal) -> Option<Tag> {
    Some(match signal.id {
        id if id == LOOKALIKE_SENDER.id => Tag::LookalikeSender,
        id if id == CREDENTIAL_REQUEST.id => Tag::CredentialRequest,
        id if id == PAYMENT_CHANGE.id => Tag::PaymentChange,
        id if id == RISKY_ATTACHMENT.id || id == HTML_FORM.id => Tag::RiskyAttachment,
        id if id == FIRST_CONTACT.id => Tag::FirstContact,
        id if id == KNOWN_CORRESPONDENT.id => Tag::KnownCorrespondent,
        id if id == ACCOUNT_WARNING.id || id == URGENCY.id || id == MONEY_BAIT.id => {
            return None;
        }
        _ => match signal.family {
            Family::Behaviour => Tag::OutOfCharacter,
            Family::Content => Tag::SuspiciousLink,
            Family::Identity => Tag::OutOfCharacter,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_prefixed_by_family() {
        let mut ids: Vec<_> = SIGNALS.iter().map(|s| s.id).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), SIGNALS.len());
        for s in SIGNALS {
            let prefix = match s.family {
                Family::Behaviour => "BEHAVIOUR_",
                Family::Content => "CONTENT_",
                Family::Identity => "IDENTITY_",
            };
            assert!(s.id.starts_with(prefix), "{}", s.id);
            assert!(s.why.len() <= 100, "{} reason too long for a banner", s.id);
        }
    }
}
