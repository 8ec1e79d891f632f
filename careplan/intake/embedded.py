"""The intake a plan PDF carries as an attachment: its one name, and reading it back.

Every careplan PDF embeds the intake it was made from as :data:`ATTACHMENT`; :func:`extract_intake` reads it from
a file (``careplan extract``) and :func:`embedded_intake` from bytes (mail checks that a PDF belongs to its
intake before sending it).
"""

from __future__ import annotations

from pathlib import Path

from careplan.errors import InputError

ATTACHMENT = "intake.json"


def extract_intake(pdf: str | Path) -> bytes:
    """The intake JSON embedded in a careplan PDF, byte for byte."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    path = Path(pdf)
    try:
        reader = PdfReader(path)
        attachments = reader.attachments
    except FileNotFoundError:
        raise InputError([f"{path}: no such file"]) from None
    except (PyPdfError, OSError, ValueError, KeyError) as exc:
        raise InputError([f"{path}: not a readable PDF ({type(exc).__name__})"]) from None
    found = attachments.get(ATTACHMENT)
    if not found:
        raise InputError([f"{path}: has no embedded {ATTACHMENT} (was it made by careplan render?)"])
    return found[0]


def embedded_intake(pdf: bytes) -> bytes | None:
    """The intake JSON embedded in PDF bytes, or None when there is none. A PDF pypdf cannot read raises."""
    import io

    from pypdf import PdfReader

    found = PdfReader(io.BytesIO(pdf)).attachments.get(ATTACHMENT)
    return found[0] if found else None
