//! User settings: region, endpoint, language, timeout; their parsing and
//! validation. Nothing here touches the network.

use crate::error::Error;
use std::time::Duration;

/// A source of environment variables: the process's, or a test's own map.
pub type Env<'a> = &'a dyn Fn(&str) -> Option<String>;

/// The service's public endpoint.
pub const DEFAULT_HOST: &str = "tcr.tencentcloudapi.com";
/// The default total timeout of one call, as the official SDKs use.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// The longest timeout accepted.
pub const MAX_TIMEOUT: Duration = Duration::from_secs(600);
/// Longest region name accepted.
pub const MAX_REGION_LEN: usize = 64;
/// Longest endpoint accepted.
pub const MAX_ENDPOINT_LEN: usize = 512;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
/// The endpoint's scheme: HTTPS unless `http://` was written.
pub enum Scheme {
    /// Plain HTTP (only when the endpoint says `http://`).
    Http,
    /// HTTPS, the default.
    Https,
}

/// Where requests go: the URL to send to and the exact `Host` header that is
/// both sent and signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// HTTP or HTTPS.
    pub scheme: Scheme,
    /// `host` or `host:port`, as the caller wrote it.
    pub host: String,
    /// `scheme://host[:port]/`.
    pub url: String,
}

impl Endpoint {
    /// Parses `host`, `host:port`, `http://host[:port][/]` or
    /// `https://host[:port][/]`. Without a scheme the endpoint is HTTPS;
    /// plain HTTP is used only when the caller writes `http://`.
    pub fn parse(text: &str) -> Result<Endpoint, Error> {
        let bad = |reason: String| Error::invalid("endpoint", reason);
        if text.is_empty() {
            return Err(bad("is empty (leave it unset for the default)".into()));
        }
        if text.len() > MAX_ENDPOINT_LEN {
            return Err(bad(format!("is longer than {MAX_ENDPOINT_LEN} bytes")));
        }
        let (scheme, rest) = match text.find("://") {
            Some(i) => {
                let scheme = match text[..i].to_ascii_lowercase().as_str() {
                    "https" => Scheme::Https,
                    "http" => Scheme::Http,
                    other => {
                        return Err(bad(format!(
                            "has scheme {other:?}; only http and https are supported"
                        )))
                    }
                };
                (scheme, &text[i + 3..])
            }
            None => (Scheme::Https, text),
        };
        let authority = rest.strip_suffix('/').unwrap_or(rest);
        if let Some(pos) = authority.find(['/', '?', '#']) {
            return Err(bad(format!(
                "may not have a path, query or fragment (found {:?}); the action is always sent to /",
                &authority[pos..]
            )));
        }
        if authority.contains('@') {
            return Err(bad("may not contain user information ('@')".into()));
        }
        let (host, port) = split_host_port(authority).map_err(bad)?;
        check_host(host).map_err(bad)?;
        if let Some(port) = port {
            match port.parse::<u32>() {
                Ok(p) if (1..=65535).contains(&p) && !port.starts_with('+') => {}
                _ => {
                    return Err(bad(format!(
                        "has port {port:?}; a port is a number from 1 to 65535"
                    )))
                }
            }
        }
        // Host names are case-insensitive, and the service lower-cases signed
        // header values before it checks a signature: send what it will check.
        let authority = authority.to_ascii_lowercase();
        let prefix = match scheme {
            Scheme::Http => "http",
            Scheme::Https => "https",
        };
        Ok(Endpoint {
            scheme,
            url: format!("{prefix}://{authority}/"),
            host: authority,
        })
    }

    /// `https://tcr.tencentcloudapi.com`.
    pub fn default_endpoint() -> Endpoint {
        Endpoint {
            scheme: Scheme::Https,
            host: DEFAULT_HOST.to_owned(),
            url: format!("https://{DEFAULT_HOST}/"),
        }
    }
}

fn split_host_port(authority: &str) -> Result<(&str, Option<&str>), String> {
    if let Some(rest) = authority.strip_prefix('[') {
        let end = rest.find(']').ok_or("has '[' without a closing ']'")?;
        let host = &authority[..end + 2];
        return match &rest[end + 1..] {
            "" => Ok((host, None)),
            tail => match tail.strip_prefix(':') {
                Some(port) => Ok((host, Some(port))),
                None => Err(format!("has {tail:?} after the IPv6 address")),
            },
        };
    }
    match authority.rsplit_once(':') {
        Some((host, port)) => Ok((host, Some(port))),
        None => Ok((authority, None)),
    }
}

