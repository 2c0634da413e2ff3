"""What uploaded bytes really are, and the safe form in which they are stored (SPEC §8 "Uploads").

The type is decided from the content, never from the file name or the browser's Content-Type:
magic bytes pick the one format Pillow may try, and Pillow must then decode every pixel. Images are
re-encoded into the same format from their pixels alone, so EXIF (GPS, camera), comments, text
chunks and anything hidden after the image data are gone, and a polyglot (an image that is also
HTML, PHP or a script) does not survive. PDFs, accepted only where a caller allows them (KYC), are
checked for their header and end marker and kept as they are.
"""

from __future__ import annotations

import io
import struct
from dataclasses import dataclass

from PIL import Image, ImageCms, ImageOps

from eventpalour.services.platform import N_, UnsupportedMediaType, ValidationFailed

MAX_PIXELS = 40_000_000
"""Larger images are refused before decoding: a few KB of PNG can otherwise expand to gigabytes."""

JPEG_QUALITY = 90
WEBP_QUALITY = 90
PDF_END_WINDOW = 1024
"""Readers look for `%%EOF` in the last kilobyte, so a complete PDF ends with it there."""


@dataclass(frozen=True)
class ImageFormat:
    pillow_name: str
    content_type: str
    extension: str


PNG = ImageFormat("PNG", "image/png", "png")
JPEG = ImageFormat("JPEG", "image/jpeg", "jpg")
WEBP = ImageFormat("WEBP", "image/webp", "webp")
PDF_CONTENT_TYPE = "application/pdf"
SAVE_OPTIONS: dict[str, dict[str, object]] = {
    "PNG": {},
    "JPEG": {"quality": JPEG_QUALITY, "optimize": True},
    "WEBP": {"quality": WEBP_QUALITY},
}

# What Pillow raises for bytes it cannot decode: damaged, truncated or lying about their format.
_DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, struct.error)


@dataclass(frozen=True)
class CleanFile:
    """Bytes that are safe to store and serve with `content_type`, and the extension they are stored with."""

    data: bytes
    content_type: str
    extension: str


def sniff_image(data: bytes) -> ImageFormat | None:
    """The image format announced by the first bytes, or None."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return WEBP
    return None


def is_pdf(data: bytes) -> bool:
    """A PDF header at the start and the end-of-file marker in the last kilobyte."""
    return data.startswith(b"%PDF-") and b"%%EOF" in data[-PDF_END_WINDOW:]


def clean_upload(data: bytes, *, allow_pdf: bool) -> CleanFile:
    """Identify `data` and return what may be stored.

    Raises:
        UnsupportedMediaType: anything but PNG, JPEG, WebP (and PDF when `allow_pdf`), or an image
            that does not decode completely (truncated or damaged).
        ValidationFailed: an image with more than MAX_PIXELS pixels (on `file`).
    """
    image_format = sniff_image(data)
    if image_format is not None:
        return CleanFile(_reencode(data, image_format), image_format.content_type, image_format.extension)
    if allow_pdf and is_pdf(data):
        return CleanFile(data, PDF_CONTENT_TYPE, "pdf")
    if allow_pdf:
        raise UnsupportedMediaType(
            N_("This file is not a PNG, JPEG or WebP image, or a PDF. Other file types are not accepted.")
        )
    raise UnsupportedMediaType(N_("This file is not a PNG, JPEG or WebP image. Other file types are not accepted."))


def _too_large() -> ValidationFailed:
    limit = MAX_PIXELS // 1_000_000
    return ValidationFailed.field("file", N_("This image is too large: use at most {count} megapixels."), count=limit)


def _reencode(data: bytes, image_format: ImageFormat) -> bytes:
    """Decode every pixel of `data` and encode them again, with nothing else carried over."""
    try:
        with Image.open(io.BytesIO(data), formats=[image_format.pillow_name]) as image:
            # Checked from the header, before a single pixel is decoded.
            if image.width * image.height > MAX_PIXELS:
                raise _too_large()
            image.load()
            pixels = _pixels_only(_upright(image))
            output = io.BytesIO()
            pixels.save(output, format=image_format.pillow_name, **SAVE_OPTIONS[image_format.pillow_name])
    except Image.DecompressionBombError:
        raise _too_large() from None
    except _DECODE_ERRORS:
        raise UnsupportedMediaType(
            N_("This {kind} image is damaged or incomplete."), values={"kind": image_format.pillow_name}
        ) from None
    return output.getvalue()


def _upright(image: Image.Image) -> Image.Image:
    """The image turned as its EXIF orientation says (phones store photos sideways); unreadable EXIF is ignored."""
    try:
        return ImageOps.exif_transpose(image)
    except _DECODE_ERRORS:
        return image.copy()


def _pixels_only(image: Image.Image) -> Image.Image:
    """Colours converted to sRGB when an ICC profile says otherwise, and every piece of metadata dropped
    (only PNG palette transparency is kept: it is part of the picture)."""
    profile = image.info.get("icc_profile")
    if profile and image.mode in ("RGB", "RGBA", "CMYK"):
        try:
            image = ImageCms.profileToProfile(
                image,
                ImageCms.ImageCmsProfile(io.BytesIO(profile)),
                ImageCms.createProfile("sRGB"),
                outputMode="RGBA" if image.mode == "RGBA" else "RGB",
            )
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # A broken profile is dropped below; the pixels are shown as if they were sRGB.
    transparency = image.info.get("transparency")
    image.info = {} if transparency is None else {"transparency": transparency}
    return image
