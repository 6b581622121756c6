//! Razorpay's signatures: hex HMAC-SHA256, compared in constant time.

use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretString};
use sha2::Sha256;

fn mac(secret: &SecretString) -> Hmac<Sha256> {
    Hmac::<Sha256>::new_from_slice(secret.expose_secret().as_bytes())
        .expect("HMAC takes any key length")
}

/// `hex(HMAC_SHA256(key_secret, order_id + "|" + payment_id))`, what checkout returns.
pub fn payment_signature(key_secret: &SecretString, order_id: &str, payment_id: &str) -> String {
    let mut mac = mac(key_secret);
    mac.update(order_id.as_bytes());
    mac.update(b"|");
    mac.update(payment_id.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// Whether a checkout signature is right (constant time).
pub fn verify_payment(
    key_secret: &SecretString,
    order_id: &str,
    payment_id: &str,
    signature: &str,
) -> bool {
    let Ok(presented) = hex::decode(signature.trim()) else {
        return false;
    };
    let mut mac = mac(key_secret);
    mac.update(order_id.as_bytes());
    mac.update(b"|");
    mac.update(payment_id.as_bytes());
    mac.verify_slice(&presented).is_ok()
}

/// Whether a webhook's `X-Razorpay-Signature` matches its raw body (constant time).
pub fn verify_webhook(webhook_secret: &SecretString, body: &[u8], signature: &str) -> bool {
    let Ok(presented) = hex::decode(signature.trim()) else {
        return false;
    };
    let mut mac = mac(webhook_secret);
    mac.update(body);
    mac.verify_slice(&presented).is_ok()
}

/// Signs a webhook body (the sandbox and tests use it).
pub fn webhook_signature(webhook_secret: &SecretString, body: &[u8]) -> String {
    let mut mac = mac(webhook_secret);
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}
