//! The layout a newcomer relies on, kept by tests: an area's SQL is in its `store.rs`.

use std::path::{Path, PathBuf};

/// Files of an area that build SQL on purpose outside its store, each for the reason its own
/// header gives: the feed's per-filter builder, the event-key fragments, the event and order
/// locks (`event_lookup!`, `order_lookup!`), the organiser fragments and the hourly counts.
const BUILDERS: &[&str] = &[
    "events/discovery.rs",
    "events/key.rs",
    "attendance/event_lock.rs",
    "attendance/mod.rs",
    "attendance/write_limits.rs",
    "payments/order_lock.rs",
];

/// A string literal that opens an SQL statement.
fn statement_start() -> regex::Regex {
    regex::Regex::new(r#""\s*(SELECT |INSERT INTO |UPDATE [a-z_]+ ([a-z] )?SET |DELETE FROM |WITH [a-z_]+ AS \()"#)
        .unwrap()
}

/// Each area folder of `shared/src` (not the contract, nor the app that joins them).
fn areas() -> Vec<PathBuf> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/src");
    let mut areas: Vec<PathBuf> = std::fs::read_dir(src)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_dir())
        .filter(|path| !path.ends_with("contract") && !path.ends_with("app"))
        .collect();
    areas.sort();
    areas
}

/// The statements that open in `path`'s production code (its unit tests may write their own).
fn statements_in(path: &Path) -> usize {
    let source = std::fs::read_to_string(path).unwrap();
    let production = source.split("#[cfg(test)]").next().unwrap();
    statement_start().find_iter(production).count()
}

#[test]
fn every_sql_statement_of_an_area_is_named_in_its_store() {
    let mut outside = Vec::new();
    let mut in_stores = 0;
    for area in areas() {
        for entry in std::fs::read_dir(&area).unwrap() {
            let path = entry.unwrap().path();
            let name = format!(
                "{}/{}",
                area.file_name().unwrap().to_string_lossy(),
                path.file_name().unwrap().to_string_lossy()
            );
            let statements = statements_in(&path);
            if name.ends_with("/store.rs") {
                in_stores += statements;
            } else if statements > 0 && !BUILDERS.contains(&name.as_str()) {
                outside.push(format!("{name}: {statements}"));
            }
        }
    }
    assert!(
        outside.is_empty(),
        "SQL outside its area's store.rs (name it there): {outside:?}"
    );
    // The scan sees the statements it guards: every area's store holds them.
    assert!(
        in_stores > 100,
        "only {in_stores} statements found in the stores"
    );
}
