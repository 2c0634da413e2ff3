"""Files for the upload tests, made in memory: real images with metadata worth stripping, and attacks."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image

ORIENTATION_TAG = 0x0112
MAKE_TAG = 0x010F
CAMERA = "SecretCam 9000"
ROTATE_90_CW = 6
"""EXIF orientation 6: the pixels are stored sideways and must be turned 90° clockwise to show."""

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PHP = b"<?php system($_GET['cmd']); ?>"
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="10" height="10"/></svg>'


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (60, 30), *, exif: bool = True) -> bytes:
    """A `size` image in `fmt` whose EXIF names a camera and says "rotate 90° clockwise"."""
    image = Image.new("RGB", size, (200, 30, 30))
    options: dict[str, object] = {}
    if exif:
        tags = Image.Exif()
        tags[ORIENTATION_TAG] = ROTATE_90_CW
        tags[MAKE_TAG] = CAMERA
        options["exif"] = tags.tobytes()
    if fmt == "JPEG":
        options["comment"] = b"written by " + CAMERA.encode()
    output = io.BytesIO()
    image.save(output, format=fmt, **options)
    return output.getvalue()


def gif_bytes() -> bytes:
    output = io.BytesIO()
    Image.new("P", (4, 4)).save(output, format="GIF")
    return output.getvalue()


def truncated(data: bytes) -> bytes:
    return data[: len(data) // 2]


def png_claiming_size(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims `width` × `height` pixels: a decompression bomb's calling card."""
    one_pixel = image_bytes("PNG", (1, 1), exif=False)
    header = struct.pack(">II", width, height) + one_pixel[24:29]
    crc = struct.pack(">I", zlib.crc32(b"IHDR" + header))
    return one_pixel[:16] + header + crc + one_pixel[33:]


def padded(data: bytes, total: int) -> bytes:
    """`data` followed by zero bytes up to `total` bytes (images decode fine with trailing data)."""
    return data + b"\x00" * (total - len(data))


def opened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image
