//! `make bench`: measures and prints a table, and rewrites in the results section of
//! `BENCHMARKS.md` the blocks of the sections it ran: cold starts of every function's release
//! binary against a hello-world `lambda_runtime` floor built in the same run, package sizes,
//! seat-hold contention against pgbench running the same transaction, and warm in-process
//! latency of reads and writes against the same statements run bare (at 10 k events; with
//! `BENCH_SCALE=large` also at 1 M).
//!
//!   bench <release-dir> <env-file> [runs] [zip-dir]
//!   BENCH_ONLY=cold,cold-aws,latency,memory,contention   (the sections to run; all by default)
//!   BENCH_AWS_SECRET_ARN, BENCH_TLS_DATABASE_URL, BENCH_TLS_CA_BUNDLE  (cold-aws: the secret
//!                                and the TLS database scripts/bench.sh makes; skipped without)
//!   BENCH_COLD_SETS=3            (sets of `runs` cold starts per binary)
//!   BENCH_CONTENTION_SECS=10     (seconds per side of the contention run)

mod capture;
mod cold_start;
mod contention;
mod database;
mod latency;
mod memory;
mod results;
mod runtime_api;
mod stats;
mod write_scenarios;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Goal: every function's init within this factor of the floor's.
const INIT_GOAL: f64 = 1.3;
/// Goal: our seat-hold throughput at least this share of pgbench's.
const CONTENTION_GOAL: f64 = 0.7;
/// Goal: a handler's median within this factor of its statements run bare.
const LATENCY_GOAL: f64 = 1.5;
/// Goal: the feed's p99 at 1 M events, ms.
const FEED_P99_GOAL_MS: f64 = 20.0;
/// Goal: every function's peak RSS while serving, MB.
const MEMORY_GOAL_MB: f64 = 40.0;
/// Goal: every package at most this many MB.
const PACKAGE_GOAL_MB: f64 = 5.0;
#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let bin_dir = PathBuf::from(args.get(1).map_or("target/release", String::as_str));
    let env_file = args.get(2).map_or(".local/dev.env", String::as_str);
    let runs: usize = args.get(3).map_or(Ok(20), |r| r.parse())?;
    let zip_dir = args.get(4).map(PathBuf::from);
    let env = read_env_file(Path::new(env_file))?;

    let only = std::env::var("BENCH_ONLY").unwrap_or_default();
    let wanted = |section: &str| only.is_empty() || only.split(',').any(|s| s.trim() == section);
    let mut sections: Vec<results::Section> = Vec::new();
    if wanted("cold") {
        sections.push(results::Section {
            key: "cold",
            body: cold_starts(&bin_dir, &env, runs).await?,
        });
    }
    if wanted("cold-aws") {
        match aws_shape() {
            Some(shape) => sections.push(results::Section {
                key: "cold-aws",
                body: aws_shaped_cold_starts(&bin_dir, &env, runs, &shape).await?,
            }),
            None => eprintln!("cold-aws skipped: BENCH_AWS_SECRET_ARN, BENCH_TLS_DATABASE_URL and BENCH_TLS_CA_BUNDLE are not all set"),
        }
    }
    if let Some(zip_dir) = zip_dir {
        sections.push(results::Section {
            key: "packages",
            body: package_sizes(&zip_dir)?,
        });
    }
    // The owner's URL (the bench creates and copies databases); the app role's otherwise.
    let dev_url = ["MIGRATE_DATABASE_URL", "DATABASE_URL"]
        .iter()
        .find_map(|name| env.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()))
        .ok_or_else(|| anyhow::anyhow!("{env_file} has no DATABASE_URL"))?;
    let admin_url = database::url_for(&dev_url, "postgres");
    if wanted("latency") {
        let mut scales = vec![database::DEFAULT_SCALE];
        if std::env::var("BENCH_SCALE").as_deref() == Ok("large") {
            scales.push(database::LARGE_SCALE);
        }
        let mut feeds = Vec::new();
        for scale in scales {
            let url = database::fresh(&admin_url).await?;
            let figures = latency::measure(&url, &env, scale).await?;
            sections.push(results::Section {
                key: if scale.events == database::LARGE_SCALE.events {
                    "latency-large"
                } else {
                    "latency"
                },
                body: latency_table(&figures, scale)?,
            });
            feeds.extend(
                figures
                    .into_iter()
                    .filter(|f| f.name.starts_with("discovery"))
                    .map(|f| (scale, f)),
            );
        }
        // Growth needs both sizes from one run: a default run keeps the last large run's table.
        if feeds
            .iter()
            .any(|(scale, _)| scale.events == database::LARGE_SCALE.events)
        {
            sections.push(results::Section {
                key: "scale",
                body: scale_table(&feeds)?,
            });
        }
    }
    if wanted("memory") {
        // On the latency run's database (seeded at the default scale; made here when that
        // section did not run).
        if !wanted("latency") {
            let url = database::fresh(&admin_url).await?;
            database::seed(&database::connect(&url).await?, database::DEFAULT_SCALE).await?;
        }
        sections.push(results::Section {
            key: "memory",
            body: memory_table(&bin_dir, &env, &admin_url).await?,
        });
    }
    if wanted("contention") {
        let url = database::fresh(&admin_url).await?;
        let seconds: u64 = std::env::var("BENCH_CONTENTION_SECS").map_or(Ok(10), |s| s.parse())?;
        eprintln!("contention: 64 clients × {seconds} s, shared ledger then pgbench");
        let runs = contention::measure(&url, 64, std::time::Duration::from_secs(seconds)).await?;
        sections.push(results::Section {
            key: "contention",
            body: contention_table(&runs, seconds)?,
        });
    }
    for section in &sections {
        println!("{}", section.body);
    }
    results::rewrite(Path::new("BENCHMARKS.md"), &sections, &stamp(runs))?;
    Ok(())
}

