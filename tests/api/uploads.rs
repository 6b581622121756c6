//! Image uploads: presigned forms under the caller's prefix, the whole flow against the local
//! S3, and the tags that decide which uploads the bucket's lifecycle rule deletes.

use http::{Method, StatusCode};
use serde_json::{json, Value};

use crate::events::{create_event, valid_event, with};
use crate::helpers::{problem_fields, TestApp, TestUser};
use crate::profile::patch_me;

/// `POST /v1/uploads` with `body` as `user`.
async fn ask_for_upload(
    app: &TestApp,
    user: &TestUser,
    body: Value,
) -> crate::helpers::TestResponse {
    app.send_as(user, Method::POST, "/v1/uploads", &body).await
}

async fn s3_client(app: &TestApp) -> aws_sdk_s3::Client {
    aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(
            &shared::platform::aws::sdk_config(&app.state.config.aws).await,
        )
        .force_path_style(true)
        .build(),
    )
}

/// A multipart/form-data body: the signed fields, then `file` (what a browser or the app
/// sends to S3).
fn upload_form(
    fields: &serde_json::Map<String, Value>,
    content_type: &str,
    bytes: &[u8],
) -> (String, Vec<u8>) {
    let boundary = format!("----eventhost{}", uuid::Uuid::new_v4().simple());
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{}\r\n",
                value.as_str().unwrap()
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"photo\"\r\n\
             Content-Type: {content_type}\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// A local uploads bucket as scripts/moto_resources.py makes one: objects readable by anyone,
/// standing in for the CDN (in AWS the bucket is private and CloudFront reads it).
async fn create_bucket(app: &TestApp, bucket: &str) {
    let s3 = s3_client(app).await;
    let _ = s3
        .create_bucket()
        .bucket(bucket)
        .create_bucket_configuration(
            aws_sdk_s3::types::CreateBucketConfiguration::builder()
                .location_constraint(aws_sdk_s3::types::BucketLocationConstraint::ApSouth1)
                .build(),
        )
        .send()
        .await;
    s3.put_bucket_policy()
        .bucket(bucket)
        .policy(
            json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*",
                   "Action": "s3:GetObject", "Resource": format!("arn:aws:s3:::{bucket}/*")}]})
            .to_string(),
        )
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn an_upload_form_is_presigned_under_the_callers_prefix_with_its_limits() {
    let app = crate::helpers::spawn_app_with(|c| {
        c.uploads_bucket = Some("eventhost-uploads".into());
        c.uploads_public_base_url = Some("https://cdn.example.com".into());
    })
    .await;
    let user = app.login("+919876543210").await;
    let response = ask_for_upload(
        &app,
        &user,
        json!({"purpose": "profile_picture", "content_type": "image/jpeg"}),
    )
    .await
    .expect_status(StatusCode::CREATED);
    let key = response.body["key"].as_str().unwrap();
    assert!(
        key.starts_with(&format!("users/{}/profile_picture/", user.user_id)),
        "{key}"
    );
    assert!(key.ends_with(".jpg"));
    assert_eq!(
        response.body["public_url"],
        format!("https://cdn.example.com/{key}")
    );
    assert_eq!(response.body["expires_in"], 900);
    assert_eq!(response.body["max_bytes"], 10 * 1024 * 1024);
    let fields = &response.body["fields"];
    assert_eq!(fields["key"], key);
    assert_eq!(fields["Content-Type"], "image/jpeg");
    let policy: Value = serde_json::from_slice(
        &base64::Engine::decode(
            &base64::engine::general_purpose::STANDARD,
            fields["policy"].as_str().unwrap(),
        )
        .unwrap(),
    )
    .unwrap();
    let conditions = policy["conditions"].as_array().unwrap();
    assert!(conditions.contains(&json!(["content-length-range", 1, 10485760])));
    assert!(conditions.contains(&json!({"key": key})));
    assert!(fields["x-amz-signature"]
        .as_str()
        .is_some_and(|s| s.len() == 64));

    let response = ask_for_upload(
        &app,
        &user,
        json!({"purpose": "avatar", "content_type": "application/pdf"}),
    )
    .await;
    response.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(problem_fields(&response), vec!["purpose", "content_type"]);
}

#[tokio::test]
async fn an_uploaded_image_is_read_back_from_its_public_url_and_the_profile_takes_it() {
    // Locally the uploads are served by the local S3 itself, as the CDN serves them in AWS.
    let bucket = format!(
        "eventhost-test-{}",
        &uuid::Uuid::new_v4().simple().to_string()[..12]
    );
    let base = format!("{}/{bucket}", crate::helpers::aws_endpoint());
    let app = crate::helpers::spawn_app_with({
        let (bucket, base) = (bucket.clone(), base.clone());
        move |c| {
            c.uploads_bucket = Some(bucket);
            c.uploads_public_base_url = Some(base);
        }
    })
    .await;
    create_bucket(&app, &bucket).await;
    let user = app.login("+919876543210").await;
    let image = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3];
    let upload = upload(&app, &user, "profile_picture", &image).await;

    let public_url = upload["public_url"].as_str().unwrap();
    let served = reqwest::get(public_url).await.unwrap();
    assert!(
        served.status().is_success(),
        "GET {public_url}: {}",
        served.status()
    );
    assert_eq!(served.bytes().await.unwrap().as_ref(), &image[..]);

    let patched = patch_me(&app, &user, json!({"profile_pictures": [public_url]}))
        .await
        .expect_status(StatusCode::OK);
    assert_eq!(patched.body["profile_pictures"], json!([public_url]));
    // Plain http anywhere else is still refused.
    let refused = patch_me(
        &app,
        &user,
        json!({"profile_pictures": ["http://elsewhere.example/x.png"]}),
    )
    .await;
    refused.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
}

