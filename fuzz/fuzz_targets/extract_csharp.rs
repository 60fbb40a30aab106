#![no_main]
//! The CSharp extractor: never panics, never overflows, returns well-formed accesses.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    ownlint_fuzz::extractor(ownlint::lang::Language::CSharp, data);
});
