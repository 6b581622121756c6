//! The advisories deny.toml ignores, each proven unreachable: RSA (RUSTSEC-2023-0071) never
//! runs because no token with another algorithm than EdDSA is looked at and no RSA key is
//! built; atomic-polyfill (RUSTSEC-2023-0089) is never compiled for the targets we ship.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use http::{Method, StatusCode};

use crate::helpers::spawn_app;

const DENY: &str = include_str!("../../../deny.toml");

#[tokio::test]
async fn a_token_claiming_rsa_is_refused_and_no_rsa_key_exists_in_the_code() {
    assert!(DENY.contains("RUSTSEC-2023-0071"));
    let app = spawn_app().await;
    let user = app.quick_user("+919800000001", None).await;
    let mut parts = user.access_token.split('.');
    let (_, claims) = (parts.next().unwrap(), parts.next().unwrap());
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"RS256","typ":"JWT"}"#);
    let forged = format!("{header}.{claims}.{}", URL_SAFE_NO_PAD.encode([7u8; 256]));
    let response = app
        .request(Method::GET, "/v1/me")
        .bearer(&forged)
        .send()
        .await;
    response.assert_problem(StatusCode::UNAUTHORIZED, "unauthorized");

    let token_code = include_str!("../../../shared/src/auth/token.rs");
    assert!(
        token_code.contains("validation.algorithms = vec![Algorithm::EdDSA]"),
        "only EdDSA is accepted"
    );
    for source in [token_code, include_str!("../../../shared/src/auth/mod.rs")] {
        assert!(
            !source.contains("from_rsa") && !source.contains("RS256"),
            "no RSA key is ever built"
        );
    }
}

#[test]
fn atomic_polyfill_is_never_compiled_for_the_targets_we_ship() {
    assert!(DENY.contains("RUSTSEC-2023-0089"));
    let workspace = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    for target in ["x86_64-unknown-linux-gnu", "aarch64-unknown-linux-gnu"] {
        let output = std::process::Command::new(env!("CARGO"))
            .args([
                "tree",
                "-i",
                "atomic-polyfill",
                "-e",
                "normal,build",
                "--target",
                target,
            ])
            .current_dir(workspace)
            .output()
            .expect("cargo tree runs");
        assert!(output.status.success(), "{output:?}");
        assert!(
            output.stdout.is_empty(),
            "atomic-polyfill is compiled for {target}: {}",
            String::from_utf8_lossy(&output.stdout)
        );
        assert!(String::from_utf8_lossy(&output.stderr).contains("nothing to print"));
    }
}
