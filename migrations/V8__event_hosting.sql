-- V8: what hosting and discovery need beyond the seed's event table.

-- The instant an event starts: event_date + start_time in the event's time zone, kept by a
-- trigger so no writer can get it wrong. Discovery orders and pages by it; "future" means
-- starts_at > now().
ALTER TABLE event ADD COLUMN starts_at timestamptz;
CREATE FUNCTION event_set_starts_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.starts_at := (NEW.event_date + NEW.start_time) AT TIME ZONE NEW.timezone;
    RETURN NEW;
END;
$$;
CREATE TRIGGER event_starts_at BEFORE INSERT OR UPDATE OF event_date, start_time, timezone ON event
    FOR EACH ROW EXECUTE FUNCTION event_set_starts_at();
UPDATE event SET starts_at = (event_date + start_time) AT TIME ZONE timezone;
ALTER TABLE event ALTER COLUMN starts_at SET NOT NULL;

-- going_count counts seats (a plus-one is two) of attendees going or checked in;
-- requests_count counts requests waiting for the host (pending).
COMMENT ON COLUMN event.going_count IS 'seats of attendees going or checked in';
COMMENT ON COLUMN event.requests_count IS 'requests waiting for the host (status pending)';

-- Discovery: published, active events in start order, the public uuid as the keyset
-- tie-breaker (cursors never carry internal ids).
DROP INDEX event_discovery_idx;
DROP INDEX event_discovery_mood_idx;
CREATE INDEX event_discovery_idx ON event (starts_at, uuid) WHERE is_published AND is_active;
CREATE INDEX event_discovery_mood_idx ON event (mood, starts_at, uuid) WHERE is_published AND is_active;
CREATE INDEX event_discovery_paid_idx ON event (is_paid, starts_at, uuid) WHERE is_published AND is_active;
-- "My events": hosting and attending lists page by start time.
CREATE INDEX event_host_starts_idx ON event (host_id, starts_at, uuid);

-- The outbox: messages (notifications, delayed expiries) written in the same transaction as the
-- change that causes them and published to SQS after commit; the scheduled run republishes
-- whatever is left unsent. A rolled-back change leaves no message; a committed one loses none.
CREATE TABLE outbox_message (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uuid         uuid        NOT NULL DEFAULT gen_random_uuid(),
    queue        varchar(30) NOT NULL,
    payload      jsonb       NOT NULL,
    delay_seconds integer    NOT NULL DEFAULT 0,
    published_at timestamptz,
    attempts     integer     NOT NULL DEFAULT 0,
    last_error   varchar(500),
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT outbox_message_uuid_key UNIQUE (uuid),
    CONSTRAINT outbox_message_queue_check CHECK (queue IN ('notification', 'reservation_expiry')),
    CONSTRAINT outbox_message_delay_range CHECK (delay_seconds BETWEEN 0 AND 900),
    CONSTRAINT outbox_message_payload_object CHECK (jsonb_typeof(payload) = 'object')
);
CREATE INDEX outbox_message_unsent_idx ON outbox_message (created_at) WHERE published_at IS NULL;
CREATE TRIGGER outbox_message_updated_at BEFORE UPDATE ON outbox_message
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- RFC 3339 UTC text for JSON built in SQL, independent of the session's TimeZone (which the app
-- never SETs: RDS Proxy would pin the connection).
CREATE FUNCTION rfc3339(ts timestamptz) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
$$;
