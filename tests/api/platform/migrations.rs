use crate::helpers::{connect, create_empty_database};

const TABLES: &[&str] = &[
    "auth_user",
    "user_profile",
    "user_phone_otp",
    "event_interest",
    "user_profile_event_interests",
    "venue",
    "event",
    "event_interest_map",
    "event_request",
    "event_invite",
    "capacity_reservation",
    "event_attendee",
    "ticket_secret",
    "payment_order",
    "notification",
    "audit_log",
    "event_image",
    "event_cohost",
];

#[tokio::test]
async fn migrations_apply_to_an_empty_database_and_rerunning_is_a_no_op() {
    let database = create_empty_database().await;
    let mut db = connect(&database).await;

    let applied = shared::platform::migrations::run(&mut db)
        .await
        .expect("first run applies");
    assert!(applied.len() >= 6, "applied {applied:?}");

    let again = shared::platform::migrations::run(&mut db)
        .await
        .expect("second run succeeds");
    assert!(again.is_empty(), "second run applied {again:?}");

    for table in TABLES {
        let exists: bool = db
            .query_one("SELECT to_regclass($1) IS NOT NULL", &[table])
            .await
            .unwrap()
            .get(0);
        assert!(exists, "table {table} is missing");
    }
}

#[tokio::test]
async fn every_foreign_key_has_an_index_and_a_deliberate_on_delete() {
    let database = create_empty_database().await;
    let mut db = connect(&database).await;
    shared::platform::migrations::run(&mut db).await.unwrap();

    // A foreign key whose first column does not lead any index makes parent deletes and joins scan.
    let unindexed = db
        .query(
            "SELECT c.conname FROM pg_constraint c \
             WHERE c.contype = 'f' AND c.connamespace = 'public'::regnamespace \
               AND NOT EXISTS (SELECT 1 FROM pg_index i \
                               WHERE i.indrelid = c.conrelid AND i.indkey[0] = c.conkey[1])",
            &[],
        )
        .await
        .unwrap();
    let names: Vec<String> = unindexed.iter().map(|r| r.get(0)).collect();
    assert!(names.is_empty(), "foreign keys without an index: {names:?}");

    // Only audit_log.actor_id keeps NO ACTION, on purpose (append-only table, users never deleted).
    let no_action = db
        .query(
            "SELECT conrelid::regclass::text || '.' || conname FROM pg_constraint \
             WHERE contype = 'f' AND confdeltype = 'a' AND connamespace = 'public'::regnamespace",
            &[],
        )
        .await
        .unwrap();
    let names: Vec<String> = no_action.iter().map(|r| r.get(0)).collect();
    assert_eq!(names, vec!["audit_log.audit_log_actor_id_fkey".to_owned()]);
}

#[tokio::test]
async fn the_interest_catalogue_is_seeded() {
    let database = create_empty_database().await;
    let mut db = connect(&database).await;
    shared::platform::migrations::run(&mut db).await.unwrap();
    let slugs: Vec<String> = db
        .query("SELECT slug FROM event_interest ORDER BY sort_order", &[])
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    for slug in [
        "music", "travel", "party", "picnic", "food", "sports", "art", "tech", "outdoors",
    ] {
        assert!(
            slugs.iter().any(|s| s == slug),
            "{slug} missing from {slugs:?}"
        );
    }
}
