//! template.yaml as a deployment reviewer reads it: least-privilege policies, queues with DLQs
//! and long enough visibility timeouts, no secret in a plain parameter.

use std::collections::{BTreeMap, BTreeSet};

use serde_norway::Value;

fn template() -> Value {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../template.yaml")).unwrap();
    serde_norway::from_str(&text).unwrap()
}

/// Every logical id a value refers to (`!Ref X`, `!GetAtt X.Attr`, `${X}` / `${X.Arn}` in `!Sub`).
fn references(value: &Value, found: &mut BTreeSet<String>) {
    match value {
        Value::Tagged(tagged) => {
            let tag = tagged.tag.to_string();
            match (tag.as_str(), tagged.value.as_str()) {
                ("!Ref", Some(target)) | ("!GetAtt", Some(target)) => {
                    found.insert(target.split('.').next().unwrap().to_owned());
                }
                ("!Sub", Some(text)) => {
                    for part in text.split("${").skip(1) {
                        let name = part.split('}').next().unwrap().split('.').next().unwrap();
                        if !name.starts_with("AWS::") {
                            found.insert(name.to_owned());
                        }
                    }
                }
                _ => references(&tagged.value, found),
            }
        }
        Value::Mapping(map) => map.values().for_each(|v| references(v, found)),
        Value::Sequence(items) => items.iter().for_each(|v| references(v, found)),
        _ => {}
    }
}

fn functions(template: &Value) -> BTreeMap<String, Value> {
    template["Resources"]
        .as_mapping()
        .unwrap()
        .iter()
        .filter(|(_, r)| r["Type"].as_str() == Some("AWS::Serverless::Function"))
        .map(|(_, r)| {
            (
                r["Metadata"]["BuildProperties"]["Binary"]
                    .as_str()
                    .unwrap()
                    .to_owned(),
                r.clone(),
            )
        })
        .collect()
}

