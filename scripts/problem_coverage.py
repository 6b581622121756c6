#!/usr/bin/env python3
"""Documented = sent, per operation: every problem code openapi.json documents on an operation
is either sent by some integration test (the log that tests/api/problems_seen.rs writes with
PROBLEM_CODES_LOG) or listed with its reason in tests/problem_codes_unreached.txt.
(problems_seen.rs checks the other direction during the run: nothing sent is undocumented.)

usage: problem_coverage.py OPENAPI_JSON CODES_LOG UNREACHED_TXT
"""
import json
import sys

# Answered by the shared layers on every route (body reading, the pool, the error renderer),
# each tested once rather than per route.
EVERY_ROUTE = {"malformed_request", "payload_too_large", "unsupported_media_type",
               "internal_error", "service_unavailable", "unauthorized"}


def documented(document):
    pairs = set()
    for operations in document["paths"].values():
        for operation in operations.values():
            if not isinstance(operation, dict) or "operationId" not in operation:
                continue
            for response in operation.get("responses", {}).values():
                text = response.get("description", "")
                if text.startswith("Problem: "):
                    for code in text[len("Problem: "):].split(", "):
                        if code not in EVERY_ROUTE:
                            pairs.add((operation["operationId"], code))
    return pairs


def main(openapi_path, log_path, unreached_path):
    with open(openapi_path) as f:
        docs = documented(json.load(f))
    with open(log_path) as f:
        sent = {tuple(line.split()) for line in f if line.strip()}
    with open(unreached_path) as f:
        listed = {tuple(line.split()[:2]) for line in f if line.strip() and not line.startswith("#")}
    problems = []
    for pair in sorted(docs - sent - listed):
        problems.append(f"{pair[0]} documents {pair[1]}, which no test provokes: add a test, "
                        "or list it with its reason in tests/problem_codes_unreached.txt")
    for pair in sorted(listed & sent):
        problems.append(f"{pair[0]} {pair[1]} is sent by a test now: remove its line from "
                        "tests/problem_codes_unreached.txt")
    for pair in sorted(listed - docs):
        problems.append(f"{pair[0]} {pair[1]} is not documented: remove its line from "
                        "tests/problem_codes_unreached.txt")
    for problem in problems:
        print(problem)
    covered = len(docs & sent)
    print(f"problem codes: {covered} of {len(docs)} documented (operation, code) pairs sent by "
          f"the tests, {len(docs & listed)} listed as not provoked")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
