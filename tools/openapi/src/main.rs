//! `make openapi`: writes the OpenAPI document the code generates to `openapi.json` (or the
//! path given), so the committed file, the TypeScript client and schemathesis share it.

fn main() -> std::io::Result<()> {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| concat!(env!("CARGO_MANIFEST_DIR"), "/../../openapi.json").to_owned());
    std::fs::write(&path, shared::openapi::document_text())?;
    println!("wrote {path}");
    Ok(())
}
