//! Counts database round trips from what the client sends, through `wire-proxy`. A round trip
//! ends where the client waits for the server: at a simple `Query` (BEGIN, COMMIT) or at a
//! `Sync` of the extended protocol. A `Sync` after a `Bind` runs a statement (an execution);
//! one after only `Parse`/`Describe` prepares a statement for the connection's statement cache
//! (a preparation), which happens once per statement and connection, so the two are counted
//! apart.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

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
        let counts = Arc::new(Counts::default());
        let counted = counts.clone();
        let port = wire_proxy::start(upstream, move || {
            let counts = counted.clone();
            let mut tally = Tally::default();
            Box::new(move |kind: u8, _body: &[u8]| {
                let seen = tally.see(kind);
                counts
                    .executions
                    .fetch_add(seen.executions, Ordering::SeqCst);
                counts
                    .preparations
                    .fetch_add(seen.preparations, Ordering::SeqCst);
            })
        })
        .await
        .expect("starting the counting proxy");
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

/// One connection's state: whether a `Bind` came since the last `Sync`.
#[derive(Default)]
struct Tally {
    bound_since_sync: bool,
}

impl Tally {
    /// The round trip a message of type `kind` ends, if any.
    fn see(&mut self, kind: u8) -> RoundTrips {
        let mut seen = RoundTrips::default();
        match kind {
            b'Q' => seen.executions = 1,
            b'B' => self.bound_since_sync = true,
            b'S' if self.bound_since_sync => {
                seen.executions = 1;
                self.bound_since_sync = false;
            }
            b'S' => seen.preparations = 1,
            _ => {}
        }
        seen
    }
}

#[test]
fn queries_and_executions_are_round_trips_and_preparations_are_counted_apart() {
    let mut tally = Tally::default();
    let mut total = RoundTrips::default();
    // BEGIN; prepare; bind + execute; COMMIT.
    for kind in [b'Q', b'P', b'D', b'S', b'B', b'E', b'S', b'Q'] {
        let seen = tally.see(kind);
        total.executions += seen.executions;
        total.preparations += seen.preparations;
    }
    let expected = RoundTrips {
        executions: 3,
        preparations: 1,
    };
    assert_eq!(total, expected);
}
