//! Key templates: parse any text; when it parses, render it for fixed
//! contexts and one built from the input, and check the keys.
//! Input: `template[\nprefix[\nrelpath[\nunix seconds]]]` (see chute_fuzz).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(input) = std::str::from_utf8(data) {
        chute_fuzz::check_template_input(input);
    }
});
