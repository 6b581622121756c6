//! Every SQL statement of payments, named: the order reads, the refund locks and queues, and
//! the writes of settling and refunding. The order lock (`order_lookup!`, `order_lock.rs`) and
//! the event lock it takes first (`event_lookup!`) stay beside their row types.

use const_format::concatcp;

use crate::attendance::event_lock::EventLookup;
use crate::attendance::organiser_is;

/// The JSON of an order (`$1` is the provider key id the app's checkout needs).
pub const ORDER_JSON: &str = "\
    jsonb_build_object('order_id', o.uuid, 'order_reference', o.order_reference, 'status', o.status, \
      'event_id', e.uuid, 'event_title', e.title, 'seats', o.seats, \
      'reservation_key', h.reservation_key, 'hold_expires_at', rfc3339(h.expires_at), \
      'amounts', jsonb_build_object('unit_price', o.unit_price::text, 'base_amount', o.base_amount::text, \
         'gst_percent', o.gst_percent, 'gst_amount', o.gst_amount::text, 'platform_fee', o.platform_fee::text, \
         'platform_fee_gst', o.platform_fee_gst::text, 'total_amount', o.total_amount::text, \
         'amount_refunded', o.amount_refunded::text, 'currency', o.currency), \
      'checkout', jsonb_build_object('provider', o.provider, 'key_id', $1::text, 'provider_order_id', o.provider_order_id, \
         'amount_paise', (o.total_amount * 100)::bigint, 'currency', o.currency, 'receipt', o.order_reference), \
      'attendee_id', a.uuid, 'paid_at', rfc3339(o.paid_at), 'created_at', rfc3339(o.created_at))";

/// What an order's JSON joins (`ORDER_JSON`'s aliases).
pub const ORDER_FROM: &str = "FROM payment_order o JOIN event e ON e.id = o.event_id \
     LEFT JOIN capacity_reservation h ON h.id = o.reservation_id LEFT JOIN event_attendee a ON a.id = o.attendee_id";

/// One order's JSON by public id (`$2`); `$1` is the payment provider's key id.
pub const ORDER_BY_ID: &str = const_format::concatcp!(
    "SELECT ",
    ORDER_JSON,
    " AS order_json ",
    ORDER_FROM,
    " WHERE o.uuid = $2"
);

/// Order `$2`'s JSON if user `$3` placed it; `$1` is the payment provider's key id.
pub const ORDER_OF_USER: &str = const_format::concatcp!(
    "SELECT ",
    ORDER_JSON,
    " AS order_json ",
    ORDER_FROM,
    " WHERE o.uuid = $2 AND o.user_id = $3"
);

/// User `$2`'s orders, newest first, at most `$3`; `$1` is the payment provider's key id.
pub const ORDERS_OF_USER: &str = const_format::concatcp!(
    "SELECT ",
    ORDER_JSON,
    " AS order_json ",
    ORDER_FROM,
    " WHERE o.user_id = $2 ORDER BY o.created_at DESC, o.id DESC LIMIT $3"
);

/// The provider's order id of unpaid order `$1`, once made.
pub const PROVIDER_ORDER_OF_UNPAID: &str = "SELECT provider_order_id FROM payment_order \
             WHERE uuid = $1 AND status = 'created' AND provider_order_id IS NOT NULL";

/// What an order on hold `$1` (reservation key) needs: the hold, its event's pricing and the buyer.
pub const HOLD_TO_ORDER: &str = "SELECT h.id AS hold_id, h.status, h.expires_at > now() AS unexpired, h.seats, e.id AS event_id, \
                            e.is_paid, e.ticket_price, e.gst_percent, e.uuid AS event_uuid, e.title \
                     FROM capacity_reservation h JOIN event e ON e.id = h.event_id \
                     WHERE h.reservation_key = $1 AND h.user_id = (SELECT id FROM auth_user WHERE uuid = $2) \
                     FOR UPDATE OF h";

/// The unpaid order on hold `$1` (reservation key), if any.
pub const UNPAID_ORDER_OF_HOLD: &str =
    "SELECT o.uuid FROM payment_order o JOIN capacity_reservation h ON h.id = o.reservation_id \
                     WHERE h.reservation_key = $1 AND o.status = 'created'";

/// A new order with its server-computed amounts.
pub const INSERT_ORDER: &str = "INSERT INTO payment_order (uuid, order_reference, user_id, event_id, reservation_id, provider, seats, unit_price, \
                                        base_amount, gst_percent, gst_amount, platform_fee, platform_fee_gst, total_amount) \
             VALUES ($14, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)";

/// Order `$1` gets the provider's order `$2` and its answer `$3`.
pub const SET_PROVIDER_ORDER: &str =
    "UPDATE payment_order SET provider_order_id = $2, provider_response = $3 WHERE uuid = $1";

/// Order `$1` failed at the provider.
pub const FAIL_ORDER: &str = "UPDATE payment_order SET status = 'failed' WHERE uuid = $1";

