//! The results section of `BENCHMARKS.md`: one block per measured section, each with its own
//! date and command, so a run of some sections (`BENCH_ONLY`, `BENCH_SCALE=large`) replaces
//! only those blocks and keeps the others as they were measured.

use std::path::Path;

const BEGIN: &str = "<!-- results:begin -->";
const END: &str = "<!-- results:end -->";

/// The sections in the order they stand in the file.
const ORDER: &[&str] = &[
    "cold",
    "cold-aws",
    "packages",
    "latency",
    "latency-large",
    "scale",
    "memory",
    "contention",
];

/// One freshly measured section: its key (one of `ORDER`) and its Markdown.
pub struct Section {
    /// Which section this is.
    pub key: &'static str,
    /// Its tables and text.
    pub body: String,
}

/// Rewrites the results of `path`: the blocks of `fresh` replace theirs, the rest stay.
pub fn rewrite(path: &Path, fresh: &[Section], stamp: &str) -> anyhow::Result<()> {
    let current = std::fs::read_to_string(path).unwrap_or_default();
    std::fs::write(path, merge(&current, fresh, stamp))?;
    Ok(())
}

/// The document with its results region rebuilt: every block of `fresh` (each headed by
/// `stamp`, the date, machine and command) in place of the block of the same key, the other
/// blocks kept, all in `ORDER`. Text in the region outside any block is dropped.
pub fn merge(document: &str, fresh: &[Section], stamp: &str) -> String {
    let (before, region, after) = match (document.find(BEGIN), document.find(END)) {
        (Some(begin), Some(end)) if end > begin => (
            document[..begin].to_owned(),
            &document[begin + BEGIN.len()..end],
            &document[end + END.len()..],
        ),
        // No region yet: it goes at the end, on a line of its own.
        _ if document.is_empty() || document.ends_with('\n') => (document.to_owned(), "", "\n"),
        _ => (format!("{document}\n"), "", "\n"),
    };
    let mut blocks: Vec<(String, String)> = blocks_of(region);
    for section in fresh {
        let block = format!(
            "{}\n{stamp}\n\n{}\n{}",
            open_tag(section.key),
            section.body.trim(),
            close_tag(section.key)
        );
        match blocks.iter_mut().find(|(key, _)| key == section.key) {
            Some(existing) => existing.1 = block,
            None => blocks.push((section.key.to_owned(), block)),
        }
    }
    let rank = |key: &str| ORDER.iter().position(|k| *k == key).unwrap_or(ORDER.len());
    blocks.sort_by_key(|(key, _)| rank(key));
    let body: Vec<&str> = blocks.iter().map(|(_, block)| block.as_str()).collect();
    format!("{before}{BEGIN}\n{}\n{END}{after}", body.join("\n\n"))
}

/// The blocks of a results region, as (key, whole block).
fn blocks_of(region: &str) -> Vec<(String, String)> {
    let mut blocks = Vec::new();
    let mut rest = region;
    while let Some(start) = rest.find("<!-- section:") {
        let tail = &rest[start + "<!-- section:".len()..];
        let Some(key_end) = tail.find(" -->") else {
            break;
        };
        let key = &tail[..key_end];
        let close = close_tag(key);
        let Some(close_at) = rest[start..].find(&close) else {
            break;
        };
        let end = start + close_at + close.len();
        blocks.push((key.to_owned(), rest[start..end].to_owned()));
        rest = &rest[end..];
    }
    blocks
}

fn open_tag(key: &str) -> String {
    format!("<!-- section:{key} -->")
}

fn close_tag(key: &str) -> String {
    format!("<!-- /section:{key} -->")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn section(key: &'static str, body: &str) -> Section {
        Section {
            key,
            body: body.to_owned(),
        }
    }

    #[test]
    fn a_partial_run_replaces_only_its_own_blocks() {
        let first = merge(
            "# Benchmarks\n\nintro\n",
            &[
                section("latency", "### Latency\nold latency"),
                section("cold", "### Cold\nold cold"),
            ],
            "_day one_",
        );
        let second = merge(
            &first,
            &[section("cold", "### Cold\nnew cold")],
            "_day two_",
        );
        assert!(second.starts_with("# Benchmarks\n\nintro\n"));
        assert!(second.contains("_day two_\n\n### Cold\nnew cold"));
        assert!(!second.contains("old cold"));
        assert!(second.contains("_day one_\n\n### Latency\nold latency"));
        // Cold stands before latency, whatever order they were measured in.
        assert!(second.find("new cold").unwrap() < second.find("old latency").unwrap());
        assert!(second.trim_end().ends_with(END));
    }

    #[test]
    fn text_after_the_region_is_kept() {
        let document = format!("head\n{BEGIN}\nlegacy table\n{END}\ntail\n");
        let merged = merge(&document, &[section("memory", "### Memory")], "_now_");
        assert!(merged.starts_with("head\n"));
        assert!(merged.ends_with(&format!("{END}\ntail\n")));
        assert!(!merged.contains("legacy table"));
        assert!(merged
            .contains("<!-- section:memory -->\n_now_\n\n### Memory\n<!-- /section:memory -->"));
    }

    #[test]
    fn a_document_without_results_gets_them_on_a_line_of_their_own() {
        let merged = merge("# Benchmarks", &[section("cold", "### Cold")], "_now_");
        assert!(merged.starts_with(&format!("# Benchmarks\n{BEGIN}\n<!-- section:cold -->")));
        assert!(merged.ends_with(&format!("{END}\n")));
    }
}
