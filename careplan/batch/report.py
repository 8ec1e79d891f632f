"""What a batch did: one item per input, the workers' statistics, the summary and the JSON report."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from careplan._version import __version__
from careplan.errors import ExitStatus

if TYPE_CHECKING:
    from careplan.intake import Intake

ItemStatus = Literal["rendered", "skipped", "failed", "interrupted"]



EXIT_OK = ExitStatus.OK


EXIT_FAILED = ExitStatus.PROBLEM


EXIT_INTERRUPTED = ExitStatus.INTERRUPTED


@dataclass
class Item:
    """One input and what became of it."""

    label: str  # as the user named it
    key: str  # absolute path
    status: ItemStatus = "interrupted"
    output: str | None = None  # the PDF's name in the output folder
    seconds: float = 0.0
    messages: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    fingerprint: str | None = None  # of what was rendered (for the manifest; not reported)


@dataclass
class WorkerStats:
    """One worker process: how many plans it rendered, its peak resident memory and its CPU time."""

    plans: int = 0
    peak_kib: int = 0
    cpu_seconds: float = 0.0


@dataclass
class BatchReport:
    """What a batch did: one :class:`Item` per input, in the order given."""

    outdir: Path
    items: list[Item]
    where: str = ""
    seconds: float = 0.0
    interrupted: bool = False
    notes: list[str] = field(default_factory=list)
    workers: dict[str, WorkerStats] = field(default_factory=dict)  # by "host:pid"

    def count(self, status: ItemStatus) -> int:
        return sum(1 for item in self.items if item.status == status)

    @property
    def failed(self) -> list[Item]:
        return [item for item in self.items if item.status == "failed"]

    @property
    def exit_code(self) -> int:
        if self.interrupted:
            return EXIT_INTERRUPTED
        return EXIT_FAILED if self.failed else EXIT_OK

    def output_path(self, item: Item) -> Path | None:
        return None if item.output is None else self.outdir / item.output

    def problem_lines(self) -> list[str]:
        """What went wrong, for standard error: each failed input with its messages, renderer warnings, and how
        to finish an interrupted batch."""
        lines = []
        for item in self.failed:
            lines.append(f"failed: {item.label}")
            lines.extend(f"  {line}" for line in item.messages)
        warned = sum(1 for item in self.items if item.warnings)
        if warned:
            lines.append(f"{warned} plan{'s' if warned != 1 else ''} rendered with renderer warnings (see the report)")
        if self.count("interrupted"):
            lines.append("Interrupted: run the same command again to render the rest.")
        elif self.interrupted:
            lines.append("Interrupted, after every plan was done.")
        return lines

    def plans_to_send(self) -> list[tuple[Intake, Path, str]]:
        """Every plan rendered or found up to date, as (intake, PDF, intake file name), for emailing."""
        from careplan.intake import load_intake

        plans = []
        for item in self.items:
            pdf = self.output_path(item)
            if item.status in ("rendered", "skipped") and pdf is not None:
                plans.append((load_intake(item.key), pdf, Path(item.key).name))
        return plans

    def summary(self) -> str:
        parts = [f"{self.count('rendered')} rendered", f"{self.count('skipped')} up to date"]
        if self.failed:
            parts.append(f"{len(self.failed)} failed")
        if self.count("interrupted"):
            parts.append(f"{self.count('interrupted')} not done (interrupted)")
        noun = "intake" if len(self.items) == 1 else "intakes"
        return f"{len(self.items)} {noun}: {', '.join(parts)} in {self.seconds:.1f} s -> {self.outdir}"

    def to_dict(self) -> dict[str, Any]:
        peaks = sorted(stats.peak_kib for stats in self.workers.values())
        each = [
            {
                "worker": name,
                "plans": stats.plans,
                "peak_memory_mb": round(stats.peak_kib / 1024, 1),
                "cpu_seconds": round(stats.cpu_seconds, 2),
            }
            for name, stats in sorted(self.workers.items())
        ]
        return {
            "careplan": __version__,
            "output_folder": str(self.outdir),
            "executor": self.where or None,
            "finished": datetime.now(UTC).isoformat(timespec="seconds"),
            "seconds": round(self.seconds, 3),
            "interrupted": self.interrupted,
            "exit_code": self.exit_code,
            "counts": {
                status: self.count(status) for status in ("rendered", "skipped", "failed", "interrupted")
            },
            "workers": {
                "count": len(peaks),
                "peak_memory_mb_max": round(peaks[-1] / 1024, 1) if peaks else None,
                "each": each,
            },
            "notes": self.notes,
            "items": [
                {
                    "input": item.label,
                    "status": item.status,
                    "output": None if item.output is None else str(self.outdir / item.output),
                    "seconds": round(item.seconds, 3),
                    "messages": item.messages,
                    "warnings": item.warnings,
                }
                for item in self.items
            ],
        }
