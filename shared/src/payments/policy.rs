//! The fee policy, stated once (the README's reliability section says the same):
//! - the host cancels the event, removes a guest or refunds an order, or a payment arrives that
//!   cannot be seated (the seats are gone, or the event was cancelled, unpublished or has
//!   started): the buyer gets everything back, platform fee and its GST included;
//! - the buyer withdraws (or deletes the account) at least the refund cut-off before the start:
//!   the ticket price and its GST come back, the platform fee and its GST are kept; later,
//!   nothing comes back;
//! - a second payment captured on an order that is already paid goes back whole.
//!
//! `event_attendee.price_paid` (ticket and GST) and `platform_fee` (fee and its GST) say what
//! was paid and, after refunds, what was kept: a refund takes from the ticket first.

use rust_decimal::Decimal;

crate::text_enum!(
    /// Why money goes back: the `reason` of a refund and an order's `refund_reason`.
    RefundReason {
        /// The host refunded an order (an amount the host chose).
        Host => "host",
        /// The host cancelled the event.
        EventCancelled => "event_cancelled",
        /// The host removed the guest.
        AttendeeCancelled => "attendee_cancelled",
        /// Paid after the hold lapsed with no seats left.
        LatePayment => "late_payment",
        /// Paid for an event that was cancelled, unpublished or had started.
        EventClosed => "event_closed",
        /// The buyer withdrew in time (or deleted the account).
        GuestWithdrew => "guest_withdrew",
        /// A second payment captured on a paid order.
        DuplicatePayment => "duplicate_payment",
    }
);

crate::text_enum!(
    /// Where a refund stands (`payment_refund.status`).
    RefundStatus {
        /// Opened, not yet confirmed by the provider.
        Pending => "pending",
        /// The provider paid it back.
        Processed => "processed",
        /// The provider refused it (money still owed; staff see it).
        Failed => "failed",
    }
);

impl RefundStatus {
    /// The status a provider's word on a refund moves it to: its own words for the two ends,
    /// anything else (`created`, `queued`, …) still pending.
    pub fn from_provider(word: &str) -> Self {
        Self::parse(word)
            .filter(|status| *status != Self::Pending)
            .unwrap_or(Self::Pending)
    }
}

impl RefundReason {
    /// Whether the platform keeps its fee: only when the buyer chose to leave.
    pub fn keeps_fee(self) -> bool {
        self == Self::GuestWithdrew
    }
}

/// What an order paid, in its two parts, and what was already refunded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paid {
    /// Ticket base and its GST.
    pub ticket: Decimal,
    /// Platform fee and its GST.
    pub fee: Decimal,
    /// Refunded (or being refunded) so far.
    pub refunded: Decimal,
}

/// What an order waiting for a refund for `reason` gets back now: the rest of the total, or,
/// when the fee is kept, the rest of the ticket part (never below zero).
pub fn amount_due(reason: RefundReason, paid: Paid) -> Decimal {
    let returnable = if reason.keeps_fee() {
        paid.ticket
    } else {
        paid.ticket + paid.fee
    };
    (returnable - paid.refunded).max(Decimal::ZERO)
}

/// What an attendee's `price_paid` and `platform_fee` become after `refund`: it takes from the
/// ticket part first, then the fee.
pub fn kept_after(
    refund: Decimal,
    price_paid: Decimal,
    platform_fee: Decimal,
) -> (Decimal, Decimal) {
    let from_ticket = refund.min(price_paid).max(Decimal::ZERO);
    let from_fee = (refund - from_ticket).min(platform_fee).max(Decimal::ZERO);
    (price_paid - from_ticket, platform_fee - from_fee)
}

/// Calls to the provider a refund gets before it is marked `failed` for staff.
pub const MAX_REFUND_ATTEMPTS: i16 = 8;

/// After a refund's `attempts`-th failed call: how long until the next one (a minute, doubling,
/// at most six hours), or `None` when that was the last and the refund is marked `failed`.
pub fn refund_retry_after(attempts: i16) -> Option<std::time::Duration> {
    if attempts >= MAX_REFUND_ATTEMPTS {
        return None;
    }
    let doublings = u32::try_from(attempts.max(1) - 1).unwrap_or(0).min(16);
    Some(std::time::Duration::from_secs(
        (60u64 << doublings).min(6 * 3600),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_providers_word_ends_a_refund_only_when_it_names_an_end() {
        assert_eq!(
            RefundStatus::from_provider("processed"),
            RefundStatus::Processed
        );
        assert_eq!(RefundStatus::from_provider("failed"), RefundStatus::Failed);
        for word in ["pending", "created", "queued", ""] {
            assert_eq!(RefundStatus::from_provider(word), RefundStatus::Pending);
        }
    }

    fn dec(text: &str) -> Decimal {
        text.parse().unwrap()
    }

    fn paid() -> Paid {
        Paid {
            ticket: dec("588.82"),
            fee: dec("11.78"),
            refunded: Decimal::ZERO,
        }
    }

    #[test]
    fn the_host_cancelling_or_an_unseated_payment_returns_everything() {
        for reason in [
            RefundReason::EventCancelled,
            RefundReason::AttendeeCancelled,
            RefundReason::LatePayment,
            RefundReason::EventClosed,
        ] {
            assert_eq!(amount_due(reason, paid()), dec("600.60"), "{reason:?}");
        }
    }

    #[test]
    fn a_guest_who_withdraws_gets_the_ticket_and_its_gst_and_the_fee_is_kept() {
        assert_eq!(
            amount_due(RefundReason::GuestWithdrew, paid()),
            dec("588.82")
        );
    }

    #[test]
    fn what_was_refunded_before_is_taken_off_and_nothing_goes_below_zero() {
        let partly = Paid {
            refunded: dec("100.00"),
            ..paid()
        };
        assert_eq!(
            amount_due(RefundReason::EventCancelled, partly),
            dec("500.60")
        );
        assert_eq!(
            amount_due(RefundReason::GuestWithdrew, partly),
            dec("488.82")
        );
        let mostly = Paid {
            refunded: dec("590.00"),
            ..paid()
        };
        assert_eq!(
            amount_due(RefundReason::GuestWithdrew, mostly),
            Decimal::ZERO
        );
    }

    #[test]
    fn a_refund_takes_from_the_ticket_first_then_the_fee() {
        assert_eq!(
            kept_after(dec("588.82"), dec("588.82"), dec("11.78")),
            (dec("0.00"), dec("11.78"))
        );
        assert_eq!(
            kept_after(dec("600.60"), dec("588.82"), dec("11.78")),
            (dec("0.00"), dec("0.00"))
        );
        assert_eq!(
            kept_after(dec("100.00"), dec("588.82"), dec("11.78")),
            (dec("488.82"), dec("11.78"))
        );
    }

    #[test]
    fn a_failing_refund_waits_longer_each_time_then_gives_up() {
        let waits: Vec<u64> = (1..MAX_REFUND_ATTEMPTS)
            .map(|n| refund_retry_after(n).unwrap().as_secs())
            .collect();
        assert_eq!(waits, [60, 120, 240, 480, 960, 1920, 3840]);
        assert_eq!(refund_retry_after(MAX_REFUND_ATTEMPTS), None);
    }

    #[test]
    fn reasons_round_trip_through_their_database_words() {
        for word in [
            "host",
            "event_cancelled",
            "attendee_cancelled",
            "late_payment",
            "event_closed",
            "guest_withdrew",
            "duplicate_payment",
        ] {
            assert_eq!(RefundReason::parse(word).unwrap().as_str(), word);
        }
        assert_eq!(RefundReason::parse("whim"), None);
    }
}
