"""Attachments (local paths, URLs, file ids) turned into Responses input content parts.

What the docs prescribe: PDFs go inline as base64 `file_data` with a `filename`, or are uploaded with
`purpose="assistants"` (the docs say `user_data` is unsupported) and referenced by `file_id`; images go inline
as data URLs in `input_image`. A local file's type is decided by its content, never by its extension alone.
"""

from __future__ import annotations

import base64
import io
import re
from dataclasses import dataclass, replace
from pathlib import PurePosixPath
from typing import Literal
from urllib.parse import unquote, urlsplit

from openai.types.responses import ResponseInputFileParam, ResponseInputImageParam
from PIL import Image, UnidentifiedImageError

from bridge.context import BridgeContext
from bridge.local_files import LocalFile, read_local_file
from bridge.upstream_errors import ToolInputError

# Upstream file ids: OpenAI `file-…`, Azure `assistant-…`.
FILE_ID = re.compile(r"^(?:file|assistant)-[A-Za-z0-9_-]+$")
IMAGE_MEDIA_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp", "GIF": "image/gif"}
IMAGE_EXTENSIONS = {".png", ".jpg", ".jpeg", ".webp", ".gif"}
UPLOAD_PURPOSE: Literal["assistants"] = "assistants"

Part = ResponseInputFileParam | ResponseInputImageParam
How = Literal["inline_pdf", "uploaded_pdf", "inline_image", "image_url", "file_url", "file_id"]


@dataclass(frozen=True)
class Attachment:
    """One attachment as sent upstream, plus what the bridge did with it (for the tool's result)."""

    source: str  # as the caller wrote it
    how: How
    part: Part
    filename: str | None = None
    bytes: int | None = None
    media_type: str | None = None
    file_id: str | None = None

    def summary(self) -> dict[str, object]:
        facts = {
            "source": self.source,
            "how": self.how,
            "filename": self.filename,
            "bytes": self.bytes,
            "media_type": self.media_type,
            "file_id": self.file_id,
        }
        return {key: value for key, value in facts.items() if value is not None}


def sniff_image(data: bytes) -> str | None:
    """The media type of an image the Responses API accepts, by content; None if it is not one."""
    try:
        with Image.open(io.BytesIO(data)) as img:
            img.verify()
            fmt = img.format
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return None
    return IMAGE_MEDIA_TYPES.get(fmt or "")


def is_pdf(data: bytes) -> bool:
    # The header may follow a little junk (the PDF spec tolerates it within the first 1024 bytes).
    return b"%PDF-" in data[:1024]


def data_url(media_type: str, data: bytes) -> str:
    return f"data:{media_type};base64,{base64.b64encode(data).decode('ascii')}"


async def prepare_attachments(ctx: BridgeContext, attachments: list[str], *, field: str = "attachments") -> list[Attachment]:
    """Every attachment as an `Attachment`; the first bad one raises `ToolInputError` naming `field[i]`."""
    prepared: list[Attachment] = []
    for index, raw in enumerate(attachments):
        prepared.append(await prepare_attachment(ctx, raw, field=f"{field}[{index}]"))
    return prepared


async def attachment_parts(ctx: BridgeContext, attachments: list[str], *, field: str = "attachments") -> list[dict]:
    """Responses input content parts for `attachments` (each a local path, an http(s) URL or a file id)."""
    return [dict(item.part) for item in await prepare_attachments(ctx, attachments, field=field)]


