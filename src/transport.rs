//! The HTTP core: reqwest's client driven on the calling thread.
//!
//! `reqwest::blocking` runs every request on a runtime thread of its own and
//! passes the request and the reply between threads; against a fast server
//! that hand-off (two context switches and their wake-ups per call) was a
//! third of a call's time (BENCHMARKS.md, "Where the time goes"). Here a call
//! borrows a *lane* — a single-threaded tokio runtime and a reqwest client
//! whose pooled keep-alive connections live on that runtime — drives its
//! request to the end with `block_on` on its own thread, and gives the lane
//! back. A lane serves one call at a time, from any thread; concurrent calls
//! use as many lanes as there are calls in flight, and each lane keeps its
//! connection for the next call that borrows it.
//!
//! Before a call uses a pooled connection it lets the lane's runtime process
//! what arrived while the connection was idle (see
//! [`settle_idle_connections`]), and connections idle longer than
//! [`POOL_IDLE_TIMEOUT`] are not reused at all.
//!
//! Lanes belong to the [`Http`] value (that is, to a `Client`), never to a
//! thread, so nothing lives in thread-local storage and dropping a client
//! frees every runtime and connection it made, whichever thread drops it.

use crate::cancel::CancelToken;
use reqwest::header::HeaderMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

/// How each lane's reqwest client is built; kept so that lanes can be added
/// when more calls run at once than there are idle lanes (and copied for
/// the client's STS lanes).
#[derive(Clone)]
pub(crate) struct Settings {
    pub timeout: Duration,
    pub connect_timeout: Duration,
    pub https_only: bool,
    pub ignore_proxy_env: bool,
    pub proxy: Option<reqwest::Proxy>,
    pub roots: Vec<reqwest::Certificate>,
    pub accept_invalid_certs: bool,
    /// See [`POOL_IDLE_TIMEOUT`]; a setting only so that tests can shorten it.
    pub pool_idle_timeout: Duration,
}

/// Why a request got no usable reply.
pub(crate) enum Failure {
    /// Sending failed, or no reply head arrived (connect, TLS, reset, timeout).
    Send(reqwest::Error),
    /// The reply head arrived but its body could not be read.
    Body(reqwest::Error),
    /// The reply (with this HTTP status) announced or sent a body larger
    /// than [`MAX_REPLY_BODY`]; reading stopped there.
    BodyTooLarge(u16),
    /// The calling thread is running an async runtime, where blocking it
    /// would stall every task on that runtime (and tokio forbids it).
    InsideRuntime,
    /// A new lane could not be built.
    Build(BuildError),
    /// The call's [`CancelToken`] was cancelled, at this point of the call.
    Cancelled(CancelPoint),
}

/// Where a cancelled call was when its cancel took effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CancelPoint {
    /// Before the exchange began: nothing was sent.
    BeforeSending,
    /// Before hyper began writing the request: connecting (TCP, proxy,
    /// TLS) or waiting for its connection. No byte of it can have been sent.
    BeforeWriting,
    /// While the request was written or its reply awaited, on a connection
    /// that was ready: it may have reached the service.
    Exchanging,
}

/// Why a lane could not be made: tokio could not create its runtime (no file
/// descriptor left for its epoll instance), or reqwest refused a setting.
pub(crate) type BuildError = Box<dyn std::error::Error + Send + Sync>;

/// The largest reply body read, in bytes. The service's replies are under
/// 1 KiB; a larger body (an endless or huge one from a broken proxy) stops
/// the read as soon as it passes this, so memory stays bounded, and its
/// connection is closed rather than pooled.
pub const MAX_REPLY_BODY: usize = 1 << 20;

/// A pooled connection idle longer than this is closed rather than reused:
/// below the 60 s after which common gateways and load balancers close idle
/// connections (often without a FIN reaching us when a NAT or firewall has
/// dropped the flow), so that a daemon calling every minute or so opens a
/// fresh connection instead of writing into one that is already gone.
pub(crate) const POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(30);

