//! One entry per route: who may call it, its parameters, body, success response and the
//! problem codes it answers with. A test checks this table against every function's router.

use crate::platform::error::ProblemCode;
use crate::platform::error::ProblemCode as P;

/// Who may call an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caller {
    /// No token.
    Anyone,
    /// A bearer access token.
    SignedIn,
    /// Razorpay, with `X-Razorpay-Signature` over the raw body.
    Razorpay,
}

/// The success response body of an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Success {
    /// JSON of the named schema.
    Json(u16, &'static str),
    /// No body.
    Empty(u16),
    /// A `text/calendar` document.
    Calendar,
    /// JSON of the named schema, or CSV with `Accept: text/csv`.
    JsonOrCsv(&'static str),
    /// The OpenAPI document itself.
    OpenApi,
}

/// A query parameter.
#[derive(Debug, Clone, Copy)]
pub struct Query {
    /// Its name.
    pub name: &'static str,
    /// Its JSON Schema, as JSON text.
    pub schema: &'static str,
    /// What it does.
    pub description: &'static str,
}

/// One documented route.
#[derive(Debug, Clone, Copy)]
pub struct OperationDoc {
    /// The Lambda function that serves it.
    pub function: &'static str,
    /// HTTP method.
    pub method: &'static str,
    /// Path template.
    pub path: &'static str,
    /// Stable operation id (the TypeScript client's names).
    pub operation_id: &'static str,
    /// One line.
    pub summary: &'static str,
    /// Who may call it.
    pub caller: Caller,
    /// Query parameters.
    pub query: &'static [Query],
    /// The request body's schema, when it takes one.
    pub body: Option<&'static str>,
    /// Whether it honours `Idempotency-Key`.
    pub idempotent: bool,
    /// The success response.
    pub success: Success,
    /// Problem responses beyond the common ones: (status, codes).
    pub problems: &'static [(u16, &'static [ProblemCode])],
}

const fn q(name: &'static str, schema: &'static str, description: &'static str) -> Query {
    Query {
        name,
        schema,
        description,
    }
}

const LIMIT: Query = q(
    "limit",
    r#"{"type": "integer", "minimum": 1, "maximum": 100}"#,
    "Page size (default 20).",
);
const CURSOR: Query = q(
    "cursor",
    r#"{"type": "string"}"#,
    "`next_cursor` of the previous page, passed back unchanged (absent for the first page).",
);
/// Lists that return the newest `limit` rows and no further pages (`next_cursor` is null).
const NEWEST: &[Query] = &[LIMIT];
/// `lat,lng` with lat in −90..90 and lng in −180..180.
const NEAR: &str = r#"{"type": "string", "pattern": "^-?([0-8]?[0-9](\\.[0-9]{1,6})?|90(\\.0{1,6})?),-?((1[0-7][0-9]|[0-9]{1,2})(\\.[0-9]{1,6})?|180(\\.0{1,6})?)$"}"#;
/// Query text is NUL-free (see `request_rules`); the pattern is added when the document is built.
const WORDS: &str = r#"{"type": "string", "minLength": 1, "maxLength": 100}"#;

const FEED: &[Query] = &[
    q(
        "interest",
        r#"{"type": "array", "maxItems": 5, "items": {"type": "string"}}"#,
        "Interest slug (repeat the parameter for more, at most 5; empty or unknown ones match nothing extra).",
    ),
    q(
        "mood",
        r#"{"type": "string", "enum": ["party", "picnic", "travel", "dinner", "sports", "music", "workshop", "other"]}"#,
        "Only this mood.",
    ),
    q(
        "from",
        r#"{"type": "string", "format": "date"}"#,
        "Starting on or after this date.",
    ),
    q(
        "to",
        r#"{"type": "string", "format": "date"}"#,
        "Starting on or before this date (before `from`: an empty page).",
    ),
    q("near", NEAR, "`lat,lng`: sort by distance."),
    q(
        "radius_km",
        r#"{"type": "number", "exclusiveMinimum": 0, "maximum": 100}"#,
        "With `near`: at most this far (default 25); ignored without it.",
    ),
    q(
        "is_paid",
        r#"{"type": "boolean"}"#,
        "Only paid or only free events.",
    ),
    q("q", WORDS, "Words in the title or description."),
    LIMIT,
    CURSOR,
];

const MY_EVENTS: &[Query] = &[
    q(
        "role",
        r#"{"type": "string", "enum": ["hosting", "attending"]}"#,
        "Default attending.",
    ),
    q(
        "when",
        r#"{"type": "string", "enum": ["upcoming", "past"]}"#,
        "Default upcoming.",
    ),
    LIMIT,
    CURSOR,
];

