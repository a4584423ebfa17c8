//! Password hashing (argon2id), random secrets, TOTP (RFC 6238) and constant-time comparison.

use argon2::password_hash::rand_core::{OsRng, RngCore};
use argon2::password_hash::{PasswordHash, PasswordHasher, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use hmac::{Hmac, Mac};

/// argon2id with OWASP's second recommended setting (19 MiB, 2 passes); cheap enough for 2 cores.
fn argon2() -> Argon2<'static> {
    // (memory in KiB, passes): OWASP's argon2id minimum, or the smallest for the integration suite.
    let (memory, passes) = if TEST_COST.load(std::sync::atomic::Ordering::Relaxed) {
        (64, 1)
    } else {
        (19 * 1024, 2)
    };
    let params = Params::new(memory, passes, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Set only by the integration suite ([`use_test_cost`]): no configuration or environment reaches it.
static TEST_COST: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// For the integration suite, which creates accounts and signs in thousands of times: new hashes use argon2id at
/// its smallest cost (64 KiB, 1 pass) instead of OWASP's. The same code runs; a hash carries its parameters, so
/// verification follows what each stored hash says. Never called by the server.
#[doc(hidden)]
pub fn use_test_cost() {
    TEST_COST.store(true, std::sync::atomic::Ordering::Relaxed);
}

pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    let hash = argon2()
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| anyhow::anyhow!("hashing failed: {e}"))?;
    Ok(hash.to_string())
}

thread_local! {
    /// This thread's argon2 memory (19 MiB), kept between hashes. Hashes run on a few fixed threads
    /// (`hashing`), so sign-in memory stays at one block set per thread; freed and reallocated each time it
    /// piled up in the allocator's per-thread arenas instead.
    static BLOCKS: std::cell::RefCell<Vec<argon2::Block>> = const { std::cell::RefCell::new(Vec::new()) };
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    let (Some(expected), Some(salt)) = (parsed.hash, parsed.salt) else {
        return false;
    };
    let (Ok(params), Ok(algorithm)) = (Params::try_from(&parsed), Algorithm::try_from(parsed.algorithm))
    else {
        return false;
    };
    let version = match parsed.version.map(Version::try_from) {
        None => Version::V0x13,
        Some(Ok(v)) => v,
        Some(Err(_)) => return false,
    };
    let mut salt_buf = [0_u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_buf) else {
        return false;
    };
    let mut out = vec![0_u8; expected.len()];
    let blocks = params.block_count();
    let computed = BLOCKS.with(|cell| {
        let hasher = Argon2::new(algorithm, version, params);
        match cell.try_borrow_mut() {
            Ok(mut memory) => {
                memory.resize(blocks, argon2::Block::default());
                hasher.hash_password_into_with_memory(password.as_bytes(), salt, &mut out, &mut memory[..])
            }
            Err(_) => hasher.hash_password_into(password.as_bytes(), salt, &mut out),
        }
    });
    computed.is_ok() && constant_time_eq_bytes(&out, expected.as_bytes())
}

fn constant_time_eq_bytes(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0_u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A fixed hash to verify against when the e-mail is unknown, so both cases take the same time.
pub fn dummy_hash() -> &'static str {
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$wJ3oqzHQd3T9rsW8g2dcpPPiNA3dJ7gs8y3e9e3cJ1Y"
}

/// `n` random bytes as URL-safe base64 without padding.
pub fn random_token(n: usize) -> String {
    let mut buf = vec![0_u8; n];
    OsRng.fill_bytes(&mut buf);
    data_encoding::BASE64URL_NOPAD.encode(&buf)
}

pub fn constant_time_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0_u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A new TOTP secret: 20 random bytes in base32 (what authenticator apps expect).
pub fn new_totp_secret() -> String {
    let mut buf = [0_u8; 20];
    OsRng.fill_bytes(&mut buf);
    data_encoding::BASE32_NOPAD.encode(&buf)
}

pub const TOTP_STEP: i64 = 30;

/// The 6-digit code of RFC 6238 (HMAC-SHA1, 30 s steps) for `step`.
pub fn totp_code(secret_b32: &str, step: i64) -> Option<String> {
    let key = data_encoding::BASE32_NOPAD
        .decode(secret_b32.trim_end_matches('=').as_bytes())
        .ok()?;
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(&key).ok()?;
    mac.update(&step.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = usize::from(digest.last()? & 0x0f);
    let slice = digest.get(offset..offset + 4)?;
    let bin = u32::from_be_bytes([slice[0] & 0x7f, slice[1], slice[2], slice[3]]);
    Some(format!("{:06}", bin % 1_000_000))
}

/// Checks `code` against the steps around `now` (±1 step of clock drift); returns the matching step.
pub fn totp_verify(secret_b32: &str, code: &str, now: i64) -> Option<i64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 {
        return None;
    }
    let current = now.div_euclid(TOTP_STEP);
    (current - 1..=current + 1)
        .find(|s| totp_code(secret_b32, *s).is_some_and(|c| constant_time_eq(&c, &code)))
}

/// The `otpauth://` URI an authenticator app scans or accepts pasted.
pub fn totp_uri(issuer: &str, account: &str, secret_b32: &str) -> String {
    fn enc(s: &str) -> String {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'@' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect()
    }
    format!(
        "otpauth://totp/{}:{}?secret={}&issuer={}&algorithm=SHA1&digits=6&period=30",
        enc(issuer),
        enc(account),
        secret_b32,
        enc(issuer)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc6238_test_vector() {
        // RFC 6238 appendix B, SHA-1 key "12345678901234567890", T = 59 s → 94287082 (8 digits) → 287082.
        let secret = data_encoding::BASE32_NOPAD.encode(b"12345678901234567890");
        assert_eq!(totp_code(&secret, 59 / 30).as_deref(), Some("287082"));
        assert_eq!(totp_code(&secret, 1_111_111_109 / 30).as_deref(), Some("081804"));
        assert_eq!(totp_verify(&secret, "287 082", 59), Some(1));
        assert_eq!(totp_verify(&secret, "287082", 59 + 120), None);
    }

    #[test]
    fn password_hash_round_trip() {
        let h = hash_password("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(verify_password("correct horse battery", &h));
        assert!(!verify_password("wrong horse battery", &h));
        assert!(!verify_password("x", dummy_hash()));
    }
}
