-- V9: the capacity ledger's database backstop, idempotency keys, and links the attendance
-- feature needs.

-- Seats taken by an event: attendees going or checked in, plus holds that are unconsumed and
-- unexpired (an expired hold stops counting at once, whether or not a worker has run).
CREATE FUNCTION event_seats_taken(p_event_id bigint) RETURNS bigint
LANGUAGE sql STABLE AS $$
    SELECT (SELECT coalesce(sum(seats), 0) FROM event_attendee
            WHERE event_id = p_event_id AND status IN ('going', 'checked_in'))
         + (SELECT coalesce(sum(seats), 0) FROM capacity_reservation
            WHERE event_id = p_event_id AND status = 'held' AND expires_at > now())
$$;

-- The backstop: any write that adds seats locks the event row (so concurrent writers queue up,
-- even ones that forgot to) and fails if the event would be over capacity. The application
-- takes the same lock first and answers 409 event_full before this ever fires.
CREATE FUNCTION event_capacity_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    v_capacity integer;
BEGIN
    SELECT capacity INTO v_capacity FROM event WHERE id = NEW.event_id FOR UPDATE;
    IF event_seats_taken(NEW.event_id) > v_capacity THEN
        RAISE EXCEPTION 'event % would exceed its capacity of %', NEW.event_id, v_capacity
            USING ERRCODE = 'check_violation', CONSTRAINT = 'event_capacity_exceeded';
    END IF;
    RETURN NULL;
END;
$$;
CREATE CONSTRAINT TRIGGER event_attendee_capacity AFTER INSERT OR UPDATE OF status, seats ON event_attendee
    FOR EACH ROW WHEN (NEW.status IN ('going', 'checked_in')) EXECUTE FUNCTION event_capacity_guard();
CREATE CONSTRAINT TRIGGER capacity_reservation_capacity AFTER INSERT OR UPDATE OF status, seats, expires_at
    ON capacity_reservation
    FOR EACH ROW WHEN (NEW.status = 'held') EXECUTE FUNCTION event_capacity_guard();

-- Lowering capacity below the seats taken fails in the database too.
CREATE FUNCTION event_capacity_not_below_taken() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.capacity < OLD.capacity AND event_seats_taken(NEW.id) > NEW.capacity THEN
        RAISE EXCEPTION 'capacity % is below the seats taken', NEW.capacity
            USING ERRCODE = 'check_violation', CONSTRAINT = 'event_capacity_below_taken';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER event_capacity_change BEFORE UPDATE OF capacity ON event
    FOR EACH ROW EXECUTE FUNCTION event_capacity_not_below_taken();

-- A request created by accepting an invite remembers it.
ALTER TABLE event_request ADD COLUMN invite_id bigint REFERENCES event_invite (id) ON DELETE SET NULL;
CREATE INDEX event_request_invite_idx ON event_request (invite_id);
-- The waitlist is served first come, first served.
CREATE INDEX event_request_waitlist_idx ON event_request (event_id, created_at, id) WHERE status = 'waitlisted';
-- Tickets are listed per user.
CREATE INDEX event_attendee_user_status_idx ON event_attendee (user_id, status);

-- Idempotency keys (API.md): the same key and body replay the stored answer; another body is
-- 422; a key still running is 409. Per user, kept at least 24 hours.
CREATE TABLE idempotency_key (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- Keys are a user's own: they go with the account.
    user_id         bigint       NOT NULL REFERENCES auth_user (id) ON DELETE CASCADE,
    idempotency_key varchar(255) NOT NULL,
    route           varchar(200) NOT NULL,
    request_hash    bytea        NOT NULL,
    response_status smallint,
    response_body   text,
    created_at      timestamptz  NOT NULL DEFAULT now(),
    updated_at      timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT idempotency_key_user_key UNIQUE (user_id, idempotency_key),
    CONSTRAINT idempotency_key_not_blank CHECK (btrim(idempotency_key) <> ''),
    CONSTRAINT idempotency_key_response_complete CHECK ((response_status IS NULL) = (response_body IS NULL))
);
CREATE INDEX idempotency_key_created_idx ON idempotency_key (created_at);
CREATE TRIGGER idempotency_key_updated_at BEFORE UPDATE ON idempotency_key
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
