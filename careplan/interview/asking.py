"""One question: its heading, its prompt (select, checkbox, confirm or typed text, checked as typed), hints and
suggestions."""

from __future__ import annotations

import contextlib
import time
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from careplan.intake import Medication
from careplan.interview.answers import (
    AnswerError,
    DateOrder,
    Typed,
    date_hint,
    date_order_for,
    edit_text,
    read_answer,
    show_value,
)
from careplan.interview.common import BACK, as_group, as_question
from careplan.interview.fields import MISSING
from careplan.interview.nodes import GATE_LABELS, Group, Question, Screen, Slot, dotted
from careplan.interview.partial import (
    build_data,
    get_path,
    remember_unit,
)
from careplan.interview.terminal import (
    collect_when_idle,
)

if TYPE_CHECKING:
    pass

if TYPE_CHECKING:
    from careplan.interview.session import Interview


class Jump:
    pass


#: The answer that means "open the section menu" (Ctrl-G, "go to").
JUMP = Jump()


class Note:
    pass


#: The answer that means "open this section's notes" (Ctrl-N).
NOTE = Note()

#: The answers that are keys, not answers: back, the section menu, the notes.
MOVES = (BACK, JUMP, NOTE)

#: A practice file is a page of settings (careplan.practice reads at most this much too).
MAX_PRACTICE_BYTES = 256 * 1024


def practice_locale_preset(path: Path) -> str | None:
    """The locale preset a practice file sets (``locale = "UK"`` or ``[locale] preset = "UK"``), or None. Read
    here, not through careplan.practice, which the interview does not import; a file that cannot be read gives
    None (the practice file is checked, and its problems reported, where the plan is made)."""
    try:
        with path.open("rb") as handle:
            data = tomllib.loads(handle.read(MAX_PRACTICE_BYTES).decode("utf-8"))
    except (OSError, ValueError):  # missing, unreadable, not UTF-8, not TOML
        return None
    chosen = data.get("locale")
    preset = chosen.get("preset") if isinstance(chosen, dict) else chosen
    return preset if preset in ("US", "UK", "CA", "AU") else None


