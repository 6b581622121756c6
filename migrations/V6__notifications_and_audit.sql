-- V6: the in-app inbox and the audit trail.

CREATE TABLE notification (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uuid              uuid        NOT NULL DEFAULT gen_random_uuid(),
    -- An inbox belongs to its account.
    recipient_id      bigint      NOT NULL REFERENCES auth_user (id) ON DELETE CASCADE,
    sender_id         bigint REFERENCES auth_user (id) ON DELETE SET NULL,
    notification_type varchar(40) NOT NULL,
    title             varchar(200) NOT NULL,
    message           varchar(2000) NOT NULL DEFAULT '',
    reference_type    varchar(40),
    reference_id      uuid,
    metadata          jsonb       NOT NULL DEFAULT '{}'::jsonb,
    is_read           boolean     NOT NULL DEFAULT false,
    read_at           timestamptz,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT notification_uuid_key UNIQUE (uuid),
    CONSTRAINT notification_type_check CHECK (notification_type IN (
        'request_received', 'request_accepted', 'request_declined', 'request_waitlisted',
        'request_promoted', 'invite_received', 'hold_created', 'hold_expired',
        'payment_succeeded', 'payment_refunded', 'event_changed', 'event_cancelled',
        'event_reminder', 'system'
    )),
    CONSTRAINT notification_metadata_object CHECK (jsonb_typeof(metadata) = 'object'),
    CONSTRAINT notification_read_consistent CHECK (is_read = (read_at IS NOT NULL))
);
CREATE INDEX notification_inbox_idx ON notification (recipient_id, created_at DESC, id DESC);
CREATE INDEX notification_unread_idx ON notification (recipient_id, id) WHERE NOT is_read;
CREATE INDEX notification_sender_idx ON notification (sender_id);
CREATE TRIGGER notification_updated_at BEFORE UPDATE ON notification
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- Append-only: who did what to which object. Users are anonymised, never deleted, so the actor
-- foreign key deliberately has no ON DELETE action (a delete of an audited user fails).
CREATE TABLE audit_log (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    actor_id    bigint REFERENCES auth_user (id),
    object_type varchar(40) NOT NULL,
    object_id   varchar(64) NOT NULL,
    action      varchar(30) NOT NULL,
    payload     jsonb       NOT NULL DEFAULT '{}'::jsonb,
    request_id  varchar(64),
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT audit_log_action_check CHECK (action IN (
        'create', 'update', 'delete', 'publish', 'unpublish', 'cancel', 'accept', 'decline',
        'waitlist', 'promote', 'expire', 'invite', 'hold', 'release', 'pay', 'refund',
        'check_in', 'login', 'logout', 'token_refresh', 'token_reuse', 'deactivate',
        'add_cohost', 'remove_cohost', 'read'
    )),
    CONSTRAINT audit_log_payload_object CHECK (jsonb_typeof(payload) = 'object')
);
CREATE INDEX audit_log_object_idx ON audit_log (object_type, object_id, created_at);
CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, created_at);

CREATE FUNCTION audit_log_is_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER audit_log_no_update_or_delete BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_is_append_only();
