//! Warm latency in-process: each scenario's handler is called with a built API Gateway event on
//! a warm pool against the seeded bench database, side by side with the very statements that
//! handler ran (recorded on the wire by `capture.rs`, with the same parameter bytes) replayed
//! bare through one tokio-postgres connection in the same process.
//!
//! Calls are recorded on a copy of the bench database, so a write's recorded call leaves the
//! original untouched and its replay (ROLLBACK in place of COMMIT) starts from the same state
//! every time (its dead rows are swept every 10 replays, untimed). Both sides run with
//! `synchronous_commit = off` on the database, so neither pays a WAL flush the other does not;
//! queue URLs are left unset, so the SQS send after a commit (an HTTPS call, not SQL) is not in
//! the handler's figure, while its outbox statements are.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use serde_json::{json, Value};
use shared::platform::http::Router;
use shared::AppState;

use crate::capture::{Captured, RawParam, Recorder};
use crate::cold_start::http_event;
use crate::database::Scale;
use crate::stats::Summary;

/// Calls measured per scenario and side, after the warm-up.
const ITERATIONS: usize = 300;
/// Calls before measuring.
const WARM_UP: usize = 20;
/// Sweeps the tables the write scenarios write (between replays, untimed).
const VACUUM_WRITTEN: &str = "VACUUM event, event_request, event_attendee, ticket_secret, \
     capacity_reservation, audit_log, outbox_message, idempotency_key";

/// Calls a write scenario needs subjects for: warm-up and recorded call on the copy, then the
/// handler's own.
const WRITE_SUBJECTS: usize = 2 + WARM_UP + ITERATIONS;

/// One HTTP call the app serves.
#[derive(Debug, Clone)]
pub struct Call {
    /// HTTP method.
    pub method: &'static str,
    /// Path with ids filled in.
    pub path: String,
    /// Raw query string.
    pub query: &'static str,
    /// JSON body, if any.
    pub body: Option<Value>,
    /// Bearer access token.
    pub token: String,
}

/// What is measured: a read made again and again, or a write with a fresh subject every call
/// (`WRITE_SUBJECTS` calls, in the order the module comment gives).
struct Scenario {
    name: &'static str,
    function: &'static str,
    calls: Vec<Call>,
}

impl Scenario {
    fn read(name: &'static str, function: &'static str, call: Call) -> Self {
        Self {
            name,
            function,
            calls: vec![call],
        }
    }

    fn is_write(&self) -> bool {
        self.calls.len() > 1
    }

    /// The call of step `index` (0 and 1 on the copy, then the measured ones).
    fn call(&self, index: usize) -> &Call {
        &self.calls[index.min(self.calls.len() - 1)]
    }
}

/// One scenario's figures.
#[derive(Debug)]
pub struct Figures {
    /// What was called.
    pub name: &'static str,
    /// The handler, in-process, ms.
    pub handler_ms: Summary,
    /// The same statements bare, ms.
    pub bare_ms: Summary,
    /// Statements (simple queries included) the handler ran.
    pub statements: usize,
}

