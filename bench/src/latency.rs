//! Warm latency in-process: each scenario's handler is called with a built API Gateway event on
//! a warm pool against the seeded bench database, side by side with the very statements that
//! handler ran (recorded on the wire by `capture.rs`, with the same parameter bytes) replayed
//! bare through one tokio-postgres connection in the same process.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use http::StatusCode;
use serde_json::json;
use shared::http::Router;
use shared::AppState;

use crate::capture::{Captured, RawParam, Recorder};
use crate::cold_start::http_event;
use crate::database::Scale;
use crate::stats::Summary;

/// Calls measured per scenario and side, after the warm-up.
const ITERATIONS: usize = 300;
/// Calls before measuring.
const WARM_UP: usize = 20;

/// A read the app serves.
struct Scenario {
    name: &'static str,
    function: &'static str,
    path: String,
    query: &'static str,
    token: String,
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
    let client = crate::database::connect(url).await?;
    eprintln!("latency: seeding {}", scale.name);
    crate::database::seed(&client, scale).await?;
    let config = |database_url: String, pool_size: &str| {
        shared::Config::from_lookup(|name| match name {
            "DATABASE_URL" => Some(database_url.clone()),
            "DATABASE_POOL_SIZE" => Some(pool_size.to_owned()),
            _ => env.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()),
        })
    };
    let direct = Arc::new(AppState::from_config(config(url.to_owned(), "2")?)?);
    let pg: tokio_postgres::Config = url.parse()?;
    let upstream = SocketAddr::from(([127, 0, 0, 1], pg.get_ports()[0]));
    let recorder = Recorder::start(upstream).await?;
    let recorded_url = url.replacen(
        &format!(":{}/", upstream.port()),
        &format!(":{}/", recorder.port()),
        1,
    );
    let recorded = Arc::new(AppState::from_config(config(recorded_url, "1")?)?);

    let people = client
        .query(
            "SELECT uuid FROM auth_user WHERE id IN (1, 2) ORDER BY id",
            &[],
        )
        .await?;
    let now = chrono::Utc::now();
    let host = direct.tokens.issue_access(people[0].get(0), now)?;
    let guest = direct.tokens.issue_access(people[1].get(0), now)?;
    let event: uuid::Uuid = client
        .query_one("SELECT uuid FROM event WHERE id = 1", &[])
        .await?
        .get(0);
    let scenarios = [
        Scenario {
            name: "event detail",
            function: "events",
            path: format!("/v1/events/{event}"),
            query: "",
            token: guest.clone(),
        },
        Scenario {
            name: "discovery feed (no filter)",
            function: "events",
            path: "/v1/events".into(),
            query: "",
            token: guest.clone(),
        },
        Scenario {
            name: "discovery feed (mood=music, is_paid=false)",
            function: "events",
            path: "/v1/events".into(),
            query: "mood=music&is_paid=false",
            token: guest,
        },
        Scenario {
            name: "notifications list",
            function: "notifications",
            path: "/v1/me/notifications".into(),
            query: "",
            token: host,
        },
    ];
    let routers: HashMap<&str, Router<AppState>> = HashMap::from([
        ("events", events::router()),
        ("notifications", notifications::router()),
    ]);
    let bare = crate::database::connect(url).await?;
    let mut figures = Vec::new();
    for scenario in &scenarios {
        let router = &routers[scenario.function];
        // Warm the recording pool, then record one call.
        call(router, &recorded, scenario).await?;
        recorder.take();
        call(router, &recorded, scenario).await?;
        let statements = recorder.take();

        let mut handler_ms = Vec::with_capacity(ITERATIONS);
        for i in 0..WARM_UP + ITERATIONS {
            let elapsed = call(router, &direct, scenario).await?;
            if i >= WARM_UP {
                handler_ms.push(elapsed);
            }
        }
        let mut bare_ms = Vec::with_capacity(ITERATIONS);
        let prepared = prepare(&bare, &statements).await?;
        for i in 0..WARM_UP + ITERATIONS {
            let elapsed = replay(&bare, &statements, &prepared).await?;
            if i >= WARM_UP {
                bare_ms.push(elapsed);
            }
        }
        figures.push(Figures {
            name: scenario.name,
            handler_ms: Summary::of(&handler_ms),
            bare_ms: Summary::of(&bare_ms),
            statements: statements.len(),
        });
    }
    Ok(figures)
}

/// Builds the scenario's API Gateway event, then times the handler on it (ms); not 200 is an
/// error.
async fn call(
    router: &Router<AppState>,
    state: &Arc<AppState>,
    scenario: &Scenario,
) -> anyhow::Result<f64> {
    let mut event = http_event("GET", &scenario.path);
    event["rawQueryString"] = json!(scenario.query);
    event["headers"]["authorization"] = json!(format!("Bearer {}", scenario.token));
    let request = lambda_http::request::from_str(&event.to_string())
        .context("the built API Gateway event parses")?;
    let started = Instant::now();
    let response = router.handle(Arc::clone(state), request).await;
    let elapsed = started.elapsed().as_secs_f64() * 1000.0;
    anyhow::ensure!(
        response.status() == StatusCode::OK,
        "{}: {} {:?}",
        scenario.name,
        response.status(),
        response.body()
    );
    Ok(elapsed)
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
