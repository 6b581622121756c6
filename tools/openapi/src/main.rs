//! `make openapi`: writes the OpenAPI document the code generates to `openapi.json` (or the
//! path given), so the committed file, the TypeScript client and schemathesis share it, and the
//! API guide written from the same route table to `docs/API.md`.

fn main() -> std::io::Result<()> {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| format!("{root}/openapi.json"));
    std::fs::write(&path, shared::openapi::document_text())?;
    println!("wrote {path}");
    let guide = format!("{root}/docs/API.md");
    std::fs::create_dir_all(format!("{root}/docs"))?;
    std::fs::write(&guide, shared::openapi::guide_text())?;
    println!("wrote {guide}");
    Ok(())
}
