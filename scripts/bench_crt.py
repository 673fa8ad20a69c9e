"""The AWS Common Runtime (CRT) transfer manager as a benchmark peer of
scripts/bench.sh: uploads every file under SRC to s3://BUCKET/PREFIX/ (keys
are the paths relative to SRC) through s3transfer's CRTTransferManager, the
one boto3 uses when it picks the CRT. boto3's own switch does not pass a
custom endpoint to the CRT, so the manager is built here with the endpoint,
path-style addressing and plain HTTP of the local server.

Usage: bench_crt.py ENDPOINT BUCKET PREFIX SRC   (keys from AWS_ACCESS_KEY_ID /
AWS_SECRET_ACCESS_KEY; region us-east-1)
"""
import os
import sys

import botocore.session
from botocore.config import Config
from s3transfer.crt import (
    BotocoreCRTCredentialsWrapper,
    BotocoreCRTRequestSerializer,
    CRTTransferManager,
    create_s3_crt_client,
)

endpoint, bucket, prefix, src = sys.argv[1:5]
session = botocore.session.Session()
serializer = BotocoreCRTRequestSerializer(
    session,
    client_kwargs={
        "region_name": "us-east-1",
        "endpoint_url": endpoint,
        "config": Config(s3={"addressing_style": "path"}, request_checksum_calculation="when_required"),
    },
)
credentials = BotocoreCRTCredentialsWrapper(session.get_credentials()).to_crt_credentials_provider()
client = create_s3_crt_client("us-east-1", crt_credentials_provider=credentials, use_ssl=endpoint.startswith("https://"))
with CRTTransferManager(client, serializer) as manager:
    futures = []
    for root, _, names in os.walk(src):
        for name in names:
            path = os.path.join(root, name)
            key = f"{prefix}/" + os.path.relpath(path, src).replace(os.sep, "/")
            futures.append(manager.upload(path, bucket, key, {}))
    for f in futures:
        f.result()
