//! The discovery feed and "my events": filters parsed with every bad one named, SQL built with
//! only the conditions asked for (so the planner sees plain, index-friendly predicates), and
//! keyset pages on (starts_at, uuid).

use crate::contract::schemas::EventCard;
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use tokio_postgres::types::ToSql;
use uuid::Uuid;

use super::field_types::Mood;
use super::fields::DEFAULT_TIMEZONE;
use crate::platform::cursor::{self, Page};
use crate::platform::db::CachedStatements;
use crate::platform::error::{ApiError, FieldError};
use crate::platform::http::ApiRequest;

/// Kilometres per degree of latitude.
const KM_PER_DEGREE: f64 = 111.045;

/// The feed's filters.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FeedFilters {
    /// Interest slugs (any of them).
    pub interests: Vec<String>,
    /// One mood.
    pub mood: Option<String>,
    /// Starting on or after this local date.
    pub from: Option<NaiveDate>,
    /// Starting on or before this local date.
    pub to: Option<NaiveDate>,
    /// Centre of a distance search.
    pub near: Option<(f64, f64)>,
    /// Radius around `near`, km.
    pub radius_km: f64,
    /// Paid or free only.
    pub is_paid: Option<bool>,
    /// Text search over title and description.
    pub q: Option<String>,
    /// Page size.
    pub limit: i64,
    /// Resume after this (starts_at, uuid).
    pub after: Option<(DateTime<Utc>, Uuid)>,
}

impl FeedFilters {
    /// Reads the query string; every bad parameter is named in one 422.
    pub fn parse(req: &ApiRequest) -> Result<Self, ApiError> {
        let mut errors = Vec::new();
        let mut filters = Self {
            radius_km: 25.0,
            ..Self::default()
        };
        filters.interests = req
            .query_params("interest")
            .into_iter()
            .map(str::to_owned)
            .collect();
        if filters.interests.len() > 5 {
            errors.push(FieldError::new("interest", "at most 5 interests"));
        }
        if let Some(mood) = req.query_param("mood") {
            if Mood::parse(mood).is_some() {
                filters.mood = Some(mood.to_owned());
            } else {
                errors.push(FieldError::new("mood", "is not a mood"));
            }
        }
        for (name, slot) in [("from", &mut filters.from), ("to", &mut filters.to)] {
            if let Some(raw) = req.query_param(name) {
                match NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
                    Ok(date) => *slot = Some(date),
                    Err(_) => errors.push(FieldError::new(name, "must be a date as YYYY-MM-DD")),
                }
            }
        }
        // `to` before `from` is an empty range: an empty page, not an error (each date is valid).
        if let Some(raw) = req.query_param("near") {
            let parts: Vec<Option<f64>> = raw
                .split(',')
                .map(|p| p.trim().parse::<f64>().ok().filter(|v| v.is_finite()))
                .collect();
            match parts.as_slice() {
                [Some(lat), Some(lng)]
                    if (-90.0..=90.0).contains(lat) && (-180.0..=180.0).contains(lng) =>
                {
                    filters.near = Some((*lat, *lng));
                }
                _ => errors.push(FieldError::new(
                    "near",
                    "must be lat,lng with lat in -90..90 and lng in -180..180",
                )),
            }
        }
        if let Some(raw) = req.query_param("radius_km") {
            match raw.parse::<f64>() {
                Ok(r) if r > 0.0 && r <= 100.0 => filters.radius_km = r,
                _ => errors.push(FieldError::new(
                    "radius_km",
                    "must be a number above 0 and at most 100",
                )),
            }
        }
        if let Some(raw) = req.query_param("is_paid") {
            match raw {
                "true" => filters.is_paid = Some(true),
                "false" => filters.is_paid = Some(false),
                _ => errors.push(FieldError::new("is_paid", "must be true or false")),
            }
        }
        if let Some(q) = req.query_param("q") {
            let (length, q) = (q.chars().count(), q.trim());
            if q.is_empty() || length > 100 {
                errors.push(FieldError::new("q", "must be 1 to 100 characters"));
            } else {
                filters.q = Some(q.to_owned());
            }
        }
        (filters.limit, filters.after) = cursor::window(req, &mut errors);
        if errors.is_empty() {
            Ok(filters)
        } else {
            Err(ApiError::validation(errors))
        }
    }
}

