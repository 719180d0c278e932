//! One invocation: arguments → request → (dry run | call) → output, and
//! the exit status of each class of failure (docs/cli.md, "Exit status").

use crate::command::{self, MODIFY_INSTANCE_TOKEN};
use crate::model::{Model, Param};
use crate::output::{self, Filter, Format};
use crate::params::{self, Request, Usage};
use clap::ArgMatches;
use serde_json::Value;
use std::ffi::OsString;
use std::io::{Read, Write};
use std::time::Duration;
use tcr::client::SignedRequest;
use tcr::error::Kind;
use tcr::{CallSettings, Client, ClientOptions, Error, ModifyInstanceToken, Sources};

/// Exit statuses (docs/cli.md lists them).
pub const EXIT_OK: u8 = 0;
pub const EXIT_INTERNAL: u8 = 1;
pub const EXIT_USAGE: u8 = 2;
pub const EXIT_CREDENTIALS: u8 = 3;
pub const EXIT_NETWORK: u8 = 4;
pub const EXIT_TIMEOUT: u8 = 5;
pub const EXIT_SERVICE: u8 = 6;
pub const EXIT_PROTOCOL: u8 = 7;

fn exit_status(error: &Error) -> u8 {
    match error.kind() {
        Kind::InvalidArgument => EXIT_USAGE,
        Kind::Credentials => EXIT_CREDENTIALS,
        Kind::Network => EXIT_NETWORK,
        Kind::Timeout => EXIT_TIMEOUT,
        Kind::Api => EXIT_SERVICE,
        Kind::Protocol => EXIT_PROTOCOL,
        Kind::Ok | Kind::Internal | Kind::Cancelled => EXIT_INTERNAL,
    }
}

/// The command-line name of a library argument, for error messages.
fn option_name(field: &str) -> String {
    let name = match field {
        "registry_id" => "--RegistryId",
        "token_id" => "--TokenId",
        "enable" => "--Enable",
        "desc" => "--Desc",
        "modify_flag" => "--ModifyFlag",
        "secret_id" => "--secretId",
        "secret_key" => "--secretKey",
        "session_token" => "--token",
        "proxy" => "--https-proxy",
        "params" | "params_json" => "the parameters",
        other => return format!("--{}", other.replace('_', "-")),
    };
    name.to_owned()
}

/// One line for stderr: control characters escaped, so that nothing a
/// peer sent can start a line of its own in a log.
fn line(text: &str) -> String {
    text.chars()
        .flat_map(|c| {
            if c.is_control() {
                c.escape_default().collect::<Vec<_>>()
            } else {
                vec![c]
            }
        })
        .collect()
}

fn report(action: &str, error: &Error) -> u8 {
    let text = match error {
        Error::InvalidArgument { field, reason } => format!("{} {reason}", option_name(field)),
        Error::Api(api) => format!(
            "{action} failed: {}: {} (RequestId {})",
            api.code, api.message, api.request_id
        ),
        other => format!("{action}: {other}"),
    };
    eprintln!("tcr: {}", line(&text));
    exit_status(error)
}

fn usage(Usage(text): Usage) -> u8 {
    eprintln!("tcr: {}", line(&text));
    eprintln!("(tcr --help lists the options; tcr ACTION --help an action's parameters)");
    EXIT_USAGE
}

/// Writes to stdout; a reader that went away (`| head`) is not an error.
fn print(text: &str) -> u8 {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => EXIT_OK,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => EXIT_OK,
        Err(e) => {
            eprintln!("tcr: writing the output: {e}");
            EXIT_INTERNAL
        }
    }
}

