//! Orders, checkout, refunds and webhooks.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::money::RefundAmount;
use crate::platform::http::{PublicId, Text};

// Sibling schemas (and `page_of!`) from the other areas.
use super::*;

crate::request_body! {
    /// `POST /v1/payments/orders`.
    pub struct OrderCreate {
        /// The seat hold's key (from the accepted request).
        required reservation_key: PublicId,
    }
}

/// The amount breakdown of an order (decimal strings).
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrderAmounts {
    /// ISO 4217.
    pub currency: String,
    /// Ticket price per seat.
    pub unit_price: String,
    /// unit_price × seats.
    pub base_amount: String,
    /// GST rate.
    pub gst_percent: i64,
    /// GST on the base.
    pub gst_amount: String,
    /// Platform fee.
    pub platform_fee: String,
    /// GST on the platform fee.
    pub platform_fee_gst: String,
    /// What the guest pays.
    pub total_amount: String,
    /// Refunded so far.
    pub amount_refunded: String,
}

/// What the app hands to the provider's checkout.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Checkout {
    /// razorpay or sandbox.
    pub provider: String,
    /// The provider's public key id.
    pub key_id: String,
    /// The provider's order id; null while another request for the same hold is still making
    /// it with the provider (ask again: the same order comes back, with its id).
    pub provider_order_id: Option<String>,
    /// The total in paise.
    pub amount_paise: i64,
    /// ISO 4217.
    pub currency: String,
    /// Our receipt reference.
    pub receipt: String,
}

/// A payment order: read from the row's JSON (`payments::orders::ORDER_JSON`, which must name
/// exactly these members) and sent as this type.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Order {
    /// The order's id.
    pub order_id: uuid::Uuid,
    /// Human-readable reference.
    pub order_reference: String,
    /// The event.
    pub event_id: uuid::Uuid,
    /// The event's title.
    pub event_title: String,
    /// The hold this order pays for.
    pub reservation_key: String,
    /// Seats.
    pub seats: i64,
    /// created, paid, failed, expired, refund_pending, refunded or partially_refunded.
    pub status: String,
    /// The breakdown.
    pub amounts: OrderAmounts,
    /// For the checkout sheet.
    pub checkout: Checkout,
    /// RFC 3339; pay before this.
    pub hold_expires_at: String,
    /// The attendee, once paid.
    pub attendee_id: Option<uuid::Uuid>,
    /// RFC 3339.
    pub paid_at: Option<String>,
    /// RFC 3339.
    pub created_at: String,
    /// The ticket code (verify only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket_code: Option<String>,
    /// How the payment settled (verify only): `paid`, `already_settled`, `refund_queued` (it
    /// could not be seated: refunded in full) or `duplicate_refund_queued` (a second payment on
    /// a paid order: that payment is refunded whole, the ticket stands).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settled: Option<String>,
}

page_of!(
    /// A page of orders.
    OrderPage,
    Order
);

crate::request_body! {
    /// `POST /v1/payments/orders/{order_id}/verify`: what checkout returned.
    pub struct PaymentVerify {
        /// razorpay_payment_id.
        required provider_payment_id: Text<1, 100>,
        /// razorpay_signature.
        required provider_signature: Text<1, 200>,
    }
}

crate::request_body! {
    /// `POST /v1/payments/orders/{order_id}/refund`.
    pub struct RefundRequest {
        /// Decimal string; the whole remainder when absent.
        optional amount: Option<RefundAmount>,
    }
}

/// What Razorpay checkout returns, from the sandbox.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SandboxPayment {
    /// The provider's order id.
    pub razorpay_order_id: String,
    /// A payment id.
    pub razorpay_payment_id: String,
    /// A valid signature over order and payment.
    pub razorpay_signature: String,
}

/// A webhook was taken.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookAck {
    /// ok.
    pub status: String,
}
