//! Just enough HTTP/1.1 for the emulator: requests with a Content-Length
//! body, keep-alive, and raw access to the socket for injected faults.

use std::io::{self, BufRead, Read, Write};

/// The most header bytes read before a request is refused.
const MAX_HEAD: usize = 64 * 1024;
/// The largest body accepted.
pub const MAX_BODY: usize = 1024 * 1024;

pub struct Request {
    pub method: String,
    pub target: String,
    /// Names lower-cased, values as received (lossy UTF-8).
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub keep_alive: bool,
    /// The request line had an absolute URL, as clients send to a proxy.
    pub proxied: bool,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or("")
    }

    pub fn query(&self, key: &str) -> Option<&str> {
        let query = self.target.split_once('?')?.1;
        query
            .split('&')
            .filter_map(|pair| pair.split_once('='))
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v)
    }
}

/// `%XX` escapes decoded (and `+` as a space), as in a query string; a
/// malformed escape is kept as it is.
pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push((h * 16 + l) as u8);
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            b'+' => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

pub enum ReadOutcome {
    Request(Request),
    /// The peer closed the connection between requests.
    Closed,
    /// The request was malformed; answer with this status and close.
    Bad(u16, &'static str),
}

fn line<R: BufRead>(reader: &mut R, budget: &mut usize) -> io::Result<Option<String>> {
    let mut buf = Vec::new();
    let n = reader
        .by_ref()
        .take(*budget as u64 + 1)
        .read_until(b'\n', &mut buf)?;
    if n == 0 {
        return Ok(None);
    }
    if n > *budget {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "header too large",
        ));
    }
    *budget -= n;
    while buf.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
        buf.pop();
    }
    Ok(Some(String::from_utf8_lossy(&buf).into_owned()))
}

pub fn read_request<R: BufRead>(reader: &mut R) -> io::Result<ReadOutcome> {
    let mut budget = MAX_HEAD;
    let request_line = match line(reader, &mut budget) {
        Ok(Some(l)) => l,
        Ok(None) => return Ok(ReadOutcome::Closed),
        Err(e) if e.kind() == io::ErrorKind::InvalidData => {
            return Ok(ReadOutcome::Bad(431, "header too large"))
        }
        Err(e) => return Err(e),
    };
    let mut parts = request_line.split_whitespace();
    let (Some(method), Some(target), Some(version)) = (parts.next(), parts.next(), parts.next())
    else {
        return Ok(ReadOutcome::Bad(400, "malformed request line"));
    };
    let mut keep_alive = version == "HTTP/1.1";
    let mut headers = Vec::new();
    loop {
        let l = match line(reader, &mut budget) {
            Ok(Some(l)) => l,
            Ok(None) => return Ok(ReadOutcome::Closed),
            Err(e) if e.kind() == io::ErrorKind::InvalidData => {
                return Ok(ReadOutcome::Bad(431, "header too large"))
            }
            Err(e) => return Err(e),
        };
        if l.is_empty() {
            break;
        }
        let Some((name, value)) = l.split_once(':') else {
            return Ok(ReadOutcome::Bad(400, "malformed header line"));
        };
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
    }
    let find = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    };
    match find("connection").map(str::to_ascii_lowercase).as_deref() {
        Some("close") => keep_alive = false,
        Some("keep-alive") => keep_alive = true,
        _ => {}
    }
    if find("transfer-encoding").is_some() {
        return Ok(ReadOutcome::Bad(
            411,
            "chunked bodies are not supported; send Content-Length",
        ));
    }
    let length = match find("content-length") {
        None => 0,
        Some(v) => match v.parse::<usize>() {
            Ok(n) if n <= MAX_BODY => n,
            Ok(_) => return Ok(ReadOutcome::Bad(413, "body too large")),
            Err(_) => return Ok(ReadOutcome::Bad(400, "bad Content-Length")),
        },
    };
    let mut body = vec![0u8; length];
    reader.read_exact(&mut body)?;
    // "POST http://host:port/ HTTP/1.1" is how a client talks to a proxy;
    // the emulator can act as one (for proxy tests) by serving the path.
    let (target, proxied) = match target.strip_prefix("http://") {
        Some(rest) => (rest.find('/').map_or("/", |i| &rest[i..]), true),
        None => (target, false),
    };
    Ok(ReadOutcome::Request(Request {
        method: method.to_owned(),
        target: target.to_owned(),
        headers,
        body,
        keep_alive,
        proxied,
    }))
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        411 => "Length Required",
        413 => "Payload Too Large",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

/// A reply with the emulator's clock in its `Date` header.
pub fn write_response<W: Write>(
    stream: &mut W,
    status: u16,
    content_type: &str,
    body: &[u8],
    keep_alive: bool,
) -> io::Result<()> {
    let date = crate::clock::http_date();
    write_response_dated(stream, status, content_type, body, keep_alive, &date)
}

/// A reply with this `Date` header ("": none).
pub fn write_response_dated<W: Write>(
    stream: &mut W,
    status: u16,
    content_type: &str,
    body: &[u8],
    keep_alive: bool,
    date: &str,
) -> io::Result<()> {
    let mut out = Vec::with_capacity(160 + body.len());
    write!(
        out,
        "HTTP/1.1 {status} {}\r\n{}{date}{}Content-Type: {content_type}\r\nContent-Length: {}\r\n{}\r\n",
        reason(status),
        if date.is_empty() { "" } else { "Date: " },
        if date.is_empty() { "" } else { "\r\n" },
        body.len(),
        if keep_alive {
            ""
        } else {
            "Connection: close\r\n"
        }
    )?;
    out.extend_from_slice(body);
    stream.write_all(&out)
}
