//! Test harness: a fresh, migrated database per test, the state every function builds at init,
//! and in-process calls to any function's handler with a built API Gateway request, routed by
//! the same table `cargo lambda watch` uses.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use tokio_postgres::types::{FromSql, ToSql};

use http::{HeaderMap, Method, StatusCode};
use lambda_http::aws_lambda_events::apigw::{
    ApiGatewayV2httpRequestContext, ApiGatewayV2httpRequestContextHttpDescription,
};
use lambda_http::request::RequestContext;
use lambda_http::{Body, RequestExt};
use serde_json::{json, Value};
use shared::domain::PhoneNumber;
use shared::platform::aws::sns::{SmsPurpose, SmsSender};
use shared::platform::aws::BoxFuture;
use shared::platform::config::Config;
use shared::platform::http::{ApiRequest, Router};
use shared::AppState;
use uuid::Uuid;

/// The admin URL of the test Postgres server (`make test` sets it).
pub fn admin_url() -> String {
    std::env::var("TEST_DATABASE_ADMIN_URL")
        .unwrap_or_else(|_| "postgres://postgres:postgres@127.0.0.1:5432/postgres".into())
}

/// The moto endpoint (`make test` starts it).
pub fn aws_endpoint() -> String {
    std::env::var("TEST_AWS_ENDPOINT_URL").unwrap_or_else(|_| "http://127.0.0.1:4566".into())
}

/// The access-token signing key every test app uses (`<kid>:<base64url Ed25519 seed>`).
pub const TEST_SIGNING_KEY: &str = "test:AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA";

/// Configuration for a test app on `database`.
pub fn test_config(database: &str) -> Config {
    static CREDENTIALS: std::sync::Once = std::sync::Once::new();
    // moto accepts any credentials; the SDK needs some to sign (SQS, SNS, S3 presigning).
    CREDENTIALS.call_once(|| {
        // reqwest (tests' HTTP client) uses rustls without a built-in crypto provider.
        let _ = rustls::crypto::ring::default_provider().install_default();
        std::env::set_var("AWS_ACCESS_KEY_ID", "test");
        std::env::set_var("AWS_SECRET_ACCESS_KEY", "test");
    });
    let mut url = url_for(database);
    url.push_str("?connect_timeout=5");
    let vars: HashMap<&str, String> = HashMap::from([
        ("DATABASE_URL", url),
        ("DATABASE_TLS", "disable".into()),
        ("DATABASE_POOL_SIZE", "4".into()),
        ("TOKEN_SIGNING_KEY", TEST_SIGNING_KEY.into()),
        ("AWS_ENDPOINT_URL", aws_endpoint()),
        ("AWS_REGION", "ap-south-1".into()),
    ]);
    Config::from_lookup(|name| vars.get(name).cloned()).expect("test config is complete")
}

fn url_for(database: &str) -> String {
    let admin = admin_url();
    let base = admin
        .rsplit_once('/')
        .map(|(base, _)| base)
        .unwrap_or(&admin);
    format!("{base}/{database}")
}

/// Log lines of this whole test binary, as JSON lines (one global subscriber: scoped ones are
/// unreliable when tests run in parallel).
pub fn captured_logs() -> String {
    String::from_utf8_lossy(&log_buffer().lock().unwrap()).into_owned()
}

fn log_buffer() -> &'static Arc<Mutex<Vec<u8>>> {
    static BUFFER: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    BUFFER.get_or_init(|| {
        let buffer = Arc::new(Mutex::new(Vec::new()));
        let writer = LogWriter(buffer.clone());
        tracing::subscriber::set_global_default(shared::platform::telemetry::subscriber(
            shared::platform::telemetry::LogFormat::Json,
            "debug",
            writer,
        ))
        .expect("the test binary installs one global subscriber");
        buffer
    })
}

/// Installs the capturing subscriber (idempotent).
pub fn capture_logs() {
    log_buffer();
}

