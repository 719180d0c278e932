//! User settings: region, endpoint, language, timeout; their parsing and
//! validation. Nothing here touches the network.

use crate::error::Error;
use std::time::Duration;

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
pub enum Scheme {
    Http,
    Https,
}

/// Where requests go: the URL to send to and the exact `Host` header that is
/// both sent and signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
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
                    other => return Err(bad(format!("has scheme {other:?}; only http and https are supported"))),
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
                _ => return Err(bad(format!("has port {port:?}; a port is a number from 1 to 65535"))),
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
    if let Some(c) = host.chars().find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '.')) {
        return Err(format!("has host {host:?} with character {c:?}; a host is letters, digits, '-' and '.'"));
    }
    Ok(())
}

/// The language of the service's error messages (`X-TC-Language`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    ZhCn,
    EnUs,
}

impl Language {
    pub fn parse(text: &str) -> Result<Language, Error> {
        match text {
            "zh-CN" => Ok(Language::ZhCn),
            "en-US" => Ok(Language::EnUs),
            _ => Err(Error::invalid("language", "must be \"zh-CN\" or \"en-US\"")),
        }
    }

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
        return Err(Error::invalid("region", "is required and must not be empty (e.g. \"ap-guangzhou\")"));
    }
    if region.len() > MAX_REGION_LEN {
        return Err(Error::invalid("region", format!("is longer than {MAX_REGION_LEN} bytes")));
    }
    if !region.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
        return Err(Error::invalid("region", "may hold only ASCII letters, digits, '-' and '_'"));
    }
    Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints() {
        let e = Endpoint::parse("tcr.tencentcloudapi.com").unwrap();
        assert_eq!((e.scheme, e.host.as_str(), e.url.as_str()), (Scheme::Https, "tcr.tencentcloudapi.com", "https://tcr.tencentcloudapi.com/"));
        let e = Endpoint::parse("127.0.0.1:8080").unwrap();
        assert_eq!((e.scheme, e.host.as_str()), (Scheme::Https, "127.0.0.1:8080"));
        let e = Endpoint::parse("http://127.0.0.1:8080/").unwrap();
        assert_eq!((e.scheme, e.host.as_str(), e.url.as_str()), (Scheme::Http, "127.0.0.1:8080", "http://127.0.0.1:8080/"));
        let e = Endpoint::parse("HTTPS://[::1]:9443").unwrap();
        assert_eq!((e.scheme, e.host.as_str()), (Scheme::Https, "[::1]:9443"));
        assert_eq!(Endpoint::parse("TCR.Example.COM:8443").unwrap().host, "tcr.example.com:8443");
        assert_eq!(Endpoint::default_endpoint(), Endpoint::parse("https://tcr.tencentcloudapi.com").unwrap());
        for bad in [
            "", "ftp://host", "http://", "http://host/path", "host?x=1", "host#f", "user@host", "host:0", "host:65536",
            "host:", "host:http", "host:+80", "ho st", "[::1", "[zz]:80", "[::1]x", "http://host:80/x/",
        ] {
            match Endpoint::parse(bad) {
                Err(Error::InvalidArgument { field: "endpoint", .. }) => {}
                other => panic!("{bad:?} gave {other:?}"),
            }
        }
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
        assert_eq!(check_timeout(None).unwrap(), DEFAULT_TIMEOUT);
        assert!(check_timeout(Some(Duration::ZERO)).is_err());
        assert!(check_timeout(Some(Duration::from_secs(601))).is_err());
        assert_eq!(check_timeout(Some(Duration::from_millis(1500))).unwrap(), Duration::from_millis(1500));
    }
}
