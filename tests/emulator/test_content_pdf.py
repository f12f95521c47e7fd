"""PDF text extraction on real PDFs written here by hand (Helvetica text streams, correct xref table).

`make_pdf` is imported by the other content/files tests.
"""

from __future__ import annotations

import pytest

from contracts.scenarios.media import pdf_bytes
from emulator.pdf_text import PdfFacts, extract_pdf_text


# One hand-written PDF builder serves the contract suite and these tests.
make_pdf = pdf_bytes


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