pub fn main(args: Vec<OsString>, stdin: &mut dyn Read) -> u8 {
    let model = Model::load();
    // The actions the words name (a value that happens to be an action's
    // name only adds that action); none: define them all, for help,
    // suggestions and actions the model does not know.
    let named: Vec<&str> = args
        .iter()
        .skip(1)
        .filter_map(|w| w.to_str())
        .filter(|w| model.knows(w))
        .collect();
    let version_only = args.len() == 2 && (args[1] == "--version" || args[1] == "-V");
    let only = (!named.is_empty() || version_only).then_some(named.as_slice());
    let matches = match command::build(&model, only, None).try_get_matches_from(&args) {
        Ok(m) => m,
        Err(e) => return clap_exit(e),
    };
    let (name, sub) = matches.subcommand().expect("a subcommand is required");
    match name {
        "completions" => {
            let shell = *sub
                .get_one::<clap_complete::Shell>("shell")
                .expect("shell is required");
            let mut script = Vec::new();
            clap_complete::generate(
                shell,
                &mut command::build(&model, None, None),
                "tcr",
                &mut script,
            );
            print(&String::from_utf8_lossy(&script))
        }
        "man" => {
            let mut page = Vec::new();
            match clap_mangen::Man::new(command::build(&model, None, None)).render(&mut page) {
                Ok(()) => print(&String::from_utf8_lossy(&page)),
                Err(e) => {
                    eprintln!("tcr: man: {e}");
                    EXIT_INTERNAL
                }
            }
        }
        action if model.knows(action) => {
            let params = model.action(action).expect("known");
            invoke(&model, action, &params, sub, stdin)
        }
        action => {
            // An action the model does not know: its command line names its
            // parameters; parse again with them defined.
            let words: Vec<OsString> = sub
                .get_many::<OsString>("")
                .map(|w| w.cloned().collect())
                .unwrap_or_default();
            if let Err(e) = tcr::action::check_action(action) {
                return usage(Usage(format!(
                    "{action:?}: {}",
                    match e {
                        Error::InvalidArgument { reason, .. } => reason,
                        other => other.to_string(),
                    }
                )));
            }
            if let Some(close) = model.closest(action) {
                eprintln!(
                    "tcr: note: {action} is not a TCR action tcr knows (API {}); passed on as given. Did you mean {close}?",
                    model.version
                );
            }
            let names = command::param_names(&words);
            // Only the action at hand: none of the model's is named.
            let matches = match command::build(&model, Some(&[]), Some((action, &names)))
                .try_get_matches_from(&args)
            {
                Ok(m) => m,
                Err(e) => return clap_exit(e),
            };
            let (_, sub) = matches.subcommand().expect("the action");
            let params: Vec<Param> = names.iter().map(|n| Param::any(n)).collect();
            invoke(&model, action, &params, sub, stdin)
        }
    }
}

fn clap_exit(e: clap::Error) -> u8 {
    use clap::error::ErrorKind;
    let _ = e.print();
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => EXIT_OK,
        _ => EXIT_USAGE,
    }
}

/// What the common options say, read once.
struct Common<'m> {
    format: Format,
    filter: Option<Filter>,
    dry_run: bool,
    debug: bool,
    matches: &'m ArgMatches,
}

impl<'m> Common<'m> {
    fn get(&self, name: &str) -> Option<&'m str> {
        self.matches.get_one::<String>(name).map(String::as_str)
    }
}

fn invoke(
    model: &Model,
    action: &str,
    params: &[Param],
    m: &ArgMatches,
    stdin: &mut dyn Read,
) -> u8 {
    let format = Format::parse(
        m.get_one::<String>("output")
            .map(String::as_str)
            .unwrap_or("json"),
    )
    .expect("clap checked --output");
    let filter = match m.get_one::<String>("filter").map(|f| Filter::compile(f)) {
        Some(Ok(f)) => Some(f),
        Some(Err(e)) => return usage(Usage(e)),
        None => None,
    };
    let common = Common {
        format,
        filter,
        dry_run: m.get_flag("dry-run"),
        debug: m.get_flag("debug"),
        matches: m,
    };
    if m.get_one::<String>("generate-cli-skeleton").is_some() {
        if !model.knows(action) {
            return usage(Usage(format!(
                "tcr does not know the parameters of {action}, so it has no skeleton"
            )));
        }
        return print(&output::json(&model.skeleton(params)));
    }
    let input = match common
        .get("cli-input-json")
        .map(|spec| params::read_input(spec, stdin))
    {
        Some(Ok(input)) => Some(input),
        Some(Err(e)) => return usage(e),
        None => None,
    };
    let given: Vec<(String, Value)> = params
        .iter()
        .filter_map(|p| {
            m.get_one::<Value>(&p.name)
                .map(|v| (p.name.clone(), v.clone()))
        })
        .collect();
    let request = match params::merge(action, params, input, given) {
        Ok(r) => r,
        Err(e) => return usage(e),
    };
    let typed = if action == MODIFY_INSTANCE_TOKEN {
        match Typed::from(&request) {
            Ok(t) => Some(t),
            Err(e) => return usage(e),
        }
    } else {
        None
    };
    let client = match client(&common) {
        Ok(c) => c,
        Err(e) => return report(action, &e),
    };
    if common.debug {
        client.set_log_level(tcr::log::Level::Debug);
    }
    let body = request.to_json();
    if common.dry_run {
        let prepared = match &typed {
            Some(t) => client.prepare_modify_instance_token(&t.request()),
            None => client.prepare_call(action, &body),
        };
        return match prepared {
            Ok(p) => print(&dry_run(&p)),
            Err(e) => report(action, &e),
        };
    }
    let settings = CallSettings::default();
    let reply = match &typed {
        Some(t) => client
            .modify_instance_token(&t.request(), settings)
            .result
            .map(|r| r.response_json),
        None => client
            .call(action, &body, settings)
            .result
            .map(|r| r.response_json),
    };
    match reply {
        Ok(json) => show(action, &json, &common),
        Err(e) => report(action, &e),
    }
}