#[derive(Clone)]
struct LogWriter(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for LogWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for LogWriter {
    type Writer = LogWriter;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

/// Opens a plain connection (for setup and assertions outside the app's pool).
pub async fn connect(database: &str) -> tokio_postgres::Client {
    let (client, connection) = tokio_postgres::connect(&url_for(database), tokio_postgres::NoTls)
        .await
        .unwrap_or_else(|e| {
            panic!("connecting to {database}: {e} (is Postgres running? `make test` starts it)")
        });
    tokio::spawn(connection);
    client
}

/// Creates an empty database with a unique name.
pub async fn create_empty_database() -> String {
    let name = format!("test_{}", Uuid::new_v4().simple());
    connect("postgres")
        .await
        .batch_execute(&format!("CREATE DATABASE \"{name}\""))
        .await
        .expect("creating the test database");
    name
}

/// An SMS sender that records messages instead of sending them (and can be told to fail).
#[derive(Default)]
pub struct FakeSms {
    /// (E.164 number, text) of every message sent.
    pub sent: Mutex<Vec<(String, String)>>,
    /// When set, every send fails.
    pub failing: std::sync::atomic::AtomicBool,
}

impl FakeSms {
    /// The six-digit code in the last SMS sent to `phone`.
    pub fn last_code(&self, phone: &str) -> Option<String> {
        let sent = self.sent.lock().unwrap();
        let (_, text) = sent.iter().rev().find(|(to, _)| to == phone)?;
        text.split(|c: char| !c.is_ascii_digit())
            .find(|w| w.len() == 6)
            .map(str::to_owned)
    }

    /// How many messages were sent.
    pub fn count(&self) -> usize {
        self.sent.lock().unwrap().len()
    }
}

impl SmsSender for FakeSms {
    fn send<'a>(
        &'a self,
        to: &'a PhoneNumber,
        text: &'a str,
        _purpose: SmsPurpose,
    ) -> BoxFuture<'a, anyhow::Result<()>> {
        Box::pin(async move {
            if self.failing.load(std::sync::atomic::Ordering::SeqCst) {
                anyhow::bail!("SMS provider unavailable");
            }
            self.sent
                .lock()
                .unwrap()
                .push((to.as_str().to_owned(), text.to_owned()));
            Ok(())
        })
    }
}

/// A running app on its own fresh, migrated database.
pub struct TestApp {
    /// The state the functions share (pool, config, keys).
    pub state: Arc<AppState>,
    /// A direct connection for arranging and asserting.
    pub db: tokio_postgres::Client,
    /// Every SMS the app sent.
    pub sms: Arc<FakeSms>,
}

/// Spawns an app on a fresh database with every migration applied.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// Spawns an app whose configuration `adjust` may change first (limits, TTLs).
pub async fn spawn_app_with(adjust: impl FnOnce(&mut Config)) -> TestApp {
    capture_logs();
    let database = create_empty_database().await;
    let mut db = connect(&database).await;
    shared::platform::migrations::run(&mut db)
        .await
        .expect("migrations apply");
    let mut config = test_config(&database);
    adjust(&mut config);
    TestApp::from_config(config, db)
}

impl TestApp {
    /// The app a function would build from `config` (with the recording SMS sender), beside a
    /// direct connection `db` to the same, migrated database.
    pub fn from_config(config: Config, db: tokio_postgres::Client) -> Self {
        let mut state = AppState::from_config(config).expect("state builds");
        let sms = Arc::new(FakeSms::default());
        state.sms = sms.clone();
        TestApp {
            state: Arc::new(state),
            db,
            sms,
        }
    }
}

impl TestApp {
    /// Delivers the `send_refunds` messages the app wrote to the outbox to the
    /// reservation-expiry worker, in one SQS batch as the queue would, and marks them delivered;
    /// fails the test when the worker reports a failure. Returns how many were delivered.
    pub async fn deliver_refund_messages(&self) -> usize {
        self.deliver_expiry_messages("send_refunds").await
    }

