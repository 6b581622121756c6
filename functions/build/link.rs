//! Build script shared by every function (and the bench floors): how its `bootstrap` is linked.
//!
//! Position-dependent (`-no-pie`): a PIE binary of this size spends about 40 % of its cold
//! start in the dynamic loader applying relative relocations (each one a copy-on-write page
//! fault); a non-PIE executable has them resolved at link time. The loader does the same work
//! on arm64 (`R_AARCH64_RELATIVE`), and the flag holds for the arm64 packages that ship: cargo
//! lambda's zig build of `profile` is an `EXEC` with no relative relocations (BENCHMARKS.md,
//! 2026-12-03). `make bench` measures the time on this machine (init and page faults against
//! the floor).

fn main() {
    let env = |name: &str| std::env::var(name).unwrap_or_default();
    if env("CARGO_CFG_TARGET_OS") == "linux" && env("CARGO_CFG_TARGET_ENV") == "gnu" {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
}
