//! `make openapi` / `make routes`: writes what the route table (`shared::contract::operations`)
//! determines: the OpenAPI document (`openapi.json`, or the path given), the API guide
//! (`docs/API.md`), the `cargo lambda watch` router in `Cargo.toml` and the `HttpApi` events
//! of `template.yaml`. The committed files must match (tests fail when they are stale).

use shared::contract::routes;

fn rewrite(path: &str, generate: impl Fn(&str) -> Result<String, String>) -> std::io::Result<()> {
    let text = std::fs::read_to_string(path)?;
    let written = generate(&text).map_err(std::io::Error::other)?;
    if written != text {
        std::fs::write(path, written)?;
        println!("wrote {path}");
    }
    Ok(())
}

fn main() -> std::io::Result<()> {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| format!("{root}/openapi.json"));
    std::fs::write(&path, shared::contract::document_text())?;
    println!("wrote {path}");
    let guide = format!("{root}/docs/API.md");
    std::fs::create_dir_all(format!("{root}/docs"))?;
    std::fs::write(&guide, shared::contract::guide_text())?;
    println!("wrote {guide}");
    rewrite(
        &format!("{root}/Cargo.toml"),
        routes::cargo_toml_with_routes,
    )?;
    rewrite(
        &format!("{root}/template.yaml"),
        routes::template_with_routes,
    )?;
    Ok(())
}