    /// Delivers the unsent reservation-expiry messages of `kind` the app wrote to the outbox to
    /// the worker, in one SQS batch, and marks them delivered; fails the test when the worker
    /// reports a failure. Returns how many were delivered.
    pub async fn deliver_expiry_messages(&self, kind: &str) -> usize {
        let rows = self
            .db
            .query(
                "UPDATE outbox_message SET published_at = now() \
                 WHERE queue = 'reservation_expiry' AND payload->>'kind' = $1 AND published_at IS NULL \
                 RETURNING uuid::text, (payload || jsonb_build_object('message_id', uuid))::text",
                &[&kind],
            )
            .await
            .unwrap();
        let mut batch = aws_lambda_events::event::sqs::SqsEvent::default();
        for row in &rows {
            let mut message = aws_lambda_events::event::sqs::SqsMessage::default();
            message.message_id = Some(row.get(0));
            message.body = Some(row.get(1));
            batch.records.push(message);
        }
        if rows.is_empty() {
            return 0;
        }
        let event = lambda_runtime::LambdaEvent::new(
            serde_json::to_value(batch).unwrap(),
            lambda_runtime::Context::default(),
        );
        let response = reservation_expiry::handle(&self.state, event)
            .await
            .expect("the worker answers");
        assert_eq!(response["batchItemFailures"], json!([]), "{response}");
        rows.len()
    }
}

impl TestApp {
    /// The first column of every row `sql` returns, as text (for asserting lists of states).
    pub async fn strings(&self, sql: &str) -> Vec<String> {
        self.column(sql, &[]).await
    }

    /// The first column of every row `sql` returns with `params`.
    pub async fn column<T>(&self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Vec<T>
    where
        T: for<'r> FromSql<'r>,
    {
        self.db
            .query(sql, params)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
            .iter()
            .map(|row| row.get(0))
            .collect()
    }

    /// The one row `sql` returns with `params`, as a tuple of its columns in order.
    pub async fn row<T: RowTuple>(&self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> T {
        let row = self
            .db
            .query_one(sql, params)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
        T::from_row(&row)
    }

    /// The one value `sql` returns with `params` (one row, first column).
    pub async fn value<T>(&self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> T
    where
        T: for<'r> FromSql<'r>,
    {
        self.db
            .query_one(sql, params)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
            .get(0)
    }

    /// Runs the one-minute sweep as its schedule would; fails the test when it errs.
    pub async fn sweep(&self) -> Value {
        reservation_expiry::handle(
            &self.state,
            lambda_runtime::LambdaEvent::new(
                json!({"kind": "sweep"}),
                lambda_runtime::Context::default(),
            ),
        )
        .await
        .expect("the sweep finishes")
    }
}

/// A signed-in test user.
#[derive(Debug, Clone)]
pub struct TestUser {
    /// Public id.
    pub user_id: Uuid,
    /// E.164 phone number.
    pub phone: String,
    /// Access token.
    pub access_token: String,
    /// Refresh token.
    pub refresh_token: String,
}

/// Every function's route table, built once per test binary.
pub fn routers() -> &'static HashMap<&'static str, Router<AppState>> {
    static ROUTERS: OnceLock<HashMap<&'static str, Router<AppState>>> = OnceLock::new();
    ROUTERS.get_or_init(|| {
        HashMap::from([
            ("auth", auth::router()),
            ("profile", profile::router()),
            ("events", events::router()),
            ("attendance", attendance::router()),
            ("payments", payments::router()),
            ("notifications", notifications::router()),
        ])
    })
}

/// The `[workspace.metadata.lambda.watch.router]` table: path template → function.
pub fn watch_router() -> &'static Vec<(String, String)> {
    static TABLE: OnceLock<Vec<(String, String)>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let manifest =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../Cargo.toml"))
                .expect("reading the workspace Cargo.toml");
        let doc: toml::Value = toml::from_str(&manifest).expect("Cargo.toml parses");
        doc["workspace"]["metadata"]["lambda"]["watch"]["router"]
            .as_table()
            .expect("the watch router is a table")
            .iter()
            .map(|(path, function)| {
                (
                    path.clone(),
                    function.as_str().expect("function name").to_owned(),
                )
            })
            .collect()
    })
}