/// Records the provider's answer on a refund not recorded yet, with its audit row, and, only
/// when it was recorded and not refused, writes its notice to the outbox: $1 the key, $2–$4 the
/// provider's id, status and answer, $5–$8 the notice as `outbox::INSERT_SQL` takes it. Returns
/// a row when this call recorded it.
pub const RECORD_REFUND_SENT: &str = "WITH recorded AS (\
         UPDATE payment_refund SET provider_refund_id = $2, status = $3, provider_response = $4, \
                attempts = attempts + 1, last_error = NULL \
         WHERE idempotency_key = $1 AND provider_refund_id IS NULL RETURNING uuid), \
     audited AS (\
         INSERT INTO audit_log (object_type, object_id, action, payload) \
         SELECT 'payment_refund', uuid::text, CASE WHEN $3 = 'failed' THEN 'refund_failed' ELSE 'refund_sent' END, \
                jsonb_build_object('status', $3::text, 'provider_refund_id', $2::text) FROM recorded) \
     INSERT INTO outbox_message (uuid, queue, payload, delay_seconds) \
     SELECT $5::uuid, $6::varchar, $7::jsonb, $8::integer FROM recorded WHERE $3 <> 'failed' RETURNING uuid";

/// Records a failed call to the provider: $1 the key, $2 attempts so far, $3 the error, $4
/// seconds until the next try, $5 the status (`pending`, or `failed` after the last try).
pub const RECORD_REFUND_ATTEMPT: &str =
    "UPDATE payment_refund SET attempts = $2, last_error = $3, \
            next_attempt_at = now() + make_interval(secs => $4), status = $5 \
     WHERE idempotency_key = $1 AND provider_refund_id IS NULL AND status = 'pending'";

/// Refund `$1` (provider id) moves to status `$2`, audited, unless processed already.
pub const SET_REFUND_STATUS: &str = "WITH changed AS (UPDATE payment_refund SET status = $2 \
                          WHERE provider_refund_id = $1 AND status <> $2 AND status <> 'processed' RETURNING uuid) \
         INSERT INTO audit_log (object_type, object_id, action, payload) \
         SELECT 'payment_refund', uuid::text, CASE WHEN $2 = 'failed' THEN 'refund_failed' ELSE 'refund_processed' END, \
                jsonb_build_object('status', $2::text, 'source', 'webhook') FROM changed";

/// The columns `RefundableOrder` reads of an order `o` (event `e`, buyer `u`, attendee `a`,
/// left-joined), before the refund exists: its reference, how many refunds it has, its payment,
/// event, buyer and id, and the attendee's id, price paid and platform fee.
pub const ORDER_REFUND_COLUMNS: &str = "o.order_reference, \
     (SELECT count(*) FROM payment_refund WHERE payment_order_id = o.id) AS refund_count, \
     o.provider_payment_id AS payment_id, e.uuid AS event, u.uuid AS buyer, o.uuid AS order_uuid, \
     a.id AS kept_attendee_id, a.price_paid, a.platform_fee";

/// The event of order `$1` (public id).
pub const ORDER_EVENT: EventLookup =
    crate::event_lookup!("(SELECT event_id FROM payment_order WHERE uuid = $1)");

/// Locks order `$1` (after its event) for the host's refund, with whether user `$2` (public
/// id) organises or hosts the event.
pub const LOCK_ORDER_TO_REFUND: &str = concatcp!(
    "SELECT o.id, o.status, o.total_amount - o.amount_refunded AS remaining, o.attendee_id, o.seats, \
            coalesce(",
    organiser_is!("me.id"),
    ", false) AS is_organiser, e.host_id = me.id AS is_host, ",
    ORDER_REFUND_COLUMNS,
    " FROM payment_order o JOIN event e ON e.id = o.event_id JOIN auth_user u ON u.id = o.user_id \
     LEFT JOIN event_attendee a ON a.id = o.attendee_id \
     LEFT JOIN (SELECT id FROM auth_user WHERE uuid = $2) me ON true \
     WHERE o.uuid = $1 FOR UPDATE OF o"
);

/// The orders marked `refund_pending` (locked, skipping those another sweep holds), with what
/// they paid and why they are refunded.
pub const DUE_REFUNDS: &str = concatcp!(
    "SELECT o.id, o.base_amount + o.gst_amount AS ticket, o.platform_fee + o.platform_fee_gst AS fee, \
            o.amount_refunded AS refunded, \
            coalesce(o.refund_reason, \
                CASE WHEN NOT e.is_active THEN 'event_cancelled' \
                     WHEN o.attendee_id IS NULL THEN 'late_payment' ELSE 'attendee_cancelled' END) AS reason, ",
    ORDER_REFUND_COLUMNS,
    " FROM payment_order o JOIN event e ON e.id = o.event_id JOIN auth_user u ON u.id = o.user_id \
     LEFT JOIN event_attendee a ON a.id = o.attendee_id \
     WHERE o.status = 'refund_pending' ORDER BY o.id LIMIT 100 FOR UPDATE OF o SKIP LOCKED"
);

