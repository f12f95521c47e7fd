"""PDF text extraction on real PDFs written here by hand (Helvetica text streams, correct xref table).

`make_pdf` is imported by the other content/files tests.
"""

from __future__ import annotations

import pytest

from emulator.pdf_text import PdfFacts, extract_pdf_text


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def make_pdf(*pages: str) -> bytes:
    """A valid PDF with one page per argument, each showing its text in Helvetica."""
    objects: list[bytes] = []
    n = len(pages)
    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(n))
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {n} >>".encode())
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    for i, text in enumerate(pages):
        stream = f"BT /F1 14 Tf 72 720 Td ({_escape(text)}) Tj ET".encode("latin-1")
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> "
            f"/Contents {5 + 2 * i} 0 R >>".encode()
        )
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def test_single_page_text_is_extracted() -> None:
    facts = extract_pdf_text(make_pdf("Nucleus sampling picks the smallest set of tokens."))
    assert facts == PdfFacts(pages=1, text="Nucleus sampling picks the smallest set of tokens.")


def test_every_page_is_counted_and_read_in_order() -> None:
    facts = extract_pdf_text(make_pdf("First page (alpha)", "Second page", "Third page"))
    assert facts.pages == 3
    assert facts.text.index("First page (alpha)") < facts.text.index("Second page") < facts.text.index("Third")


def test_a_page_without_text_still_counts() -> None:
    facts = extract_pdf_text(make_pdf("", "only text"))
    assert facts.pages == 2 and facts.text == "only text"


@pytest.mark.parametrize("data", [b"", b"hello world", b"\x89PNG\r\n\x1a\n0000"])
def test_non_pdf_data_is_a_clear_value_error(data: bytes) -> None:
    with pytest.raises(ValueError, match="not a PDF"):
        extract_pdf_text(data)


def test_a_broken_pdf_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="PDF"):
        extract_pdf_text(b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\n%%EOF")
