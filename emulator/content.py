"""Input content parts -> plain-text facts the emulator's model answers from.

Text parts give their text; images give what Pillow can tell (or that a remote URL was not fetched);
PDFs give their page count and extracted text. Undecodable data is a 400 naming the part's field.
"""

from __future__ import annotations

import base64
import binascii

from emulator.errors import EmulatorError, invalid, not_found
from emulator.file_store import FileStore
from emulator.image_input import decode_data_url, image_url_facts
from emulator.pdf_text import extract_pdf_text


TEXT_PARTS = ("input_text", "output_text", "summary_text", "reasoning_text")


class ContentReader:
    """Describes the content of one request's items, each message and each non-text part once.

    A turn reads every message several times (validation, token counts, instructions, the answer); with a
    reader an image is decoded and a PDF parsed only the first time. Memos are keyed by object identity and
    keep the object, so an id is never reused while the reader lives; errors (400 naming `param`) come from
    the first reading, which for a request's own input is the validation pass with its exact place.
    """

    def __init__(self, files: FileStore) -> None:
        self.files = files
        self._parts: dict[int, tuple[dict, str]] = {}
        self._messages: dict[int, tuple[dict, str]] = {}

    def part(self, part: dict, param: str = "content[0]") -> str:
        """describe_part, remembered."""
        kind = part.get("type")
        if kind in TEXT_PARTS:  # cheaper to read again than to remember
            return str(part.get("text") or "")
        known = self._parts.get(id(part))
        if known is None:
            known = self._parts[id(part)] = (part, describe_part(part, self.files, param))
        return known[1]

    def content(self, content: str | list, param: str = "content") -> str:
        """describe_content, with each part read through `part`."""
        if isinstance(content, str):
            return content
        return "\n".join([self.part(part, f"{param}[{i}]") for i, part in enumerate(content)])

    def message(self, item: dict, param: str = "input") -> str:
        """The text of a message item's content ("" without content), remembered."""
        known = self._messages.get(id(item))
        if known is None:
            content = item.get("content")
            text = "" if content is None else self.content(content, f"{param}.content")
            known = self._messages[id(item)] = (item, text)
        return known[1]


def describe_content(content: str | list, files: FileStore, param: str = "content") -> str:
    """A message's content (a string or a list of parts) as one text, parts separated by newlines."""
    if isinstance(content, str):
        return content
    return "\n".join(describe_part(part, files, f"{param}[{i}]") for i, part in enumerate(content))


def describe_part(part: dict, files: FileStore, param: str = "content[0]") -> str:
    """Plain-text facts for one content part; `param` is its path in the request (for errors)."""
    kind = part.get("type")
    if kind in TEXT_PARTS:
        return str(part.get("text") or "")
    if kind == "refusal":
        return str(part.get("refusal") or "")
    if kind == "input_image":
        return _describe_image(part, param)
    if kind == "input_file":
        return _describe_file(part, files, param)
    raise invalid(
        f"{param}.type",
        f"Unsupported content part type {kind!r}; use input_text, input_image or input_file.",
    )


def _describe_image(part: dict, param: str) -> str:
    if part.get("file_id"):
        # Catalog limitation `image_file_reference_input` (both doc snapshots): not supported.
        raise invalid(
            f"{param}.file_id",
            "Images cannot be uploaded as a file and then referenced as input; send the image inline as "
            "image_url='data:image/png;base64,...' or as an https URL.",
            code="unsupported_value",
        )
    url = part.get("image_url")
    if not isinstance(url, str) or not url:
        raise invalid(f"{param}.image_url", "input_image needs `image_url` (an https URL or a base64 data URL).")
    try:
        return "Image: " + image_url_facts(url).sentence()
    except ValueError as exc:
        raise invalid(f"{param}.image_url", f"The image could not be decoded: {exc}.") from exc


def _describe_file(part: dict, files: FileStore, param: str) -> str:
    filename = part.get("filename")
    if part.get("file_id"):
        file_id = str(part["file_id"])
        meta, data = files.get(file_id), files.content(file_id)
        if meta is None or data is None:
            raise not_found("file", file_id, param=f"{param}.file_id")
        return _file_facts(filename or meta["filename"], data, f"{param}.file_id")
    if part.get("file_data"):
        data = _file_data_bytes(str(part["file_data"]), f"{param}.file_data")
        return _file_facts(filename or "file", data, f"{param}.file_data")
    if part.get("file_url"):
        return f"File at {part['file_url']} (not fetched: the emulator is offline, so its content is unknown)"
    raise invalid(param, "input_file needs one of `file_data` (a base64 data URL), `file_id` or `file_url`.")


def _file_data_bytes(file_data: str, param: str) -> bytes:
    try:
        if file_data.startswith("data:"):
            return decode_data_url(file_data)[1]
        return base64.b64decode(file_data, validate=True)
    except (ValueError, binascii.Error) as exc:
        raise invalid(
            param, f"file_data must be 'data:application/pdf;base64,<base64 bytes>' ({exc})."
        ) from exc


def _file_facts(filename: str, data: bytes, param: str) -> str:
    if data.lstrip()[:5] == b"%PDF-":
        try:
            pdf = extract_pdf_text(data)
        except ValueError as exc:
            raise invalid(param, f"The PDF {filename} could not be read: {exc}.") from exc
        pages = "page" if pdf.pages == 1 else "pages"
        return f"PDF {filename}, {pdf.pages} {pages}: {pdf.text}"
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise EmulatorError(
            400,
            f"The file {filename} is neither a PDF nor UTF-8 text; input_file accepts PDF files.",
            code="unsupported_file",
            param=param,
        ) from None
    return f"File {filename}, {len(data)} bytes of text: {text}"