const VENUES: &[Query] = &[
    q(
        "q",
        r#"{"type": "string", "maxLength": 100}"#,
        "Words in the name, address or city.",
    ),
    q("near", NEAR, "`lat,lng`: sort by distance."),
    LIMIT,
];

const REQUESTS: &[Query] = &[
    q(
        "status",
        r#"{"type": "string", "enum": ["pending", "waitlisted", "accepted", "declined", "cancelled", "expired"]}"#,
        "Only requests in this state.",
    ),
    LIMIT,
    CURSOR,
];

const NOTIFICATIONS: &[Query] = &[
    q(
        "unread",
        r#"{"type": "boolean"}"#,
        "Only unread notifications.",
    ),
    LIMIT,
    CURSOR,
];

const NOT_FOUND: (u16, &[P]) = (404, &[P::NotFound]);
const FORBIDDEN: (u16, &[P]) = (403, &[P::Forbidden]);
const KEY_REUSED: (u16, &[P]) = (422, &[P::IdempotencyKeyReused]);

macro_rules! op {
    ($function:literal $method:literal $path:literal $id:literal, $summary:literal,
     $caller:ident, query $query:expr, body $body:expr, idempotent $idem:literal,
     $success:expr, problems [$($problem:expr),* $(,)?]) => {
        OperationDoc {
            function: $function,
            method: $method,
            path: $path,
            operation_id: $id,
            summary: $summary,
            caller: Caller::$caller,
            query: $query,
            body: $body,
            idempotent: $idem,
            success: $success,
            problems: &[$($problem),*],
        }
    };
}

