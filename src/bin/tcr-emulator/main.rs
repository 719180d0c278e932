//! tcr-emulator: a local stand-in for tcr.tencentcloudapi.com, for tests,
//! demos and users' own test suites. See `tcr-emulator --help`.

mod clock;
mod http;
mod service;
mod tls;

use service::{Emulator, Fault, FaultParams, IdleFault, Key, Oidc, Role, Settings, TokenState};
use std::collections::HashMap;
use std::io::{BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::Arc;
use std::time::Duration;

/// The path prefix of the CVM metadata service's role credentials.
const METADATA_PREFIX: &str = "/latest/meta-data/cam/security-credentials/";

/// The key pair used when no --key is given, so `tcr-emulator` alone works
/// for a demo. It is a made-up test value, not a real credential.
const DEMO_SECRET_ID: &str = "AKIDEMULATOR0000000000000000000000000";
const DEMO_SECRET_KEY: &str = "EmulatorDemoSecretKey000000000000";
/// The seed example's token, used when no --token is given.
const DEMO_REGISTRY: &str = "tcr-12345";
const DEMO_TOKEN: &str = "2ab3af0d-893d-423f-91b1-27713566f95f";

const HELP: &str = "\
tcr-emulator: a local Tencent Cloud TCR endpoint (a token's lifecycle, CVM roles, STS)

Prints its base URL (http://HOST:PORT) as the first line of stdout, then
serves until killed.

Options:
  --listen ADDR          address to listen on (default 127.0.0.1:0, a free port)
  --key ID:KEY[:TOKEN]   accept this key pair; with TOKEN it is temporary and
                         requests must send X-TC-Token. Repeatable. Default:
                         AKIDEMULATOR0000000000000000000000000:EmulatorDemoSecretKey000000000000
  --token REG:ID[:on|off[:DESC]]
                         seed a long-term credential of instance REG. Repeatable.
                         Default: tcr-12345:2ab3af0d-893d-423f-91b1-27713566f95f:on
  --role NAME[:TTL]      serve CVM instance-role credentials for role NAME at
                         /latest/meta-data/cam/security-credentials/ (each
                         fetch issues a new temporary key valid TTL seconds,
                         default 7200)
  --sts-role ARN          STS AssumeRole (API 2018-08-13, signed with service
                         sts by any accepted key) grants this role. Repeatable.
  --oidc-provider ID, --oidc-role ARN, --oidc-token TOKEN
                         STS AssumeRoleWithWebIdentity grants ARN to requests
                         with this ProviderId and one of these tokens
                         (--oidc-token is repeatable, for a rotated token)
  --sts-lifetime SECONDS lifetime of the keys STS grants (default: the
                         request's DurationSeconds, else 7200)
  --tls-cert PATH        serve HTTPS with a certificate for 127.0.0.1 and
                         localhost, signed by a CA made at start, whose PEM
                         is written to PATH (to trust as a CA bundle)
  --rate N               requests per second per SecretId before
                         RequestLimitExceeded (default 20, 0 = no limit)
  --max-skew SECONDS     accepted clock difference of X-TC-Timestamp (default 300)
  --clock-offset SECONDS run the service's clock this far ahead (negative:
                         behind) of the host's; replies carry it in Date
  --no-verify            accept any signature (for benchmarks only)
  --fault MODE           start with a fault (see below) applied to every request
  --log                  print one line per API request on stderr
  --help                 this text

Also answers requests sent to it as a proxy (absolute-form request lines).

Control endpoints (unsigned):
  GET  /_emulator/state     token state as JSON
  GET  /_emulator/stats     request counters (requests, accepted, rejected,
                            faults, proxied, metadata_fetches, connections)
                            and answers by code
  GET  /_emulator/requests  the last 64 requests (headers without
                            Authorization/X-TC-Token, and bodies)
  POST /_emulator/reset     zero counters, forget requests, clear faults,
                            the clock back to --clock-offset
  GET  /_emulator/clock     {\"offset\": SECONDS, \"now\": UNIX_TIME}
  POST /_emulator/clock?offset=SECONDS  shift the service's clock
  POST /_emulator/fault?mode=MODE[&count=N][&delay_ms=N][&status=N][&code=CODE]
                         [&body=PERCENT-ENCODED][&length=BYTES][&action=ACTION]
       action: only requests of this X-TC-Action get the fault (e.g.
       AssumeRole); the others are served normally.
       MODE: none, drop, reset-before (RST, no reply), reset (RST mid-reply),
       delay, http5xx, garbage, no-response,
       no-request-id, error; count = how many requests (default: all);
       delay_ms with a mode other than delay waits before the fault
       (the idle modes excepted, below).
       What real gateways and middleboxes do to an idle keep-alive
       connection, delay_ms (default 50) after each normal reply unless the
       next request came first: idle-close (FIN), idle-reset (RST),
       stray-reply (an unsolicited second reply; the connection stays
       open), idle-408 (408 Request Timeout, then close).
       Hostile replies: big-body (Content-Length: length, default 200 MiB,
       of filler actually sent), endless-body (chunked filler without end),
       echo-headers (status, default 502: an HTML page quoting every request
       header, secrets included; status=200: a JSON error whose Message
       quotes them), body (status, default 200, with exactly BODY, and
       date=HTTP-DATE as its Date header, or date= for none).
       A flood stops when the client goes away, or after 1 GiB or 60 s.

The service's actions: a long-term access credential's lifecycle, with the
request and reply shapes of Tencent's API documents: CreateInstanceToken,
DescribeInstanceToken, ModifyInstanceToken and DeleteInstanceToken; and
STS's AssumeRole and AssumeRoleWithWebIdentity (version 2018-08-13), whose
temporary keys the TCR side then accepts with their session token.
";

fn fail(message: &str) -> ! {
    eprintln!("tcr-emulator: {message}");
    std::process::exit(2);
}

struct Args {
    listen: String,
    settings: Settings,
    fault: Option<Fault>,
    tls_cert: Option<String>,
}

fn parse_args() -> Args {
    let mut listen = "127.0.0.1:0".to_owned();
    let mut role = None;
    let mut tls_cert = None;
    let mut keys = HashMap::new();
    let mut tokens = Vec::new();
    let mut rate = 20.0;
    let mut max_skew = 300;
    let mut verify = true;
    let mut log = false;
    let mut fault = None;
    let mut sts_roles = Vec::new();
    let mut oidc = None::<Oidc>;
    let mut sts_lifetime = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| {
            args.next()
                .unwrap_or_else(|| fail(&format!("{name} needs a value")))
        };
        match arg.as_str() {
            "--help" | "-h" => {
                print!("{HELP}");
                std::process::exit(0);
            }
            "--listen" => listen = value("--listen"),
            "--key" => {
                let v = value("--key");
                let mut parts = v.splitn(3, ':');
                let (Some(id), Some(key)) = (parts.next(), parts.next()) else {
                    fail("--key wants ID:KEY[:TOKEN]")
                };
                if id.is_empty() || key.is_empty() {
                    fail("--key wants ID:KEY[:TOKEN] with a non-empty ID and KEY");
                }
                keys.insert(
                    id.to_owned(),
                    Key {
                        secret_key: key.to_owned(),
                        session_token: parts.next().map(str::to_owned),
                        expires_at: None,
                    },
                );
            }
            "--role" => {
                let v = value("--role");
                let (name, ttl) = match v.split_once(':') {
                    Some((name, ttl)) => (
                        name.to_owned(),
                        ttl.parse()
                            .unwrap_or_else(|_| fail("--role TTL wants seconds")),
                    ),
                    None => (v, 7200),
                };
                if name.is_empty() || ttl <= 0 {
                    fail("--role wants NAME[:TTL] with a name and a positive TTL");
                }
                role = Some(Role { name, ttl });
            }
            "--tls-cert" => tls_cert = Some(value("--tls-cert")),
            "--sts-role" => sts_roles.push(value("--sts-role")),
            "--oidc-provider" => {
                oidc.get_or_insert_with(Oidc::default).provider_id = value("--oidc-provider")
            }
            "--oidc-role" => oidc.get_or_insert_with(Oidc::default).role_arn = value("--oidc-role"),
            "--oidc-token" => oidc
                .get_or_insert_with(Oidc::default)
                .tokens
                .push(value("--oidc-token")),
            "--sts-lifetime" => {
                sts_lifetime = Some(
                    value("--sts-lifetime")
                        .parse::<i64>()
                        .ok()
                        .filter(|t| *t > 0)
                        .unwrap_or_else(|| {
                            fail("--sts-lifetime wants a positive number of seconds")
                        }),
                )
            }
            "--token" => {
                let v = value("--token");
                let mut parts = v.splitn(4, ':');
                let (Some(registry), Some(id)) = (parts.next(), parts.next()) else {
                    fail("--token wants REGISTRY:TOKEN_ID[:on|off[:DESC]]")
                };
                let enabled = match parts.next() {
                    None | Some("on") => true,
                    Some("off") => false,
                    Some(other) => fail(&format!("--token state {other:?} is not on or off")),
                };
                tokens.push((
                    registry.to_owned(),
                    id.to_owned(),
                    TokenState {
                        enabled,
                        desc: parts.next().unwrap_or("").to_owned(),
                        created_at: 1_700_000_000,
                    },
                ));
            }
            "--rate" => {
                rate = value("--rate")
                    .parse()
                    .unwrap_or_else(|_| fail("--rate wants a number"))
            }
            "--max-skew" => {
                max_skew = value("--max-skew")
                    .parse()
                    .unwrap_or_else(|_| fail("--max-skew wants seconds"))
            }
            "--clock-offset" => clock::start_with(
                value("--clock-offset")
                    .parse()
                    .ok()
                    .filter(|o: &i64| o.abs() <= clock::MAX_OFFSET)
                    .unwrap_or_else(|| fail("--clock-offset wants seconds (within ten years)")),
            ),
            "--no-verify" => verify = false,
            "--log" => log = true,
            "--fault" => {
                let mode = value("--fault");
                let defaults = FaultParams {
                    delay_ms: Some(1000),
                    status: Some(500),
                    code: Some("InternalError"),
                    body: Some(r#"{"Response":{"RequestId":"emulator-fixed-body"}}"#),
                    length: None,
                    date: None,
                };
                fault = Fault::parse(&mode, &defaults).unwrap_or_else(|e| fail(&e));
            }
            other => fail(&format!("unknown option {other:?}; see --help")),
        }
    }
    if keys.is_empty() {
        keys.insert(
            DEMO_SECRET_ID.to_owned(),
            Key {
                secret_key: DEMO_SECRET_KEY.to_owned(),
                session_token: None,
                expires_at: None,
            },
        );
    }
    if tokens.is_empty() {
        tokens.push((
            DEMO_REGISTRY.to_owned(),
            DEMO_TOKEN.to_owned(),
            TokenState {
                enabled: true,
                desc: String::new(),
                created_at: 1_700_000_000,
            },
        ));
    }
    if let Some(o) = &oidc {
        if o.provider_id.is_empty() || o.role_arn.is_empty() || o.tokens.is_empty() {
            fail("workload identity wants --oidc-provider, --oidc-role and at least one --oidc-token");
        }
    }
    let settings = Settings {
        keys,
        role,
        sts_roles,
        oidc,
        sts_lifetime,
        tokens,
        rate,
        max_skew,
        verify,
        log,
    };
    Args {
        listen,
        settings,
        fault,
        tls_cert,
    }
}

/// A connection: plain TCP or TLS over TCP, with the socket at hand for
/// faults that act below HTTP (drop, reset).
trait Conn: Read + Write {
    fn tcp(&self) -> &TcpStream;
}

impl Conn for TcpStream {
    fn tcp(&self) -> &TcpStream {
        self
    }
}

impl Conn for rustls::StreamOwned<rustls::ServerConnection, TcpStream> {
    fn tcp(&self) -> &TcpStream {
        &self.sock
    }
}

fn main() {
    let args = parse_args();
    let tls = args
        .tls_cert
        .as_deref()
        .map(|path| tls::server_config(path).unwrap_or_else(|e| fail(&e)));
    let emulator = Arc::new(Emulator::new(args.settings));
    emulator.set_fault(args.fault, None, 0, None);
    let listen = &args.listen;
    let listener = TcpListener::bind(listen)
        .unwrap_or_else(|e| fail(&format!("cannot listen on {listen}: {e}")));
    let addr = listener
        .local_addr()
        .unwrap_or_else(|e| fail(&format!("no local address: {e}")));
    {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(
            out,
            "{}://{addr}",
            if tls.is_some() { "https" } else { "http" }
        );
        let _ = out.flush();
    }
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        emulator
            .stats
            .connections
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let emulator = Arc::clone(&emulator);
        let tls = tls.clone();
        let spawned = std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(move || {
                let _ = stream.set_nodelay(true);
                let _ = stream.set_read_timeout(Some(IDLE_READ_TIMEOUT));
                match tls {
                    None => serve_connection(stream, &emulator),
                    Some(config) => match rustls::ServerConnection::new(config) {
                        Ok(conn) => {
                            serve_connection(rustls::StreamOwned::new(conn, stream), &emulator)
                        }
                        Err(e) => eprintln!("tcr-emulator: TLS setup failed: {e}"),
                    },
                }
            });
        if let Err(e) = spawned {
            eprintln!("tcr-emulator: cannot start a connection thread: {e}");
        }
    }
}

fn serve_connection<C: Conn>(stream: C, emulator: &Emulator) {
    let mut reader = BufReader::new(stream);
    loop {
        let request = match http::read_request(&mut reader) {
            Ok(http::ReadOutcome::Request(r)) => r,
            Ok(http::ReadOutcome::Bad(status, why)) => {
                let _ = http::write_response(
                    reader.get_mut(),
                    status,
                    "text/plain",
                    why.as_bytes(),
                    false,
                );
                return;
            }
            Ok(http::ReadOutcome::Closed) | Err(_) => return,
        };
        let keep_alive = request.keep_alive;
        let writer = reader.get_mut();
        let written = match request.path() {
            "/" => match emulator.handle_api(&request) {
                service::Outcome::Reply(status, content_type, body) => {
                    http::write_response(writer, status, content_type, &body, keep_alive)
                }
                service::Outcome::ReplyDated(status, content_type, body, date) => {
                    http::write_response_dated(
                        writer,
                        status,
                        content_type,
                        &body,
                        keep_alive,
                        &date,
                    )
                }
                service::Outcome::Drop => {
                    let _ = writer.tcp().shutdown(Shutdown::Both);
                    return;
                }
                service::Outcome::Reset(partial) => {
                    let _ = writer.write_all(&partial);
                    let _ = writer.flush();
                    reset(writer.tcp());
                    return;
                }
                service::Outcome::Flood(length) => {
                    flood(writer, length);
                    let _ = writer.tcp().shutdown(Shutdown::Both);
                    return;
                }
                service::Outcome::ReplyThenIdle(status, content_type, body, fault, after_ms) => {
                    let written =
                        http::write_response(writer, status, content_type, &body, keep_alive);
                    if written.is_err() || !keep_alive {
                        return;
                    }
                    if !misbehave_when_idle(&mut reader, fault, after_ms) {
                        return;
                    }
                    continue;
                }
            },
            path if path.starts_with(METADATA_PREFIX) && request.method == "GET" => {
                match emulator.metadata(&path[METADATA_PREFIX.len()..]) {
                    Some((status, body)) => {
                        http::write_response(writer, status, "text/plain", &body, keep_alive)
                    }
                    None => http::write_response(
                        writer,
                        404,
                        "text/plain",
                        b"no CAM role (start with --role)",
                        keep_alive,
                    ),
                }
            }
            path if path.starts_with("/_emulator/") => {
                control(writer, emulator, &request, keep_alive)
            }
            _ => http::write_response(
                writer,
                404,
                "text/plain",
                b"not found; the API is at /",
                keep_alive,
            ),
        };
        if written.is_err() || !keep_alive {
            return;
        }
    }
}

/// Waits up to `after_ms` for the client's next request; if none comes,
/// does to the idle connection what `fault` says. Returns whether to keep
/// serving the connection.
fn misbehave_when_idle<C: Conn>(
    reader: &mut BufReader<C>,
    fault: IdleFault,
    after_ms: u64,
) -> bool {
    use std::io::{BufRead, ErrorKind};
    let tcp_timeout = |reader: &BufReader<C>, t| reader.get_ref().tcp().set_read_timeout(Some(t));
    if tcp_timeout(reader, Duration::from_millis(after_ms.max(1))).is_err() {
        return false;
    }
    let idle = match reader.fill_buf() {
        Ok([]) => return false, // the client closed it
        Ok(_) => false,         // the next request came first
        Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => true,
        Err(_) => return false,
    };
    if tcp_timeout(reader, IDLE_READ_TIMEOUT).is_err() {
        return false;
    }
    if !idle {
        return true;
    }
    let conn = reader.get_mut();
    match fault {
        IdleFault::Close => {
            let _ = conn.tcp().shutdown(Shutdown::Both);
            false
        }
        IdleFault::Reset => {
            reset(conn.tcp());
            false
        }
        IdleFault::StrayReply => {
            let stray = br#"{"Response":{"RequestId":"stray-reply-nobody-asked-for"}}"#;
            http::write_response(conn, 200, "application/json", stray, true).is_ok()
                && conn.flush().is_ok()
        }
        IdleFault::RequestTimeout => {
            let _ = conn.write_all(
                b"HTTP/1.1 408 Request Timeout\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            );
            let _ = conn.flush();
            let _ = conn.tcp().shutdown(Shutdown::Both);
            false
        }
    }
}

/// A 200 reply whose body never ends in time: `length` bytes announced and
/// sent (or chunked without end), stopping when the client goes away, or
/// after 1 GiB or 60 s so that the emulator never runs unbounded.
fn flood<W: Write>(writer: &mut W, length: Option<u64>) {
    const MAX_BYTES: u64 = 1 << 30;
    const MAX_TIME: Duration = Duration::from_secs(60);
    let head = match length {
        Some(n) => format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {n}\r\n\r\n"
        ),
        None => "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
            .to_owned(),
    };
    if writer.write_all(head.as_bytes()).is_err() {
        return;
    }
    let filler = [b' '; 64 * 1024];
    let chunk_head = format!("{:x}\r\n", filler.len());
    let started = std::time::Instant::now();
    let mut sent = 0u64;
    let total = length.unwrap_or(u64::MAX).min(MAX_BYTES);
    while sent < total && started.elapsed() < MAX_TIME {
        let n = (total - sent).min(filler.len() as u64) as usize;
        let written = if length.is_some() {
            writer.write_all(&filler[..n])
        } else {
            writer
                .write_all(chunk_head.as_bytes())
                .and_then(|()| writer.write_all(&filler))
                .and_then(|()| writer.write_all(b"\r\n"))
        };
        if written.is_err() {
            return;
        }
        sent += n as u64;
    }
    let _ = writer.flush();
}

/// How long an idle keep-alive connection is kept before the emulator
/// closes it, so that threads do not pile up.
const IDLE_READ_TIMEOUT: Duration = Duration::from_secs(120);

/// Closes with a TCP reset (SO_LINGER 0) rather than an orderly FIN.
fn reset(stream: &TcpStream) {
    use std::os::fd::AsRawFd;
    let linger = libc::linger {
        l_onoff: 1,
        l_linger: 0,
    };
    // SAFETY: a valid socket descriptor and a correctly sized linger struct.
    unsafe {
        libc::setsockopt(
            stream.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_LINGER,
            (&linger as *const libc::linger).cast(),
            std::mem::size_of::<libc::linger>() as libc::socklen_t,
        );
    }
    let _ = stream.shutdown(Shutdown::Both);
}

fn clock_json() -> Vec<u8> {
    format!(
        "{{\"offset\": {}, \"now\": {}}}",
        clock::offset(),
        clock::now()
    )
    .into_bytes()
}

fn control<W: Write>(
    writer: &mut W,
    emulator: &Emulator,
    req: &http::Request,
    keep_alive: bool,
) -> std::io::Result<()> {
    let json = |w: &mut W, body: Vec<u8>| {
        http::write_response(w, 200, "application/json", &body, keep_alive)
    };
    match (req.method.as_str(), req.path()) {
        ("GET", "/_emulator/state") => json(writer, emulator.state_json()),
        ("GET", "/_emulator/stats") => json(writer, emulator.stats_json()),
        ("GET", "/_emulator/requests") => json(writer, emulator.requests_json()),
        ("POST", "/_emulator/reset") => {
            emulator.reset();
            clock::reset();
            json(writer, b"{}".to_vec())
        }
        ("GET", "/_emulator/clock") => json(writer, clock_json()),
        ("POST", "/_emulator/clock") => {
            match req
                .query("offset")
                .and_then(|o| o.parse::<i64>().ok())
                .filter(|o| o.abs() <= clock::MAX_OFFSET)
            {
                Some(offset) => {
                    clock::set_offset(offset);
                    json(writer, clock_json())
                }
                None => http::write_response(
                    writer,
                    400,
                    "text/plain",
                    b"offset=SECONDS is required (an integer within ten years)",
                    keep_alive,
                ),
            }
        }
        ("POST", "/_emulator/fault") => {
            let number = |k: &str| req.query(k).and_then(|v| v.parse::<u64>().ok());
            let mode = req.query("mode").unwrap_or("none");
            let body = req.query("body").map(http::percent_decode);
            let date = req.query("date").map(http::percent_decode);
            let parsed = Fault::parse(
                mode,
                &FaultParams {
                    delay_ms: number("delay_ms"),
                    status: number("status").and_then(|s| u16::try_from(s).ok()),
                    code: req.query("code"),
                    body: body.as_deref(),
                    length: number("length"),
                    date: date.as_deref(),
                },
            );
            // For modes other than these, delay_ms waits before the fault.
            let delay_before = match mode {
                "delay" | "idle-close" | "idle-reset" | "stray-reply" | "idle-408" => 0,
                _ => number("delay_ms").unwrap_or(0),
            };
            match parsed {
                Ok(fault) => {
                    emulator.set_fault(fault, number("count"), delay_before, req.query("action"));
                    json(writer, b"{}".to_vec())
                }
                Err(e) => http::write_response(writer, 400, "text/plain", e.as_bytes(), keep_alive),
            }
        }
        _ => http::write_response(
            writer,
            404,
            "text/plain",
            b"unknown control endpoint",
            keep_alive,
        ),
    }
}