fn check_host(host: &str) -> Result<(), String> {
    if host.is_empty() {
        return Err("has no host".into());
    }
    if let Some(inner) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        if inner.parse::<std::net::Ipv6Addr>().is_err() {
            return Err(format!("has {host:?}, which is not an IPv6 address"));
        }
        return Ok(());
    }
    if let Some(c) = host
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '.'))
    {
        return Err(format!(
            "has host {host:?} with character {c:?}; a host is letters, digits, '-' and '.'"
        ));
    }
    Ok(())
}

/// The language of the service's error messages (`X-TC-Language`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    /// `zh-CN`.
    ZhCn,
    /// `en-US`.
    EnUs,
}

impl Language {
    /// `zh-CN` or `en-US` (exactly); anything else is an invalid `language`.
    pub fn parse(text: &str) -> Result<Language, Error> {
        match text {
            "zh-CN" => Ok(Language::ZhCn),
            "en-US" => Ok(Language::EnUs),
            _ => Err(Error::invalid("language", "must be \"zh-CN\" or \"en-US\"")),
        }
    }

    /// The value sent in `X-TC-Language`.
    pub fn as_str(self) -> &'static str {
        match self {
            Language::ZhCn => "zh-CN",
            Language::EnUs => "en-US",
        }
    }
}

/// Checks a region name such as `ap-guangzhou`.
pub fn check_region(region: &str) -> Result<(), Error> {
    if region.is_empty() {
        return Err(Error::invalid(
            "region",
            "is required and must not be empty (e.g. \"ap-guangzhou\")",
        ));
    }
    if region.len() > MAX_REGION_LEN {
        return Err(Error::invalid(
            "region",
            format!("is longer than {MAX_REGION_LEN} bytes"),
        ));
    }
    if !region
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(Error::invalid(
            "region",
            "may hold only ASCII letters, digits, '-' and '_'",
        ));
    }
    Ok(())
}

/// The root domain of the public endpoints (`tcr.<root>`, `tcr.<region>.<root>`).
pub const DEFAULT_ROOT_DOMAIN: &str = "tencentcloudapi.com";
/// The default connect timeout (never longer than the total timeout).
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How many HTTP attempts a call makes by default (1 + 2 retries).
pub const DEFAULT_MAX_ATTEMPTS: u32 = 3;
/// The most attempts accepted.
pub const MAX_ATTEMPTS: u32 = 10;
/// The highest client-side rate limit accepted, requests per second.
pub const MAX_RATE: f64 = 100_000.0;

/// Where requests go: an explicit endpoint, or `tcr.[<region>.]<root domain>`.
pub fn resolve_endpoint(
    endpoint: Option<&str>,
    regional: bool,
    root_domain: Option<&str>,
    region: &str,
) -> Result<Endpoint, Error> {
    if let Some(text) = endpoint {
        if regional || root_domain.is_some() {
            return Err(Error::invalid(
                "endpoint",
                "conflicts with regional_endpoint and root_domain; set the endpoint or those, not both",
            ));
        }
        return Endpoint::parse(text);
    }
    if !regional && root_domain.is_none() {
        return Ok(Endpoint::default_endpoint());
    }
    let root = root_domain.unwrap_or(DEFAULT_ROOT_DOMAIN);
    if root.is_empty() || root.contains(':') || root.starts_with('.') || root.ends_with('.') {
        return Err(Error::invalid(
            "root_domain",
            "must be a domain such as \"tencentcloudapi.com\"",
        ));
    }
    check_host(root).map_err(|e| Error::invalid("root_domain", e))?;
    let host = if regional {
        format!("tcr.{region}.{root}")
    } else {
        format!("tcr.{root}")
    };
    Endpoint::parse(&host)
}

/// Checks the attempt count; `None` means the default.
pub fn check_max_attempts(attempts: Option<u32>) -> Result<u32, Error> {
    match attempts {
        None => Ok(DEFAULT_MAX_ATTEMPTS),
        Some(n) if (1..=MAX_ATTEMPTS).contains(&n) => Ok(n),
        Some(n) => Err(Error::invalid(
            "max_attempts",
            format!("must be from 1 to {MAX_ATTEMPTS}, got {n}"),
        )),
    }
}

