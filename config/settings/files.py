"""FILES: static files, the vehicles' photos (media), the deal's documents and the uploads'
bounds, through Django's storage API (docs/operations.md, "Media" and "Documents")."""

from pathlib import Path

from common.environment import env
from config.settings.general import BASE_DIR, VAR_DIR

# STATIC FILES
# ------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT.mkdir(exist_ok=True)
WHITENOISE_USE_FINDERS = True

# MEDIA: vehicles' photos (docs/operations.md, "Media")
# ------------------------------------------------------------------------------
# Through Django's storage API: files under var/media in the embedded run, which Django
# serves itself at MEDIA_URL; S3-compatible object storage (django-storages) with
# MEDIA_STORAGE=s3, which serves them from the bucket's own address.
MEDIA_URL = env.str("MEDIA_URL", default="/media/")
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
MEDIA_STORAGE = env.str("MEDIA_STORAGE", default="filesystem")
if MEDIA_STORAGE == "s3":
    MEDIA_S3_OPTIONS = {
        "bucket_name": env.str("MEDIA_S3_BUCKET"),
        "endpoint_url": env.str("MEDIA_S3_ENDPOINT_URL", default="") or None,
        "region_name": env.str("MEDIA_S3_REGION", default="ru-central1"),
        "access_key": env.str("MEDIA_S3_ACCESS_KEY_ID", default="") or None,
        "secret_key": env.str("MEDIA_S3_SECRET_ACCESS_KEY", default="") or None,
        # Public photos: plain addresses, no signed query string that expires in a cache.
        "querystring_auth": False,
        "default_acl": None,
        "file_overwrite": False,
        "custom_domain": env.str("MEDIA_S3_CUSTOM_DOMAIN", default="") or None,
    }

# STORAGES: the photos, the static files and the deal's documents (docs/documents.md)
# ------------------------------------------------------------------------------
# The documents' files: private, read through the API only, never linked to; under
# var/documents in the embedded run, in the bucket below with MEDIA_STORAGE=s3.
DOCUMENTS_ROOT = Path(env.str("DOCUMENTS_ROOT", default=str(VAR_DIR / "documents")))
TRADEIN_PHOTOS_ROOT = Path(env.str("TRADEIN_PHOTOS_ROOT", default=str(VAR_DIR / "tradein-photos")))
# The classifieds' feeds: private, outside MEDIA_ROOT, read only at each feed's secret address
# (docs/feeds.md, "Serving").
FEEDS_ROOT = Path(env.str("FEEDS_ROOT", default=str(VAR_DIR / "feeds")))
# How long the signed address of a trade-in photo in the bucket stays valid, in seconds: the
# view hands it out to its owner or staff only (docs/tradein.md, "Photos").
TRADEIN_PHOTO_URL_SECONDS = env.int("TRADEIN_PHOTO_URL_SECONDS", default=300)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "documents": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": DOCUMENTS_ROOT, "base_url": "/not-served/"},
    },
    # The trade-ins' photos: private, outside MEDIA_ROOT, read only through the view that
    # checks the trade-in is the asker's or the asker is staff (docs/tradein.md, "Photos").
    # `base_url` is that view's address, so that a file's URL is its own page.
    "tradein_photos": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": TRADEIN_PHOTOS_ROOT, "base_url": "/api/v1/trade-in-photos/"},
    },
    # The classifieds' feeds: never linked to, served only by integrations.views.feed_file.
    "feeds": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": FEEDS_ROOT, "base_url": "/not-served/"},
    },
}
if MEDIA_STORAGE == "s3":
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": MEDIA_S3_OPTIONS}
    STORAGES["documents"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **MEDIA_S3_OPTIONS,
            "bucket_name": env.str("DOCUMENTS_S3_BUCKET", default=MEDIA_S3_OPTIONS["bucket_name"]),
            "location": "documents",
            # Private: signed addresses that expire, never a public one.
            "querystring_auth": True,
            "default_acl": "private",
            "custom_domain": None,
        },
    }
    STORAGES["tradein_photos"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **MEDIA_S3_OPTIONS,
            "bucket_name": env.str(
                "TRADEIN_PHOTOS_S3_BUCKET", default=MEDIA_S3_OPTIONS["bucket_name"]
            ),
            "location": "tradein-photos",
            # Private: signed addresses that expire, never a public one.
            "querystring_auth": True,
            "querystring_expire": TRADEIN_PHOTO_URL_SECONDS,
            "default_acl": "private",
            "custom_domain": None,
        },
    }
    STORAGES["feeds"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **MEDIA_S3_OPTIONS,
            "bucket_name": env.str("FEEDS_S3_BUCKET", default=MEDIA_S3_OPTIONS["bucket_name"]),
            "location": "feeds",
            # Private: the app reads the file and serves it; no address of the bucket's.
            "querystring_auth": True,
            "default_acl": "private",
            "custom_domain": None,
        },
    }

# UPLOADS
# ------------------------------------------------------------------------------
# A photo upload: at most 20 MB, 8192 pixels on a side and 25 megapixels, read from its
# header before a pixel is decoded (common/images.py; docs/tradein.md, "Photos", says why
# these bounds); its request may carry a little more than the file, for the form around it.
PHOTO_MAX_BYTES = env.int("PHOTO_MAX_BYTES", default=20 * 1024 * 1024)
PHOTO_MAX_SIDE = env.int("PHOTO_MAX_SIDE", default=8192)
PHOTO_MAX_PIXELS = env.int("PHOTO_MAX_PIXELS", default=25_000_000)
REQUEST_MAX_UPLOAD_BYTES = PHOTO_MAX_BYTES + 64 * 1024
# The paths that take uploads, the only ones where REQUEST_MAX_UPLOAD_BYTES replaces
# REQUEST_MAX_BODY_BYTES (common/middleware.py).
REQUEST_UPLOAD_PATHS = [
    r"^/api/v1/catalog/products/[^/]+/photos/?$",
    r"^/admin/catalog/product/[^/]+/change/$",
    r"^/admin/catalog/product/add/$",
    r"^/api/v1/trade-ins/[^/]+/photos/?$",
    # The storefront's trade-in forms, photos and all (storefront/views/tradein.py).
    r"^/trade-in/$",
    r"^/account/trade-ins/[^/]+/photos$",
]
