"""Media tools end to end: the real `mcp` client → the bridge → a real emulator on loopback.

The emulator's model answers from its input (a PDF's extracted text, an image's format and size), so the
answers prove that the content reached the model.
"""

from __future__ import annotations

import base64
import re
from pathlib import Path

import openai
import pytest
from tests.bridge.conftest import BridgeHTTPServer, Progress
from tests.bridge.media_harness import bridge_client, http_client_session, media_context, media_settings, structured, text_of
from tests.bridge.media_samples import image_size, make_image, make_pdf
from mcp.shared.exceptions import MCPError
from mcp.types import BlobResourceContents, ImageContent, ResourceLink

from emulator.server import EmulatorServer

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(60)]

PDF_TEXT = "Nucleus sampling keeps the smallest token set above mass p."


def files_dir(tmp_path: Path) -> Path:
    path = tmp_path / "files"
    path.mkdir(exist_ok=True)
    return path


async def test_tools_declare_schemas_annotations_and_the_image_template(emulator: EmulatorServer, tmp_path: Path) -> None:
    async with bridge_client(media_context(emulator, tmp_path)) as client:
        tools = {tool.name: tool for tool in (await client.list_tools()).tools}
        templates = (await client.list_resource_templates()).resource_templates
    for name in ("upload_file", "ask_about_files", "describe_image", "generate_image", "approve_mcp_request"):
        tool = tools[name]
        assert tool.description and tool.output_schema, name
        assert tool.annotations is not None
        # Approving runs an unknown remote tool: flagged destructive so clients confirm it.
        destructive = name == "approve_mcp_request"
        assert tool.annotations.read_only_hint is False and tool.annotations.destructive_hint is destructive, name
        assert tool.annotations.idempotent_hint is False and tool.annotations.open_world_hint is True, name
        for prop, schema in tool.input_schema["properties"].items():
            assert schema.get("description"), f"{name}.{prop} has no description"
    assert "images" in tools["generate_image"].output_schema["properties"]
    assert tools["ask_about_files"].input_schema["required"] == ["prompt", "attachments"]
    [image_template] = [t for t in templates if t.uri_template == "image://generated/{name}"]
    assert image_template.mime_type == "image/png"


async def test_small_pdf_goes_inline_and_its_text_reaches_the_model(emulator: EmulatorServer, tmp_path: Path) -> None:
    (files_dir(tmp_path) / "paper.pdf").write_bytes(make_pdf(PDF_TEXT))
    async with bridge_client(media_context(emulator, tmp_path)) as client:
        result = await client.call_tool("ask_about_files", {"prompt": "Summarize this PDF.", "attachments": ["paper.pdf"]})
    data = structured(result)
    assert PDF_TEXT in data["output_text"]
    assert data["attachments"] == [
        {"source": "paper.pdf", "how": "inline_pdf", "filename": "paper.pdf", "bytes": len(make_pdf(PDF_TEXT)),
         "media_type": "application/pdf"}
    ]
    assert data["response_id"].startswith("resp_") and data["status"] == "completed"


async def test_answer_about_a_pdf_streams_as_progress_when_asked(emulator: EmulatorServer, tmp_path: Path) -> None:
    (files_dir(tmp_path) / "paper.pdf").write_bytes(make_pdf(PDF_TEXT))
    progress = Progress()
    async with bridge_client(media_context(emulator, tmp_path)) as client:
        result = await client.call_tool(
            "ask_about_files", {"prompt": "Summarize this PDF.", "attachments": ["paper.pdf"]}, progress_callback=progress
        )
    data = structured(result)
    assert PDF_TEXT in data["output_text"]
    assert len(progress.deltas()) > 1 and "".join(progress.deltas()) == data["output_text"]


async def test_large_pdf_is_uploaded_with_purpose_assistants(emulator: EmulatorServer, tmp_path: Path) -> None:
    pdf = make_pdf(PDF_TEXT)
    (files_dir(tmp_path) / "big.pdf").write_bytes(pdf)
    # Over the inline limit by one byte: uploaded instead of sent inline.
    ctx = media_context(emulator, tmp_path, responses_bridge_inline_pdf_bytes=len(pdf) - 1)
    async with bridge_client(ctx) as client:
        result = await client.call_tool("ask_about_files", {"prompt": "Summarize this PDF.", "attachments": ["big.pdf"]})
    data = structured(result)
    [attachment] = data["attachments"]
    assert attachment["how"] == "uploaded_pdf" and attachment["bytes"] == len(pdf)
    assert PDF_TEXT in data["output_text"]
    direct = openai.OpenAI(base_url=emulator.base_url, api_key="emulator-key")
    uploaded = direct.files.retrieve(attachment["file_id"])
    assert (uploaded.purpose, uploaded.filename, uploaded.bytes) == ("assistants", "big.pdf", len(pdf))