async fn cold_starts(
    bin_dir: &Path,
    env: &[(String, String)],
    runs: usize,
) -> anyhow::Result<String> {
    let subjects = cold_start::subjects();
    let sets: usize = std::env::var("BENCH_COLD_SETS").map_or(Ok(3), |s| s.parse())?;
    let mut measured = Vec::with_capacity(sets);
    for set in 1..=sets {
        eprintln!(
            "cold start, set {set} of {sets}: {} binaries × {runs}, round-robin (shuffled)",
            subjects.len()
        );
        measured.push(cold_start::measure_all(bin_dir, &subjects, env, runs).await?);
    }
    cold_start::table("Cold start", &measured, runs, bin_dir, INIT_GOAL)
}

fn aws_shape() -> Option<cold_start::AwsShape> {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    Some(cold_start::AwsShape {
        secret_arn: var("BENCH_AWS_SECRET_ARN")?,
        tls_database_url: var("BENCH_TLS_DATABASE_URL")?,
        ca_bundle: var("BENCH_TLS_CA_BUNDLE")?,
    })
}

/// The cold start as in AWS (configuration from Secrets Manager, the first connection over
/// verified TLS) beside the same binary configured from the environment, and the floor.
async fn aws_shaped_cold_starts(
    bin_dir: &Path,
    env: &[(String, String)],
    runs: usize,
    shape: &cold_start::AwsShape,
) -> anyhow::Result<String> {
    let subjects = cold_start::aws_shaped_subjects(shape);
    let sets: usize = std::env::var("BENCH_COLD_SETS").map_or(Ok(3), |s| s.parse())?;
    let mut measured = Vec::with_capacity(sets);
    for set in 1..=sets {
        eprintln!(
            "AWS-shaped cold start, set {set} of {sets}: Secrets Manager (moto) + TLS Postgres"
        );
        measured.push(cold_start::measure_all(bin_dir, &subjects, env, runs).await?);
    }
    let mut table = cold_start::table(
        "Cold start as in AWS: configuration from Secrets Manager, Postgres over verified TLS",
        &measured,
        runs,
        bin_dir,
        INIT_GOAL,
    )?;
    table.push_str(
        "\nInit includes the GetSecretValue call (moto on loopback: no network latency, so AWS \
         adds its round trip to the endpoint); the first response includes the first Postgres \
         connection, its TLS handshake and certificate check. `hello-secret` is the floor that \
         makes the same call: the fair floor for a function configured from Secrets Manager.\n",
    );
    Ok(table)
}

