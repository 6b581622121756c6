//! Tickets: the code in the QR is `EH1.<attendee uuid>.<secret>`, where the 128-bit secret is
//! HMAC-SHA256(ticket key, attendee uuid ‖ salt). The database keeps only the salt and a SHA-256
//! of the secret, so a leaked dump can neither forge nor redeem a ticket, while the owner can
//! fetch the same code again at any time.

use super::store;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use rand::RngCore;
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use uuid::Uuid;

use crate::platform::db::CachedStatements;
use crate::platform::error::ApiError;

const PREFIX: &str = "EH1";
/// What an issued code looks like: `EH1.<attendee uuid, 32 hex>.<16 bytes, base64url>` (the
/// schema's `pattern`; the last character carries 2 bits, so it is one of A, Q, g, w).
pub const TICKET_CODE_PATTERN: &str = r"^EH1\.[0-9a-f]{32}\.[A-Za-z0-9_-]{21}[AQgw]$";

/// A code as scanned at the door, described by the pattern of an issued code. Reading it takes
/// any text: whether it is a ticket is `parse`'s to say, answered with `invalid_ticket_code`.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(transparent)]
pub struct ScannedCode(pub String);

impl utoipa::PartialSchema for ScannedCode {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        crate::platform::http::request_body::string_schema(Some(TICKET_CODE_PATTERN), None, None)
    }
}

impl utoipa::ToSchema for ScannedCode {}

fn secret(key: &SecretString, attendee: Uuid, salt: &[u8]) -> [u8; 16] {
    let mut mac = Hmac::<Sha256>::new_from_slice(key.expose_secret().as_bytes())
        .expect("HMAC takes any key length");
    mac.update(attendee.as_bytes());
    mac.update(salt);
    let full = mac.finalize().into_bytes();
    let mut out = [0u8; 16];
    out.copy_from_slice(&full[..16]);
    out
}

/// The code of a ticket.
pub fn code(key: &SecretString, attendee: Uuid, salt_b64: &str) -> String {
    let salt = URL_SAFE_NO_PAD.decode(salt_b64).unwrap_or_default();
    format!(
        "{PREFIX}.{}.{}",
        attendee.simple(),
        URL_SAFE_NO_PAD.encode(secret(key, attendee, &salt))
    )
}

/// Splits a scanned code into the attendee and the presented secret; `None` if malformed.
pub fn parse(code: &str) -> Option<(Uuid, Vec<u8>)> {
    let mut parts = code.trim().split('.');
    let (prefix, attendee, presented) = (parts.next()?, parts.next()?, parts.next()?);
    if prefix != PREFIX || parts.next().is_some() {
        return None;
    }
    let attendee = Uuid::try_parse(attendee).ok()?;
    let presented = URL_SAFE_NO_PAD
        .decode(presented)
        .ok()
        .filter(|s| s.len() == 16)?;
    Some((attendee, presented))
}

/// Whether `presented` is the secret of this attendee's ticket (constant-time comparisons).
pub fn verify(
    key: &SecretString,
    attendee: Uuid,
    salt_b64: &str,
    hash_b64: &str,
    presented: &[u8],
) -> bool {
    let Ok(salt) = URL_SAFE_NO_PAD.decode(salt_b64) else {
        return false;
    };
    let Ok(stored_hash) = URL_SAFE_NO_PAD.decode(hash_b64) else {
        return false;
    };
    let expected = secret(key, attendee, &salt);
    let presented_hash = Sha256::digest(presented);
    bool::from(expected.ct_eq(presented))
        && bool::from(presented_hash.as_slice().ct_eq(&stored_hash))
}

/// A new ticket's stored half: (hash of the secret, salt), both base64url.
pub fn new_secret(key: &SecretString, attendee: Uuid) -> (String, String) {
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let hash = Sha256::digest(secret(key, attendee, &salt));
    (URL_SAFE_NO_PAD.encode(hash), URL_SAFE_NO_PAD.encode(salt))
}

/// Issues the ticket of a new attendee inside the caller's transaction.
pub async fn issue(
    tx: &impl CachedStatements,
    key: &SecretString,
    attendee: Uuid,
) -> Result<(), ApiError> {
    let (hash, salt) = new_secret(key, attendee);
    tx.execute(store::INSERT_TICKET_SECRET, &[&attendee, &hash, &salt])
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platform::http::request_body::matches_pattern as matches;

    #[test]
    fn a_code_verifies_against_its_salt_and_hash_only_with_the_key() {
        let key = SecretString::from("ticket-key");
        let attendee = Uuid::new_v4();
        let salt = URL_SAFE_NO_PAD.encode([7u8; 16]);
        let code = code(&key, attendee, &salt);
        let (parsed, presented) = parse(&code).unwrap();
        assert_eq!(parsed, attendee);
        let hash = URL_SAFE_NO_PAD.encode(Sha256::digest(&presented));
        assert!(verify(&key, attendee, &salt, &hash, &presented));
        assert!(!verify(
            &SecretString::from("other"),
            attendee,
            &salt,
            &hash,
            &presented
        ));
        assert!(!verify(&key, Uuid::new_v4(), &salt, &hash, &presented));
        assert!(parse("EH1.nope.x").is_none() && parse("garbage").is_none());
    }

    #[test]
    fn issued_ticket_codes_match_the_pattern_and_parse() {
        let key = secrecy::SecretString::from("ticket-key".to_owned());
        for _ in 0..50 {
            let attendee = uuid::Uuid::new_v4();
            let code = code(&key, attendee, "c2FsdA");
            assert!(matches(TICKET_CODE_PATTERN, &code), "{code}");
            assert_eq!(parse(&code).map(|(a, _)| a), Some(attendee));
        }
        let shaped = format!(
            "EH1.{}.AAAAAAAAAAAAAAAAAAAAAw",
            uuid::Uuid::new_v4().simple()
        );
        assert!(matches(TICKET_CODE_PATTERN, &shaped));
        assert!(parse(&shaped).is_some());
    }
}
