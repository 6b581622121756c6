//! Seat-hold contention: `clients` connections hammer one 100-seat event for a fixed time with
//! the seat-hold transaction (lock the event and read the ledger through the shared ledger
//! code, hold a seat when one is free, else release the oldest hold), then pgbench runs the
//! same transaction (`bench/seat_hold.sql`, prepared statements) with as many clients for as
//! long. Both report throughput, latency percentiles and oversold seats (which must be 0).

use std::time::{Duration, Instant};

use anyhow::Context;
use shared::attendance::event_lock::EventLock;
use shared::platform::db::CachedStatements;

use crate::stats::Summary;

/// Seats on the contended event.
pub const CAPACITY: i32 = 100;
/// Holds a seat for user `$2` on event `$1` (the pgbench script's INSERT).
pub const HOLD_SQL: &str = "INSERT INTO capacity_reservation (event_id, user_id, seats, expires_at) VALUES ($1, $2, 1, now() + interval '1 hour')";
/// Releases the oldest live hold on event `$1` (the pgbench script's UPDATE).
pub const RELEASE_SQL: &str = "UPDATE capacity_reservation SET status = 'released', released_at = now() WHERE id = (SELECT id FROM capacity_reservation WHERE event_id = $1 AND status = 'held' ORDER BY id LIMIT 1)";
/// The pgbench script.
pub const PGBENCH_SCRIPT: &str = "bench/seat_hold.sql";

/// One side's figures.
#[derive(Debug)]
pub struct Run {
    /// Who ran the transactions.
    pub runner: &'static str,
    /// Transactions committed.
    pub transactions: u64,
    /// Committed transactions per second.
    pub throughput: f64,
    /// Latency per transaction, ms.
    pub latency_ms: Summary,
    /// Seats taken beyond capacity: the most seen inside a transaction, or at the end.
    pub oversold: i64,
    /// Transactions that failed.
    pub errors: u64,
}

/// The contended event and who may hold seats on it.
struct Arena {
    event_id: i64,
    first_user: i64,
    last_user: i64,
}

async fn arena(url: &str) -> anyhow::Result<Arena> {
    let client = crate::database::connect(url).await?;
    client
        .batch_execute(&format!(
            "INSERT INTO auth_user (username, first_name) \
               SELECT '+9196' || lpad(g::text, 8, '0'), 'Guest ' || g FROM generate_series(1, 1000) g;
             INSERT INTO event (host_id, title, slug, mood, venue_text, event_date, start_time, capacity, \
                                is_paid, ticket_price, is_published, published_at) \
               SELECT min(id), 'Contended event', 'contended-event', 'party', 'Somewhere', \
                      current_date + 30, '18:00', {CAPACITY}, true, 500, true, now() FROM auth_user;"
        ))
        .await
        .context("seeding the contended event")?;
    let row = client
        .query_one(
            "SELECT (SELECT id FROM event WHERE slug = 'contended-event') AS event_id, min(id) AS first_user, \
                    max(id) AS last_user FROM auth_user",
            &[],
        )
        .await?;
    Ok(Arena {
        event_id: row.get("event_id"),
        first_user: row.get("first_user"),
        last_user: row.get("last_user"),
    })
}

/// Empties the event's holds between the two sides.
async fn reset(url: &str, event_id: i64) -> anyhow::Result<()> {
    crate::database::connect(url)
        .await?
        .execute(
            "DELETE FROM capacity_reservation WHERE event_id = $1",
            &[&event_id],
        )
        .await?;
    Ok(())
}

async fn oversold_at_end(url: &str, event_id: i64) -> anyhow::Result<i64> {
    let client = crate::database::connect(url).await?;
    let taken: i64 = client
        .query_one("SELECT event_seats_taken($1) AS taken", &[&event_id])
        .await?
        .get("taken");
    Ok((taken - i64::from(CAPACITY)).max(0))
}

/// Runs both sides for `duration` each with `clients` connections on the bench database `url`.
pub async fn measure(url: &str, clients: usize, duration: Duration) -> anyhow::Result<[Run; 2]> {
    let arena = arena(url).await?;
    let ours = through_shared_ledger(url, &arena, clients, duration).await?;
    reset(url, arena.event_id).await?;
    let theirs = through_pgbench(url, &arena, clients, duration).await?;
    Ok([ours, theirs])
}

