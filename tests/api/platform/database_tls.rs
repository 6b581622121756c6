//! The connection to Postgres requires TLS: a server that answers "no TLS" to the client's
//! SSLRequest gets no login in plain text, the connection fails (as RDS Proxy's requirement
//! needs, and as a man in the middle would try).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use secrecy::SecretString;
use shared::platform::config::DatabaseTls;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::helpers::test_config;

/// A server on loopback that refuses TLS ('N') and counts the bytes a client sends after it.
async fn tls_refusing_server() -> (u16, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let after_refusal = Arc::new(AtomicUsize::new(0));
    let counter = after_refusal.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let counter = counter.clone();
            tokio::spawn(async move {
                let mut request = [0u8; 8];
                if socket.read_exact(&mut request).await.is_err() {
                    return;
                }
                // The SSLRequest code, 80877103, after the length.
                assert_eq!(&request[4..], &80_877_103u32.to_be_bytes());
                socket.write_all(b"N").await.unwrap();
                let mut rest = [0u8; 1024];
                if let Ok(Ok(n)) =
                    tokio::time::timeout(Duration::from_secs(2), socket.read(&mut rest)).await
                {
                    counter.fetch_add(n, Ordering::SeqCst);
                }
            });
        }
    });
    (port, after_refusal)
}

#[tokio::test]
async fn a_server_that_refuses_tls_gets_no_plain_text_login() {
    let (port, after_refusal) = tls_refusing_server().await;
    let mut config = test_config("unused");
    config.database.tls = DatabaseTls::VerifyFull;
    config.database.url = SecretString::from(format!(
        "postgres://app:password@127.0.0.1:{port}/eventhost"
    ));
    let pool = shared::platform::db::build_pool(&config.database, &config.aws).unwrap();
    assert!(pool.get().await.is_err(), "the connection must fail");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        after_refusal.load(Ordering::SeqCst),
        0,
        "nothing (no startup message, no password) was sent in plain text"
    );
}