#[tokio::test]
async fn a_deleted_account_gets_no_upload_url() {
    let app = crate::helpers::spawn_app_with(|c| {
        c.uploads_bucket = Some("eventhost-uploads".into());
    })
    .await;
    let user = app.quick_user("+919876543210", None).await;
    app.call_as(&user, Method::DELETE, "/v1/me")
        .await
        .expect_status(StatusCode::NO_CONTENT);
    // The access token is still unexpired; the account is not active any more.
    let response = ask_for_upload(
        &app,
        &user,
        json!({"purpose": "profile_picture", "content_type": "image/jpeg"}),
    )
    .await;
    response.assert_problem(StatusCode::UNAUTHORIZED, "unauthorized");
    let audited: i64 = app
        .value(
            "SELECT count(*) FROM audit_log WHERE action = 'presign_upload'",
            &[],
        )
        .await;
    assert_eq!(audited, 0);
}

/// Asks for a form and posts `bytes` with it to the local S3; returns the upload's answer.
async fn upload(app: &TestApp, user: &TestUser, purpose: &str, bytes: &[u8]) -> Value {
    let upload = ask_for_upload(
        app,
        user,
        json!({"purpose": purpose, "content_type": "image/png"}),
    )
    .await
    .expect_status(StatusCode::CREATED);
    let (content_type, body) = upload_form(
        upload.body["fields"].as_object().unwrap(),
        "image/png",
        bytes,
    );
    let posted = reqwest::Client::new()
        .post(upload.body["upload_url"].as_str().unwrap())
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    assert!(
        posted.status().is_success(),
        "POST form: {}",
        posted.status()
    );
    upload.body
}

/// The object's tags as `name=value` strings.
async fn tags(s3: &aws_sdk_s3::Client, bucket: &str, key: &str) -> Vec<String> {
    s3.get_object_tagging()
        .bucket(bucket)
        .key(key)
        .send()
        .await
        .unwrap()
        .tag_set()
        .iter()
        .map(|tag| format!("{}={}", tag.key(), tag.value()))
        .collect()
}

#[tokio::test]
async fn uploads_a_profile_or_event_takes_are_kept_and_the_others_keep_their_expiry_tag() {
    let bucket = format!(
        "eventhost-test-{}",
        &uuid::Uuid::new_v4().simple().to_string()[..12]
    );
    // The CDN's address: events take https image URLs only.
    let base = "https://cdn.example.com";
    let app = crate::helpers::spawn_app_with({
        let bucket = bucket.clone();
        move |c| {
            c.uploads_bucket = Some(bucket);
            c.uploads_public_base_url = Some(base.into());
        }
    })
    .await;
    create_bucket(&app, &bucket).await;
    let s3 = s3_client(&app).await;
    let user = app.login("+919876543210").await;
    let picture = upload(&app, &user, "profile_picture", b"picture").await;
    let cover = upload(&app, &user, "event_image", b"cover").await;
    let gallery = upload(&app, &user, "event_image", b"gallery").await;
    let unused = upload(&app, &user, "event_image", b"unused").await;
    // Every form tags its object as not attached (S3 applies it; the local S3 ignores form
    // tags, so the form itself is what is checked here).
    assert_eq!(
        picture["fields"]["tagging"],
        shared::uploads::UNATTACHED_TAGGING
    );
    let url = |upload: &Value| upload["public_url"].as_str().unwrap().to_owned();
    let key = |upload: &Value| upload["key"].as_str().unwrap().to_owned();

    patch_me(&app, &user, json!({"profile_pictures": [url(&picture)]}))
        .await
        .expect_status(StatusCode::OK);
    let created = create_event(
        &app,
        &user,
        with(
            valid_event(),
            json!({"cover_images": [url(&cover), "https://elsewhere.example/x.jpg"]}),
        ),
    )
    .await
    .expect_status(StatusCode::CREATED);
    let event_id = created.str_at("/event_id");
    app.post_as(
        &user,
        &format!("/v1/events/{event_id}/images"),
        json!({"image_url": url(&gallery)}),
    )
    .await
    .expect_status(StatusCode::CREATED);
    // Changing the covers keeps only what is new: the old cover was kept already.
    app.send_as(&user, Method::PATCH, &format!("/v1/events/{event_id}"), &json!({"cover_images": [url(&cover), format!("{base}/users/{}/event_image/never-uploaded.png", user.user_id)]})).await.expect_status(StatusCode::OK);

    // Each write recorded its message with the change; none was published by the request.
    let messages = app
        .strings(
            "SELECT (payload->'keys')::text FROM outbox_message \
             WHERE payload->>'kind' = 'keep_uploads' AND published_at IS NULL ORDER BY id",
        )
        .await;
    let keys = |list: &[String]| serde_json::to_string(list).unwrap();
    assert_eq!(
        messages,
        vec![
            keys(&[key(&picture)]),
            keys(&[key(&cover)]),
            keys(&[key(&gallery)]),
            keys(&[format!(
                "users/{}/event_image/never-uploaded.png",
                user.user_id
            )]),
        ]
    );
    // The worker retags what was taken; an object that is not there is skipped, not retried.
    assert_eq!(app.deliver_expiry_messages("keep_uploads").await, 4);
    for kept in [&picture, &cover, &gallery] {
        assert_eq!(tags(&s3, &bucket, &key(kept)).await, vec!["attached=yes"]);
    }
    assert!(!tags(&s3, &bucket, &key(&unused))
        .await
        .contains(&"attached=yes".to_owned()));
}
