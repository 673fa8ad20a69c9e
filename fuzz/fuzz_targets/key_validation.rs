//! Object keys: normalize_key on any text never panics, and what it
//! accepts is NFC, free of empty/`.`/`..` segments and control characters,
//! at most 1,024 bytes, and normalizes to itself.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(raw) = std::str::from_utf8(data) {
        chute_fuzz::check_normalize(raw);
    }
});
