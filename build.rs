//! Generates include/tcr.h with cbindgen, writing it only when its content
//! changes so that an unchanged build leaves the committed file untouched.
//!
//! The header reads by C object family, in the order of
//! `HEADER_SECTIONS` in src/ffi/mod.rs: cbindgen runs once per family file
//! (it would otherwise put every constant first, then every type, then
//! every function), and the parts are joined under a heading each. The
//! preamble is src/ffi/mod.rs's own documentation, and each extensible
//! input struct (an `unsafe impl Extensible`) gets its `_INIT` macro after
//! its family.

use std::path::{Path, PathBuf};

fn main() {
    let crate_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let ffi_dir = crate_dir.join("src").join("ffi");
    println!("cargo:rerun-if-changed=src/ffi");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    println!("cargo:rerun-if-changed=Cargo.toml");
    println!("cargo:rerun-if-changed=include/tcr.h");
    let major = env("CARGO_PKG_VERSION_MAJOR");
    let minor = env("CARGO_PKG_VERSION_MINOR");
    let patch = env("CARGO_PKG_VERSION_PATCH");
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

    let module = read(&ffi_dir.join("mod.rs"));
    let mut header = String::from("/*\n");
    for line in module.lines().take_while(|l| l.starts_with("//!")) {
        let text = line.trim_start_matches("//!").trim_start();
        header.push_str(if text.is_empty() { " *" } else { " * " });
        header.push_str(text);
        header.push('\n');
    }
    header.push_str(" *\n * GENERATED from src/ffi/ by build.rs (cbindgen) when the crate is built: do not edit.\n */\n\n#ifndef TCR_H\n#define TCR_H\n\n#include <stddef.h>\n#include <stdint.h>\n\n");
    header.push_str(&format!(
        "/* The version of the library this header belongs to; tcr_version() gives the library's at run time. */\n\
         #define TCR_VERSION_MAJOR {major}\n\
         #define TCR_VERSION_MINOR {minor}\n\
         #define TCR_VERSION_PATCH {patch}\n\
         #define TCR_VERSION_STRING \"{major}.{minor}.{patch}\"\n\n\
         /* Whether an output struct made by the library at run time holds `field`\n   \
         (named by this header, perhaps added after that library was built). */\n\
         #define TCR_HAS_FIELD(ptr, type, field) \\\n  \
         ((ptr)->struct_size >= offsetof(type, field) + sizeof(((type *)0)->field))\n"
    ));
    for (file, heading) in sections(&module) {
        let path = ffi_dir.join(&file);
        let source = read(&path);
        let part = match cbindgen::Builder::new()
            .with_src(&path)
            .with_config(part_config(&crate_dir, &source))
            .generate()
        {
            Ok(part) => part,
            Err(e) => panic!("cbindgen failed on {file}: {e}"),
        };
        let mut text = Vec::new();
        part.write(&mut text);
        let text = String::from_utf8(text).expect("cbindgen writes UTF-8");
        header.push_str(&format!("\n/* ==== {heading} (src/ffi/{file}) ==== */\n"));
        header.push_str(text.trim_matches('\n'));
        header.push('\n');
        for (name, init) in extensible_structs(&source) {
            header.push_str(&init_macro(&name, &init));
        }
    }
    header.push_str("\n#endif /* TCR_H */\n");
    let out = crate_dir.join("include").join("tcr.h");
    if std::fs::read_to_string(&out).ok().as_deref() != Some(header.as_str()) {
        std::fs::write(&out, header).expect("include/tcr.h is writable");
    }
}

/// cbindgen.toml's settings, for one family file: no banner, guard or
/// includes of its own (the joined header has them once), and every public
/// type of the file exported, as cbindgen would otherwise leave out those
/// that no function of the same file uses (the options struct).
fn part_config(crate_dir: &Path, source: &str) -> cbindgen::Config {
    let mut config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml"))
        .expect("cbindgen.toml is valid");
    config.header = None;
    config.include_guard = None;
    config.no_includes = true;
    config.sys_includes = Vec::new();
    config.after_includes = None;
    config.export.include = source
        .lines()
        .filter_map(|line| {
            let item = ["pub struct ", "pub enum ", "pub type "]
                .iter()
                .find_map(|prefix| line.strip_prefix(prefix))?;
            Some(
                item.chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect(),
            )
        })
        .collect();
    config
}

/// The (file, heading) pairs of `HEADER_SECTIONS` in src/ffi/mod.rs.
fn sections(module: &str) -> Vec<(String, String)> {
    let start = module
        .find("HEADER_SECTIONS")
        .expect("src/ffi/mod.rs lists HEADER_SECTIONS");
    let list = &module[start..module[start..].find("];").map(|e| start + e).unwrap()];
    list.lines()
        .filter_map(|line| {
            let line = line.trim().strip_prefix("(\"")?;
            let (file, rest) = line.split_once("\", \"")?;
            let heading = rest.strip_suffix("\"),")?;
            Some((file.to_owned(), heading.to_owned()))
        })
        .collect()
}

/// Each `unsafe impl Extensible for NAME` of a file, with its `INIT` macro's name.
fn extensible_structs(source: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut rest = source;
    while let Some(at) = rest.find("unsafe impl Extensible for ") {
        rest = &rest[at + "unsafe impl Extensible for ".len()..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        let init_at = rest
            .find("const INIT: &'static str = \"")
            .expect("an Extensible impl names its INIT macro");
        let init = &rest[init_at + "const INIT: &'static str = \"".len()..];
        found.push((name, init[..init.find('"').unwrap()].to_owned()));
    }
    found
}

/// `tcr_x x = INIT;`: in C99 a designated initialiser (the other fields are
/// zero, "not set"); in C++ before C++20, which has no designated
/// initialisers, a value-initialised struct with its size set.
fn init_macro(name: &str, init: &str) -> String {
    format!(
        "\n/* Initialises a {name}: `{name} x = {init};` sets struct_size and leaves every other field zero (not set). */\n\
         #ifdef __cplusplus\n\
         #define {init} ([]() {{ {name} tcr_init_{{}}; tcr_init_.struct_size = sizeof({name}); return tcr_init_; }}())\n\
         #else\n\
         #define {init} {{ .struct_size = sizeof({name}) }}\n\
         #endif\n"
    )
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("{name} is set by cargo"))
}
