"""Real media made in the tests: a PDF with text, PNG/JPEG images (Pillow), base64 helpers."""

from __future__ import annotations

import base64
import io

from PIL import Image


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def make_pdf(*pages: str, padding: int = 0) -> bytes:
    """A valid PDF with one Helvetica text page per argument; `padding` bytes of comment make it bigger."""
    objects: list[bytes] = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(len(pages)))
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode())
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    for i, text in enumerate(pages):
        stream = f"BT /F1 14 Tf 72 720 Td ({_escape(text)}) Tj ET".encode("latin-1")
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> "
            f"/Contents {5 + 2 * i} 0 R >>".encode()
        )
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    out = bytearray(b"%PDF-1.4\n")
    # Comment lines before the objects: valid PDF, lets a test cross the inline size limit.
    while padding > 0:
        line = b"%" + b"p" * min(padding, 200) + b"\n"
        out += line
        padding -= len(line)
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def make_image(width: int, height: int, fmt: str = "PNG", color: tuple[int, int, int] = (200, 40, 90)) -> bytes:
    img = Image.new("RGB", (width, height), color)
    # A gradient so the encoders have something to compress (and sizes are realistic).
    for x in range(0, width, max(1, width // 32)):
        for y in range(0, height, max(1, height // 32)):
            img.putpixel((x, y), (x % 256, y % 256, (x + y) % 256))
    buf = io.BytesIO()
    img.save(buf, format=fmt)
    return buf.getvalue()


def noisy_png(width: int, height: int) -> bytes:
    """A photograph-like PNG (random pixels) that compresses badly: the worst case for thumbnails."""
    import os

    img = Image.frombytes("RGB", (width, height), os.urandom(width * height * 3))
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def image_size(data: bytes) -> tuple[str, int, int]:
    with Image.open(io.BytesIO(data)) as img:
        return img.format or "", img.width, img.height
