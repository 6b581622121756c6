use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{Duration, Utc};
use http::{Method, StatusCode};
use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use serde_json::json;
use shared::auth::{authenticate, AccessClaims, TokenKeys};
use shared::http::ApiRequest;
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

fn sign(claims: &AccessClaims, algorithm: Algorithm, key: &str) -> String {
    encode(
        &Header::new(algorithm),
        claims,
        &EncodingKey::from_secret(key.as_bytes()),
    )
    .unwrap()
}

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
    let wrong_key = sign(
        &good,
        Algorithm::HS256,
        "another-key-that-is-also-32-bytes-long",
    );
    assert_eq!(
        keys().verify_access(&wrong_key).unwrap_err().status(),
        StatusCode::UNAUTHORIZED
    );

    let wrong_alg = sign(&good, Algorithm::HS512, TEST_SIGNING_KEY);
    assert_eq!(
        keys().verify_access(&wrong_alg).unwrap_err().status(),
        StatusCode::UNAUTHORIZED
    );

    let token = sign(&good, Algorithm::HS256, TEST_SIGNING_KEY);
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
        let token = sign(&claims, Algorithm::HS256, TEST_SIGNING_KEY);
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