/// Which function `cargo lambda watch` would send `path` to.
pub fn function_for(path: &str) -> Option<&'static str> {
    static MATCHER: OnceLock<matchit::Router<String>> = OnceLock::new();
    let matcher = MATCHER.get_or_init(|| {
        let mut matcher = matchit::Router::new();
        for (template, function) in watch_router() {
            matcher
                .insert(template.clone(), function.clone())
                .expect("router templates are valid");
        }
        matcher
    });
    matcher.at(path).ok().map(|m| m.value.as_str())
}

/// A response as a test sees it.
#[derive(Debug)]
pub struct TestResponse {
    /// HTTP status.
    pub status: StatusCode,
    /// Headers.
    pub headers: HeaderMap,
    /// Body parsed as JSON (`Null` when empty or not JSON).
    pub body: Value,
    /// Raw body text.
    pub text: String,
}

impl TestResponse {
    /// A header as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// Builds and sends a request to the function that owns its path.
pub struct TestRequest<'a> {
    app: &'a TestApp,
    request: http::request::Builder,
    body: Body,
    source_ip: String,
}

/// The source IP test requests come from unless they say otherwise.
pub const DEFAULT_SOURCE_IP: &str = "198.51.100.7";

impl TestApp {
    /// Starts a request.
    pub fn request(&self, method: Method, uri: &str) -> TestRequest<'_> {
        TestRequest {
            app: self,
            request: http::Request::builder().method(method).uri(uri),
            body: Body::Empty,
            source_ip: DEFAULT_SOURCE_IP.to_owned(),
        }
    }

    /// POSTs JSON to `uri`.
    pub async fn post(&self, uri: &str, body: Value) -> TestResponse {
        self.request(Method::POST, uri).json(&body).send().await
    }

    /// `method` on `uri` as `user`, without a body.
    pub async fn call_as(&self, user: &TestUser, method: Method, uri: &str) -> TestResponse {
        self.request(method, uri)
            .bearer(&user.access_token)
            .send()
            .await
    }

    /// `method` on `uri` as `user`, with a JSON body.
    pub async fn send_as(
        &self,
        user: &TestUser,
        method: Method,
        uri: &str,
        body: &Value,
    ) -> TestResponse {
        self.request(method, uri)
            .bearer(&user.access_token)
            .json(body)
            .send()
            .await
    }

    /// GETs `uri` as `user`.
    pub async fn get_as(&self, user: &TestUser, uri: &str) -> TestResponse {
        self.call_as(user, Method::GET, uri).await
    }

    /// POSTs JSON to `uri` as `user`.
    pub async fn post_as(&self, user: &TestUser, uri: &str, body: Value) -> TestResponse {
        self.send_as(user, Method::POST, uri, &body).await
    }

    /// POSTs an action with an empty JSON body (`…/cancel`, `…/accept`, `…/publish`) as `user`.
    pub async fn act_as(&self, user: &TestUser, uri: &str) -> TestResponse {
        self.send_as(user, Method::POST, uri, &json!({})).await
    }

    /// PATCHes JSON to `uri` as `user`.
    pub async fn patch_as(&self, user: &TestUser, uri: &str, body: Value) -> TestResponse {
        self.send_as(user, Method::PATCH, uri, &body).await
    }

    /// Asks for a login code for `phone` from the client address `ip`; the answer.
    pub async fn ask_code_from(&self, phone: &str, ip: &str) -> TestResponse {
        self.request(Method::POST, "/v1/auth/otp")
            .source_ip(ip)
            .json(&json!({ "phone_number": phone }))
            .send()
            .await
    }

    /// Asks for a login code for `phone` and returns the code the SMS carried.
    pub async fn request_code(&self, phone: &str) -> String {
        self.post("/v1/auth/otp", json!({ "phone_number": phone }))
            .await
            .expect_status(StatusCode::ACCEPTED);
        self.sms
            .last_code(phone)
            .expect("an SMS with a code was sent")
    }

    /// Logs in by OTP as a real user would and returns the session.
    pub async fn login(&self, phone: &str) -> TestUser {
        let code = self.request_code(phone).await;
        let response = self
            .post(
                "/v1/auth/otp/verify",
                json!({ "phone_number": phone, "code": code }),
            )
            .await
            .expect_status(StatusCode::OK);
        TestUser {
            user_id: response.body["user"]["user_id"]
                .as_str()
                .unwrap()
                .parse()
                .unwrap(),
            phone: phone.to_owned(),
            access_token: response.body["access_token"].as_str().unwrap().to_owned(),
            refresh_token: response.body["refresh_token"].as_str().unwrap().to_owned(),
        }
    }

    /// Lets the next code request for `phone` through the resend wait (moves its history back).
    pub async fn age_codes(&self, phone: &str, seconds: i64) {
        self.db
            .execute(
                "UPDATE user_phone_otp SET created_at = created_at - make_interval(secs => $2), \
                        expires_at = expires_at - make_interval(secs => $2) WHERE phone_number = $1",
                &[&phone, &(seconds as f64)],
            )
            .await
            .unwrap();
    }
}

