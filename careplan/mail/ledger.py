"""The send ledger: which plans were emailed to whom, so a rerun never sends a plan twice.

One SQLite file (``send-ledger.sqlite3``, owner-only) in the practice's data folder. Each row is one plan for one
recipient, keyed by a hash of the plan PDF and the address. It holds no health details: a masked address
(``r***@example.org``), the intake's file name, the Message-ID, the status, timestamps, the number of attempts and
the last error in careplan's words.

The states follow the SMTP transaction: ``pending`` is committed just before the message is handed to the server and
``sent`` right after the server's 250 reply, so a ``pending`` row found when the ledger is opened means careplan
stopped in the middle of a send (a crash, a power cut, a killed process). Whether that message arrived is unknown:
the row becomes ``unknown`` and is reported, and the plan is not sent again unless the consultant asks for it.
``failed`` means the server refused the message or could not be reached: nothing was delivered, and a rerun tries
again.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal, TypeVar

from careplan._io import PRIVATE_FILE, private_folder
from careplan.errors import CareplanError, WriteError

LEDGER_NAME = "send-ledger.sqlite3"
SCHEMA_VERSION = 1
MAX_ERROR_CHARS = 300

LedgerStatus = Literal["pending", "sent", "failed", "unknown"]
T = TypeVar("T")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sends (
    key         TEXT PRIMARY KEY,
    intake_key  TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed', 'unknown')),
    recipient   TEXT NOT NULL,
    intake      TEXT NOT NULL,
    message_id  TEXT NOT NULL,
    encrypted   INTEGER NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    sent_at     TEXT,
    error       TEXT
)
"""
_INDEX = "CREATE INDEX IF NOT EXISTS sends_by_intake ON sends (intake_key)"


class LedgerError(CareplanError):
    """The ledger cannot be opened, read or written."""


@dataclass(frozen=True)
class LedgerRow:
    key: str
    intake_key: str
    status: LedgerStatus
    recipient: str
    intake: str
    message_id: str
    encrypted: bool
    attempts: int
    created_at: str
    updated_at: str
    sent_at: str | None
    error: str | None

    def line(self) -> str:
        """One line for ``careplan email --status``."""
        when = self.sent_at or self.updated_at
        parts = [
            when,
            f"{self.status:<7}",
            self.intake,
            f"to {self.recipient}",
            "encrypted" if self.encrypted else "not encrypted",
            f"{self.attempts} attempt{'' if self.attempts == 1 else 's'}",
            self.message_id,
        ]
        if self.error and self.status != "sent":
            parts.append(self.error)
        return "  ".join(parts)


def now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def default_data_folder(configured: Path | None = None) -> Path:
    """The practice's ``data_folder``, else ``$CAREPLAN_DATA``, else ``$XDG_DATA_HOME/careplan``, else
    ``~/.local/share/careplan``."""
    if configured is not None:
        return configured
    if os.environ.get("CAREPLAN_DATA"):
        return Path(os.environ["CAREPLAN_DATA"]).expanduser()
    if os.environ.get("XDG_DATA_HOME"):
        return Path(os.environ["XDG_DATA_HOME"]).expanduser() / "careplan"
    return Path.home() / ".local" / "share" / "careplan"


def _ledger_folder(folder: Path) -> Path:
    try:
        private_folder(folder)
    except WriteError as exc:
        raise LedgerError(exc.lines) from None
    if not folder.is_dir():
        raise LedgerError([f"{folder}: not a folder"])
    return folder


