"""The review at the end: every answer by section, any of them changed or an item removed, then confirmed."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from careplan.interview.answers import show_value
from careplan.interview.common import BACK, as_group, as_question
from careplan.interview.form import Group, Slot, dotted

if TYPE_CHECKING:
    pass

if TYPE_CHECKING:
    from careplan.interview.session import Interview


class Review:
    """The review at the end: every answer by section, any of them changed or an item removed, then confirmed."""

    def __init__(self, session: Interview) -> None:
        self.session = session

    def review(self) -> None:
        """Show every answer; change any; return once confirmed.

        Long on purpose: one loop: show the answers, read one choice, act on it.
        """
        import questionary

        while True:
            slots = [s for s in self.session.form.walk(self.session.answers).slots if s.key in self.session.answers]
            count = len(slots)
            self.print_review(slots)
            flags = self.session.flagging.current_flags(wait=True) or []
            self.session.flags = {(f.id, f.babies): f for f in flags}
            if flags:
                self.session.console.say("")
                self.session.console.say("Red flags now:", "alert")
                for flag in flags:
                    self.session.console.say(f"  !! {flag.title}", "alert")
            problems = self.session.problems()
            if not problems:
                self.session.drafting.draft()
            numbers = {s.key: n for n, s in enumerate(slots, 1)}
            if problems:
                self.session.console.say("")
                self.session.console.say("To fix before saving:", "warn")
                for key, line in problems:
                    where = f"[{numbers[key]}] " if key in numbers else ""
                    self.session.console.say(f"  {where}{line}", "warn")

            def valid(typed: str, count: int = count) -> bool | str:
                typed = typed.strip()
                if not typed:
                    return True
                number = typed[1:] if typed[:1] in "dD" else typed
                if number.isdigit() and 1 <= int(number) <= count:
                    return True
                return f"Type a number from 1 to {count}, d and a number to remove that item, or nothing"

            self.session.console.say("")
            choice = self.session.asker.prompt(
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
                    self.session.console.say("Fix the problems listed above first.", "warn")
                    continue
                what = "Save the intake and render the plan?" if self.session.state.render else "Save the intake?"
                confirmed = self.session.asker.prompt(questionary.confirm(what, default=True))
                if confirmed is True:
                    return
                continue
            if choice[:1] in "dD":
                self.remove_item(slots[int(choice[1:]) - 1])
                continue
            slot = slots[int(choice) - 1]
            self.session.last_heading = None
            outcome = self.session.asker.ask(slot)
            if outcome is not BACK:
                self.session.record(slot, outcome)
            self.session.ask_until_done()

    def print_review(self, slots: list[Slot]) -> None:
        self.session.console.say("")
        self.session.console.say("══ Review: every answer ══", "section")
        section = None
        items: tuple[tuple[str, int], ...] = ()
        for number, slot in enumerate(slots, 1):
            if slot.section.id != section:
                section = slot.section.id
                items = ()
                self.session.console.say(f"── {slot.section.title} ──", "section")
            if slot.items != items and slot.items:
                self.session.console.say(f"  {self.session.asker.item_title(slot)}", "item")
            items = slot.items
            self.session.console.say(f"  {number:3}  {self.review_label(slot)}: {self.review_value(slot)}")
        self.session.last_heading = None

    def review_label(self, slot: Slot) -> str:
        node = slot.node
        if slot.kind == "add":
            node = as_group(node)
            return node.spec.ask if slot.index == 0 and node.spec.ask else node.spec.add
        if slot.kind == "gate":
            return node.spec.ask or ""
        node = as_question(node)
        return node.spec.pick if node.gated and node.spec.pick else node.spec.ask

    def review_value(self, slot: Slot) -> str:
        value = self.session.answers[slot.key]
        node = slot.node
        if slot.kind == "add":
            return "yes" if value else "no"
        if slot.kind == "gate":
            return node.gate_label(value)
        return show_value(as_question(node), value)

    def remove_item(self, slot: Slot) -> None:
        if not slot.items or slot.kind != "field":
            self.session.console.say("That answer is not part of a baby, medicine or other item.", "warn")
            return
        list_path, index = slot.prefix[:-1], int(slot.prefix[-1])
        group = as_group(self.session.form.by_path.get(tuple(p for p in list_path if isinstance(p, str))))
        walk = self.session.form.walk(self.session.answers)
        count = walk.counts.get(dotted(list_path), 0)
        least = max(1, group.min) if group.nullable else group.min
        if count <= least:
            self.session.console.say(
                f"There must be at least {least} {group.spec.item}; change the answers instead.", "warn"
            )
            return
        remove = self.session.asker.prompt(self._confirm_remove(group, index))
        if remove is not True:
            return
        base = dotted(list_path)
        first_optional = least
        answers: dict[str, Any] = {}
        for key, value in self.session.answers.items():
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
                        key = f"{base}.{position - 1}{head[len(number) :]}" + (f".{tail}" if tail else "")
            answers[key] = value
        for position in range(first_optional, count - 1):
            answers[f"{base}#add.{position}"] = True
        if count - 1 < group.max and count - 1 >= first_optional:
            answers[f"{base}#add.{count - 1}"] = False
        self.session.state.answers = self.session.form.prune(answers)
        self.session.save()
        self.session.console.say(f"Removed {group.spec.item} {index + 1}.", "ok")

    def _confirm_remove(self, group: Group, index: int) -> Any:
        import questionary

        return questionary.confirm(f"Remove {group.spec.item} {index + 1} and all its answers?", default=False)
