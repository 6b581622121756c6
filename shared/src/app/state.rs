//! What an HTTP function builds once at cold start and shares across invocations.

use std::sync::Arc;

use crate::auth::TokenKeys;
use crate::payments::provider::PaymentProvider;
use crate::platform::aws::s3::{S3UploadSigner, UploadSigner};
use crate::platform::aws::sns::{SmsSender, SnsSmsSender};
use crate::platform::aws::sqs::{QueuePublisher, SqsPublisher};
use crate::platform::config::Config;
use crate::platform::db::{build_pool, PgPool};

/// Configuration, the pool, token keys and AWS clients of one function instance.
pub struct AppState {
    /// The configuration read at init.
    pub config: Config,
    /// The Postgres pool (connections open on first use).
    pub pool: PgPool,
    /// Access-token keys.
    pub tokens: TokenKeys,
    /// Queue publisher (SQS; its client is built on first use).
    pub queue: Arc<dyn QueuePublisher>,
    /// SMS sender (SNS; its client is built on first use).
    pub sms: Arc<dyn SmsSender>,
    /// Upload URL signer (S3), when `UPLOADS_BUCKET` is set.
    pub uploads: Option<Arc<dyn UploadSigner>>,
    /// The payment provider (Razorpay or the sandbox).
    pub payments: Arc<dyn PaymentProvider>,
}

impl AppState {
    /// Builds the state from a configuration; opens no connection yet.
    pub fn from_config(config: Config) -> anyhow::Result<Self> {
        let pool = build_pool(&config.database, &config.aws)?;
        let tokens = TokenKeys::new(&config.tokens);
        let queue = Arc::new(SqsPublisher::new(config.aws.clone()));
        let sms = Arc::new(SnsSmsSender::new(config.aws.clone(), config.sms.clone()));
        let uploads = config.uploads_bucket.clone().map(|bucket| {
            Arc::new(S3UploadSigner::new(config.aws.clone(), bucket)) as Arc<dyn UploadSigner>
        });
        let payments = crate::payments::provider::from_settings(&config.payments)?;
        Ok(Self {
            config,
            pool,
            tokens,
            queue,
            sms,
            uploads,
            payments,
        })
    }

    /// Builds the state from the environment (plus the app secret when `APP_SECRET_ARN` is set).
    pub async fn load() -> anyhow::Result<Self> {
        Self::from_config(crate::platform::aws::secrets::load_config().await?)
    }

    /// Publishes committed outbox messages with this instance's queue publisher and queue URLs;
    /// returns how many were sent (failures stay for the scheduled republish).
    pub async fn publish_outbox(&self, ids: &[crate::platform::outbox::OutboxMessage]) -> usize {
        crate::platform::outbox::publish(&self.pool, self.queue.as_ref(), &self.config.queues, ids)
            .await
    }
}
