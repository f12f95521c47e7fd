"""The image generation tool's pictures: real PNGs derived deterministically from the prompt.

Colours and shapes come from the prompt's SHA-256; the prompt's words are drawn with Pillow's default
font. `quality` sets how much is drawn (shape count) and how hard the PNG is compressed; `background`
"transparent" gives an RGBA image whose background is fully transparent.
"""

from __future__ import annotations

import hashlib
import io
import textwrap

from PIL import Image, ImageDraw, ImageFont

SIZES = ("1024x1024", "1024x1536", "1536x1024")
QUALITIES = ("low", "medium", "high", "auto")
BACKGROUNDS = ("transparent", "opaque", "auto")
# quality -> (shapes drawn, zlib level); "auto" behaves like "medium".
_DETAIL = {"low": (4, 9), "medium": (12, 6), "high": (32, 3), "auto": (12, 6)}


def choose_size(size: str | None) -> str:
    if size in (None, "auto"):
        return "1024x1024"
    if size not in SIZES:
        raise ValueError(
            f"tools[].size {size!r} is not supported; use one of {', '.join(SIZES)} or auto"
        )
    return size


def render_png(prompt: str, size: str | None, quality: str | None, background: str | None) -> tuple[bytes, str]:
    """(PNG bytes, size used). ValueError naming `tools[].size|quality|background` for unsupported values."""
    size_used = choose_size(size)
    quality = quality or "auto"
    if quality not in QUALITIES:
        raise ValueError(f"tools[].quality {quality!r} is not supported; use one of {', '.join(QUALITIES)}")
    background = background or "auto"
    if background not in BACKGROUNDS:
        raise ValueError(
            f"tools[].background {background!r} is not supported; use one of {', '.join(BACKGROUNDS)}"
        )
    width, height = (int(n) for n in size_used.split("x"))
    seed = hashlib.sha256(prompt.encode("utf-8")).digest() * 4  # 128 bytes of deterministic choices
    transparent = background == "transparent"
    image = Image.new("RGBA" if transparent else "RGB", (width, height), _background(seed, transparent))
    draw = ImageDraw.Draw(image)
    shapes, compress_level = _DETAIL[quality]
    for i in range(shapes):
        _shape(draw, seed[3 * i : 3 * i + 6], width, height)
    _caption(draw, prompt, width, height, _colour(seed[100:103]))
    buf = io.BytesIO()
    image.save(buf, format="PNG", compress_level=compress_level)
    return buf.getvalue(), size_used


def _colour(b: bytes, alpha: int | None = None) -> tuple[int, ...]:
    rgb = (b[0], b[1], b[2])
    return rgb if alpha is None else (*rgb, alpha)


def _background(seed: bytes, transparent: bool) -> tuple[int, ...]:
    if transparent:
        return (0, 0, 0, 0)
    # A light tint so the caption stays readable.
    return tuple(200 + c % 56 for c in seed[:3])


def _shape(draw: ImageDraw.ImageDraw, b: bytes, width: int, height: int) -> None:
    x, y = b[0] * width // 256, b[1] * height // 256
    r = 20 + b[2] * min(width, height) // 1024
    box = (x - r, y - r, x + r, y + r)
    fill = _colour(b[3:6], 255)
    if b[0] % 2:
        draw.ellipse(box, fill=fill)
    else:
        draw.rectangle(box, fill=fill)


def _caption(draw: ImageDraw.ImageDraw, prompt: str, width: int, height: int, tint: tuple[int, ...]) -> None:
    font = ImageFont.load_default(size=max(24, width // 24))
    lines = textwrap.wrap(" ".join(prompt.split()), width=28)[:8] or [""]
    ink = (tint[0] // 3, tint[1] // 3, tint[2] // 3, 255)
    step, left = width // 18, width // 12
    top = height // 2 - step * len(lines) // 2
    # A light panel under the words keeps the caption readable over the shapes.
    right = max(left + int(draw.textlength(line, font=font)) for line in lines)
    draw.rounded_rectangle((left - 16, top - 12, right + 16, top + step * len(lines) + 12), 16, fill=(255, 255, 255, 220))
    for n, line in enumerate(lines):
        draw.text((left, top + n * step), line, fill=ink, font=font)


OUTPUT_FORMATS = ("png", "webp", "jpeg")


def convert_format(png: bytes, output_format: str | None, compression: int | None) -> bytes:
    """The PNG re-encoded as `tools[].output_format` (png keeps the bytes; jpeg/webp use `output_compression`)."""
    fmt = output_format or "png"
    if fmt not in OUTPUT_FORMATS:
        raise ValueError(f"tools[].output_format {fmt!r} is not supported; use one of {', '.join(OUTPUT_FORMATS)}")
    if fmt == "png":
        return png
    with Image.open(io.BytesIO(png)) as image:
        if fmt == "jpeg" and image.mode == "RGBA":
            raise ValueError("tools[].output_format jpeg cannot carry a transparent background; use png or webp")
        buf = io.BytesIO()
        # output_compression (0-100, default 100) behaves as the encoder's quality setting.
        image.save(buf, format=fmt.upper(), quality=max(1, 100 if compression is None else compression))
    return buf.getvalue()
