//! A loopback proxy in front of Postgres that shows a watcher every message either side sends
//! (who sent it, its type byte and body) before the other side sees it. The round-trip test
//! counts with it and the latency bench records statements with it; neither ships in a
//! function.

use std::net::SocketAddr;
use std::sync::Mutex;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Who sent a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sender {
    /// The application's driver.
    Client,
    /// Postgres.
    Server,
}

/// Sees one connection's messages, each direction in order: (sender, type byte, body).
pub type Watcher = Box<dyn FnMut(Sender, u8, &[u8]) + Send>;

/// Listens on a free loopback port, forwards every connection to `upstream` and gives each one
/// a watcher from `watcher_for_connection`; returns the port.
pub async fn start<F>(upstream: SocketAddr, watcher_for_connection: F) -> std::io::Result<u16>
where
    F: Fn() -> Watcher + Send + Sync + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let port = listener.local_addr()?.port();
    tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            tokio::spawn(forward(client, upstream, watcher_for_connection()));
        }
    });
    Ok(port)
}

async fn forward(client: TcpStream, upstream: SocketAddr, watcher: Watcher) {
    let Ok(server) = TcpStream::connect(upstream).await else {
        return;
    };
    let (from_client, to_client) = client.into_split();
    let (from_server, to_server) = server.into_split();
    // Locked only inside `feed`, never across an await.
    let watcher = Mutex::new(watcher);
    tokio::join!(
        relay(from_client, to_server, Sender::Client, &watcher),
        relay(from_server, to_client, Sender::Server, &watcher),
    );
}

/// Copies one direction, showing the watcher each message before passing its bytes on, so
/// whatever the watcher makes of a message is final before the other side can answer it.
async fn relay(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    sender: Sender,
    watcher: &Mutex<Watcher>,
) {
    let mut messages = match sender {
        Sender::Client => MessageSplitter::default(),
        Sender::Server => MessageSplitter::after_start_up(),
    };
    let mut buffer = vec![0u8; 64 * 1024];
    while let Ok(read) = from.read(&mut buffer).await {
        if read == 0 {
            break;
        }
        messages.feed(&buffer[..read], &mut |kind: u8, body: &[u8]| {
            (watcher.lock().unwrap())(sender, kind, body)
        });
        if to.write_all(&buffer[..read]).await.is_err() {
            break;
        }
    }
    let _ = to.shutdown().await;
}

/// Reassembles the client's byte stream into messages. The first one (the start-up) has no
/// type byte and is not shown; every later one is a type byte, then a big-endian length that
/// counts itself, then the body.
#[derive(Default)]
pub struct MessageSplitter {
    pending: Vec<u8>,
    started: bool,
}

impl MessageSplitter {
    /// A splitter for the server's stream, where every message has a type byte.
    pub fn after_start_up() -> Self {
        Self {
            pending: Vec::new(),
            started: true,
        }
    }

    /// Adds bytes as they arrive and shows `watch` each message they complete.
    pub fn feed(&mut self, bytes: &[u8], watch: &mut impl FnMut(u8, &[u8])) {
        self.pending.extend_from_slice(bytes);
        loop {
            let header = if self.started { 5 } else { 4 };
            if self.pending.len() < header {
                return;
            }
            let length =
                u32::from_be_bytes(self.pending[header - 4..header].try_into().unwrap()) as usize;
            let total = header - 4 + length;
            if self.pending.len() < total {
                return;
            }
            if self.started {
                watch(self.pending[0], &self.pending[5..total]);
            }
            self.started = true;
            self.pending.drain(..total);
        }
    }
}

/// A client message as the server would receive it: type byte, length, body.
pub fn message(kind: u8, body: &[u8]) -> Vec<u8> {
    let mut bytes = vec![kind];
    bytes.extend_from_slice(&(body.len() as u32 + 4).to_be_bytes());
    bytes.extend_from_slice(body);
    bytes
}

/// A start-up message for user `postgres` (protocol 3.0), as a connection opens.
pub fn startup_message() -> Vec<u8> {
    let body = b"\0\x03\0\0user\0postgres\0\0";
    let mut bytes = (body.len() as u32 + 4).to_be_bytes().to_vec();
    bytes.extend_from_slice(body);
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_split_across_reads_are_shown_once_each_and_start_up_is_not() {
        let mut stream = startup_message();
        stream.extend(message(b'Q', b"BEGIN\0"));
        stream.extend(message(b'S', b""));
        stream.extend(message(b'X', b"Z-looking body"));
        for chunk in [1, 2, 3, 7, stream.len()] {
            let mut splitter = MessageSplitter::default();
            let mut seen = Vec::new();
            for part in stream.chunks(chunk) {
                splitter.feed(part, &mut |kind: u8, body: &[u8]| {
                    seen.push((kind, body.to_vec()))
                });
            }
            assert_eq!(
                seen,
                vec![
                    (b'Q', b"BEGIN\0".to_vec()),
                    (b'S', Vec::new()),
                    (b'X', b"Z-looking body".to_vec())
                ],
                "chunks of {chunk}"
            );
        }
    }
}
