-- V2: people. auth_user is the account (username = the E.164 phone number), user_profile what
-- others see, user_phone_otp the login codes. Accounts are never hard-deleted: deletion
-- anonymises them (money and audit rows must keep pointing at someone), so most foreign keys
-- to auth_user are ON DELETE RESTRICT on purpose.

CREATE TABLE auth_user (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uuid          uuid        NOT NULL DEFAULT gen_random_uuid(),
    username      varchar(150) NOT NULL,
    -- Logins are by OTP; '!' is the unusable password marker (no password login exists).
    password      varchar(128) NOT NULL DEFAULT '!',
    email         varchar(254),
    first_name    varchar(150) NOT NULL DEFAULT '',
    last_name     varchar(150) NOT NULL DEFAULT '',
    is_active     boolean     NOT NULL DEFAULT true,
    is_staff      boolean     NOT NULL DEFAULT false,
    is_superuser  boolean     NOT NULL DEFAULT false,
    last_login    timestamptz,
    date_joined   timestamptz NOT NULL DEFAULT now(),
    deactivated_at timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT auth_user_uuid_key UNIQUE (uuid),
    CONSTRAINT auth_user_username_key UNIQUE (username),
    CONSTRAINT auth_user_username_not_blank CHECK (btrim(username) <> ''),
    CONSTRAINT auth_user_deactivated_consistent CHECK (is_active = (deactivated_at IS NULL))
);
CREATE TRIGGER auth_user_updated_at BEFORE UPDATE ON auth_user
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE user_profile (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uuid             uuid        NOT NULL DEFAULT gen_random_uuid(),
    -- A profile is part of its account: it goes when the account row goes.
    user_id          bigint      NOT NULL REFERENCES auth_user (id) ON DELETE CASCADE,
    name             varchar(80),
    bio              varchar(500),
    location         varchar(120),
    phone_number     varchar(16),
    birth_date       date,
    gender           varchar(20),
    profile_pictures jsonb       NOT NULL DEFAULT '[]'::jsonb,
    is_verified      boolean     NOT NULL DEFAULT false,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT user_profile_uuid_key UNIQUE (uuid),
    CONSTRAINT user_profile_user_id_key UNIQUE (user_id),
    CONSTRAINT user_profile_phone_e164 CHECK (phone_number IS NULL OR phone_number ~ '^\+[1-9][0-9]{6,14}$'),
    CONSTRAINT user_profile_gender_check
        CHECK (gender IS NULL OR gender IN ('male', 'female', 'non_binary', 'other')),
    CONSTRAINT user_profile_pictures_array
        CHECK (jsonb_is_https_url_array(profile_pictures) AND jsonb_array_length(profile_pictures) <= 6),
    CONSTRAINT user_profile_name_length CHECK (name IS NULL OR char_length(name) BETWEEN 1 AND 80)
);
-- One live account per phone number; deletion clears the number so it can sign up again.
CREATE UNIQUE INDEX user_profile_phone_number_active_key ON user_profile (phone_number)
    WHERE phone_number IS NOT NULL;
CREATE TRIGGER user_profile_updated_at BEFORE UPDATE ON user_profile
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- Login codes: only an Argon2 hash and its salt are stored, never the code.
CREATE TABLE user_phone_otp (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uuid         uuid        NOT NULL DEFAULT gen_random_uuid(),
    phone_number varchar(16) NOT NULL,
    otp_hash     text        NOT NULL,
    otp_salt     text        NOT NULL,
    expires_at   timestamptz NOT NULL,
    attempts     smallint    NOT NULL DEFAULT 0,
    is_used      boolean     NOT NULL DEFAULT false,
    used_at      timestamptz,
    -- A newer code for the same number supersedes this one.
    superseded_at timestamptz,
    request_ip   inet,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT user_phone_otp_uuid_key UNIQUE (uuid),
    CONSTRAINT user_phone_otp_phone_e164 CHECK (phone_number ~ '^\+[1-9][0-9]{6,14}$'),
    CONSTRAINT user_phone_otp_attempts_range CHECK (attempts BETWEEN 0 AND 5),
    CONSTRAINT user_phone_otp_expiry_after_creation CHECK (expires_at > created_at),
    CONSTRAINT user_phone_otp_used_consistent CHECK (is_used = (used_at IS NOT NULL))
);
-- Latest code per number, and rate limits per number and per source IP.
CREATE INDEX user_phone_otp_phone_created_idx ON user_phone_otp (phone_number, created_at DESC);
CREATE INDEX user_phone_otp_ip_created_idx ON user_phone_otp (request_ip, created_at DESC)
    WHERE request_ip IS NOT NULL;
CREATE TRIGGER user_phone_otp_updated_at BEFORE UPDATE ON user_phone_otp
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- The interest catalogue.
CREATE TABLE event_interest (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uuid        uuid        NOT NULL DEFAULT gen_random_uuid(),
    name        varchar(60) NOT NULL,
    slug        varchar(60) NOT NULL,
    icon        varchar(60),
    is_active   boolean     NOT NULL DEFAULT true,
    sort_order  smallint    NOT NULL DEFAULT 0,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT event_interest_uuid_key UNIQUE (uuid),
    CONSTRAINT event_interest_slug_key UNIQUE (slug),
    CONSTRAINT event_interest_slug_format CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$')
);
CREATE TRIGGER event_interest_updated_at BEFORE UPDATE ON event_interest
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

INSERT INTO event_interest (name, slug, icon, sort_order) VALUES
    ('Music',       'music',       'music',       1),
    ('Travel',      'travel',      'plane',       2),
    ('Party',       'party',       'party',       3),
    ('Picnic',      'picnic',      'basket',      4),
    ('Food',        'food',        'utensils',    5),
    ('Sports',      'sports',      'ball',        6),
    ('Art',         'art',         'palette',     7),
    ('Tech',        'tech',        'chip',        8),
    ('Outdoors',    'outdoors',    'mountain',    9),
    ('Games',       'games',       'dice',       10),
    ('Fitness',     'fitness',     'dumbbell',   11),
    ('Books',       'books',       'book',       12),
    ('Movies',      'movies',      'film',       13),
    ('Photography', 'photography', 'camera',     14),
    ('Dance',       'dance',       'shoe',       15),
    ('Wellness',    'wellness',    'leaf',       16);

-- Which interests a profile follows. Both sides cascade: the pair means nothing alone.
CREATE TABLE user_profile_event_interests (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_profile_id   bigint NOT NULL REFERENCES user_profile (id) ON DELETE CASCADE,
    event_interest_id bigint NOT NULL REFERENCES event_interest (id) ON DELETE CASCADE,
    created_at        timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT user_profile_event_interests_pair_key UNIQUE (user_profile_id, event_interest_id)
);
CREATE INDEX user_profile_event_interests_interest_idx
    ON user_profile_event_interests (event_interest_id);
