//! Payment settings: the provider, its credentials and the platform's fee. In AWS they fail
//! closed (see `payment_settings`).

use secrecy::SecretString;

use super::{parse_or, ConfigError};

/// Which payment provider takes the money.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaymentProviderKind {
    /// Razorpay's Orders API.
    Razorpay,
    /// A local stand-in that behaves like Razorpay checkout, without network.
    Sandbox,
    /// This function takes no money and holds no provider keys (`PAYMENT_PROVIDER=none`: in
    /// AWS every function but payments and reservation-expiry); a payment call fails.
    Disabled,
}

/// Payment provider credentials and the platform's fee.
#[derive(Debug, Clone)]
pub struct PaymentSettings {
    /// The provider in use.
    pub provider: PaymentProviderKind,
    /// Public key id the app's checkout needs.
    pub key_id: String,
    /// Signs payment signatures (and authenticates API calls).
    pub key_secret: SecretString,
    /// Signs webhooks.
    pub webhook_secret: SecretString,
    /// Razorpay API base URL.
    pub base_url: String,
    /// Platform fee, percent of the ticket base amount.
    pub platform_fee_percent: rust_decimal::Decimal,
    /// GST on the platform fee, percent.
    pub platform_fee_gst_percent: rust_decimal::Decimal,
}

/// The value template.yaml's app secret starts with, until the operator puts the real keys in.
pub const PLACEHOLDER: &str = "REPLACE_ME";

pub(super) fn payment_settings(
    get: &impl Fn(&'static str) -> Option<String>,
) -> Result<PaymentSettings, ConfigError> {
    let percent =
        |name: &'static str, default: &str| -> Result<rust_decimal::Decimal, ConfigError> {
            let raw = get(name).unwrap_or_else(|| default.to_owned());
            let value: rust_decimal::Decimal =
                raw.trim().parse().map_err(|_| ConfigError::Invalid {
                    name,
                    reason: format!("{raw:?} is not a decimal"),
                })?;
            if value < rust_decimal::Decimal::ZERO || value > rust_decimal::Decimal::ONE_HUNDRED {
                return Err(ConfigError::Invalid {
                    name,
                    reason: "must be from 0 to 100".into(),
                });
            }
            Ok(value)
        };
    // In AWS (a Lambda not marked as a local stack) payments fail closed: the provider must be
    // named, the sandbox (which pays without money) is refused, and no Razorpay value may still
    // be the template's placeholder.
    let deployed = get("AWS_LAMBDA_FUNCTION_NAME").is_some()
        && !parse_or(get("LOCAL_STACK"), "LOCAL_STACK", false)?;
    if deployed && get("PAYMENT_PROVIDER").is_none() {
        return Err(ConfigError::Missing("PAYMENT_PROVIDER"));
    }
    let real = |name: &'static str| -> Result<String, ConfigError> {
        let value = get(name).ok_or(ConfigError::Missing(name))?;
        if value.contains(PLACEHOLDER) {
            return Err(ConfigError::Invalid {
                name,
                reason: format!(
                    "still the placeholder {PLACEHOLDER}: put the real value in the app secret"
                ),
            });
        }
        Ok(value)
    };
    let fee = percent("PLATFORM_FEE_PERCENT", "2.00")?;
    let fee_gst = percent("PLATFORM_FEE_GST_PERCENT", "18")?;
    let base_url = get("RAZORPAY_BASE_URL").unwrap_or_else(|| "https://api.razorpay.com".into());
    match get("PAYMENT_PROVIDER").as_deref() {
        None | Some("sandbox") if deployed => Err(ConfigError::Invalid {
            name: "PAYMENT_PROVIDER",
            reason:
                "the sandbox pays without money: it runs only on a local stack (LOCAL_STACK=true)"
                    .into(),
        }),
        None | Some("sandbox") => Ok(PaymentSettings {
            provider: PaymentProviderKind::Sandbox,
            key_id: get("PAYMENT_SANDBOX_KEY_ID").unwrap_or_else(|| "rzp_test_sandbox".into()),
            key_secret: SecretString::from(
                get("PAYMENT_SANDBOX_KEY_SECRET").unwrap_or_else(|| "sandbox-key-secret".into()),
            ),
            webhook_secret: SecretString::from(
                get("PAYMENT_SANDBOX_WEBHOOK_SECRET")
                    .unwrap_or_else(|| "sandbox-webhook-secret".into()),
            ),
            base_url,
            platform_fee_percent: fee,
            platform_fee_gst_percent: fee_gst,
        }),
        Some("razorpay") => Ok(PaymentSettings {
            provider: PaymentProviderKind::Razorpay,
            key_id: real("RAZORPAY_KEY_ID")?,
            key_secret: SecretString::from(real("RAZORPAY_KEY_SECRET")?),
            webhook_secret: SecretString::from(real("RAZORPAY_WEBHOOK_SECRET")?),
            base_url,
            platform_fee_percent: fee,
            platform_fee_gst_percent: fee_gst,
        }),
        Some("none") => Ok(PaymentSettings {
            provider: PaymentProviderKind::Disabled,
            key_id: String::new(),
            key_secret: SecretString::from(String::new()),
            webhook_secret: SecretString::from(String::new()),
            base_url,
            platform_fee_percent: fee,
            platform_fee_gst_percent: fee_gst,
        }),
        Some(other) => Err(ConfigError::Invalid {
            name: "PAYMENT_PROVIDER",
            reason: format!("{other:?} is not one of sandbox, razorpay, none"),
        }),
    }
}