impl TestRequest<'_> {
    /// Adds a header.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.request = self.request.header(name, value);
        self
    }

    /// Adds `Authorization: Bearer <token>`.
    pub fn bearer(self, token: &str) -> Self {
        self.header("authorization", &format!("Bearer {token}"))
    }

    /// Sets the caller's source IP as API Gateway reports it.
    pub fn source_ip(mut self, ip: &str) -> Self {
        self.source_ip = ip.to_owned();
        self
    }

    /// Sets a JSON body.
    pub fn json(self, body: &Value) -> Self {
        self.raw_body(body.to_string().into_bytes())
            .header("content-type", "application/json")
    }

    /// Sets raw body bytes.
    pub fn raw_body(mut self, bytes: Vec<u8>) -> Self {
        self.body = Body::Binary(bytes);
        self
    }

    /// Routes the request as `cargo lambda watch` would and calls the handler in-process.
    pub async fn send(self) -> TestResponse {
        let mut http_description = ApiGatewayV2httpRequestContextHttpDescription::default();
        http_description.source_ip = Some(self.source_ip.clone());
        let mut context = ApiGatewayV2httpRequestContext::default();
        context.http = http_description;
        let request = self
            .request
            .body(self.body)
            .expect("request builds")
            .with_request_context(RequestContext::ApiGatewayV2(context));
        let path = request.uri().path().to_owned();
        let method = request.method().clone();
        let function = function_for(&path).unwrap_or("profile");
        let router = &routers()[function];
        let response = router
            .dispatch(
                Arc::clone(&self.app.state),
                ApiRequest::from_lambda(request),
            )
            .await;
        let (parts, body) = response.into_parts();
        let bytes = match body {
            Body::Empty => Vec::new(),
            Body::Text(text) => text.into_bytes(),
            Body::Binary(bytes) => bytes,
            _ => Vec::new(),
        };
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let response = TestResponse {
            status: parts.status,
            headers: parts.headers,
            body: serde_json::from_slice(&bytes).unwrap_or(Value::Null),
            text,
        };
        crate::problems_seen::record(&method, &path, &response);
        response
    }
}

