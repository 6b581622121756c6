-- V10: refunds and provider webhooks.

-- One row per refund asked of the provider. The idempotency key is deterministic per refund, so
-- a retry after a timeout refunds once (Razorpay's X-Refund-Idempotency).
CREATE TABLE payment_refund (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uuid               uuid          NOT NULL DEFAULT gen_random_uuid(),
    -- Money records: RESTRICT.
    payment_order_id   bigint        NOT NULL REFERENCES payment_order (id) ON DELETE RESTRICT,
    amount             numeric(12, 2) NOT NULL,
    status             varchar(20)   NOT NULL DEFAULT 'pending',
    reason             varchar(40)   NOT NULL,
    idempotency_key    varchar(64)   NOT NULL,
    provider_refund_id varchar(64),
    requested_by       bigint REFERENCES auth_user (id) ON DELETE SET NULL,
    provider_response  jsonb,
    created_at         timestamptz   NOT NULL DEFAULT now(),
    updated_at         timestamptz   NOT NULL DEFAULT now(),
    CONSTRAINT payment_refund_uuid_key UNIQUE (uuid),
    CONSTRAINT payment_refund_idempotency_key_key UNIQUE (idempotency_key),
    CONSTRAINT payment_refund_provider_refund_id_key UNIQUE (provider_refund_id),
    CONSTRAINT payment_refund_amount_positive CHECK (amount > 0),
    CONSTRAINT payment_refund_status_check CHECK (status IN ('pending', 'processed', 'failed')),
    CONSTRAINT payment_refund_reason_check
        CHECK (reason IN ('host', 'event_cancelled', 'attendee_cancelled', 'late_payment'))
);
CREATE INDEX payment_refund_order_idx ON payment_refund (payment_order_id);
CREATE INDEX payment_refund_requested_by_idx ON payment_refund (requested_by);
CREATE INDEX payment_refund_pending_idx ON payment_refund (created_at) WHERE status = 'pending';
CREATE TRIGGER payment_refund_updated_at BEFORE UPDATE ON payment_refund
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- Webhook deliveries, deduplicated on the provider's event id: a retried or repeated delivery
-- finds its row and changes nothing.
CREATE TABLE payment_webhook_event (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    provider     varchar(20)  NOT NULL,
    event_id     varchar(100) NOT NULL,
    event_type   varchar(60)  NOT NULL,
    payload      jsonb        NOT NULL,
    created_at   timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT payment_webhook_event_key UNIQUE (provider, event_id)
);

-- Orders needing a refund are found quickly by the sweep.
CREATE INDEX payment_order_refund_pending_idx ON payment_order (updated_at) WHERE status = 'refund_pending';
-- Orders are looked up by the provider's order id (webhooks).
-- (payment_order_provider_order_id_key already indexes provider_order_id.)
