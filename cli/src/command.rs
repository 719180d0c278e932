//! The command line: tccli's common options, one subcommand per TCR action
//! of the model (its parameters typed), any other action by name, and
//! `completions` and `man`. Options may come before or after the action,
//! as with tccli.

use crate::model::{Kind, Model, Param};
use crate::output::Format;
use crate::params::parse_value;
use clap::builder::{PossibleValuesParser, ValueParser};
use clap::{Arg, ArgAction, Command};
use serde_json::Value;

/// The action with a typed entry point in libtcr.
pub const MODIFY_INSTANCE_TOKEN: &str = "ModifyInstanceToken";

const ABOUT: &str = "Tencent Cloud TCR from the shell: tccli's command lines, libtcr's \
credentials, retries and redaction, and a start-up in milliseconds";

const AFTER_HELP: &str = "\
Examples:
  tcr ModifyInstanceToken --RegistryId tcr-12345 --TokenId 2ab3af0d-893d-423f-91b1-27713566f95f --Enable false
  tcr DescribeInstanceToken --RegistryId tcr-12345 --Limit 20 --filter 'Tokens[].Id' --output text
  tcr ModifyInstanceToken --cli-input-json file://disable.json --dry-run

Exit status: 0 done; 1 internal error; 2 bad arguments (nothing sent);
3 credentials; 4 network; 5 timeout; 6 the service answered with an error;
7 the reply was not what the API documents.";

fn option(name: &'static str, value: &'static str, help: &'static str) -> Arg {
    Arg::new(name)
        .long(name)
        .value_name(value)
        .help(help)
        .global(true)
        .help_heading("Common options")
}

fn flag(name: &'static str, help: &'static str) -> Arg {
    Arg::new(name)
        .long(name)
        .help(help)
        .action(ArgAction::SetTrue)
        .global(true)
        .help_heading("Common options")
}

fn common(command: Command) -> Command {
    command.args([
        option("region", "REGION", "Region to sign for, e.g. ap-guangzhou (else TENCENTCLOUD_REGION, else tccli's profile)"),
        option("profile", "NAME", "Profile of ~/.tencentcloud/credentials and of ~/.tccli (else TENCENTCLOUD_PROFILE / TCCLI_PROFILE)"),
        option("endpoint", "HOST|URL", "Where to send: a host (HTTPS) or an http(s):// URL (else TCR_ENDPOINT, else tcr.tencentcloudapi.com)"),
        option("timeout", "SECONDS", "Time for the whole call, retries included (default 60, at most 600)"),
        option("output", "FORMAT", "How to print the reply").value_parser(PossibleValuesParser::new(Format::NAMES)).default_value("json"),
        option("filter", "JMESPATH", "Print only what this JMESPath expression selects from the reply"),
        option("cli-input-json", "file://PATH|-", "Read the parameters from a JSON file, or from standard input with -; the command line's values override it"),
        option("generate-cli-skeleton", "input", "Print a JSON skeleton of the action's parameters, for --cli-input-json, and send nothing")
            .num_args(0..=1)
            .default_missing_value("input")
            .value_parser(["input"]),
        flag("dry-run", "Print the signed request (signature, token and key masked) and send nothing"),
        option("secretId", "ID", "SecretId (visible to other users in the process list: prefer the environment or a profile)"),
        option("secretKey", "KEY", "SecretKey (visible to other users in the process list: prefer the environment or a profile)"),
        option("token", "TOKEN", "Session token of temporary keys given with --secretId and --secretKey"),
        option("role-arn", "ARN", "Assume this role (STS AssumeRole) over the credentials found"),
        option("role-session-name", "NAME", "RoleSessionName of the role assumed (default tcr-<time>)"),
        flag("use-cvm-role", "Use the CVM instance role's keys only"),
        option("language", "LANG", "Language of the service's messages").value_parser(["zh-CN", "en-US"]),
        option("https-proxy", "URL", "Send through this proxy (else HTTPS_PROXY; NO_PROXY is honoured)"),
        option("ca-bundle", "FILE", "Trust these PEM CA certificates instead of the built-in roots"),
        option("max-attempts", "N", "Attempts per call, 1 to 10 (default 3; retries are only those that are safe)"),
        flag("debug", "Log each attempt to stderr (no secret is ever logged)"),
    ])
}

/// A value parser that types a value as `kind`.
fn typed(kind: Kind) -> ValueParser {
    ValueParser::new(move |text: &str| -> Result<Value, String> {
        parse_value(kind, text).map_err(|usage| usage.0)
    })
}