/// Order `$1` refunded by `$2` more, with its refund row.
pub const ORDER_REFUNDED_BY: &str = "WITH o AS (UPDATE payment_order SET amount_refunded = amount_refunded + $2, \
                          status = CASE WHEN amount_refunded + $2 >= total_amount THEN 'refunded' ELSE 'partially_refunded' END \
                        WHERE id = $1) \
             INSERT INTO payment_refund (uuid, payment_order_id, amount, reason, idempotency_key, requested_by) \
             VALUES ($6, $1, $2, $3, $5, $4)";

/// Attendee `$1` now paid `$2` with platform fee `$3` (after a refund).
pub const ATTENDEE_PAID_LESS: &str =
    "UPDATE event_attendee SET price_paid = $2, platform_fee = $3 WHERE id = $1";

/// Cancels going attendee `$1` refunded in full and gives the seats back.
pub const CANCEL_REFUNDED_ATTENDEE: &str = "WITH a AS (UPDATE event_attendee SET status = 'cancelled', cancelled_at = now(), checked_in_at = NULL \
                        WHERE id = $1 AND status = 'going' RETURNING id) \
             UPDATE event SET going_count = going_count - $3::int WHERE id = $2 AND EXISTS (SELECT 1 FROM a)";

/// Refund `$1` as the provider is to be asked for it.
pub const REFUND_TO_SEND: &str = "SELECT r.uuid, r.idempotency_key AS key, r.amount, \
                        coalesce(r.provider_payment_id, o.provider_payment_id) AS payment_id, \
                        e.uuid AS event, u.uuid AS buyer, o.uuid AS \"order\", r.reason, r.attempts \
                 FROM payment_refund r JOIN payment_order o ON o.id = r.payment_order_id \
                 JOIN event e ON e.id = o.event_id JOIN auth_user u ON u.id = o.user_id \
                 WHERE r.status = 'pending' AND r.provider_refund_id IS NULL AND r.next_attempt_at <= now() \
                 ORDER BY r.next_attempt_at, r.id LIMIT 100";

/// Order `$1` is refunded or partially refunded by what it gave back.
pub const SETTLE_REFUND_STATUS: &str = "UPDATE payment_order SET status = CASE WHEN amount_refunded >= total_amount THEN 'refunded' \
                                                        ELSE 'partially_refunded' END WHERE id = $1";

/// Hold `$1` ends as `$2`.
pub const RELEASE_HOLD: &str =
    "UPDATE capacity_reservation SET status = $2, released_at = now() WHERE id = $1";

/// Order `$1` was paid (`$2`, provider answer `$3`) but cannot be seated: refund pending for reason `$4`.
pub const PAID_UNSEATED: &str = "UPDATE payment_order SET status = 'refund_pending', refund_reason = $4, paid_at = now(), \
                        provider_payment_id = $2, \
                        provider_response = coalesce(provider_response, '{}'::jsonb) || $3 WHERE id = $1";

/// Hold `$1` became a seat.
pub const CONSUME_HOLD: &str =
    "UPDATE capacity_reservation SET status = 'consumed', consumed_at = now() WHERE id = $1";

/// Seats paid attendee `$8` from its hold and counts them going.
pub const INSERT_PAID_ATTENDEE: &str = "WITH a AS (INSERT INTO event_attendee (uuid, event_id, user_id, seats, request_id, reservation_id, is_paid, \
                                                    price_paid, platform_fee) \
                        VALUES ($8, $1, $2, $3, $4, $5, true, $6, $7)), \
                  c AS (UPDATE event SET going_count = going_count + $3 WHERE id = $1) \
             SELECT 1";

/// Order `$1` paid by payment `$2`, seating attendee `$3`.
pub const MARK_ORDER_PAID: &str = "UPDATE payment_order SET status = 'paid', paid_at = now(), provider_payment_id = $2, \
                    attendee_id = (SELECT id FROM event_attendee WHERE uuid = $3), \
                    provider_response = coalesce(provider_response, '{}'::jsonb) || $4 WHERE id = $1";

/// A whole refund of a second payment on order `$1`.
pub const REFUND_DUPLICATE_PAYMENT: &str = "INSERT INTO payment_refund (payment_order_id, amount, reason, idempotency_key, provider_payment_id, \
                                         provider_response) \
             VALUES ($1, $2, 'duplicate_payment', $3, $4, $5) ON CONFLICT (idempotency_key) DO NOTHING";

/// Records webhook delivery `$1` once (nothing back for a repeat).
pub const RECORD_WEBHOOK: &str = "INSERT INTO payment_webhook_event (provider, event_id, event_type, payload) \
                     VALUES ('razorpay', $1, $2, $3) ON CONFLICT (provider, event_id) DO NOTHING RETURNING id";

/// Adds `$2` to order `$1`'s provider answer.
pub const MERGE_PROVIDER_RESPONSE: &str =
    "UPDATE payment_order SET provider_response = coalesce(provider_response, '{}'::jsonb) || $2 \
             WHERE id = $1";
