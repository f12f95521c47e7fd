"""Publishing generated images: PNG on disk, small thumbnail, ResourceLink, metadata."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest
from tests.bridge.media_samples import b64, image_size, make_image, noisy_png
from openai.types.responses import Response

from bridge.context import BridgeContext, build_context
from bridge.images import publish_images, read_saved_image, saved_image_path, thumbnail
from bridge.settings import Settings


def context_for(tmp_path: Path) -> BridgeContext:
    settings = Settings(
        emulator_base_url="http://127.0.0.1:9/openai/v1/",
        responses_bridge_allowed_roots=[tmp_path],
        responses_bridge_output_dir=tmp_path / "out",
    )
    return build_context(settings)


def response_with(*items: dict[str, Any], response_id: str = "resp_abc") -> Response:
    return Response.model_validate(
        {
            "id": response_id,
            "object": "response",
            "created_at": 1,
            "model": "gpt-4o-2024-08-06",
            "status": "completed",
            "output": list(items),
            "parallel_tool_calls": True,
            "tool_choice": "auto",
            "tools": [],
        }
    )


def image_call(item_id: str, data: bytes, **extra: Any) -> dict[str, Any]:
    return {"type": "image_generation_call", "id": item_id, "status": "completed", "result": b64(data), **extra}


def test_png_is_saved_and_described(tmp_path: Path) -> None:
    png = make_image(1024, 1024)
    response = response_with(
        image_call("ig_1", png, revised_prompt="a gray tabby cat hugging an otter", size="1024x1024", quality="low")
    )
    [published] = publish_images(context_for(tmp_path), response)
    meta = published.metadata
    saved = Path(meta["path"])
    assert saved.parent == (tmp_path / "out").resolve()
    assert saved.read_bytes() == png
    assert meta["name"] == "resp_abc-ig_1.png"
    assert meta["uri"] == "image://generated/resp_abc-ig_1.png"
    assert meta["file_uri"] == saved.as_uri()
    assert (meta["width"], meta["height"], meta["bytes"]) == (1024, 1024, len(png))
    assert meta["revised_prompt"] == "a gray tabby cat hugging an otter"
    assert (meta["size"], meta["quality"]) == ("1024x1024", "low")

    thumb, link = published.blocks
    assert thumb.type == "image"
    thumb_bytes = base64.b64decode(thumb.data)
    fmt, width, height = image_size(thumb_bytes)
    assert max(width, height) <= 256
    assert len(thumb_bytes) < 100 * 1024
    assert thumb.mime_type == f"image/{fmt.lower()}"
    assert link.type == "resource_link"
    assert link.uri == meta["uri"] and link.mime_type == "image/png" and link.size == len(png)
    assert link.meta == {"file_uri": saved.as_uri(), "path": str(saved)}


def test_photographic_image_still_gets_a_small_thumbnail(tmp_path: Path) -> None:
    big = noisy_png(1536, 1024)
    assert len(big) > 1_000_000  # a worst case: incompressible pixels
    [published] = publish_images(context_for(tmp_path), response_with(image_call("ig_noise", big)))
    data = base64.b64decode(published.blocks[0].data)
    fmt, width, height = image_size(data)
    assert (width, height) == (256, 171)
    assert len(data) < 100 * 1024
    assert published.metadata["thumbnail"]["bytes"] == len(data)


def test_transparent_thumbnail_stays_png() -> None:
    from PIL import Image

    img = Image.new("RGBA", (600, 300), (0, 0, 0, 0))
    data, media_type, width, height = thumbnail(img)
    assert (media_type, width, height) == ("image/png", 256, 128)
    assert image_size(data)[0] == "PNG"


def test_non_png_result_is_stored_as_png(tmp_path: Path) -> None:
    jpeg = make_image(300, 200, "JPEG")
    [published] = publish_images(context_for(tmp_path), response_with(image_call("ig_j", jpeg, output_format="jpeg")))
    saved = Path(published.metadata["path"])
    assert saved.suffix == ".png"
    assert image_size(saved.read_bytes()) == ("PNG", 300, 200)


def test_every_image_call_is_published_and_others_ignored(tmp_path: Path) -> None:
    response = response_with(
        {"type": "message", "id": "msg_1", "role": "assistant", "status": "completed", "content": []},
        image_call("ig_a", make_image(64, 64)),
        image_call("ig_b", make_image(32, 16)),
        {"type": "image_generation_call", "id": "ig_pending", "status": "in_progress", "result": None},
    )
    published = publish_images(context_for(tmp_path), response)
    assert [p.metadata["item_id"] for p in published] == ["ig_a", "ig_b"]
    assert len({p.metadata["path"] for p in published}) == 2


def test_undecodable_result_is_reported_not_saved(tmp_path: Path) -> None:
    response = response_with({"type": "image_generation_call", "id": "ig_bad", "status": "completed", "result": b64(b"nope")})
    [published] = publish_images(context_for(tmp_path), response)
    assert "could not be decoded" in published.metadata["error"]
    assert "path" not in published.metadata
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_saved_image_is_read_back_and_names_are_confined(tmp_path: Path) -> None:
    ctx = context_for(tmp_path)
    png = make_image(40, 40)
    [published] = publish_images(ctx, response_with(image_call("ig_r", png)))
    assert read_saved_image(ctx.settings, published.metadata["name"]) == png
    (tmp_path / "secret.png").write_bytes(png)
    for bad in ("../secret.png", "/etc/passwd", "..", "a/b.png", "x.txt", ".hidden.png"):
        with pytest.raises(ValueError):
            saved_image_path(ctx.settings, bad)
    with pytest.raises(FileNotFoundError):
        saved_image_path(ctx.settings, "missing.png")
