//! `make token-key [KID=…]`: a new Ed25519 key pair for access tokens. The signing key goes
//! into auth's secret (never anywhere else); the public key is added to the stack's
//! `TokenVerifyKeys` parameter. See the README's deploy guide for a rotation.

fn main() {
    let kid = std::env::args().nth(1).unwrap_or_else(days_since_epoch_kid);
    match shared::auth::token_keys::new_key_pair(&kid) {
        Ok((signing, public)) => {
            println!("TOKEN_SIGNING_KEY={signing}");
            println!("TOKEN_VERIFY_KEYS entry: {public}");
        }
        Err(reason) => {
            eprintln!("token-key: {reason}");
            std::process::exit(2);
        }
    }
}

/// A key id naming the day the key was made (`k20790`), so a rotation reads in order.
fn days_since_epoch_kid() -> String {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() / 86_400)
        .unwrap_or(0);
    format!("k{days}")
}
