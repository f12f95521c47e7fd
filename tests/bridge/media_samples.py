"""Real media made in the tests: PDFs with text (the emulator tests' hand-written PDF), images (Pillow)."""

from __future__ import annotations

import base64
import io
import os

from PIL import Image

from tests.emulator.test_content_pdf import make_pdf

__all__ = ["b64", "image_size", "make_image", "make_pdf", "noisy_png"]


def make_image(width: int, height: int, fmt: str = "PNG", color: tuple[int, int, int] = (200, 40, 90)) -> bytes:
    img = Image.new("RGB", (width, height), color)
    # A gradient so the encoders have something to compress (and sizes are realistic).
    for x in range(0, width, max(1, width // 32)):
        for y in range(0, height, max(1, height // 32)):
            img.putpixel((x, y), (x % 256, y % 256, (x + y) % 256))
    buf = io.BytesIO()
    img.save(buf, format=fmt)
    return buf.getvalue()


def noisy_png(width: int, height: int) -> bytes:
    """A photograph-like PNG (random pixels) that compresses badly: the worst case for thumbnails."""
    img = Image.frombytes("RGB", (width, height), os.urandom(width * height * 3))
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def image_size(data: bytes) -> tuple[str, int, int]:
    with Image.open(io.BytesIO(data)) as img:
        return img.format or "", img.width, img.height