fn latency_table(figures: &[latency::Figures], scale: database::Scale) -> anyhow::Result<String> {
    let mut out = format!(
        "\n### Warm latency in-process ({}: {} users, {} attendees)\n\n\
         The handler is called with a built API Gateway event on a warm pool; \"bare\" replays the \
         statements it ran (recorded on the wire, same parameters) through one tokio-postgres \
         connection. Medians and p99 of 300 calls after 20 warm-up calls. Writes get a fresh \
         subject per call (a new requester, another pending request, another ticket); their \
         call is recorded on a copy of the database and replayed on the original with ROLLBACK \
         for COMMIT and the id sequences set back, so every replay starts from the same state (its \
         dead rows vacuumed every 10 replays, untimed). \
         Both sides run with `synchronous_commit = off` (no WAL flush on either); the SQS send \
         after a commit is left out (no queue configured), its outbox statements are in.\n\n\
         | request | statements | handler p50 ms | p99 ms | bare SQL p50 ms | p99 ms | × bare (p50) | goal (≤ {LATENCY_GOAL}×) |\n\
         |---|---|---|---|---|---|---|---|\n",
        scale.name, scale.users, scale.attendees
    );
    for f in figures {
        let ratio = f.handler_ms.median / f.bare_ms.median.max(f64::MIN_POSITIVE);
        let verdict = if ratio <= LATENCY_GOAL {
            "met".to_owned()
        } else {
            format!("**missed** ({ratio:.2}×)")
        };
        writeln!(
            out,
            "| {} | {} | {:.3} | {:.3} | {:.3} | {:.3} | {ratio:.2} | {verdict} |",
            f.name,
            f.statements,
            f.handler_ms.median,
            f.handler_ms.p99,
            f.bare_ms.median,
            f.bare_ms.p99
        )?;
    }
    Ok(out)
}

fn scale_table(feeds: &[(database::Scale, latency::Figures)]) -> anyhow::Result<String> {
    let mut out = String::from(
        "\n### Scale: the discovery feed by database size\n\n| feed | events | p50 ms | p99 ms | p99 growth vs 10 k | goal (p99 < 20 ms at 1 M, growth ≤ 2×) |\n|---|---|---|---|---|---|\n",
    );
    for (scale, f) in feeds {
        let base = feeds
            .iter()
            .find(|(s, g)| s.events == database::DEFAULT_SCALE.events && g.name == f.name)
            .map(|(_, g)| g.handler_ms.p99);
        let growth = base.map(|b| f.handler_ms.p99 / b.max(f64::MIN_POSITIVE));
        let verdict = if scale.events < database::LARGE_SCALE.events {
            "baseline".to_owned()
        } else if f.handler_ms.p99 < FEED_P99_GOAL_MS && growth.is_some_and(|g| g <= 2.0) {
            "met".to_owned()
        } else {
            "**missed**".to_owned()
        };
        writeln!(
            out,
            "| {} | {} | {:.3} | {:.3} | {} | {verdict} |",
            f.name,
            scale.events,
            f.handler_ms.median,
            f.handler_ms.p99,
            growth.map_or("–".to_owned(), |g| format!("{g:.2}×"))
        )?;
    }
    Ok(out)
}

async fn memory_table(
    bin_dir: &Path,
    env: &[(String, String)],
    admin_url: &str,
) -> anyhow::Result<String> {
    let url = database::url_for(admin_url, database::BENCH_DATABASE);
    let mut env: Vec<(String, String)> = env
        .iter()
        .filter(|(k, _)| k != "DATABASE_URL")
        .cloned()
        .collect();
    env.push(("DATABASE_URL".into(), url.clone()));
    let config = shared::Config::from_lookup(|name| {
        env.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
    })?;
    let user: uuid::Uuid = database::connect(&url)
        .await?
        .query_one("SELECT uuid FROM auth_user WHERE id = 1", &[])
        .await?
        .get("uuid");
    let token =
        shared::auth::TokenKeys::new(&config.tokens).issue_access(user, chrono::Utc::now())?;
    let mut out = format!(
        "\n### Peak memory while serving ({} invocations each, signed-in reads on the bench database; workers: empty batches)\n\n\
         | function | peak RSS MiB | answered | first status | goal (≤ {MEMORY_GOAL_MB} MB) |\n|---|---|---|---|---|\n",
        memory::INVOCATIONS
    );
    for subject in cold_start::subjects().iter().skip(1) {
        eprintln!("memory: {} × {}", subject.binary, memory::INVOCATIONS);
        let peak = memory::measure(bin_dir, subject, &env, &token).await?;
        let megabytes = peak.peak_mib * 1.048_576;
        let verdict = if megabytes <= MEMORY_GOAL_MB {
            "met"
        } else {
            "**missed**"
        };
        writeln!(
            out,
            "| {} | {:.1} | {} | {} | {verdict} |",
            peak.binary,
            peak.peak_mib,
            peak.answered,
            peak.first_status
                .map_or("batch".to_owned(), |s| s.to_string())
        )?;
    }
    Ok(out)
}

