//! The first superuser of a deployment: `make superuser PHONE=…` locally, an invocation of the
//! migrate function in AWS. The account must exist; the change is audited.

use crate::helpers::spawn_app;

#[tokio::test]
async fn a_logged_in_account_becomes_staff_and_superuser_with_an_audit_row() {
    let app = spawn_app().await;
    let user = app.quick_user("+919800000042", None).await;
    let made = migrate::make_superuser(&app.state.config, "+919800000042")
        .await
        .unwrap();
    assert_eq!(made["superuser"], user.user_id.to_string());
    let row = app
        .db
        .query_one(
            "SELECT u.is_staff, u.is_superuser, (SELECT count(*) FROM audit_log a WHERE a.object_id = u.uuid::text \
                 AND a.payload->>'is_superuser' = 'true') FROM auth_user u WHERE u.uuid = $1",
            &[&user.user_id],
        )
        .await
        .unwrap();
    assert!(row.get::<_, bool>(0) && row.get::<_, bool>(1));
    assert_eq!(row.get::<_, i64>(2), 1);

    let unknown = migrate::make_superuser(&app.state.config, "+919800000043")
        .await
        .unwrap_err();
    assert!(
        format!("{unknown:#}").contains("log in with it once first"),
        "{unknown:#}"
    );
    let malformed = migrate::make_superuser(&app.state.config, "not-a-phone")
        .await
        .unwrap_err();
    assert!(format!("{malformed:#}").contains("not a phone number"));
}
