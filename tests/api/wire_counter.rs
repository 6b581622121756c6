//! A loopback proxy in front of Postgres that counts database round trips, read from what the
//! client sends. A round trip ends where the client waits for the server: at a simple `Query`
//! (BEGIN, COMMIT) or at a `Sync` of the extended protocol. A `Sync` after a `Bind` runs a
//! statement (an execution); one after only `Parse`/`Describe` prepares a statement for the
//! connection's statement cache (a preparation), which happens once per statement and
//! connection, so the two are counted apart.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The running proxy: point a `DATABASE_URL` at `port()` and read `count()` around a request.
pub struct RoundTripCounter {
    port: u16,
    counts: Arc<Counts>,
}

/// Round trips seen so far, over every connection.
#[derive(Default)]
struct Counts {
    executions: AtomicU64,
    preparations: AtomicU64,
}

/// Round trips of some stretch of work.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RoundTrips {
    /// Simple queries and statement executions: what every request pays.
    pub executions: u64,
    /// Statement preparations: paid once per statement on each connection.
    pub preparations: u64,
}

impl std::ops::Sub for RoundTrips {
    type Output = RoundTrips;
    fn sub(self, earlier: RoundTrips) -> RoundTrips {
        RoundTrips {
            executions: self.executions - earlier.executions,
            preparations: self.preparations - earlier.preparations,
        }
    }
}

impl RoundTripCounter {
    /// Listens on a free loopback port and forwards every connection to `upstream`.
    pub async fn start(upstream: SocketAddr) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("binding");
        let port = listener.local_addr().unwrap().port();
        let counts = Arc::new(Counts::default());
        let counted = counts.clone();
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                tokio::spawn(forward(client, upstream, counted.clone()));
            }
        });
        Self { port, counts }
    }

    /// The port to connect to.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Round trips so far, over every connection.
    pub fn count(&self) -> RoundTrips {
        RoundTrips {
            executions: self.counts.executions.load(Ordering::SeqCst),
            preparations: self.counts.preparations.load(Ordering::SeqCst),
        }
    }
}

async fn forward(client: TcpStream, upstream: SocketAddr, counts: Arc<Counts>) {
    let Ok(server) = TcpStream::connect(upstream).await else {
        return;
    };
    let (mut from_client, mut to_client) = client.into_split();
    let (mut from_server, mut to_server) = server.into_split();
    let upstream_half = async {
        let mut frames = FrontendFrames::default();
        let mut buffer = vec![0u8; 64 * 1024];
        while let Ok(read) = from_client.read(&mut buffer).await {
            if read == 0 {
                break;
            }
            // Counted before the server sees the bytes, so the count is final by the time the
            // client has its answer.
            let seen = frames.round_trips_in(&buffer[..read]);
            counts
                .executions
                .fetch_add(seen.executions, Ordering::SeqCst);
            counts
                .preparations
                .fetch_add(seen.preparations, Ordering::SeqCst);
            if to_server.write_all(&buffer[..read]).await.is_err() {
                break;
            }
        }
        let _ = to_server.shutdown().await;
    };
    let downstream_half = async {
        let _ = tokio::io::copy(&mut from_server, &mut to_client).await;
        let _ = to_client.shutdown().await;
    };
    tokio::join!(upstream_half, downstream_half);
}

/// Splits the client's byte stream into messages and counts round trips. The first message (the
/// start-up) has no type byte; every later one is a type byte, then a big-endian length that
/// counts itself.
#[derive(Default)]
struct FrontendFrames {
    header: Vec<u8>,
    body_left: usize,
    started: bool,
    bound_since_sync: bool,
}

impl FrontendFrames {
    fn round_trips_in(&mut self, mut bytes: &[u8]) -> RoundTrips {
        let mut seen = RoundTrips::default();
        while !bytes.is_empty() {
            if self.body_left > 0 {
                let skipped = self.body_left.min(bytes.len());
                self.body_left -= skipped;
                bytes = &bytes[skipped..];
                continue;
            }
            let header_len = if self.started { 5 } else { 4 };
            let taken = (header_len - self.header.len()).min(bytes.len());
            self.header.extend_from_slice(&bytes[..taken]);
            bytes = &bytes[taken..];
            if self.header.len() < header_len {
                break;
            }
            let length_at = header_len - 4;
            let length = u32::from_be_bytes(self.header[length_at..].try_into().unwrap()) as usize;
            if self.started {
                match self.header[0] {
                    b'Q' => seen.executions += 1,
                    b'B' => self.bound_since_sync = true,
                    b'S' if self.bound_since_sync => {
                        seen.executions += 1;
                        self.bound_since_sync = false;
                    }
                    b'S' => seen.preparations += 1,
                    _ => {}
                }
            }
            self.started = true;
            self.body_left = length.saturating_sub(4);
            self.header.clear();
        }
        seen
    }
}

#[test]
fn messages_split_across_reads_are_counted_once() {
    let message = |kind: u8, body: &[u8]| {
        let mut m = vec![kind];
        m.extend_from_slice(&(body.len() as u32 + 4).to_be_bytes());
        m.extend_from_slice(body);
        m
    };
    // Start-up: length, protocol 3.0, "user\0postgres\0\0".
    let startup_body = b"\0\x03\0\0user\0postgres\0\0";
    let mut stream = (startup_body.len() as u32 + 4).to_be_bytes().to_vec();
    stream.extend_from_slice(startup_body);
    stream.extend(message(b'Q', b"BEGIN\0"));
    stream.extend(message(b'P', b"s1\0SELECT 'S'\0\0\0"));
    stream.extend(message(b'D', b"Ss1\0"));
    stream.extend(message(b'S', b""));
    stream.extend(message(b'B', b"\0s1\0\0\0\0\0\0\0"));
    stream.extend(message(b'E', b"\0\0\0\0\0"));
    stream.extend(message(b'S', b""));
    stream.extend(message(b'Q', b"COMMIT\0"));
    for chunk in [1, 2, 3, 7, stream.len()] {
        let mut frames = FrontendFrames::default();
        let mut total = RoundTrips::default();
        for part in stream.chunks(chunk) {
            let seen = frames.round_trips_in(part);
            total.executions += seen.executions;
            total.preparations += seen.preparations;
        }
        let expected = RoundTrips {
            executions: 3,
            preparations: 1,
        };
        assert_eq!(total, expected, "chunks of {chunk}");
    }
}
