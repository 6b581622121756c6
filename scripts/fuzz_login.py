"""Logs a fresh fuzzing user in on the local stack (the SMS code read from moto), completes
its profile so it may join events, adds a venue for the events it creates and a second user to
invite or make co-host (ids the schema cannot know; see fuzz_hooks.py), and writes the user's
access token and those ids to a fixtures file for fuzz_hooks.py. fuzz_hooks.py also calls
`login` to give each account deletion a user of its own.

  fuzz_login.py <base-url> <fixtures.json>"""
import json
import os
import random
import re
import sys
import urllib.request

MOTO = os.environ.get("MOTO_URL", "http://127.0.0.1:4566")


def call(base, method, path, body=None, token=None):
    request = urllib.request.Request(base + path, method=method)
    request.add_header("content-type", "application/json")
    if token:
        request.add_header("authorization", f"Bearer {token}")
    data = json.dumps(body).encode() if body is not None else None
    with urllib.request.urlopen(request, data) as response:
        text = response.read()
        return json.loads(text) if text else None


def login(base):
    """A new user's login response (a random Indian mobile number, the code read from moto)."""
    phone = "+9197%08d" % random.randrange(10**8)
    call(base, "POST", "/v1/auth/otp", {"phone_number": phone})
    with urllib.request.urlopen(MOTO + "/moto-api/data.json") as response:
        sms = json.load(response)["sns"]["SMS"]
    text = [m["message"] for m in sms if m["phone_number"] == phone][-1]
    code = re.search(r"\b\d{6}\b", text).group(0)
    return call(base, "POST", "/v1/auth/otp/verify", {"phone_number": phone, "code": code})


def main():
    base, fixtures_path = sys.argv[1], sys.argv[2]
    other_user = login(base)["user"]["user_id"]
    token = login(base)["access_token"]
    call(base, "PATCH", "/v1/me", {"name": "Fuzz Tester", "gender": "female", "birth_date": "1995-05-05"}, token)
    venue = call(base, "POST", "/v1/venues", {"name": "Fuzz Hall", "address": "1 MG Road", "city": "Bengaluru",
                                              "latitude": 12.97, "longitude": 77.59}, token)
    with open(fixtures_path, "w") as fixtures:
        json.dump({"base_url": base, "token": token, "venue_id": venue["venue_id"],
                   "other_user_id": other_user}, fixtures)


if __name__ == "__main__":
    main()
