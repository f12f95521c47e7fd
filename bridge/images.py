"""Generated images: saved under the output folder, returned as a small thumbnail plus a link to the file.

MCP clients put tool results into a model's context, so a full-size PNG (often 1-3 MB) never goes inline:
the result carries a thumbnail (at most `THUMBNAIL_PX` on its longer side, well under 100 KB), a
ResourceLink to `image://generated/<name>` (served by the resource template in `tools_media`), and the
file's facts. The file itself stays on disk for the user.
"""

from __future__ import annotations

import base64
import binascii
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mcp.types import ContentBlock, ImageContent, ResourceLink, TextContent
from PIL import Image, UnidentifiedImageError

from bridge.context import BridgeContext
from bridge.settings import Settings

URI_PREFIX = "image://generated/"
THUMBNAIL_PX = 256
# Above this a PNG thumbnail (photographic content) is re-encoded as JPEG.
THUMBNAIL_PNG_BUDGET = 64 * 1024
# What a saved image's name may look like; anything else is refused before the filesystem is touched.
SAVED_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,200}\.png$")


@dataclass
class PublishedImage:
    """One generated image as MCP content blocks plus JSON-ready metadata."""

    blocks: list[ContentBlock] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)


def image_uri(name: str) -> str:
    return URI_PREFIX + name


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "_", text)[:80] or "x"


def thumbnail(img: Image.Image, max_px: int = THUMBNAIL_PX) -> tuple[bytes, str, int, int]:
    """(bytes, media type, width, height) of a thumbnail no larger than `max_px` on its longer side."""
    small = img.copy()
    small.thumbnail((max_px, max_px))
    has_alpha = small.mode in ("RGBA", "LA") or (small.mode == "P" and "transparency" in small.info)
    png = io.BytesIO()
    small.convert("RGBA" if has_alpha else "RGB").save(png, format="PNG", optimize=True)
    if png.tell() <= THUMBNAIL_PNG_BUDGET:
        return png.getvalue(), "image/png", small.width, small.height
    # Photographic content compresses badly as PNG; JPEG keeps the thumbnail small (alpha onto white).
    flat = Image.new("RGB", small.size, "white")
    rgba = small.convert("RGBA")
    flat.paste(rgba, mask=rgba.getchannel("A"))
    jpeg = io.BytesIO()
    flat.save(jpeg, format="JPEG", quality=80, optimize=True)
    return jpeg.getvalue(), "image/jpeg", small.width, small.height


def publish_images(ctx: BridgeContext, response: Any) -> list[PublishedImage]:
    """Save every `image_generation_call` result of `response` and describe it for an MCP client."""
    published: list[PublishedImage] = []
    for item in getattr(response, "output", None) or []:
        if getattr(item, "type", None) != "image_generation_call" or not getattr(item, "result", None):
            continue
        published.append(_publish_one(ctx.settings, str(response.id), item))
    return published


def _publish_one(settings: Settings, response_id: str, item: Any) -> PublishedImage:
    facts: dict[str, Any] = {"response_id": response_id, "item_id": item.id}
    try:
        data = base64.b64decode(item.result, validate=True)
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()
        img = Image.open(io.BytesIO(data))
        img.load()
    except (binascii.Error, ValueError, UnidentifiedImageError, OSError, SyntaxError) as exc:
        facts["error"] = f"the endpoint returned image data that could not be decoded ({exc})"
        return PublishedImage([TextContent(type="text", text=f"Image {item.id}: {facts['error']}")], facts)
    if img.format != "PNG":
        # Always store PNG (an `output_format` of jpeg/webp is converted) so file, URI and media type agree.
        converted = io.BytesIO()
        img.save(converted, format="PNG")
        data = converted.getvalue()
    name = f"{_safe(response_id)}-{_safe(item.id)}.png"
    out_dir = settings.output_dir.expanduser().resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / name
    path.write_bytes(data)
    thumb, thumb_type, thumb_w, thumb_h = thumbnail(img)
    uri = image_uri(name)
    facts |= {
        "name": name,
        "path": str(path),
        "file_uri": path.as_uri(),
        "uri": uri,
        "media_type": "image/png",
        "width": img.width,
        "height": img.height,
        "bytes": len(data),
        "thumbnail": {"media_type": thumb_type, "width": thumb_w, "height": thumb_h, "bytes": len(thumb)},
    }
    for key in ("revised_prompt", "size", "quality", "background", "output_format"):
        value = getattr(item, key, None)
        if value is not None:
            facts[key] = value
    link = ResourceLink(
        type="resource_link",
        uri=uri,
        name=name,
        title=f"Generated image {img.width}x{img.height}",
        description=facts.get("revised_prompt") or "image generated by the image_generation tool",
        mime_type="image/png",
        size=len(data),
        _meta={"file_uri": path.as_uri(), "path": str(path)},
    )
    preview = ImageContent(type="image", data=base64.b64encode(thumb).decode("ascii"), mime_type=thumb_type)
    return PublishedImage([preview, link], facts)


def saved_image_path(settings: Settings, name: str) -> Path:
    """The file behind `image://generated/<name>`; ValueError when the name is not one the bridge saves."""
    if not SAVED_NAME.match(name) or ".." in name:
        raise ValueError(f"{name!r} is not the name of a generated image (expected e.g. resp_1-ig_1.png)")
    out_dir = settings.output_dir.expanduser().resolve()
    path = (out_dir / name).resolve()
    if path.parent != out_dir:
        raise ValueError(f"{name!r} is outside the output folder")
    if not path.is_file():
        raise FileNotFoundError(f"no generated image named {name!r} in {out_dir}")
    return path


def read_saved_image(settings: Settings, name: str) -> bytes:
    return saved_image_path(settings, name).read_bytes()