async def prepare_attachment(ctx: BridgeContext, raw: str, *, field: str, images_only: bool = False) -> Attachment:
    if not isinstance(raw, str) or not raw.strip():
        raise ToolInputError(f"{field}: give a local file path, an http(s) URL, or a file id (file-… / assistant-…)")
    text = raw.strip()
    if FILE_ID.match(text):
        return Attachment(source=text, how="file_id", part={"type": "input_file", "file_id": text}, file_id=text)
    scheme = urlsplit(text).scheme.lower()
    if scheme in ("http", "https"):
        return _url_attachment(text, field=field)
    if scheme == "data":
        raise ToolInputError(f"{field}: data URLs are not accepted here; save the content to a file and give its path")
    if scheme not in ("", "file") and len(scheme) > 1:  # one letter: a Windows drive, not a scheme
        raise ToolInputError(f"{field}: unsupported URL scheme {scheme!r}; use an http(s) URL, a local path or a file id")
    path = unquote(urlsplit(text).path) if scheme == "file" else text
    local = read_local_file(path, ctx.settings, field=field)
    return await _local_attachment(ctx, text, local, field=field, images_only=images_only)


async def image_attachment(
    ctx: BridgeContext, raw: str, *, field: str, detail: Literal["auto", "low", "high"] = "auto"
) -> Attachment:
    """An `input_image` for a source the caller says is an image: a local image file or any http(s) URL."""
    text = raw.strip() if isinstance(raw, str) else ""
    if FILE_ID.match(text):
        raise ToolInputError(
            f"{field}: file ids cannot be used as image input (the docs: images cannot be uploaded as a file and "
            "then referenced); give the local image path or an image URL"
        )
    if urlsplit(text).scheme.lower() in ("http", "https"):
        # Whatever its extension, the caller says it is an image.
        found = _url_attachment(text, field=field)
        image: ResponseInputImageParam = {"type": "input_image", "image_url": text, "detail": detail}
        return replace(found, how="image_url", part=image)
    found = await prepare_attachment(ctx, raw, field=field, images_only=True)
    return replace(found, part={**found.part, "detail": detail})


def _url_attachment(url: str, *, field: str) -> Attachment:
    parts = urlsplit(url)
    if not parts.netloc:
        raise ToolInputError(f"{field}: {url} has no host; give a full URL such as https://example.com/a.pdf")
    suffix = PurePosixPath(parts.path).suffix.lower()
    if suffix in IMAGE_EXTENSIONS:
        image: ResponseInputImageParam = {"type": "input_image", "image_url": url, "detail": "auto"}
        return Attachment(source=url, how="image_url", part=image)
    document: ResponseInputFileParam = {"type": "input_file", "file_url": url}
    return Attachment(source=url, how="file_url", part=document)


async def _local_attachment(
    ctx: BridgeContext, source: str, local: LocalFile, *, field: str, images_only: bool = False
) -> Attachment:
    size = len(local.data)
    if is_pdf(local.data) and not images_only:
        if size <= ctx.settings.inline_pdf_bytes:
            inline: ResponseInputFileParam = {
                "type": "input_file",
                "filename": local.name,
                "file_data": data_url("application/pdf", local.data),
            }
            return Attachment(source, "inline_pdf", inline, local.name, size, "application/pdf")
        uploaded = await ctx.client.files.create(
            file=(local.name, local.data, "application/pdf"), purpose=UPLOAD_PURPOSE
        )
        by_id: ResponseInputFileParam = {"type": "input_file", "file_id": uploaded.id}
        return Attachment(source, "uploaded_pdf", by_id, local.name, size, "application/pdf", uploaded.id)
    media_type = sniff_image(local.data)
    if media_type is not None:
        image: ResponseInputImageParam = {
            "type": "input_image",
            "image_url": data_url(media_type, local.data),
            "detail": "auto",
        }
        return Attachment(source, "inline_image", image, local.name, size, media_type)
    if images_only:
        raise ToolInputError(
            f"{field}: {source} is not a PNG, JPEG, WebP or GIF image (judged by its content); give an image "
            "in one of those formats (PDFs go to ask_about_files)"
        )
    raise ToolInputError(
        f"{field}: {source} is neither a PDF nor a PNG, JPEG, WebP or GIF image (judged by its content); "
        "convert it to PDF, or attach an image in one of those formats"
    )
