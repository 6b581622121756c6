"""Logs a fresh fuzzing user in on the local stack (the SMS code read from moto), completes
its profile so it may join events, adds a venue for the events it creates and a second user to invite or
make co-host (ids the schema cannot know; see fuzz_hooks.py), and prints its access token.

  fuzz_login.py <base-url> [fixtures.json]   (the venue id is written to fixtures.json)"""
import json
import os
import random
import re
import sys
import urllib.request

base = sys.argv[1]
moto = os.environ.get("MOTO_URL", "http://127.0.0.1:4566")


def call(method, path, body=None, token=None):
    request = urllib.request.Request(base + path, method=method)
    request.add_header("content-type", "application/json")
    if token:
        request.add_header("authorization", f"Bearer {token}")
    data = json.dumps(body).encode() if body is not None else None
    with urllib.request.urlopen(request, data) as response:
        text = response.read()
        return json.loads(text) if text else None


def login():
    phone = "+9197%08d" % random.randrange(10**8)
    call("POST", "/v1/auth/otp", {"phone_number": phone})
    with urllib.request.urlopen(moto + "/moto-api/data.json") as response:
        sms = json.load(response)["sns"]["SMS"]
    text = [m["message"] for m in sms if m["phone_number"] == phone][-1]
    code = re.search(r"\b\d{6}\b", text).group(0)
    return call("POST", "/v1/auth/otp/verify", {"phone_number": phone, "code": code})


other_user = login()["user"]["user_id"]
token = login()["access_token"]
call("PATCH", "/v1/me", {"name": "Fuzz Tester", "gender": "female", "birth_date": "1995-05-05"}, token)
venue = call("POST", "/v1/venues", {"name": "Fuzz Hall", "address": "1 MG Road", "city": "Bengaluru",
                                     "latitude": 12.97, "longitude": 77.59}, token)
if len(sys.argv) > 2:
    with open(sys.argv[2], "w") as fixtures:
        json.dump({"venue_id": venue["venue_id"], "other_user_id": other_user}, fixtures)
print(token)
