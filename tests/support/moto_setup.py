"""Set up a moto server for Chute's tests, then turn its auth on.

Creates buckets and IAM users whose policies mirror real set-ups (a
prefix-scoped writer, a user scoped to another prefix, an object-only token
without ListBucket, a read-only user, a writer that cannot delete) and prints their keys as
JSON. Usage: moto_setup.py http://127.0.0.1:PORT
"""
import json
import sys
import urllib.request

import boto3

ep = sys.argv[1]
kw = dict(endpoint_url=ep, aws_access_key_id="setup", aws_secret_access_key="setup", region_name="us-east-1")
iam = boto3.client("iam", **kw)
s3 = boto3.client("s3", **kw)

s3.create_bucket(Bucket="reports")
s3.create_bucket(Bucket="eu-reports", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})

def arn(resource):
    return f"arn:aws:s3:::{resource}"

# Real S3 authorises HeadBucket with s3:ListBucket; moto checks an action it
# calls s3:HeadBucket. Granting both wherever ListBucket is granted makes
# moto's answers match AWS's for the same policy.
LIST = ["s3:ListBucket", "s3:HeadBucket"]

policies = {
    "admin": [{"Effect": "Allow", "Action": ["s3:*", "sts:GetSessionToken", "kms:*"], "Resource": ["*"]}],
    "writer": [
        {"Effect": "Allow", "Action": ["s3:PutObject", "s3:GetObject", "s3:DeleteObject"],
         "Resource": [arn("reports/incoming/*"), arn("eu-reports/incoming/*")]},
        {"Effect": "Allow", "Action": LIST, "Resource": [arn("reports"), arn("eu-reports")]},
    ],
    "other-prefix": [
        {"Effect": "Allow", "Action": ["s3:PutObject", "s3:GetObject", "s3:DeleteObject"], "Resource": [arn("reports/other/*")]},
        {"Effect": "Allow", "Action": LIST, "Resource": [arn("reports")]},
    ],
    "object-only": [
        {"Effect": "Allow", "Action": ["s3:PutObject", "s3:DeleteObject"], "Resource": [arn("reports/incoming/*")]},
    ],
    "reader": [
        {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": [arn("reports/*")]},
        {"Effect": "Allow", "Action": LIST, "Resource": [arn("reports")]},
    ],
    "no-list": [
        {"Effect": "Allow", "Action": ["s3:PutObject", "s3:GetObject", "s3:DeleteObject"], "Resource": [arn("reports/incoming/*")]},
    ],
    "no-delete": [
        {"Effect": "Allow", "Action": ["s3:PutObject", "s3:GetObject"], "Resource": [arn("reports/incoming/*")]},
        {"Effect": "Allow", "Action": LIST, "Resource": [arn("reports")]},
    ],
}

users = {}
for name, statements in policies.items():
    iam.create_user(UserName=name)
    iam.put_user_policy(UserName=name, PolicyName=f"{name}-policy",
                        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": statements}))
    key = iam.create_access_key(UserName=name)["AccessKey"]
    users[name] = {"access_key_id": key["AccessKeyId"], "secret_access_key": key["SecretAccessKey"]}

# Temporary credentials of the admin, for the session-token tests.
admin = users["admin"]
sts = boto3.client("sts", endpoint_url=ep, aws_access_key_id=admin["access_key_id"],
                   aws_secret_access_key=admin["secret_access_key"], region_name="us-east-1")
session = sts.get_session_token(DurationSeconds=900)["Credentials"]
users["admin-session"] = {"access_key_id": session["AccessKeyId"], "secret_access_key": session["SecretAccessKey"],
                          "session_token": session["SessionToken"]}

req = urllib.request.Request(ep + "/moto-api/reset-auth", data=b"0", headers={"Content-Type": "text/plain"}, method="POST")
urllib.request.urlopen(req).read()
print(json.dumps({"users": users}))