async def test_local_image_reaches_the_model_as_a_data_url(emulator: EmulatorServer, tmp_path: Path) -> None:
    (files_dir(tmp_path) / "chart.png").write_bytes(make_image(64, 48))
    async with bridge_client(media_context(emulator, tmp_path)) as client:
        result = await client.call_tool("describe_image", {"image": "chart.png", "question": "What is in this image?"})
    data = structured(result)
    assert "PNG" in data["output_text"] and "64x48" in data["output_text"]
    assert data["attachments"][0]["how"] == "inline_image"


async def test_jpeg_named_png_is_sent_as_jpeg(emulator: EmulatorServer, tmp_path: Path) -> None:
    (files_dir(tmp_path) / "photo.png").write_bytes(make_image(30, 20, "JPEG"))
    async with bridge_client(media_context(emulator, tmp_path)) as client:
        result = await client.call_tool("ask_about_files", {"prompt": "Describe.", "attachments": ["photo.png"]})
    data = structured(result)
    assert "JPEG" in data["output_text"] and "30x20" in data["output_text"]
    assert data["attachments"][0]["media_type"] == "image/jpeg"


async def test_image_url_is_passed_through(emulator: EmulatorServer, tmp_path: Path) -> None:
    async with bridge_client(media_context(emulator, tmp_path)) as client:
        result = await client.call_tool("describe_image", {"image": "https://example.com/otter"})
    data = structured(result)
    assert "https://example.com/otter" in data["output_text"]
    assert data["attachments"] == [{"source": "https://example.com/otter", "how": "image_url"}]


async def test_uploaded_file_id_can_be_attached(emulator: EmulatorServer, tmp_path: Path) -> None:
    (files_dir(tmp_path) / "notes.pdf").write_bytes(make_pdf(PDF_TEXT))
    async with bridge_client(media_context(emulator, tmp_path)) as client:
        upload = structured(await client.call_tool("upload_file", {"path": "notes.pdf"}))
        assert upload["purpose"] == "assistants" and upload["media_type"] == "application/pdf"
        assert upload["filename"] == "notes.pdf" and upload["file_id"]
        answer = structured(
            await client.call_tool("ask_about_files", {"prompt": "Summarize.", "attachments": [upload["file_id"]]})
        )
    assert PDF_TEXT in answer["output_text"]
    assert answer["attachments"] == [{"source": upload["file_id"], "how": "file_id", "file_id": upload["file_id"]}]


async def test_upload_with_user_data_is_refused_with_the_documented_reason(emulator: EmulatorServer, tmp_path: Path) -> None:
    (files_dir(tmp_path) / "notes.pdf").write_bytes(make_pdf("x"))
    async with bridge_client(media_context(emulator, tmp_path)) as client:
        result = await client.call_tool("upload_file", {"path": "notes.pdf", "purpose": "user_data"})
    assert result.is_error
    assert "purpose: 'user_data' is not supported" in text_of(result) and "purpose='assistants'" in text_of(result)
    async with bridge_client(media_context(emulator, tmp_path)) as client:
        unknown = await client.call_tool("upload_file", {"path": "notes.pdf", "purpose": "archive"})
    assert unknown.is_error and "purpose" in text_of(unknown) and "'assistants'" in text_of(unknown)


async def test_generate_image_returns_thumbnail_link_and_png_readable_as_resource(
    emulator: EmulatorServer, tmp_path: Path
) -> None:
    # The emulator (Azure dialect) only generates when x-ms-oai-image-generation-deployment is sent.
    async with bridge_client(media_context(emulator, tmp_path)) as client:
        result = await client.call_tool(
            "generate_image",
            {"prompt": "A gray tabby cat hugging an otter with an orange scarf.", "size": "1536x1024", "quality": "low"},
        )
        data = structured(result)
        thumbs = [b for b in result.content if isinstance(b, ImageContent)]
        links = [b for b in result.content if isinstance(b, ResourceLink)]
        [image] = data["images"]
        read = await client.read_resource(links[0].uri)
    # The PNG on disk is the full image; the thumbnail is small.
    saved = Path(image["path"])
    assert saved.is_file() and saved.parent == (tmp_path / "out").resolve()
    png = saved.read_bytes()
    assert image_size(png) == ("PNG", image["width"], image["height"]) and image["bytes"] == len(png)
    assert len(thumbs) == 1 and len(links) == 1
    thumb = base64.b64decode(thumbs[0].data)
    assert len(thumb) < 100 * 1024 and max(image_size(thumb)[1:]) <= 256
    assert links[0].uri == image["uri"] == f"image://generated/{saved.name}"
    assert links[0].meta and links[0].meta["file_uri"] == saved.as_uri()
    assert image["revised_prompt"]
    # The requested options reached the image_generation tool.
    assert (image["width"], image["height"], image["size"], image["quality"]) == (1536, 1024, "1536x1024", "low")
    # Readable back through the resource template, byte for byte.
    [content] = read.contents
    assert isinstance(content, BlobResourceContents) and content.mime_type == "image/png"
    assert base64.b64decode(content.blob) == png


