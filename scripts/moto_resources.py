"""Creates the local AWS resources in moto and prints them as env lines.

The queue names and redrive settings mirror template.yaml: each worker queue has a DLQ that
receives a message after 5 failed receives.
"""
import json
import sys

import boto3

endpoint = sys.argv[1]
sqs = boto3.client("sqs", endpoint_url=endpoint)
s3 = boto3.client("s3", endpoint_url=endpoint)

urls = {}
for name, env in [
    ("notification", "NOTIFICATION_QUEUE_URL"),
    ("reservation-expiry", "RESERVATION_EXPIRY_QUEUE_URL"),
]:
    dlq_url = sqs.create_queue(QueueName=f"eventhost-{name}-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    url = sqs.create_queue(
        QueueName=f"eventhost-{name}",
        Attributes={
            "VisibilityTimeout": "180",
            "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": "5"}),
        },
    )["QueueUrl"]
    urls[env] = url

bucket = "eventhost-uploads"
existing = {b["Name"] for b in s3.list_buckets().get("Buckets", [])}
if bucket not in existing:
    s3.create_bucket(
        Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "ap-south-1"}
    )

for env, url in urls.items():
    print(f"{env}={url}")
print(f"UPLOADS_BUCKET={bucket}")
