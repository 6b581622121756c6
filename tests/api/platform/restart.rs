//! A database restart in the middle of a load run. The test starts a private Postgres server
//! (its own data directory and port, so the shared server and the other tests never notice),
//! runs concurrent writers against it, and kills and restarts it mid-run (`pg_ctl restart -m
//! immediate`, as a crash or failover would). The pool must drop broken connections and
//! recover within 5 s; requests caught in the gap get 503 problem+json with `retryable`,
//! never a hang or a 500; every write a client saw committed must be there afterwards.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use http::{Method, StatusCode};
use serde_json::json;
use tokio::sync::Mutex;

use crate::helpers::{insert_user, test_config, TestApp, TestResponse};

/// A Postgres server of this test's own, in a temporary data directory.
struct PrivateServer {
    bin: PathBuf,
    data: PathBuf,
    port: u16,
}

impl PrivateServer {
    fn start() -> Self {
        let bin = postgres_bin_dir();
        let port = free_port();
        let data = std::env::temp_dir().join(format!("eh-restart-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&data).unwrap();
        let server = Self { bin, data, port };
        server.give_to_postgres_user(&server.data);
        server.run(
            "initdb",
            &[
                "-D",
                &server.dir(),
                "-A",
                "trust",
                "-U",
                "postgres",
                "--no-sync",
            ],
        );
        server.pg_ctl(&["start"]);
        server
    }

    fn dir(&self) -> String {
        self.data.display().to_string()
    }

    fn url(&self, database: &str) -> String {
        format!(
            "postgres://postgres@127.0.0.1:{}/{database}?connect_timeout=2",
            self.port
        )
    }

    /// `pg_ctl <action>`, waiting until the server answers again.
    fn pg_ctl(&self, action: &[&str]) {
        let options = format!(
            "-p {} -c listen_addresses=127.0.0.1 -c unix_socket_directories={}",
            self.port,
            self.dir()
        );
        let log = format!("{}/server.log", self.dir());
        let dir = self.dir();
        let mut args = vec![
            "-D",
            dir.as_str(),
            "-w",
            "-l",
            log.as_str(),
            "-o",
            options.as_str(),
        ];
        args.extend_from_slice(action);
        self.run("pg_ctl", &args);
    }

    /// Runs a server program, as the `postgres` user when we are root (initdb refuses root).
    fn run(&self, program: &str, args: &[&str]) {
        let program = self.bin.join(program);
        let status = if is_root() {
            Command::new("runuser")
                .args(["-u", "postgres", "--"])
                .arg(&program)
                .args(args)
                .stdout(Stdio::null())
                .status()
        } else {
            Command::new(&program)
                .args(args)
                .stdout(Stdio::null())
                .status()
        }
        .unwrap_or_else(|e| panic!("running {}: {e}", program.display()));
        assert!(status.success(), "{} {args:?} failed", program.display());
    }

    fn give_to_postgres_user(&self, path: &Path) {
        if is_root() {
            let status = Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(path)
                .status()
                .unwrap();
            assert!(status.success());
        }
    }
}

impl Drop for PrivateServer {
    fn drop(&mut self) {
        let server = std::panic::AssertUnwindSafe(&*self);
        let _ = std::panic::catch_unwind(|| server.pg_ctl(&["stop", "-m", "immediate"]));
        let _ = std::fs::remove_dir_all(&self.data);
    }
}

fn is_root() -> bool {
    std::env::var("USER").map(|u| u == "root").unwrap_or(false)
        || Command::new("id")
            .arg("-u")
            .output()
            .map(|o| o.stdout.starts_with(b"0\n"))
            .unwrap_or(false)
}

/// The newest installed PostgreSQL server programs (`TEST_PG_BIN_DIR` overrides).
fn postgres_bin_dir() -> PathBuf {
    if let Ok(dir) = std::env::var("TEST_PG_BIN_DIR") {
        return dir.into();
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .expect("PostgreSQL server programs in /usr/lib/postgresql (make test installs them)")
        .filter_map(|entry| {
            let entry = entry.ok()?;
            let version = entry.file_name().to_str()?.parse().ok()?;
            Some((version, entry.path().join("bin")))
        })
        .collect();
    versions.sort();
    versions.pop().expect("a PostgreSQL version").1
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn connect_url(url: &str) -> tokio_postgres::Client {
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .unwrap_or_else(|e| panic!("connecting to {url}: {e}"));
    tokio::spawn(connection);
    client
}

/// An app whose pool points at the private server.
async fn app_on(server: &PrivateServer) -> TestApp {
    crate::helpers::capture_logs();
    connect_url(&server.url("postgres"))
        .await
        .batch_execute("CREATE DATABASE eventhost")
        .await
        .unwrap();
    let mut db = connect_url(&server.url("eventhost")).await;
    shared::platform::migrations::run(&mut db).await.unwrap();
    let mut config = test_config("unused");
    config.database.url = server.url("eventhost").into();
    config.database.connect_timeout = Duration::from_secs(2);
    TestApp::from_config(config, db)
}

/// What one writer saw: the venues it was told were created, and every status.
#[derive(Default)]
struct Seen {
    committed: Vec<String>,
    statuses: Vec<(Instant, StatusCode)>,
    unexpected: Vec<String>,
}

fn check_answer(response: &TestResponse, seen: &mut Seen) {
    let now = Instant::now();
    seen.statuses.push((now, response.status));
    match response.status {
        StatusCode::CREATED => seen
            .committed
            .push(response.body["venue_id"].as_str().unwrap().to_owned()),
        StatusCode::SERVICE_UNAVAILABLE => {
            let content_type = response.header("content-type").unwrap_or_default();
            if content_type != "application/problem+json"
                || response.body["retryable"] != json!(true)
                || response.header("retry-after").is_none()
                || response.body["code"] != "service_unavailable"
                || response.text.contains("tokio")
                || response.text.contains("Connection")
            {
                seen.unexpected.push(format!(
                    "503 not as documented: {content_type} {}",
                    response.text
                ));
            }
        }
        other => seen.unexpected.push(format!("{other} {}", response.text)),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_postgres_restart_under_load_gives_503s_then_recovers_and_loses_no_commit() {
    let server = Arc::new(PrivateServer::start());
    let app = Arc::new(app_on(&server).await);
    let user_id = insert_user(&app.db, "+919811100001").await;
    let token = app
        .state
        .tokens
        .issue_access(user_id, chrono::Utc::now())
        .unwrap();

    let stop = Arc::new(AtomicBool::new(false));
    let seen = Arc::new(Mutex::new(Seen::default()));
    let mut writers = Vec::new();
    for writer in 0..8 {
        let (app, token, stop, seen) = (app.clone(), token.clone(), stop.clone(), seen.clone());
        writers.push(tokio::spawn(async move {
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) {
                n += 1;
                let call = app
                    .request(Method::POST, "/v1/venues")
                    .bearer(&token)
                    .json(
                        &json!({"name": format!("Venue {writer}-{n}"), "city": "Pune",
                                  "latitude": 18.52, "longitude": 73.85}),
                    )
                    .send();
                // A request caught in the gap must be answered, not hang.
                match tokio::time::timeout(Duration::from_secs(15), call).await {
                    Ok(response) => check_answer(&response, &mut *seen.lock().await),
                    Err(_) => seen
                        .lock()
                        .await
                        .unexpected
                        .push("no answer in 15 s".into()),
                }
            }
        }));
    }

    tokio::time::sleep(Duration::from_secs(2)).await;
    let restarted = tokio::task::spawn_blocking({
        let server = server.clone();
        move || {
            server.pg_ctl(&["restart", "-m", "immediate"]);
            Instant::now()
        }
    })
    .await
    .unwrap();
    tokio::time::sleep(Duration::from_secs(6)).await;
    stop.store(true, Ordering::Relaxed);
    for writer in writers {
        writer.await.unwrap();
    }

    let seen = seen.lock().await;
    assert!(
        seen.unexpected.is_empty(),
        "unexpected answers: {:#?}",
        seen.unexpected
    );
    let unavailable = seen
        .statuses
        .iter()
        .filter(|(_, status)| *status == StatusCode::SERVICE_UNAVAILABLE)
        .count();
    assert!(unavailable > 0, "the restart was not felt by any request");
    // Recovered within 5 s of the server being back: from then on, every answer is a success.
    let failures: Vec<Instant> = seen
        .statuses
        .iter()
        .filter(|(_, status)| *status != StatusCode::CREATED)
        .map(|(at, _)| *at)
        .collect();
    let (first_failure, last_failure) = (
        *failures.iter().min().unwrap(),
        *failures.iter().max().unwrap(),
    );
    assert!(
        last_failure <= restarted + Duration::from_secs(5),
        "still failing {:?} after the server was back",
        last_failure.saturating_duration_since(restarted)
    );
    let after = seen
        .statuses
        .iter()
        .filter(|(at, _)| *at > last_failure)
        .count();
    assert!(after > 0, "no request succeeded after the restart");

    // Every write a client was told had committed is in the database.
    let db = connect_url(&server.url("eventhost")).await;
    let stored: Vec<String> = db
        .query("SELECT uuid::text FROM venue", &[])
        .await
        .unwrap()
        .iter()
        .map(|row| row.get(0))
        .collect();
    let missing: Vec<&String> = seen
        .committed
        .iter()
        .filter(|id| !stored.contains(id))
        .collect();
    assert!(
        missing.is_empty(),
        "{} acknowledged writes lost: {missing:?}",
        missing.len()
    );
    assert!(
        seen.committed.len() > 20,
        "the load run did too little to tell"
    );
    println!(
        "restart under load: {} writes acknowledged and all found, {unavailable} answered 503 during a {:?} outage, \
         last 503 {:?} after the server was back",
        seen.committed.len(),
        restarted.saturating_duration_since(first_failure),
        last_failure.saturating_duration_since(restarted)
    );
}
