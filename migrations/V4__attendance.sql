-- V4: joining events. Requests and invites lead to seat holds (capacity_reservation, paid
-- events) or straight to attendees (free events); every attendee has one ticket secret.

CREATE TABLE event_request (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uuid            uuid        NOT NULL DEFAULT gen_random_uuid(),
    -- Requests hold no money: they go with their event.
    event_id        bigint      NOT NULL REFERENCES event (id) ON DELETE CASCADE,
    requester_id    bigint      NOT NULL REFERENCES auth_user (id) ON DELETE RESTRICT,
    message         varchar(500) NOT NULL DEFAULT '',
    seats_requested smallint    NOT NULL DEFAULT 1,
    status          varchar(20) NOT NULL DEFAULT 'pending',
    host_message    varchar(500),
    responded_by    bigint REFERENCES auth_user (id) ON DELETE SET NULL,
    responded_at    timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT event_request_uuid_key UNIQUE (uuid),
    CONSTRAINT event_request_seats_range CHECK (seats_requested BETWEEN 1 AND 2),
    CONSTRAINT event_request_status_check
        CHECK (status IN ('pending', 'accepted', 'declined', 'cancelled', 'waitlisted', 'expired'))
);
-- At most one live request per user and event.
CREATE UNIQUE INDEX event_request_one_live_per_user ON event_request (event_id, requester_id)
    WHERE status IN ('pending', 'accepted', 'waitlisted');
CREATE INDEX event_request_event_status_idx ON event_request (event_id, status, created_at, id);
CREATE INDEX event_request_requester_idx ON event_request (requester_id, created_at DESC, id DESC);
CREATE INDEX event_request_responded_by_idx ON event_request (responded_by);
CREATE TRIGGER event_request_updated_at BEFORE UPDATE ON event_request
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE event_invite (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- For a share link this uuid is the unguessable link token.
    uuid            uuid        NOT NULL DEFAULT gen_random_uuid(),
    event_id        bigint      NOT NULL REFERENCES event (id) ON DELETE CASCADE,
    invited_by      bigint      NOT NULL REFERENCES auth_user (id) ON DELETE RESTRICT,
    invited_user_id bigint REFERENCES auth_user (id) ON DELETE CASCADE,
    invite_type     varchar(20) NOT NULL,
    status          varchar(20) NOT NULL DEFAULT 'pending',
    message         varchar(500) NOT NULL DEFAULT '',
    expires_at      timestamptz,
    responded_at    timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT event_invite_uuid_key UNIQUE (uuid),
    CONSTRAINT event_invite_type_check CHECK (invite_type IN ('direct', 'share_link')),
    CONSTRAINT event_invite_status_check
        CHECK (status IN ('pending', 'accepted', 'declined', 'expired', 'revoked')),
    -- A direct invite names its invitee; a share link names nobody.
    CONSTRAINT event_invite_target_matches_type
        CHECK ((invite_type = 'direct') = (invited_user_id IS NOT NULL))
);
CREATE UNIQUE INDEX event_invite_one_pending_direct ON event_invite (event_id, invited_user_id)
    WHERE invite_type = 'direct' AND status = 'pending';
CREATE INDEX event_invite_invitee_idx ON event_invite (invited_user_id, created_at DESC, id DESC);
CREATE INDEX event_invite_event_idx ON event_invite (event_id, status);
CREATE INDEX event_invite_invited_by_idx ON event_invite (invited_by);
CREATE TRIGGER event_invite_updated_at BEFORE UPDATE ON event_invite
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- Seat holds while a guest pays. A hold counts against capacity while it is 'held' and
-- expires_at is in the future, whether or not any worker has run.
CREATE TABLE capacity_reservation (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uuid            uuid        NOT NULL DEFAULT gen_random_uuid(),
    reservation_key uuid        NOT NULL DEFAULT gen_random_uuid(),
    -- Orders point at holds: an event with holds is never deleted.
    event_id        bigint      NOT NULL REFERENCES event (id) ON DELETE RESTRICT,
    user_id         bigint      NOT NULL REFERENCES auth_user (id) ON DELETE RESTRICT,
    request_id      bigint REFERENCES event_request (id) ON DELETE SET NULL,
    invite_id       bigint REFERENCES event_invite (id) ON DELETE SET NULL,
    seats           smallint    NOT NULL,
    status          varchar(20) NOT NULL DEFAULT 'held',
    expires_at      timestamptz NOT NULL,
    consumed_at     timestamptz,
    released_at     timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT capacity_reservation_uuid_key UNIQUE (uuid),
    CONSTRAINT capacity_reservation_key_key UNIQUE (reservation_key),
    CONSTRAINT capacity_reservation_seats_range CHECK (seats BETWEEN 1 AND 2),
    CONSTRAINT capacity_reservation_status_check
        CHECK (status IN ('held', 'consumed', 'released', 'expired')),
    -- A hold is consumed (paid) or released/expired, never both.
    CONSTRAINT capacity_reservation_not_consumed_and_released
        CHECK (consumed_at IS NULL OR released_at IS NULL),
    CONSTRAINT capacity_reservation_status_consistent CHECK (
        (status = 'held' AND consumed_at IS NULL AND released_at IS NULL)
        OR (status = 'consumed' AND consumed_at IS NOT NULL)
        OR (status IN ('released', 'expired') AND released_at IS NOT NULL)
    )
);
-- The ledger counts live holds per event.
CREATE INDEX capacity_reservation_live_idx ON capacity_reservation (event_id, expires_at)
    WHERE status = 'held';