/// Idle lanes kept for later calls; a burst of more concurrent calls than
/// this closes the extra lanes (and their connections) as they finish,
/// instead of holding sockets open until the client is freed.
const MAX_IDLE_LANES: usize = 16;

pub(crate) struct Http {
    settings: Settings,
    idle: Mutex<Vec<Lane>>,
}

impl Http {
    /// Builds the first lane now, so that a setting reqwest refuses (or a
    /// runtime that cannot be made) is an error of `Client::new`, not of the
    /// first call.
    pub fn new(settings: Settings) -> Result<Http, BuildError> {
        let first = Lane::new(&settings)?;
        Ok(Http {
            settings,
            idle: Mutex::new(vec![first]),
        })
    }

    /// One POST; `reply` gets the status, the headers and the whole body
    /// of the reply. Ends at once when `cancel` is cancelled. With
    /// `secret_reply` (an STS reply carries keys) the body read is wiped
    /// once `reply` has taken what it needs.
    #[allow(clippy::too_many_arguments)]
    pub fn post<R>(
        &self,
        url: &reqwest::Url,
        headers: HeaderMap,
        body: Vec<u8>,
        timeout: Duration,
        cancel: Option<&CancelToken>,
        secret_reply: bool,
        reply: impl FnOnce(u16, &HeaderMap, &[u8]) -> R,
    ) -> Result<R, Failure> {
        if tokio::runtime::Handle::try_current().is_ok() {
            return Err(Failure::InsideRuntime);
        }
        if cancel.is_some_and(CancelToken::is_cancelled) {
            return Err(Failure::Cancelled(CancelPoint::BeforeSending));
        }
        let lane = self.borrow()?;
        // Only a call that can be cancelled needs to know whether its
        // request was being written; the others keep the plain body.
        let watched = cancel.map(|cancel| (cancel, Arc::new(AtomicBool::new(false))));
        let body = match &watched {
            None => reqwest::Body::from(body),
            Some((_, written)) => reqwest::Body::wrap(WatchedBody {
                bytes: Some(body.into()),
                written: Arc::clone(written),
            }),
        };
        let request = lane
            .http
            .post(url.clone())
            .timeout(timeout)
            .headers(headers)
            .body(body);
        let exchange = async {
            settle_idle_connections().await;
            let mut response = request.send().await.map_err(Failure::Send)?;
            let status = response.status().as_u16();
            let announced = response.content_length().unwrap_or(0);
            if announced > MAX_REPLY_BODY as u64 {
                return Err(Failure::BodyTooLarge(status));
            }
            let mut body = Vec::with_capacity(announced as usize);
            while let Some(chunk) = response.chunk().await.map_err(Failure::Body)? {
                if body.len() + chunk.len() > MAX_REPLY_BODY {
                    return Err(Failure::BodyTooLarge(status));
                }
                body.extend_from_slice(&chunk);
            }
            let result = reply(status, response.headers(), &body);
            if secret_reply {
                zeroize::Zeroize::zeroize(&mut body);
            }
            Ok(result)
        };
        let result = match &watched {
            None => lane.runtime().block_on(exchange),
            Some((cancel, written)) => lane
                .runtime()
                .block_on(unless_cancelled(cancel, written, exchange)),
        };
        if let Err(Failure::Cancelled(_)) = result {
            // The abandoned request's connection may still get its reply;
            // dropping the lane closes every connection it holds, so that
            // reply can never be read as another call's.
            drop(lane);
        } else {
            // A lane whose call failed may hold a broken connection;
            // reqwest's pool drops those itself, so the lane is as good as
            // a new one.
            self.give_back(lane);
        }
        result
    }

    /// How many lanes are idle (for tests).
    #[cfg(test)]
    fn idle_lanes(&self) -> usize {
        self.lock().len()
    }

    fn borrow(&self) -> Result<Lane, Failure> {
        if let Some(lane) = self.lock().pop() {
            return Ok(lane);
        }
        Lane::new(&self.settings).map_err(Failure::Build)
    }

