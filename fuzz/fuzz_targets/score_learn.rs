//! Raw bytes as mail: one message, or an mbox of several. Each is processed (scored, then
//! learned if in character), every other one is also marked normal so that learning runs
//! whatever the score, and all are scored again against what was learned. Every report must
//! be in range and the learned baseline must survive a round trip within its size bound.

#![no_main]

use familiar::{Engine, mailbox};
use familiar_fuzz::{OWNER, check_baseline, check_report};
use libfuzzer_sys::fuzz_target;

/// Messages taken from one input; enough for habits to form and be compared.
const MAX_MESSAGES: usize = 16;

fuzz_target!(|data: &[u8]| {
    let messages = if mailbox::is_mbox(data) {
        mailbox::split_mbox(data)
    } else {
        vec![data.to_vec()]
    };
    let messages = &messages[..messages.len().min(MAX_MESSAGES)];

    let mut engine = Engine::new();
    engine.set_owner(&[OWNER.to_string()]);
    for (i, raw) in messages.iter().enumerate() {
        check_report(&engine.process(raw));
        if i % 2 == 0 {
            check_report(&engine.mark_normal(raw));
        }
    }
    // A lone message is learned a few more times, as a sender's routine mail would be.
    if let [raw] = messages {
        for _ in 0..3 {
            check_report(&engine.mark_normal(raw));
        }
    }

    for raw in messages {
        check_report(&engine.score(raw));
        let keys = Engine::record_keys(raw);
        assert!(!keys.is_empty() && keys.len() <= 3);
    }
    if let Some(last) = messages.last() {
        engine.report_message(last);
        check_report(&engine.score(last));
    }
    check_baseline(engine.baseline(), true);
});
