//! Generates include/tcr.h with cbindgen, writing it only when its content
//! changes so that an unchanged build leaves the committed file untouched.

use std::path::PathBuf;

fn main() {
    let crate_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo"));
    println!("cargo:rerun-if-changed=src/ffi.rs");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    println!("cargo:rerun-if-changed=Cargo.toml");
    println!("cargo:rerun-if-changed=include/tcr.h");

    let mut config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml"))
        .expect("cbindgen.toml is valid");
    let major = env("CARGO_PKG_VERSION_MAJOR");
    let minor = env("CARGO_PKG_VERSION_MINOR");
    let patch = env("CARGO_PKG_VERSION_PATCH");
    config.after_includes = Some(format!(
        "\n/* The version of the library this header belongs to; tcr_version() gives the library's at run time. */\n\
         #define TCR_VERSION_MAJOR {major}\n\
         #define TCR_VERSION_MINOR {minor}\n\
         #define TCR_VERSION_PATCH {patch}\n\
         #define TCR_VERSION_STRING \"{major}.{minor}.{patch}\"\n"
    ));
    println!("cargo:rerun-if-env-changed=CARGO_CFG_TARGET_OS");
    if env("CARGO_CFG_TARGET_OS") == "linux" {
        // The SONAME names the ABI a program was linked against, with
        // cargo-c's rule: 0.x releases may break it at each minor version,
        // later ones at each major version.
        let soname = if major == "0" {
            format!("libtcr.so.0.{minor}")
        } else {
            format!("libtcr.so.{major}")
        };
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,{soname}");
    }
    let bindings = match cbindgen::Builder::new()
        // Only src/ffi.rs is the C surface; other modules' public items
        // (Rust-only constants, types) must not leak into the header.
        .with_src(crate_dir.join("src").join("ffi.rs"))
        .with_config(config)
        .generate()
    {
        Ok(b) => b,
        Err(e) => panic!("cbindgen failed: {e}"),
    };
    let path = crate_dir.join("include").join("tcr.h");
    // write_to_file compares with the existing content and only writes on change.
    bindings.write_to_file(&path);
}

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("{name} is set by cargo"))
}
