//! Numbers typed in by people (registration numbers on the verification page, corporate numbers on forms):
//! parsing never panics, and what parses prints to a form that parses to the same value.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nintei_domain::org::CorporateNumber;
use nintei_domain::reg::dates::RegistrationNumber;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(n) = RegistrationNumber::parse(&text) {
        assert_eq!(RegistrationNumber::parse(&n.to_string()).ok(), Some(n));
    }
    if let Ok(c) = CorporateNumber::parse(&text) {
        assert_eq!(CorporateNumber::parse(c.as_str()).ok(), Some(c.clone()));
        assert_eq!(c.as_str().len(), 13);
    }
});
