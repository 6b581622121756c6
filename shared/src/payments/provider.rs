//! The payment provider port and its two adapters: Razorpay's Orders and Refunds APIs over
//! HTTPS, and a sandbox that behaves like them without any network (for laptops and tests).

use std::sync::Arc;

use anyhow::Context;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::RngCore;
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::platform::aws::BoxFuture;
use crate::platform::config::{PaymentProviderKind, PaymentSettings};

/// What the provider is asked to create.
#[derive(Debug, Clone, Serialize)]
pub struct OrderRequest {
    /// Amount in paise.
    pub amount: i64,
    /// Always INR.
    pub currency: String,
    /// Our order reference (Razorpay's `receipt`, ≤ 40 characters).
    pub receipt: String,
    /// Free-form notes shown in the provider's dashboard.
    pub notes: Value,
}

/// A created provider order.
#[derive(Debug, Clone, Deserialize)]
pub struct ProviderOrder {
    /// The provider's order id (`order_…`).
    pub id: String,
}

/// A refund as the provider reports it.
#[derive(Debug, Clone, Deserialize)]
pub struct ProviderRefund {
    /// The provider's refund id (`rfnd_…`).
    pub id: String,
    /// `processed`, `pending` or `failed`.
    pub status: String,
}

/// A payment provider.
pub trait PaymentProvider: Send + Sync {
    /// `razorpay` or `sandbox` (stored on each order).
    fn name(&self) -> &'static str;
    /// Creates an order for the app's checkout.
    fn create_order<'a>(
        &'a self,
        order: &'a OrderRequest,
    ) -> BoxFuture<'a, anyhow::Result<(ProviderOrder, Value)>>;
    /// Refunds `amount` paise of a payment; `idempotency_key` makes a retry refund once.
    fn refund<'a>(
        &'a self,
        payment_id: &'a str,
        amount: i64,
        idempotency_key: &'a str,
    ) -> BoxFuture<'a, anyhow::Result<(ProviderRefund, Value)>>;
}

/// Builds the configured provider.
pub fn from_settings(settings: &PaymentSettings) -> anyhow::Result<Arc<dyn PaymentProvider>> {
    Ok(match settings.provider {
        PaymentProviderKind::Sandbox => Arc::new(Sandbox),
        PaymentProviderKind::Razorpay => Arc::new(Razorpay::new(settings)?),
        PaymentProviderKind::Disabled => Arc::new(NoPayments),
    })
}

/// The provider of a function that takes no money: every call fails, naming why.
pub struct NoPayments;

impl PaymentProvider for NoPayments {
    fn name(&self) -> &'static str {
        "none"
    }

    fn create_order<'a>(
        &'a self,
        _order: &'a OrderRequest,
    ) -> BoxFuture<'a, anyhow::Result<(ProviderOrder, Value)>> {
        Box::pin(async { anyhow::bail!("this function takes no payments (PAYMENT_PROVIDER=none)") })
    }

    fn refund<'a>(
        &'a self,
        _payment_id: &'a str,
        _amount: i64,
        _idempotency_key: &'a str,
    ) -> BoxFuture<'a, anyhow::Result<(ProviderRefund, Value)>> {
        Box::pin(async { anyhow::bail!("this function takes no payments (PAYMENT_PROVIDER=none)") })
    }
}

fn random_id(prefix: &str) -> String {
    let mut bytes = [0u8; 10];
    rand::rng().fill_bytes(&mut bytes);
    format!(
        "{prefix}_{}",
        URL_SAFE_NO_PAD.encode(bytes).replace(['-', '_'], "x")
    )
}

/// The sandbox: orders and refunds succeed at once, ids look like Razorpay's.
pub struct Sandbox;

impl PaymentProvider for Sandbox {
    fn name(&self) -> &'static str {
        "sandbox"
    }

    fn create_order<'a>(
        &'a self,
        order: &'a OrderRequest,
    ) -> BoxFuture<'a, anyhow::Result<(ProviderOrder, Value)>> {
        Box::pin(async move {
            let id = random_id("order");
            let response = json!({ "id": id, "amount": order.amount, "currency": order.currency, "receipt": order.receipt, "status": "created" });
            Ok((ProviderOrder { id }, response))
        })
    }

    fn refund<'a>(
        &'a self,
        payment_id: &'a str,
        amount: i64,
        _idempotency_key: &'a str,
    ) -> BoxFuture<'a, anyhow::Result<(ProviderRefund, Value)>> {
        Box::pin(async move {
            let id = random_id("rfnd");
            let response = json!({ "id": id, "payment_id": payment_id, "amount": amount, "status": "processed" });
            Ok((
                ProviderRefund {
                    id,
                    status: "processed".into(),
                },
                response,
            ))
        })
    }
}

/// Razorpay over HTTPS (reqwest with rustls and Mozilla's roots), Basic auth with the key pair.
pub struct Razorpay {
    http: reqwest::Client,
    base_url: String,
    key_id: String,
    key_secret: secrecy::SecretString,
}

impl Razorpay {
    /// A client for the configured account and base URL.
    pub fn new(settings: &PaymentSettings) -> anyhow::Result<Self> {
        let tls = crate::platform::tls::client_config(crate::platform::tls::mozilla_roots())?;
        let http = reqwest::Client::builder()
            .use_preconfigured_tls(tls)
            .timeout(std::time::Duration::from_secs(10))
            .build()
            .context("building the Razorpay client")?;
        Ok(Self {
            http,
            base_url: settings.base_url.trim_end_matches('/').to_owned(),
            key_id: settings.key_id.clone(),
            key_secret: settings.key_secret.clone(),
        })
    }

    async fn post(
        &self,
        path: &str,
        body: &Value,
        idempotency_key: Option<&str>,
    ) -> anyhow::Result<Value> {
        let mut request = self
            .http
            .post(format!("{}{path}", self.base_url))
            .basic_auth(&self.key_id, Some(self.key_secret.expose_secret()))
            .json(body);
        if let Some(key) = idempotency_key {
            request = request.header("X-Refund-Idempotency", key);
        }
        let response = request
            .send()
            .await
            .with_context(|| format!("calling Razorpay {path}"))?;
        let status = response.status();
        let body: Value = response
            .json()
            .await
            .with_context(|| format!("reading Razorpay {path}"))?;
        anyhow::ensure!(
            status.is_success(),
            "Razorpay {path} answered {status}: {}",
            body["error"]["description"]
        );
        Ok(body)
    }
}

impl PaymentProvider for Razorpay {
    fn name(&self) -> &'static str {
        "razorpay"
    }

    fn create_order<'a>(
        &'a self,
        order: &'a OrderRequest,
    ) -> BoxFuture<'a, anyhow::Result<(ProviderOrder, Value)>> {
        Box::pin(async move {
            let response = self
                .post("/v1/orders", &serde_json::to_value(order)?, None)
                .await?;
            let created: ProviderOrder =
                serde_json::from_value(response.clone()).context("Razorpay order")?;
            Ok((created, response))
        })
    }

    fn refund<'a>(
        &'a self,
        payment_id: &'a str,
        amount: i64,
        idempotency_key: &'a str,
    ) -> BoxFuture<'a, anyhow::Result<(ProviderRefund, Value)>> {
        Box::pin(async move {
            let response = self
                .post(
                    &format!("/v1/payments/{payment_id}/refund"),
                    &json!({ "amount": amount, "speed": "normal" }),
                    Some(idempotency_key),
                )
                .await?;
            let refund: ProviderRefund =
                serde_json::from_value(response.clone()).context("Razorpay refund")?;
            Ok((refund, response))
        })
    }
}
