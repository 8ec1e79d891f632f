"""``careplan interview``: the intake, asked one question at a time during the consult.

One public function, :func:`run_interview`. The questions are data (:mod:`careplan.interview.form`, from
``intake_forms/relactation/questions.yaml``); every type, range and message comes from the intake model. What it does:

* Each answer is checked as it is typed, against its field and against the answers so far (dates in order), and
  the model's message is shown in plain words. Ctrl-B goes back one question.
* Every answer is saved at once to a partial file (atomically, mode 0600). Ctrl-C, a closed terminal or a crash
  loses nothing: :class:`InterviewInterrupted` (exit 130) says where the file is, and ``--resume`` continues.
* Red flags (urgent items and same-day referrals) are shown the moment the answers raise them.
* At the end a review lists every answer by section; any answer can be changed (dependent questions follow),
  then the intake is written, the plan summary shown (urgent first), and with ``render`` the PDF written.
* The strategy library, and with ``render`` WeasyPrint, load in a background thread while the questions are
  asked, so no prompt waits for them and the PDF is on disk well under a second after the last answer.

Prompts use prompt_toolkit's current app session, so tests drive the interview through a pipe input
(``input=``/``output=``); messages go to ``console``.
"""

from __future__ import annotations

import contextlib
import gc
import signal
import sys
import textwrap
import threading
import time
import traceback
import typing
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TextIO

from pydantic import ValidationError

from careplan._io import write_private
from careplan.errors import CareplanError, Interrupted, field_path
from careplan.intake import Intake, Medication, load_intake
from careplan.interview.form import (
    GATE_LABELS,
    MISSING,
    AnswerError,
    Form,
    Group,
    Path_,
    Question,
    Slot,
    builtin_form,
    dotted,
    edit_text,
    parse_answer,
    plain_message,
    show_value,
)
from careplan.interview.hooks import Hooks, HooksFactory
from careplan.interview.partial import (
    State,
    build_data,
    follow_up_answers,
    get_path,
    load_partial,
    partial_path_for,
    provisional,
    revalidate,
    save_partial,
)

if TYPE_CHECKING:
    from prompt_toolkit.input import Input
    from prompt_toolkit.output import Output


IDLE_GC_AFTER = 0.05  # seconds after a prompt appears
WIDTH = 78


class InterviewInterrupted(Interrupted):
    """The interview stopped before the end (Ctrl-C, closed terminal, crash); the answers are saved."""

    def __init__(self, lines: list[str], partial: Path | None) -> None:
        super().__init__(lines)
        self.partial = partial


class NoTerminal(CareplanError):
    """The interview needs a terminal and there is none."""


class _Hangup(KeyboardInterrupt):
    """The terminal was closed (SIGHUP) or the process was asked to stop (SIGTERM)."""


class _Back:
    pass


BACK = _Back()


class Console(Protocol):
    def say(self, text: str, style: str = "") -> None: ...


class TerminalConsole:
    """Messages between prompts, styled, on the prompt session's output."""

    STYLES: typing.ClassVar[dict[str, str]] = {
        "section": "bold fg:ansicyan",
        "item": "bold",
        "help": "fg:ansibrightblack",
        "alert": "bold fg:ansired",
        "ok": "fg:ansigreen",
        "warn": "fg:ansiyellow",
        "": "",
    }

    def say(self, text: str, style: str = "") -> None:
        from prompt_toolkit import print_formatted_text
        from prompt_toolkit.formatted_text import FormattedText

        print_formatted_text(FormattedText([(self.STYLES.get(style, style), text)]))


