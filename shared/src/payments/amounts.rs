//! What an order costs, computed by the server alone: base = seats × price; GST on the base;
//! the platform fee (a percent of the base) with its own GST; all rounded half-up to the paisa.

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::domain::money::{format_amount, percent_of};

/// An order's price breakdown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Breakdown {
    /// Price of one seat.
    pub unit_price: Decimal,
    /// seats × unit price.
    pub base: Decimal,
    /// GST rate on the tickets.
    pub gst_percent: i16,
    /// GST on the base.
    pub gst: Decimal,
    /// Platform fee.
    pub fee: Decimal,
    /// GST on the platform fee.
    pub fee_gst: Decimal,
    /// What the guest pays.
    pub total: Decimal,
}

impl Breakdown {
    /// Computes the breakdown.
    pub fn compute(
        seats: i16,
        unit_price: Decimal,
        gst_percent: i16,
        fee_percent: Decimal,
        fee_gst_percent: Decimal,
    ) -> Self {
        let base = unit_price * Decimal::from(seats);
        let gst = percent_of(base, Decimal::from(gst_percent));
        let fee = percent_of(base, fee_percent);
        let fee_gst = percent_of(fee, fee_gst_percent);
        Self {
            unit_price,
            base,
            gst_percent,
            gst,
            fee,
            fee_gst,
            total: base + gst + fee + fee_gst,
        }
    }

    /// The total in paise, as providers want it.
    pub fn total_paise(&self) -> i64 {
        (self.total * Decimal::ONE_HUNDRED)
            .to_i64()
            .unwrap_or(i64::MAX)
    }

    /// The JSON shape: two-place strings.
    pub fn to_json(&self) -> AmountsJson {
        AmountsJson {
            unit_price: format_amount(self.unit_price),
            base_amount: format_amount(self.base),
            gst_percent: self.gst_percent,
            gst_amount: format_amount(self.gst),
            platform_fee: format_amount(self.fee),
            platform_fee_gst: format_amount(self.fee_gst),
            total_amount: format_amount(self.total),
            currency: "INR",
        }
    }
}

/// Amounts on the wire.
#[derive(Debug, Clone, Serialize)]
pub struct AmountsJson {
    /// Price of one seat.
    pub unit_price: String,
    /// seats × unit price.
    pub base_amount: String,
    /// GST rate.
    pub gst_percent: i16,
    /// GST on the base.
    pub gst_amount: String,
    /// Platform fee.
    pub platform_fee: String,
    /// GST on the fee.
    pub platform_fee_gst: String,
    /// What the guest pays.
    pub total_amount: String,
    /// Always INR.
    pub currency: &'static str,
}
