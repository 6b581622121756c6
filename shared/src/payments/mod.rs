//! Paying for tickets: orders with server-computed amounts (GST and the platform fee), checkout
//! verification and Razorpay webhooks that settle exactly once, and refunds.
//!
//! Rules: every figure of an order is computed here from the event (`amounts.rs`, half-up to
//! the paisa); an order is opened only on a live hold. A payment settles once, whichever of
//! verify and the webhooks comes first; one that cannot be seated (the hold lapsed with no
//! seats left, or the event closed) and a second payment on a paid order are refunded whole.
//! What a refund returns is the fee policy (`policy.rs`): everything when the host acts, the
//! ticket and its GST when the guest withdraws in time, nothing later.

pub mod amounts;
pub mod order_lock;
pub mod order_status;
pub mod orders;
pub mod policy;
pub mod provider;
pub mod refund_sending;
pub mod refunds;
pub mod settle;
pub mod signature;
pub mod store;
pub mod webhook;
