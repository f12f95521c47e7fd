"""Text extraction from PDF input (base64 `file_data` or an uploaded file), with pypdf."""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from functools import lru_cache

from pypdf import PdfReader
from pypdf.errors import PyPdfError

# pypdf logs a warning per repaired defect; a client's malformed PDF must not flood the emulator's log.
logging.getLogger("pypdf").setLevel(logging.ERROR)


@dataclass(frozen=True)
class PdfFacts:
    pages: int
    text: str  # the pages' text joined by blank lines, whitespace runs collapsed per line


def extract_pdf_text(data: bytes) -> PdfFacts:
    """Page count and text of a PDF; ValueError (saying what was received) for anything else."""
    return _extract(data)


# A chained conversation re-reads its earlier PDFs on every turn (answer and token count): parse each once.
@lru_cache(maxsize=32)
def _extract(data: bytes) -> PdfFacts:
    if not data.lstrip()[:5] == b"%PDF-":
        head = data[:8]
        raise ValueError(f"the data is not a PDF (it should start with %PDF-, it starts with {head!r})")
    try:
        reader = PdfReader(io.BytesIO(data))
        texts = [page.extract_text() or "" for page in reader.pages]
    except (PyPdfError, ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"the PDF could not be read: {exc}") from exc
    cleaned = ["\n".join(" ".join(line.split()) for line in t.splitlines() if line.strip()) for t in texts]
    return PdfFacts(pages=len(texts), text="\n\n".join(t for t in cleaned if t))