/// Checks the client-side rate limit: `None` is the documented 20/s,
/// `Some(0.0)` turns it off. Returns the rate and burst, or `None` when off.
pub fn check_rate_limit(
    rate: Option<f64>,
    burst: Option<u32>,
) -> Result<Option<(f64, u32)>, Error> {
    let rate = rate.unwrap_or(crate::limiter::DEFAULT_RATE);
    if rate == 0.0 {
        return Ok(None);
    }
    if !rate.is_finite() || !(0.0..=MAX_RATE).contains(&rate) {
        return Err(Error::invalid(
            "rate_limit",
            format!("must be 0 (off) or a rate up to {MAX_RATE} requests per second"),
        ));
    }
    let burst = match burst {
        None => (rate.ceil() as u32).max(1),
        Some(b) if (1..=MAX_RATE as u32).contains(&b) => b,
        Some(b) => {
            return Err(Error::invalid(
                "rate_burst",
                format!("must be from 1 to {}, got {b}", MAX_RATE as u32),
            ))
        }
    };
    Ok(Some((rate, burst)))
}

/// Checks the connect timeout; `None` is 10 s, or the total timeout if shorter.
pub fn check_connect_timeout(
    connect: Option<Duration>,
    total: Duration,
) -> Result<Duration, Error> {
    match connect {
        None => Ok(DEFAULT_CONNECT_TIMEOUT.min(total)),
        Some(t) => check_timeout(Some(t)).map_err(|e| match e {
            Error::InvalidArgument { reason, .. } => Error::invalid("connect_timeout", reason),
            other => other,
        }),
    }
}

/// Checks a timeout; `None` means the default.
pub fn check_timeout(timeout: Option<Duration>) -> Result<Duration, Error> {
    match timeout {
        None => Ok(DEFAULT_TIMEOUT),
        Some(t) if t.is_zero() => Err(Error::invalid("timeout", "must be greater than zero")),
        Some(t) if t > MAX_TIMEOUT => Err(Error::invalid(
            "timeout",
            format!("must be at most {} seconds", MAX_TIMEOUT.as_secs()),
        )),
        Some(t) => Ok(t),
    }
}

/// A proxy for every request; `NO_PROXY` still applies unless ignored.
pub(crate) fn proxy(url: &str, ignore_env: bool, env: Env<'_>) -> Result<reqwest::Proxy, Error> {
    let scheme = url.split_once("://").map(|(s, _)| s.to_ascii_lowercase());
    if !matches!(scheme.as_deref(), Some("http") | Some("https")) {
        return Err(Error::invalid(
            "proxy",
            "must be an http:// or https:// URL",
        ));
    }
    let proxy =
        reqwest::Proxy::all(url).map_err(|_| Error::invalid("proxy", "is not a valid URL"))?;
    let no_proxy = if ignore_env {
        None
    } else {
        env("NO_PROXY")
            .or_else(|| env("no_proxy"))
            .and_then(|v| reqwest::NoProxy::from_string(&v))
    };
    Ok(proxy.no_proxy(no_proxy))
}