fn show(action: &str, response_json: &str, common: &Common<'_>) -> u8 {
    let not_json = |e: serde_json::Error| {
        eprintln!("tcr: {action}: the reply's Response is not JSON: {e}");
        EXIT_PROTOCOL
    };
    if common.filter.is_none() && common.format == Format::Json {
        // As sent: pretty-printed from the reply's own text, in its order.
        return match output::json_text(response_json) {
            Ok(text) => print(&text),
            Err(e) => not_json(e),
        };
    }
    let value: Value = match serde_json::from_str(response_json) {
        Ok(v) => v,
        Err(e) => return not_json(e),
    };
    let value = match &common.filter {
        Some(filter) => match filter.apply(&value) {
            Ok(v) => v,
            Err(e) => {
                let id = value["RequestId"].as_str().unwrap_or("");
                eprintln!("tcr: {action} succeeded (RequestId {id}), but {}", line(&e));
                return EXIT_INTERNAL;
            }
        },
        None => value,
    };
    print(&output::render(&value, common.format, action))
}

/// ModifyInstanceToken's request, typed for libtcr's own entry point.
struct Typed {
    registry_id: String,
    token_id: String,
    enable: Option<bool>,
    desc: Option<String>,
    modify_flag: Option<i64>,
}

impl Typed {
    fn from(request: &Request) -> Result<Typed, Usage> {
        let wrong = |name: &str, what: &str| {
            Usage(format!("{MODIFY_INSTANCE_TOKEN}: {name} must be {what}"))
        };
        let string = |name: &str| -> Result<Option<String>, Usage> {
            match request.get(name) {
                None => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.clone())),
                Some(_) => Err(wrong(name, "a string")),
            }
        };
        if let Some(unknown) = request
            .names()
            .find(|k| !["RegistryId", "TokenId", "Enable", "Desc", "ModifyFlag"].contains(k))
        {
            return Err(Usage(format!(
                "{MODIFY_INSTANCE_TOKEN} has no parameter {unknown:?}"
            )));
        }
        let enable = match request.get("Enable") {
            None => None,
            Some(Value::Bool(b)) => Some(*b),
            Some(_) => return Err(wrong("Enable", "true or false")),
        };
        let modify_flag = match request.get("ModifyFlag") {
            None => None,
            Some(v) => match v.as_i64() {
                Some(f @ (1 | 2)) => Some(f),
                _ => {
                    return Err(wrong(
                        "ModifyFlag",
                        "1 (modify the description) or 2 (enable or disable)",
                    ))
                }
            },
        };
        Ok(Typed {
            registry_id: string("RegistryId")?.unwrap_or_default(),
            token_id: string("TokenId")?.unwrap_or_default(),
            enable,
            desc: string("Desc")?,
            modify_flag,
        })
    }

    fn request(&self) -> ModifyInstanceToken<'_> {
        ModifyInstanceToken {
            registry_id: &self.registry_id,
            token_id: &self.token_id,
            enable: self.enable,
            desc: self.desc.as_deref(),
            modify_flag: self.modify_flag,
        }
    }
}

