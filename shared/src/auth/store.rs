//! Every SQL statement of authentication, named: the account check, login codes and their
//! throttles, logging in, and refresh-token families.

/// The account check: the internal id of user `$1` (public id) while the account is active.
pub const ACCOUNT_CHECK: &str = "SELECT id FROM auth_user WHERE uuid = $1 AND is_active";

/// A two-key advisory lock held until the transaction ends (`$1` namespace, `$2` key):
/// transaction-scoped, so RDS Proxy never pins the connection.
pub const LOCK_PHONE_AND_IP: &str = "SELECT pg_advisory_xact_lock($1, hashtext($2))";

/// Reads every throttle: `$1` the number, `$2` the IP (inet, may be NULL), `$3` the resend
/// wait in seconds.
pub const THROTTLES: &str = "WITH number AS (SELECT created_at FROM user_phone_otp \
                             WHERE phone_number = $1 AND created_at > now() - interval '1 hour'), \
                  by_ip AS (SELECT created_at FROM user_phone_otp \
                            WHERE $2::inet IS NOT NULL AND request_ip = $2::inet \
                              AND created_at > now() - interval '1 hour'), \
                  everyone AS (SELECT created_at FROM user_phone_otp WHERE created_at > now() - interval '1 hour') \
             SELECT \
               coalesce(extract(epoch FROM (SELECT max(created_at) FROM number) \
                        + make_interval(secs => $3) - now())::float8, 0) AS resend_wait, \
               (SELECT count(*) FROM number) AS number_count, \
               coalesce(extract(epoch FROM (SELECT min(created_at) FROM number) \
                        + interval '1 hour' - now())::float8, 0) AS number_frees_in, \
               (SELECT count(*) FROM by_ip) AS ip_count, \
               coalesce(extract(epoch FROM (SELECT min(created_at) FROM by_ip) \
                        + interval '1 hour' - now())::float8, 0) AS ip_frees_in, \
               (SELECT count(*) FROM everyone) AS all_count, \
               coalesce(extract(epoch FROM (SELECT min(created_at) FROM everyone) \
                        + interval '1 hour' - now())::float8, 0) AS all_frees_in";

/// Marks every live code of number `$1` superseded (a new one is about to be sent).
pub const SUPERSEDE_CODES: &str = "UPDATE user_phone_otp SET superseded_at = now() \
     WHERE phone_number = $1 AND NOT is_used AND superseded_at IS NULL";

/// Stores a new code's hash: `$1` its public id, `$2` the number, `$3`/`$4` hash and salt,
/// `$5` seconds it lives, `$6` the source IP, `$7` the country code.
pub const INSERT_CODE: &str =
    "INSERT INTO user_phone_otp (uuid, phone_number, otp_hash, otp_salt, expires_at, request_ip, country_code) \
     VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5), $6, $7)";

/// Retires login code `$1` (its SMS could not be sent).
pub const RETIRE_CODE: &str =
    "UPDATE user_phone_otp SET superseded_at = now() WHERE uuid = $1 AND superseded_at IS NULL";

/// Failed verifications in the last hour for number `$1` and IP `$2`, with when each window frees.
pub const VERIFY_THROTTLES: &str = "SELECT count(*) FILTER (WHERE phone_number = $1 AND had_live_code) AS number_count, \
                        coalesce(extract(epoch FROM min(created_at) FILTER (WHERE phone_number = $1 AND had_live_code) \
                                 + interval '1 hour' - now())::float8, 0) AS number_frees_in, \
                        count(*) FILTER (WHERE request_ip = $2::inet) AS ip_count, \
                        coalesce(extract(epoch FROM min(created_at) FILTER (WHERE request_ip = $2::inet) \
                                 + interval '1 hour' - now())::float8, 0) AS ip_frees_in \
                 FROM otp_verify_failure \
                 WHERE (phone_number = $1 OR ($2::inet IS NOT NULL AND request_ip = $2::inet)) \
                   AND created_at > now() - interval '1 hour'";

