//! The directory search's text handling (issue 7): normalization never panics and is idempotent, and every
//! document is found by its own text (the query's terms are among the document's terms and the substring check
//! holds).
#![no_main]

use libfuzzer_sys::fuzz_target;
use nintei_domain::search::{document_terms, matches, normalize, query_terms};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let n = normalize(&text);
    assert_eq!(normalize(&n), n, "normalization is idempotent");
    let doc = document_terms(&text);
    for t in query_terms(&text) {
        assert!(doc.contains(&t), "{t:?} of {text:?}");
    }
    assert!(matches(&text, &text));
});