class Ledger:
    """The send ledger in ``folder``. Opening it turns rows left ``pending`` by an interrupted run into
    ``unknown``; those rows are in :attr:`recovered`."""

    def __init__(self, folder: Path) -> None:
        self.folder = _ledger_folder(Path(folder))
        self.path = self.folder / LEDGER_NAME
        _remove_stale_scratch(self.folder)
        if self.path.is_symlink():
            # A link placed there could send the record of who got which plan anywhere: refuse it.
            raise LedgerError([f"{self.path}: is a symbolic link; careplan keeps its send ledger in a real file"])
        try:
            # Create the file owner-only before SQLite opens it; SQLite gives its journal the same mode.
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), PRIVATE_FILE)
            os.close(fd)
            os.chmod(self.path, PRIVATE_FILE)
            self._db = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        except (OSError, sqlite3.Error) as exc:
            raise LedgerError([f"{self.path}: cannot open the send ledger ({_reason(exc)})"]) from None
        try:
            self._db.row_factory = sqlite3.Row
            self._db.execute("PRAGMA busy_timeout = 10000")
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise LedgerError(
                    [f"{self.path}: written by a newer careplan (ledger version {version}); update careplan"]
                )
            with self._transaction():
                self._db.execute(_SCHEMA)
                self._db.execute(_INDEX)
                self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
                rows = self._db.execute("SELECT * FROM sends WHERE status = 'pending'").fetchall()
                self._db.execute(
                    "UPDATE sends SET status = 'unknown', updated_at = ?, error = ? WHERE status = 'pending'",
                    (now(), "careplan stopped while sending; the message may or may not have arrived"),
                )
        except sqlite3.Error as exc:
            self._db.close()
            raise LedgerError([f"{self.path}: not a usable send ledger ({_reason(exc)})"]) from None
        except BaseException:
            self._db.close()
            raise
        self.recovered: list[LedgerRow] = [_row(r, status="unknown") for r in rows]

    # -- the context manager and closing -------------------------------------------------------------------------

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
            self._db.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                self._db.execute("ROLLBACK")
            raise

    # -- reading -------------------------------------------------------------------------------------------------

    def get(self, key: str) -> LedgerRow | None:
        found = self._query("SELECT * FROM sends WHERE key = ?", (key,))
        return found[0] if found else None

    def rows(self) -> list[LedgerRow]:
        """Every row, oldest change first."""
        return self._query("SELECT * FROM sends ORDER BY updated_at, rowid", ())

    def _query(self, sql: str, args: tuple[str, ...]) -> list[LedgerRow]:
        try:
            return [_row(r) for r in self._db.execute(sql, args).fetchall()]
        except sqlite3.Error as exc:
            raise LedgerError([f"{self.path}: cannot read the send ledger ({_reason(exc)})"]) from None

    # -- writing -------------------------------------------------------------------------------------------------

    def claim(
        self,
        key: str,
        *,
        intake_key: str,
        recipient: str,
        intake: str,
        message_id: str,
        encrypted: bool,
        allow_unknown: bool = False,
        allow_changed: bool = False,
    ) -> LedgerRow | None:
        """Mark ``key`` pending, in one transaction, unless something already recorded stops it. Returns that row,
        or None when the caller may send now.

        What stops a send: this plan was sent, or is being sent by another careplan right now; its last send is
        unknown (unless ``allow_unknown``); or another version of the plan for the same intake and address (a
        different PDF: new branding, a newer careplan) was sent or may have been (unless ``allow_changed``).
        """

        def write() -> LedgerRow | None:
            row = self._db.execute("SELECT * FROM sends WHERE key = ?", (key,)).fetchone()
            if row is not None:
                current = _row(row)
                if current.status in ("sent", "pending") or (current.status == "unknown" and not allow_unknown):
                    return current
            if not allow_changed:
                other = self._db.execute(
                    "SELECT * FROM sends WHERE intake_key = ? AND key != ? AND status != 'failed'"
                    " ORDER BY updated_at DESC, rowid DESC LIMIT 1",
                    (intake_key, key),
                ).fetchone()
                if other is not None:
                    return _row(other)
            stamp = now()
            self._db.execute(
                "INSERT INTO sends (key, intake_key, status, recipient, intake, message_id, encrypted, attempts,"
                " created_at, updated_at) VALUES (?, ?, 'pending', ?, ?, ?, ?, 0, ?, ?)"
                " ON CONFLICT(key) DO UPDATE SET status = 'pending', recipient = excluded.recipient,"
                " intake = excluded.intake, message_id = excluded.message_id, encrypted = excluded.encrypted,"
                " updated_at = excluded.updated_at, error = NULL",
                (key, intake_key, recipient, intake, message_id, int(encrypted), stamp, stamp),
            )
            return None

        return self._write(write)

    def count_attempt(self, key: str) -> None:
        """One more try at handing the message to the server."""
        self._write(
            lambda: self._db.execute(
                "UPDATE sends SET attempts = attempts + 1, updated_at = ? WHERE key = ?", (now(), key)
            )
        )

    def mark_sent(self, key: str) -> None:
        stamp = now()
        self._write(
            lambda: self._db.execute(
                "UPDATE sends SET status = 'sent', updated_at = ?, sent_at = ?, error = NULL WHERE key = ?",
                (stamp, stamp, key),
            )
        )

    def mark_failed(self, key: str, error: str) -> None:
        self._set(key, "failed", error)

    def mark_unknown(self, key: str, error: str) -> None:
        self._set(key, "unknown", error)

    def _set(self, key: str, status: LedgerStatus, error: str) -> None:
        self._write(
            lambda: self._db.execute(
                "UPDATE sends SET status = ?, updated_at = ?, error = ? WHERE key = ?",
                (status, now(), error[:MAX_ERROR_CHARS], key),
            )
        )

    def _write(self, action: Callable[[], T]) -> T:
        try:
            with self._transaction():
                return action()
        except sqlite3.Error as exc:
            raise LedgerError([f"{self.path}: cannot write the send ledger ({_reason(exc)})"]) from None


def _reason(exc: BaseException) -> str:
    return str(getattr(exc, "strerror", None) or exc or type(exc).__name__)


def _row(row: sqlite3.Row, status: LedgerStatus | None = None) -> LedgerRow:
    return LedgerRow(
        key=row["key"],
        intake_key=row["intake_key"],
        status=status or row["status"],
        recipient=row["recipient"],
        intake=row["intake"],
        message_id=row["message_id"],
        encrypted=bool(row["encrypted"]),
        attempts=row["attempts"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        sent_at=row["sent_at"],
        error=row["error"],
    )


#: Folders `careplan email` renders plans in (see careplan.mail.send); one older than this was left by a killed run.
SCRATCH_PREFIX = "careplan-email-"
STALE_SCRATCH_SECONDS = 3600


def _remove_stale_scratch(folder: Path) -> None:
    import shutil
    import time

    for scratch in folder.glob(f"{SCRATCH_PREFIX}*"):
        with contextlib.suppress(OSError):
            old = time.time() - scratch.stat().st_mtime > STALE_SCRATCH_SECONDS
            if old and scratch.is_dir() and not scratch.is_symlink():
                shutil.rmtree(scratch)
