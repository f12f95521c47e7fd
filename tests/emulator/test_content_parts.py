"""describe_part: every input content part becomes facts the model can answer from, or a 400 naming it."""

from __future__ import annotations

import base64
import io

import pytest
from PIL import Image
from .test_content_pdf import make_pdf

from emulator.content import describe_content, describe_part
from emulator.errors import EmulatorError
from emulator.file_store import FileStore
from emulator.image_input import image_url_facts


def image_bytes(fmt: str, size: tuple[int, int], mode: str = "RGB") -> bytes:
    buf = io.BytesIO()
    Image.new(mode, size, (200, 30, 60)).save(buf, format=fmt)
    return buf.getvalue()


def data_url(media_type: str, data: bytes) -> str:
    return f"data:{media_type};base64,{base64.b64encode(data).decode()}"


@pytest.fixture()
def files() -> FileStore:
    return FileStore(None)


@pytest.mark.parametrize(
    ("part", "text"),
    [
        ({"type": "input_text", "text": "What is in this image?"}, "What is in this image?"),
        ({"type": "output_text", "text": "A cat.", "annotations": []}, "A cat."),
        ({"type": "refusal", "refusal": "I can't help with that."}, "I can't help with that."),
    ],
)
def test_text_parts_give_their_text(part: dict, text: str, files: FileStore) -> None:
    assert describe_part(part, files) == text


@pytest.mark.parametrize(("fmt", "media"), [("PNG", "image/png"), ("JPEG", "image/jpeg"), ("WEBP", "image/webp")])
def test_inline_images_are_decoded(fmt: str, media: str, files: FileStore) -> None:
    data = image_bytes(fmt, (64, 48))
    text = describe_part({"type": "input_image", "image_url": data_url(media, data)}, files)
    assert text == f"Image: a {fmt} image, 64x48 pixels, {len(data)} bytes, mostly red"


def test_remote_image_urls_are_not_fetched(files: FileStore) -> None:
    text = describe_part({"type": "input_image", "image_url": "https://example.com/cat.jpg"}, files)
    assert "https://example.com/cat.jpg" in text and "not fetched" in text


@pytest.mark.parametrize(
    "url",
    [
        "data:image/png;base64,!!!notbase64",
        data_url("image/png", b"definitely not an image"),
        data_url("text/plain", b"hello"),
        "ftp://example.com/cat.png",
    ],
)
def test_undecodable_images_are_400_naming_the_field(url: str, files: FileStore) -> None:
    with pytest.raises(EmulatorError) as err:
        describe_part({"type": "input_image", "image_url": url}, files, "input[0].content[1]")
    assert err.value.status == 400 and err.value.param == "input[0].content[1].image_url"


def test_image_by_file_id_is_the_documented_limitation(files: FileStore) -> None:
    file_id = files.put("cat.png", "assistants", image_bytes("PNG", (8, 8)))["id"]
    with pytest.raises(EmulatorError) as err:
        describe_part({"type": "input_image", "file_id": file_id}, files, "input[0].content[0]")
    assert err.value.status == 400 and err.value.param == "input[0].content[0].file_id"
    assert "cannot be uploaded as a file" in err.value.message


def test_pdf_as_base64_file_data(files: FileStore) -> None:
    pdf = make_pdf("Nucleus sampling keeps the top-p mass.", "Page two.")
    part = {"type": "input_file", "filename": "nucleus.pdf", "file_data": data_url("application/pdf", pdf)}
    assert describe_part(part, files) == "PDF nucleus.pdf, 2 pages: Nucleus sampling keeps the top-p mass.\n\nPage two."


def test_pdf_by_file_id_uses_the_uploaded_name(files: FileStore) -> None:
    file_id = files.put("nucleus_sampling.pdf", "assistants", make_pdf("Top-p sampling."))["id"]
    text = describe_part({"type": "input_file", "file_id": file_id}, files)
    assert text == "PDF nucleus_sampling.pdf, 1 page: Top-p sampling."


def test_unknown_file_id_is_404_naming_the_field(files: FileStore) -> None:
    with pytest.raises(EmulatorError) as err:
        describe_part({"type": "input_file", "file_id": "assistant-nope"}, files, "input[2].content[0]")
    assert err.value.status == 404 and err.value.param == "input[2].content[0].file_id"


@pytest.mark.parametrize(
    "file_data",
    ["data:application/pdf;base64,@@@", data_url("application/pdf", b"%PDF-1.4 garbage"), data_url("application/pdf", b"\xff\xfe\x00binary")],
)
def test_bad_file_data_is_400_naming_the_field(file_data: str, files: FileStore) -> None:
    with pytest.raises(EmulatorError) as err:
        describe_part({"type": "input_file", "file_data": file_data}, files, "input[0].content[0]")
    assert err.value.status == 400 and err.value.param == "input[0].content[0].file_data"


def test_input_file_without_a_source_is_400(files: FileStore) -> None:
    with pytest.raises(EmulatorError) as err:
        describe_part({"type": "input_file", "filename": "a.pdf"}, files, "input[0].content[0]")
    assert err.value.param == "input[0].content[0]" and "file_data" in err.value.message


def test_unknown_part_types_are_400(files: FileStore) -> None:
    with pytest.raises(EmulatorError) as err:
        describe_part({"type": "input_video"}, files, "input[0].content[3]")
    assert err.value.param == "input[0].content[3].type"


def test_describe_content_joins_parts_and_passes_strings(files: FileStore) -> None:
    content = [{"type": "input_text", "text": "Summarize this PDF."}, {"type": "input_image", "image_url": "https://x.test/a.png"}]
    assert describe_content("plain", files) == "plain"
    text = describe_content(content, files, "input[0].content")
    assert text.startswith("Summarize this PDF.\nImage: an image at https://x.test/a.png")


@pytest.mark.parametrize(
    ("rgb", "name"), [((250, 250, 250), "white"), ((10, 40, 200), "blue"), ((30, 160, 50), "green"), ((0, 0, 0), "black")]
)
def test_the_average_colour_is_named(rgb: tuple[int, int, int], name: str) -> None:
    buf = io.BytesIO()
    Image.new("RGB", (20, 20), rgb).save(buf, format="PNG")
    assert image_url_facts(data_url("image/png", buf.getvalue())).colour == name


def test_image_facts_for_a_gif_and_an_rgba_png() -> None:
    facts = image_url_facts(data_url("image/png", image_bytes("PNG", (3, 5), "RGBA")))
    assert (facts.format, facts.width, facts.height) == ("PNG", 3, 5)
    assert image_url_facts(data_url("image/gif", image_bytes("GIF", (10, 2), "P"))).format == "GIF"
