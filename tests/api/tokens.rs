use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{Duration, Utc};
use http::{Method, StatusCode};
use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use serde_json::json;
use shared::auth::token_keys::{parse_signing_key, parse_verify_keys};
use shared::auth::{authenticate, AccessClaims, TokenKeys};
use shared::platform::http::ApiRequest;
use uuid::Uuid;

use crate::helpers::{test_config, TEST_SIGNING_KEY};

fn keys() -> TokenKeys {
    TokenKeys::new(&test_config("unused").tokens)
}

fn claims(user: Uuid) -> AccessClaims {
    let now = Utc::now().timestamp();
    AccessClaims {
        sub: user,
        iss: "eventhost".into(),
        aud: "eventhost-app".into(),
        typ: "access".into(),
        jti: Uuid::new_v4(),
        iat: now,
        exp: now + 600,
    }
}

/// Signs `claims` with the Ed25519 key `signing_key` (`<kid>:<seed>`), naming its kid.
fn sign(claims: &AccessClaims, signing_key: &str) -> String {
    let key = parse_signing_key(signing_key).unwrap();
    let mut header = Header::new(Algorithm::EdDSA);
    header.kid = Some(key.kid.clone());
    encode(&header, claims, &EncodingKey::from_ed_der(&key.pkcs8_der())).unwrap()
}

/// Another key under the test key's id: what an attacker without the real key could make.
const OTHER_KEY: &str = "test:ZWZnaGlqa2xtbm9wcXJzdHV2d3h5ent8fX5_gIGCg4Q";

fn request_with(token: &str) -> ApiRequest {
    let request = http::Request::builder()
        .method(Method::GET)
        .uri("/v1/me")
        .header("authorization", format!("Bearer {token}"))
        .body(lambda_http::Body::Empty)
        .unwrap();
    ApiRequest::from_lambda(request)
}

#[test]
fn a_token_we_issued_verifies_and_names_its_user() {
    let keys = keys();
    let user = Uuid::new_v4();
    let token = keys.issue_access(user, Utc::now()).unwrap();
    let caller = authenticate(&keys, &request_with(&token)).expect("valid token");
    assert_eq!(caller.user_id, user);
    let claims = keys.verify_access(&token).unwrap();
    assert_eq!(
        (
            claims.iss.as_str(),
            claims.aud.as_str(),
            claims.typ.as_str()
        ),
        ("eventhost", "eventhost-app", "access")
    );
    assert!(
        claims.exp - claims.iat <= 15 * 60,
        "access tokens live at most 15 minutes"
    );
}

#[test]
fn the_verifier_rejects_alg_none() {
    let header = URL_SAFE_NO_PAD.encode(json!({"alg": "none", "typ": "JWT"}).to_string());
    let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims(Uuid::new_v4())).unwrap());
    for token in [
        format!("{header}.{payload}."),
        format!("{header}.{payload}"),
    ] {
        let err = keys()
            .verify_access(&token)
            .expect_err("alg none must fail");
        assert_eq!(err.status(), StatusCode::UNAUTHORIZED);
    }
}

#[test]
fn the_verifier_rejects_a_wrong_key_a_wrong_algorithm_and_tampering() {
    let good = claims(Uuid::new_v4());
    let wrong_key = sign(&good, OTHER_KEY);
    assert_eq!(
        keys().verify_access(&wrong_key).unwrap_err().status(),
        StatusCode::UNAUTHORIZED
    );

    // Key confusion: HMAC keyed with the (public) verify key, under the right kid.
    let public = parse_signing_key(TEST_SIGNING_KEY)
        .unwrap()
        .verify_key()
        .public_key;
    let mut header = Header::new(Algorithm::HS256);
    header.kid = Some("test".into());
    let confused = encode(&header, &good, &EncodingKey::from_secret(&public)).unwrap();
    assert_eq!(
        keys().verify_access(&confused).unwrap_err().status(),
        StatusCode::UNAUTHORIZED
    );

    let token = sign(&good, TEST_SIGNING_KEY);
    assert!(
        keys().verify_access(&token).is_ok(),
        "control: the untampered token verifies"
    );
    let (head, rest) = token.split_once('.').unwrap();
    let (_, signature) = rest.split_once('.').unwrap();
    let mut forged = good.clone();
    forged.sub = Uuid::new_v4();
    let forged_payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&forged).unwrap());
    let tampered = format!("{head}.{forged_payload}.{signature}");
    assert_eq!(
        keys().verify_access(&tampered).unwrap_err().status(),
        StatusCode::UNAUTHORIZED
    );
}

/// Token settings of a function that verifies with `verify_keys` and signs with `signing`.
fn settings(signing: Option<&str>, verify_keys: &str) -> shared::platform::config::TokenSettings {
    let mut tokens = test_config("unused").tokens;
    tokens.signing_key = signing.map(|key| parse_signing_key(key).unwrap());
    tokens.verify_keys = parse_verify_keys(verify_keys).unwrap();
    if let Some(own) = tokens.signing_key.as_ref().map(|k| k.verify_key()) {
        if !tokens.verify_keys.contains(&own) {
            tokens.verify_keys.push(own);
        }
    }
    tokens
}

