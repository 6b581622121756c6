//! Routing is complete and consistent: API.md's table, every function's route table, the
//! `cargo lambda watch` router in Cargo.toml and the HttpApi events of template.yaml name the
//! same routes, each mapped to the same function.

use std::collections::BTreeSet;

use serde_norway::Value;

use crate::helpers::{routers, watch_router};

/// The route table of ../shared/API.md: (function, method, path).
const API_ROUTES: &[(&str, &str, &str)] = &[
    ("auth", "POST", "/v1/auth/otp"),
    ("auth", "POST", "/v1/auth/otp/verify"),
    ("auth", "POST", "/v1/auth/refresh"),
    ("auth", "POST", "/v1/auth/logout"),
    // Not in API.md's table: the OpenAPI document itself (issue 9).
    ("auth", "GET", "/v1/openapi.json"),
    ("profile", "GET", "/v1/me"),
    ("profile", "PATCH", "/v1/me"),
    ("profile", "DELETE", "/v1/me"),
    ("profile", "PUT", "/v1/me/interests"),
    ("profile", "GET", "/v1/users/{user_id}"),
    ("profile", "GET", "/v1/interests"),
    ("profile", "POST", "/v1/uploads"),
    ("events", "POST", "/v1/events"),
    ("events", "GET", "/v1/events"),
    ("events", "GET", "/v1/events/{event_id}"),
    ("events", "PATCH", "/v1/events/{event_id}"),
    ("events", "POST", "/v1/events/{event_id}/publish"),
    ("events", "POST", "/v1/events/{event_id}/unpublish"),
    ("events", "POST", "/v1/events/{event_id}/cancel"),
    ("events", "POST", "/v1/events/{event_id}/images"),
    ("events", "PUT", "/v1/events/{event_id}/images"),
    (
        "events",
        "DELETE",
        "/v1/events/{event_id}/images/{image_id}",
    ),
    ("events", "GET", "/v1/events/{event_id}/calendar.ics"),
    ("events", "POST", "/v1/events/{event_id}/cohosts"),
    (
        "events",
        "DELETE",
        "/v1/events/{event_id}/cohosts/{user_id}",
    ),
    ("events", "GET", "/v1/me/events"),
    ("events", "GET", "/v1/venues"),
    ("events", "POST", "/v1/venues"),
    ("attendance", "POST", "/v1/events/{event_id}/requests"),
    ("attendance", "GET", "/v1/events/{event_id}/requests"),
    ("attendance", "POST", "/v1/requests/{request_id}/accept"),
    ("attendance", "POST", "/v1/requests/{request_id}/decline"),
    ("attendance", "POST", "/v1/requests/{request_id}/cancel"),
    ("attendance", "GET", "/v1/me/requests"),
    ("attendance", "GET", "/v1/me/invites"),
    ("attendance", "GET", "/v1/me/tickets"),
    ("attendance", "POST", "/v1/events/{event_id}/invites"),
    ("attendance", "POST", "/v1/invites/{invite_id}/accept"),
    ("attendance", "POST", "/v1/invites/{invite_id}/decline"),
    ("attendance", "GET", "/v1/events/{event_id}/attendees"),
    ("attendance", "GET", "/v1/tickets/{attendee_id}"),
    ("attendance", "POST", "/v1/events/{event_id}/check-ins"),
    ("attendance", "POST", "/v1/attendees/{attendee_id}/cancel"),
    ("payments", "POST", "/v1/payments/orders"),
    ("payments", "GET", "/v1/payments/orders/{order_id}"),
    ("payments", "GET", "/v1/me/orders"),
    ("payments", "POST", "/v1/payments/orders/{order_id}/verify"),
    ("payments", "POST", "/v1/payments/orders/{order_id}/refund"),
    ("payments", "POST", "/v1/payments/webhooks/razorpay"),
    (
        "payments",
        "POST",
        "/v1/payments/sandbox/orders/{order_id}/pay",
    ),
    ("notifications", "GET", "/v1/me/notifications"),
    (
        "notifications",
        "POST",
        "/v1/me/notifications/{notification_id}/read",
    ),
    ("notifications", "POST", "/v1/me/notifications/read-all"),
];

type Route = (String, String, String);

fn api_routes() -> BTreeSet<Route> {
    API_ROUTES
        .iter()
        .map(|(f, m, p)| (f.to_string(), m.to_string(), p.to_string()))
        .collect()
}

fn function_routes() -> BTreeSet<Route> {
    routers()
        .iter()
        .flat_map(|(function, router)| {
            router.routes().into_iter().map(move |(method, path)| {
                (function.to_string(), method.to_string(), path.to_owned())
            })
        })
        .collect()
}

