//! Ed25519 keys of access tokens, with ids: `auth` alone holds a signing key
//! (`TOKEN_SIGNING_KEY`, `<kid>:<base64url 32-byte seed>`); every function verifies with the
//! public keys (`TOKEN_VERIFY_KEYS`, `<kid>:<base64url 32-byte public key>,…`), so none but
//! `auth` can mint a token. During a rotation two public keys are listed: tokens signed with
//! the old one verify until they expire (15 minutes), new ones carry the new `kid`.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use ed25519_dalek::SigningKey;
use rand::RngCore;
use secrecy::{ExposeSecret, SecretString};

/// A signing key as configured: its id and its seed (secret).
#[derive(Debug, Clone)]
pub struct SigningKeySetting {
    /// The key id tokens carry in their header (`kid`).
    pub kid: String,
    /// The base64url 32-byte Ed25519 seed.
    pub seed: SecretString,
}

/// A public key that verifies tokens, by id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyKey {
    /// The key id.
    pub kid: String,
    /// The 32-byte Ed25519 public key.
    pub public_key: [u8; 32],
}

fn valid_kid(kid: &str) -> bool {
    (1..=32).contains(&kid.len())
        && kid
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

fn bytes_32(text: &str) -> Option<[u8; 32]> {
    URL_SAFE_NO_PAD.decode(text.trim()).ok()?.try_into().ok()
}

/// Parses `<kid>:<base64url seed>`.
pub fn parse_signing_key(raw: &str) -> Result<SigningKeySetting, String> {
    let (kid, seed) = raw
        .split_once(':')
        .ok_or("must be <kid>:<base64url Ed25519 seed> (make token-key writes one)")?;
    if !valid_kid(kid) {
        return Err("the key id must be 1 to 32 letters, digits, - or _".into());
    }
    bytes_32(seed).ok_or("the seed must be 32 bytes, base64url without padding")?;
    Ok(SigningKeySetting {
        kid: kid.to_owned(),
        seed: SecretString::from(seed.trim().to_owned()),
    })
}

/// Parses `<kid>:<base64url public key>,…` (ids unique).
pub fn parse_verify_keys(raw: &str) -> Result<Vec<VerifyKey>, String> {
    let mut keys: Vec<VerifyKey> = Vec::new();
    for entry in raw.split(',').map(str::trim).filter(|e| !e.is_empty()) {
        let (kid, key) = entry
            .split_once(':')
            .ok_or("each entry must be <kid>:<base64url Ed25519 public key>")?;
        if !valid_kid(kid) {
            return Err(format!("{kid:?} is not a key id"));
        }
        let public_key =
            bytes_32(key).ok_or_else(|| format!("the key {kid} must be 32 bytes, base64url"))?;
        if keys.iter().any(|k| k.kid == kid) {
            return Err(format!("the key id {kid} is listed twice"));
        }
        keys.push(VerifyKey {
            kid: kid.to_owned(),
            public_key,
        });
    }
    Ok(keys)
}

impl SigningKeySetting {
    /// The 32-byte seed.
    pub fn seed_bytes(&self) -> [u8; 32] {
        bytes_32(self.seed.expose_secret()).expect("validated when configured")
    }

    /// The public key that verifies what this key signs.
    pub fn verify_key(&self) -> VerifyKey {
        VerifyKey {
            kid: self.kid.clone(),
            public_key: SigningKey::from_bytes(&self.seed_bytes())
                .verifying_key()
                .to_bytes(),
        }
    }

    /// The seed as PKCS#8 v1 DER, the form jsonwebtoken signs with (RFC 8410: a fixed
    /// 16-byte prefix, then the seed).
    pub fn pkcs8_der(&self) -> Vec<u8> {
        const PREFIX: [u8; 16] = [
            0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22,
            0x04, 0x20,
        ];
        let mut der = PREFIX.to_vec();
        der.extend_from_slice(&self.seed_bytes());
        der
    }
}

/// A new key pair as configuration lines: `TOKEN_SIGNING_KEY` (for auth's secret) and the
/// `TOKEN_VERIFY_KEYS` entry (public).
pub fn new_key_pair(kid: &str) -> Result<(String, String), String> {
    if !valid_kid(kid) {
        return Err("the key id must be 1 to 32 letters, digits, - or _".into());
    }
    let mut seed = [0u8; 32];
    rand::rng().fill_bytes(&mut seed);
    let signing = format!("{kid}:{}", URL_SAFE_NO_PAD.encode(seed));
    let public = parse_signing_key(&signing)?.verify_key();
    Ok((
        signing,
        format!("{kid}:{}", URL_SAFE_NO_PAD.encode(public.public_key)),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    // RFC 8032, test 1: the seed and its public key.
    const SEED: &str = "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A";
    const PUBLIC: &str = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo";

    #[test]
    fn a_seed_gives_the_rfc_8032_public_key() {
        let key = parse_signing_key(&format!("k1:{SEED}")).unwrap();
        assert_eq!(key.kid, "k1");
        assert_eq!(URL_SAFE_NO_PAD.encode(key.verify_key().public_key), PUBLIC);
        assert_eq!(key.pkcs8_der().len(), 48);
    }

    #[test]
    fn malformed_keys_are_refused_with_a_reason() {
        assert!(parse_signing_key(SEED).is_err(), "no kid");
        assert!(parse_signing_key("k1:c2hvcnQ").is_err(), "not 32 bytes");
        assert!(parse_signing_key(&format!("bad kid:{SEED}")).is_err());
        assert!(parse_verify_keys(&format!("k1:{PUBLIC},k1:{PUBLIC}")).is_err());
        assert_eq!(
            parse_verify_keys(&format!("k1:{PUBLIC}, k2:{PUBLIC}"))
                .unwrap()
                .len(),
            2
        );
    }

    #[test]
    fn a_new_pair_matches() {
        let (signing, public) = new_key_pair("2026-12").unwrap();
        let signing = parse_signing_key(&signing).unwrap();
        assert_eq!(
            parse_verify_keys(&public).unwrap(),
            vec![signing.verify_key()]
        );
    }
}
