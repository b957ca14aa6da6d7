//! Shard files on arbitrary bytes: read as a sweep's tallies, validated, merged (alone, and
//! with a copy of itself) and written out as rows and CSV. Never a panic, and never an
//! invalid merge: what merges validates.
#![no_main]

use libfuzzer_sys::fuzz_target;
use modsim_sim::sweep::Tally;

fuzz_target!(|data: &[u8]| {
    let Ok(tally) = serde_json::from_slice::<Tally>(data) else {
        return;
    };
    if tally.validate().is_err() {
        return;
    }
    let _ = tally.rows();
    let _ = tally.to_csv();
    for shards in [
        vec![("a.json".to_owned(), tally.clone())],
        vec![("a.json".to_owned(), tally.clone()), ("b.json".to_owned(), tally)],
    ] {
        if let Ok(whole) = Tally::merge(shards) {
            assert!(whole.validate().is_ok(), "a merge that does not validate");
            let _ = whole.to_csv();
        }
    }
});
