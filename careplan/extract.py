"""PDF -> intake: read back the intake JSON a plan PDF carries as an attachment.

One public function, :func:`extract_intake`.
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
