//! Build script shared by every function (and the bench floor): how its `bootstrap` is linked.
//!
//! - Position-dependent (`-no-pie`): a PIE binary of this size spends about 40 % of its cold
//!   start in the dynamic loader applying relative relocations (each one a copy-on-write page
//!   fault); a non-PIE executable has them resolved at link time.
//! - Start-up code first (`link-order.txt`, written by `scripts/link-order.sh`): the ~300 kB of
//!   functions run between exec and the first `GET /next` are scattered over 6 MB of code, and
//!   each 64 kB the kernel maps per fault costs one; laid out together they take a few. Only
//!   for release builds by the default linker (rust-lld) on x86_64 Linux, the build the
//!   symbol names were taken from; a name the binary does not have is skipped.
//!
//! `make bench` measures both (init time and page faults against the floor).

use std::path::Path;

fn main() {
    let env = |name: &str| std::env::var(name).unwrap_or_default();
    println!("cargo:rerun-if-env-changed=LINK_MAP_DIR");
    if env("CARGO_CFG_TARGET_OS") != "linux" || env("CARGO_CFG_TARGET_ENV") != "gnu" {
        return;
    }
    println!("cargo:rustc-link-arg-bins=-no-pie");

    let order = Path::new(&env("CARGO_MANIFEST_DIR")).join("../build/link-order.txt");
    println!("cargo:rerun-if-changed={}", order.display());
    // RUSTC_LINKER is set when a linker is configured (cargo lambda's zig, a cross linker):
    // the ordering flags are rust-lld's, and the names are those of this target's build.
    let default_linker = std::env::var_os("RUSTC_LINKER").is_none();
    if env("PROFILE") != "release" || env("CARGO_CFG_TARGET_ARCH") != "x86_64" || !default_linker {
        return;
    }
    if order.exists() {
        println!(
            "cargo:rustc-link-arg-bins=-Wl,--symbol-ordering-file={}",
            order.display()
        );
        println!("cargo:rustc-link-arg-bins=-Wl,--no-warn-symbol-ordering");
    }
    // scripts/link-order.sh reads the linker's map to name the code a start runs.
    let map_dir = env("LINK_MAP_DIR");
    if !map_dir.is_empty() {
        // a function's binary is named after its package; the bench package's floor is its own
        let package = env("CARGO_PKG_NAME");
        let binary = if package == "bench" {
            "hello-lambda"
        } else {
            &package
        };
        println!("cargo:rustc-link-arg-bin={binary}=-Wl,-Map={map_dir}/{binary}.map");
    }
}