fn public_entry(signing_key: &str) -> String {
    let key = parse_signing_key(signing_key).unwrap().verify_key();
    format!("{}:{}", key.kid, URL_SAFE_NO_PAD.encode(key.public_key))
}

#[test]
fn only_auth_can_mint_a_token_and_every_function_verifies_it() {
    let auth = TokenKeys::new(&settings(Some(TEST_SIGNING_KEY), ""));
    let events = TokenKeys::new(&settings(None, &public_entry(TEST_SIGNING_KEY)));
    let user = Uuid::new_v4();
    let token = auth.issue_access(user, Utc::now()).unwrap();
    assert_eq!(events.verify_access(&token).unwrap().sub, user);
    assert!(
        events.issue_access(user, Utc::now()).is_err(),
        "a function with only the public key cannot mint a token"
    );
}

#[test]
fn during_a_rotation_both_keys_verify_and_afterwards_only_the_new_one() {
    const NEW_KEY: &str = "k2:ZWZnaGlqa2xtbm9wcXJzdHV2d3h5ent8fX5_gIGCg4Q";
    let old_token = TokenKeys::new(&settings(Some(TEST_SIGNING_KEY), ""))
        .issue_access(Uuid::new_v4(), Utc::now())
        .unwrap();
    // auth now signs with the new key; the old public key is still listed.
    let rotating = TokenKeys::new(&settings(Some(NEW_KEY), &public_entry(TEST_SIGNING_KEY)));
    let new_token = rotating.issue_access(Uuid::new_v4(), Utc::now()).unwrap();
    let header = jsonwebtoken::decode_header(&new_token).unwrap();
    assert_eq!(header.kid.as_deref(), Some("k2"));
    assert!(
        rotating.verify_access(&old_token).is_ok(),
        "old tokens live out their 15 minutes"
    );
    assert!(rotating.verify_access(&new_token).is_ok());
    // The old key is dropped once its tokens have expired.
    let after = TokenKeys::new(&settings(None, &public_entry(NEW_KEY)));
    assert!(after.verify_access(&new_token).is_ok());
    assert_eq!(
        after.verify_access(&old_token).unwrap_err().status(),
        StatusCode::UNAUTHORIZED
    );
    // A token without a kid, or with one nobody lists, is refused.
    let mut claims = claims(Uuid::new_v4());
    claims.aud = "eventhost-app".into();
    let key = parse_signing_key(NEW_KEY).unwrap();
    let no_kid = encode(
        &Header::new(Algorithm::EdDSA),
        &claims,
        &EncodingKey::from_ed_der(&key.pkcs8_der()),
    )
    .unwrap();
    assert!(after.verify_access(&no_kid).is_err());
}

#[test]
fn the_verifier_rejects_wrong_audience_issuer_type_and_expiry() {
    let base = claims(Uuid::new_v4());
    let mut cases = Vec::new();
    let mut c = base.clone();
    c.aud = "another-app".into();
    cases.push(("audience", c));
    let mut c = base.clone();
    c.iss = "someone-else".into();
    cases.push(("issuer", c));
    let mut c = base.clone();
    c.typ = "refresh".into();
    cases.push(("type", c));
    let mut c = base.clone();
    c.exp = (Utc::now() - Duration::minutes(5)).timestamp();
    c.iat = c.exp - 600;
    cases.push(("expiry", c));
    for (what, claims) in cases {
        let token = sign(&claims, TEST_SIGNING_KEY);
        let err = keys().verify_access(&token).expect_err(what);
        assert_eq!(err.status(), StatusCode::UNAUTHORIZED, "{what}");
    }
    let expired = keys()
        .issue_access(Uuid::new_v4(), Utc::now() - Duration::hours(1))
        .unwrap();
    assert!(
        keys().verify_access(&expired).is_err(),
        "a token issued an hour ago has expired"
    );
}

#[test]
fn a_missing_or_non_bearer_authorization_is_401() {
    let request = http::Request::builder()
        .uri("/v1/me")
        .header("authorization", "Basic dXNlcjpwYXNz")
        .body(lambda_http::Body::Empty)
        .unwrap();
    let err = authenticate(&keys(), &ApiRequest::from_lambda(request)).unwrap_err();
    assert_eq!(err.status(), StatusCode::UNAUTHORIZED);
    let request = http::Request::builder()
        .uri("/v1/me")
        .body(lambda_http::Body::Empty)
        .unwrap();
    let err = authenticate(&keys(), &ApiRequest::from_lambda(request)).unwrap_err();
    assert_eq!(err.status(), StatusCode::UNAUTHORIZED);
}
