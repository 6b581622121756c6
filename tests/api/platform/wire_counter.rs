//! Counts database round trips through `wire-proxy`. A round trip is a flight: what the client
//! sends before it waits for the server. It opens with the first message the client sends
//! while nothing of its is unanswered and closes with the ReadyForQuery that answers the last
//! of its simple `Query`s and `Sync`s, so statements the client pipelines (sends without
//! waiting for the ones before) share one round trip, and BEGIN queued ahead of a statement
//! rides with it. A flight that binds or runs a statement is an execution; one that only
//! parses and describes fills the connection's statement cache (a preparation), which happens
//! once per statement and connection, so the two are counted apart. The count never errs low:
//! a message that loses a race with an answer opens a flight of its own.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use wire_proxy::Sender;

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
    account_checks: AtomicU64,
}

/// Round trips of some stretch of work.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RoundTrips {
    /// Round trips that run statements: what every request pays.
    pub executions: u64,
    /// Round trips that only prepare statements: paid once per statement on each connection.
    pub preparations: u64,
    /// Runs of the account check (`shared::auth::store::ACCOUNT_CHECK`): not a round trip, but
    /// work a request should ask of the database once.
    pub account_checks: u64,
}

impl std::ops::Sub for RoundTrips {
    type Output = RoundTrips;
    fn sub(self, earlier: RoundTrips) -> RoundTrips {
        RoundTrips {
            executions: self.executions - earlier.executions,
            preparations: self.preparations - earlier.preparations,
            account_checks: self.account_checks - earlier.account_checks,
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
            let mut account_check = AccountCheckWatch::default();
            let mut trace = std::env::var_os("ROUND_TRIP_TRACE").map(|_| FlightTrace::default());
            Box::new(move |sender: Sender, kind: u8, body: &[u8]| {
                if let Some(trace) = trace.as_mut() {
                    trace.see(sender, kind, body);
                }
                if account_check.binds(sender, kind, body) {
                    counts.account_checks.fetch_add(1, Ordering::SeqCst);
                }
                let seen = tally.see(sender, kind);
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
            account_checks: self.counts.account_checks.load(Ordering::SeqCst),
        }
    }
}

/// One connection's names of the account check's prepared statements (Parse names them).
#[derive(Default)]
struct AccountCheckWatch {
    names: std::collections::HashSet<Vec<u8>>,
}

impl AccountCheckWatch {
    /// Whether this message runs the account check (a Bind of a statement prepared with it).
    fn binds(&mut self, sender: Sender, kind: u8, body: &[u8]) -> bool {
        let mut fields = body.split(|b| *b == 0);
        match (sender, kind) {
            (Sender::Client, b'P') => {
                let name = fields.next().unwrap_or_default();
                if fields.next() == Some(shared::auth::store::ACCOUNT_CHECK.as_bytes()) {
                    self.names.insert(name.to_vec());
                }
                false
            }
            (Sender::Client, b'B') => {
                let _portal = fields.next();
                fields.next().is_some_and(|name| self.names.contains(name))
            }
            _ => false,
        }
    }
}

/// With `ROUND_TRIP_TRACE` set, prints each flight's statements as it lands (to see where a
/// route's round trips go): statement text from Parse and Query, named statements by the text
/// they were prepared with.
#[derive(Default)]
struct FlightTrace {
    prepared: std::collections::HashMap<String, String>,
    flight: Vec<String>,
    unanswered: u32,
}

impl FlightTrace {
    fn see(&mut self, sender: Sender, kind: u8, body: &[u8]) {
        let text = |at: usize| {
            body.split(|b| *b == 0)
                .nth(at)
                .map(|t| String::from_utf8_lossy(t).into_owned())
                .unwrap_or_default()
        };
        match (sender, kind) {
            (Sender::Client, b'P') => {
                self.prepared.insert(text(0), text(1));
            }
            (Sender::Client, b'B') => {
                let sql = self.prepared.get(&text(1)).cloned().unwrap_or_default();
                self.flight.push(sql.chars().take(110).collect());
            }
            (Sender::Client, b'Q') => self.flight.push(text(0)),
            _ => {}
        }
        match (sender, kind) {
            (Sender::Client, b'S' | b'Q') => self.unanswered += 1,
            (Sender::Server, b'Z') if self.unanswered > 0 => {
                self.unanswered -= 1;
                if self.unanswered == 0 && !self.flight.is_empty() {
                    eprintln!("  flight: {}", self.flight.join("\n          "));
                    self.flight.clear();
                }
            }
            _ => {}
        }
    }
}

/// One connection's state: the flight in the air, if any, and its unanswered queries and syncs.
#[derive(Default)]
struct Tally {
    /// Whether the open flight binds or runs a statement; `None` when none is open.
    flight_executes: Option<bool>,
    unanswered: u32,
}

impl Tally {
    /// The round trip a message closes, if any.
    fn see(&mut self, sender: Sender, kind: u8) -> RoundTrips {
        let mut closed = RoundTrips::default();
        match sender {
            Sender::Client => {
                let executes = self.flight_executes.get_or_insert(false);
                *executes |= matches!(kind, b'B' | b'Q');
                if matches!(kind, b'S' | b'Q') {
                    self.unanswered += 1;
                }
            }
            // ReadyForQuery, also sent once when the connection opens (nothing is in the air).
            Sender::Server if kind == b'Z' && self.unanswered > 0 => {
                self.unanswered -= 1;
                if self.unanswered == 0 {
                    match self.flight_executes.take() {
                        Some(true) => closed.executions = 1,
                        Some(false) => closed.preparations = 1,
                        None => {}
                    }
                }
            }
            Sender::Server => {}
        }
        closed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn walk(messages: &[(Sender, u8)]) -> RoundTrips {
        let mut tally = Tally::default();
        let mut total = RoundTrips::default();
        for &(sender, kind) in messages {
            let closed = tally.see(sender, kind);
            total.executions += closed.executions;
            total.preparations += closed.preparations;
        }
        total
    }

    use Sender::{Client as C, Server as S};

    #[test]
    fn waiting_for_each_answer_costs_a_round_trip_each_and_preparations_count_apart() {
        // BEGIN; prepare; bind + execute; COMMIT: each waits for its answer.
        let walked = walk(&[
            (S, b'Z'),
            (C, b'Q'),
            (S, b'C'),
            (S, b'Z'),
            (C, b'P'),
            (C, b'D'),
            (C, b'S'),
            (S, b'1'),
            (S, b'Z'),
            (C, b'B'),
            (C, b'E'),
            (C, b'S'),
            (S, b'2'),
            (S, b'C'),
            (S, b'Z'),
            (C, b'Q'),
            (S, b'C'),
            (S, b'Z'),
        ]);
        let expected = RoundTrips {
            executions: 3,
            preparations: 1,
            account_checks: 0,
        };
        assert_eq!(walked, expected);
    }

    #[test]
    fn statements_sent_before_the_answers_share_one_round_trip() {
        // BEGIN queued without waiting, then two statements, then all three answers.
        let walked = walk(&[
            (C, b'Q'),
            (C, b'B'),
            (C, b'E'),
            (C, b'S'),
            (C, b'B'),
            (C, b'E'),
            (C, b'S'),
            (S, b'Z'),
            (S, b'Z'),
            (S, b'Z'),
            // COMMIT after the answers: a second round trip.
            (C, b'Q'),
            (S, b'Z'),
        ]);
        let expected = RoundTrips {
            executions: 2,
            preparations: 0,
            account_checks: 0,
        };
        assert_eq!(walked, expected);
    }
}