/// Seeds `scale` into the bench database `url` and measures every scenario.
pub async fn measure(
    url: &str,
    env: &[(String, String)],
    scale: Scale,
) -> anyhow::Result<Vec<Figures>> {
    let config = |database_url: &str, pool_size: &str| {
        let database_url = database_url.to_owned();
        shared::Config::from_lookup(|name| match name {
            "DATABASE_URL" => Some(database_url.clone()),
            "DATABASE_POOL_SIZE" => Some(pool_size.to_owned()),
            "NOTIFICATION_QUEUE_URL" | "RESERVATION_EXPIRY_QUEUE_URL" => None,
            _ => env.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()),
        })
    };
    let client = crate::database::connect(url).await?;
    eprintln!("latency: seeding {}", scale.name);
    crate::database::seed(&client, scale).await?;
    crate::write_scenarios::seed(&client, WRITE_SUBJECTS as i64).await?;
    let scenarios = {
        let seeding = AppState::from_config(config(url, "2")?)?;
        crate::write_scenarios::issue_tickets(&seeding).await?;
        scenarios(&seeding).await?
    };
    drop(client);
    let copy_url = crate::database::copy(url).await?;
    for database in [url, copy_url.as_str()] {
        crate::database::connect(database)
            .await?
            .batch_execute(&format!(
                "ALTER DATABASE {} SET synchronous_commit = off",
                crate::database::name_of(database)
            ))
            .await?;
    }

    // Loading and copying leave dirty buffers; flushed now, no checkpoint writes them during
    // the timed calls.
    crate::database::connect(url)
        .await?
        .batch_execute("CHECKPOINT")
        .await?;
    let direct = Arc::new(AppState::from_config(config(url, "2")?)?);
    let pg: tokio_postgres::Config = url.parse()?;
    let upstream = SocketAddr::from(([127, 0, 0, 1], pg.get_ports()[0]));
    let recorder = Recorder::start(upstream).await?;
    let recorded_url = copy_url.replacen(
        &format!(":{}/", upstream.port()),
        &format!(":{}/", recorder.port()),
        1,
    );
    let recorded = Arc::new(AppState::from_config(config(&recorded_url, "1")?)?);
    let routers: HashMap<&str, Router<AppState>> = HashMap::from([
        ("events", events::router()),
        ("notifications", notifications::router()),
        ("attendance", attendance::router()),
    ]);
    let bare = crate::database::connect(url).await?;
    let copy = crate::database::connect(&copy_url).await?;
    // Every recording and bare replay first, then the writes' handlers: the original then
    // holds only rolled-back replays while the copy moves on, so the ids each replay is
    // handed (the sequences set back to where the copy's stood) are the ones its recorded
    // call got. Reads alternate with their bare replays (below).
    let mut bare_sides = Vec::new();
    for scenario in &scenarios {
        let router = &routers[scenario.function];
        // Warm the recording pool, then record one call.
        call(router, &recorded, scenario.name, scenario.call(0)).await?;
        let positions = SequencePositions::read(&copy).await?;
        recorder.take();
        call(router, &recorded, scenario.name, scenario.call(1)).await?;
        let mut statements = recorder.take();
        if scenario.is_write() {
            for statement in &mut statements {
                if *statement == Captured::Simple("COMMIT".into()) {
                    *statement = Captured::Simple("ROLLBACK".into());
                }
            }
        }
        let prepared = prepare(&bare, &statements).await?;
        let mut bare_ms = Vec::with_capacity(ITERATIONS);
        let mut read_handler_ms = Vec::new();
        for i in 0..WARM_UP + ITERATIONS {
            positions.restore(&bare).await?;
            // A rolled-back replay leaves dead rows under the same keys; unswept, every later
            // replay's index lookups would walk them and the bare side would slow down.
            if scenario.is_write() && i % 10 == 0 {
                bare.batch_execute(VACUUM_WRITTEN).await?;
            }
            let elapsed = replay(&bare, &statements, &prepared)
                .await
                .with_context(|| format!("{}: replaying bare", scenario.name))?;
            if i >= WARM_UP {
                bare_ms.push(elapsed);
            }
            // A read changes nothing, so its handler call goes right after each bare replay:
            // both sides then see the machine at the same moments.
            if !scenario.is_write() {
                let handled = call(router, &direct, scenario.name, scenario.call(2 + i)).await?;
                if i >= WARM_UP {
                    read_handler_ms.push(handled);
                }
            }
        }
        bare_sides.push((Summary::of(&bare_ms), statements.len(), read_handler_ms));
    }
    let mut figures = Vec::new();
    for (scenario, (bare_ms, statements, mut handler_ms)) in scenarios.iter().zip(bare_sides) {
        let router = &routers[scenario.function];
        for i in 0..WARM_UP + ITERATIONS {
            if !scenario.is_write() {
                break;
            }
            let elapsed = call(router, &direct, scenario.name, scenario.call(2 + i)).await?;
            if i >= WARM_UP {
                handler_ms.push(elapsed);
            }
        }
        figures.push(Figures {
            name: scenario.name,
            handler_ms: Summary::of(&handler_ms),
            bare_ms,
            statements,
        });
    }
    Ok(figures)
}

