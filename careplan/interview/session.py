"""``careplan interview``: the intake, asked one question at a time during the consult.

One public function, :func:`run_interview`. The questions are data (:mod:`careplan.interview.form`, from
``intake_forms/relactation/questions.yaml``); every type, range and message comes from the intake model. What it does:

* Each answer is checked as it is typed, against its field and against the answers so far (dates in order), and
  the model's message is shown in plain words. Ctrl-B goes back one question; Ctrl-G goes to any section and back;
  Ctrl-N writes the section's notes.
* Every answer is saved at once to a partial file (atomically, mode 0600). Ctrl-C, a closed terminal or a crash
  loses nothing: :class:`InterviewInterrupted` (exit 130) says where the file is, and ``--resume`` continues.
* Red flags (urgent items and same-day referrals) are shown the moment the answers raise them.
* At the end a review lists every answer by section; any answer can be changed (dependent questions follow),
  then the intake is written, the plan summary shown (urgent first), and with ``render`` the PDF written.
* The strategy library, and with ``render`` WeasyPrint, load in a background thread while the questions are
  asked, so no prompt waits for them and the PDF is on disk well under a second after the last answer.

Prompts use prompt_toolkit's current app session, so tests drive the interview through a pipe input
(``input=``/``output=``); messages go to ``console``.

Long on purpose: the order questions are asked in (back, jumps to a section), the checks and the one entry point
where every way the interview can stop becomes a saved file all work on one session's state.
"""

from __future__ import annotations

import contextlib
import gc
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from careplan._io import write_private
from careplan.errors import CareplanError, Interrupted, field_path
from careplan.intake import Intake, load_intake
from careplan.intake.consistency import contradictions
from careplan.interview.answers import plain_message
from careplan.interview.asking import JUMP, NOTE, Asking
from careplan.interview.background import Background, Draft
from careplan.interview.carry import follow_up_answers
from careplan.interview.choice import choose_plan_type, plan_form
from careplan.interview.common import BACK, Flag
from careplan.interview.console import Console, TerminalConsole
from careplan.interview.drafts import Drafts
from careplan.interview.flags import Flags
from careplan.interview.form import Form
from careplan.interview.hooks import HooksFactory
from careplan.interview.nodes import Slot, dotted
from careplan.interview.partial import (
    State,
    build_data,
    intake_data,
    load_partial,
    partial_path_for,
    provisional,
    prune_keeping,
    revalidate,
    save_partial,
)
from careplan.interview.presets import read_presets, summary
from careplan.interview.review import Review
from careplan.interview.terminal import (
    Hangup,
    default_output,
    recover_terminal,
    require_terminal,
    resume_command,
    running,
    signals,
)

if TYPE_CHECKING:
    from prompt_toolkit.input import Input
    from prompt_toolkit.output import Output


class InterviewInterrupted(Interrupted):
    """The interview stopped before the end (Ctrl-C, closed terminal, crash); the answers are saved."""

    def __init__(self, lines: list[str], partial: Path | None) -> None:
        super().__init__(lines)
        self.partial = partial


@dataclass
class InterviewResult:
    intake: Intake
    output: Path
    plan: Any  # the plan the hooks built (a careplan.plan.Plan from the CLI's hooks)
    pdf: Path | None = None
    asked: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)


# --------------------------------------------------------------------------------------------------------------
# Background loading
# --------------------------------------------------------------------------------------------------------------


# --------------------------------------------------------------------------------------------------------------
# The interview
# --------------------------------------------------------------------------------------------------------------