    fn give_back(&self, lane: Lane) {
        let mut idle = self.lock();
        if idle.len() < MAX_IDLE_LANES {
            idle.push(lane);
            return;
        }
        drop(idle);
        drop(lane); // outside the lock: closing connections takes a moment
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Lane>> {
        // A panic while the lock is held cannot leave the Vec half-changed
        // (push and pop only), so a poisoned lock is still usable.
        self.idle.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Lets the lane's runtime see what happened to its idle connections before
/// a request picks one of them.
///
/// Between two calls nothing polls a lane's runtime, so a FIN, a reset or
/// stray bytes (a late reply, a `408`) that reach a pooled connection while
/// it is idle wait in the kernel, unseen: tokio still believes the socket
/// has nothing to read. Without this step hyper's pool hands that
/// connection to the next request, which is written onto it and then fails
/// ("connection closed before message completed"), or, worse, takes the
/// stray bytes as its own reply.
///
/// The first yield makes the current-thread scheduler poll its I/O driver
/// without blocking (one `epoll_wait` with a zero timeout), which records
/// the readiness of every socket with news and wakes its connection task.
/// The second lets those tasks run: hyper's connection task, reading while
/// idle, closes the connection on EOF, on an error or on any unexpected
/// byte, and that takes it out of the pool before the request looks there.
/// The first step is the one that matters: once tokio knows a socket is
/// readable, hyper reads an idle connection before it writes a new request
/// onto it, and hands a request it did not write back unsent, which
/// hyper-util's client sends again on a new connection. The second makes
/// the common case not depend on that. `tests/connections.rs` fails if a
/// tokio or hyper release changes either.
///
/// A reply is therefore only ever read on a connection that was quiet when
/// the request was written; bytes a peer sends in the microseconds between
/// this check and the write remain the race that HTTP/1.1 keep-alive has.
async fn settle_idle_connections() {
    tokio::task::yield_now().await;
    tokio::task::yield_now().await;
}

/// Runs `exchange` until it ends or `cancel` is cancelled, whichever comes
/// first; the exchange is dropped (mid-flight) in the second case, and
/// `written` tells whether hyper had begun writing its request.
async fn unless_cancelled<R>(
    cancel: &CancelToken,
    written: &AtomicBool,
    exchange: impl Future<Output = Result<R, Failure>>,
) -> Result<R, Failure> {
    let mut cancelled = std::pin::pin!(cancel.cancelled());
    let mut exchange = std::pin::pin!(exchange);
    std::future::poll_fn(|cx| {
        if cancelled.as_mut().poll(cx).is_ready() {
            let point = if written.load(Ordering::Acquire) {
                CancelPoint::Exchanging
            } else {
                CancelPoint::BeforeWriting
            };
            return Poll::Ready(Err(Failure::Cancelled(point)));
        }
        exchange.as_mut().poll(cx)
    })
    .await
}

/// A request body that records when hyper first asks for it. hyper asks
/// only once the connection is ready (connected, TLS done), and it buffers
/// the request head and then polls the body before it flushes anything, so
/// while the flag is unset nothing of the request has reached the socket.
struct WatchedBody {
    bytes: Option<bytes::Bytes>,
    written: Arc<AtomicBool>,
}

impl http_body::Body for WatchedBody {
    type Data = bytes::Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<bytes::Bytes>, Self::Error>>> {
        self.written.store(true, Ordering::Release);
        Poll::Ready(self.bytes.take().map(|b| Ok(http_body::Frame::data(b))))
    }

    fn is_end_stream(&self) -> bool {
        self.bytes.is_none()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        http_body::SizeHint::with_exact(self.bytes.as_ref().map_or(0, |b| b.len() as u64))
    }
}

/// A single-threaded runtime and a reqwest client whose connections are
/// driven by it. The runtime is polled only while a call runs `block_on`;
/// idle connections wait in the pool and are checked when next used.
struct Lane {
    // Always Some until drop.
    runtime: Option<tokio::runtime::Runtime>,
    http: reqwest::Client,
}

impl Lane {
    fn new(settings: &Settings) -> Result<Lane, BuildError> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_io()
            .enable_time()
            .build()?;
        let mut builder = reqwest::Client::builder()
            .timeout(settings.timeout)
            .connect_timeout(settings.connect_timeout)
            .tcp_nodelay(true)
            .pool_idle_timeout(settings.pool_idle_timeout)
            // A redirect would re-send a signed request somewhere else, and
            // could downgrade https to http: never follow one.
            .redirect(reqwest::redirect::Policy::none())
            .https_only(settings.https_only)
            .user_agent(concat!("tcr/", env!("CARGO_PKG_VERSION")));
        if settings.ignore_proxy_env {
            builder = builder.no_proxy();
        }
        if let Some(proxy) = &settings.proxy {
            builder = builder.proxy(proxy.clone());
        }
        for root in &settings.roots {
            builder = builder.add_root_certificate(root.clone());
        }
        if settings.accept_invalid_certs {
            builder = builder.danger_accept_invalid_certs(true);
        }
        // reqwest reads the proxy environment while building; do it inside
        // the runtime so that anything it starts belongs to this lane.
        let http = {
            let _entered = runtime.enter();
            builder.build()?
        };
        Ok(Lane {
            runtime: Some(runtime),
            http,
        })
    }

    fn runtime(&self) -> &tokio::runtime::Runtime {
        self.runtime
            .as_ref()
            .expect("a lane has a runtime until dropped")
    }
}

impl Drop for Lane {
    fn drop(&mut self) {
        // Not a plain drop: that waits for the runtime's blocking threads (a
        // DNS lookup in progress) and panics inside another async runtime.
        // Connections are closed as their tasks are dropped.
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::io::{Read, Write};
    use std::net::TcpListener;
    use std::sync::Arc;

    pub(crate) fn settings() -> Settings {
        Settings {
            timeout: Duration::from_secs(5),
            connect_timeout: Duration::from_secs(5),
            https_only: false,
            ignore_proxy_env: true,
            proxy: None,
            roots: Vec::new(),
            accept_invalid_certs: false,
            pool_idle_timeout: POOL_IDLE_TIMEOUT,
        }
    }

    /// One empty POST that must get a 200.
    fn post_ok(http: &Http, url: &reqwest::Url) {
        let reply = http.post(
            url,
            HeaderMap::new(),
            Vec::new(),
            Duration::from_secs(5),
            None,
            false,
            |s, _, _| s,
        );
        assert!(matches!(reply, Ok(200)));
    }

    /// A keep-alive server that answers every request with `ok`, counting
    /// connections; enough HTTP for reqwest.
    fn server() -> (String, Arc<std::sync::atomic::AtomicUsize>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/", listener.local_addr().unwrap());
        let connections = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counter = connections.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { return };
                counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                std::thread::spawn(move || {
                    let mut buffer = [0u8; 4096];
                    let mut seen = Vec::new();
                    loop {
                        let Ok(n) = stream.read(&mut buffer) else {
                            return;
                        };
                        if n == 0 {
                            return;
                        }
                        seen.extend_from_slice(&buffer[..n]);
                        // Bodies here are tiny and sent with the head.
                        while let Some(end) = seen.windows(4).position(|w| w == b"\r\n\r\n") {
                            let head = String::from_utf8_lossy(&seen[..end]).to_ascii_lowercase();
                            let length: usize = head
                                .lines()
                                .find_map(|l| l.strip_prefix("content-length:"))
                                .map(|v| v.trim().parse().unwrap())
                                .unwrap_or(0);
                            if seen.len() < end + 4 + length {
                                break;
                            }
                            seen.drain(..end + 4 + length);
                            let reply = b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok";
                            if stream.write_all(reply).is_err() {
                                return;
                            }
                        }
                    }
                });
            }
        });
        (url, connections)
    }

