-- V16: what money and sign-in need to stay right on every path (issue 22).

-- Why an order waits for a refund decides how much comes back (the fee policy,
-- payments::policy): everything when the host cancels or a payment could not be seated; the
-- ticket and its GST when the buyer withdraws in time. Set with status 'refund_pending'.
ALTER TABLE payment_order ADD COLUMN refund_reason varchar(20);

-- Refunds: the new reasons; the payment refunded when it is not the order's own (a second
-- capture of a paid order); retries with backoff, the last error kept for staff.
ALTER TABLE payment_refund DROP CONSTRAINT payment_refund_reason_check;
ALTER TABLE payment_refund ADD CONSTRAINT payment_refund_reason_check CHECK (reason IN (
    'host', 'event_cancelled', 'attendee_cancelled', 'late_payment',
    'guest_withdrew', 'event_closed', 'duplicate_payment'
));
ALTER TABLE payment_refund
    ADD COLUMN provider_payment_id varchar(64),
    ADD COLUMN attempts            smallint    NOT NULL DEFAULT 0,
    ADD COLUMN next_attempt_at     timestamptz NOT NULL DEFAULT now(),
    ADD COLUMN last_error          text;
-- The sender walks due refunds by their next attempt: a refund that keeps failing moves back
-- in the line instead of standing at its head.
CREATE INDEX payment_refund_due_idx ON payment_refund (next_attempt_at)
    WHERE status = 'pending' AND provider_refund_id IS NULL;

-- Refund state changes are audited on the refund itself.
ALTER TABLE audit_log DROP CONSTRAINT audit_log_action_check;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_action_check CHECK (action IN (
    'create', 'update', 'delete', 'publish', 'unpublish', 'cancel', 'accept', 'decline',
    'waitlist', 'promote', 'expire', 'invite', 'hold', 'release', 'pay', 'refund',
    'check_in', 'login', 'logout', 'token_refresh', 'token_reuse', 'deactivate',
    'add_cohost', 'remove_cohost', 'read', 'request_otp', 'presign_upload',
    'payment_failed', 'refund_sent', 'refund_retry', 'refund_failed', 'refund_processed'
));

-- Sign-in: a failed verification remembers its source IP (the per-IP verify limit) and
-- whether the number had a live code (only then does it count against the number, so guessing
-- at someone else's number cannot lock them out).
ALTER TABLE otp_verify_failure
    ADD COLUMN request_ip     inet,
    ADD COLUMN had_live_code  boolean NOT NULL DEFAULT true;
CREATE INDEX otp_verify_failure_ip_created_idx ON otp_verify_failure (request_ip, created_at)
    WHERE request_ip IS NOT NULL;
-- Retention walks both tables by age (codes after 24 hours, failures after 7 days), and the
-- global hourly SMS budget counts codes by age.
CREATE INDEX otp_verify_failure_created_idx ON otp_verify_failure (created_at);
CREATE INDEX user_phone_otp_created_idx ON user_phone_otp (created_at);
-- The per-country daily cap is gone (an allow-list of calling codes replaced it).
DROP INDEX user_phone_otp_country_created_idx;
