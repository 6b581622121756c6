//! Records the statements a request runs, through `wire-proxy`, so the latency run can replay
//! exactly those statements, with the same parameter bytes, bare through tokio-postgres. It
//! reads what the client sends: `Parse` (name → SQL), `Bind` (name and parameter values) and
//! simple `Query` messages.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use wire_proxy::Sender;

/// One statement a request ran.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Captured {
    /// A simple query (BEGIN, COMMIT).
    Simple(String),
    /// An extended-protocol execution: the SQL and each parameter's binary value (None: NULL).
    Bound {
        /// The statement's text.
        sql: String,
        /// Parameter values as sent.
        params: Vec<Option<Vec<u8>>>,
    },
}

/// The running proxy.
pub struct Recorder {
    port: u16,
    log: Arc<Mutex<Vec<Captured>>>,
}

impl Recorder {
    /// Listens on a free loopback port and forwards to `upstream`.
    pub async fn start(upstream: SocketAddr) -> anyhow::Result<Self> {
        let log = Arc::new(Mutex::new(Vec::new()));
        let shared_log = log.clone();
        let port = wire_proxy::start(upstream, move || {
            let log = shared_log.clone();
            let mut statements = Statements::default();
            Box::new(move |sender: Sender, kind: u8, body: &[u8]| {
                if sender != Sender::Client {
                    return;
                }
                if let Some(captured) = statements.read(kind, body) {
                    log.lock().unwrap().push(captured);
                }
            })
        })
        .await?;
        Ok(Self { port, log })
    }

    /// The port to point a `DATABASE_URL` at.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Takes what was recorded since the last call.
    pub fn take(&self) -> Vec<Captured> {
        std::mem::take(&mut *self.log.lock().unwrap())
    }
}

/// One connection's named statements.
#[derive(Default)]
struct Statements(HashMap<String, String>);

impl Statements {
    /// Reads one client message; an execution or a simple query is what the request ran.
    fn read(&mut self, kind: u8, body: &[u8]) -> Option<Captured> {
        let mut reader = Reader(body);
        match kind {
            b'P' => {
                let name = reader.cstr();
                let sql = reader.cstr();
                self.0.insert(name, sql);
                None
            }
            b'B' => {
                let _portal = reader.cstr();
                let name = reader.cstr();
                let formats = reader.u16();
                for _ in 0..formats {
                    reader.u16();
                }
                let count = reader.u16();
                let params = (0..count)
                    .map(|_| {
                        let length = reader.i32();
                        (length >= 0).then(|| reader.take(length as usize).to_vec())
                    })
                    .collect();
                let sql = self.0.get(&name)?.clone();
                Some(Captured::Bound { sql, params })
            }
            b'Q' => Some(Captured::Simple(reader.cstr())),
            _ => None,
        }
    }
}

struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn take(&mut self, n: usize) -> &[u8] {
        let n = n.min(self.0.len());
        let (head, tail) = self.0.split_at(n);
        self.0 = tail;
        head
    }
    fn cstr(&mut self) -> String {
        let end = self.0.iter().position(|b| *b == 0).unwrap_or(self.0.len());
        let text = String::from_utf8_lossy(&self.0[..end]).into_owned();
        self.0 = &self.0[(end + 1).min(self.0.len())..];
        text
    }
    fn u16(&mut self) -> u16 {
        let bytes = self.take(2);
        u16::from_be_bytes([bytes[0], bytes[1]])
    }
    fn i32(&mut self) -> i32 {
        let bytes = self.take(4);
        i32::from_be_bytes(bytes.try_into().unwrap())
    }
}

/// A parameter replayed as the bytes that were sent (binary format, as tokio-postgres sends).
#[derive(Debug)]
pub struct RawParam(pub Option<Vec<u8>>);

impl tokio_postgres::types::ToSql for RawParam {
    fn to_sql(
        &self,
        _ty: &tokio_postgres::types::Type,
        out: &mut bytes::BytesMut,
    ) -> Result<tokio_postgres::types::IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match &self.0 {
            Some(bytes) => {
                out.extend_from_slice(bytes);
                Ok(tokio_postgres::types::IsNull::No)
            }
            None => Ok(tokio_postgres::types::IsNull::Yes),
        }
    }

    fn accepts(_ty: &tokio_postgres::types::Type) -> bool {
        true
    }

    tokio_postgres::types::to_sql_checked!();
}

#[cfg(test)]
mod tests {
    use super::*;
    use wire_proxy::{message, startup_message, MessageSplitter};

    #[test]
    fn parse_and_bind_become_a_statement_with_its_parameters() {
        let mut stream = startup_message();
        stream.extend(message(b'Q', b"BEGIN\0"));
        stream.extend(message(b'P', b"s1\0SELECT $1, $2\0\0\0"));
        let mut bind = b"\0s1\0\0\x01\0\x01\0\x02".to_vec();
        bind.extend_from_slice(&4i32.to_be_bytes());
        bind.extend_from_slice(&[0, 0, 0, 7]);
        bind.extend_from_slice(&(-1i32).to_be_bytes());
        bind.extend_from_slice(&[0, 0]);
        stream.extend(message(b'B', &bind));
        let mut splitter = MessageSplitter::default();
        let mut statements = Statements::default();
        let mut captured = Vec::new();
        splitter.feed(&stream, &mut |kind: u8, body: &[u8]| {
            captured.extend(statements.read(kind, body));
        });
        assert_eq!(
            captured,
            vec![
                Captured::Simple("BEGIN".into()),
                Captured::Bound {
                    sql: "SELECT $1, $2".into(),
                    params: vec![Some(vec![0, 0, 0, 7]), None],
                },
            ]
        );
    }
}
