"""Creates the local AWS resources of one stack in moto and prints them as env lines.

    moto_resources.py ENDPOINT [PREFIX]

The queue names and redrive settings mirror template.yaml: each worker queue has a DLQ that
receives a message after 5 failed receives. Every name starts with PREFIX (default
`eventhost-`), so two stacks on one moto (`make dev` and the tests' end-to-end stack) never
take each other's messages or files.
"""
import json
import sys

import boto3

endpoint = sys.argv[1]
prefix = sys.argv[2] if len(sys.argv) > 2 else "eventhost-"
sqs = boto3.client("sqs", endpoint_url=endpoint)
s3 = boto3.client("s3", endpoint_url=endpoint)

urls = {}
for name, env in [
    ("notification", "NOTIFICATION_QUEUE_URL"),
    ("reservation-expiry", "RESERVATION_EXPIRY_QUEUE_URL"),
]:
    dlq_url = sqs.create_queue(QueueName=f"{prefix}{name}-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    url = sqs.create_queue(
        QueueName=f"{prefix}{name}",
        Attributes={
            "VisibilityTimeout": "180",
            "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": "5"}),
        },
    )["QueueUrl"]
    urls[env] = url

bucket = f"{prefix}uploads"
existing = {b["Name"] for b in s3.list_buckets().get("Buckets", [])}
if bucket not in existing:
    s3.create_bucket(
        Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "ap-south-1"}
    )

# Locally the bucket serves its objects itself, standing in for the CDN: in AWS the bucket is
# private and CloudFront (origin access control) reads it.
s3.put_bucket_policy(
    Bucket=bucket,
    Policy=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                       "Resource": f"arn:aws:s3:::{bucket}/*"}],
    }),
)

for env, url in urls.items():
    print(f"{env}={url}")
print(f"UPLOADS_BUCKET={bucket}")
print(f"UPLOADS_PUBLIC_BASE_URL={endpoint.rstrip('/')}/{bucket}")
print(f"LOCAL_QUEUE_PREFIX={prefix}")
