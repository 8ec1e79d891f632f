"""A worker that finished its PDF after Ctrl-C, before the main process heard: the report says "rendered" (the
journal line and the PDF prove it), not "interrupted"; a plan not finished, or finished by an earlier run, is left
as it was."""

from __future__ import annotations

from pathlib import Path

from careplan.batch.report import BatchReport, Item
from careplan.batch.run import mark_finished_unheard
from careplan.batch.state import Manifest


def test_only_what_this_runmark_finished_unheard_becomes_rendered(tmp_path: Path) -> None:
    items = [
        Item("a.json", "/in/a.json", "interrupted", "a.pdf"),  # finished after Ctrl-C: the journal says so
        Item("b.json", "/in/b.json", "interrupted", "b.pdf"),  # not started
        Item("c.json", "/in/c.json", "interrupted", "c.pdf"),  # an earlier run's entry, unchanged
        Item("d.json", "/in/d.json", "rendered", "d.pdf", fingerprint="fd"),  # heard as usual
    ]
    report = BatchReport(tmp_path, items)
    manifest = Manifest()
    manifest.record("/in/c.json", "old", "c.pdf")
    heard = {key: dict(entry) for key, entry in manifest.inputs.items()}
    manifest.record("/in/a.json", "fa", "a.pdf")  # what replaying the journals added
    manifest.record("/in/d.json", "fd", "d.pdf")
    mark_finished_unheard(report, manifest, heard)
    assert [(item.label, item.status, item.fingerprint) for item in items] == [
        ("a.json", "rendered", "fa"),
        ("b.json", "interrupted", None),
        ("c.json", "interrupted", None),
        ("d.json", "rendered", "fd"),
    ]
