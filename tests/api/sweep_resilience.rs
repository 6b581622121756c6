//! The one-minute sweep goes on past a hold or a refund that fails: it logs it, and the next
//! one is handled in the same sweep.

use crate::helpers::{spawn_app, TestApp};
use crate::payments::{hold, open_order, paid_order};

/// Makes every update of the rows `table` selects by `condition` fail, as a broken row would.
async fn break_rows(app: &TestApp, table: &str, condition: &str) {
    app.db
        .batch_execute(&format!(
            "CREATE FUNCTION fail_this_row() RETURNS trigger LANGUAGE plpgsql AS $$ \
             BEGIN RAISE EXCEPTION 'this row is broken'; END $$; \
             CREATE TRIGGER broken BEFORE UPDATE ON {table} FOR EACH ROW WHEN ({condition}) \
             EXECUTE FUNCTION fail_this_row();"
        ))
        .await
        .unwrap();
}

#[tokio::test]
async fn a_hold_that_fails_to_expire_does_not_stop_the_next() {
    let app = spawn_app().await;
    let first = hold(&app, 5, 1).await;
    open_order(&app, &first).await;
    let second_guest = app.quick_user("+919800000003", Some("male")).await;
    let request = crate::attendance::request_join(&app, &second_guest, &first.event_id, 1).await;
    crate::attendance::accept(
        &app,
        &first.host,
        request.body["request_id"].as_str().unwrap(),
    )
    .await;
    app.db
        .execute(
            "UPDATE capacity_reservation SET expires_at = now() - interval '1 minute', \
                    created_at = now() - interval '20 minutes'",
            &[],
        )
        .await
        .unwrap();
    let broken: i64 = app
        .value("SELECT min(id) FROM capacity_reservation", &[])
        .await;
    break_rows(&app, "capacity_reservation", &format!("OLD.id = {broken}")).await;

    app.sweep().await;

    assert_eq!(
        app.strings("SELECT status FROM capacity_reservation ORDER BY id")
            .await,
        vec!["held", "expired"]
    );
}

#[tokio::test]
async fn a_refund_that_fails_to_record_does_not_stop_the_next() {
    let app = spawn_app().await;
    let held = hold(&app, 5, 1).await;
    paid_order(&app, &held).await;
    // Two refunds due: the first one's record is broken.
    app.db
        .batch_execute(
            "INSERT INTO payment_refund (payment_order_id, amount, reason, idempotency_key) \
             SELECT id, 1, 'host', k FROM payment_order, (VALUES ('K-1'), ('K-2')) v(k) ORDER BY k",
        )
        .await
        .unwrap();
    break_rows(&app, "payment_refund", "OLD.idempotency_key = 'K-1'").await;

    app.sweep().await;

    assert_eq!(
        app.strings("SELECT idempotency_key || ':' || status FROM payment_refund ORDER BY id")
            .await,
        vec!["K-1:pending", "K-2:processed"]
    );
}