async fn through_shared_ledger(
    url: &str,
    arena: &Arena,
    clients: usize,
    duration: Duration,
) -> anyhow::Result<Run> {
    let settings = shared::platform::config::DatabaseSettings {
        url: url.to_owned().into(),
        pool_size: clients,
        tls: shared::platform::config::DatabaseTls::Disable,
        ca_bundle: None,
        iam_auth: false,
        connect_timeout: Duration::from_secs(10),
    };
    let aws = shared::platform::config::AwsSettings {
        region: None,
        endpoint_url: None,
    };
    let pool = shared::platform::db::build_pool(&settings, &aws)?;
    let deadline = Instant::now() + duration;
    let event_id = arena.event_id;
    let users = (arena.first_user, arena.last_user);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for client_no in 0..clients {
        let pool = pool.clone();
        tasks.push(tokio::spawn(async move {
            let mut client = pool.get().await?;
            let mut latencies = Vec::new();
            let (mut oversold, mut errors) = (0_i64, 0_u64);
            let mut user = users.0 + client_no as i64;
            while Instant::now() < deadline {
                let begun = Instant::now();
                let outcome: anyhow::Result<i64> = async {
                    let tx = client.transaction().await?;
                    let event = EventLock::by_id(&event_id)
                        .run(&tx)
                        .await
                        .map_err(|e| anyhow::anyhow!("{e:?}"))?
                        .ok_or_else(|| anyhow::anyhow!("no contended event"))?
                        .event;
                    if event.available > 0 {
                        tx.execute(HOLD_SQL, &[&event_id, &user]).await?;
                    } else {
                        tx.execute(RELEASE_SQL, &[&event_id]).await?;
                    }
                    tx.commit().await?;
                    Ok(-event.available)
                }
                .await;
                match outcome {
                    Ok(over) => {
                        oversold = oversold.max(over);
                        latencies.push(begun.elapsed().as_secs_f64() * 1000.0);
                    }
                    Err(_) => errors += 1,
                }
                user = if user >= users.1 { users.0 } else { user + 1 };
            }
            anyhow::Ok((latencies, oversold, errors))
        }));
    }
    let mut latencies = Vec::new();
    let (mut oversold, mut errors) = (0, 0);
    for task in tasks {
        let (l, o, e) = task.await??;
        latencies.extend(l);
        oversold = oversold.max(o);
        errors += e;
    }
    let elapsed = started.elapsed().as_secs_f64();
    pool.close();
    let transactions = latencies.len() as u64;
    Ok(Run {
        runner: "shared ledger (tokio-postgres, deadpool)",
        transactions,
        throughput: transactions as f64 / elapsed,
        latency_ms: Summary::of(&latencies),
        oversold: oversold.max(oversold_at_end(url, event_id).await?),
        errors,
    })
}

async fn through_pgbench(
    url: &str,
    arena: &Arena,
    clients: usize,
    duration: Duration,
) -> anyhow::Result<Run> {
    let log_dir = tempdir()?;
    let prefix = log_dir.join("pgbench");
    let output = tokio::process::Command::new("pgbench")
        .args(["-n", "-M", "prepared", "-j", "2", "-l"])
        .arg(format!("--log-prefix={}", prefix.display()))
        .arg(format!("-c{clients}"))
        .arg(format!("-T{}", duration.as_secs().max(1)))
        .arg(format!("-Devent_id={}", arena.event_id))
        .arg(format!("-Dcapacity={CAPACITY}"))
        .arg(format!("-Dfirst_user={}", arena.first_user))
        .arg(format!("-Dlast_user={}", arena.last_user))
        .args(["-f", PGBENCH_SCRIPT])
        .arg(url)
        .output()
        .await
        .context("running pgbench (Debian: postgresql-client)")?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    anyhow::ensure!(
        output.status.success(),
        "pgbench failed: {stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // Per-transaction log lines: client, transaction no, latency µs, script, epoch s, µs.
    let mut latencies = Vec::new();
    for entry in std::fs::read_dir(&log_dir)? {
        let text = std::fs::read_to_string(entry?.path())?;
        latencies.extend(text.lines().filter_map(|line| {
            let micros: f64 = line.split_whitespace().nth(2)?.parse().ok()?;
            Some(micros / 1000.0)
        }));
    }
    std::fs::remove_dir_all(&log_dir)?;
    let throughput = stdout
        .lines()
        .find_map(|l| l.strip_prefix("tps = "))
        .and_then(|rest| rest.split_whitespace().next()?.parse().ok())
        .context("pgbench printed no tps")?;
    let failed = stdout
        .lines()
        .find_map(|l| l.strip_prefix("number of failed transactions: "))
        .and_then(|rest| rest.split_whitespace().next()?.parse().ok())
        .unwrap_or(0);
    Ok(Run {
        runner: "pgbench -M prepared (same SQL)",
        transactions: latencies.len() as u64,
        throughput,
        latency_ms: Summary::of(&latencies),
        oversold: oversold_at_end(url, arena.event_id).await?,
        errors: failed,
    })
}

fn tempdir() -> anyhow::Result<std::path::PathBuf> {
    let dir = std::env::temp_dir().join(format!("eventhost-pgbench-{}", std::process::id()));
    if dir.exists() {
        std::fs::remove_dir_all(&dir)?;
    }
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::attendance::event_lock::EVENT_BY_ID;
    use std::path::Path;

    /// The pgbench script's statements, as the code runs them (`$n` → pgbench variables).
    pub fn script_statements() -> [String; 4] {
        let event = |sql: &str| sql.replace("$1", ":event_id");
        [
            event(EVENT_BY_ID.lock),
            event(EVENT_BY_ID.seats_taken),
            event(HOLD_SQL).replace("$2", ":user_id"),
            event(RELEASE_SQL),
        ]
    }

    /// Reads the script file (for the test that keeps it in step with the code).
    pub fn script_text(root: &Path) -> std::io::Result<String> {
        std::fs::read_to_string(root.join(PGBENCH_SCRIPT))
    }

    #[test]
    fn the_pgbench_script_runs_the_statements_of_the_code() {
        let script = script_text(Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))).unwrap();
        for statement in script_statements() {
            assert!(
                script.contains(&statement),
                "bench/seat_hold.sql does not run: {statement}"
            );
        }
    }
}
