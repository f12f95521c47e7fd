"""Facts about an `input_image`: what the emulator's model can truthfully say about it.

Data URLs are decoded with Pillow (format, width x height, byte size, and the name of the average colour,
so an answer can say "mostly red" as a vision model would). Remote URLs are never fetched: the emulator
works offline, and the facts say so.
"""

from __future__ import annotations

import base64
import binascii
import io
from dataclasses import dataclass

from PIL import Image, ImageStat, UnidentifiedImageError

# The docs list PNG, JPEG and WebP for vision models; GIF is accepted by OpenAI for non-animated images.
SUPPORTED_FORMATS = ("PNG", "JPEG", "WEBP", "GIF")
# Named reference colours; an image is "mostly" the one nearest to its average colour.
_COLOURS = {
    "black": (0, 0, 0), "white": (255, 255, 255), "gray": (128, 128, 128), "red": (220, 30, 40),
    "orange": (245, 140, 20), "yellow": (240, 220, 40), "green": (40, 170, 60), "cyan": (40, 200, 210),
    "blue": (30, 70, 220), "purple": (130, 50, 170), "pink": (240, 130, 180), "brown": (130, 80, 40),
}


@dataclass(frozen=True)
class ImageFacts:
    source: str  # "data" (inline base64) or "url" (remote, not fetched)
    url: str | None = None
    format: str | None = None  # Pillow's name: PNG, JPEG, WEBP, GIF
    width: int | None = None
    height: int | None = None
    byte_size: int | None = None
    colour: str | None = None  # name of the nearest reference colour to the average pixel

    def sentence(self) -> str:
        if self.source == "url":
            return (
                f"an image at {self.url} (not fetched: the emulator is offline, so its content is unknown)"
            )
        return f"a {self.format} image, {self.width}x{self.height} pixels, {self.byte_size} bytes, mostly {self.colour}"


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
    colour = _average_colour(data)
    return ImageFacts(source="data", format=fmt, width=width, height=height, byte_size=len(data), colour=colour)


def _average_colour(data: bytes) -> str:
    with Image.open(io.BytesIO(data)) as img:  # verify() above leaves the first image unusable
        img.thumbnail((64, 64))
        rgba = img.convert("RGBA")
    white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
    mean = ImageStat.Stat(Image.alpha_composite(white, rgba).convert("RGB")).mean  # transparency shows as white
    return min(_COLOURS, key=lambda name: sum((a - b) ** 2 for a, b in zip(mean, _COLOURS[name])))


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
