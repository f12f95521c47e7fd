"""Attachments → Responses content parts, from real PDFs and images written in the test."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from tests.bridge.media_samples import image_size, make_image, make_pdf

from bridge.attachments import attachment_parts, prepare_attachments, sniff_image
from bridge.context import BridgeContext, build_context
from bridge.settings import Settings
from bridge.upstream_errors import ToolInputError

pytestmark = pytest.mark.anyio


def context_for(root: Path, **overrides: object) -> BridgeContext:
    # No request leaves the process in these tests: the base URL is never contacted.
    settings = Settings(
        emulator_base_url="http://127.0.0.1:9/openai/v1/",
        responses_bridge_allowed_roots=[root],
        **overrides,
    )
    return build_context(settings)


def decode_data_url(url: str) -> tuple[str, bytes]:
    header, _, payload = url.partition(",")
    assert header.startswith("data:") and header.endswith(";base64")
    return header[5:-7], base64.b64decode(payload)


async def test_small_pdf_goes_inline_as_file_data_with_filename(tmp_path: Path) -> None:
    pdf = make_pdf("Nucleus sampling keeps the top-p mass.")
    (tmp_path / "paper.pdf").write_bytes(pdf)
    [part] = await attachment_parts(context_for(tmp_path), ["paper.pdf"])
    assert part["type"] == "input_file"
    assert part["filename"] == "paper.pdf"
    media_type, data = decode_data_url(part["file_data"])
    assert media_type == "application/pdf"
    assert data == pdf
    assert "file_id" not in part


async def test_pdf_exactly_at_the_inline_limit_stays_inline(tmp_path: Path) -> None:
    pdf = make_pdf("limit")
    (tmp_path / "edge.pdf").write_bytes(pdf)
    [prepared] = await prepare_attachments(context_for(tmp_path, responses_bridge_inline_pdf_bytes=len(pdf)), ["edge.pdf"])
    assert prepared.how == "inline_pdf"


async def test_pdf_is_recognised_by_content_not_extension(tmp_path: Path) -> None:
    (tmp_path / "report.bin").write_bytes(make_pdf("hidden pdf"))
    [part] = await attachment_parts(context_for(tmp_path), ["report.bin"])
    assert part["type"] == "input_file" and part["file_data"].startswith("data:application/pdf;base64,")


@pytest.mark.parametrize(("fmt", "media_type"), [("PNG", "image/png"), ("JPEG", "image/jpeg"), ("WEBP", "image/webp"), ("GIF", "image/gif")])
async def test_images_go_inline_as_data_urls(tmp_path: Path, fmt: str, media_type: str) -> None:
    image = make_image(64, 48, fmt)
    (tmp_path / f"pic.{fmt.lower()}").write_bytes(image)
    [part] = await attachment_parts(context_for(tmp_path), [f"pic.{fmt.lower()}"])
    assert part["type"] == "input_image"
    assert part["detail"] == "auto"
    sent_type, data = decode_data_url(part["image_url"])
    assert sent_type == media_type
    assert image_size(data) == (fmt, 64, 48)


async def test_image_with_a_lying_extension_gets_its_real_media_type(tmp_path: Path) -> None:
    (tmp_path / "photo.png").write_bytes(make_image(10, 10, "JPEG"))
    [part] = await attachment_parts(context_for(tmp_path), ["photo.png"])
    assert part["image_url"].startswith("data:image/jpeg;base64,")


async def test_unsupported_content_is_refused_even_with_an_image_extension(tmp_path: Path) -> None:
    (tmp_path / "fake.png").write_bytes(b"just some text, not an image")
    with pytest.raises(ToolInputError) as err:
        await attachment_parts(context_for(tmp_path), ["fake.png"])
    assert str(err.value).startswith("attachments[0]: fake.png is neither a PDF nor a PNG, JPEG, WebP or GIF image")


async def test_urls_pass_through_by_extension(tmp_path: Path) -> None:
    parts = await attachment_parts(
        context_for(tmp_path),
        ["https://example.com/cat.JPG?x=1", "http://example.com/paper.pdf", "https://example.com/page"],
    )
    assert parts == [
        {"type": "input_image", "image_url": "https://example.com/cat.JPG?x=1", "detail": "auto"},
        {"type": "input_file", "file_url": "http://example.com/paper.pdf"},
        {"type": "input_file", "file_url": "https://example.com/page"},
    ]


async def test_file_ids_are_referenced(tmp_path: Path) -> None:
    parts = await attachment_parts(context_for(tmp_path), ["file-abc123", "assistant-XyZ_9"])
    assert parts == [{"type": "input_file", "file_id": "file-abc123"}, {"type": "input_file", "file_id": "assistant-XyZ_9"}]


async def test_file_scheme_is_a_local_path(tmp_path: Path) -> None:
    (tmp_path / "a b.pdf").write_bytes(make_pdf("x"))
    uri = (tmp_path / "a b.pdf").as_uri()
    assert "%20" in uri
    [part] = await attachment_parts(context_for(tmp_path), [uri])
    assert part["filename"] == "a b.pdf"


async def test_errors_name_the_index_of_the_bad_attachment(tmp_path: Path) -> None:
    (tmp_path / "ok.pdf").write_bytes(make_pdf("fine"))
    ctx = context_for(tmp_path)
    with pytest.raises(ToolInputError, match=r"^attachments\[1\]: /etc/passwd is outside the allowed roots"):
        await attachment_parts(ctx, ["ok.pdf", "/etc/passwd"])
    with pytest.raises(ToolInputError, match=r"^attachments\[0\]: unsupported URL scheme 'ftp'"):
        await attachment_parts(ctx, ["ftp://example.com/a.pdf"])
    with pytest.raises(ToolInputError, match=r"^attachments\[0\]: data URLs are not accepted"):
        await attachment_parts(ctx, ["data:application/pdf;base64,AAAA"])
    with pytest.raises(ToolInputError, match=r"^attachments\[0\]: give a local file path"):
        await attachment_parts(ctx, [""])
    with pytest.raises(ToolInputError, match=r"^attachments\[0\]: https:// has no host"):
        await attachment_parts(ctx, ["https://"])


async def test_summary_says_what_was_done(tmp_path: Path) -> None:
    (tmp_path / "doc.pdf").write_bytes(make_pdf("x"))
    [prepared] = await prepare_attachments(context_for(tmp_path), ["doc.pdf"])
    summary = prepared.summary()
    assert summary["how"] == "inline_pdf"
    assert summary["filename"] == "doc.pdf"
    assert summary["media_type"] == "application/pdf"
    assert summary["bytes"] == (tmp_path / "doc.pdf").stat().st_size


def test_sniff_image_rejects_truncated_data() -> None:
    png = make_image(20, 20)
    assert sniff_image(png) == "image/png"
    assert sniff_image(png[:20]) is None
    assert sniff_image(b"") is None
