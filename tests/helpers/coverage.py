"""A plan type's README coverage table (one line per row of its brief's rule table, naming the entries that encode
the row or saying it is left out), checked against the loaded library. Used by the relactation (R rows) and the
low-supply (L rows) rule-table tests."""

from __future__ import annotations

import re
from pathlib import Path

from careplan.plan import Plan
from careplan.rules.library import Library


def readme_rows(readme: Path, letter: str) -> dict[str, str]:
    """Row id (``R01``, ``L01``, ...) -> the 'Entries' cell of the README's coverage table."""
    rows: dict[str, str] = {}
    for line in readme.read_text(encoding="utf-8").splitlines():
        match = re.match(rf"^\|\s*({letter}\d{{2}})\s*\|[^|]*\|([^|]*)\|", line)
        if match:
            rows[match.group(1)] = match.group(2).strip()
    return rows


def check_every_row_documented(library: Library, rows: list[str], documented: dict[str, str]) -> None:
    """Every row has a line, and is encoded or documented as left out."""
    assert [row for row in rows if row not in documented] == [], "every row needs a line in the coverage table"
    left_out = {row for row, cell in documented.items() if "left out" in cell.lower()}
    encoded = library.encoded_rule_rows()
    missing = [row for row in rows if row not in encoded and row not in left_out]
    assert missing == [], f"rows neither encoded nor documented as left out: {missing}"


def check_row(library: Library, row: str, cell: str) -> None:
    """A row's cell says 'left out' and no entry encodes it, or it names exactly the entries that encode it."""
    if "left out" in cell.lower():
        assert row not in library.encoded_rule_rows(), f"{row} is documented as left out but is encoded"
        return
    named = [name.strip() for name in cell.split(",") if name.strip()]
    assert named, f"{row}: no entries named"
    for entry_id in named:
        assert entry_id in library.rules, f"{row}: README names {entry_id}, which is not an entry"
        assert row in library.rules[entry_id].entry.rules, f"{row}: {entry_id} does not list {row} in its rules"
    encoding = {rule_id for rule_id, rule in library.rules.items() if row in rule.entry.rules}
    assert encoding == set(named), f"{row}: README lists {sorted(named)}, library has {sorted(encoding)}"


def fired(library: Library, plan: Plan, entry_id: str) -> bool:
    """An item in the plan; for an exclusion entry, that it excluded at least one of its targets."""
    if library.rules[entry_id].entry.kind == "exclusion":
        return any(e.by == entry_id for e in plan.exclusions)
    return entry_id in plan.item_ids()


def check_exclusion(library: Library, plan: Plan, excluded: list[str], by: str, step_down: str) -> None:
    """``by`` fired and kept each of ``excluded`` out of the plan: listed as left out with a reason, unless it is an
    urgent item or referral (superseded, never listed) or the step-down an amount guard already keeps out."""
    assert fired(library, plan, by), f"{by} should fire"
    for entry_id in excluded:
        assert entry_id in library.rules[by].entry.excludes
        assert entry_id not in plan.item_ids(), f"{entry_id} is excluded but still in the plan"
        if library.rules[entry_id].entry.kind in ("urgent", "referral"):
            assert entry_id not in plan.excluded_ids(), "a superseded referral is never 'left out on purpose'"
            continue
        if entry_id == step_down and any(f.amounts_held for f in plan.feeding) and step_down not in plan.excluded_ids():
            assert all(not f.step_down for f in plan.feeding)  # the guard's own item says why
            continue
        assert entry_id in plan.excluded_ids(), f"{entry_id} is not listed as left out"
        # Several entries may exclude the same one; the plan records the first, with its reason.
        record = next(e for e in plan.exclusions if e.id == entry_id)
        assert entry_id in library.rules[record.by].entry.excludes or library.rules[record.by].entry.holds_amounts
        assert record.reason.strip()