/// The certificates of a PEM bundle, added to the built-in roots.
pub(crate) fn ca_bundle(path: &str) -> Result<Vec<reqwest::Certificate>, Error> {
    let pem = std::fs::read(path)
        .map_err(|e| Error::invalid("ca_bundle", format!("cannot read {path}: {e}")))?;
    let certificates = reqwest::Certificate::from_pem_bundle(&pem).map_err(|_| {
        Error::invalid(
            "ca_bundle",
            format!("{path} is not a PEM certificate bundle"),
        )
    })?;
    if certificates.is_empty() {
        return Err(Error::invalid(
            "ca_bundle",
            format!("{path} holds no PEM certificate"),
        ));
    }
    Ok(certificates)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints() {
        let e = Endpoint::parse("tcr.tencentcloudapi.com").unwrap();
        assert_eq!(
            (e.scheme, e.host.as_str(), e.url.as_str()),
            (
                Scheme::Https,
                "tcr.tencentcloudapi.com",
                "https://tcr.tencentcloudapi.com/"
            )
        );
        let e = Endpoint::parse("127.0.0.1:8080").unwrap();
        assert_eq!(
            (e.scheme, e.host.as_str()),
            (Scheme::Https, "127.0.0.1:8080")
        );
        let e = Endpoint::parse("http://127.0.0.1:8080/").unwrap();
        assert_eq!(
            (e.scheme, e.host.as_str(), e.url.as_str()),
            (Scheme::Http, "127.0.0.1:8080", "http://127.0.0.1:8080/")
        );
        let e = Endpoint::parse("HTTPS://[::1]:9443").unwrap();
        assert_eq!((e.scheme, e.host.as_str()), (Scheme::Https, "[::1]:9443"));
        assert_eq!(
            Endpoint::parse("TCR.Example.COM:8443").unwrap().host,
            "tcr.example.com:8443"
        );
        assert_eq!(
            Endpoint::default_endpoint(),
            Endpoint::parse("https://tcr.tencentcloudapi.com").unwrap()
        );
        for bad in [
            "",
            "ftp://host",
            "http://",
            "http://host/path",
            "host?x=1",
            "host#f",
            "user@host",
            "host:0",
            "host:65536",
            "host:",
            "host:http",
            "host:+80",
            "ho st",
            "[::1",
            "[zz]:80",
            "[::1]x",
            "http://host:80/x/",
        ] {
            match Endpoint::parse(bad) {
                Err(Error::InvalidArgument {
                    field: "endpoint", ..
                }) => {}
                other => panic!("{bad:?} gave {other:?}"),
            }
        }
    }

    #[test]
    fn endpoint_modes() {
        let r = |e: Option<&str>, regional: bool, root: Option<&str>| {
            resolve_endpoint(e, regional, root, "ap-guangzhou")
        };
        assert_eq!(
            r(None, false, None).unwrap().host,
            "tcr.tencentcloudapi.com"
        );
        assert_eq!(
            r(None, true, None).unwrap().url,
            "https://tcr.ap-guangzhou.tencentcloudapi.com/"
        );
        assert_eq!(
            r(None, false, Some("internal.example")).unwrap().host,
            "tcr.internal.example"
        );
        assert_eq!(
            r(None, true, Some("internal.example")).unwrap().host,
            "tcr.ap-guangzhou.internal.example"
        );
        assert_eq!(
            r(Some("http://127.0.0.1:1"), false, None).unwrap().host,
            "127.0.0.1:1"
        );
        assert!(matches!(
            r(Some("h"), true, None),
            Err(Error::InvalidArgument {
                field: "endpoint",
                ..
            })
        ));
        for bad in ["", "a:1", ".x", "x.", "a b"] {
            assert!(
                matches!(
                    r(None, false, Some(bad)),
                    Err(Error::InvalidArgument {
                        field: "root_domain",
                        ..
                    })
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn attempts_rates_connect_timeouts() {
        assert_eq!(check_max_attempts(None).unwrap(), 3);
        assert!(check_max_attempts(Some(0)).is_err() && check_max_attempts(Some(11)).is_err());
        assert_eq!(check_rate_limit(None, None).unwrap(), Some((20.0, 20)));
        assert_eq!(check_rate_limit(Some(0.0), None).unwrap(), None);
        assert_eq!(check_rate_limit(Some(2.5), None).unwrap(), Some((2.5, 3)));
        assert_eq!(
            check_rate_limit(Some(5.0), Some(1)).unwrap(),
            Some((5.0, 1))
        );
        for bad in [f64::NAN, f64::INFINITY, -1.0, 1e9] {
            assert!(check_rate_limit(Some(bad), None).is_err(), "{bad}");
        }
        assert!(matches!(
            check_rate_limit(None, Some(0)),
            Err(Error::InvalidArgument {
                field: "rate_burst",
                ..
            })
        ));
        assert_eq!(
            check_connect_timeout(None, Duration::from_secs(3)).unwrap(),
            Duration::from_secs(3)
        );
        assert_eq!(
            check_connect_timeout(None, Duration::from_secs(60)).unwrap(),
            DEFAULT_CONNECT_TIMEOUT
        );
        assert!(matches!(
            check_connect_timeout(Some(Duration::ZERO), DEFAULT_TIMEOUT),
            Err(Error::InvalidArgument {
                field: "connect_timeout",
                ..
            })
        ));
    }

    #[test]
    fn regions_languages_timeouts() {
        assert!(check_region("ap-guangzhou").is_ok());
        assert!(check_region("").is_err());
        assert!(check_region("ap guangzhou").is_err());
        assert!(check_region(&"a".repeat(65)).is_err());
        assert_eq!(Language::parse("en-US").unwrap().as_str(), "en-US");
        assert!(Language::parse("fr-FR").is_err());
        assert!(Language::parse("en-us").is_err());
        // The documented defaults (docs/options.md): 60 s for a call, 10 s to connect.
        assert_eq!(check_timeout(None).unwrap(), Duration::from_secs(60));
        assert_eq!(
            check_connect_timeout(None, Duration::from_secs(60)).unwrap(),
            Duration::from_secs(10)
        );
        assert!(check_timeout(Some(Duration::ZERO)).is_err());
        assert!(check_timeout(Some(Duration::from_secs(601))).is_err());
        assert_eq!(
            check_timeout(Some(Duration::from_millis(1500))).unwrap(),
            Duration::from_millis(1500)
        );
    }
}
