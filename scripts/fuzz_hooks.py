"""schemathesis hooks for the local stack.

`cargo lambda watch`, the local stand-in for API Gateway, answers 500 by itself when a text
body (application/json) is not valid UTF-8: it fails to build the Lambda event, and the
function never runs. The functions answer such a body with 400 problem+json, which the
integration test `a_body_that_is_not_utf8_is_a_400_problem_on_every_route_that_reads_one`
checks in-process. So only those bodies are left out here; everything else is fuzzed.
"""
import schemathesis


@schemathesis.hook("filter_body")
def filter_body(context, body):
    if isinstance(body, (bytes, bytearray)):
        try:
            bytes(body).decode("utf-8")
        except UnicodeDecodeError:
            return False
    return True