/// The JSON of one feed item (`e` event, `hu`/`hp` host, `v` venue; `distance` in km or NULL).
const SUMMARY_JSON: &str = "\
    jsonb_build_object( \
      'event_id', e.uuid, 'slug', e.slug, 'title', e.title, 'mood', e.mood, \
      'starts_at', rfc3339(e.starts_at), 'event_date', e.event_date, 'start_time', to_char(e.start_time, 'HH24:MI'), \
      'timezone', e.timezone, \
      'host', jsonb_build_object('user_id', hu.uuid, 'name', hp.name, 'profile_picture', hp.profile_pictures->>0), \
      'venue', CASE WHEN v.id IS NULL THEN NULL ELSE jsonb_build_object('venue_id', v.uuid, 'name', v.name, \
               'city', v.city, 'latitude', v.latitude, 'longitude', v.longitude) END, \
      'venue_text', e.venue_text, \
      'interests', (SELECT coalesce(jsonb_agg(jsonb_build_object('slug', i.slug, 'name', i.name) ORDER BY i.sort_order), '[]'::jsonb) \
                    FROM event_interest_map m JOIN event_interest i ON i.id = m.event_interest_id WHERE m.event_id = e.id), \
      'cover_image', e.cover_images->>0, 'going_count', e.going_count, 'capacity', e.capacity, \
      'is_paid', e.is_paid, 'ticket_price', CASE WHEN e.is_paid THEN e.ticket_price::text END, 'currency', e.currency, \
      'status', CASE WHEN NOT e.is_active THEN 'cancelled' WHEN e.is_published THEN 'published' ELSE 'draft' END";

const FROM_JOINS: &str = "FROM event e JOIN auth_user hu ON hu.id = e.host_id \
     LEFT JOIN user_profile hp ON hp.user_id = hu.id LEFT JOIN venue v ON v.id = e.venue_id";

/// SQL text and parameters of one feed page (public for the EXPLAIN test).
pub fn feed_query(
    filters: &FeedFilters,
    now: DateTime<Utc>,
) -> (String, Vec<Box<dyn ToSql + Sync + Send>>) {
    let mut params: Vec<Box<dyn ToSql + Sync + Send>> = Vec::new();
    let mut arg = |value: Box<dyn ToSql + Sync + Send>| {
        params.push(value);
        format!("${}", params.len())
    };
    let mut conditions = vec!["e.is_published".to_owned(), "e.is_active".to_owned()];
    let tz: Tz = DEFAULT_TIMEZONE.parse().expect("static zone");
    let local_midnight = |date: NaiveDate| {
        tz.from_local_datetime(&date.and_hms_opt(0, 0, 0).expect("midnight"))
            .earliest()
            .map(|t| t.with_timezone(&Utc))
    };
    let lower = filters
        .from
        .and_then(local_midnight)
        .map_or(now, |from| from.max(now));
    conditions.push(format!("e.starts_at > {}", arg(Box::new(lower))));
    if let Some(to) = filters
        .to
        .and_then(|d| d.succ_opt())
        .and_then(local_midnight)
    {
        conditions.push(format!("e.starts_at < {}", arg(Box::new(to))));
    }
    if let Some(mood) = &filters.mood {
        conditions.push(format!("e.mood = {}", arg(Box::new(mood.clone()))));
    }
    if let Some(is_paid) = filters.is_paid {
        conditions.push(format!("e.is_paid = {}", arg(Box::new(is_paid))));
    }
    if let Some(q) = &filters.q {
        conditions.push(format!(
            "e.search_vector @@ plainto_tsquery('simple', {})",
            arg(Box::new(q.clone()))
        ));
    }
    if !filters.interests.is_empty() {
        conditions.push(format!(
            "EXISTS (SELECT 1 FROM event_interest_map m JOIN event_interest i ON i.id = m.event_interest_id \
             WHERE m.event_id = e.id AND i.slug = ANY({}))",
            arg(Box::new(filters.interests.clone()))
        ));
    }
    let mut distance = "NULL::float8".to_owned();
    if let Some((lat, lng)) = filters.near {
        let dlat = filters.radius_km / KM_PER_DEGREE;
        let dlng = filters.radius_km / (KM_PER_DEGREE * lat.to_radians().cos().abs().max(0.01));
        let (plat, plng) = (arg(Box::new(lat)), arg(Box::new(lng)));
        // Haversine on a sphere of 6371 km; the bounding box lets the venue index do the work.
        distance = format!(
            "(6371 * 2 * asin(sqrt(power(sin(radians(v.latitude::float8 - {plat}) / 2), 2) \
               + cos(radians({plat})) * cos(radians(v.latitude::float8)) \
               * power(sin(radians(v.longitude::float8 - {plng}) / 2), 2))))"
        );
        conditions.push(format!(
            "v.latitude BETWEEN {}::float8::numeric AND {}::float8::numeric AND v.longitude BETWEEN {}::float8::numeric AND {}::float8::numeric",
            arg(Box::new(lat - dlat)),
            arg(Box::new(lat + dlat)),
            arg(Box::new(lng - dlng)),
            arg(Box::new(lng + dlng))
        ));
        conditions.push(format!(
            "{distance} <= {}",
            arg(Box::new(filters.radius_km))
        ));
    }
    if let Some((starts_at, uuid)) = filters.after {
        conditions.push(format!(
            "(e.starts_at, e.uuid) > ({}, {})",
            arg(Box::new(starts_at)),
            arg(Box::new(uuid))
        ));
    }
    let limit = arg(Box::new(filters.limit + 1));
    let sql = format!(
        "SELECT {SUMMARY_JSON}, 'distance_km', round({distance}::numeric, 2)) AS item, \
                e.starts_at AS sort_time, e.uuid AS sort_uuid {FROM_JOINS} \
         WHERE {} ORDER BY e.starts_at, e.uuid LIMIT {limit}",
        conditions.join(" AND ")
    );
    (sql, params)
}

