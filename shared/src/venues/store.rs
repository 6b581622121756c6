//! Every SQL statement of venues, named: adding one and searching them.

/// A venue as the API shows it (`v`).
pub const VENUE_JSON: &str = "jsonb_build_object('venue_id', v.uuid, 'name', v.name, 'address', v.address, 'city', v.city, \
     'state', v.state, 'country', v.country, 'postal_code', v.postal_code, 'latitude', v.latitude, 'longitude', v.longitude)";

/// Creates venue `$1` (public id) with its fields (`$2`–`$9`), made by user `$10` (public id);
/// returns its JSON.
pub const INSERT_VENUE: &str = const_format::concatcp!(
    "INSERT INTO venue AS v (uuid, name, address, city, state, country, postal_code, latitude, longitude, created_by) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, (SELECT id FROM auth_user WHERE uuid = $10)) \
     RETURNING ", VENUE_JSON, " AS venue"
);

/// Venues whose name starts with pattern `$1` (a LIKE prefix) and, when `$2`/`$3` (latitude,
/// longitude) are given, within `$6` km (`$4`/`$5`: the bounding box's half sides in degrees),
/// nearest first, at most `$7`; each with its distance.
pub const SEARCH_VENUES: &str = const_format::concatcp!(
    "SELECT ", VENUE_JSON, " || jsonb_build_object('distance_km', round(d.km::numeric, 2)) AS venue FROM venue v \
     CROSS JOIN LATERAL (SELECT CASE WHEN $2::float8 IS NULL THEN NULL ELSE \
       6371 * 2 * asin(sqrt(power(sin(radians(v.latitude::float8 - $2) / 2), 2) \
       + cos(radians($2)) * cos(radians(v.latitude::float8)) * power(sin(radians(v.longitude::float8 - $3) / 2), 2))) END AS km) d \
     WHERE ($1::text IS NULL OR lower(v.name) LIKE $1) \
       AND ($2::float8 IS NULL OR (v.latitude BETWEEN ($2 - $4)::numeric AND ($2 + $4)::numeric \
            AND v.longitude BETWEEN ($3 - $5)::numeric AND ($3 + $5)::numeric AND d.km <= $6)) \
     ORDER BY d.km NULLS LAST, v.name LIMIT $7"
);