CREATE INDEX capacity_reservation_user_idx ON capacity_reservation (user_id, created_at DESC);
CREATE INDEX capacity_reservation_request_idx ON capacity_reservation (request_id);
CREATE INDEX capacity_reservation_invite_idx ON capacity_reservation (invite_id);
CREATE TRIGGER capacity_reservation_updated_at BEFORE UPDATE ON capacity_reservation
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE event_attendee (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uuid           uuid        NOT NULL DEFAULT gen_random_uuid(),
    -- Attendees carry money: RESTRICT both parents.
    event_id       bigint      NOT NULL REFERENCES event (id) ON DELETE RESTRICT,
    user_id        bigint      NOT NULL REFERENCES auth_user (id) ON DELETE RESTRICT,
    request_id     bigint REFERENCES event_request (id) ON DELETE SET NULL,
    invite_id      bigint REFERENCES event_invite (id) ON DELETE SET NULL,
    reservation_id bigint REFERENCES capacity_reservation (id) ON DELETE SET NULL,
    status         varchar(20) NOT NULL DEFAULT 'going',
    seats          smallint    NOT NULL DEFAULT 1,
    is_paid        boolean     NOT NULL DEFAULT false,
    price_paid     numeric(12, 2) NOT NULL DEFAULT 0,
    platform_fee   numeric(12, 2) NOT NULL DEFAULT 0,
    checked_in_at  timestamptz,
    checked_in_by  bigint REFERENCES auth_user (id) ON DELETE SET NULL,
    cancelled_at   timestamptz,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT event_attendee_uuid_key UNIQUE (uuid),
    CONSTRAINT event_attendee_status_check CHECK (status IN ('going', 'checked_in', 'cancelled')),
    CONSTRAINT event_attendee_seats_range CHECK (seats BETWEEN 1 AND 2),
    CONSTRAINT event_attendee_money_non_negative CHECK (price_paid >= 0 AND platform_fee >= 0),
    CONSTRAINT event_attendee_checked_in_consistent
        CHECK (status = 'cancelled' OR (status = 'checked_in') = (checked_in_at IS NOT NULL)),
    CONSTRAINT event_attendee_cancelled_consistent CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL))
);
-- At most one non-cancelled attendance per user and event.
CREATE UNIQUE INDEX event_attendee_one_active_per_user ON event_attendee (event_id, user_id)
    WHERE status <> 'cancelled';
CREATE INDEX event_attendee_event_status_idx ON event_attendee (event_id, status, id);
CREATE INDEX event_attendee_user_idx ON event_attendee (user_id, created_at DESC, id DESC);
CREATE INDEX event_attendee_request_idx ON event_attendee (request_id);
CREATE INDEX event_attendee_invite_idx ON event_attendee (invite_id);
CREATE INDEX event_attendee_reservation_idx ON event_attendee (reservation_id);
CREATE INDEX event_attendee_checked_in_by_idx ON event_attendee (checked_in_by);
CREATE TRIGGER event_attendee_updated_at BEFORE UPDATE ON event_attendee
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- The ticket behind the QR code: only a hash and salt of the secret, so a leaked dump can
-- neither forge nor redeem a ticket.
CREATE TABLE ticket_secret (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    attendee_id bigint      NOT NULL REFERENCES event_attendee (id) ON DELETE CASCADE,
    secret_hash text        NOT NULL,
    secret_salt text        NOT NULL,
    is_redeemed boolean     NOT NULL DEFAULT false,
    redeemed_at timestamptz,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT ticket_secret_attendee_key UNIQUE (attendee_id),
    CONSTRAINT ticket_secret_redeemed_consistent CHECK (is_redeemed = (redeemed_at IS NOT NULL))
);
CREATE TRIGGER ticket_secret_updated_at BEFORE UPDATE ON ticket_secret
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