impl TestResponse {
    /// The string at a JSON pointer of the body (`/hold/reservation_key`); panics with the body.
    pub fn str_at(&self, pointer: &str) -> String {
        self.body
            .pointer(pointer)
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("{pointer} missing: {}", self.text))
            .to_owned()
    }
}

/// The `field` of every entry in a problem's `errors`, in order.
pub fn problem_fields(response: &TestResponse) -> Vec<String> {
    response.body["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| e["field"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// Asserts a 422 `validation_failed` naming exactly `fields`, in order.
pub fn assert_invalid(response: &TestResponse, fields: &[&str]) {
    response.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(problem_fields(response), fields, "{}", response.text);
}

impl TestResponse {
    /// Asserts the answer's status (showing its body when it differs) and hands the answer on.
    #[track_caller]
    pub fn expect_status(self, status: StatusCode) -> Self {
        assert_eq!(self.status, status, "{}", self.text);
        self
    }

    /// Asserts this is a problem+json of `status` and `code`, with every member a problem has.
    pub fn assert_problem(&self, status: StatusCode, code: &str) {
        assert_eq!(self.status, status, "body: {}", self.text);
        assert_eq!(
            self.header("content-type"),
            Some("application/problem+json")
        );
        let body = &self.body;
        assert_eq!(body["status"], status.as_u16(), "body: {body}");
        assert_eq!(body["code"], code, "body: {body}");
        assert!(body["title"].is_string(), "title missing: {body}");
        assert!(body["detail"].is_string(), "detail missing: {body}");
        assert!(
            body["type"].as_str().is_some_and(|t| t.ends_with(code)),
            "type: {body}"
        );
        assert!(
            body["request_id"].as_str().is_some_and(|r| !r.is_empty()),
            "request_id: {body}"
        );
    }
}

impl TestApp {
    /// A user created directly in the database (no OTP round trip), with a profile of the given
    /// gender, signed in with a fresh access token. For tests that need many users.
    pub async fn quick_user(&self, phone: &str, gender: Option<&str>) -> TestUser {
        let user_id = insert_user(&self.db, phone).await;
        self.db
            .execute(
                "UPDATE user_profile SET gender = $2, name = 'Guest ' || right($3, 4) \
                 WHERE user_id = (SELECT id FROM auth_user WHERE uuid = $1)",
                &[&user_id, &gender, &phone],
            )
            .await
            .unwrap();
        TestUser {
            user_id,
            phone: phone.to_owned(),
            access_token: self
                .state
                .tokens
                .issue_access(user_id, chrono::Utc::now())
                .unwrap(),
            refresh_token: String::new(),
        }
    }
}

/// Inserts a user (account + profile) and returns its public id.
pub async fn insert_user(db: &tokio_postgres::Client, phone: &str) -> Uuid {
    let row = db
        .query_one(
            "WITH u AS (INSERT INTO auth_user (username) VALUES ($1) RETURNING id, uuid) \
             INSERT INTO user_profile (user_id, phone_number) SELECT id, $1 FROM u RETURNING \
             (SELECT uuid FROM u)",
            &[&phone],
        )
        .await
        .expect("inserting a user");
    row.get(0)
}

/// A row's columns, in order, as a tuple (`TestApp::row`).
pub trait RowTuple {
    fn from_row(row: &tokio_postgres::Row) -> Self;
}

macro_rules! row_tuple {
    ($($column:ident $at:tt),+) => {
        impl<$($column),+> RowTuple for ($($column,)+)
        where
            $($column: for<'r> FromSql<'r>,)+
        {
            fn from_row(row: &tokio_postgres::Row) -> Self {
                ($(row.get::<_, $column>($at),)+)
            }
        }
    };
}

row_tuple!(A 0, B 1);
row_tuple!(A 0, B 1, C 2);
row_tuple!(A 0, B 1, C 2, D 3);
row_tuple!(A 0, B 1, C 2, D 3, E 4);
row_tuple!(A 0, B 1, C 2, D 3, E 4, F 5);
