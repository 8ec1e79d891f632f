"""How long the interview makes the consultant wait: from the last answer to the PDF on disk, and between prompts.

Run: .venv/bin/python benchmarks/bench_interview.py [--repeat N] [--pause SECONDS]

Each run is a fresh process (cold imports, as at a consult) that answers a whole family through a pipe input with
``--render``. The answers come at once; the last one ("save") comes after a pause that stands for the consult
(a real one lasts an hour; 10 s by default, long enough on a 2-core laptop for the background imports and the
draft of a 9-page plan to finish: with 4 s the draft was still rendering and "warm" measured part of it). Two variants:
  warm   what careplan does: WeasyPrint is imported in the background while the questions are asked, and the PDF
         is drafted in the background while the review is on the screen (used if the intake is saved unchanged)
  cold   no background warm-up and no draft: WeasyPrint is imported and the PDF rendered after the last answer
Printed: time from the last answer to the PDF on disk for each (median of N runs) and their ratio; the time to
the first prompt; and the slowest gap between an answer and the next prompt.

First, for three scripted families (a typical first visit, a newborn in trouble, preterm twins), the questions
asked and the keystrokes it takes to answer them as a consultant would (a number and Enter for a choice, arrows and
space for ticks, the text and Enter for typed answers; issue 5/9's goal: a typical first visit in at most 55
questions), at the first visit and at a follow-up a week later (``--from``).
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

EXAMPLES = ROOT / "intake_forms" / "relactation" / "examples"
FAMILY = EXAMPLES / "04-urgent-newborn-weight-loss.json"
#: The scripted families whose questions and keystrokes are counted.
SCRIPTED = {
    "typical first visit": EXAMPLES / "01-recent-weaning-term-baby.json",
    "newborn losing weight": EXAMPLES / "04-urgent-newborn-weight-loss.json",
    "preterm twins": EXAMPLES / "05-preterm-twins-nicu-follow-up.json",
}
#: One key each: an arrow (ESC [ A-D) or any single character.
_KEY = re.compile(r"\x1b\[[A-D]|.", re.DOTALL)


def effort() -> list[tuple[str, int, int]]:
    """(family, questions asked, keystrokes) for each scripted family, answered as the tests' driver does."""
    from careplan.intake import Intake
    from careplan.interview.loader import builtin_form
    from tests.helpers.interview_driver import asked_keys, follow_up_intake, follow_up_script_for, keys, script_for

    form = builtin_form()
    out = []
    for name, path in SCRIPTED.items():
        expected = json.loads(path.read_text(encoding="utf-8"))
        script = script_for(expected, form)
        out.append((name, len(asked_keys(script)), len(_KEY.findall(keys(form, script)))))
        if name == "typical first visit":  # a practice whose file sets [interview] setting and jurisdiction
            consult = expected["consult"]
            presets = {"consult.setting": consult["setting"], "consult.jurisdiction": consult["jurisdiction"]}
            script = script_for(expected, form, presets)
            out.append((f"{name} (practice presets)", len(asked_keys(script)), len(_KEY.findall(keys(form, script)))))
        # the follow-up a week later (--from this visit): only what changes is asked
        first = Intake.model_validate(expected).model_dump(mode="json")
        script = follow_up_script_for(first, follow_up_intake(first, days=7, gained=150), form)
        out.append((f"{name}: follow-up", len(asked_keys(script)), len(_KEY.findall(keys(form, script)))))
    return out


def one_run(variant: str, pause: float) -> dict[str, float]:
    """In this process: one interview, the final "save" after ``pause`` seconds."""
    from prompt_toolkit.application import create_app_session
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    from careplan.interview.console import StreamConsole
    from careplan.interview.session import run_interview
    from careplan.pipeline import PlanHooks
    from tests.helpers.interview_driver import keys, script_for

    expected = json.loads(FAMILY.read_text(encoding="utf-8"))
    script = script_for(expected)
    answers, last = keys_all_but_last(keys, script)
    with tempfile.TemporaryDirectory() as folder, create_pipe_input() as pipe:
        with create_app_session(input=pipe, output=DummyOutput()):
            pipe.send_text(answers)

            def save_later() -> None:
                time.sleep(pause)
                pipe.send_text(last)

            threading.Thread(target=save_later, daemon=True).start()
            started = time.perf_counter()
            result = run_interview(
                Path(folder) / "intake.json",
                render=True,
                today=date.fromisoformat(expected["consult"]["date"]),
                console=StreamConsole(open("/dev/null", "w")),  # noqa: SIM115 - lives as long as the run
                check_terminal=False,
                warm_up=variant == "warm",
                hooks=PlanHooks.factory(),
            )
            total = time.perf_counter() - started
        assert result.pdf is not None
        assert result.pdf.stat().st_size > 0
    return {**result.timings, "total": total}


def keys_all_but_last(keys, script):  # type: ignore[no-untyped-def]
    from careplan.interview.loader import builtin_form

    form = builtin_form()
    return keys(form, script[:-1]), keys(form, script[-1:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pause", type=float, default=10.0, help="seconds before the last answer (the consult)")
    parser.add_argument("--variant", choices=["warm", "cold"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.variant:
        print(json.dumps(one_run(args.variant, args.pause)))
        return
    for name, questions, strokes in effort():
        print(f"{name:40} {questions:4} questions {strokes:5} keystrokes")
    results: dict[str, list[dict[str, float]]] = {"warm": [], "cold": []}
    for _ in range(args.repeat):
        for variant in results:
            done = subprocess.run(
                [sys.executable, __file__, "--variant", variant, "--pause", str(args.pause)],
                capture_output=True, text=True, check=True, cwd=ROOT,
            )
            results[variant].append(json.loads(done.stdout.strip().splitlines()[-1]))

    def median(variant: str, key: str) -> float:
        return statistics.median(r[key] for r in results[variant])

    print(f"family: {FAMILY.name}, runs per variant: {args.repeat}, pause before the last answer: {args.pause} s")
    for variant in results:
        print(
            f"{variant:5}  last answer -> PDF on disk {median(variant, 'to_pdf') * 1000:7.1f} ms   "
            f"first prompt {median(variant, 'first_prompt') * 1000:6.1f} ms   "
            f"slowest next prompt {median(variant, 'slowest_next_prompt') * 1000:6.1f} ms"
        )
    ratio = median("cold", "to_pdf") / median("warm", "to_pdf")
    print(f"cold / warm = {ratio:.2f} (the background work makes the PDF appear {ratio:.1f} times sooner)")


if __name__ == "__main__":
    main()