class Interview:
    def __init__(
        self,
        form: Form,
        state: State,
        console: Console,
        background: Background,
        today: date,
    ) -> None:
        self.form = form
        self.drafts: list[Draft] = []
        self.state = state
        self.console = console
        self.background = background
        self.today = today
        self.asked: list[str] = []
        self.flags: dict[tuple[str, tuple[str, ...]], Flag] = {}
        self.flags_pending = True  # a check was skipped (library not loaded yet): run the next one anyway
        self.known_flag_roots: set[str] | None = None
        self.last_heading: tuple[Any, ...] | None = None
        self.idle_gc = False  # collect garbage while a prompt waits for a key, not between prompts
        self.gaps: list[float] = []
        self.answered_at: float | None = None
        self.first_prompt_at: float | None = None
        self.reviewer = Review(self)
        self.drafting = Drafts(self)
        self.flagging = Flags(self)
        self.asker = Asking(self)

    @property
    def answers(self) -> dict[str, Any]:
        return self.state.answers

    # -- the flow -------------------------------------------------------------------------------------------

    def run(self) -> None:
        self.flagging.show_on_resume()
        self.ask_until_done()
        self.state.phase = "review"
        self.state.position = "review"
        self.save()
        self.show_contradictions()
        self.reviewer.review()

    def show_contradictions(self) -> None:
        """Answers that disagree with one another (not errors: both may be meant), shown before the review."""
        with contextlib.suppress(ValidationError):  # the review lists what stops the intake from validating
            for line in contradictions(Intake.model_validate(build_data(self.form, self.answers))):
                self.console.say(f"Check before saving, these answers disagree: {line}", "warn")

    def ask_until_done(self) -> None:
        """Ask the questions in order until none is left. Ctrl-B goes back one question. Ctrl-G opens the section
        menu: the section chosen is asked from its first question, each answer the default (Enter keeps it), then
        the interview goes back to where the consultant was, or on to the first unanswered question."""
        jumped: tuple[str, list[str], Slot] | None = None  # the section jumped to, its slots asked, where we were
        slot = self.form.next_slot(self.answers)
        with self.asker.jumping():
            while slot is not None:
                self.state.position = slot.key
                outcome = self.asker.ask(slot)
                if outcome is JUMP:
                    section = self.asker.choose_section(slot)
                    if section is not None:
                        jumped = (section, [], jumped[2] if jumped else slot)
                        slot, jumped = self.next_after_jump(jumped)
                    continue
                if outcome is NOTE:
                    self.take_note(slot)
                    continue
                if outcome is BACK:
                    earlier = self.slot_before(slot)
                    if earlier is None:
                        self.console.say("This is the first question.", "help")
                        continue
                    slot = earlier
                    continue
                self.record(slot, outcome)
                if jumped is None:
                    slot = self.form.next_slot(self.answers)
                else:
                    jumped[1].append(slot.key)
                    slot, jumped = self.next_after_jump(jumped)

    def take_note(self, slot: Slot) -> None:
        """Ctrl-N: the notes of this question's section (for a baby, that baby's), then the same question again."""
        note = self.form.note_for(slot, self.answers)
        if note is None:
            self.console.say("This section has no notes.", "help")
            return
        with self.asker.not_jumping():
            outcome = self.asker.ask(note)
        if outcome is not BACK:
            self.record(note, outcome)
        self.asker.progress_for = None  # the question comes back: say where it is again

    def next_after_jump(
        self, jumped: tuple[str, list[str], Slot]
    ) -> tuple[Slot | None, tuple[str, list[str], Slot] | None]:
        """The jumped-to section's next question not yet asked in it; once there is none, the question that was on
        the screen when the menu opened (if it was answered then and is still asked, and nothing before it needs
        an answer), else the first unanswered question. With the jump (None once it is over)."""
        section, asked, was = jumped
        slots = self.form.walk(self.answers).slots
        rest = [s for s in slots if s.section.id == section and s.key not in asked and s.kind != "note"]
        if rest:
            return rest[0], jumped
        first = self.form.next_slot(self.answers)
        keys = [s.key for s in slots]
        if was.key in asked or was.key not in keys:
            return first, None
        if first is not None and keys.index(first.key) < keys.index(was.key):
            return first, None
        return slots[keys.index(was.key)], None

    def slot_before(self, slot: Slot) -> Slot | None:
        slots = self.form.walk(self.answers).slots
        keys = [s.key for s in slots]
        position = keys.index(slot.key) if slot.key in keys else len(keys)
        for earlier in reversed(slots[:position]):
            if earlier.key in self.answers:
                return earlier
        return None

    def record(self, slot: Slot, value: Any) -> None:
        others = self.conflicts(slot, value)[1] if slot.kind == "field" else []
        self.answers[slot.key] = value
        self.state.answers, self.state.hidden = prune_keeping(self.form, self.answers, self.state.hidden)
        self.asked.append(slot.key)
        self.state.position = None
        self.save()
        for line in others:
            self.console.say(f"Note: this does not fit another answer: {line} (you can change either in the review)",
                             "warn")
        root = slot.key.split(".")[0].split("#")[0]
        if self.flags_pending or root in self.flagging.flag_roots():
            self.flagging.check_red_flags()

    def save(self) -> None:
        save_partial(self.state)

    # -- one question ---------------------------------------------------------------------------------------

    # -- checks ---------------------------------------------------------------------------------------------

    def without(self, key: str) -> dict[str, Any]:
        return self.form.prune({k: v for k, v in self.answers.items() if k != key})

    def errors(self, answers: dict[str, Any]) -> dict[tuple[Any, ...], str]:
        try:
            Intake.model_validate(provisional(self.form, answers, self.today))
        except ValidationError as exc:
            found: dict[tuple[Any, ...], str] = {}
            for error in exc.errors(include_url=False, include_input=False):
                loc = tuple(error["loc"])
                found[loc] = plain_message(error)
            return found
        return {}

    def conflicts(
        self, slot: Slot, value: Any, base: dict[tuple[Any, ...], str] | None = None
    ) -> tuple[list[str], list[str]]:
        """Problems this answer would bring, with the answers so far: (about this answer, about others)."""
        if base is None:
            base = self.errors(self.without(slot.key))
        candidate = self.form.prune({**self.answers, slot.key: value})
        new = {loc: msg for loc, msg in self.errors(candidate).items() if base.get(loc) != msg}
        own: list[str] = []
        others: list[str] = []
        for loc, message in new.items():
            if loc == slot.path or (len(loc) < len(slot.path) and slot.path[: len(loc)] == loc):
                own.append(message)
            else:
                others.append(f"{field_path(Intake, loc)}: {message}")
        return own, others

    def problems(self) -> list[tuple[str | None, str]]:
        """Whatever still stops the intake from validating: (slot key or None, line)."""
        try:
            Intake.model_validate(build_data(self.form, self.answers))
        except ValidationError as exc:
            out: list[tuple[str | None, str]] = []
            for error in exc.errors(include_url=False, include_input=False):
                loc = tuple(error["loc"])
                message = "is required" if error["type"] == "missing" else plain_message(error)
                out.append((dotted(loc) if loc else None, f"{field_path(Intake, loc)}: {message}"))
            return out
        return []

    # -- red flags ------------------------------------------------------------------------------------------

    # -- the review -----------------------------------------------------------------------------------------

    # -- the PDF, drafted while the review is read ---------------------------------------------------------


