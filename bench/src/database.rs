//! The benchmark's own database: dropped and created fresh on the local server, migrated with
//! the project's migrations, and seeded by `generate_series` at the size a run asks for.

use anyhow::Context;

/// The database every benchmark run rebuilds (never the dev database).
pub const BENCH_DATABASE: &str = "eventhost_bench";

/// `admin_url` with its database replaced by `database`.
pub fn url_for(admin_url: &str, database: &str) -> String {
    let base = admin_url
        .rsplit_once('/')
        .map_or(admin_url, |(base, _)| base);
    format!("{base}/{database}")
}

/// Opens a plain connection.
pub async fn connect(url: &str) -> anyhow::Result<tokio_postgres::Client> {
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .with_context(|| format!("connecting to {url}"))?;
    tokio::spawn(connection);
    Ok(client)
}

/// Drops and creates the bench database, applies every migration; returns its URL.
pub async fn fresh(admin_url: &str) -> anyhow::Result<String> {
    let admin = connect(admin_url).await?;
    // Two statements: DROP DATABASE cannot run inside the implicit transaction of a batch.
    for statement in [
        format!("DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)"),
        format!("CREATE DATABASE {BENCH_DATABASE}"),
    ] {
        admin
            .batch_execute(&statement)
            .await
            .context("recreating the bench database")?;
    }
    let url = url_for(admin_url, BENCH_DATABASE);
    let mut client = connect(&url).await?;
    shared::platform::migrations::run(&mut client).await?;
    Ok(url)
}
/// The database name at the end of `url`.
pub fn name_of(url: &str) -> &str {
    url.rsplit_once('/').map_or(url, |(_, name)| name)
}

/// Copies the bench database (which must have no other connections left) to
/// `<bench>_copy`; returns the copy's URL.
pub async fn copy(url: &str) -> anyhow::Result<String> {
    let admin = connect(&url_for(url, "postgres")).await?;
    let copy = format!("{BENCH_DATABASE}_copy");
    admin
        .batch_execute(&format!("DROP DATABASE IF EXISTS {copy} WITH (FORCE)"))
        .await?;
    // FILE_COPY copies the files after a checkpoint instead of writing the whole database
    // to the WAL (1 M events is gigabytes). The bench's own connections close
    // asynchronously when dropped: wait for them.
    let mut attempts = 0;
    loop {
        match admin
            .batch_execute(&format!(
                "CREATE DATABASE {copy} TEMPLATE {BENCH_DATABASE} STRATEGY = FILE_COPY"
            ))
            .await
        {
            Ok(()) => return Ok(url_for(url, &copy)),
            Err(_) if attempts < 50 => {
                attempts += 1;
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
            Err(err) => return Err(err).context("copying the bench database"),
        }
    }
}

/// How much data a run seeds.
#[derive(Debug, Clone, Copy)]
pub struct Scale {
    /// Its name in the tables.
    pub name: &'static str,
    /// Users (each with a profile).
    pub users: i64,
    /// Events, mostly published, spread over the next year.
    pub events: i64,
    /// Attendees, spread over the events.
    pub attendees: i64,
}

/// Seeds `scale`: users 1..=users (user 1 hosts everything), venues, events with interests,
/// attendees, and a few notifications per user; then VACUUM ANALYZE. Attendees are made within
/// capacity by construction and loaded with triggers off (`session_replication_role =
/// replica`, for that one insert of this seeding session): the capacity trigger would
/// otherwise check each of the large scale's 5 M attendees against its event, one by one.
pub async fn seed(client: &tokio_postgres::Client, scale: Scale) -> anyhow::Result<()> {
    let Scale {
        users,
        events,
        attendees,
        ..
    } = scale;
    let sql = format!(
        "INSERT INTO auth_user (username, first_name, last_login) \
           SELECT '+9197' || lpad(g::text, 8, '0'), 'User ' || g, now() FROM generate_series(1, {users}) g;
         INSERT INTO user_profile (user_id, name, phone_number, birth_date, gender, is_verified) \
           SELECT id, first_name, username, date '1995-01-01', \
                  CASE WHEN id % 2 = 0 THEN 'female' ELSE 'male' END, true FROM auth_user;
         INSERT INTO venue (name, latitude, longitude) \
           SELECT 'Venue ' || g, 12.5 + (g % 1000) / 1000.0, 77.3 + (g / 1000) / 100.0 \
           FROM generate_series(1, greatest({events} / 50, 10)) g;
         INSERT INTO event (host_id, title, slug, description, mood, venue_id, event_date, start_time, \
                            capacity, is_paid, ticket_price, requires_approval, is_published, published_at) \
           SELECT 1, 'Generated event ' || g, 'generated-' || g, 'words ' || (g % 97), \
                  (ARRAY['party','picnic','travel','dinner','sports','music','workshop','other'])[1 + g % 8], \
                  1 + g % greatest({events} / 50, 10), current_date + 1 + (g % 365), '18:00', 10000, \
                  g % 3 = 0, CASE WHEN g % 3 = 0 THEN 100 ELSE 0 END, g % 2 = 0, g % 10 <> 0, now() \
           FROM generate_series(1, {events}) g;
         INSERT INTO event_interest_map (event_id, event_interest_id) \
           SELECT e.id, 1 + e.id % 9 FROM event e;
         SET session_replication_role = replica;
         INSERT INTO event_attendee (event_id, user_id, seats) \
           SELECT 1 + (g % {events}), 2 + (g / {events}) % ({users} - 1), 1 \
           FROM generate_series(0, {attendees} - 1) g ON CONFLICT DO NOTHING;
         RESET session_replication_role;
         UPDATE event e SET going_count = a.seats FROM \
           (SELECT event_id, sum(seats) AS seats FROM event_attendee GROUP BY event_id) a WHERE a.event_id = e.id;
         INSERT INTO notification (recipient_id, notification_type, title, message) \
           SELECT 1 + g % {users}, 'event_reminder', 'Soon', 'Your event starts soon' \
           FROM generate_series(1, {users} * 3) g;"
    );
    client
        .batch_execute(&sql)
        .await
        .context("seeding the bench database")?;
    // Statistics, and the visibility map a freshly loaded table lacks (index-only scans).
    client
        .batch_execute("VACUUM ANALYZE")
        .await
        .context("vacuuming the bench database")?;
    Ok(())
}

/// `make bench`'s default size.
pub const DEFAULT_SCALE: Scale = Scale {
    name: "10 k events",
    users: 50_000,
    events: 10_000,
    attendees: 50_000,
};

/// `BENCH_SCALE=large`.
pub const LARGE_SCALE: Scale = Scale {
    name: "1 M events",
    users: 500_000,
    events: 1_000_000,
    attendees: 5_000_000,
};
