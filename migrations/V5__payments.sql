-- V5: money. Amounts are numeric(12,2) rupees (never floating point); every component is
-- stored so an order's breakdown can be shown and audited without recomputation.

CREATE TABLE payment_order (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uuid                uuid        NOT NULL DEFAULT gen_random_uuid(),
    -- Unique, ≤ 40 characters: Razorpay's receipt field.
    order_reference     varchar(40) NOT NULL,
    -- Money records outlive everything they point at: RESTRICT.
    user_id             bigint      NOT NULL REFERENCES auth_user (id) ON DELETE RESTRICT,
    event_id            bigint      NOT NULL REFERENCES event (id) ON DELETE RESTRICT,
    reservation_id      bigint REFERENCES capacity_reservation (id) ON DELETE RESTRICT,
    attendee_id         bigint REFERENCES event_attendee (id) ON DELETE RESTRICT,
    provider            varchar(20) NOT NULL,
    provider_order_id   varchar(64),
    provider_payment_id varchar(64),
    seats               smallint    NOT NULL,
    unit_price          numeric(12, 2) NOT NULL,
    base_amount         numeric(12, 2) NOT NULL,
    gst_percent         smallint    NOT NULL DEFAULT 0,
    gst_amount          numeric(12, 2) NOT NULL DEFAULT 0,
    platform_fee        numeric(12, 2) NOT NULL DEFAULT 0,
    platform_fee_gst    numeric(12, 2) NOT NULL DEFAULT 0,
    total_amount        numeric(12, 2) NOT NULL,
    amount_refunded     numeric(12, 2) NOT NULL DEFAULT 0,
    currency            char(3)     NOT NULL DEFAULT 'INR',
    status              varchar(20) NOT NULL DEFAULT 'created',
    provider_response   jsonb,
    paid_at             timestamptz,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT payment_order_uuid_key UNIQUE (uuid),
    CONSTRAINT payment_order_reference_key UNIQUE (order_reference),
    CONSTRAINT payment_order_provider_order_id_key UNIQUE (provider_order_id),
    CONSTRAINT payment_order_provider_payment_id_key UNIQUE (provider_payment_id),
    CONSTRAINT payment_order_provider_check CHECK (provider IN ('razorpay', 'sandbox')),
    CONSTRAINT payment_order_status_check CHECK (status IN (
        'created', 'paid', 'failed', 'expired', 'refund_pending', 'partially_refunded', 'refunded'
    )),
    CONSTRAINT payment_order_seats_range CHECK (seats BETWEEN 1 AND 2),
    CONSTRAINT payment_order_money_non_negative CHECK (
        unit_price >= 0 AND base_amount >= 0 AND gst_amount >= 0 AND platform_fee >= 0
        AND platform_fee_gst >= 0 AND total_amount >= 0 AND amount_refunded >= 0
    ),
    CONSTRAINT payment_order_total_adds_up
        CHECK (total_amount = base_amount + gst_amount + platform_fee + platform_fee_gst),
    CONSTRAINT payment_order_refund_within_total CHECK (amount_refunded <= total_amount),
    CONSTRAINT payment_order_gst_percent_range CHECK (gst_percent BETWEEN 0 AND 28),
    CONSTRAINT payment_order_currency_check CHECK (currency = 'INR'),
    CONSTRAINT payment_order_paid_has_time
        CHECK (status IN ('created', 'failed', 'expired') OR paid_at IS NOT NULL)
);
CREATE INDEX payment_order_user_idx ON payment_order (user_id, created_at DESC, id DESC);
CREATE INDEX payment_order_event_idx ON payment_order (event_id, status);
CREATE INDEX payment_order_reservation_idx ON payment_order (reservation_id);
CREATE INDEX payment_order_attendee_idx ON payment_order (attendee_id);
-- One live (unpaid, unexpired) order per hold.
CREATE UNIQUE INDEX payment_order_one_live_per_hold ON payment_order (reservation_id)
    WHERE status = 'created';
CREATE TRIGGER payment_order_updated_at BEFORE UPDATE ON payment_order
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
