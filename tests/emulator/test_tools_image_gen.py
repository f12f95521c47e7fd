"""render_png: real, deterministic PNGs that honour size, quality and background."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from emulator.image_gen import convert_format, render_png

PROMPT = "A gray tabby cat hugging an otter with an orange scarf."


def decode(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


@pytest.mark.parametrize(
    ("size", "expected"),
    [("1024x1024", (1024, 1024)), ("1024x1536", (1024, 1536)), ("1536x1024", (1536, 1024)), ("auto", (1024, 1024)), (None, (1024, 1024))],
)
def test_sizes(size: str | None, expected: tuple[int, int]) -> None:
    data, used = render_png(PROMPT, size, None, None)
    image = decode(data)
    assert image.format == "PNG" and image.size == expected and used == f"{expected[0]}x{expected[1]}"


def test_same_prompt_same_bytes_other_prompt_other_picture() -> None:
    first, _ = render_png(PROMPT, "1024x1024", "low", None)
    assert render_png(PROMPT, "1024x1024", "low", None)[0] == first
    other, _ = render_png("A lighthouse at dusk.", "1024x1024", "low", None)
    assert decode(other).tobytes() != decode(first).tobytes()


def test_the_picture_is_not_blank() -> None:
    image = decode(render_png(PROMPT, None, "medium", None)[0]).convert("RGB")
    assert len(image.getcolors(maxcolors=1 << 20) or []) > 5


def test_transparent_background_is_rgba_with_transparent_pixels() -> None:
    image = decode(render_png(PROMPT, None, "low", "transparent")[0])
    assert image.mode == "RGBA"
    alpha = image.getchannel("A")
    assert alpha.getextrema()[0] == 0 and alpha.getextrema()[1] == 255
    assert decode(render_png(PROMPT, None, "low", "opaque")[0]).mode == "RGB"


def test_quality_changes_the_detail() -> None:
    low = decode(render_png(PROMPT, None, "low", None)[0]).convert("RGB")
    high = decode(render_png(PROMPT, None, "high", None)[0]).convert("RGB")
    assert len(high.getcolors(1 << 20) or []) > len(low.getcolors(1 << 20) or [])


@pytest.mark.parametrize(
    ("size", "quality", "background", "field"),
    [("512x512", None, None, "tools[].size"), (None, "ultra", None, "tools[].quality"), (None, None, "pink", "tools[].background")],
)
def test_unsupported_options_name_the_field(size: str | None, quality: str | None, background: str | None, field: str) -> None:
    with pytest.raises(ValueError, match=field.replace("[", r"\[").replace("]", r"\]")):
        render_png(PROMPT, size, quality, background)


def test_output_formats() -> None:
    png, _ = render_png(PROMPT, None, "low", None)
    assert convert_format(png, "png", None) == png
    assert decode(convert_format(png, "jpeg", 80)).format == "JPEG"
    assert decode(convert_format(png, "webp", None)).format == "WEBP"
    transparent, _ = render_png(PROMPT, None, "low", "transparent")
    with pytest.raises(ValueError, match="jpeg"):
        convert_format(transparent, "jpeg", None)
