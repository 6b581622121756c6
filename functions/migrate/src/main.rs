//! Runs migrations once as a command, or serves them as a Lambda when the runtime API is set.

use lambda_runtime::{service_fn, LambdaEvent};
use serde_json::Value;

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    shared::platform::telemetry::init();
    let mut config = shared::platform::aws::secrets::load_config().await?;
    // Migrations run as the schema's owner (MIGRATE_DATABASE_URL); the functions' DATABASE_URL
    // (or, in AWS, the proxy's secret for it) names their login, made a member of the app role.
    let owner = std::env::var("MIGRATE_DATABASE_URL").ok();
    let app_login = migrate::AppLogin::resolve(
        &config.aws,
        std::env::var("APP_DB_LOGIN_SECRET_ARN").ok().as_deref(),
        config.database_url(),
        owner.as_deref(),
    )
    .await?;
    if let Some(owner) = owner {
        config.database.url = owner.into();
    }
    let app_login = app_login.as_ref();
    if std::env::var_os("AWS_LAMBDA_RUNTIME_API").is_some() {
        let config = &config;
        lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| async move {
            // The deploy's custom resource, the first superuser, or a plain invoke
            // (scripts/migrate-aws.sh).
            if migrate::custom_resource::is_custom_resource(&event.payload) {
                migrate::custom_resource::handle(config, app_login, &event.payload).await
            } else if let Some(phone) = event.payload["superuser_phone"].as_str() {
                migrate::make_superuser(config, phone).await
            } else {
                migrate::migrate(config, app_login).await
            }
            .map_err(lambda_runtime::Error::from)
        }))
        .await
    } else {
        // `migrate` applies the migrations; `migrate superuser +91…` makes the first superuser.
        let args: Vec<String> = std::env::args().skip(1).collect();
        let report = match args.as_slice() {
            [command, phone] if command == "superuser" => {
                migrate::make_superuser(&config, phone).await?
            }
            _ => migrate::migrate(&config, app_login).await?,
        };
        println!("{report}");
        Ok(())
    }
}
