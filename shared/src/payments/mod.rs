//! Paying for tickets: orders with server-computed amounts (GST and the platform fee), checkout
//! verification and Razorpay webhooks that settle exactly once, and refunds.

pub mod amounts;
pub mod order_status;
pub mod orders;
pub mod policy;
pub mod provider;
pub mod refund_sending;
pub mod refunds;
pub mod settle;
pub mod signature;
pub mod webhook;
