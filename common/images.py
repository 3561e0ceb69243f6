"""Photos as images (docs/api.md, "Photos"): what an upload must be, the copy of it that is
served, and its renditions. Pure functions over bytes, shared by every app that keeps
photos (a vehicle's in the catalog, a trade-in's); the storage and the records are each
app's.

An upload is read by its content, never by its name: JPEG, PNG, WebP or HEIC, at most
PHOTO_MAX_BYTES, PHOTO_MAX_SIDE pixels on a side and PHOTO_MAX_PIXELS in all. The size is
read from the header (Pillow opens lazily) before a pixel is decoded, so a small file that
unpacks to a huge image is refused at once (docs/tradein.md, "Photos"); only then is it
decoded in full, once, so that a truncated or malformed file is refused here, not when a
buyer opens it. Renditions are drawn later, by the owning app's task. What is served is a copy drawn again from
the pixels alone: no EXIF (a phone's GPS position included), no ICC or XMP block, turned
upright as the camera meant. A HEIC photo is served as JPEG, which every browser shows."""

import io
from dataclasses import dataclass

import pillow_heif
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise
from PIL import Image, ImageOps, UnidentifiedImageError

from common.api.exceptions import ApplicationError
from common.error_codes import CommonErrorCode

pillow_heif.register_heif_opener()
# Pillow's own guard, a second line behind the header check below: it warns above this many
# pixels and refuses twice as many before decoding.
Image.MAX_IMAGE_PIXELS = settings.PHOTO_MAX_PIXELS

# Format as Pillow reads it → the format and extension the served copy is saved in.
ACCEPTED = {"JPEG": ("JPEG", "jpg"), "PNG": ("PNG", "png"), "WEBP": ("WEBP", "webp"),
            "HEIF": ("JPEG", "jpg")}  # fmt: skip
# The renditions' names and widths, in pixels; never wider than the original.
RENDITIONS = {"thumb": 320, "card": 640, "large": 1600}
JPEG_QUALITY = 88
WEBP_QUALITY = 82


@dataclass(frozen=True)
class CheckedImage:
    """The copy of an upload that is served: its bytes, extension and size in pixels."""

    content: bytes
    extension: str
    content_type: str
    width: int
    height: int


def _refused(message: StrOrPromise) -> ApplicationError:
    return ApplicationError(
        message, code=CommonErrorCode.PHOTO_REFUSED, status=400, details={"file": [message]}
    )


def _too_many_pixels() -> ApplicationError:
    return _refused(
        _("A photo is at most %(side)s pixels on a side and %(mp)s megapixels.")
        % {"side": settings.PHOTO_MAX_SIDE, "mp": settings.PHOTO_MAX_PIXELS // 1_000_000}
    )


def size_allowed(width: int, height: int) -> bool:
    """Whether an image of this size may be decoded: PHOTO_MAX_SIDE on a side, and
    PHOTO_MAX_PIXELS in all."""
    return bool(
        0 < width <= settings.PHOTO_MAX_SIDE
        and 0 < height <= settings.PHOTO_MAX_SIDE
        and width * height <= settings.PHOTO_MAX_PIXELS
    )


def photo_checked(data: bytes) -> CheckedImage:
    """The served copy of `data`, or a 400 naming what is wrong with it."""
    if len(data) > settings.PHOTO_MAX_BYTES:
        raise _refused(
            _("A photo is at most %(mb)s MB.") % {"mb": settings.PHOTO_MAX_BYTES // 2**20}
        )
    try:
        image = Image.open(io.BytesIO(data))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        # The warning is raised only where warnings are errors; elsewhere the header check
        # below refuses the same image.
        raise _too_many_pixels() from exc
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise _refused(_("This is not a JPEG, PNG, WebP or HEIC image.")) from exc
    if image.format not in ACCEPTED:
        raise _refused(_("This is not a JPEG, PNG, WebP or HEIC image."))
    # From the header, before the pixels are decoded: a decompression bomb stops here.
    if not size_allowed(image.width, image.height):
        raise _too_many_pixels()
    try:
        image.load()
        upright = ImageOps.exif_transpose(image)
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        raise _refused(_("The image is damaged or incomplete.")) from exc
    served_format, extension = ACCEPTED[image.format]
    pixels = _pixels_only(upright, keep_alpha=served_format != "JPEG")
    buffer = io.BytesIO()
    if served_format == "JPEG":
        pixels.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True)
    elif served_format == "WEBP":
        pixels.save(buffer, "WEBP", quality=WEBP_QUALITY)
    else:
        pixels.save(buffer, "PNG", optimize=True)
    return CheckedImage(
        buffer.getvalue(),
        extension,
        Image.MIME[served_format],
        pixels.width,
        pixels.height,
    )


def _pixels_only(image: Image.Image, *, keep_alpha: bool) -> Image.Image:
    """A new image of `image`'s pixels and nothing else: no EXIF, ICC, XMP or comment."""
    mode = "RGBA" if keep_alpha and image.mode in ("RGBA", "LA", "P") else "RGB"
    converted = image.convert(mode)
    fresh = Image.new(mode, converted.size)
    fresh.paste(converted)
    return fresh


def rendition(content: bytes, width: int) -> tuple[bytes, int, int]:
    """A WebP of `content` `width` pixels wide (the original's width if it is narrower):
    its bytes, width and height."""
    image: Image.Image = Image.open(io.BytesIO(content))
    image.load()
    if image.width > width:
        height = max(1, round(image.height * width / image.width))
        image = image.resize((width, height), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    image.save(buffer, "WEBP", quality=WEBP_QUALITY)
    return buffer.getvalue(), image.width, image.height