/// The reads, then the writes of `write_scenarios.rs`.
async fn scenarios(state: &AppState) -> anyhow::Result<Vec<Scenario>> {
    let client = state.pool.get().await?;
    let people = client
        .query(
            "SELECT uuid FROM auth_user WHERE id IN (1, 2) ORDER BY id",
            &[],
        )
        .await?;
    let now = chrono::Utc::now();
    let host = state.tokens.issue_access(people[0].get("uuid"), now)?;
    let guest = state.tokens.issue_access(people[1].get("uuid"), now)?;
    let event: uuid::Uuid = client
        .query_one("SELECT uuid FROM event WHERE id = 1", &[])
        .await?
        .get("uuid");
    let get = |path: String, query: &'static str, token: &str| Call {
        method: "GET",
        path,
        query,
        body: None,
        token: token.to_owned(),
    };
    let mut scenarios = vec![
        Scenario::read(
            "event detail",
            "events",
            get(format!("/v1/events/{event}"), "", &guest),
        ),
        Scenario::read(
            "discovery feed (no filter)",
            "events",
            get("/v1/events".into(), "", &guest),
        ),
        Scenario::read(
            "discovery feed (mood=music, is_paid=false)",
            "events",
            get("/v1/events".into(), "mood=music&is_paid=false", &guest),
        ),
        Scenario::read(
            "notifications list",
            "notifications",
            get("/v1/me/notifications".into(), "", &host),
        ),
    ];
    for (name, function, calls) in
        crate::write_scenarios::calls(state, WRITE_SUBJECTS as i64).await?
    {
        anyhow::ensure!(
            calls.len() == WRITE_SUBJECTS,
            "{name}: {} subjects seeded, {WRITE_SUBJECTS} needed",
            calls.len()
        );
        scenarios.push(Scenario {
            name,
            function,
            calls,
        });
    }
    Ok(scenarios)
}

/// Builds the call's API Gateway event, then times the handler on it (ms); not 2xx is an error.
async fn call(
    router: &Router<AppState>,
    state: &Arc<AppState>,
    name: &str,
    call: &Call,
) -> anyhow::Result<f64> {
    let mut event = http_event(call.method, &call.path);
    event["rawQueryString"] = json!(call.query);
    event["headers"]["authorization"] = json!(format!("Bearer {}", call.token));
    if let Some(body) = &call.body {
        event["headers"]["content-type"] = json!("application/json");
        event["body"] = json!(body.to_string());
    }
    let request = lambda_http::request::from_str(&event.to_string())
        .context("the built API Gateway event parses")?;
    let started = Instant::now();
    let response = router.handle(Arc::clone(state), request).await;
    let elapsed = started.elapsed().as_secs_f64() * 1000.0;
    anyhow::ensure!(
        response.status().is_success(),
        "{name}: {} {:?}",
        response.status(),
        response.body()
    );
    Ok(elapsed)
}

/// Where every sequence of a database stands (identity columns hand out ids from them).
struct SequencePositions(Vec<(String, Option<i64>)>);

impl SequencePositions {
    async fn read(client: &tokio_postgres::Client) -> anyhow::Result<Self> {
        let rows = client
            .query(
                "SELECT format('%I.%I', schemaname, sequencename) AS sequence, last_value FROM pg_sequences",
                &[],
            )
            .await?;
        Ok(Self(
            rows.iter()
                .map(|r| (r.get("sequence"), r.get("last_value")))
                .collect(),
        ))
    }

    /// Sets another database's sequences to these positions (sequences ignore ROLLBACK).
    async fn restore(&self, client: &tokio_postgres::Client) -> anyhow::Result<()> {
        let statements: Vec<String> = self
            .0
            .iter()
            .map(|(name, last)| match last {
                Some(last) => format!("SELECT setval('{name}', {last}, true);"),
                None => format!("SELECT setval('{name}', 1, false);"),
            })
            .collect();
        client.batch_execute(&statements.concat()).await?;
        Ok(())
    }
}

/// Prepares each recorded statement once (a warm connection's statement cache).
async fn prepare(
    client: &tokio_postgres::Client,
    statements: &[Captured],
) -> anyhow::Result<HashMap<String, tokio_postgres::Statement>> {
    let mut prepared = HashMap::new();
    for statement in statements {
        if let Captured::Bound { sql, .. } = statement {
            if !prepared.contains_key(sql) {
                prepared.insert(sql.clone(), client.prepare(sql).await?);
            }
        }
    }
    Ok(prepared)
}

/// Runs the recorded statements in order, reading every row; returns ms.
async fn replay(
    client: &tokio_postgres::Client,
    statements: &[Captured],
    prepared: &HashMap<String, tokio_postgres::Statement>,
) -> anyhow::Result<f64> {
    let started = Instant::now();
    for statement in statements {
        match statement {
            Captured::Simple(sql) => client.batch_execute(sql).await?,
            Captured::Bound { sql, params } => {
                let params: Vec<RawParam> = params.iter().cloned().map(RawParam).collect();
                let rows = client.query_raw(&prepared[sql], params.iter()).await?;
                let rows: Vec<_> = futures_util::TryStreamExt::try_collect(rows).await?;
                std::hint::black_box(rows);
            }
        }
    }
    Ok(started.elapsed().as_secs_f64() * 1000.0)
}
