"""moto's S3-compatible server over HTTP (``python -m moto.server``) as a subprocess, for the
S3 storage backend's tests; and a port where nothing listens (the server being down)."""
from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from dataclasses import dataclass

import boto3
import pytest

CREDENTIALS = {"aws_access_key_id": "test", "aws_secret_access_key": "test", "region_name": "us-east-1"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class S3Server:
    endpoint: str

    def client(self):
        return boto3.session.Session().client("s3", endpoint_url=self.endpoint, **CREDENTIALS)

    def bucket(self, name: str, public_read: bool = False) -> str:
        """A new bucket; ``public_read``: anyone may GET its objects (what ``public=1`` expects)."""
        client = self.client()
        client.create_bucket(Bucket=name)
        if public_read:
            client.put_bucket_policy(Bucket=name, Policy=json.dumps({
                "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*",
                                                        "Action": "s3:GetObject",
                                                        "Resource": f"arn:aws:s3:::{name}/*"}]}))
        return name

    def url(self, bucket: str, public: bool = False) -> str:
        return f"s3://{bucket}?endpoint={self.endpoint}&public={int(public)}"


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory):
    port = free_port()
    log = open(tmp_path_factory.mktemp("moto") / "moto.log", "wb")  # closed below
    proc = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                log.close()
                raise AssertionError("moto server did not start") from None
            time.sleep(0.1)
    yield S3Server(f"http://127.0.0.1:{port}")
    proc.terminate()
    proc.wait(timeout=10)
    log.close()


@pytest.fixture
def down_endpoint() -> str:
    """An endpoint nothing listens on."""
    return f"http://127.0.0.1:{free_port()}"
