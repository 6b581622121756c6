-- V3: events and where they happen. Events are never deleted by the app (cancel sets
-- is_active = false); foreign keys from money and attendance rows RESTRICT deletion.

CREATE TABLE venue (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uuid        uuid         NOT NULL DEFAULT gen_random_uuid(),
    name        varchar(120) NOT NULL,
    address     varchar(300) NOT NULL DEFAULT '',
    city        varchar(80)  NOT NULL DEFAULT '',
    state       varchar(80)  NOT NULL DEFAULT '',
    country     char(2)      NOT NULL DEFAULT 'IN',
    postal_code varchar(12),
    latitude    numeric(9, 6) NOT NULL,
    longitude   numeric(9, 6) NOT NULL,
    -- Venues outlive the account that first typed them in.
    created_by  bigint REFERENCES auth_user (id) ON DELETE SET NULL,
    created_at  timestamptz  NOT NULL DEFAULT now(),
    updated_at  timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT venue_uuid_key UNIQUE (uuid),
    CONSTRAINT venue_name_not_blank CHECK (btrim(name) <> ''),
    CONSTRAINT venue_latitude_range CHECK (latitude BETWEEN -90 AND 90),
    CONSTRAINT venue_longitude_range CHECK (longitude BETWEEN -180 AND 180)
);
CREATE INDEX venue_created_by_idx ON venue (created_by);
CREATE INDEX venue_lat_lng_idx ON venue (latitude, longitude);
CREATE INDEX venue_name_lower_idx ON venue (lower(name) text_pattern_ops);
CREATE TRIGGER venue_updated_at BEFORE UPDATE ON venue
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE event (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uuid            uuid          NOT NULL DEFAULT gen_random_uuid(),
    -- A host with events cannot be hard-deleted (deletion anonymises instead).
    host_id         bigint        NOT NULL REFERENCES auth_user (id) ON DELETE RESTRICT,
    title           varchar(120)  NOT NULL,
    slug            varchar(140)  NOT NULL,
    description     text          NOT NULL DEFAULT '',
    mood            varchar(20)   NOT NULL,
    -- A venue in use cannot disappear under an event.
    venue_id        bigint REFERENCES venue (id) ON DELETE RESTRICT,
    venue_text      varchar(300),
    event_date      date          NOT NULL,
    start_time      time          NOT NULL,
    duration        interval      NOT NULL DEFAULT interval '3 hours',
    timezone        varchar(64)   NOT NULL DEFAULT 'Asia/Kolkata',
    capacity        integer       NOT NULL,
    is_paid         boolean       NOT NULL DEFAULT false,
    ticket_price    numeric(10, 2) NOT NULL DEFAULT 0,
    currency        char(3)       NOT NULL DEFAULT 'INR',
    gst_percent     smallint      NOT NULL DEFAULT 0,
    gstin           varchar(15),
    allowed_genders jsonb         NOT NULL DEFAULT '["male", "female", "non_binary", "other"]'::jsonb,
    allow_plus_one  boolean       NOT NULL DEFAULT false,
    cover_images    jsonb         NOT NULL DEFAULT '[]'::jsonb,
    requires_approval boolean     NOT NULL DEFAULT true,
    is_published    boolean       NOT NULL DEFAULT false,
    is_active       boolean       NOT NULL DEFAULT true,
    going_count     integer       NOT NULL DEFAULT 0,
    requests_count  integer       NOT NULL DEFAULT 0,
    published_at    timestamptz,
    cancelled_at    timestamptz,
    search_vector   tsvector GENERATED ALWAYS AS (
        to_tsvector('simple', title || ' ' || description)
    ) STORED,
    created_at      timestamptz   NOT NULL DEFAULT now(),
    updated_at      timestamptz   NOT NULL DEFAULT now(),
    CONSTRAINT event_uuid_key UNIQUE (uuid),
    CONSTRAINT event_slug_key UNIQUE (slug),
    CONSTRAINT event_slug_format CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    CONSTRAINT event_title_length CHECK (char_length(title) BETWEEN 3 AND 120),
    CONSTRAINT event_description_length CHECK (char_length(description) <= 5000),
    CONSTRAINT event_mood_check
        CHECK (mood IN ('party', 'picnic', 'travel', 'dinner', 'sports', 'music', 'workshop', 'other')),
    CONSTRAINT event_one_venue_kind CHECK (venue_id IS NULL OR venue_text IS NULL),
    CONSTRAINT event_capacity_positive CHECK (capacity > 0 AND capacity <= 10000),
    -- Together these two keep the price ≥ 0: a paid event costs something, a free one nothing.
    CONSTRAINT event_paid_has_price CHECK (NOT is_paid OR ticket_price > 0),
    CONSTRAINT event_free_has_no_price CHECK (is_paid OR ticket_price = 0),
    CONSTRAINT event_currency_check CHECK (currency = 'INR'),
    CONSTRAINT event_gst_percent_range CHECK (gst_percent BETWEEN 0 AND 28),
    CONSTRAINT event_gstin_format
        CHECK (gstin IS NULL OR gstin ~ '^[0-9]{2}[A-Z]{5}[0-9]{4}[A-Z][1-9A-Z]Z[0-9A-Z]$'),
    CONSTRAINT event_allowed_genders_check CHECK (
        jsonb_typeof(allowed_genders) = 'array'
        AND jsonb_array_length(allowed_genders) BETWEEN 1 AND 4
        AND allowed_genders <@ '["male", "female", "non_binary", "other"]'::jsonb
    ),
    CONSTRAINT event_cover_images_array
        CHECK (jsonb_is_https_url_array(cover_images) AND jsonb_array_length(cover_images) <= 3),
    CONSTRAINT event_duration_positive CHECK (duration > interval '0'),
    CONSTRAINT event_counters_non_negative CHECK (going_count >= 0 AND requests_count >= 0),
    CONSTRAINT event_published_has_time CHECK (NOT is_published OR published_at IS NOT NULL)
);
CREATE INDEX event_host_idx ON event (host_id, event_date DESC);
CREATE INDEX event_venue_idx ON event (venue_id);
-- The discovery feed: published, active events by date, then id for a stable keyset.
CREATE INDEX event_discovery_idx ON event (event_date, start_time, id)
    WHERE is_published AND is_active;
