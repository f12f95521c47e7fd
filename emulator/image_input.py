"""Facts about an `input_image`: what the emulator's model can truthfully say about it.

Data URLs are decoded with Pillow (format, width x height, byte size). Remote URLs are never fetched:
the emulator works offline, and the facts say so.
"""

from __future__ import annotations

import base64
import binascii
import io
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

# The docs list PNG, JPEG and WebP for vision models; GIF is accepted by OpenAI for non-animated images.
SUPPORTED_FORMATS = ("PNG", "JPEG", "WEBP", "GIF")


@dataclass(frozen=True)
class ImageFacts:
    source: str  # "data" (inline base64) or "url" (remote, not fetched)
    url: str | None = None
    format: str | None = None  # Pillow's name: PNG, JPEG, WEBP, GIF
    width: int | None = None
    height: int | None = None
    byte_size: int | None = None

    def sentence(self) -> str:
        if self.source == "url":
            return (
                f"an image at {self.url} (not fetched: the emulator is offline, so its content is unknown)"
            )
        return f"a {self.format} image, {self.width}x{self.height} pixels, {self.byte_size} bytes"


def decode_data_url(url: str) -> tuple[str, bytes]:
    """(media type, bytes) of a `data:<type>;base64,<data>` URL; ValueError otherwise."""
    header, sep, payload = url.partition(",")
    if not url.startswith("data:") or not sep or not header.endswith(";base64"):
        raise ValueError("expected a data URL of the form data:<media type>;base64,<base64 data>")
    media_type = header[len("data:") : -len(";base64")]
    try:
        data = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError(f"the base64 data of the data URL is invalid: {exc}") from exc
    if not data:
        raise ValueError("the data URL carries no data")
    return media_type, data


def image_bytes_facts(data: bytes) -> ImageFacts:
    try:
        with Image.open(io.BytesIO(data)) as img:
            img.verify()
            fmt, (width, height) = img.format or "unknown", img.size
    except UnidentifiedImageError:
        raise ValueError(f"the {len(data)} bytes are not an image Pillow recognises; send PNG, JPEG or WebP") from None
    except (OSError, SyntaxError) as exc:
        raise ValueError(f"the image data is damaged ({exc}); send a complete PNG, JPEG or WebP file") from None
    if fmt not in SUPPORTED_FORMATS:
        raise ValueError(f"unsupported image format {fmt}; send PNG, JPEG or WebP")
    return ImageFacts(source="data", format=fmt, width=width, height=height, byte_size=len(data))


def image_url_facts(image_url: str) -> ImageFacts:
    """Facts for an `image_url` value: decoded when inline, described (not fetched) when remote."""
    if image_url.startswith("data:"):
        media_type, data = decode_data_url(image_url)
        if not media_type.startswith("image/"):
            raise ValueError(f"the data URL's media type is {media_type!r}; an image needs image/png, image/jpeg or image/webp")
        return image_bytes_facts(data)
    if image_url.startswith(("http://", "https://")):
        return ImageFacts(source="url", url=image_url)
    raise ValueError("image_url must be an http(s) URL or a data:image/...;base64,... URL")
