//! One-time login codes: six digits from a CSPRNG, stored only as an Argon2id hash with its own
//! salt, hashed and checked off the async threads, compared in constant time.

use argon2::{Algorithm, Argon2, Params, Version};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use rand::{Rng, RngCore};
use secrecy::{ExposeSecret, SecretString};
use subtle::ConstantTimeEq;

/// What is stored for a code: the hash and the salt, both base64.
#[derive(Debug, Clone)]
pub struct HashedCode {
    /// Argon2id output (32 bytes), base64.
    pub hash: String,
    /// Random salt (16 bytes), base64.
    pub salt: String,
}

/// A fresh six-digit code from the thread CSPRNG (ChaCha, seeded by the OS).
pub fn generate() -> SecretString {
    SecretString::from(format!("{:06}", rand::rng().random_range(0..1_000_000u32)))
}

/// Whether `code` has the shape of a code (six ASCII digits).
pub fn is_well_formed(code: &str) -> bool {
    code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit())
}

/// A code as a client sends it: six digits, kept secret.
pub struct OtpCode(SecretString);

impl OtpCode {
    /// The code.
    pub fn secret(&self) -> &SecretString {
        &self.0
    }
}

impl std::fmt::Debug for OtpCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("OtpCode(…)")
    }
}

impl OtpCode {
    /// Reads a code as sent: six digits.
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        if is_well_formed(raw) {
            Ok(Self(raw.to_owned().into()))
        } else {
            Err("must be the 6 digits from the SMS")
        }
    }
}

crate::string_field!(
    OtpCode,
    OtpCode::parse,
    pattern: Some("^[0-9]{6}$"),
    format: None,
    example: Some("123456")
);

// OWASP's Argon2id minimum (19 MiB, 2 passes, 1 lane): enough to make a stolen table
// expensive to brute-force without making a Lambda invocation slow.
fn argon2() -> Argon2<'static> {
    let params =
        Params::new(19 * 1024, 2, 1, Some(32)).expect("static Argon2 parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

fn derive(code: &str, salt: &[u8]) -> anyhow::Result<[u8; 32]> {
    let mut out = [0u8; 32];
    argon2()
        .hash_password_into(code.as_bytes(), salt, &mut out)
        .map_err(|e| anyhow::anyhow!("argon2: {e}"))?;
    Ok(out)
}

/// Hashes a code with a new random salt, on a blocking thread.
pub async fn hash(code: &SecretString) -> anyhow::Result<HashedCode> {
    let code = code.clone();
    tokio::task::spawn_blocking(move || {
        let mut salt = [0u8; 16];
        rand::rng().fill_bytes(&mut salt);
        let hash = derive(code.expose_secret(), &salt)?;
        Ok(HashedCode {
            hash: STANDARD.encode(hash),
            salt: STANDARD.encode(salt),
        })
    })
    .await?
}

/// Whether `code` matches the stored hash; recomputed on a blocking thread, compared in
/// constant time.
pub async fn matches(code: &SecretString, stored: &HashedCode) -> anyhow::Result<bool> {
    let code = code.clone();
    let stored = stored.clone();
    tokio::task::spawn_blocking(move || {
        let salt = STANDARD.decode(&stored.salt)?;
        let expected = STANDARD.decode(&stored.hash)?;
        let actual = derive(code.expose_secret(), &salt)?;
        Ok(bool::from(actual.as_slice().ct_eq(expected.as_slice())))
    })
    .await?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_code_matches_its_own_hash_only() {
        let code = generate();
        assert!(is_well_formed(code.expose_secret()));
        let stored = hash(&code).await.unwrap();
        assert!(!stored.hash.contains(code.expose_secret()));
        assert!(matches(&code, &stored).await.unwrap());
        let other = SecretString::from(if code.expose_secret() == "000000" {
            "000001"
        } else {
            "000000"
        });
        assert!(!matches(&other, &stored).await.unwrap());
        let again = hash(&code).await.unwrap();
        assert_ne!(again.salt, stored.salt, "every hash has its own salt");
    }
}
