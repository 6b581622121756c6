-- The seat-hold transaction of `make bench`'s contention run, for pgbench (-M prepared):
-- lock the event, read the ledger, hold a seat when one is free, else release the oldest hold.
-- bench/src/contention.rs runs the same statements through the shared ledger code; a test
-- there checks that this file still says what the code says.
\set user_id random(:first_user, :last_user)
BEGIN;
SELECT e.id, e.uuid, e.host_id, u.uuid AS host_uuid, e.capacity, e.is_paid, e.allow_plus_one, e.requires_approval, e.allowed_genders, e.is_published AND e.is_active AND e.starts_at > now() AS is_open, e.is_published, e.is_active FROM event e JOIN auth_user u ON u.id = e.host_id WHERE e.id = :event_id FOR NO KEY UPDATE OF e;
SELECT event_seats_taken(:event_id) AS seats_taken \gset
\if :seats_taken < :capacity
INSERT INTO capacity_reservation (event_id, user_id, seats, expires_at) VALUES (:event_id, :user_id, 1, now() + interval '1 hour');
\else
UPDATE capacity_reservation SET status = 'released', released_at = now() WHERE id = (SELECT id FROM capacity_reservation WHERE event_id = :event_id AND status = 'held' ORDER BY id LIMIT 1);
\endif
COMMIT;