/// (function, method, path) of every HttpApi event in template.yaml, with duplicates kept.
fn template_routes() -> Vec<Route> {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../template.yaml")).unwrap();
    let template: Value = serde_norway::from_str(&text).expect("template.yaml parses");
    let mut routes = Vec::new();
    for (_, resource) in template["Resources"].as_mapping().unwrap() {
        if resource["Type"].as_str() != Some("AWS::Serverless::Function") {
            continue;
        }
        let binary = resource["Metadata"]["BuildProperties"]["Binary"]
            .as_str()
            .expect("every function names its binary")
            .to_owned();
        let Some(events) = resource["Properties"]["Events"].as_mapping() else {
            continue;
        };
        for (_, event) in events {
            if event["Type"].as_str() == Some("HttpApi") {
                let props = &event["Properties"];
                routes.push((
                    binary.clone(),
                    props["Method"].as_str().unwrap().to_uppercase(),
                    props["Path"].as_str().unwrap().to_owned(),
                ));
            }
        }
    }
    routes
}

#[test]
fn every_api_md_route_is_served_by_its_function_and_nothing_else_is() {
    assert_eq!(function_routes(), api_routes());
}

#[test]
fn template_yaml_has_every_route_exactly_once_on_the_right_function() {
    let routes = template_routes();
    let unique: BTreeSet<Route> = routes.iter().cloned().collect();
    assert_eq!(
        unique.len(),
        routes.len(),
        "a route appears twice in template.yaml"
    );
    assert_eq!(unique, api_routes());
}

#[test]
fn the_watch_router_sends_every_path_to_the_function_template_yaml_names() {
    let watch: BTreeSet<(String, String)> = watch_router()
        .iter()
        .map(|(path, function)| (function.clone(), path.clone()))
        .collect();
    let template: BTreeSet<(String, String)> = template_routes()
        .into_iter()
        .map(|(f, _, p)| (f, p))
        .collect();
    assert_eq!(watch, template);
}

#[test]
fn every_function_binary_exists_in_template_yaml() {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../template.yaml")).unwrap();
    let template: Value = serde_norway::from_str(&text).unwrap();
    let binaries: BTreeSet<String> = template["Resources"]
        .as_mapping()
        .unwrap()
        .values()
        .filter(|r| r["Type"].as_str() == Some("AWS::Serverless::Function"))
        .map(|r| {
            r["Metadata"]["BuildProperties"]["Binary"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    let expected: BTreeSet<String> = [
        "auth",
        "profile",
        "events",
        "attendance",
        "payments",
        "notifications",
        "reservation-expiry",
        "notification-worker",
        "migrate",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    assert_eq!(binaries, expected);
    for resource in template["Resources"].as_mapping().unwrap().values() {
        if resource["Type"].as_str() == Some("AWS::Serverless::Function") {
            assert_eq!(
                resource["Metadata"]["BuildMethod"].as_str(),
                Some("rust-cargolambda")
            );
        }
    }
    assert_eq!(
        template["Globals"]["Function"]["Runtime"].as_str(),
        Some("provided.al2023")
    );
}

#[test]
fn deployed_functions_take_real_payments_never_the_sandbox() {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../template.yaml")).unwrap();
    let template: Value = serde_norway::from_str(&text).unwrap();
    // Functions that take no money hold no provider keys; the two that do take real payments.
    let env = &template["Globals"]["Function"]["Environment"]["Variables"];
    assert_eq!(env["PAYMENT_PROVIDER"].as_str(), Some("none"));
    for (id, resource) in template["Resources"].as_mapping().unwrap() {
        let provider =
            resource["Properties"]["Environment"]["Variables"]["PAYMENT_PROVIDER"].as_str();
        let takes_money =
            ["PaymentsFunction", "ReservationExpiryFunction"].contains(&id.as_str().unwrap());
        assert_eq!(
            provider,
            takes_money.then_some("razorpay"),
            "{}",
            id.as_str().unwrap()
        );
    }
    // Every key razorpay mode needs is in a secret the functions read at init.
    let mut keys = std::collections::BTreeSet::new();
    for id in ["AppSecret", "TicketSigningSecret", "TokenSigningSecret"] {
        let properties = &template["Resources"][id]["Properties"];
        let generate = &properties["GenerateSecretString"];
        if let Some(generated) = generate["GenerateStringKey"].as_str() {
            keys.insert(generated.to_owned());
        }
        let fixed = properties["SecretString"]
            .as_str()
            .or(generate["SecretStringTemplate"].as_str())
            .unwrap();
        let fixed: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(fixed).unwrap();
        keys.extend(fixed.keys().cloned());
    }
    for key in [
        "TOKEN_SIGNING_KEY",
        "TICKET_SIGNING_KEY",
        "RAZORPAY_KEY_ID",
        "RAZORPAY_KEY_SECRET",
        "RAZORPAY_WEBHOOK_SECRET",
    ] {
        assert!(keys.contains(key), "{key} is in no secret");
    }
}

#[test]
fn cargo_toml_and_template_yaml_carry_the_routes_the_route_table_writes() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    for (file, generate) in [
        (
            "Cargo.toml",
            shared::contract::routes::cargo_toml_with_routes as fn(&str) -> Result<String, String>,
        ),
        (
            "template.yaml",
            shared::contract::routes::template_with_routes,
        ),
    ] {
        let committed = std::fs::read_to_string(format!("{root}/{file}")).unwrap();
        let written = generate(&committed).unwrap();
        assert!(
            written == committed,
            "{file} is stale: run `make routes` and commit it"
        );
    }
}