/// Number `$1`'s live login codes.
pub const LIVE_CODES: &str = "SELECT id, otp_hash, otp_salt FROM user_phone_otp \
                 WHERE phone_number = $1 AND NOT is_used AND superseded_at IS NULL \
                   AND expires_at > now() AND attempts < $2 \
                 ORDER BY created_at DESC LIMIT 1 FOR UPDATE";

/// A failed verification for number `$1` from IP `$2`.
pub const RECORD_VERIFY_FAILURE: &str =
    "INSERT INTO otp_verify_failure (phone_number, request_ip, had_live_code) VALUES ($1, $2, $3)";

/// One more wrong try at code `$1`.
pub const COUNT_WRONG_TRY: &str = "UPDATE user_phone_otp SET attempts = attempts + 1 WHERE id = $1";

/// Code `$1` is spent.
pub const MARK_CODE_USED: &str =
    "UPDATE user_phone_otp SET is_used = true, used_at = now() WHERE id = $1";

/// The account of number `$1`, made on its first login.
pub const LOGIN_ACCOUNT: &str = "WITH existing AS ( \
                 UPDATE auth_user SET last_login = now() WHERE username = $1 AND is_active RETURNING id, uuid), \
             account AS ( \
                 INSERT INTO auth_user (username, last_login) SELECT $1, now() \
                 WHERE NOT EXISTS (SELECT 1 FROM existing) RETURNING id, uuid), \
             profile AS ( \
                 INSERT INTO user_profile (user_id, phone_number, is_verified) \
                 SELECT id, $1, true FROM account) \
             SELECT id, uuid, false AS created FROM existing UNION ALL SELECT id, uuid, true FROM account";

/// Stores a refresh token: `$1` user id, `$2` session family, `$3` token hash, `$4` expiry.
pub const INSERT_REFRESH_TOKEN: &str =
    "INSERT INTO refresh_token (user_id, family_id, token_hash, expires_at) VALUES ($1, $2, $3, $4)";

/// The refresh token of hash `$1`, locked, with its family's state.
pub const LOCK_REFRESH_TOKEN: &str =
    "SELECT r.id AS token_id, r.family_id, r.rotated_at IS NOT NULL AS rotated, \
                    r.revoked_at IS NOT NULL AS revoked, r.expires_at <= now() AS expired, \
                    u.id AS user_id, u.uuid AS user_uuid, u.is_active \
             FROM refresh_token r JOIN auth_user u ON u.id = r.user_id \
             WHERE r.token_hash = $1 FOR UPDATE OF r";

/// Revokes token family `$1`: a spent token came back.
pub const REVOKE_FAMILY_FOR_REUSE: &str =
    "UPDATE refresh_token SET revoked_at = now(), revoked_reason = 'reuse' \
             WHERE family_id = $1 AND revoked_at IS NULL";

/// Refresh token `$1` is spent by its rotation.
pub const ROTATE_REFRESH_TOKEN: &str = "UPDATE refresh_token SET rotated_at = now() WHERE id = $1";

/// The family of refresh token hash `$1`, if user `$2` holds it.
pub const FAMILY_OF_TOKEN: &str =
    "SELECT r.family_id FROM refresh_token r JOIN auth_user u ON u.id = r.user_id \
             WHERE r.token_hash = $1 AND u.uuid = $2";

/// Revokes token family `$1` at logout.
pub const REVOKE_FAMILY_FOR_LOGOUT: &str =
    "UPDATE refresh_token SET revoked_at = now(), revoked_reason = 'logout' \
                     WHERE family_id = $1 AND revoked_at IS NULL";

/// Revokes every refresh token of user `$1` (account deleted).
pub const REVOKE_ALL_OF_USER: &str =
    "UPDATE refresh_token SET revoked_at = now(), revoked_reason = 'account_deleted' \
             WHERE user_id = $1 AND revoked_at IS NULL";
