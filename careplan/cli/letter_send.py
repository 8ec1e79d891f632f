"""``careplan letter --send email|fax``: each letter to the care-team member of its role, once.

Called by :mod:`careplan.cli.letter` only when the intake records the family's consent to share with the care team.
One line per letter: sent, already sent, unknown (not resent) or failed; never a name or a health detail. An
encrypted letter's PDF password is shown once, under its line, as ``careplan email`` does for a parent's plan.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from careplan.errors import InputError

if TYPE_CHECKING:
    from careplan.intake import Intake
    from careplan.mail.letters import LetterKind
    from careplan.mail.result import SendResult
    from careplan.practice import Practice

PASSWORD_NOTE = "read it to the clinic by phone; it is shown only now and is not stored"  # noqa: S105


def practice_label() -> str:
    """The practice file as given with --practice, for errors about its settings."""
    context = click.get_current_context(silent=True)
    given = context.params.get("practice") if context is not None else None
    return str(given) if given is not None else "the practice file (--practice)"


def addresses(
    intake: Intake, letters: dict[str, Path], how: str, file: Path
) -> tuple[list[tuple[str, str]], list[str]]:
    """(role, address) for each letter whose role has a care-team member with an address of the kind ``how``
    (email or fax), and one line for each that has none."""
    found: list[tuple[str, str]] = []
    missing: list[str] = []
    what = "email address" if how == "email" else "fax number"
    for role in letters:
        members = [m for m in intake.care_team if m.role == role]
        reachable = [str(a) for a in (m.email if how == "email" else m.fax for m in members) if a]
        if not members:
            missing.append(f"{file}: {role}: nobody with this role in the care team; letter not sent")
        elif not reachable:
            missing.append(f"{file}: {role}: no {what} in the care team; letter not sent")
        else:
            found.append((role, reachable[0]))
    return found, missing


def result_lines(file: Path, role: str, how: str, result: SendResult) -> list[str]:
    """One line for the letter, and the PDF's password under it when the message may have reached the clinic."""
    where = f"{file}: {role}"
    to = f" by {how} to {result.recipient}" if result.recipient else ""
    if result.status == "sent":
        lock = "PDF encrypted" if result.encrypted else "PDF not encrypted (fax)"
        lines = [f"{where}: sent{to}; {lock}"]
    elif result.status == "skipped-already-sent":
        lines = [f"{where}: already sent: {result.detail}"]
    elif result.status == "unknown":
        lines = [f"{where}: unknown: not resent{to}: {result.detail}"]
    else:
        lines = [f"{where}: FAILED{to}: {result.detail}"]
    lines += [f"  warning: {warning}" for warning in result.warnings]
    if result.passphrase is not None:
        lines.append(f"  PDF password ({PASSWORD_NOTE}): {result.passphrase}")
    return lines


def send_letters(
    intake: Intake,
    letters: dict[str, Path],
    how: str,
    practice: Practice,
    file: Path,
    *,
    resend_unknown: bool = False,
    resend_changed: bool = False,
) -> None:
    """Send each role's letter (``letters``: role -> PDF) to the care-team member of that role, by ``how`` ("email"
    or "fax"), each at most once (``resend_unknown``, ``resend_changed``: as for ``careplan email``). A role
    without an address is one line and is skipped; after trying the others,
    those lines (and a line for letters that failed or may not have arrived) are raised as :class:`InputError`."""
    from careplan.mail.credentials import resolve_password
    from careplan.mail.letters import check_fax_setup, letter_key, send_letter
    from careplan.mail.message import smtp_settings
    from careplan.mail.outbox import warn_recovered
    from careplan.mail.send import open_ledger

    if how not in ("email", "fax"):
        raise InputError([f"--send {how}: letters go by email or fax"])
    kind: LetterKind = "email" if how == "email" else "fax"
    if kind == "fax":
        check_fax_setup(practice, practice_label())
    found, missing = addresses(intake, letters, kind, file)
    troubled = 0
    if found:
        password = resolve_password(smtp_settings(practice))
        with open_ledger(practice) as ledger:
            warn_recovered(ledger, lambda line: click.echo(line, err=True))
            for role, address in found:
                result = send_letter(
                    letters[role],
                    address=address,
                    practice=practice,
                    ledger=ledger,
                    kind=kind,
                    label=f"{file.name}: {role}",
                    same_letter=letter_key(intake, role, kind, address),
                    password=password,
                    resend_unknown=resend_unknown,
                    resend_changed=resend_changed,
                )
                troubled += result.problem
                first, *rest = result_lines(file, role, kind, result)
                click.echo(first, err=result.problem)  # at once: the password is shown only here
                for line in rest:
                    click.echo(line, err=line.startswith("  warning:"))
    if missing or troubled:
        tail = [f"{file}: {troubled} letter(s) failed or may not have arrived; see above"] if troubled else []
        raise InputError([*missing, *tail])