/// What `tcr ModifyInstanceToken --help` says of each parameter.
fn modify_help(name: &str) -> &'static str {
    match name {
        "RegistryId" => "The instance, e.g. tcr-12345 (required)",
        "TokenId" => "The long-term access credential's id (required)",
        "Enable" => {
            "true enables the credential, false disables it (with ModifyFlag 2, the default)"
        }
        "Desc" => "The new description, at most 1,024 characters (with ModifyFlag 1)",
        "ModifyFlag" => "1: change the description; 2: enable or disable (the default)",
        _ => "",
    }
}

fn param_arg(action: &str, param: &Param) -> Arg {
    let help = match (action == MODIFY_INSTANCE_TOKEN, param.required) {
        (true, _) => modify_help(&param.name),
        (false, true) => "required",
        (false, false) => "",
    };
    let arg = Arg::new(param.name.clone())
        .long(param.name.clone())
        .value_name(param.kind.name())
        .help(help)
        .help_heading("Parameters");
    if action == MODIFY_INSTANCE_TOKEN && param.name == "ModifyFlag" {
        // The typed action's ModifyFlag: 1 (description) or 2 (enable).
        arg.value_parser(ValueParser::new(|text: &str| -> Result<Value, String> {
            match text.trim() {
                "1" => Ok(Value::from(1)),
                "2" => Ok(Value::from(2)),
                _ => Err(
                    "--ModifyFlag is 1 (modify the description) or 2 (enable or disable)"
                        .to_owned(),
                ),
            }
        }))
    } else {
        arg.value_parser(typed(param.kind))
    }
}

fn action_command(name: &str, params: &[Param]) -> Command {
    let command = Command::new(name.to_owned());
    // Only the typed action has a sentence: the others are the service's,
    // listed by name (the service's reference documents them).
    let command = if name == MODIFY_INSTANCE_TOKEN {
        command.about("Enable, disable or re-describe a long-term access credential (typed)")
    } else {
        command
    };
    command.args(params.iter().map(|p| param_arg(name, p)))
}

/// The command. `only`: the model's actions to define (all when `None`:
/// for help, completions and the manual page; a call defines just its own,
/// which keeps start-up short). `extra` is an action the model does not
/// know, with the parameter names its command line used (typed as
/// `Kind::Any`).
pub fn build(model: &Model, only: Option<&[&str]>, extra: Option<(&str, &[String])>) -> Command {
    let mut command = common(
        Command::new("tcr")
            .version(env!("CARGO_PKG_VERSION"))
            .long_version(format!(
                "{} (TCR API {})",
                env!("CARGO_PKG_VERSION"),
                model.version
            ))
            .about(ABOUT)
            .after_help(AFTER_HELP)
            .subcommand_value_name("ACTION")
            .subcommand_help_heading("Actions")
            .arg_required_else_help(true)
            .term_width(120)
            .allow_external_subcommands(true),
    );
    command = command
        .subcommand(
            Command::new("completions")
                .about("Print the shell completion script for SHELL")
                .arg(
                    Arg::new("shell")
                        .required(true)
                        .value_parser(clap::value_parser!(clap_complete::Shell)),
                ),
        )
        .subcommand(Command::new("man").about("Print the manual page (roff)"));
    match only {
        None => {
            for (name, params) in model.actions() {
                command = command.subcommand(action_command(name, &params));
            }
        }
        Some(names) => {
            for name in names {
                if let Some(params) = model.action(name) {
                    command = command.subcommand(action_command(name, &params));
                }
            }
        }
    }
    if let Some((name, names)) = extra {
        let params: Vec<Param> = names.iter().map(|n| Param::any(n)).collect();
        command = command.subcommand(action_command(name, &params));
    }
    command
}

/// The parameter names (`--Name` or `--Name=value`, a capital first) that
/// the words after an action the model does not know use.
pub fn param_names(words: &[std::ffi::OsString]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for word in words.iter().filter_map(|w| w.to_str()) {
        let Some(rest) = word.strip_prefix("--") else {
            continue;
        };
        let name = rest.split('=').next().unwrap_or("");
        if name.starts_with(|c: char| c.is_ascii_uppercase())
            && name.chars().all(|c| c.is_ascii_alphanumeric())
            && !names.iter().any(|n| n == name)
        {
            names.push(name.to_owned());
        }
    }
    names
}
