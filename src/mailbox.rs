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

/// A moment on the calendar (proleptic Gregorian, no leap seconds).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Civil {
    pub year: i64,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
    /// 0 = Monday … 6 = Sunday.
    pub weekday: u32,
}

/// Calendar fields of seconds since the epoch (H. Hinnant's days-to-civil algorithm).
pub fn civil_time(ts: i64) -> Civil {
    let days = ts.div_euclid(86_400);
    let secs = ts.rem_euclid(86_400) as u32;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + if month <= 2 { 1 } else { 0 };
    Civil {
        year,
        month,
        day,
        hour: secs / 3600,
        minute: secs % 3600 / 60,
        second: secs % 60,
        // 1970-01-01 was a Thursday.
        weekday: (days + 3).rem_euclid(7) as u32,
    }
}

/// A Date header value (RFC 5322 section 3.3) for `ts` on a clock `offset_s` seconds east
/// of UTC: "Mon, 5 Jan 2026 09:15:00 +0100".
pub fn rfc5322_date(ts: i64, offset_s: i64) -> String {
    const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let c = civil_time(ts + offset_s);
    let sign = if offset_s < 0 { '-' } else { '+' };
    let off = offset_s.abs();
    format!(
        "{}, {} {} {} {:02}:{:02}:{:02} {sign}{:02}{:02}",
        DAYS[c.weekday as usize],
        c.day,
        MONTHS[(c.month - 1) as usize],
        c.year,
        c.hour,
        c.minute,
        c.second,
        off / 3600,
        off % 3600 / 60
    )
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
    fn civil_time_of_known_moments() {
        let c = civil_time(1_767_571_200); // 2026-01-05, a Monday
        assert_eq!((c.year, c.month, c.day, c.weekday), (2026, 1, 5, 0));
        let leap = civil_time(951_825_600); // 2000-02-29 12:00
        assert_eq!(
            (leap.year, leap.month, leap.day, leap.hour),
            (2000, 2, 29, 12)
        );
    }

    #[test]
    fn dates_are_written_on_the_sender_clock() {
        assert_eq!(
            rfc5322_date(1_767_604_500, 3600),
            "Mon, 5 Jan 2026 10:15:00 +0100"
        );
        assert_eq!(
            rfc5322_date(1_767_604_500, -(5 * 3600 + 30 * 60)),
            "Mon, 5 Jan 2026 03:45:00 -0530"
        );
    }

    #[test]
    fn order_is_by_date_then_file_order() {
        assert_eq!(
            chronological(&[Some(5), Some(1), None, Some(1)]),
            vec![1, 2, 3, 0]
        );
    }
}
