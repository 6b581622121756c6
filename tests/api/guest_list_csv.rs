//! The guest list as CSV opens safely in a spreadsheet: a name that looks like a formula is
//! text, and a byte-order mark makes Hindi or Tamil names show as written.

use http::{Method, StatusCode};
use serde_json::json;

use crate::attendance::going_guest;
use crate::fixtures::{party, Party};

#[tokio::test]
async fn formula_cells_are_neutralised_and_the_file_starts_with_a_bom() {
    let Party {
        app,
        host,
        guests: [],
        event_id,
    } = party(json!({})).await;
    let names = [
        "=HYPERLINK(\"http://evil.example\",\"click\")",
        "+91 call me",
        "-2+3",
        "@SUM(A1)",
        "\tTabbed",
        "प्रिया शर्मा",
        "கார்த்திக்",
    ];
    for (i, name) in names.iter().enumerate() {
        let (guest, _) = going_guest(&app, &host, &event_id, &format!("+91980000010{i}")).await;
        app.db
            .execute(
                "UPDATE user_profile SET name = $2 WHERE user_id = (SELECT id FROM auth_user WHERE uuid = $1)",
                &[&guest.user_id, name],
            )
            .await
            .unwrap();
    }
    let csv = app
        .request(Method::GET, &format!("/v1/events/{event_id}/attendees"))
        .bearer(&host.access_token)
        .header("accept", "text/csv")
        .send()
        .await
        .expect_status(StatusCode::OK);
    let text = csv
        .text
        .strip_prefix('\u{feff}')
        .expect("a UTF-8 byte-order mark first");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let cells: Vec<String> = reader
        .records()
        .map(|record| record.unwrap()[2].to_owned())
        .collect();
    assert_eq!(
        cells,
        vec![
            "'=HYPERLINK(\"http://evil.example\",\"click\")",
            "'+91 call me",
            "'-2+3",
            "'@SUM(A1)",
            "'\tTabbed",
            "प्रिया शर्मा",
            "கார்த்திக்",
        ]
    );
}
