//! The states of a payment order (`payment_order.status`, migration V5's check) and what each
//! allows: a payment settles an order still waiting for one, a refund gives back what was paid
//! and not yet returned.

crate::text_enum!(
    /// Where a payment order stands.
    OrderStatus {
        /// Made with the provider, waiting for the guest's payment.
        Created => "created",
        /// Paid: the guest has their seats.
        Paid => "paid",
        /// The last payment attempt was declined; the guest may pay again while the hold lasts.
        Failed => "failed",
        /// The hold lapsed before any payment.
        Expired => "expired",
        /// Money came that must go back (a closed event, a lapsed hold); the sweep sends it.
        RefundPending => "refund_pending",
        /// Some of the money went back.
        PartiallyRefunded => "partially_refunded",
        /// All of the money went back.
        Refunded => "refunded",
    }
);

impl OrderStatus {
    /// Whether a captured payment may settle the order: one still waiting for a payment. A
    /// payment for an expired order is taken and then refunded whole if its seats are gone.
    pub fn takes_payment(self) -> bool {
        matches!(self, Self::Created | Self::Failed | Self::Expired)
    }

    /// Whether the host may refund (some of) it: it was paid and not all was given back.
    pub fn refundable(self) -> bool {
        matches!(self, Self::Paid | Self::PartiallyRefunded)
    }
}

#[cfg(test)]
mod tests {
    use super::OrderStatus::{self, *};

    #[test]
    fn only_an_order_waiting_for_money_takes_a_payment() {
        let taking: Vec<OrderStatus> = OrderStatus::ALL
            .iter()
            .copied()
            .filter(|s| s.takes_payment())
            .collect();
        assert_eq!(taking, vec![Created, Failed, Expired]);
    }

    #[test]
    fn only_money_kept_can_be_refunded() {
        let refundable: Vec<OrderStatus> = OrderStatus::ALL
            .iter()
            .copied()
            .filter(|s| s.refundable())
            .collect();
        assert_eq!(refundable, vec![Paid, PartiallyRefunded]);
    }
}