/// One page of the discovery feed: published, active, future events, soonest first.
pub async fn feed(
    client: &impl CachedStatements,
    filters: &FeedFilters,
) -> Result<Page<EventCard>, ApiError> {
    let (sql, params) = feed_query(filters, Utc::now());
    let refs: Vec<&(dyn ToSql + Sync)> = params
        .iter()
        .map(|p| p.as_ref() as &(dyn ToSql + Sync))
        .collect();
    let rows = client.query(&sql, &refs).await?;
    cursor::json_page(&rows, filters.limit)
}

/// Which of the caller's events to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MyRole {
    /// Hosting or co-hosting (drafts and cancelled included).
    Hosting,
    /// Going or checked in.
    Attending,
}

/// SQL that is true when user `$1` hosts or co-hosts event `e`.
const HOSTED_BY_1: &str = crate::attendance::organiser_is!("$1");

/// SQL that is true when user `$1` goes to (or went to) event `e`.
const ATTENDED_BY_1: &str =
    "EXISTS (SELECT 1 FROM event_attendee a WHERE a.event_id = e.id AND a.user_id = $1 \
     AND a.status IN ('going', 'checked_in'))";

/// A page of user `$1`'s events (`$membership`) that start `$when`, in `$order` by start, after
/// the cursor (`$3`, `$4`, both NULL on the first page; `$after` is `>` or `<`), at most `$2`.
macro_rules! my_events {
    ($membership:expr, $when:literal, $after:literal, $order:literal) => {
        const_format::concatcp!(
            "SELECT ",
            SUMMARY_JSON,
            ") AS item, e.starts_at AS sort_time, e.uuid AS sort_uuid ",
            FROM_JOINS,
            " WHERE ",
            $membership,
            " AND e.starts_at ",
            $when,
            " AND ($3::timestamptz IS NULL OR (e.starts_at, e.uuid) ",
            $after,
            " ($3, $4::uuid)) \
             ORDER BY e.starts_at ",
            $order,
            ", e.uuid ",
            $order,
            " LIMIT $2"
        )
    };
}

const HOSTING_UPCOMING: &str = my_events!(HOSTED_BY_1, "> now()", ">", "ASC");
const HOSTED_PAST: &str = my_events!(HOSTED_BY_1, "<= now()", "<", "DESC");
const ATTENDING_UPCOMING: &str = my_events!(ATTENDED_BY_1, "> now()", ">", "ASC");
const ATTENDED_PAST: &str = my_events!(ATTENDED_BY_1, "<= now()", "<", "DESC");

/// One page of the caller's events: upcoming soonest first, past latest first.
pub async fn mine(
    client: &impl CachedStatements,
    user_id: i64,
    role: MyRole,
    upcoming: bool,
    req: &ApiRequest,
) -> Result<Page<EventCard>, ApiError> {
    let mut errors = Vec::new();
    let (limit, after) = cursor::window(req, &mut errors);
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let sql = match (role, upcoming) {
        (MyRole::Hosting, true) => HOSTING_UPCOMING,
        (MyRole::Hosting, false) => HOSTED_PAST,
        (MyRole::Attending, true) => ATTENDING_UPCOMING,
        (MyRole::Attending, false) => ATTENDED_PAST,
    };
    let (starts_at, uuid) = after.map_or((None, None), |(s, u)| (Some(s), Some(u)));
    let rows = client
        .query(sql, &[&user_id, &(limit + 1), &starts_at, &uuid])
        .await?;
    cursor::json_page(&rows, limit)
}