#[test]
fn every_function_may_touch_only_the_resources_it_uses() {
    let template = template();
    // Besides these, every function has exactly the shared base policy (checked below).
    let expected: BTreeMap<&str, &[&str]> = BTreeMap::from([
        // The token signing key: auth alone reads it.
        ("auth", &["TokenSigningSecret"][..]),
        ("profile", &["UploadsBucket"][..]),
        (
            "events",
            &["NotificationQueue", "ReservationExpiryQueue"][..],
        ),
        (
            "attendance",
            &["NotificationQueue", "ReservationExpiryQueue"][..],
        ),
        // The Razorpay keys: only the two functions that take money or give it back.
        (
            "payments",
            &["NotificationQueue", "ReservationExpiryQueue", "AppSecret"][..],
        ),
        ("notifications", &[][..]),
        ("notification-worker", &[][..]),
        // UploadsBucket: retagging attached uploads.
        (
            "reservation-expiry",
            &[
                "NotificationQueue",
                "ReservationExpiryQueue",
                "AppSecret",
                "UploadsBucket",
            ][..],
        ),
        // The owner's login (DatabaseProxy) and the functions' login secret, to migrate and
        // then give that login its password.
        ("migrate", &["DatabaseProxy", "DatabaseAppLoginSecret"][..]),
    ]);
    for (function, resource) in functions(&template) {
        let mut found = BTreeSet::new();
        references(&resource["Properties"]["Policies"], &mut found);
        let want: BTreeSet<String> = expected[function.as_str()]
            .iter()
            .chain(&["FunctionBasePolicy"])
            .map(|s| s.to_string())
            .collect();
        assert_eq!(found, want, "{function}'s policies");
    }
    // The shared policy: connect through the proxy, read the ticket key, nothing more.
    let base = &template["Resources"]["FunctionBasePolicy"]["Properties"]["PolicyDocument"];
    let mut found = BTreeSet::new();
    references(base, &mut found);
    let want: BTreeSet<String> = ["DatabaseProxy", "TicketSigningSecret"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(found, want, "the base policy");
    let actions: BTreeSet<&str> = base["Statement"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|statement| statement["Action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        BTreeSet::from(["rds-db:connect", "secretsmanager:GetSecretValue"])
    );
}

#[test]
fn every_queue_has_a_dlq_and_a_visibility_timeout_of_six_times_its_consumer() {
    let template = template();
    let resources = template["Resources"].as_mapping().unwrap();
    let mut consumed = 0;
    for (_, function) in functions(&template) {
        let timeout = function["Properties"]["Timeout"]
            .as_i64()
            .or_else(|| template["Globals"]["Function"]["Timeout"].as_i64())
            .unwrap();
        let Some(events) = function["Properties"]["Events"].as_mapping() else {
            continue;
        };
        for (_, event) in events {
            if event["Type"].as_str() != Some("SQS") {
                continue;
            }
            let mut queue = BTreeSet::new();
            references(&event["Properties"]["Queue"], &mut queue);
            let queue_id = queue.into_iter().next().unwrap();
            let queue = &resources[&Value::String(queue_id.clone())];
            let visibility = queue["Properties"]["VisibilityTimeout"].as_i64().unwrap();
            assert!(
                visibility >= 6 * timeout,
                "{queue_id}: visibility {visibility} < 6 × {timeout}"
            );
            let redrive = &queue["Properties"]["RedrivePolicy"];
            let mut dlq = BTreeSet::new();
            references(&redrive["deadLetterTargetArn"], &mut dlq);
            assert_eq!(dlq.len(), 1, "{queue_id} has a DLQ");
            assert!(
                redrive["maxReceiveCount"].as_i64().is_some_and(|n| n > 1),
                "{queue_id} retries before the DLQ"
            );
            let fn_types: Vec<&str> = event["Properties"]["FunctionResponseTypes"]
                .as_sequence()
                .unwrap()
                .iter()
                .filter_map(|v| v.as_str())
                .collect();
            assert_eq!(fn_types, vec!["ReportBatchItemFailures"]);
            consumed += 1;
        }
    }
    assert_eq!(consumed, 2);
}

#[test]
fn no_secret_is_a_plain_parameter_or_a_literal() {
    let template = template();
    for (name, parameter) in template["Parameters"].as_mapping().unwrap() {
        let name = name.as_str().unwrap();
        let secretish = ["Secret", "Password", "Key", "Token"]
            .iter()
            .any(|w| name.contains(w))
            && !name.ends_with("Arn");
        assert!(
            !secretish || parameter.get("Default").is_none(),
            "parameter {name} has a default"
        );
    }
    // The environment names where secrets are (Secrets Manager ARNs), never a secret itself.
    let env = &template["Globals"]["Function"]["Environment"]["Variables"];
    for (name, _) in env.as_mapping().unwrap() {
        let name = name.as_str().unwrap();
        let secretish = ["SECRET", "KEY", "PASSWORD", "TOKEN"]
            .iter()
            .any(|w| name.contains(w));
        // TOKEN_VERIFY_KEYS are public keys.
        assert!(
            !secretish || name == "APP_SECRET_ARN" || name == "TOKEN_VERIFY_KEYS",
            "{name} is a secret in the environment"
        );
    }
    let mut secrets = BTreeSet::new();
    references(&env["APP_SECRET_ARN"], &mut secrets);
    assert_eq!(secrets, BTreeSet::from(["TicketSigningSecret".to_owned()]));
    // The database URL carries a user and host but no password: IAM tokens replace it.
    let url = serde_norway::to_string(&env["DATABASE_URL"]).unwrap();
    let user_info = url.split("://").nth(1).unwrap().split('@').next().unwrap();
    assert!(!user_info.contains(':'), "DATABASE_URL holds a password");
    assert_eq!(env["DATABASE_IAM_AUTH"].as_str(), Some("true"));
    assert_eq!(env["DATABASE_TLS"].as_str(), Some("verify-full"));
    // The template holds no key material: the ticket key is generated, the others are
    // placeholders the operator replaces (a placeholder stops a function at init).
    let generate =
        &template["Resources"]["TicketSigningSecret"]["Properties"]["GenerateSecretString"];
    assert!(generate["GenerateStringKey"].as_str().is_some());
    assert!(generate["PasswordLength"].as_i64().unwrap() >= 32);
    for id in ["AppSecret", "TokenSigningSecret"] {
        let fixed: serde_json::Map<String, serde_json::Value> = serde_json::from_str(
            template["Resources"][id]["Properties"]["SecretString"]
                .as_str()
                .unwrap(),
        )
        .unwrap();
        assert!(
            fixed.values().all(|v| v == "REPLACE_ME"),
            "{id} has a literal secret"
        );
    }
    // Only auth reads the token signing key.
    for (name, function) in functions(&template) {
        let mut read = BTreeSet::new();
        references(&function["Properties"]["Environment"], &mut read);
        references(&function["Properties"]["Policies"], &mut read);
        assert_eq!(
            read.contains("TokenSigningSecret"),
            name == "auth",
            "{name} and the token signing key"
        );
    }
}

#[test]
fn the_database_sits_behind_a_proxy_that_requires_tls_and_iam() {
    let template = template();
    let resources = &template["Resources"];
    let proxy = &resources["DatabaseProxy"]["Properties"];
    assert_eq!(proxy["RequireTLS"].as_bool(), Some(true));
    assert_eq!(proxy["EngineFamily"].as_str(), Some("POSTGRESQL"));
    // Two logins, each by IAM token only: the owner's (RDS's master secret) and the functions'.
    let mut secrets = BTreeSet::new();
    for auth in proxy["Auth"].as_sequence().unwrap() {
        assert_eq!(auth["IAMAuth"].as_str(), Some("REQUIRED"));
        references(&auth["SecretArn"], &mut secrets);
    }
    assert_eq!(
        secrets,
        BTreeSet::from(["Database".to_owned(), "DatabaseAppLoginSecret".to_owned()])
    );
    let database = &resources["Database"]["Properties"];
    assert_eq!(database["PubliclyAccessible"].as_bool(), Some(false));
    assert_eq!(database["StorageEncrypted"].as_bool(), Some(true));
    assert_eq!(database["ManageMasterUserPassword"].as_bool(), Some(true));
    let mut targets = BTreeSet::new();
    references(
        &resources["DatabaseProxyTargetGroup"]["Properties"],
        &mut targets,
    );
    assert_eq!(
        targets,
        BTreeSet::from(["Database".to_owned(), "DatabaseProxy".to_owned()])
    );
    // Only the proxy reaches the database, and only the functions reach the proxy.
    let mut db_sources = BTreeSet::new();
    references(
        &resources["DatabaseSecurityGroup"]["Properties"]["SecurityGroupIngress"],
        &mut db_sources,
    );
    assert_eq!(
        db_sources,
        BTreeSet::from(["ProxySecurityGroup".to_owned()])
    );
    let mut proxy_sources = BTreeSet::new();
    references(
        &resources["ProxySecurityGroup"]["Properties"]["SecurityGroupIngress"],
        &mut proxy_sources,
    );
    assert_eq!(
        proxy_sources,
        BTreeSet::from(["FunctionSecurityGroup".to_owned()])
    );
    // Every function runs in the private subnets.
    let vpc = &template["Globals"]["Function"]["VpcConfig"];
    let mut vpc_refs = BTreeSet::new();
    references(vpc, &mut vpc_refs);
    assert_eq!(
        vpc_refs,
        BTreeSet::from([
            "FunctionSecurityGroup".to_owned(),
            "PrivateSubnetIds".to_owned()
        ])
    );
}

#[test]
fn every_dead_letter_queue_and_the_api_and_throttles_have_alarms() {
    let template = template();
    let resources = template["Resources"].as_mapping().unwrap();
    let mut watched = BTreeSet::new();
    for (_, resource) in resources {
        if resource["Type"].as_str() == Some("AWS::CloudWatch::Alarm") {
            let mut actions = BTreeSet::new();
            references(&resource["Properties"]["AlarmActions"], &mut actions);
            assert_eq!(actions, BTreeSet::from(["AlarmTopic".to_owned()]));
            references(&resource["Properties"]["Dimensions"], &mut watched);
            references(&resource["Properties"]["Metrics"], &mut watched);
        }
    }
    let dead_letter_queues: BTreeSet<String> = resources
        .iter()
        .filter(|(id, r)| {
            r["Type"].as_str() == Some("AWS::SQS::Queue")
                && id.as_str().unwrap().ends_with("DeadLetterQueue")
        })
        .map(|(id, _)| id.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(dead_letter_queues.len(), 3);
    for queue in &dead_letter_queues {
        assert!(watched.contains(queue), "no alarm on {queue}");
    }
    assert!(
        watched.contains("HttpApi"),
        "no alarm on the API's 5xx rate"
    );
    for (binary, _) in functions(&template) {
        if binary == "migrate" {
            continue;
        }
        let id = resources
            .iter()
            .find(|(_, r)| r["Metadata"]["BuildProperties"]["Binary"].as_str() == Some(&binary))
            .map(|(id, _)| id.as_str().unwrap().to_owned())
            .unwrap();
        assert!(watched.contains(&id), "no throttle alarm covers {id}");
    }
    let outputs = &template["Outputs"];
    let mut api = BTreeSet::new();
    references(&outputs["ApiUrl"]["Value"], &mut api);
    assert_eq!(
        api,
        BTreeSet::from(["HttpApi".to_owned(), "Stage".to_owned()])
    );
}

#[test]
fn the_sms_budget_and_failed_refunds_have_alarms_on_the_metrics_the_code_emits() {
    let template = template();
    let resources = &template["Resources"];
    for (alarm, event) in [
        ("SmsBudgetAlarm", "otp_sms_budget_80_percent"),
        ("RefundFailedAlarm", "refund_failed"),
    ] {
        let properties = &resources[alarm]["Properties"];
        assert_eq!(
            properties["Namespace"].as_str(),
            Some(shared::platform::metrics::NAMESPACE)
        );
        assert_eq!(
            properties["Dimensions"][0]["Value"].as_str(),
            Some(event),
            "{alarm}"
        );
    }
    let source = [
        include_str!("../../../shared/src/auth/login.rs"),
        include_str!("../../../shared/src/payments/refund_sending.rs"),
    ]
    .concat();
    for event in ["otp_sms_budget_80_percent", "refund_failed"] {
        assert!(
            source.contains(&format!("emit(\"{event}\")")),
            "the code emits {event}"
        );
    }
    let globals = &template["Globals"]["Function"]["Environment"]["Variables"];
    for name in ["OTP_ALLOWED_CALLING_CODES", "OTP_SMS_BUDGET_PER_HOUR"] {
        assert!(
            matches!(globals[name], Value::Tagged(_)),
            "{name} comes from a parameter"
        );
    }
}

/// The alarms of the template: (metric namespace, metric name, the resource its dimension
/// names), for every alarm on a single metric.
fn alarmed_metrics(template: &Value) -> Vec<(String, String, BTreeSet<String>)> {
    template["Resources"]
        .as_mapping()
        .unwrap()
        .values()
        .filter(|resource| resource["Type"].as_str() == Some("AWS::CloudWatch::Alarm"))
        .filter_map(|alarm| {
            let properties = &alarm["Properties"];
            let mut named = BTreeSet::new();
            references(&properties["Dimensions"], &mut named);
            Some((
                properties["Namespace"].as_str()?.to_owned(),
                properties["MetricName"].as_str()?.to_owned(),
                named,
            ))
        })
        .collect()
}

#[test]
fn operations_have_alarms_logs_with_retention_aliases_and_bounded_workers() {
    let template = template();
    let alarms = alarmed_metrics(&template);
    let alarmed = |namespace: &str, metric: &str, resource: Option<&str>| {
        alarms.iter().any(|(n, m, named)| {
            n == namespace && m == metric && resource.is_none_or(|r| named.contains(r))
        })
    };
    // By logical id (`functions` keys them by binary).
    let functions: BTreeMap<String, Value> = template["Resources"]
        .as_mapping()
        .unwrap()
        .iter()
        .filter(|(_, r)| r["Type"].as_str() == Some("AWS::Serverless::Function"))
        .map(|(id, r)| (id.as_str().unwrap().to_owned(), r.clone()))
        .collect();
    assert_eq!(functions.len(), 9);
    for name in functions.keys() {
        assert!(
            alarmed("AWS/Lambda", "Errors", Some(name)),
            "{name}: errors"
        );
        if name != "MigrateFunction" {
            assert!(
                alarmed("AWS/Lambda", "Duration", Some(name)),
                "{name}: p99 duration"
            );
        }
        // Its own log group, kept 30 days.
        let config = &functions[name]["Properties"]["LoggingConfig"];
        let mut group = BTreeSet::new();
        references(&config["LogGroup"], &mut group);
        let group = group
            .into_iter()
            .next()
            .unwrap_or_else(|| panic!("{name} names no log group"));
        assert_eq!(
            template["Resources"][group.as_str()]["Properties"]["RetentionInDays"].as_i64(),
            Some(30),
            "{name}"
        );
    }
    for queue in ["NotificationQueue", "ReservationExpiryQueue"] {
        assert!(
            alarmed("AWS/SQS", "ApproximateAgeOfOldestMessage", Some(queue)),
            "{queue}"
        );
    }
    for metric in ["CPUUtilization", "FreeStorageSpace", "DatabaseConnections"] {
        assert!(alarmed("AWS/RDS", metric, Some("Database")), "{metric}");
    }
    assert!(alarmed(
        "AWS/RDS",
        "DatabaseConnectionsCurrentlySessionPinned",
        Some("DatabaseProxy")
    ));
    assert!(alarmed("AWS/SNS", "SMSMonthToDateSpentUSD", None));
    assert!(alarmed("EventHost", "SweepErrors", None));
    let filter = &template["Resources"]["SweepErrorsMetricFilter"]["Properties"];
    assert_eq!(
        filter["FilterPattern"].as_str(),
        Some("{ $.level = \"ERROR\" }")
    );

    // HTTP API access logs, in JSON, kept 30 days.
    let access = &template["Resources"]["HttpApi"]["Properties"]["AccessLogSettings"];
    let format: serde_json::Value =
        serde_json::from_str(access["Format"].as_str().unwrap()).expect("the access log is JSON");
    assert!(format["requestId"].is_string() && format["status"].is_string());
    assert_eq!(
        template["Resources"]["ApiAccessLogGroup"]["Properties"]["RetentionInDays"].as_i64(),
        Some(30)
    );

    // An alias per function for rollbacks; workers bounded.
    assert_eq!(
        template["Globals"]["Function"]["AutoPublishAlias"].as_str(),
        Some("live")
    );
    for (name, function) in &functions {
        for event in function["Properties"]["Events"]
            .as_mapping()
            .into_iter()
            .flat_map(|m| m.values())
        {
            if event["Type"].as_str() == Some("SQS") {
                let most = event["Properties"]["ScalingConfig"]["MaximumConcurrency"].as_i64();
                assert!(
                    most.is_some_and(|n| (2..=10).contains(&n)),
                    "{name}: {most:?}"
                );
            }
        }
    }
}

#[test]
fn migrations_run_inside_the_deploy_before_any_function_changes() {
    let template = template();
    let resources = &template["Resources"];
    let run = &resources["MigrationRun"];
    assert_eq!(run["Type"].as_str(), Some("Custom::Migrations"));
    let mut token = BTreeSet::new();
    references(&run["Properties"]["ServiceToken"], &mut token);
    assert_eq!(token, BTreeSet::from(["MigrateFunction".to_owned()]));
    // It runs again whenever the migrate function (and so its embedded migrations) changes.
    let mut version = BTreeSet::new();
    references(&run["Properties"]["MigrateVersion"], &mut version);
    assert_eq!(version, BTreeSet::from(["MigrateFunction".to_owned()]));
    for (id, resource) in resources.as_mapping().unwrap() {
        let id = id.as_str().unwrap();
        if resource["Type"].as_str() == Some("AWS::Serverless::Function") && id != "MigrateFunction"
        {
            assert_eq!(resource["DependsOn"].as_str(), Some("MigrationRun"), "{id}");
        }
    }

    // make deploy builds with the beta feature rust-cargolambda needs and deploys with IAM.
    let samconfig: toml::Value = toml::from_str(include_str!("../../../samconfig.toml")).unwrap();
    let default = &samconfig["default"];
    assert_eq!(
        default["build"]["parameters"]["beta_features"].as_bool(),
        Some(true)
    );
    assert!(default["deploy"]["parameters"]["capabilities"]
        .as_str()
        .is_some_and(|c| c.contains("CAPABILITY_IAM")));
    let makefile = include_str!("../../../Makefile");
    assert!(makefile.contains("deploy:\n\tbash scripts/deploy.sh"));
}

#[test]
fn uploads_stay_private_behind_cloudfront_with_origin_access_control() {
    let template = template();
    let resources = &template["Resources"];
    let bucket = &resources["UploadsBucket"]["Properties"];
    let block = &bucket["PublicAccessBlockConfiguration"];
    for setting in [
        "BlockPublicAcls",
        "BlockPublicPolicy",
        "IgnorePublicAcls",
        "RestrictPublicBuckets",
    ] {
        assert_eq!(block[setting].as_bool(), Some(true), "{setting}");
    }
    assert_eq!(
        bucket["CorsConfiguration"]["CorsRules"][0]["AllowedMethods"][0].as_str(),
        Some("POST")
    );
    let origin =
        &resources["UploadsDistribution"]["Properties"]["DistributionConfig"]["Origins"][0];
    let mut control = BTreeSet::new();
    references(&origin["OriginAccessControlId"], &mut control);
    assert_eq!(
        control,
        BTreeSet::from(["UploadsOriginAccessControl".to_owned()])
    );
    let reads = &resources["UploadsBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"][0];
    assert_eq!(
        reads["Principal"]["Service"].as_str(),
        Some("cloudfront.amazonaws.com")
    );
    let mut only = BTreeSet::new();
    references(&reads["Condition"], &mut only);
    assert!(only.contains("UploadsDistribution"), "{only:?}");
    let mut served_from = BTreeSet::new();
    references(
        &template["Globals"]["Function"]["Environment"]["Variables"]["UPLOADS_PUBLIC_BASE_URL"],
        &mut served_from,
    );
    assert_eq!(
        served_from,
        BTreeSet::from(["UploadsDistribution".to_owned()])
    );
}

#[test]
fn uploads_nobody_attached_expire_by_the_tag_the_upload_form_sets() {
    let template = template();
    let rules = template["Resources"]["UploadsBucket"]["Properties"]["LifecycleConfiguration"]
        ["Rules"]
        .as_sequence()
        .unwrap();
    let expire = rules
        .iter()
        .find(|rule| rule["Id"].as_str() == Some("ExpireUnattachedUploads"))
        .expect("a rule expiring unattached uploads");
    assert_eq!(expire["Status"].as_str(), Some("Enabled"));
    assert!(expire["ExpirationInDays"]
        .as_u64()
        .is_some_and(|days| days >= 1));
    let filter = &expire["TagFilters"][0];
    let (key, value) = (
        filter["Key"].as_str().unwrap(),
        filter["Value"].as_str().unwrap(),
    );
    // The form's tag is the rule's filter, and attaching sets that tag to something else.
    assert!(
        shared::uploads::UNATTACHED_TAGGING.contains(&format!(
            "<Tag><Key>{key}</Key><Value>{value}</Value></Tag>"
        )),
        "{}",
        shared::uploads::UNATTACHED_TAGGING
    );
    assert!(shared::uploads::ATTACHED_TAGS
        .iter()
        .any(|(name, tag)| *name == key && *tag != value));
    // Whoever signs the form may tag (S3 requires it for a tagged POST), and the worker that
    // retags may do only that.
    for (function, actions) in [
        ("profile", vec!["s3:PutObject", "s3:PutObjectTagging"]),
        ("reservation-expiry", vec!["s3:PutObjectTagging"]),
    ] {
        let policies = &functions(&template)[function]["Properties"]["Policies"];
        let statement = policies
            .as_sequence()
            .unwrap()
            .iter()
            .flat_map(|policy| {
                policy["Statement"]
                    .as_sequence()
                    .cloned()
                    .unwrap_or_default()
            })
            .find(|statement| {
                let mut found = BTreeSet::new();
                references(&statement["Resource"], &mut found);
                found.contains("UploadsBucket")
            })
            .unwrap_or_else(|| panic!("{function} has an uploads statement"));
        let granted: Vec<&str> = match &statement["Action"] {
            Value::Sequence(list) => list.iter().filter_map(|a| a.as_str()).collect(),
            single => vec![single.as_str().unwrap()],
        };
        assert_eq!(granted, actions, "{function}");
        assert!(
            format!("{:?}", statement["Resource"]).contains("/users/*"),
            "{function}: only under users/"
        );
    }
}

/// The user a `postgres://user@…` URL (a plain string or the first part of a `!Sub`) names.
fn url_user(value: &Value) -> String {
    let text = value
        .as_str()
        .map(str::to_owned)
        .or_else(|| match value {
            Value::Tagged(tagged) => tagged.value.as_str().map(str::to_owned),
            _ => None,
        })
        .unwrap_or_else(|| panic!("{value:?} is not a URL"));
    text.strip_prefix("postgres://")
        .and_then(|rest| rest.split('@').next())
        .unwrap()
        .to_owned()
}

#[test]
fn the_functions_connect_as_the_app_login_and_only_migrate_as_the_owner() {
    let template = template();
    let resources = &template["Resources"];
    let owner = resources["Database"]["Properties"]["MasterUsername"]
        .as_str()
        .unwrap();
    let functions_user =
        url_user(&template["Globals"]["Function"]["Environment"]["Variables"]["DATABASE_URL"]);
    assert_ne!(functions_user, owner);
    // The login's secret names that user; the shared policy connects as it, not the owner.
    let login = &resources["DatabaseAppLoginSecret"]["Properties"]["GenerateSecretString"];
    let shape: serde_json::Value =
        serde_json::from_str(login["SecretStringTemplate"].as_str().unwrap()).unwrap();
    assert_eq!(shape["username"], functions_user.as_str());
    assert_eq!(login["GenerateStringKey"].as_str(), Some("password"));
    let base = format!(
        "{:?}",
        resources["FunctionBasePolicy"]["Properties"]["PolicyDocument"]
    );
    assert!(
        base.contains(&format!("dbuser:${{ProxyResourceId}}/{functions_user}\"")),
        "{base}"
    );
    assert!(!base.contains(&format!("/{owner}\"")), "{base}");
    // Migrate alone connects as the owner, and gives the login its password from the secret.
    for (name, function) in functions(&template) {
        let variables = &function["Properties"]["Environment"]["Variables"];
        let migrates_as_owner = !variables["MIGRATE_DATABASE_URL"].is_null();
        assert_eq!(migrates_as_owner, name == "migrate", "{name}");
        if migrates_as_owner {
            assert_eq!(url_user(&variables["MIGRATE_DATABASE_URL"]), owner);
            let mut login_secret = BTreeSet::new();
            references(&variables["APP_DB_LOGIN_SECRET_ARN"], &mut login_secret);
            assert_eq!(
                login_secret,
                BTreeSet::from(["DatabaseAppLoginSecret".to_owned()])
            );
            let policies = format!("{:?}", function["Properties"]["Policies"]);
            assert!(policies.contains(&format!("/{owner}\"")), "{policies}");
        }
    }
}

#[test]
fn a_custom_domain_is_optional_needs_a_certificate_and_maps_the_stage() {
    let template = template();
    let resources = &template["Resources"];
    for name in ["ApiDomain", "ApiDomainMapping"] {
        assert_eq!(
            resources[name]["Condition"].as_str(),
            Some("HasApiDomain"),
            "{name} exists only with a domain"
        );
    }
    assert_eq!(
        template["Parameters"]["ApiDomainName"]["Default"].as_str(),
        Some("")
    );
    let mut needs = BTreeSet::new();
    references(
        &template["Rules"]["ApiDomainNeedsCertificate"]["Assertions"],
        &mut needs,
    );
    assert_eq!(needs, BTreeSet::from(["ApiCertificateArn".to_owned()]));
    let config = &resources["ApiDomain"]["Properties"]["DomainNameConfigurations"][0];
    assert_eq!(config["SecurityPolicy"].as_str(), Some("TLS_1_2"));
    let mut mapped = BTreeSet::new();
    references(&resources["ApiDomainMapping"]["Properties"], &mut mapped);
    assert_eq!(
        mapped,
        BTreeSet::from(["ApiDomain".to_owned(), "HttpApi".to_owned()])
    );
    assert_eq!(
        template["Outputs"]["ApiDomainTarget"]["Condition"].as_str(),
        Some("HasApiDomain")
    );
}
