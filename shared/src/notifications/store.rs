//! Every SQL statement of the inbox, named: delivering a notice, reading the inbox and
//! marking it read.

/// A notification as the API shows it (`n`).
pub const NOTIFICATION_JSON: &str = "jsonb_build_object('notification_id', n.uuid, 'type', n.notification_type, 'title', n.title, \
     'message', n.message, 'reference_type', n.reference_type, 'reference_id', n.reference_id, \
     'sender', CASE WHEN s.id IS NULL THEN NULL ELSE jsonb_build_object('user_id', s.uuid, 'name', sp.name) END, \
     'is_read', n.is_read, 'read_at', rfc3339(n.read_at), 'created_at', rfc3339(n.created_at))";

/// A page of user `$1`'s notifications (unread only when `$2`), newest first, before the cursor
/// (`$3`, `$4`), at most `$5`, each row with the count of unread ones.
pub const INBOX_PAGE: &str = const_format::concatcp!(
    "SELECT ", NOTIFICATION_JSON, " AS item, n.created_at AS sort_time, n.uuid AS sort_uuid, \
            (SELECT count(*) FROM notification WHERE recipient_id = $1 AND NOT is_read) AS unread \
     FROM notification n LEFT JOIN auth_user s ON s.id = n.sender_id LEFT JOIN user_profile sp ON sp.user_id = s.id \
     WHERE n.recipient_id = $1 AND (NOT $2 OR NOT n.is_read) \
       AND ($3::timestamptz IS NULL OR (n.created_at, n.uuid) < ($3, $4::uuid)) \
     ORDER BY n.created_at DESC, n.uuid DESC LIMIT $5"
);

/// The title of event `$1`.
pub const EVENT_TITLE: &str = "SELECT title FROM event WHERE uuid = $1";

/// One inbox row per recipient, once per notice and recipient (a redelivery writes nothing).
pub const DELIVER_NOTIFICATION: &str = "WITH n AS (INSERT INTO notification (recipient_id, sender_id, notification_type, title, message, reference_type, \
                                                  reference_id, metadata, dedupe_key) \
                        SELECT u.id, (SELECT id FROM auth_user WHERE uuid = $2), $3, $4, $5, 'event', $6, $7, $8 || ':' || u.uuid \
                        FROM auth_user u WHERE u.uuid = ANY($1) AND u.is_active \
                        ON CONFLICT (dedupe_key) DO NOTHING RETURNING recipient_id) \
             SELECT p.phone_number FROM n LEFT JOIN user_profile p ON p.user_id = n.recipient_id";

/// How many of user `$1`'s notifications are unread.
pub const UNREAD_COUNT: &str =
    "SELECT count(*) AS unread FROM notification WHERE recipient_id = $1 AND NOT is_read";

/// Marks notification `$1` read, if user `$2` received it.
pub const MARK_READ: &str =
    "UPDATE notification SET is_read = true, read_at = coalesce(read_at, now()) \
                     WHERE uuid = $1 AND recipient_id = (SELECT id FROM auth_user WHERE uuid = $2)";

/// Marks all of user `$1`'s notifications read.
pub const MARK_ALL_READ: &str = "UPDATE notification SET is_read = true, read_at = now() \
                 WHERE recipient_id = (SELECT id FROM auth_user WHERE uuid = $1) AND NOT is_read";