fn contention_table(runs: &[contention::Run; 2], seconds: u64) -> anyhow::Result<String> {
    let mut out = format!(
        "\n### Seat-hold contention (64 clients, one {}-seat event, {seconds} s each)\n\n\
         | runner | transactions | per second | p50 ms | p99 ms | oversold | errors |\n|---|---|---|---|---|---|---|\n",
        contention::CAPACITY
    );
    for run in runs {
        writeln!(
            out,
            "| {} | {} | {:.0} | {:.2} | {:.2} | {} | {} |",
            run.runner,
            run.transactions,
            run.throughput,
            run.latency_ms.median,
            run.latency_ms.p99,
            run.oversold,
            run.errors
        )?;
    }
    let share = runs[0].throughput / runs[1].throughput.max(f64::MIN_POSITIVE);
    let verdict = if share >= CONTENTION_GOAL && runs.iter().all(|r| r.oversold == 0) {
        "met"
    } else {
        "**missed**"
    };
    writeln!(
        out,
        "\nOurs is {:.0} % of pgbench's throughput (goal ≥ {:.0} %, no seat oversold): {verdict}.",
        share * 100.0,
        CONTENTION_GOAL * 100.0
    )?;
    Ok(out)
}

fn package_sizes(zip_dir: &Path) -> anyhow::Result<String> {
    let mut out = format!("\n### Package size (`cargo lambda build --release --output-format zip`)\n\n| function | zip MB | goal (≤ {PACKAGE_GOAL_MB} MB) |\n|---|---|---|\n");
    let mut entries: Vec<_> = std::fs::read_dir(zip_dir)?.flatten().collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let zip = entry.path().join("bootstrap.zip");
        if let Ok(meta) = std::fs::metadata(&zip) {
            let mb = meta.len() as f64 / 1_000_000.0;
            let verdict = if mb <= PACKAGE_GOAL_MB {
                "met"
            } else {
                "**missed**"
            };
            writeln!(
                out,
                "| {} | {mb:.2} | {verdict} |",
                entry.file_name().to_string_lossy()
            )?;
        }
    }
    Ok(out)
}

fn read_env_file(path: &Path) -> anyhow::Result<Vec<(String, String)>> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| anyhow::anyhow!("{}: {e} (make dev writes it)", path.display()))?;
    Ok(text
        .lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().trim_matches('"').to_owned()))
        .collect())
}

/// The line that heads each block measured by this run: when, on what, with which command.
fn stamp(runs: usize) -> String {
    let machine = format!(
        "{} CPUs, {}",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        std::fs::read_to_string("/proc/cpuinfo")
            .ok()
            .and_then(
                |c| c.lines().find(|l| l.starts_with("model name")).map(|l| l
                    .split(':')
                    .nth(1)
                    .unwrap_or("")
                    .trim()
                    .to_owned())
            )
            .unwrap_or_default()
    );
    let settings: Vec<String> = ["BENCH_ONLY", "BENCH_SCALE", "BENCH_PACKAGES", "BENCH_RUNS"]
        .iter()
        .filter_map(|name| Some(format!("{name}={}", std::env::var(name).ok()?)))
        .collect();
    let command = [settings.join(" "), "make bench".to_owned()].join(" ");
    format!(
        "_Measured {} on {machine}; command: `{}` ({runs} runs per binary)._",
        chrono::Utc::now().format("%Y-%m-%d %H:%M UTC"),
        command.trim()
    )
}