class StreamConsole:
    """Plain messages to a text stream (for tests and logs of the flow, never of answers' values)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def say(self, text: str, style: str = "") -> None:
        self.stream.write(text + "\n")


@dataclass(frozen=True)
class Flag:
    id: str
    title: str
    text: str
    babies: tuple[str, ...]


@dataclass
class _Draft:
    """A PDF rendered in the background while the review is on the screen, for the intake as it stands."""

    key: str  # the intake's JSON: the draft is used only if the saved intake is the same
    path: Path
    thread: threading.Thread | None = None
    ok: bool = False
    warnings: list[str] = field(default_factory=list)


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


class _Background:
    """Runs the hooks' loading (the library; then, for a PDF, the renderer's warm-up) off the prompt path."""

    def __init__(self, hooks: Hooks, render: bool, warm_up: bool, freeze: bool = True) -> None:
        self.hooks = hooks
        self.render = render and warm_up
        self.freeze = freeze
        self.error: BaseException | None = None
        self.warm_up_error: BaseException | None = None
        self.loaded = threading.Event()
        self.done = threading.Event()
        self.go = threading.Event()
        self.thread = threading.Thread(target=self._run, name="careplan-interview-warm-up", daemon=True)
        self.thread.start()

    def start(self) -> None:
        """Begin loading (called once the first prompt is on the screen, so it does not slow that one down)."""
        self.go.set()

    def _run(self) -> None:
        self.go.wait()
        try:
            self.hooks.load()
        except BaseException as exc:  # reported when the library is needed
            self.error = exc
        finally:
            self.loaded.set()
        try:
            if self.render:
                self.hooks.warm_up()
        except BaseException as exc:  # the render itself will report it
            self.warm_up_error = exc
        finally:
            if self.freeze:
                # What is loaded now lives as long as the process: keep the garbage collector from walking it
                # again and again (full collections otherwise pause a prompt for about 0.1 s).
                gc.freeze()
            self.done.set()

    def ready(self, wait: bool) -> bool:
        """Whether the hooks have loaded; with ``wait``, wait for them (and raise what stopped them)."""
        if not wait and not self.loaded.is_set():
            return False
        self.start()
        self.loaded.wait()
        if self.error is not None:
            if wait:
                raise self.error
            return False
        return True


# --------------------------------------------------------------------------------------------------------------
# The interview
# --------------------------------------------------------------------------------------------------------------


class _Interview:
    def __init__(
        self,
        form: Form,
        state: State,
        console: Console,
        background: _Background,
        today: date,
    ) -> None:
        self.form = form
        self.drafts: list[_Draft] = []
        self.state = state
        self.console = console
        self.background = background
        self.today = today
        self.asked: list[str] = []
        self.flags: dict[tuple[str, tuple[str, ...]], Flag] = {}
        self.flags_pending = True  # a check was skipped (library not loaded yet): run the next one anyway
        self._flag_roots: set[str] | None = None
        self.last_heading: tuple[Any, ...] | None = None
        self.idle_gc = False  # collect garbage while a prompt waits for a key, not between prompts
        self.gaps: list[float] = []
        self.answered_at: float | None = None
        self.first_prompt_at: float | None = None

    @property
    def answers(self) -> dict[str, Any]:
        return self.state.answers

    # -- the flow -------------------------------------------------------------------------------------------

    def run(self) -> None:
        self.ask_until_done()
        self.state.phase = "review"
        self.state.position = "review"
        self.save()
        self.review()

    def ask_until_done(self) -> None:
        slot = self.form.next_slot(self.answers)
        while slot is not None:
            self.state.position = slot.key
            outcome = self.ask(slot)
            if outcome is BACK:
                earlier = self.slot_before(slot)
                if earlier is None:
                    self.console.say("This is the first question.", "help")
                    continue
                slot = earlier
                continue
            self.record(slot, outcome)
            slot = self.form.next_slot(self.answers)

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
        self.state.answers = self.form.prune(self.answers)
        self.asked.append(slot.key)
        self.state.position = None
        self.save()
        for line in others:
            self.console.say(f"Note: this does not fit another answer: {line} (you can change either in the review)",
                             "warn")
        root = slot.key.split(".")[0].split("#")[0]
        if self.flags_pending or root in self.flag_roots():
            self.check_red_flags()

    def save(self) -> None:
        save_partial(self.state)

    # -- one question ---------------------------------------------------------------------------------------

    def heading(self, slot: Slot) -> None:
        marker = (slot.section.id, slot.items)
        if self.last_heading is not None and self.last_heading[0] == slot.section.id and self.last_heading == marker:
            return
        if self.last_heading is None or self.last_heading[0] != slot.section.id:
            self.console.say("")
            self.console.say(f"── {slot.section.title} ──", "section")
        if slot.items and (self.last_heading is None or self.last_heading[1] != slot.items):
            self.console.say(self.item_title(slot), "item")
        self.last_heading = marker

    def item_title(self, slot: Slot) -> str:
        noun, index = slot.items[-1]
        group = self.form.by_path.get(tuple(p for p in slot.prefix[:-1] if isinstance(p, str)))
        name = ""
        if isinstance(group, Group) and group.spec.label:
            value = self.answers.get(dotted((*slot.prefix, group.spec.label)))
            label = self.form.by_path.get((*group.full, group.spec.label))
            if value is not None and isinstance(label, Question):
                name = f": {show_value(label, value)}"
        return f"{noun.capitalize()} {index + 1}{name}"

    def message(self, slot: Slot, text: str) -> str:
        if slot.items:
            noun, index = slot.items[-1]
            return f"{noun.capitalize()} {index + 1} · {text}"
        return text

    def ask(self, slot: Slot) -> Any:
        import questionary

        self.heading(slot)
        node = slot.node
        current = self.answers.get(slot.key, MISSING)
        if slot.kind == "add":
            node = _as_group(node)
            text = node.spec.ask if slot.index == 0 and node.spec.ask else node.spec.add
            add_default = current if isinstance(current, bool) else False
            return self.prompt(questionary.confirm(self.message(slot, text), default=add_default))
        if slot.kind == "gate":
            labels = {**GATE_LABELS, **((node.spec.choices if isinstance(node, Group) else node.spec.gate) or {})}
            text = node.spec.ask if node.spec.ask else ""
            if node.spec.help:
                self.console.say(f"  {node.spec.help}", "help")
            choices = [questionary.Choice(labels[v], value=v) for v in ("some", "none", "unknown")]
            default = current if current in labels else "unknown"
            return self.prompt(self._select(self.message(slot, text), choices, default))
        node = _as_question(node)
        if node.spec.help:
            self.console.say(f"  {node.spec.help}", "help")
        default = current if current is not MISSING else self.suggested(slot, node)
        text = self.message(slot, node.spec.pick if node.gated and node.spec.pick else node.spec.ask)
        hints = self.hints(slot, node)
        if node.kind == "select":
            choices = [questionary.Choice(label, value=value) for value, label in node.choices]
            return self.prompt(self._select(text, choices, default, hints))
        if node.kind == "checkbox":
            ticked = default if isinstance(default, list) else []
            choices = [questionary.Choice(label, value=value, checked=value in ticked) for value, label in node.choices]

            def at_least_one(picked: list[Any]) -> bool | str:
                if node.gated and not picked:
                    return "Tick at least one (space), or press Ctrl-B and answer None"
                return True

            instruction = "(space to tick, Enter when done" + (f"; {'; '.join(hints)})" if hints else ")")
            return self.prompt(
                questionary.checkbox(text, choices=choices, validate=at_least_one, instruction=instruction)
            )
        if node.kind == "confirm":
            return self.prompt(questionary.confirm(text, default=bool(default) if default is not MISSING else False))
        return self.ask_text(slot, node, text, default, hints)

    def _select(self, text: str, choices: list[Any], default: Any, hints: list[str] | None = None) -> Any:
        import questionary

        values = [c.value for c in choices]
        instruction = "(number or arrows, Enter" + (f"; {'; '.join(hints)})" if hints else ")")
        return questionary.select(
            text,
            choices=choices,
            default=default if default in values else None,
            use_shortcuts=len(choices) <= 35,
            use_jk_keys=False,
            instruction=instruction,
        )

    def ask_text(self, slot: Slot, node: Question, text: str, default: Any, hints: list[str]) -> Any:
        import questionary

        base_errors = self.errors(self.without(slot.key))

        def validate(typed: str) -> bool | str:
            try:
                value = parse_answer(node, typed, self.today)
            except AnswerError as exc:
                message = f"{node.title}: {exc}"
                if str(exc) == "is not in the expected form" and (node.info.description or node.spec.help):
                    message += f" ({node.info.description or node.spec.help})"
                return message
            own = self.conflicts(slot, value, base_errors)[0]
            return own[0] if own else True

        instruction = f"({'; '.join(hints)})" if hints else None
        typed = self.prompt(
            questionary.text(text, default=edit_text(node, default), validate=validate, instruction=instruction)
        )
        if typed is BACK:
            return BACK
        return parse_answer(node, typed, self.today)

    def hints(self, slot: Slot, node: Question) -> list[str]:
        out: list[str] = []
        if node.kind == "date":
            out.append("YYYY-MM-DD or today")
        if node.spec.input == "weight":
            out.append("grams, or 3.4 kg, or 7 lb 6 oz")
        elif node.spec.input == "weeks":
            out.append("weeks, or 39+3")
        if node.nullable and node.kind not in ("checkbox", "select"):
            out.append("Enter to skip if not known")
        if slot.key in self.state.previous:
            out.append(f"last visit: {show_value(node, self.state.previous[slot.key])}")
        if node.spec.hint:
            shown = self.computed_hint(slot, node.spec.hint)
            if shown:
                out.append(shown)
        return out

    def computed_hint(self, slot: Slot, name: str) -> str | None:
        item = self.item_data(slot)
        if item is None:
            return None
        group = self.form.by_path.get(tuple(p for p in slot.prefix[:-1] if isinstance(p, str)))
        if not isinstance(group, Group):
            return None
        try:
            model = group.item_model.model_validate(item)
            value = getattr(model, name)
        except (ValidationError, ValueError):
            return None
        if isinstance(value, list):
            if not value:
                return None
            value = ", ".join(str(v).replace("_", " ") for v in value)
        if isinstance(model, Medication):
            return f"careplan recognises: {value}"
        return str(value)

    def item_data(self, slot: Slot) -> dict[str, Any] | None:
        if not slot.items:
            return None
        data = build_data(self.form, self.answers)
        item = get_path(data, slot.prefix)
        return item if isinstance(item, dict) else None

    def suggested(self, slot: Slot, node: Question) -> Any:
        spec = node.spec
        if spec.default == "today" and node.kind == "date":
            return self.today.isoformat()
        if spec.default is not None:
            return spec.default
        if spec.default_from:
            value = self.form.value_at(self.form.resolve_template(spec.default_from, slot.prefix, self.answers),
                                       self.answers)
            if value is not MISSING and value is not None:
                return value
        default = node.model_default
        return default

    def prompt(self, question: Any) -> Any:
        from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings

        bindings = KeyBindings()

        @bindings.add("c-b", eager=True)
        def _back(event: Any) -> None:
            event.app.exit(result=BACK)

        app = question.application
        app.key_bindings = merge_key_bindings([app.key_bindings, bindings]) if app.key_bindings else bindings
        if self.idle_gc:
            app.pre_run_callables.append(lambda: app.create_background_task(_collect_when_idle()))
        app.pre_run_callables.append(self._prompt_shown)
        try:
            return question.unsafe_ask()
        finally:
            self.answered_at = time.perf_counter()

    # -- checks ---------------------------------------------------------------------------------------------

    def _prompt_shown(self) -> None:
        """Timing: the prompt is on the screen (its application is running)."""
        now = time.perf_counter()
        if self.first_prompt_at is None:
            self.first_prompt_at = now
            self.background.start()
        elif self.answered_at is not None:
            self.gaps.append(now - self.answered_at)
        self.answered_at = None

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

    def current_flags(self, wait: bool) -> list[Flag] | None:
        if not self.background.ready(wait):
            return None
        try:
            intake = Intake.model_validate(provisional(self.form, self.answers, self.today))
        except ValidationError:
            return None
        names = [b.name for b in intake.babies]
        walk = self.form.walk(self.answers)
        flags = []
        for raised in self.background.hooks.red_flags(intake):
            if raised.kind not in self.form.red_flag_kinds and raised.id not in self.form.red_flag_entries:
                continue
            babies = [i for i, name in enumerate(names) if name in raised.babies] or list(range(len(names)))
            if self._answered(raised.reads, babies, walk.implied):
                flags.append(Flag(raised.id, raised.title, raised.text, raised.babies))
        return flags

    def _answered(self, reads: tuple[str, ...], babies: list[int], implied: dict[str, Any]) -> bool:
        """Only raise a flag once the answers it rests on were given (an unanswered count reads as unknown)."""
        for name in reads:
            root, _, rest = name.partition(".")
            parts = tuple(rest.split(".")) if rest else ()
            paths: list[Path_] = [("babies", i, *parts) for i in babies] if root == "baby" else [(root, *parts)]
            for path in paths:
                node = self.form.by_path.get(tuple(p for p in path if isinstance(p, str)))
                if not isinstance(node, Question):
                    continue  # a computed value: it follows from answered fields
                key = dotted(path)
                if key not in self.answers and f"{key}#gate" not in self.answers and key not in implied:
                    return False
        return True

    def flag_roots(self) -> set[str]:
        """The parts of the intake the red-flag rules read (any answer elsewhere cannot change a red flag)."""
        if self._flag_roots is None:
            if not self.background.ready(wait=False):
                return set()
            kinds, entries = frozenset(self.form.red_flag_kinds), frozenset(self.form.red_flag_entries)
            self._flag_roots = self.background.hooks.flag_roots(kinds, entries)
        return self._flag_roots

    def check_red_flags(self) -> None:
        flags = self.current_flags(wait=False)
        self.flags_pending = flags is None
        if flags is None:
            return
        now = {(f.id, f.babies): f for f in flags}
        for key, flag in now.items():
            if key not in self.flags:
                self.show_flag(flag)
        for key, flag in self.flags.items():
            if key not in now:
                self.console.say(f"✓ No longer flagged: {flag.title}", "ok")
        self.flags = now

    def show_flag(self, flag: Flag) -> None:
        rule = "─" * (WIDTH - 2)
        self.console.say(f"┌{rule}", "alert")
        self.console.say(f"│ RED FLAG: {flag.title}", "alert")
        for line in textwrap.wrap(flag.text, WIDTH - 4):
            self.console.say(f"│ {line}", "alert")
        self.console.say(f"└{rule}", "alert")

    # -- the review -----------------------------------------------------------------------------------------

    def review(self) -> None:
        """Show every answer; change any; return once confirmed."""
        import questionary

        while True:
            slots = [s for s in self.form.walk(self.answers).slots if s.key in self.answers]
            count = len(slots)
            self.print_review(slots)
            flags = self.current_flags(wait=True) or []
            self.flags = {(f.id, f.babies): f for f in flags}
            if flags:
                self.console.say("")
                self.console.say("Red flags now:", "alert")
                for flag in flags:
                    self.console.say(f"  !! {flag.title}", "alert")
            problems = self.problems()
            if not problems:
                self.draft()
            numbers = {s.key: n for n, s in enumerate(slots, 1)}
            if problems:
                self.console.say("")
                self.console.say("To fix before saving:", "warn")
                for key, line in problems:
                    where = f"[{numbers[key]}] " if key in numbers else ""
                    self.console.say(f"  {where}{line}", "warn")

            def valid(typed: str, count: int = count) -> bool | str:
                typed = typed.strip()
                if not typed:
                    return True
                number = typed[1:] if typed[:1] in "dD" else typed
                if number.isdigit() and 1 <= int(number) <= count:
                    return True
                return f"Type a number from 1 to {count}, d and a number to remove that item, or nothing"

            self.console.say("")
            choice = self.prompt(
                questionary.text(
                    "Change which answer? (number; d+number removes that baby, medicine, ...; Enter to save)",
                    validate=valid,
                )
            )
            if choice is BACK:
                continue
            choice = str(choice).strip()
            if not choice:
                if problems:
                    self.console.say("Fix the problems listed above first.", "warn")
                    continue
                what = "Save the intake and render the plan?" if self.state.render else "Save the intake?"
                confirmed = self.prompt(questionary.confirm(what, default=True))
                if confirmed is True:
                    return
                continue
            if choice[:1] in "dD":
                self.remove_item(slots[int(choice[1:]) - 1])
                continue
            slot = slots[int(choice) - 1]
            self.last_heading = None
            outcome = self.ask(slot)
            if outcome is not BACK:
                self.record(slot, outcome)
            self.ask_until_done()

    # -- the PDF, drafted while the review is read ---------------------------------------------------------

    def draft(self) -> None:
        """Render the PDF for the intake as it stands, in the background: if it is saved unchanged, the PDF is
        on disk the moment the consultant confirms."""
        if not self.state.render or not self.background.render:
            return
        try:
            intake = Intake.model_validate(build_data(self.form, self.answers))
        except ValidationError:
            return
        key = intake.model_dump_json()
        if self.drafts and self.drafts[-1].key == key:
            return
        pdf = self.state.output.with_suffix(".pdf")
        draft = _Draft(key, pdf.with_name(f".{pdf.stem}.draft{len(self.drafts)}.pdf"))
        before = self.drafts[-1].thread if self.drafts else None
        draft.thread = threading.Thread(
            target=self._render_draft, args=(draft, intake, before), name="careplan-interview-draft", daemon=True
        )
        self.drafts.append(draft)
        draft.thread.start()

    def _render_draft(self, draft: _Draft, intake: Intake, before: threading.Thread | None) -> None:
        if before is not None:
            before.join()  # one render at a time
        self.background.done.wait()
        if self.background.error is not None:
            return
        try:
            warnings = self.background.hooks.write_pdf(intake, draft.path)
        except Exception:  # the render after confirming reports it
            draft.path.unlink(missing_ok=True)
            return
        draft.warnings = list(warnings)
        draft.ok = True

    def use_draft(self, intake: Intake, pdf: Path) -> list[str] | None:
        """Move the draft for this intake into place; None when there is none (then render now)."""
        key = intake.model_dump_json()
        for draft in self.drafts:
            if draft.thread is not None:
                draft.thread.join()
        chosen = next((d for d in reversed(self.drafts) if d.key == key and d.ok), None)
        if chosen is not None:
            chosen.path.replace(pdf)
        self.discard_drafts()
        return chosen.warnings if chosen is not None else None

    def discard_drafts(self, wait: float | None = None) -> None:
        for draft in self.drafts:
            if draft.thread is not None:
                draft.thread.join(wait)
            draft.path.unlink(missing_ok=True)
        self.drafts.clear()

    def print_review(self, slots: list[Slot]) -> None:
        self.console.say("")
        self.console.say("══ Review: every answer ══", "section")
        section = None
        items: tuple[tuple[str, int], ...] = ()
        for number, slot in enumerate(slots, 1):
            if slot.section.id != section:
                section = slot.section.id
                items = ()
                self.console.say(f"── {slot.section.title} ──", "section")
            if slot.items != items and slot.items:
                self.console.say(f"  {self.item_title(slot)}", "item")
            items = slot.items
            self.console.say(f"  {number:3}  {self.review_label(slot)}: {self.review_value(slot)}")
        self.last_heading = None

    def review_label(self, slot: Slot) -> str:
        node = slot.node
        if slot.kind == "add":
            node = _as_group(node)
            return node.spec.ask if slot.index == 0 and node.spec.ask else node.spec.add
        if slot.kind == "gate":
            return node.spec.ask or ""
        node = _as_question(node)
        return node.spec.pick if node.gated and node.spec.pick else node.spec.ask

    def review_value(self, slot: Slot) -> str:
        value = self.answers[slot.key]
        node = slot.node
        if slot.kind == "add":
            return "yes" if value else "no"
        if slot.kind == "gate":
            return node.gate_label(value)
        return show_value(_as_question(node), value)

    def remove_item(self, slot: Slot) -> None:
        if not slot.items or slot.kind != "field":
            self.console.say("That answer is not part of a baby, medicine or other item.", "warn")
            return
        list_path, index = slot.prefix[:-1], int(slot.prefix[-1])
        group = _as_group(self.form.by_path.get(tuple(p for p in list_path if isinstance(p, str))))
        walk = self.form.walk(self.answers)
        count = walk.counts.get(dotted(list_path), 0)
        least = max(1, group.min) if group.nullable else group.min
        if count <= least:
            self.console.say(f"There must be at least {least} {group.spec.item}; change the answers instead.", "warn")
            return
        remove = self.prompt(self._confirm_remove(group, index))
        if remove is not True:
            return
        base = dotted(list_path)
        first_optional = least
        answers: dict[str, Any] = {}
        for key, value in self.answers.items():
            if key.startswith(f"{base}#add."):
                continue
            if key.startswith(f"{base}."):
                rest = key[len(base) + 1 :]
                head, _, tail = rest.partition(".")
                number = head.split("#")[0]
                if number.isdigit():
                    position = int(number)
                    if position == index:
                        continue
                    if position > index:
                        key = f"{base}.{position - 1}{head[len(number):]}" + (f".{tail}" if tail else "")
            answers[key] = value
        for position in range(first_optional, count - 1):
            answers[f"{base}#add.{position}"] = True
        if count - 1 < group.max and count - 1 >= first_optional:
            answers[f"{base}#add.{count - 1}"] = False
        self.state.answers = self.form.prune(answers)
        self.save()
        self.console.say(f"Removed {group.spec.item} {index + 1}.", "ok")

    def _confirm_remove(self, group: Group, index: int) -> Any:
        import questionary

        return questionary.confirm(f"Remove {group.spec.item} {index + 1} and all its answers?", default=False)


# --------------------------------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------------------------------


async def _collect_when_idle() -> None:
    import asyncio

    await asyncio.sleep(IDLE_GC_AFTER)
    gc.collect()


def default_output(now: float | None = None) -> Path:
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(now))
    return Path(f"intake-{stamp}.json")


def resume_command(partial: Path) -> str:
    return f"careplan interview --resume {partial}"


@contextlib.contextmanager
def _signals(enabled: bool) -> Iterator[None]:
    """A closed terminal (SIGHUP) or a polite kill (SIGTERM) stops the interview like Ctrl-C."""
    if not enabled or threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: Any) -> None:
        hangup = _Hangup("terminal closed" if signum == signal.SIGHUP else "asked to stop")
        # Inside a prompt, raising here could land in one of prompt_toolkit's event-loop callbacks, which would
        # report it and carry on; ask the running prompt to end with it instead.
        from prompt_toolkit.application.current import get_app_or_none

        app = get_app_or_none()
        if app is not None and app.is_running:
            with contextlib.suppress(Exception):
                app.exit(exception=hangup)
                return
        raise hangup

    saved = {sig: signal.signal(sig, stop) for sig in (signal.SIGHUP, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)


def _check_terminal() -> None:
    for name, stream in (("standard input", sys.stdin), ("standard output", sys.stdout)):
        try:
            is_tty = stream is not None and stream.isatty()
        except (ValueError, OSError):
            is_tty = False
        if not is_tty:
            raise NoTerminal(
                [
                    f"careplan interview needs a terminal, and {name} is not one.",
                    "To make a plan from an intake you already have as JSON:",
                    "  careplan validate INTAKE.json && careplan render INTAKE.json -o PLAN.pdf",
                ]
            )


def _start_state(
    output: Path | None,
    resume: Path | None,
    previous: Path | None,
    render: bool,
    practice: Path | None,
    libraries: tuple[Path, ...],
    form: Form,
    console: Console,
) -> State:
    if resume is not None:
        state = load_partial(resume.absolute())
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
        return state
    # absolute, so that a resume from another folder writes where this interview was meant to
    target = (output if output is not None else default_output()).absolute()
    partial = partial_path_for(target)
    if target.exists():
        raise CareplanError([f"{target}: already exists; choose another file with -o (an intake is never overwritten)"])
    if partial.exists():
        raise CareplanError(
            [f"{partial}: an interview for {target} was saved here; continue it with: {resume_command(partial)}"]
        )
    state = State(answers={}, output=target, partial=partial, render=render,
                  practice=str(practice) if practice is not None else None, libraries=[str(p) for p in libraries])
    if previous is not None:
        last = load_intake(previous)
        state.answers, state.previous = follow_up_answers(form, last)
    return state


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
    """
    form = form or builtin_form()
    console = console or TerminalConsole()
    today = today or date.today()
    started = clock()
    if check_terminal and input is None:
        _check_terminal()
    state = _start_state(output, resume, previous, render, practice, libraries, form, console)
    settings = (tuple(Path(p) for p in state.libraries), Path(state.practice) if state.practice else None)
    background = _Background(hooks(*settings, state.render), state.render, warm_up)
    interview = _Interview(form, state, console, background, today)
    if state.answers:
        save_partial(state)
    session: contextlib.AbstractContextManager[Any] = contextlib.nullcontext()
    if input is not None or output_device is not None:
        from prompt_toolkit.application import create_app_session

        session = create_app_session(input=input, output=output_device)
    console.say(f"Answers are saved as you go to {state.partial}. Ctrl-B goes back; Ctrl-C stops (nothing is lost).",
                "help")
    gc_was_enabled = gc.isenabled()
    interview.idle_gc = gc_was_enabled
    gc.disable()
    try:
        with session, _signals(check_terminal and input is None):
            interview.run()
    except (KeyboardInterrupt, EOFError) as exc:
        why = None
        if isinstance(exc, EOFError):
            why = "terminal closed"
        elif isinstance(exc, _Hangup):
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
            interview.discard_drafts(wait=10)
    confirmed_at = clock()
    return _finish(interview, started, confirmed_at, clock)


def _stopped(interview: _Interview, why: str | None) -> InterviewInterrupted:
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
    interview: _Interview,
    started: float,
    confirmed_at: float,
    clock: Callable[[], float],
) -> InterviewResult:
    state, console = interview.state, interview.console
    intake = Intake.model_validate(build_data(interview.form, state.answers))
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
        warnings = interview.use_draft(intake, pdf)
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


def _as_group(node: Any) -> Group:
    if not isinstance(node, Group):
        raise TypeError("expected a group")
    return node


def _as_question(node: Any) -> Question:
    if not isinstance(node, Question):
        raise TypeError("expected a question")
    return node
