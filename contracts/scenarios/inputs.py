"""PDF input: inline base64, uploaded with purpose=assistants, and purpose=user_data refused as documented.

The PDF says a nonce word; the answer must contain it (a model reads it back, the emulator quotes the
PDF's extracted text), which proves the file's text reached the model.
"""

from __future__ import annotations

from contracts.scenarios.calls import CONTENT_TOKENS, create
from contracts.scenarios.expect import error_body, fail, ok, output_text
from contracts.scenarios.media import data_url, nonce_word, pdf_bytes
from contracts.scenarios.registry import ScenarioContext, scenario

PDF_RULE = "2026-05 §PDF input ('PDF converteren naar Base64 en analyseren', 'PDF uploaden en analyseren')"
QUESTION = "What is the code word in this PDF? Reply with the code word only."


def _pdf(nonce: str) -> bytes:
    return pdf_bytes(f"The code word is {nonce}.")


def _check_answer(answer: str, nonce: str) -> str:
    if nonce.lower() not in answer.lower():
        raise fail(f"the answer does not contain the PDF's code word {nonce!r}: {answer[:200]!r}")
    return "the PDF's code word came back"


@scenario("inputs.pdf-base64", "PDF input as base64 file_data", f"{PDF_RULE}: input_file with file_data data URL")
def pdf_base64(ctx: ScenarioContext) -> str:
    nonce = nonce_word()
    content = [
        {"type": "input_file", "filename": "code-word.pdf", "file_data": data_url("application/pdf", _pdf(nonce))},
        {"type": "input_text", "text": QUESTION},
    ]
    got = create(ctx, "create with an inline PDF", input=[{"role": "user", "content": content}], tokens=CONTENT_TOKENS)
    return _check_answer(output_text(got), nonce)


@scenario("inputs.pdf-upload", "PDF uploaded with purpose=assistants, then referenced by file_id",
          f"{PDF_RULE}: files.create(purpose='assistants'), then input_file with file_id")
def pdf_upload(ctx: ScenarioContext) -> str:
    nonce = nonce_word()
    resp = ctx.session.request(
        "POST", "files", data={"purpose": "assistants"},
        files={"file": ("code-word.pdf", _pdf(nonce), "application/pdf")},
    )
    uploaded = ok(resp, "upload with purpose=assistants")
    if uploaded.get("object") != "file" or not isinstance(uploaded.get("id"), str):
        raise fail(f"upload answered object {uploaded.get('object')!r} id {uploaded.get('id')!r}", resp)
    if uploaded.get("purpose") != "assistants":
        raise fail(f"uploaded file has purpose {uploaded.get('purpose')!r}, sent 'assistants'", resp)
    try:
        content = [{"type": "input_file", "file_id": uploaded["id"]}, {"type": "input_text", "text": QUESTION}]
        got = create(ctx, "create with file_id", input=[{"role": "user", "content": content}], tokens=CONTENT_TOKENS)
        return _check_answer(output_text(got), nonce)
    finally:
        ctx.session.delete(f"files/{uploaded['id']}")  # best effort: real endpoints keep uploads otherwise


@scenario("inputs.pdf-user-data-rejected", "upload with purpose=user_data is refused",
          f"{PDF_RULE} + known issues: purpose user_data is not supported; use assistants",
          profiles=("azure-v1",))
def user_data(ctx: ScenarioContext) -> str:
    resp = ctx.session.request(
        "POST", "files", data={"purpose": "user_data"},
        files={"file": ("code-word.pdf", _pdf(nonce_word()), "application/pdf")},
    )
    if 200 <= resp.status < 300:
        file_id = resp.body.get("id") if isinstance(resp.body, dict) else None
        if file_id:
            ctx.session.delete(f"files/{file_id}")
        raise fail("purpose=user_data was accepted; the docs list it as not supported (fixed upstream?)", resp)
    error_body(resp, "upload with purpose=user_data", status=400, names="purpose")
    return "refused, naming purpose"
