//! `make bench`: measures and prints a table, and rewrites the results section of
//! `BENCHMARKS.md`. So far: cold starts of every function's release binary against a
//! hello-world `lambda_runtime` floor built in the same run, and the package sizes.
//!
//!   bench <release-dir> <env-file> [runs] [zip-dir]

mod cold_start;
mod runtime_api;
mod stats;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Goal: every function's init within this factor of the floor's.
const INIT_GOAL: f64 = 1.3;
/// Goal: every package at most this many MB.
const PACKAGE_GOAL_MB: f64 = 5.0;
const BEGIN: &str = "<!-- results:begin -->";
const END: &str = "<!-- results:end -->";

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let bin_dir = PathBuf::from(args.get(1).map_or("target/release", String::as_str));
    let env_file = args.get(2).map_or(".local/dev.env", String::as_str);
    let runs: usize = args.get(3).map_or(Ok(20), |r| r.parse())?;
    let zip_dir = args.get(4).map(PathBuf::from);
    let env = read_env_file(Path::new(env_file))?;

    let mut results = Vec::new();
    for subject in cold_start::subjects() {
        eprintln!("cold start: {} × {runs}", subject.binary);
        results.push(cold_start::measure(&bin_dir, &subject, &env, runs).await?);
    }
    let floor = results[0].init_ms.median;
    let mut table = String::new();
    writeln!(
        table,
        "### Cold start ({runs} runs each, binaries from `{}`, local Runtime API)\n",
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
    if let Some(zip_dir) = zip_dir {
        table.push_str(&package_sizes(&zip_dir)?);
    }
    println!("{table}");
    rewrite_results(Path::new("BENCHMARKS.md"), &table, runs)?;
    Ok(())
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
