"""The review at the end: the answers a section at a time, each page fitting an 80x24 terminal; any answer changed
or an item removed, then confirmed.

Answers are numbered once across the whole review (the order asked), so a number means the same answer on every
page and in "to fix" lines. At the prompt: a number changes that answer; ``d`` and a number removes the baby,
medicine... it belongs to; ``n`` and ``p`` (or Ctrl-B) turn the page; ``s`` lists the sections and ``s3`` jumps to
section 3; Enter saves. A section too long for one screen is split into parts, with a "more" line at the foot.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from careplan.interview.answers import show_value
from careplan.interview.common import BACK, Flag, as_group, as_question
from careplan.interview.console import WIDTH
from careplan.interview.nodes import Group, Screen, Section, Slot, dotted
from careplan.interview.partial import prune_keeping, unit_for

if TYPE_CHECKING:
    from careplan.interview.session import Interview

#: The smallest terminal the review is laid out for: 24 rows (of 80 columns; lines are kept to WIDTH).
ROWS = 24
#: Rows every page needs besides its answers: its title, the "more" line, the keys line, the prompt, and the row
#: prompt_toolkit shows a refused entry in.
FIXED_ROWS = 5
#: At most this many red flags or problems listed on a page (the rest counted; Enter lists every problem).
MOST_LISTED = 3
KEYS_LINE = "12 changes answer 12 · d12 removes its item · n/p page on/back · s3 section 3"
PROMPT = "Change which answer? (Enter saves)"


@dataclass(frozen=True)
class Page:
    """One screen of the review: a section, or one part of a long section."""

    section: int  # index in the form's sections
    part: int
    parts: int
    lines: tuple[tuple[str, str], ...]  # (text, style)
    keys: tuple[str, ...]  # the answers shown, in order (slot keys)
    first: int = 0  # the first and last answer numbers shown (0: none)
    last: int = 0


def fit(text: str, width: int = WIDTH) -> str:
    """One screen line: cut with an ellipsis if longer than the terminal allows (the whole answer is shown when
    it is changed)."""
    return text if len(text) <= width else text[: width - 1] + "…"


def paginate(
    sections: list[Section], numbered: list[tuple[int, Slot, str]], rows: int, titles: dict[tuple[Any, ...], str]
) -> list[Page]:
    """Every section's answers in pages of at most ``rows`` lines; a section with no answers is a page of its own.

    ``numbered`` is (number, slot, line) in review order; ``titles`` maps a slot's items (("baby", 0), ...) to the
    item's title line. An item's title counts as a line, nested items' titles are indented, and a part that
    starts inside an item repeats the titles it is in."""
    pages: list[Page] = []
    rows = max(rows, 4)

    def heads(items: tuple[Any, ...], before: tuple[Any, ...]) -> list[tuple[int, str, tuple[str, str]]]:
        out = []
        for depth in range(len(items)):
            if items[: depth + 1] != before[: depth + 1]:
                noun, number = items[depth]
                title = titles.get(items[: depth + 1]) or f"{str(noun).capitalize()} {number + 1}"
                out.append((0, "", (fit(f"  {'  ' * depth}{title}"), "item")))
        return out

    for index, section in enumerate(sections):
        entries = [(n, s, line) for n, s, line in numbered if s.section is section]
        parts: list[list[tuple[int, str, tuple[str, str]]]] = []  # (number, key, line); number 0 for a title
        current: list[tuple[int, str, tuple[str, str]]] = []
        items: tuple[Any, ...] = ()
        for number, slot, line in entries:
            titled = heads(slot.items, items)
            if current and len(current) + len(titled) + 1 > rows:
                parts.append(current)
                current = []
                titled = heads(slot.items, ())
            current += [*titled, (number, slot.key, (line, ""))]
            items = slot.items
        parts.append(current)
        for part, lines in enumerate(parts):
            numbers = [n for n, _, _ in lines if n]
            pages.append(
                Page(
                    index, part, len(parts),
                    tuple(line for _, _, line in lines) or (("  No answers in this section.", "help"),),
                    tuple(key for _, key, _ in lines if key),
                    min(numbers, default=0), max(numbers, default=0),
                )
            )  # fmt: skip
    return pages


class Review:
    """The review at the end: the answers by section, a page at a time; any of them changed or an item removed,
    then confirmed."""

    def __init__(self, session: Interview) -> None:
        self.session = session
        self.section = 0  # the page shown: its section, and the first answer on it (None: the section's start)
        self.anchor: str | None = None
        self.flags_shown: set[tuple[str, tuple[str, ...]]] | None = None  # the red flags last listed in full
        self.notes: list[tuple[str, str]] = []  # said once, on the next page: answers put aside or put back

    def review(self) -> None:
        """Show the answers a page at a time; change any; return once confirmed.

        Long on purpose: one loop: show a page, read one command, act on it.
        """
        import questionary

        redraw = True
        sections = self.session.form.sections
        while True:
            # notes written (Ctrl-N while asking) are listed with the answers; notes not written are not
            slots = [s for s in self.session.form.walk(self.session.answers).slots if s.key in self.session.answers]
            count = len(slots)
            flags = self.session.flagging.current_flags(wait=True) or []
            self.session.flags = {(f.id, f.babies): f for f in flags}
            problems = self.session.problems()
            if not problems:
                self.session.drafting.draft()
            numbers = {s.key: n for n, s in enumerate(slots, 1)}
            pages, at = self.layout(slots, flags, problems, numbers)
            if redraw:
                self.show(pages[at], flags, problems, numbers)
            redraw = True

            # n and p pass over sections with no answers (s and the number still shows them)
            later = next((i for i in range(at + 1, len(pages)) if pages[i].keys), None)
            earlier = next((i for i in range(at - 1, -1, -1) if pages[i].keys), None)

            def valid(typed: str, count: int = count, later: int | None = later, earlier: int | None = earlier
                      ) -> bool | str:
                typed = typed.strip().lower()
                if typed in ("", "s"):
                    return True
                if typed == "n":
                    return True if later is not None else "This is the last page; p goes back, Enter saves"
                if typed == "p":
                    return True if earlier is not None else "This is the first page; n goes on, Enter saves"
                if typed[:1] == "s":
                    if typed[1:].isdigit() and 1 <= int(typed[1:]) <= len(sections):
                        return True
                    return f"Type s and a section number from 1 to {len(sections)} (s lists them)"
                number = typed[1:] if typed[:1] == "d" else typed
                if number.isdigit() and 1 <= int(number) <= count:
                    return True
                return f"Type an answer number from 1 to {count}, d and a number, n, p, s3, or nothing to save"

            choice = self.session.asker.prompt(questionary.text(PROMPT, validate=valid))
            if choice is BACK:
                choice = "p" if earlier is not None else ""
                if not choice:
                    redraw = False
                    continue
            choice = str(choice).strip().lower()
            if not choice:
                if problems:
                    self.session.console.say("To fix before saving:", "warn")
                    for key, line in problems:
                        where = f"[{numbers[key]}] " if key in numbers else ""
                        self.session.console.say(f"  {where}{line}", "warn")
                    self.session.console.say("Fix the problems listed above first.", "warn")
                    redraw = False
                    continue
                what = "Save the intake and render the plan?" if self.session.state.render else "Save the intake?"
                confirmed = self.session.asker.prompt(questionary.confirm(what, default=True))
                if confirmed is True:
                    self.session.state.hidden = {}  # answers kept in case a change was undone: not past saving
                    return
                continue
            if choice in ("n", "p"):
                target = later if choice == "n" else earlier
                if target is not None:
                    self.section, self.anchor = pages[target].section, pages[target].keys[0]
                continue
            if choice == "s":
                self.list_sections(pages)
                redraw = False
                continue
            if choice[:1] == "s":
                self.section, self.anchor = int(choice[1:]) - 1, None
                continue
            if choice[:1] == "d":
                self.remove_item(slots[int(choice[1:]) - 1])
                continue
            slot = slots[int(choice) - 1]
            self.session.last_heading = None
            hidden_before = dict(self.session.state.hidden)
            outcome = self.session.asker.ask(slot)
            if outcome is not BACK:
                self.session.record(slot, outcome)
            self.session.ask_until_done()
            self.notes = self.hidden_notes(hidden_before)
            self.anchor = slot.key  # back to the page of the answer changed
            self.section = next((i for i, s in enumerate(sections) if s is slot.section), self.section)

    # -- the page -------------------------------------------------------------------------------------------

    def layout(
        self, slots: list[Slot], flags: list[Flag], problems: list[tuple[str | None, str]], numbers: dict[str, int]
    ) -> tuple[list[Page], int]:
        """The review's pages for the rows its red flags and problems leave, and which one is shown now."""
        rows = ROWS - FIXED_ROWS - len(self.notes) - len(self.flag_lines(flags))
        rows -= len(self.problem_lines(problems, numbers))
        numbered = [(n, s, self.answer_line(n, s)) for n, s in enumerate(slots, 1)]
        titles = {s.items: self.session.asker.item_title(s) for s in slots if s.items}
        pages = paginate(self.session.form.sections, numbered, rows, titles)
        self.section = min(max(self.section, 0), len(self.session.form.sections) - 1)
        if self.anchor is not None:
            for index, page in enumerate(pages):
                if self.anchor in page.keys:
                    return pages, index
        return pages, next(i for i, p in enumerate(pages) if p.section == self.section)

    def hidden_notes(self, before: dict[str, Any]) -> list[tuple[str, str]]:
        """What an edit did to answers of questions that stopped or started to apply (one line each)."""
        hidden, answers = self.session.state.hidden, self.session.answers
        back = sum(1 for k, v in before.items() if k not in hidden and k in answers and answers[k] == v)
        gone = sum(1 for k in hidden if k not in before)
        notes = []
        if gone:
            notes.append((f"{gone} answer{'s' if gone > 1 else ''} no longer appl{'y' if gone > 1 else 'ies'}: "
                          "kept until the intake is saved, in case you change it back", "help"))
        if back:
            notes.append((f"{back} earlier answer{'s' if back > 1 else ''} appl{'y' if back > 1 else 'ies'} again: "
                          "put back", "ok"))
        return [(fit(text), style) for text, style in notes]

    def flag_lines(self, flags: list[Flag]) -> list[tuple[str, str]]:
        """The red flags: the status line on every page; when they changed since last listed (and on the first
        page), each one in full."""
        status = self.session.flagging.status_line()
        lines = [(status, "alert")] if status else []
        now = {(f.id, f.babies) for f in flags}
        if flags and now != self.flags_shown:
            lines.append(("Red flags now:", "alert"))
            ranked = sorted(flags, key=lambda f: f.kind != "urgent")
            lines += [(fit(f"  !! {f.summary}"), "alert") for f in ranked[:MOST_LISTED]]
            if len(ranked) > MOST_LISTED:
                lines.append((f"  … and {len(ranked) - MOST_LISTED} more (see the status line)", "alert"))
        return lines

    def problem_lines(self, problems: list[tuple[str | None, str]], numbers: dict[str, int]) -> list[tuple[str, str]]:
        if not problems:
            return []
        lines = [("To fix before saving:", "warn")]
        for key, line in problems[:MOST_LISTED]:
            where = f"[{numbers[key]}] " if key in numbers else ""
            lines.append((fit(f"  {where}{line}"), "warn"))
        if len(problems) > MOST_LISTED:
            lines.append((f"  … and {len(problems) - MOST_LISTED} more (Enter lists them all)", "warn"))
        return lines

    def show(self, page: Page, flags: list[Flag], problems: list[tuple[str | None, str]],
             numbers: dict[str, int]) -> None:
        """One page, at most ROWS - 2 lines with the prompt below it: title, red flags, answers, more, problems,
        keys."""
        say = self.session.console.say
        sections = self.session.form.sections
        part = f" · part {page.part + 1} of {page.parts}" if page.parts > 1 else ""
        shown = f" · answers {page.first}–{page.last}" if page.first else ""
        title = f"══ Review {page.section + 1}/{len(sections)}: {sections[page.section].title}{part}{shown} ══"
        say(fit(title), "section")
        for text, style in self.notes:
            say(text, style)
        self.notes = []
        for text, style in self.flag_lines(flags):
            say(text, style)
        self.flags_shown = {(f.id, f.babies) for f in flags}
        for text, style in page.lines:
            say(text, style)
        if page.part + 1 < page.parts:
            say(f"  ▼ more: n shows the rest of {fit(sections[page.section].title, 40)}", "help")
        for text, style in self.problem_lines(problems, numbers):
            say(text, style)
        say(KEYS_LINE, "help")
        self.session.last_heading = None

    def list_sections(self, pages: list[Page]) -> None:
        say = self.session.console.say
        say("Sections (s and the number goes there):", "section")
        for index, section in enumerate(self.session.form.sections):
            mine = [p for p in pages if p.section == index and p.first]
            span = f"answers {mine[0].first}–{mine[-1].last}" if mine else "no answers"
            say(fit(f"  s{index + 1:<3} {section.title} ({span})"))

    def answer_line(self, number: int, slot: Slot) -> str:
        return fit(f"  {number:3}  {self.review_label(slot)}: {self.review_value(slot)}")

    def review_label(self, slot: Slot) -> str:
        node = slot.node
        if slot.kind == "add":
            node = as_group(node)
            return node.spec.ask if slot.index == 0 and node.spec.ask else node.spec.add
        if slot.kind == "gate" or isinstance(node, Screen):
            return node.spec.ask or ""
        node = as_question(node)
        return node.spec.pick if node.gated and node.spec.pick else node.spec.ask

    def review_value(self, slot: Slot) -> str:
        value = self.session.answers[slot.key]
        node = slot.node
        if slot.kind == "add":
            return "yes" if value else "no"
        if isinstance(node, Screen):
            return node.label(value)
        if slot.kind == "gate":
            return node.gate_label(value)
        return show_value(as_question(node), value, unit_for(self.session.state, slot.key))

    # -- removing an item -----------------------------------------------------------------------------------

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
        state = self.session.state
        answers = _renumbered(state.answers, base, index)
        for position in range(first_optional, count - 1):
            answers[f"{base}#add.{position}"] = True
        if count - 1 < group.max and count - 1 >= first_optional:
            answers[f"{base}#add.{count - 1}"] = False
        state.units = _renumbered(state.units, base, index)
        hidden = _renumbered(state.hidden, base, index)
        state.answers, state.hidden = prune_keeping(self.session.form, answers, hidden)
        self.session.save()
        self.session.console.say(f"Removed {group.spec.item} {index + 1}.", "ok")

    def _confirm_remove(self, group: Group, index: int) -> Any:
        import questionary

        return questionary.confirm(f"Remove {group.spec.item} {index + 1} and all its answers?", default=False)


def _renumbered(values: dict[str, Any], base: str, index: int) -> dict[str, Any]:
    """These answers (or units, or hidden answers) without item ``index`` of the list at ``base``: the items after
    it move up one; the list's "add another?" answers are left out (the caller sets them again)."""
    out: dict[str, Any] = {}
    for key, value in values.items():
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
        out[key] = value
    return out
