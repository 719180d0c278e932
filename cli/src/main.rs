//! `tcr`: TCR's actions from the shell with tccli's command lines
//! (`tccli tcr ModifyInstanceToken --RegistryId …` is `tcr
//! ModifyInstanceToken --RegistryId …`), on libtcr's Rust crate: its
//! credential chain, retries, clock correction and redaction. The
//! reference is docs/cli.md; `tcr --help` and `tcr man` are generated from
//! the same definition (cli/src/command.rs).

mod command;
mod model;
mod output;
mod params;
mod run;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let stdin = std::io::stdin();
    ExitCode::from(run::main(args, &mut stdin.lock()))
}
