-- One lock order, no deadlocks (found by the race harness, tests/api/stress.rs).
--
-- 1. The capacity backstop locks the event row FOR NO KEY UPDATE, like the application does:
--    FOR UPDATE also blocked the foreign-key checks (FOR KEY SHARE) of every new order or
--    attendee row of that event, so a writer holding a hold or an order row could wait on the
--    event while the event's owner waited on that row.
-- 2. The backstop runs only where seats can grow: an insert, a cancelled attendee coming back,
--    more seats, a hold becoming live again or lasting longer. A check-in (going → checked_in)
--    or an expiry no longer locks the event at all, so a door scan never waits on, or
--    deadlocks with, a cancel of the same attendee.

CREATE OR REPLACE FUNCTION event_capacity_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    v_capacity integer;
BEGIN
    SELECT capacity INTO v_capacity FROM event WHERE id = NEW.event_id FOR NO KEY UPDATE;
    IF event_seats_taken(NEW.event_id) > v_capacity THEN
        RAISE EXCEPTION 'event % would exceed its capacity of %', NEW.event_id, v_capacity
            USING ERRCODE = 'check_violation', CONSTRAINT = 'event_capacity_exceeded';
    END IF;
    RETURN NULL;
END;
$$;

DROP TRIGGER event_attendee_capacity ON event_attendee;
CREATE CONSTRAINT TRIGGER event_attendee_capacity AFTER INSERT ON event_attendee
    FOR EACH ROW WHEN (NEW.status IN ('going', 'checked_in')) EXECUTE FUNCTION event_capacity_guard();
CREATE CONSTRAINT TRIGGER event_attendee_capacity_grows AFTER UPDATE OF status, seats ON event_attendee
    FOR EACH ROW WHEN (NEW.status IN ('going', 'checked_in')
                       AND (OLD.status NOT IN ('going', 'checked_in') OR NEW.seats > OLD.seats))
    EXECUTE FUNCTION event_capacity_guard();

DROP TRIGGER capacity_reservation_capacity ON capacity_reservation;
CREATE CONSTRAINT TRIGGER capacity_reservation_capacity AFTER INSERT ON capacity_reservation
    FOR EACH ROW WHEN (NEW.status = 'held') EXECUTE FUNCTION event_capacity_guard();
CREATE CONSTRAINT TRIGGER capacity_reservation_capacity_grows AFTER UPDATE OF status, seats, expires_at
    ON capacity_reservation
    FOR EACH ROW WHEN (NEW.status = 'held'
                       AND (OLD.status <> 'held' OR NEW.seats > OLD.seats OR NEW.expires_at > OLD.expires_at))
    EXECUTE FUNCTION event_capacity_guard();
