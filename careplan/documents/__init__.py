"""Stage 3 of the pipeline: a plan in, documents out.

:mod:`.care_plan` is the parent's plan (its typed context and its template, ``plan.html``); :mod:`.pdf` turns HTML
into a PDF with WeasyPrint (no network, the intake embedded, written atomically); :mod:`.plan_text` prints a plan
for a terminal. :data:`DOCUMENTS` lists the documents careplan can make, by name.
"""

from careplan.documents.registry import DOCUMENTS, Document, document

__all__ = ["DOCUMENTS", "Document", "document"]