class Asking:
    """Asks one question of the session and returns the answer (or BACK)."""

    def __init__(self, session: Interview) -> None:
        self.session = session
        self._preset: tuple[str | None] | None = None  # the practice's locale preset, once read
        self.jumps = False  # Ctrl-G opens the section menu (while the questions are asked in order)
        self.progress_for: str | None = None  # the slot whose progress line is on the screen

    def date_order(self) -> DateOrder:
        """How a numeric date is read: the practice's locale when its file sets one; otherwise the family's country
        when already answered (consult.jurisdiction); otherwise the US's, month first."""
        if self._preset is None:
            practice = self.session.state.practice
            self._preset = (practice_locale_preset(Path(practice)) if practice else None,)
        jurisdiction = self.session.answers.get("consult.jurisdiction")
        return date_order_for(self._preset[0], jurisdiction if isinstance(jurisdiction, str) else None)

    def read(self, node: Question, typed: str) -> Typed:
        return read_answer(node, typed, self.session.today, self.date_order())

    def heading(self, slot: Slot) -> None:
        """The section's title when it changes, the item's (``Baby 1: Otis``) when it changes, and the progress
        line once per question."""
        marker = (slot.section.id, slot.items)
        if self.session.last_heading != marker:
            if self.session.last_heading is None or self.session.last_heading[0] != slot.section.id:
                self.session.console.say("")
                self.session.console.say(f"── {slot.section.title} ──", "section")
            if slot.items and (self.session.last_heading is None or self.session.last_heading[1] != slot.items):
                self.session.console.say(self.item_title(slot), "item")
            self.session.last_heading = marker
            self.progress_for = None
        if self.progress_for != slot.key:
            line = self.progress(slot)
            if line:
                self.session.console.say(line, "help")
            self.progress_for = slot.key

    def progress(self, slot: Slot) -> str | None:
        """``The baby · question 14 of about 76``: where this question is among those the answers so far would
        ask (about: answers still to come open or close questions)."""
        keys = [s.key for s in self.session.form.walk(self.session.answers).slots if s.kind != "note"]
        if slot.key not in keys:
            return None
        return f"{slot.section.title} · question {keys.index(slot.key) + 1} of about {len(keys)}"

    def item_title(self, slot: Slot) -> str:
        noun, index = slot.items[-1]
        group = self.session.form.by_path.get(tuple(p for p in slot.prefix[:-1] if isinstance(p, str)))
        name = ""
        if isinstance(group, Group) and group.spec.label:
            value = self.session.answers.get(dotted((*slot.prefix, group.spec.label)))
            label = self.session.form.by_path.get((*group.full, group.spec.label))
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
        status = self.session.flagging.status_line()
        if status:
            self.session.console.say(status, "alert")
        node = slot.node
        current = self.session.answers.get(slot.key, MISSING)
        if slot.kind == "add":
            node = as_group(node)
            text = node.spec.ask if slot.index == 0 and node.spec.ask else node.spec.add
            add_default = current if isinstance(current, bool) else False
            return self.prompt(questionary.confirm(self.message(slot, text), default=add_default))
        if slot.kind == "gate":
            own = node.spec.choices if isinstance(node, Group) else as_question(node).spec.gate
            labels = {**GATE_LABELS, **(own or {})}
            text = node.spec.ask if node.spec.ask else ""
            if node.spec.help:
                self.session.console.say(f"  {node.spec.help}", "help")
            choices = [questionary.Choice(labels[v], value=v) for v in ("some", "none", "unknown")]
            last = self.session.state.previous.get(slot.key)
            default = current if current in labels else last if last in labels else "unknown"
            return self.prompt(self._select(self.message(slot, text), choices, default))
        if slot.kind == "screen" and isinstance(node, Screen):
            return self.ask_screen(slot, node, current)
        node = as_question(node)
        if node.spec.help:
            self.session.console.say(f"  {node.spec.help}", "help")
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
            return self.tick(text, choices, at_least_one, instruction)
        if node.kind == "confirm":
            return self.prompt(questionary.confirm(text, default=bool(default) if default is not MISSING else False))
        return self.ask_text(slot, node, text, default, hints)

    def ask_screen(self, slot: Slot, screen: Screen, current: Any) -> Any:
        """A screen: one tick list for several questions ("None of these" first; "Ask one by one" last). A
        follow-up ticks what the last visit found, to change."""
        import questionary

        if screen.spec.help:
            self.session.console.say(f"  {screen.spec.help}", "help")
        last = self.session.state.previous.get(slot.key)
        ticked = current if isinstance(current, list) else last if isinstance(last, list) else []
        if screen.spec.one:
            menu = [questionary.Choice(label, value=value) for value, label in screen.menu()]
            picked = self.prompt(self._select(self.message(slot, screen.spec.ask), menu, ticked[0] if ticked else None))
            return picked if any(picked is move for move in MOVES) else [picked]
        choices = [questionary.Choice(label, value=value, checked=value in ticked) for value, label in screen.menu()]

        def validate(picked: list[str]) -> bool | str:
            return screen.problem(picked) or True

        return self.tick(self.message(slot, screen.spec.ask), choices, validate, "(space to tick, Enter when done)")

    def tick(self, text: str, choices: list[Any], validate: Any, instruction: str) -> Any:
        """A tick list; then what was ticked, in words (questionary itself says only "done (2 selections)")."""
        from careplan.interview import widgets

        picked = self.prompt(widgets.checkbox(text, choices=choices, validate=validate, instruction=instruction))
        if isinstance(picked, list) and len(picked) != 1:
            labels = {c.value: c.title for c in choices}
            said = ", ".join(str(labels.get(v, v)) for v in picked) if picked else "nothing ticked"
            self.session.console.say(f"  = {said}", "help")
        return picked

    def _select(self, text: str, choices: list[Any], default: Any, hints: list[str] | None = None) -> Any:
        from careplan.interview import widgets

        values = [c.value for c in choices]
        instruction = "(number or arrows, Enter" + (f"; {'; '.join(hints)})" if hints else ")")
        return widgets.select(
            text,
            choices=choices,
            default=default if default in values else None,
            use_shortcuts=len(choices) <= 35,
            use_jk_keys=False,
            instruction=instruction,
        )

    def ask_text(self, slot: Slot, node: Question, text: str, default: Any, hints: list[str]) -> Any:
        import questionary

        base_errors = self.session.errors(self.session.without(slot.key))

        def validate(typed: str) -> bool | str:
            try:
                value = self.read(node, typed).value
            except AnswerError as exc:
                message = f"{node.title}: {exc}"
                if str(exc) == "is not in the expected form" and (node.info.description or node.spec.help):
                    message += f" ({node.info.description or node.spec.help})"
                return message
            own = self.session.conflicts(slot, value, base_errors)[0]
            return own[0] if own else True

        instruction = f"({'; '.join(hints)})" if hints else None
        typed = self.prompt(
            questionary.text(text, default=edit_text(node, default), validate=validate, instruction=instruction)
        )
        if any(typed is move for move in MOVES):
            return typed
        answer = self.read(node, typed)
        self.show_read(node, str(typed), answer)
        remember_unit(self.session.state, slot.key, answer.unit)
        return answer.value

    def show_read(self, node: Question, typed: str, answer: Typed) -> None:
        """Say how a date or an amount was read (``= 12 April 1992``, ``= 7 lb 6 oz (3,345 g)``) unless it was typed
        just so, or as it is stored (2026-03-16, 3400)."""
        if answer.value is None or not (node.kind == "date" or node.spec.input):
            return
        shown = show_value(node, answer.value, answer.unit)
        if typed.strip().casefold() not in (shown.casefold(), edit_text(node, answer.value).casefold()):
            self.session.console.say(f"  = {shown}", "help")

    def hints(self, slot: Slot, node: Question) -> list[str]:
        out: list[str] = []
        if node.kind == "date":
            out.append(date_hint(self.date_order()))
        if node.spec.input == "weight":
            out.append("grams, or 3.4 kg, or 7 lb 6 oz")
        elif node.spec.input == "volume":
            out.append("mL, or 2 oz")
        elif node.spec.input == "weeks":
            out.append("weeks, or 39+2")
        if node.spec.note:
            out.append("Enter when done")
        elif node.nullable and node.kind not in ("checkbox", "select"):
            out.append("Enter to skip if not known")
        if slot.key in self.session.state.previous:
            out.append(f"last visit: {show_value(node, self.session.state.previous[slot.key])}")
        if node.spec.hint:
            shown = self.computed_hint(slot, node.spec.hint)
            if shown:
                out.append(shown)
        return out

    def computed_hint(self, slot: Slot, name: str) -> str | None:
        item = self.item_data(slot)
        if item is None:
            return None
        group = self.session.form.by_path.get(tuple(p for p in slot.prefix[:-1] if isinstance(p, str)))
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
        data = build_data(self.session.form, self.session.answers)
        item = get_path(data, slot.prefix)
        return item if isinstance(item, dict) else None

    def suggested(self, slot: Slot, node: Question) -> Any:
        spec = node.spec
        last = self.session.state.previous.get(slot.key, MISSING)
        if last is not MISSING and (node.kind in ("select", "checkbox") or spec.input == "volume"):
            # A follow-up asks again what changes over a course of care; how things were is the default (Enter
            # keeps it). Measured values (weights, counts, dates) are never carried: the last one is a hint only.
            return last
        if spec.default == "today" and node.kind == "date":
            return self.session.today.isoformat()
        if spec.default is not None:
            return spec.default
        if spec.default_from:
            value = self.session.form.value_at(
                self.session.form.resolve_template(spec.default_from, slot.prefix, self.session.answers),
                self.session.answers,
            )
            if value is not MISSING and value is not None:
                return value
        default = node.model_default
        return default

    @contextlib.contextmanager
    def jumping(self) -> Iterator[None]:
        """Ctrl-G opens the section menu, and Ctrl-N the section's notes, in the prompts asked inside (the questions
        in order, not the review's)."""
        self.jumps = True
        try:
            yield
        finally:
            self.jumps = False

    @contextlib.contextmanager
    def not_jumping(self) -> Iterator[None]:
        """Inside a jump's own prompt (the notes): no Ctrl-G or Ctrl-N there."""
        was, self.jumps = self.jumps, False
        try:
            yield
        finally:
            self.jumps = was

    def choose_section(self, slot: Slot) -> str | None:
        """The Ctrl-G menu: each section with questions, with how many are answered (``3) Health (5/14)``); the id
        of the section chosen, or None for "Back to where I was" (Ctrl-B and Ctrl-G say that too)."""
        import questionary

        walk = self.session.form.walk(self.session.answers).slots
        choices = []
        for section in self.session.form.sections:
            slots = [s for s in walk if s.section.id == section.id and s.kind != "note"]
            if slots:
                done = sum(s.key in self.session.answers for s in slots)
                here = ", now" if section.id == slot.section.id else ""
                choices.append(questionary.Choice(f"{section.title} ({done}/{len(slots)}{here})", value=section.id))
        choices.append(questionary.Choice("Back to where I was", value=""))
        chosen = self.prompt(self._select("Go to which section?", choices, ""))
        return chosen if isinstance(chosen, str) and chosen else None

    def prompt(self, question: Any) -> Any:
        from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings

        bindings = KeyBindings()

        @bindings.add("c-b", eager=True)
        def _back(event: Any) -> None:
            event.app.exit(result=BACK)

        if self.jumps:

            @bindings.add("c-g", eager=True)
            def _jump(event: Any) -> None:
                event.app.exit(result=JUMP)

            @bindings.add("c-n", eager=True)
            def _note(event: Any) -> None:
                event.app.exit(result=NOTE)

        app = question.application
        app.key_bindings = merge_key_bindings([app.key_bindings, bindings]) if app.key_bindings else bindings
        if self.session.idle_gc:
            app.pre_run_callables.append(lambda: app.create_background_task(collect_when_idle()))
        app.pre_run_callables.append(self._prompt_shown)
        try:
            return question.unsafe_ask()
        finally:
            self.session.answered_at = time.perf_counter()

    def _prompt_shown(self) -> None:
        """Timing: the prompt is on the screen (its application is running)."""
        now = time.perf_counter()
        if self.session.first_prompt_at is None:
            self.session.first_prompt_at = now
            self.session.background.start()
        elif self.session.answered_at is not None:
            self.session.gaps.append(now - self.session.answered_at)
        self.session.answered_at = None