fn client(common: &Common<'_>) -> Result<Client, Error> {
    let timeout = match common.get("timeout") {
        None => None,
        Some(text) => match text.trim().parse::<f64>() {
            Ok(s) if s.is_finite() && s > 0.0 && s <= 1e6 => Some(Duration::from_secs_f64(s)),
            _ => {
                return Err(Error::InvalidArgument {
                    field: "timeout",
                    reason: format!("wants a number of seconds above 0, not {text:?}"),
                })
            }
        },
    };
    let max_attempts = match common.get("max-attempts") {
        None => None,
        Some(text) => Some(
            text.trim()
                .parse::<u32>()
                .map_err(|_| Error::InvalidArgument {
                    field: "max_attempts",
                    reason: format!("wants a whole number from 1 to 10, not {text:?}"),
                })?,
        ),
    };
    let source = common
        .matches
        .get_flag("use-cvm-role")
        .then_some("cvm-role");
    // The CVM metadata service's address, for tests against an emulator
    // (as TCR_ENDPOINT and TCR_STS_ENDPOINT are for the API and STS).
    let metadata_url = std::env::var("TCR_METADATA_URL")
        .ok()
        .filter(|v| !v.is_empty());
    Client::new(&ClientOptions {
        credentials: Sources {
            secret_id: common.get("secretId"),
            secret_key: common.get("secretKey"),
            session_token: common.get("token"),
            profile: common.get("profile"),
            role_arn: common.get("role-arn"),
            role_session_name: common.get("role-session-name"),
            source,
            metadata_url: metadata_url.as_deref(),
            ..Sources::default()
        },
        region: common.get("region"),
        endpoint: common.get("endpoint"),
        language: common.get("language"),
        timeout,
        max_attempts,
        proxy: common.get("https-proxy"),
        ca_bundle: common.get("ca-bundle"),
        ..ClientOptions::default()
    })
}

/// The SecretId in an Authorization header, all but its first four and
/// last four characters masked.
fn mask_id(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    if chars.len() <= 12 {
        return "****".to_owned();
    }
    let head: String = chars[..4].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}****{tail}")
}

/// `Authorization` with the SecretId masked and the signature replaced.
fn masked_authorization(value: &str) -> String {
    value
        .split(", ")
        .map(|part| {
            if let Some((algo, rest)) = part.split_once("Credential=") {
                let (id, tail) = rest.split_once('/').unwrap_or((rest, ""));
                format!("{algo}Credential={}/{tail}", mask_id(id))
            } else if part.starts_with("Signature=") {
                format!("Signature={}", tcr::peer_text::REDACTED)
            } else {
                part.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// What --dry-run prints: the request as it would go on the wire.
fn dry_run(request: &SignedRequest) -> String {
    let mut text = format!("POST {}\n", request.url);
    for (name, value) in &request.headers {
        let shown = match *name {
            "Authorization" => masked_authorization(value),
            "X-TC-Token" => tcr::peer_text::REDACTED.to_owned(),
            _ => value.clone(),
        };
        text.push_str(&format!("{name}: {shown}\n"));
    }
    text.push('\n');
    text.push_str(&String::from_utf8_lossy(&request.body));
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authorization_is_masked() {
        let auth = "TC3-HMAC-SHA256 Credential=AKIDEXAMPLE1234567890/2026-12-02/tcr/tc3_request, SignedHeaders=content-type;host, Signature=0123abcd";
        assert_eq!(
            masked_authorization(auth),
            "TC3-HMAC-SHA256 Credential=AKID****7890/2026-12-02/tcr/tc3_request, SignedHeaders=content-type;host, Signature=[redacted]"
        );
        assert_eq!(mask_id("AKIDSHORT"), "****");
    }

    #[test]
    fn peer_text_cannot_start_a_line() {
        assert_eq!(line("a\nb\r\u{1b}[31m"), "a\\nb\\r\\u{1b}[31m");
    }

    #[test]
    fn library_fields_are_named_as_options() {
        assert_eq!(option_name("registry_id"), "--RegistryId");
        assert_eq!(option_name("ca_bundle"), "--ca-bundle");
        assert_eq!(option_name("max_attempts"), "--max-attempts");
    }
}