async def test_image_resource_refuses_names_outside_the_output_dir(emulator: EmulatorServer, tmp_path: Path) -> None:
    (tmp_path / "secret.png").write_bytes(make_image(8, 8))
    async with bridge_client(media_context(emulator, tmp_path)) as client:
        expected = {
            # The SDK's template security refuses the traversal before the handler runs.
            "image://generated/..%2Fsecret.png": "Unknown resource",
            "image://generated/missing.png": "no generated image named 'missing.png'",
            "image://generated/x.txt": "'x.txt' is not the name of a generated image",
        }
        for uri, message in expected.items():
            with pytest.raises(MCPError, match=re.escape(message)):
                await client.read_resource(uri)
        # The server is still serving.
        assert (await client.list_tools()).tools


async def test_path_escape_and_bad_arguments_are_clear_errors_and_the_server_keeps_running(
    emulator: EmulatorServer, tmp_path: Path
) -> None:
    (files_dir(tmp_path) / "ok.pdf").write_bytes(make_pdf(PDF_TEXT))
    (files_dir(tmp_path) / "link.pdf").symlink_to("/etc/passwd")
    roots = str((tmp_path / "files").resolve())
    async with bridge_client(media_context(emulator, tmp_path)) as client:
        escape = await client.call_tool("ask_about_files", {"prompt": "Read.", "attachments": ["ok.pdf", "/etc/passwd"]})
        assert escape.is_error
        assert f"attachments[1]: /etc/passwd is outside the allowed roots ({roots}); set RESPONSES_BRIDGE_ALLOWED_ROOTS" in text_of(escape)
        dotdot = await client.call_tool("describe_image", {"image": "../../etc/passwd"})
        assert dotdot.is_error and "image: ../../etc/passwd is outside the allowed roots" in text_of(dotdot)
        link = await client.call_tool("upload_file", {"path": "link.pdf"})
        assert link.is_error and "path: link.pdf is outside the allowed roots" in text_of(link)
        wrong_type = await client.call_tool("ask_about_files", {"prompt": "Read.", "attachments": "ok.pdf"})
        assert wrong_type.is_error and "attachments" in text_of(wrong_type)
        missing = await client.call_tool("ask_about_files", {"attachments": ["ok.pdf"]})
        assert missing.is_error and "prompt" in text_of(missing)
        bad_choice = await client.call_tool("describe_image", {"image": "ok.pdf", "detail": "ultra"})
        assert bad_choice.is_error and "detail" in text_of(bad_choice)
        not_image = await client.call_tool("describe_image", {"image": "ok.pdf"})
        assert not_image.is_error and "image: ok.pdf is not a PNG, JPEG, WebP or GIF image" in text_of(not_image)
        file_id = await client.call_tool("describe_image", {"image": "file-abc"})
        assert file_id.is_error and "file ids cannot be used as image input" in text_of(file_id)
        # Still serving: the same server answers a good request.
        good = await client.call_tool("ask_about_files", {"prompt": "Summarize.", "attachments": ["ok.pdf"]})
        assert PDF_TEXT in structured(good)["output_text"]


@pytest.mark.timeout(90)
async def test_media_over_streamable_http(emulator: EmulatorServer, tmp_path: Path) -> None:
    (files_dir(tmp_path) / "paper.pdf").write_bytes(make_pdf(PDF_TEXT))
    with BridgeHTTPServer(media_settings(emulator, tmp_path)) as server:
        async with http_client_session(server) as session:
            answer = await session.call_tool("ask_about_files", {"prompt": "Summarize.", "attachments": ["paper.pdf"]})
            assert PDF_TEXT in structured(answer)["output_text"]
            generated = await session.call_tool("generate_image", {"prompt": "An otter."})
            [image] = structured(generated)["images"]
            read = await session.read_resource(image["uri"])
            escape = await session.call_tool("upload_file", {"path": "/etc/passwd"})
            assert escape.is_error and "outside the allowed roots" in text_of(escape)
            again = await session.call_tool("describe_image", {"image": "https://example.com/a.png"})
            assert not again.is_error
    assert base64.b64decode(read.contents[0].blob) == Path(image["path"]).read_bytes()  # type: ignore[union-attr]


async def test_uploading_an_image_warns_that_it_cannot_be_referenced_as_input(
    emulator: EmulatorServer, tmp_path: Path
) -> None:
    (files_dir(tmp_path) / "photo.png").write_bytes(make_image(32, 24, "PNG"))
    (files_dir(tmp_path) / "notes.pdf").write_bytes(make_pdf(PDF_TEXT))
    async with bridge_client(media_context(emulator, tmp_path)) as client:
        image = structured(await client.call_tool("upload_file", {"path": "photo.png"}))
        pdf = structured(await client.call_tool("upload_file", {"path": "notes.pdf"}))
        # What the warning recommends works: the same image, sent inline by its local path.
        seen = structured(await client.call_tool("describe_image", {"image": "photo.png"}))
    assert image["media_type"] == "image/png" and image["file_id"]
    warning = image["warning"]
    assert "images cannot be uploaded as a file and then referenced as input" in warning
    assert "describe_image" in warning and "data URL" in warning
    assert pdf["warning"] is None
    assert "32x24" in seen["output_text"]
