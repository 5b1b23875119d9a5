//! The RDB dump reader (`--rdb`, `--snapshot`) on arbitrary bytes: no panic, memory bounded
//! (libFuzzer's -rss_limit_mb catches a runaway allocation), and whatever it delivers is
//! under the prefix, no longer than the bound, with a positive TTL.
#![no_main]

use std::ops::ControlFlow;
use std::sync::atomic::AtomicBool;

use libfuzzer_sys::fuzz_target;
use sessctl_store::{read_dump, DumpRequest, Found, StoreError, DUMP_MAX_STRING};

fuzz_target!(|data: &[u8]| {
    let Some((&setting, dump)) = data.split_first() else { return };
    let request = DumpRequest {
        db: u64::from(setting & 1),
        use_now: setting & 2 != 0,
        now_ms: 1_800_000_000_000,
        ..DumpRequest::default()
    };
    let prefix = b"session:";
    let mut delivered = 0u64;
    let result = read_dump(dump, prefix, &request, &AtomicBool::new(false), |found| {
        delivered += 1;
        match found {
            Found::Session(s) => {
                assert!(s.key.starts_with(prefix) && s.key.len() <= DUMP_MAX_STRING);
                assert_eq!(&s.key[prefix.len()..], &s.id[..]);
                assert!(s.user.len() <= DUMP_MAX_STRING);
                assert!(s.ttl_ms.is_none_or(|t| t > 0));
            }
            Found::NotString { key, redis_type } => {
                assert!(key.starts_with(prefix) && !redis_type.is_empty());
            }
        }
        Ok::<_, StoreError>(ControlFlow::Continue(()))
    });
    if let Ok(summary) = result {
        assert!(summary.scanned >= delivered && summary.keys >= summary.scanned);
        assert!(summary.bytes <= dump.len() as u64);
    }
});
