//! Build script shared by every function: links its `bootstrap` as a position-dependent
//! executable. A PIE binary of this size spends about 40 % of its cold start in the dynamic
//! loader applying relative relocations (each one a copy-on-write page fault); a non-PIE
//! executable has them resolved at link time. `make bench` measures the difference.

fn main() {
    let linux_gnu = std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux")
        && std::env::var("CARGO_CFG_TARGET_ENV").as_deref() == Ok("gnu");
    if linux_gnu {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
}