CREATE INDEX event_discovery_mood_idx ON event (mood, event_date, start_time, id)
    WHERE is_published AND is_active;
CREATE INDEX event_search_idx ON event USING gin (search_vector);
CREATE TRIGGER event_updated_at BEFORE UPDATE ON event
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- Event ↔ interest tags. An event's tags go with it; an interest in use cannot be deleted
-- (deactivate it instead).
CREATE TABLE event_interest_map (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id          bigint NOT NULL REFERENCES event (id) ON DELETE CASCADE,
    event_interest_id bigint NOT NULL REFERENCES event_interest (id) ON DELETE RESTRICT,
    created_at        timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT event_interest_map_pair_key UNIQUE (event_id, event_interest_id)
);
CREATE INDEX event_interest_map_interest_idx ON event_interest_map (event_interest_id, event_id);

-- Gallery images of an event, ordered by position. The position is unique per event but
-- checked at commit, so a reorder can swap positions inside one transaction.
CREATE TABLE event_image (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uuid       uuid        NOT NULL DEFAULT gen_random_uuid(),
    event_id   bigint      NOT NULL REFERENCES event (id) ON DELETE CASCADE,
    image_url  text        NOT NULL,
    position   smallint    NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT event_image_uuid_key UNIQUE (uuid),
    CONSTRAINT event_image_https CHECK (image_url ~ '^https://[^[:space:]]+$'),
    CONSTRAINT event_image_position_range CHECK (position BETWEEN 0 AND 49),
    CONSTRAINT event_image_position_key UNIQUE (event_id, position) DEFERRABLE INITIALLY DEFERRED
);
CREATE TRIGGER event_image_updated_at BEFORE UPDATE ON event_image
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- Co-hosts (not in the seed; the events feature needs them): may see requests and the guest
-- list, accept/decline and check guests in. Both sides cascade: the pair means nothing alone.
CREATE TABLE event_cohost (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id   bigint NOT NULL REFERENCES event (id) ON DELETE CASCADE,
    user_id    bigint NOT NULL REFERENCES auth_user (id) ON DELETE CASCADE,
    added_by   bigint REFERENCES auth_user (id) ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT event_cohost_pair_key UNIQUE (event_id, user_id)
);
CREATE INDEX event_cohost_user_idx ON event_cohost (user_id);
CREATE INDEX event_cohost_added_by_idx ON event_cohost (added_by);
