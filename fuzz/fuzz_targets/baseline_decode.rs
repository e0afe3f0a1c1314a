//! Arbitrary bytes through every decoder of stored state, as the command line's
//! `--baseline`, the WebAssembly `importBaseline` and the per-record store call them: a
//! whole baseline, one profile record, the correspondents record. Whatever decodes and
//! validates must score and learn fixed mail, stay within its bounds and encode again.

#![no_main]

use familiar::{Baseline, Engine, Profile};
use familiar_fuzz::{OWNER, check_baseline, check_report, fixed_messages};
use libfuzzer_sys::fuzz_target;

fn exercise(mut engine: Engine) {
    for raw in fixed_messages() {
        check_report(&engine.score(raw));
        check_report(&engine.process(raw));
    }
    if let Some(raw) = fixed_messages().first() {
        check_report(&engine.mark_normal(raw));
        engine.report_message(raw);
    }
    check_baseline(engine.baseline(), false);
}

fuzz_target!(|data: &[u8]| {
    if let Ok(baseline) = serde_json::from_slice::<Baseline>(data)
        && let Ok(baseline) = baseline.validate()
    {
        check_baseline(&baseline, false);
        exercise(Engine::with_baseline(baseline));
    }

    if let Ok(profile) = serde_json::from_slice::<Profile>(data) {
        for is_sender in [true, false] {
            let mut engine = Engine::new();
            engine.set_owner(&[OWNER.to_string()]);
            let key = "anna.berg@northwind-supplies.example";
            if engine.put_profile(is_sender, key, profile.clone()).is_ok() {
                exercise(engine);
            }
        }
    }

    if let Ok(json) = std::str::from_utf8(data) {
        let mut engine = Engine::new();
        if engine.put_correspondents_json(json).is_ok() {
            check_report(&engine.process(&fixed_messages()[0]));
            assert!(engine.correspondents_json().is_ok());
        }
    }
});
