//! A loopback proxy in front of Postgres that records the statements a request runs, so the
//! latency run can replay exactly those statements, with the same parameter bytes, bare through
//! tokio-postgres. It reads what the client sends: `Parse` (name → SQL), `Bind` (name and
//! parameter values) and simple `Query` messages.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

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
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let port = listener.local_addr()?.port();
        let log = Arc::new(Mutex::new(Vec::new()));
        let shared_log = log.clone();
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                tokio::spawn(forward(client, upstream, shared_log.clone()));
            }
        });
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

async fn forward(client: TcpStream, upstream: SocketAddr, log: Arc<Mutex<Vec<Captured>>>) {
    let Ok(server) = TcpStream::connect(upstream).await else {
        return;
    };
    let (mut from_client, mut to_client) = client.into_split();
    let (mut from_server, mut to_server) = server.into_split();
    let upstream_half = async {
        let mut parser = Messages::default();
        let mut buffer = vec![0u8; 64 * 1024];
        while let Ok(read) = from_client.read(&mut buffer).await {
            if read == 0 {
                break;
            }
            for captured in parser.feed(&buffer[..read]) {
                log.lock().unwrap().push(captured);
            }
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

/// Reassembles the client's messages (the start-up one has no type byte) and reads the ones
/// that name statements.
#[derive(Default)]
struct Messages {
    pending: Vec<u8>,
    started: bool,
    statements: HashMap<String, String>,
}

impl Messages {
    fn feed(&mut self, bytes: &[u8]) -> Vec<Captured> {
        self.pending.extend_from_slice(bytes);
        let mut out = Vec::new();
        loop {
            let header = if self.started { 5 } else { 4 };
            if self.pending.len() < header {
                break;
            }
            let length =
                u32::from_be_bytes(self.pending[header - 4..header].try_into().unwrap()) as usize;
            let total = header - 4 + length;
            if self.pending.len() < total {
                break;
            }
            let message: Vec<u8> = self.pending.drain(..total).collect();
            if self.started {
                self.read(message[0], &message[5..], &mut out);
            }
            self.started = true;
        }
        out
    }

    fn read(&mut self, kind: u8, body: &[u8], out: &mut Vec<Captured>) {
        let mut reader = Reader(body);
        match kind {
            b'P' => {
                let name = reader.cstr();
                let sql = reader.cstr();
                self.statements.insert(name, sql);
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
                if let Some(sql) = self.statements.get(&name) {
                    out.push(Captured::Bound {
                        sql: sql.clone(),
                        params,
                    });
                }
            }
            b'Q' => out.push(Captured::Simple(reader.cstr())),
            _ => {}
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

    fn message(kind: u8, body: &[u8]) -> Vec<u8> {
        let mut m = vec![kind];
        m.extend_from_slice(&(body.len() as u32 + 4).to_be_bytes());
        m.extend_from_slice(body);
        m
    }

    #[test]
    fn parse_and_bind_become_a_statement_with_its_parameters() {
        let startup = b"\0\x03\0\0user\0postgres\0\0";
        let mut stream = (startup.len() as u32 + 4).to_be_bytes().to_vec();
        stream.extend_from_slice(startup);
        stream.extend(message(b'Q', b"BEGIN\0"));
        stream.extend(message(b'P', b"s1\0SELECT $1, $2\0\0\0"));
        let mut bind = b"\0s1\0\0\x01\0\x01\0\x02".to_vec();
        bind.extend_from_slice(&4i32.to_be_bytes());
        bind.extend_from_slice(&[0, 0, 0, 7]);
        bind.extend_from_slice(&(-1i32).to_be_bytes());
        bind.extend_from_slice(&[0, 0]);
        stream.extend(message(b'B', &bind));
        for chunk in [1, 3, stream.len()] {
            let mut parser = Messages::default();
            let captured: Vec<Captured> =
                stream.chunks(chunk).flat_map(|c| parser.feed(c)).collect();
            assert_eq!(
                captured,
                vec![
                    Captured::Simple("BEGIN".into()),
                    Captured::Bound {
                        sql: "SELECT $1, $2".into(),
                        params: vec![Some(vec![0, 0, 0, 7]), None],
                    },
                ],
                "chunks of {chunk}"
            );
        }
    }
}