    #[test]
    fn sequential_calls_reuse_one_lane_and_one_connection() {
        let (url, connections) = server();
        let http = Http::new(settings()).unwrap();
        let url = reqwest::Url::parse(&url).unwrap();
        for _ in 0..20 {
            let (status, body) = http
                .post(
                    &url,
                    HeaderMap::new(),
                    b"{}".to_vec(),
                    Duration::from_secs(5),
                    None,
                    false,
                    |s, _, b| (s, b.to_vec()),
                )
                .ok()
                .unwrap();
            assert_eq!((status, &body[..]), (200, &b"ok"[..]));
        }
        assert_eq!(http.idle_lanes(), 1);
        assert_eq!(connections.load(std::sync::atomic::Ordering::SeqCst), 1);
    }

    #[test]
    fn a_connection_idle_past_the_idle_timeout_is_not_reused() {
        let (url, connections) = server();
        let http = Http::new(Settings {
            pool_idle_timeout: Duration::from_millis(200),
            ..settings()
        })
        .unwrap();
        let url = reqwest::Url::parse(&url).unwrap();
        post_ok(&http, &url);
        post_ok(&http, &url);
        assert_eq!(connections.load(std::sync::atomic::Ordering::SeqCst), 1);
        std::thread::sleep(Duration::from_millis(400));
        post_ok(&http, &url);
        assert_eq!(connections.load(std::sync::atomic::Ordering::SeqCst), 2);
    }

