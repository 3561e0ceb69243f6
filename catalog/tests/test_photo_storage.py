"""Photos in S3-compatible object storage, as production keeps them (MEDIA_STORAGE=s3):
django-storages against moto's S3 server, which this test starts on a free port and stops.
A photo is stored, served from the bucket's address and deleted, through the S3 protocol."""

import io
import json
import socket

import boto3
import httpx
import pytest
from moto.server import ThreadedMotoServer
from PIL import Image

from catalog import services
from catalog.tests.factories import jpeg, vehicle

pytestmark = pytest.mark.django_db(databases=["default", "catalog"])

BUCKET = "autosalon-media"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def s3(settings):
    """moto's S3 server, a bucket in it, and the default storage pointed at it."""
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    options = {
        "bucket_name": BUCKET,
        "endpoint_url": endpoint,
        "region_name": "us-east-1",
        "access_key": "test-key",
        "secret_key": "test-secret",
        "querystring_auth": False,
        "default_acl": None,
        "file_overwrite": False,
    }
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="test-key",
        aws_secret_access_key="test-secret",
    )
    client.create_bucket(Bucket=BUCKET)
    # Public photos: anyone reads the bucket's objects (docs/operations.md, "Media").
    client.put_bucket_policy(
        Bucket=BUCKET,
        Policy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": "*",
                        "Action": "s3:GetObject",
                        "Resource": f"arn:aws:s3:::{BUCKET}/*",
                    }
                ],
            }
        ),
    )
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options},
    }
    try:
        yield client, endpoint
    finally:
        server.stop()


def keys(client) -> list[str]:
    return sorted(item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []))


def test_a_photo_is_stored_served_and_deleted_through_the_s3_protocol(s3, run_on_commit):
    client, endpoint = s3
    car = vehicle()

    photo = services.photo_add(product=car, data=jpeg(gps=True))
    services.photo_renditions_make(photo_id=photo.pk)
    photo.refresh_from_db()

    stored = keys(client)
    assert stored == sorted(
        [photo.image.name, *(made["name"] for made in photo.renditions.values())]
    )
    assert photo.image.url.startswith(f"{endpoint}/{BUCKET}/products/{car.pk}/")
    served = httpx.get(photo.image.url)
    assert served.status_code == 200
    assert b"GPS" not in served.content
    assert Image.open(io.BytesIO(served.content)).size == (1200, 800)
    thumb = httpx.get(photo.image.storage.url(photo.renditions["thumb"]["name"]))
    assert Image.open(io.BytesIO(thumb.content)).width == 320

    with run_on_commit():
        services.photo_delete(photo=photo)

    assert keys(client) == []
