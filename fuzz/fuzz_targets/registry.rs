#![no_main]
//! The registry loader and everything that digests what it accepts.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    ownlint_fuzz::registry(data);
});