# --------------------------------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------------------------------


def _start_state(
    output: Path | None,
    resume: Path | None,
    previous: Path | None,
    render: bool,
    practice: Path | None,
    libraries: tuple[Path, ...],
    form: Form | None,
    console: Console,
    choose: Callable[[], str],
) -> tuple[State, Form]:
    """The interview's saved state and its form: a resumed interview keeps its plan type, a follow-up takes the
    last visit's, a new one asks (``choose``) unless a form was given."""
    if resume is not None:
        state = load_partial(resume.absolute())
        form = form or plan_form(state.plan_type)
        if output is not None:
            state.output = output.absolute()
        state.render = state.render or render
        if practice is not None:
            state.practice = str(practice)
        if libraries:
            state.libraries = [str(p) for p in libraries]
        state.answers, dropped = revalidate(form, state.answers)
        if dropped:
            console.say(f"{dropped} saved answers no longer fit the questions; they will be asked again.", "warn")
        return state, form
    # absolute, so that a resume from another folder writes where this interview was meant to
    target = (output if output is not None else default_output()).absolute()
    partial = partial_path_for(target)
    if target.exists():
        raise CareplanError([f"{target}: already exists; choose another file with -o (an intake is never overwritten)"])
    if partial.exists():
        raise CareplanError(
            [f"{partial}: an interview for {target} was saved here; continue it with: {resume_command(partial)}"]
        )
    last = load_intake(previous) if previous is not None else None
    if form is None:
        form = plan_form(last.plan_type if last is not None else choose())
    state = State(answers={}, output=target, partial=partial, render=render,
                  practice=str(practice) if practice is not None else None, libraries=[str(p) for p in libraries],
                  plan_type=form.plan_type)
    if last is not None:
        state.answers, state.previous = follow_up_answers(form, last)
    if practice is not None:
        presets = read_presets(practice, form)
        for line in presets.problems:
            console.say(line, "warn")
        given = {key: value for key, value in presets.answers.items() if key not in state.answers}
        if given:
            state.answers.update(given)
            console.say(summary(form, given), "help")
    return state, form


