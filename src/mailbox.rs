//! Splitting mailboxes into messages and putting them in time order. Pure functions over
//! bytes: reading files is the caller's business.

use mail_parser::mailbox::mbox::MessageIterator;

/// The messages of an mbox (mboxo or mboxrd: `>From ` lines are unquoted).
pub fn split_mbox(data: &[u8]) -> Vec<Vec<u8>> {
    MessageIterator::new(data)
        .filter_map(Result::ok)
        .map(|m| m.unwrap_contents())
        .collect()
}

/// True when the bytes start like an mbox rather than a single message.
pub fn is_mbox(data: &[u8]) -> bool {
    data.starts_with(b"From ")
}

/// The Date header of a raw message as seconds since the epoch, read cheaply.
pub fn date_of(raw: &[u8]) -> Option<i64> {
    let parsed = mail_parser::MessageParser::new().parse_headers(raw)?;
    parsed.date().map(|d| d.to_timestamp())
}

/// Indices of `dates` in chronological order; messages without a date keep their place
/// relative to their neighbours by taking the previous message's date, and ties keep file
/// order.
pub fn chronological(dates: &[Option<i64>]) -> Vec<usize> {
    let mut last = i64::MIN;
    let mut keyed: Vec<(i64, usize)> = dates
        .iter()
        .enumerate()
        .map(|(i, d)| {
            if let Some(d) = d {
                last = *d;
            }
            (last, i)
        })
        .collect();
    keyed.sort();
    keyed.into_iter().map(|(_, i)| i).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mboxrd_lines_are_unquoted() {
        let mbox = b"From a@b Thu Jan  1 00:00:00 2024\nSubject: one\n\n>From here\n\
                     From c@d Thu Jan  1 00:00:00 2024\nSubject: two\n\nbody\n";
        let msgs = split_mbox(mbox);
        assert_eq!(msgs.len(), 2);
        assert!(msgs[0].ends_with(b"From here\n"));
    }

    #[test]
    fn order_is_by_date_then_file_order() {
        assert_eq!(
            chronological(&[Some(5), Some(1), None, Some(1)]),
            vec![1, 2, 3, 0]
        );
    }
}
