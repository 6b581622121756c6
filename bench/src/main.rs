//! `make bench`: measures and prints a table, and rewrites the results section of
//! `BENCHMARKS.md`: cold starts of every function's release binary against a hello-world
//! `lambda_runtime` floor built in the same run, package sizes, and seat-hold contention
//! against pgbench running the same transaction, and warm in-process latency of reads and
//! writes against the same statements run bare (at 10 k events; with `BENCH_SCALE=large` also
//! at 1 M).
//!
//!   bench <release-dir> <env-file> [runs] [zip-dir]
//!   BENCH_ONLY=cold,latency,memory,contention   (the sections to run; all by default)
//!   BENCH_CONTENTION_SECS=10     (seconds per side of the contention run)

mod capture;
mod cold_start;
mod contention;
mod database;
mod latency;
mod memory;
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
const BEGIN: &str = "<!-- results:begin -->";
const END: &str = "<!-- results:end -->";

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
    let mut table = String::new();
    if wanted("cold") {
        table.push_str(&cold_starts(&bin_dir, &env, runs).await?);
    }
    if let Some(zip_dir) = zip_dir {
        table.push_str(&package_sizes(&zip_dir)?);
    }
    let dev_url = env
        .iter()
        .find(|(k, _)| k == "DATABASE_URL")
        .map(|(_, v)| v.clone())
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
            table.push_str(&latency_table(&figures, scale)?);
            feeds.extend(
                figures
                    .into_iter()
                    .filter(|f| f.name.starts_with("discovery"))
                    .map(|f| (scale, f)),
            );
        }
        table.push_str(&scale_table(&feeds)?);
    }
    if wanted("memory") {
        // On the latency run's database (seeded at the default scale; made here when that
        // section did not run).
        if !wanted("latency") {
            let url = database::fresh(&admin_url).await?;
            database::seed(&database::connect(&url).await?, database::DEFAULT_SCALE).await?;
        }
        table.push_str(&memory_table(&bin_dir, &env, &admin_url).await?);
    }
    if wanted("contention") {
        let url = database::fresh(&admin_url).await?;
        let seconds: u64 = std::env::var("BENCH_CONTENTION_SECS").map_or(Ok(10), |s| s.parse())?;
        eprintln!("contention: 64 clients × {seconds} s, shared ledger then pgbench");
        let runs = contention::measure(&url, 64, std::time::Duration::from_secs(seconds)).await?;
        table.push_str(&contention_table(&runs, seconds)?);
    }
    println!("{table}");
    rewrite_results(Path::new("BENCHMARKS.md"), &table, runs)?;
    Ok(())
}

async fn cold_starts(
    bin_dir: &Path,
    env: &[(String, String)],
    runs: usize,
) -> anyhow::Result<String> {
    let mut table = String::new();
    let subjects = cold_start::subjects();
    eprintln!(
        "cold start: {} binaries × {runs}, round-robin",
        subjects.len()
    );
    let results = cold_start::measure_all(bin_dir, &subjects, env, runs).await?;
    let floor = results[0].init_ms.median;
    writeln!(
        table,
        "### Cold start ({runs} runs each, round-robin, binaries from `{}`, local Runtime API)\n",
        bin_dir.display()
    )?;
    writeln!(table, "| binary | init median ms | init p90 ms | × floor | first response median ms | p90 ms | RSS after init MiB | goal (init ≤ {INIT_GOAL}× floor) |")?;
    writeln!(table, "|---|---|---|---|---|---|---|---|")?;
    for r in &results {
        let ratio = r.init_ms.median / floor;
        let verdict = if r.binary == "hello-lambda" {
            "floor".to_owned()
        } else if ratio <= INIT_GOAL {
            "met".to_owned()
        } else {
            format!("**missed** ({ratio:.2}×)")
        };
        writeln!(
            table,
            "| {} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} | {:.1} | {} |",
            r.binary,
            r.init_ms.median,
            r.init_ms.p90,
            ratio,
            r.first_response_ms.median,
            r.first_response_ms.p90,
            r.rss_mib.median,
            verdict
        )?;
    }
    writeln!(table, "\nFirst answers (proof the handler ran):\n")?;
    for r in &results {
        writeln!(
            table,
            "- {}: `{}`",
            r.binary,
            r.sample_answer.replace('`', "'")
        )?;
    }
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
            "(run `BENCH_SCALE=large make bench` for 1 M)".to_owned()
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
        .get(0);
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

fn rewrite_results(path: &Path, table: &str, runs: usize) -> anyhow::Result<()> {
    let current = std::fs::read_to_string(path).unwrap_or_default();
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
    let section = format!(
        "{BEGIN}\n_Measured {} on {machine}; command: `make bench` ({runs} runs per binary)._\n\n{table}\n{END}",
        chrono::Utc::now().format("%Y-%m-%d %H:%M UTC")
    );
    let updated = match (current.find(BEGIN), current.find(END)) {
        (Some(begin), Some(end)) if end > begin => {
            format!(
                "{}{section}{}",
                &current[..begin],
                &current[end + END.len()..]
            )
        }
        _ => format!("{current}\n{section}\n"),
    };
    std::fs::write(path, updated)?;
    Ok(())
}