def run_interview(
    output: Path | None = None,
    *,
    resume: Path | None = None,
    previous: Path | None = None,
    render: bool = False,
    practice: Path | None = None,
    libraries: tuple[Path, ...] = (),
    hooks: HooksFactory,
    form: Form | None = None,
    plan_type: str | None = None,
    today: date | None = None,
    input: Input | None = None,
    output_device: Output | None = None,
    console: Console | None = None,
    check_terminal: bool = True,
    warm_up: bool = True,
    clock: Callable[[], float] = time.perf_counter,
) -> InterviewResult:
    """Run the interview and write the intake to ``output`` (and the PDF beside it with ``render``).

    ``hooks`` makes the red flags, the plan and the PDF (the CLI gives :meth:`careplan.pipeline.PlanHooks.factory`;
    what they need loads in the background); ``input``,
    ``output_device`` and ``console`` replace the terminal (tests); ``warm_up=False`` leaves WeasyPrint to be
    imported at the end (to measure what the warm-up saves).

    Raises :class:`InterviewInterrupted` (exit 130) when stopped before the end, with the answers saved;
    :class:`NoTerminal` without a terminal; :class:`~careplan.errors.InputError` for unreadable files.

    Long on purpose: the interview's whole lifetime (terminal, saved state, hooks, signals, garbage collection)
    and the one place where every way it can stop becomes a saved partial file.
    """
    console = console or TerminalConsole()
    today = today or date.today()
    started = clock()
    on_terminal = check_terminal and input is None
    if on_terminal:
        require_terminal()
        for line in recover_terminal(resume):  # echo back on; where a killed interview's answers are
            console.say(line, "warn")
    def app_session() -> contextlib.AbstractContextManager[Any]:
        if input is None and output_device is None:
            return contextlib.nullcontext()
        from prompt_toolkit.application import create_app_session

        return create_app_session(input=input, output=output_device)

    def choose() -> str:
        if plan_type is not None:
            return plan_type
        with app_session():
            return choose_plan_type(console)

    state, form = _start_state(output, resume, previous, render, practice, libraries, form, console, choose)
    settings = (tuple(Path(p) for p in state.libraries), Path(state.practice) if state.practice else None)
    background = Background(hooks(*settings, state.render, state.plan_type), state.render, warm_up)
    interview = Interview(form, state, console, background, today)
    if state.answers:
        save_partial(state)
    session = app_session()
    console.say(f"Answers are saved as you go to {state.partial}. Ctrl-B goes back; Ctrl-G goes to any section "
                "and back; Ctrl-N writes notes on the section; Ctrl-C stops (nothing is lost).", "help")
    gc_was_enabled = gc.isenabled()
    interview.idle_gc = gc_was_enabled
    gc.disable()
    try:
        with session, signals(on_terminal), running(state.partial, on_terminal):
            interview.run()
    except (KeyboardInterrupt, EOFError) as exc:
        why = None
        if isinstance(exc, EOFError):
            why = "terminal closed"
        elif isinstance(exc, Hangup):
            why = str(exc) or "terminal closed"
        raise _stopped(interview, why) from None
    except CareplanError as exc:
        stopped = _stopped(interview, None)
        raise CareplanError([*exc.lines, *stopped.lines]) from None
    except Exception as exc:
        frame = traceback.extract_tb(exc.__traceback__)[-1]
        where = f"{Path(frame.filename).name}:{frame.lineno}"
        raise _stopped(interview, f"unexpected error {type(exc).__name__} at {where}") from None
    finally:
        if gc_was_enabled:
            gc.enable()
        if sys.exc_info()[0] is not None:
            interview.drafting.discard_drafts(wait=10)
    confirmed_at = clock()
    return _finish(interview, started, confirmed_at, clock)


def _stopped(interview: Interview, why: str | None) -> InterviewInterrupted:
    state = interview.state
    if not state.answers:
        reason = f" ({why})" if why else ""
        return InterviewInterrupted([f"Interview stopped{reason}; nothing was answered, so nothing was saved."], None)
    with contextlib.suppress(OSError):
        save_partial(state)
    lines = [f"Interview saved to {state.partial}; resume with: {resume_command(state.partial)}"]
    if why:
        lines.insert(0, f"Interview stopped ({why}).")
    return InterviewInterrupted(lines, state.partial)


def _finish(
    interview: Interview,
    started: float,
    confirmed_at: float,
    clock: Callable[[], float],
) -> InterviewResult:
    state, console = interview.state, interview.console
    intake = Intake.model_validate(intake_data(interview.form, state))
    write_private(state.output, (intake.model_dump_json(indent=2) + "\n").encode("utf-8"))
    state.partial.unlink(missing_ok=True)
    console.say("")
    console.say(f"Intake written: {state.output}", "ok")
    interview.background.ready(wait=True)
    plan, summary = interview.background.hooks.finish(intake)
    result = InterviewResult(intake=intake, output=state.output, plan=plan, asked=interview.asked)
    pdf: Path | None = None
    if state.render:
        interview.background.start()
        pdf = state.output.with_suffix(".pdf")
        warnings = interview.drafting.use_draft(intake, pdf)
        if warnings is None:
            interview.background.done.wait()
            warnings = interview.background.hooks.write_pdf(intake, pdf)
        result.pdf = pdf
        result.timings["to_pdf"] = clock() - confirmed_at
        for warning in sorted(set(warnings)):
            console.say(f"warning: {warning}", "warn")
    for line in summary:
        console.say(line, "alert" if line.startswith("!!") else "")
    if pdf is not None:
        console.say(f"PDF written: {pdf} ({result.timings['to_pdf']:.2f} s after the last answer)", "ok")
    if interview.first_prompt_at is not None:
        result.timings["first_prompt"] = interview.first_prompt_at - started
    result.timings["slowest_next_prompt"] = max(interview.gaps, default=0.0)
    return result


