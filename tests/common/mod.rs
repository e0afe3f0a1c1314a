//! Builders for test mail: a known sender's ordinary message, which each test then bends
//! in one respect, and a history of such messages to learn from.

#![allow(dead_code)]

use familiar::{Engine, Reason, Report};

pub const OWNER: &str = "me@home.example";

/// One message, as header lines and a body; `render` writes RFC 5322 text.
#[derive(Clone)]
pub struct Mail {
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Mail {
    /// An ordinary message from the supplier whose habits the history teaches.
    pub fn usual(n: usize) -> Mail {
        let day = 5 + n as i64;
        let topics = [
            "the pallets for your order are packed and the van leaves on Thursday morning",
            "the new price list is on our portal and nothing changes for your standing order",
            "we are out of the brass fittings until next week, the rest ships as planned",
            "the driver will call about an hour before he arrives, as he always does",
            "your invoice follows with the delivery note, payable to the usual account",
        ];
        let body = format!(
            "Hi Sam,\n\nJust to let you know, {}. If anything is missing from the delivery, reply \
             to this message and I will sort it out the same day.\n\nThanks again for the order, \
             we appreciate your business.\n\nBest regards,\nAnna\n",
            topics[n % topics.len()]
        );
        Mail {
            headers: vec![
                h(
                    "Received",
                    "from mx.home.example (mx.home.example [192.0.2.25]) by mail.home.example with ESMTPS; Mon, 5 Jan 2026 09:00:00 +0000",
                ),
                h(
                    "Received",
                    "from mail.supplier.example (mail.supplier.example [203.0.113.10]) by mx.home.example with ESMTPS; Mon, 5 Jan 2026 09:00:00 +0000",
                ),
                h(
                    "Authentication-Results",
                    "mx.home.example; spf=pass; dkim=pass header.d=supplier.example; dmarc=pass",
                ),
                h(
                    "DKIM-Signature",
                    "v=1; a=rsa-sha256; d=supplier.example; s=mail; b=x",
                ),
                h("Message-ID", &format!("<n{n}.a1b2@supplier.example>")),
                h(
                    "Date",
                    &format!("Mon, {} Jan 2026 {:02}:15:00 +0100", day.min(28), 9 + n % 6),
                ),
                h(
                    "User-Agent",
                    "Mozilla/5.0 (Windows NT 10.0; rv:128.0) Gecko/20100101 Thunderbird/128.5.0",
                ),
                h("MIME-Version", "1.0"),
                h("From", "Anna Berg <anna@supplier.example>"),
                h("To", &format!("Sam <{OWNER}>")),
                h("Subject", "Your order"),
                h("Content-Type", "text/plain; charset=UTF-8; format=flowed"),
                h("Content-Transfer-Encoding", "7bit"),
            ],
            body,
        }
    }

    pub fn set(mut self, name: &str, value: &str) -> Mail {
        match self
            .headers
            .iter_mut()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
        {
            Some(entry) => entry.1 = value.to_string(),
            None => self.headers.push(h(name, value)),
        }
        self
    }

    pub fn without(mut self, name: &str) -> Mail {
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        self
    }

    pub fn body(mut self, body: &str) -> Mail {
        self.body = body.to_string();
        self
    }

    pub fn render(&self) -> Vec<u8> {
        let mut out = String::new();
        for (name, value) in &self.headers {
            out.push_str(&format!("{name}: {value}\n"));
        }
        out.push('\n');
        out.push_str(&self.body);
        out.into_bytes()
    }
}

fn h(name: &str, value: &str) -> (String, String) {
    (name.to_string(), value.to_string())
}

/// An engine that has learned `n` of the supplier's ordinary messages.
pub fn engine_with_history(n: usize) -> Engine {
    let mut engine = Engine::new();
    engine.set_owner(&[OWNER.to_string()]);
    for i in 0..n {
        let report = engine.process(&Mail::usual(i).render());
        assert_eq!(
            report.action,
            familiar::Action::None,
            "history message {i} was flagged"
        );
    }
    engine
}

/// The report's reason for `signal`, at any weight.
pub fn reason<'a>(report: &'a Report, signal: &str) -> Option<&'a Reason> {
    report.reasons.iter().find(|r| r.signal == signal)
}

pub fn fired(report: &Report, signal: &str) -> bool {
    report
        .reasons
        .iter()
        .any(|r| r.signal == signal && r.weight >= 0.3)
}
