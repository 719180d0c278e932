//! Misbehaviour on demand: the fault modes of `--fault` and
//! `/_emulator/fault`, the plan of which requests get one, and the replies
//! that only a fault sends.

use super::{Emulator, Outcome};

/// A misbehaviour to apply to the next API requests.
#[derive(Clone, Debug, PartialEq)]
pub enum Fault {
    /// Close the connection without answering.
    Drop,
    /// Reset the connection before any byte of a reply.
    ResetBeforeReply,
    /// Send the start of a reply, then reset the connection.
    ResetDuringReply,
    /// Wait this many milliseconds, then answer normally.
    Delay(u64),
    /// Answer with this 5xx status and an HTML body.
    ServerError(u16),
    /// HTTP 200 with a body that is not JSON.
    Garbage,
    /// HTTP 200 with JSON that has no `Response`.
    NoResponse,
    /// HTTP 200 with a `Response` that has no `RequestId`.
    NoRequestId,
    /// Answer with this error code (e.g. RequestLimitExceeded).
    ErrorCode(String),
    /// Answer normally, then misbehave on the idle keep-alive connection
    /// after this many milliseconds (unless the next request came first).
    Idle(IdleFault, u64),
    /// A reply whose body never fits the client's limit: `Content-Length`
    /// of this many bytes (actually sent), or chunked without end (`None`).
    Flood(Option<u64>),
    /// Echo every request header (Authorization and X-TC-Token included),
    /// as proxies' and gateways' error pages do: an HTML page with this
    /// status, or with 200 a JSON error whose message quotes them.
    EchoHeaders(u16),
    /// Answer with this status and this exact body (JSON content type),
    /// and this `Date` header (`None`: the emulator's clock; `Some("")`:
    /// no `Date` at all).
    Body(u16, String, Option<String>),
}

/// What a peer does to a keep-alive connection while the client is idle.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum IdleFault {
    /// Close it with a FIN, as a gateway's idle timeout does.
    Close,
    /// Close it with a reset.
    Reset,
    /// Write an unsolicited second reply, and keep the connection open.
    StrayReply,
    /// Write `408 Request Timeout`, then close.
    RequestTimeout,
}

impl Fault {
    /// Parses a mode of `--help` with its parameters.
    pub fn parse(mode: &str, params: &FaultParams<'_>) -> Result<Option<Fault>, String> {
        let FaultParams {
            delay_ms,
            status,
            code,
            body,
            length,
            date,
        } = *params;
        let idle = |kind| Ok(Some(Fault::Idle(kind, delay_ms.unwrap_or(50))));
        Ok(Some(match mode {
            "none" => return Ok(None),
            "drop" => Fault::Drop,
            "reset" => Fault::ResetDuringReply,
            "reset-before" => Fault::ResetBeforeReply,
            "delay" => Fault::Delay(delay_ms.ok_or("delay needs delay_ms")?),
            "http5xx" => {
                let s = status.unwrap_or(500);
                if !(500..=599).contains(&s) {
                    return Err(format!("status {s} is not a 5xx"));
                }
                Fault::ServerError(s)
            }
            "garbage" => Fault::Garbage,
            "no-response" => Fault::NoResponse,
            "no-request-id" => Fault::NoRequestId,
            "error" => Fault::ErrorCode(code.ok_or("error needs code")?.to_owned()),
            "idle-close" => return idle(IdleFault::Close),
            "idle-reset" => return idle(IdleFault::Reset),
            "stray-reply" => return idle(IdleFault::StrayReply),
            "idle-408" => return idle(IdleFault::RequestTimeout),
            "big-body" => Fault::Flood(Some(length.unwrap_or(200 << 20))),
            "endless-body" => Fault::Flood(None),
            "echo-headers" => Fault::EchoHeaders(status.unwrap_or(502)),
            "body" => Fault::Body(
                status.unwrap_or(200),
                body.ok_or("body needs body")?.to_owned(),
                date.map(str::to_owned),
            ),
            other => return Err(format!("unknown fault mode {other:?}")),
        }))
    }
}

/// The parameters a fault mode may take (`--fault` and `/_emulator/fault`).
#[derive(Clone, Copy, Default)]
pub struct FaultParams<'a> {
    pub delay_ms: Option<u64>,
    pub status: Option<u16>,
    pub code: Option<&'a str>,
    pub body: Option<&'a str>,
    pub length: Option<u64>,
    /// `body` only: the `Date` header to send instead ("" for none).
    pub date: Option<&'a str>,
}

pub(super) struct FaultPlan {
    pub(super) fault: Option<Fault>,
    /// How many more requests get the fault; `None` is every request.
    pub(super) remaining: Option<u64>,
    /// Wait this long before acting out the fault (e.g. drop after 2 s).
    pub(super) delay_before: u64,
    /// Only requests of this action get it (`None`: every request).
    pub(super) action: Option<String>,
}

impl Emulator {
    /// Applies `fault` to the next `count` API requests (all if `None`),
    /// each after waiting `delay_before` milliseconds.
    pub fn set_fault(
        &self,
        fault: Option<Fault>,
        count: Option<u64>,
        delay_before: u64,
        action: Option<&str>,
    ) {
        let mut plan = self.faults.lock().unwrap();
        plan.fault = fault;
        plan.remaining = count;
        plan.delay_before = delay_before;
        plan.action = action.map(str::to_owned);
    }

    pub(super) fn take_fault(&self, action: Option<&str>) -> Option<(Fault, u64)> {
        let mut plan = self.faults.lock().unwrap();
        if plan.action.is_some() && plan.action.as_deref() != action {
            return None;
        }
        let fault = (plan.fault.clone()?, plan.delay_before);
        match plan.remaining {
            Some(0) => {
                plan.fault = None;
                return None;
            }
            Some(n) => {
                plan.remaining = Some(n - 1);
                if n == 1 {
                    plan.fault = None;
                }
            }
            None => {}
        }
        Some(fault)
    }

    /// An error page (or, with 200, a JSON error) quoting every header of
    /// `req` as received, the credentials first, as an authenticating
    /// gateway's error page shows them (and so within the start of the body
    /// that a client quotes).
    pub(super) fn echo_headers(&self, req: &crate::http::Request, status: u16) -> Outcome {
        let secret = |name: &str| name == "authorization" || name == "x-tc-token";
        let (first, rest): (Vec<_>, Vec<_>) = req.headers.iter().partition(|(n, _)| secret(n));
        let mut echoed = String::new();
        for (name, value) in first.into_iter().chain(rest) {
            echoed.push_str(&format!("{name}: {value}\n"));
        }
        if status == 200 {
            let message = format!("request rejected by the gateway; headers were:\n{echoed}");
            return Outcome::Reply(
                200,
                "application/json",
                self.error_body("InvalidParameter", &message),
            );
        }
        let page = format!("<html><h1>{status}</h1><pre>\n{echoed}</pre></html>");
        Outcome::Reply(status, "text/html", page.into_bytes())
    }
}