    #[test]
    fn concurrent_calls_add_lanes_and_keep_them() {
        let (url, _) = server();
        let http = Arc::new(Http::new(settings()).unwrap());
        let url = reqwest::Url::parse(&url).unwrap();
        let barrier = Arc::new(std::sync::Barrier::new(4));
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let (http, url, barrier) = (http.clone(), url.clone(), barrier.clone());
                std::thread::spawn(move || {
                    barrier.wait();
                    for _ in 0..50 {
                        let reply = http.post(
                            &url,
                            HeaderMap::new(),
                            Vec::new(),
                            Duration::from_secs(5),
                            None,
                            false,
                            |s, _, b| (s, b.to_vec()),
                        );
                        assert!(matches!(reply, Ok((200, ref b)) if b == b"ok"));
                    }
                })
            })
            .collect();
        for thread in threads {
            thread.join().unwrap();
        }
        let lanes = http.idle_lanes();
        assert!((1..=4).contains(&lanes), "{lanes} lanes");
    }

    #[test]
    fn a_burst_leaves_at_most_the_idle_cap() {
        let http = Http::new(settings()).unwrap();
        let lanes: Vec<Lane> = (0..MAX_IDLE_LANES + 4)
            .map(|_| http.borrow().ok().unwrap())
            .collect();
        assert_eq!(http.idle_lanes(), 0);
        for lane in lanes {
            http.give_back(lane);
        }
        assert_eq!(http.idle_lanes(), MAX_IDLE_LANES);
    }

    #[test]
    fn a_connection_the_server_closed_while_idle_is_not_used() {
        // Answers one request per connection, without "connection: close",
        // then closes it: what a server's keep-alive timeout does.
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url =
            reqwest::Url::parse(&format!("http://{}/", listener.local_addr().unwrap())).unwrap();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { return };
                let mut buffer = [0u8; 4096];
                let _ = stream.read(&mut buffer);
                let _ = stream.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok");
            }
        });
        let http = Http::new(settings()).unwrap();
        for _ in 0..5 {
            post_ok(&http, &url);
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    #[test]
    fn refuses_to_block_an_async_runtime() {
        let http = Http::new(settings()).unwrap();
        let url = reqwest::Url::parse("http://127.0.0.1:9/").unwrap();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let result = runtime.block_on(async {
            http.post(
                &url,
                HeaderMap::new(),
                Vec::new(),
                Duration::from_secs(1),
                None,
                false,
                |_, _, _| (),
            )
        });
        assert!(matches!(result, Err(Failure::InsideRuntime)));
        // Dropping the client inside a runtime must not panic either.
        runtime.block_on(async move { drop(http) });
    }
}
