-- V7: what phone login needs beyond the seed's user_phone_otp.

-- The country calling code of each requested number, for the daily SMS cap per country
-- (SMS-pumping fraud sends codes to premium ranges of one country).
ALTER TABLE user_phone_otp ADD COLUMN country_code smallint;
UPDATE user_phone_otp SET country_code = 0 WHERE country_code IS NULL;
ALTER TABLE user_phone_otp ALTER COLUMN country_code SET NOT NULL;
ALTER TABLE user_phone_otp ADD CONSTRAINT user_phone_otp_country_code_range
    CHECK (country_code BETWEEN 0 AND 999);
CREATE INDEX user_phone_otp_country_created_idx ON user_phone_otp (country_code, created_at);

-- Failed verifications per number, for the rolling-hour cap across codes (a new code must not
-- reset the attacker's budget).
CREATE TABLE otp_verify_failure (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    phone_number varchar(16) NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX otp_verify_failure_phone_created_idx ON otp_verify_failure (phone_number, created_at);

-- Opaque refresh tokens (RFC 9700): only a SHA-256 of the 256-bit token is stored. Each login
-- starts a family; a rotation adds a child and marks the parent rotated. Presenting a rotated
-- token again means it was stolen: the whole family is revoked.
CREATE TABLE refresh_token (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uuid           uuid        NOT NULL DEFAULT gen_random_uuid(),
    -- Sessions die with their account.
    user_id        bigint      NOT NULL REFERENCES auth_user (id) ON DELETE CASCADE,
    family_id      uuid        NOT NULL,
    token_hash     bytea       NOT NULL,
    expires_at     timestamptz NOT NULL,
    rotated_at     timestamptz,
    revoked_at     timestamptz,
    revoked_reason varchar(20),
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT refresh_token_uuid_key UNIQUE (uuid),
    CONSTRAINT refresh_token_hash_key UNIQUE (token_hash),
    CONSTRAINT refresh_token_hash_length CHECK (octet_length(token_hash) = 32),
    CONSTRAINT refresh_token_revoked_reason_check
        CHECK (revoked_reason IS NULL OR revoked_reason IN ('logout', 'reuse', 'account_deleted')),
    CONSTRAINT refresh_token_revoked_consistent CHECK ((revoked_at IS NULL) = (revoked_reason IS NULL))
);
CREATE INDEX refresh_token_family_idx ON refresh_token (family_id);
CREATE INDEX refresh_token_user_idx ON refresh_token (user_id);
CREATE TRIGGER refresh_token_updated_at BEFORE UPDATE ON refresh_token
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- Audit actions of the auth and profile features.
ALTER TABLE audit_log DROP CONSTRAINT audit_log_action_check;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_action_check CHECK (action IN (
    'create', 'update', 'delete', 'publish', 'unpublish', 'cancel', 'accept', 'decline',
    'waitlist', 'promote', 'expire', 'invite', 'hold', 'release', 'pay', 'refund',
    'check_in', 'login', 'logout', 'token_refresh', 'token_reuse', 'deactivate',
    'add_cohost', 'remove_cohost', 'read', 'request_otp', 'presign_upload'
));
