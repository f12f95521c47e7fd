"""PDF and image input through the official openai SDK against a running emulator (the seeds' examples)."""

from __future__ import annotations

import base64
import io

import openai
import pytest
from PIL import Image

from .test_content_pdf import make_pdf

pytestmark = pytest.mark.timeout(60)

PDF_TEXT = "Nucleus sampling keeps the smallest set of tokens whose probability mass exceeds p."


def jpeg(size: tuple[int, int]) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, (20, 120, 200)).save(buf, format="JPEG")
    return buf.getvalue()


def test_pdf_as_base64_file_data(client: openai.OpenAI) -> None:
    data = make_pdf(PDF_TEXT, "Second page: top-p.")
    base64_string = base64.b64encode(data).decode("utf-8")
    response = client.responses.create(
        model="gpt-4o-mini",
        input=[
            {
                "role": "user",
                "content": [
                    {"type": "input_file", "filename": "PDF-FILE-NAME.pdf", "file_data": f"data:application/pdf;base64,{base64_string}"},
                    {"type": "input_text", "text": "Summarize this PDF"},
                ],
            },
        ],
    )
    assert PDF_TEXT in response.output_text and "Second page: top-p." in response.output_text
    assert "PDF-FILE-NAME.pdf, 2 pages" in response.output_text


def test_pdf_uploaded_with_purpose_assistants_then_file_id(client: openai.OpenAI) -> None:
    file = client.files.create(file=("nucleus_sampling.pdf", make_pdf(PDF_TEXT)), purpose="assistants")
    assert file.id.startswith("assistant-") and file.purpose == "assistants" and file.status == "processed"
    assert client.files.retrieve(file.id).filename == "nucleus_sampling.pdf"
    response = client.responses.create(
        model="gpt-4o-mini",
        input=[
            {
                "role": "user",
                "content": [{"type": "input_file", "file_id": file.id}, {"type": "input_text", "text": "Summarize this PDF"}],
            },
        ],
    )
    assert PDF_TEXT in response.output_text and "nucleus_sampling.pdf" in response.output_text
    assert client.files.delete(file.id).deleted is True
    with pytest.raises(openai.NotFoundError):
        client.files.retrieve(file.id)


def test_user_data_purpose_is_rejected_as_documented(client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as err:
        client.files.create(file=("doc.pdf", make_pdf("x")), purpose="user_data")
    body = err.value.body
    assert isinstance(body, dict) and body["code"] == "invalidPayload" and body["param"] == "purpose"
    assert "purpose=assistants" in body["message"]


def ask_about(client: openai.OpenAI, image_url: str) -> str:
    """The seed's vision request: a question and one input_image."""
    response = client.responses.create(
        model="gpt-4o",
        input=[
            {
                "role": "user",
                "content": [
                    {"type": "input_text", "text": "What is in this image?"},
                    {"type": "input_image", "image_url": image_url},
                ],
            }
        ],
    )
    return response.output_text


def test_image_url_is_not_fetched(client: openai.OpenAI) -> None:
    answer = ask_about(client, "https://example.com/otter.jpg")
    assert "https://example.com/otter.jpg" in answer and "not fetched" in answer


def test_base64_image_format_and_size_reach_the_answer(client: openai.OpenAI) -> None:
    data = jpeg((320, 200))
    base64_image = base64.b64encode(data).decode("utf-8")
    answer = ask_about(client, f"data:image/jpeg;base64,{base64_image}")
    assert f"JPEG image, 320x200 pixels, {len(data)} bytes, mostly blue" in answer


def test_undecodable_image_is_400_naming_the_part(client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as err:
        client.responses.create(
            model="gpt-4o",
            input=[{"role": "user", "content": [{"type": "input_image", "image_url": "data:image/png;base64,AAAA"}]}],
        )
    assert isinstance(err.value.body, dict) and err.value.body["param"] == "input[0].content[0].image_url"


def test_image_by_file_id_is_the_documented_limitation(client: openai.OpenAI) -> None:
    file = client.files.create(file=("cat.jpg", jpeg((8, 8))), purpose="assistants")
    with pytest.raises(openai.BadRequestError) as err:
        client.responses.create(
            model="gpt-4o",
            input=[{"role": "user", "content": [{"type": "input_image", "file_id": file.id}]}],
        )
    assert isinstance(err.value.body, dict) and err.value.body["param"] == "input[0].content[0].file_id"