/// Every route of the API.
pub const OPERATIONS: &[OperationDoc] = &[
    op!("auth" "GET" "/v1/openapi.json" "getOpenApi", "This document.",
        Anyone, query &[], body None, idempotent false, Success::OpenApi, problems []),
    op!("auth" "POST" "/v1/auth/otp" "requestOtp", "Send a login code by SMS.",
        Anyone, query &[], body Some("OtpRequest"), idempotent false, Success::Json(202, "OtpSent"),
        problems [(429, &[P::OtpResendTooSoon, P::OtpNumberRateLimited, P::OtpIpRateLimited, P::OtpSmsBudgetExhausted])]),
    op!("auth" "POST" "/v1/auth/otp/verify" "verifyOtp", "Log in with the code; creates the user on first login.",
        Anyone, query &[], body Some("OtpVerify"), idempotent false, Success::Json(200, "Login"),
        problems [(401, &[P::OtpInvalid]), (429, &[P::OtpVerifyRateLimited, P::OtpVerifyIpRateLimited])]),
    op!("auth" "POST" "/v1/auth/refresh" "refreshTokens", "Swap a refresh token for a new pair (reuse revokes the family).",
        Anyone, query &[], body Some("RefreshRequest"), idempotent false, Success::Json(200, "TokenPair"),
        problems [(401, &[P::InvalidRefreshToken])]),
    op!("auth" "POST" "/v1/auth/logout" "logout", "Revoke a refresh token.",
        SignedIn, query &[], body Some("RefreshRequest"), idempotent false, Success::Empty(204), problems []),
    op!("profile" "GET" "/v1/me" "getMe", "The caller's profile.",
        SignedIn, query &[], body None, idempotent false, Success::Json(200, "Profile"), problems []),
    op!("profile" "PATCH" "/v1/me" "updateMe", "Change profile fields (null clears).",
        SignedIn, query &[], body Some("ProfileUpdate"), idempotent false, Success::Json(200, "Profile"), problems []),
    op!("profile" "DELETE" "/v1/me" "deleteMe", "Delete the account: hosted upcoming events cancelled (guests told, paid guests refunded in full), co-host roles ended, own seats released (refunded per the fee policy), then anonymised; money records kept.",
        SignedIn, query &[], body None, idempotent false, Success::Empty(204), problems []),
    op!("profile" "PUT" "/v1/me/interests" "setMyInterests", "Replace the caller's interests.",
        SignedIn, query &[], body Some("InterestsUpdate"), idempotent false, Success::Json(200, "Profile"),
        problems []),
    op!("profile" "GET" "/v1/users/{user_id}" "getUser", "Another user's public profile.",
        SignedIn, query &[], body None, idempotent false, Success::Json(200, "PublicProfile"), problems [NOT_FOUND]),
    op!("profile" "GET" "/v1/interests" "listInterests", "The interest catalogue.",
        Anyone, query &[], body None, idempotent false, Success::Json(200, "InterestList"), problems []),
    op!("profile" "POST" "/v1/uploads" "createUpload", "A presigned S3 POST form for one image (its key, content type and at most 10 MB enforced by S3).",
        SignedIn, query &[], body Some("UploadRequest"), idempotent false, Success::Json(201, "Upload"), problems []),
    op!("events" "POST" "/v1/events" "createEvent", "Create an event (a draft unless is_published).",
        SignedIn, query &[], body Some("EventCreate"), idempotent false, Success::Json(201, "EventDetail"),
        problems []),
    op!("events" "GET" "/v1/events" "discoverEvents", "The discovery feed.",
        SignedIn, query FEED, body None, idempotent false, Success::Json(200, "EventPage"), problems []),
    op!("events" "GET" "/v1/events/{event_id}" "getEvent", "An event by id or slug.",
        SignedIn, query &[], body None, idempotent false, Success::Json(200, "EventDetail"), problems [NOT_FOUND]),
    op!("events" "PATCH" "/v1/events/{event_id}" "updateEvent", "Change an event (host, co-host).",
        SignedIn, query &[], body Some("EventUpdate"), idempotent false, Success::Json(200, "EventDetail"),
        problems [FORBIDDEN, NOT_FOUND, (409, &[P::EventCancelled, P::EventStarted, P::CapacityBelowTaken, P::PricingLocked, P::VenueRequired])]),
    op!("events" "POST" "/v1/events/{event_id}/publish" "publishEvent", "Publish a draft.",
        SignedIn, query &[], body None, idempotent false, Success::Json(200, "EventDetail"),
        problems [FORBIDDEN, NOT_FOUND, (409, &[P::EventCancelled]), (422, &[P::EventIncomplete])]),
    op!("events" "POST" "/v1/events/{event_id}/unpublish" "unpublishEvent", "Back to draft (no guests yet).",
        SignedIn, query &[], body None, idempotent false, Success::Json(200, "EventDetail"),
        problems [FORBIDDEN, NOT_FOUND, (409, &[P::EventHasGuests, P::EventCancelled])]),
    op!("events" "POST" "/v1/events/{event_id}/cancel" "cancelEvent", "Cancel: notifies everyone; paid guests are refunded by the worker (their orders show refund_pending until then).",
        SignedIn, query &[], body None, idempotent false, Success::Json(200, "EventDetail"),
        problems [FORBIDDEN, NOT_FOUND, (409, &[P::EventCancelled])]),
    op!("events" "POST" "/v1/events/{event_id}/images" "addEventImage", "Add an image.",
        SignedIn, query &[], body Some("EventImageAdd"), idempotent false, Success::Json(201, "EventImage"),
        problems [FORBIDDEN, NOT_FOUND, (409, &[P::EventCancelled, P::GalleryFull])]),
    op!("events" "PUT" "/v1/events/{event_id}/images" "reorderEventImages", "Reorder the images.",
        SignedIn, query &[], body Some("EventImageOrder"), idempotent false, Success::Json(200, "EventImageList"),
        problems [FORBIDDEN, NOT_FOUND, (409, &[P::EventCancelled, P::GalleryChanged])]),
    op!("events" "DELETE" "/v1/events/{event_id}/images/{image_id}" "deleteEventImage", "Remove an image.",
        SignedIn, query &[], body None, idempotent false, Success::Empty(204), problems [FORBIDDEN, NOT_FOUND, (409, &[P::EventCancelled])]),
    op!("events" "GET" "/v1/events/{event_id}/calendar.ics" "getEventCalendar", "The event as iCalendar.",
        SignedIn, query &[], body None, idempotent false, Success::Calendar, problems [NOT_FOUND]),
    op!("events" "POST" "/v1/events/{event_id}/cohosts" "addCohost", "Make a user co-host (host only).",
        SignedIn, query &[], body Some("CohostAdd"), idempotent false, Success::Json(201, "Cohost"),
        problems [FORBIDDEN, NOT_FOUND, (409, &[P::EventCancelled, P::AlreadyCohost])]),
    op!("events" "DELETE" "/v1/events/{event_id}/cohosts/{user_id}" "removeCohost", "Remove a co-host (host only).",
        SignedIn, query &[], body None, idempotent false, Success::Empty(204), problems [FORBIDDEN, NOT_FOUND, (409, &[P::EventCancelled])]),
    op!("events" "GET" "/v1/me/events" "listMyEvents", "Events the caller hosts or attends.",
        SignedIn, query MY_EVENTS, body None, idempotent false, Success::Json(200, "EventPage"), problems []),
    op!("events" "GET" "/v1/venues" "searchVenues", "Search venues.",
        SignedIn, query VENUES, body None, idempotent false, Success::Json(200, "VenuePage"), problems []),
    op!("events" "POST" "/v1/venues" "createVenue", "Add a venue.",
        SignedIn, query &[], body Some("VenueCreate"), idempotent false, Success::Json(201, "Venue"), problems []),
    op!("attendance" "POST" "/v1/events/{event_id}/requests" "requestToJoin", "Ask to join an event.",
        SignedIn, query &[], body Some("JoinRequestCreate"), idempotent false, Success::Json(201, "JoinRequest"),
        problems [NOT_FOUND, (403, &[P::GenderNotAllowed]),
                  (409, &[P::AlreadyRequested, P::AlreadyAttending, P::EventClosed, P::OrganiserCannotJoin]),
                  (422, &[P::ProfileIncomplete]), (429, &[P::RequestRateLimited])]),
    op!("attendance" "GET" "/v1/events/{event_id}/requests" "listEventRequests", "Requests to an event (host, co-host).",
        SignedIn, query REQUESTS, body None, idempotent false, Success::Json(200, "JoinRequestPage"), problems [FORBIDDEN, NOT_FOUND]),
    op!("attendance" "POST" "/v1/requests/{request_id}/accept" "acceptRequest", "Accept: free → attendee; paid → seat hold.",
        SignedIn, query &[], body Some("RequestReply"), idempotent true, Success::Json(200, "JoinRequest"),
        problems [FORBIDDEN, NOT_FOUND, (409, &[P::InvalidTransition, P::EventClosed, P::EventFull, P::IdempotencyInProgress]), KEY_REUSED]),
    op!("attendance" "POST" "/v1/requests/{request_id}/decline" "declineRequest", "Decline a request.",
        SignedIn, query &[], body Some("RequestReply"), idempotent false, Success::Json(200, "JoinRequest"),
        problems [FORBIDDEN, NOT_FOUND, (409, &[P::InvalidTransition])]),
    op!("attendance" "POST" "/v1/requests/{request_id}/cancel" "cancelRequest", "Withdraw one's own request (frees a hold).",
        SignedIn, query &[], body None, idempotent false, Success::Json(200, "JoinRequest"),
        problems [FORBIDDEN, NOT_FOUND, (409, &[P::InvalidTransition])]),
    op!("attendance" "GET" "/v1/me/requests" "listMyRequests", "The caller's requests.",
        SignedIn, query NEWEST, body None, idempotent false, Success::Json(200, "JoinRequestPage"), problems []),
    op!("attendance" "GET" "/v1/me/invites" "listMyInvites", "Invites to the caller.",
        SignedIn, query NEWEST, body None, idempotent false, Success::Json(200, "InvitePage"), problems []),
    op!("attendance" "GET" "/v1/me/tickets" "listMyTickets", "The caller's tickets.",
        SignedIn, query NEWEST, body None, idempotent false, Success::Json(200, "TicketPage"), problems []),
    op!("attendance" "POST" "/v1/events/{event_id}/invites" "createInvite", "Invite a user, or make a share link.",
        SignedIn, query &[], body Some("InviteCreate"), idempotent false, Success::Json(201, "Invite"),
        problems [FORBIDDEN, NOT_FOUND, (409, &[P::AlreadyInvited, P::AlreadyAttending, P::EventClosed, P::InviteeIsOrganiser]), (429, &[P::InviteRateLimited])]),
    op!("attendance" "POST" "/v1/invites/{invite_id}/accept" "acceptInvite", "Accept an invite (like an accepted request).",
        SignedIn, query &[], body Some("InviteAccept"), idempotent true, Success::Json(200, "JoinRequest"),
        problems [NOT_FOUND, (403, &[P::GenderNotAllowed]),
                  (409, &[P::InvalidTransition, P::InviteExpired, P::AlreadyRequested, P::AlreadyAttending, P::EventClosed,
                          P::OrganiserCannotJoin, P::EventFull, P::IdempotencyInProgress]),
                  (422, &[P::ProfileIncomplete, P::IdempotencyKeyReused])]),
    op!("attendance" "POST" "/v1/invites/{invite_id}/decline" "declineInvite", "Decline an invite.",
        SignedIn, query &[], body None, idempotent false, Success::Json(200, "Invite"),
        problems [NOT_FOUND, (409, &[P::InvalidTransition])]),
    op!("attendance" "GET" "/v1/events/{event_id}/attendees" "listAttendees", "The guest list (host, co-host); CSV with Accept: text/csv.",
        SignedIn, query &[], body None, idempotent false, Success::JsonOrCsv("AttendeePage"), problems [FORBIDDEN, NOT_FOUND]),
    op!("attendance" "GET" "/v1/tickets/{attendee_id}" "getTicket", "The caller's ticket with its code.",
        SignedIn, query &[], body None, idempotent false, Success::Json(200, "Ticket"), problems [NOT_FOUND]),
    op!("attendance" "POST" "/v1/events/{event_id}/check-ins" "checkIn", "Check a guest in by ticket code.",
        SignedIn, query &[], body Some("CheckIn"), idempotent false, Success::Json(200, "CheckedIn"),
        problems [FORBIDDEN, NOT_FOUND, (404, &[P::TicketNotFound]), (409, &[P::AlreadyCheckedIn, P::TicketCancelled]), (422, &[P::InvalidTicketCode])]),
    op!("attendance" "POST" "/v1/attendees/{attendee_id}/cancel" "cancelAttendance", "Give up a seat (attendee) or remove a guest (host).",
        SignedIn, query &[], body None, idempotent false, Success::Json(200, "AttendeeCancelled"),
        problems [NOT_FOUND, (409, &[P::InvalidTransition])]),
    op!("payments" "POST" "/v1/payments/orders" "createOrder", "An order for a seat hold (the same order again while unpaid).",
        SignedIn, query &[], body Some("OrderCreate"), idempotent true, Success::Json(201, "Order"),
        problems [NOT_FOUND, (409, &[P::HoldExpired, P::EventNotPaid, P::OrderExists, P::IdempotencyInProgress]), KEY_REUSED]),
    op!("payments" "GET" "/v1/payments/orders/{order_id}" "getOrder", "One of the caller's orders.",
        SignedIn, query &[], body None, idempotent false, Success::Json(200, "Order"), problems [NOT_FOUND]),
    op!("payments" "GET" "/v1/me/orders" "listMyOrders", "The caller's orders.",
        SignedIn, query NEWEST, body None, idempotent false, Success::Json(200, "OrderPage"), problems []),
    op!("payments" "POST" "/v1/payments/orders/{order_id}/verify" "verifyPayment", "Confirm checkout's payment: paid + ticket.",
        SignedIn, query &[], body Some("PaymentVerify"), idempotent false, Success::Json(200, "Order"),
        problems [NOT_FOUND, (400, &[P::InvalidSignature]), (409, &[P::InvalidTransition, P::OrderNotReady, P::PaymentAlreadyRecorded])]),
    op!("payments" "POST" "/v1/payments/orders/{order_id}/refund" "refundOrder", "Refund in full or in part (host).",
        SignedIn, query &[], body Some("RefundRequest"), idempotent true, Success::Json(200, "Order"),
        problems [FORBIDDEN, NOT_FOUND, (409, &[P::InvalidTransition, P::IdempotencyInProgress]), KEY_REUSED]),
    op!("payments" "POST" "/v1/payments/webhooks/razorpay" "razorpayWebhook", "Razorpay events (signed raw body).",
        Razorpay, query &[], body None, idempotent false, Success::Json(200, "WebhookAck"),
        problems [(401, &[P::InvalidSignature])]),
    op!("payments" "POST" "/v1/payments/sandbox/orders/{order_id}/pay" "sandboxPay", "Local sandbox: what Razorpay checkout returns.",
        Anyone, query &[], body None, idempotent false, Success::Json(200, "SandboxPayment"),
        problems [NOT_FOUND, (404, &[P::RouteNotFound])]),
    op!("notifications" "GET" "/v1/me/notifications" "listNotifications", "The caller's notifications, newest first.",
        SignedIn, query NOTIFICATIONS, body None, idempotent false, Success::Json(200, "NotificationPage"), problems []),
    op!("notifications" "POST" "/v1/me/notifications/{notification_id}/read" "markNotificationRead", "Mark one read.",
        SignedIn, query &[], body None, idempotent false, Success::Empty(204), problems [NOT_FOUND]),
    op!("notifications" "POST" "/v1/me/notifications/read-all" "markAllNotificationsRead", "Mark all read.",
        SignedIn, query &[], body None, idempotent false, Success::Empty(204), problems []),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operation_ids_are_unique() {
        let mut ids: Vec<_> = OPERATIONS.iter().map(|o| o.operation_id).collect();
        ids.sort();
        let before = ids.len();
        ids.dedup();
        assert_eq!(before, ids.len());
    }

    #[test]
    fn idempotency_problem_is_declared_where_keys_are_honoured() {
        for op in OPERATIONS.iter().filter(|o| o.idempotent) {
            assert!(
                op.problems
                    .iter()
                    .any(|(_, codes)| codes.contains(&P::IdempotencyKeyReused)),
                "{}",
                op.operation_id
            );
        }
    }
}
