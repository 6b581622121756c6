"""schemathesis hooks for the local stack.

1. Bodies that are not UTF-8. `cargo lambda watch`, the local stand-in for API Gateway, answers
   500 by itself when a text body (application/json) is not valid UTF-8: it fails to build the
   Lambda event, and the function never runs. The functions answer such a body with 400
   problem+json, which the integration test
   `a_body_that_is_not_utf8_is_a_400_problem_on_every_route_that_reads_one` checks in-process.
   So only those bodies are left out here.

2. Rules JSON Schema cannot state. The document states every rule it can (lengths, patterns,
   enums, bounds, closed objects: each field's type in shared/src, and
   shared/src/contract/request_rules.rs for what types cannot say). A few depend on
   today's date, on other fields or on data that must exist. For schema-valid (positive) cases
   only, `before_call` moves such a value into the range the server documents, so
   `positive_data_acceptance` tests the rest of the body instead of stopping at that rule:
     - POST /v1/events: `event_date` within the next two years (the description says so);
       `duration` from 15 minutes to 14 days; a paid event has a price of at least 1.00, a free
       one no price and no GST; GST needs a GSTIN with a valid check character; every event
       gets a cover image, so publishing it (at once or later) is never refused for want of
       one; `venue_id` must name an existing venue (one is created by fuzz_login.py).
     - PATCH /v1/events/{id}: the same date, duration and venue rules, and an edit never
       removes the cover or the venue publishing needs; the pricing fields
       made consistent with each other whatever the stored event holds (a price or GST makes
       the event paid, a paid event gets a price of at least 1.00, GST gets a GSTIN).
     - PATCH /v1/me: `birth_date` of an adult, born in 1900 or later; the gender is never
       cleared (joining needs it).
     - POST /v1/events/{id}/cohosts and /invites: `user_id` names an existing user (a second
       user fuzz_login.py created); a share link expires within 30 days.
   Each of these rules has its own integration test; negative cases are never changed.
"""
import datetime
import json
import os
import re

import schemathesis

FIXTURES = {}
if os.environ.get("FUZZ_FIXTURES") and os.path.exists(os.environ["FUZZ_FIXTURES"]):
    with open(os.environ["FUZZ_FIXTURES"]) as fixtures:
        FIXTURES = json.load(fixtures)

COVER = "https://cdn.example.com/cover.jpg"
VALID_GSTIN = "27AAPFU0939F1ZV"
DURATION = re.compile(r"^P(?:(\d+)W|(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?)$")


@schemathesis.hook("filter_body")
def filter_body(context, body):
    if isinstance(body, (bytes, bytearray)):
        try:
            bytes(body).decode("utf-8")
        except UnicodeDecodeError:
            return False
    return True


def duration_seconds(text):
    match = DURATION.match(text or "")
    if not match:
        return None
    weeks, days, hours, minutes, seconds = (int(g) if g else 0 for g in match.groups())
    return weeks * 604800 + days * 86400 + hours * 3600 + minutes * 60 + seconds


def sane_duration(body):
    seconds = duration_seconds(body.get("duration"))
    if body.get("duration") is not None and not (seconds is not None and 900 <= seconds <= 14 * 86400):
        body["duration"] = "PT3H"


def new_event(body):
    new_event_date(body)
    sane_duration(body)
    if body.get("is_paid"):
        price = body.get("ticket_price")
        if price is None or float(price) < 1:
            body["ticket_price"] = "499.00"
    else:
        body.pop("ticket_price", None)
        if body.get("gst_percent"):
            body["gst_percent"] = 0
    if body.get("gst_percent") or body.get("gstin") is not None:
        body["gstin"] = VALID_GSTIN
    # Every event the fuzz makes can be published later (publishEvent answers a draft without
    # a cover or a venue with the documented 422 event_incomplete).
    if not body.get("cover_images"):
        body["cover_images"] = [COVER]
    if body.get("venue_id") is not None and FIXTURES.get("venue_id"):
        body["venue_id"] = FIXTURES["venue_id"]


def publishable(body):
    """An edit keeps what publishing needs: a cover and a venue."""
    if "cover_images" in body and not body["cover_images"]:
        body["cover_images"] = [COVER]
    venue_sent = "venue_id" in body or "venue_text" in body
    if venue_sent and body.get("venue_id") is None and not (body.get("venue_text") or "").strip():
        body.pop("venue_id", None)
        body["venue_text"] = "Cubbon Park, Bengaluru"


def profile_update(body):
    # The fuzz user keeps what joining needs: a cleared gender would turn every later join
    # into the documented 422 profile_incomplete, which the acceptance check reads as a refusal.
    if "gender" in body and body["gender"] is None:
        body["gender"] = "female"
    raw = body.get("birth_date")
    if raw is None:
        return
    today = datetime.date.today()
    try:
        born = datetime.date.fromisoformat(raw)
    except ValueError:
        born = None
    adult_by = today.replace(year=today.year - 18) if not (today.month == 2 and today.day == 29) \
        else today.replace(year=today.year - 18, day=28)
    if born is None or born.year < 1900 or born > adult_by:
        body["birth_date"] = "1995-05-05"


def event_update(body):
    if "event_date" in body:
        new_event_date(body)
    sane_duration(body)
    pricing = ("is_paid", "ticket_price", "gst_percent", "gstin")
    if any(field in body for field in pricing):
        if body.get("is_paid") is False:
            body.update({"ticket_price": "0", "gst_percent": 0})
            body.pop("gstin", None)
        else:
            body["is_paid"] = True
            price = body.get("ticket_price")
            if price is None or float(price) < 1:
                body["ticket_price"] = "499.00"
            body["gstin"] = VALID_GSTIN
    if body.get("venue_id") is not None and FIXTURES.get("venue_id"):
        body["venue_id"] = FIXTURES["venue_id"]
        body.pop("venue_text", None)
    publishable(body)


def new_event_date(body):
    today = datetime.date.today()
    try:
        date = datetime.date.fromisoformat(body.get("event_date") or "")
    except ValueError:
        date = None
    if date is None or not (today + datetime.timedelta(days=2) <= date <= today + datetime.timedelta(days=700)):
        body["event_date"] = (today + datetime.timedelta(days=30)).isoformat()


def existing_user(body):
    if body.get("user_id") is not None and FIXTURES.get("other_user_id"):
        body["user_id"] = FIXTURES["other_user_id"]


def new_invite(body):
    existing_user(body)
    if body.get("expires_at") is not None:
        tomorrow = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=1)
        body["expires_at"] = tomorrow.strftime("%Y-%m-%dT%H:%M:%SZ")


REPAIRS = {
    ("POST", "/v1/events"): new_event,
    ("PATCH", "/v1/events/{event_id}"): event_update,
    ("PATCH", "/v1/me"): profile_update,
    ("POST", "/v1/events/{event_id}/cohosts"): existing_user,
    ("POST", "/v1/events/{event_id}/invites"): new_invite,
}


@schemathesis.hook
def before_call(context, case, **kwargs):
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or not isinstance(case.body, dict):
        return
    repair = REPAIRS.get((case.operation.method.upper(), case.operation.path))
    if repair is not None:
        repair(case.body)
