"""The rule engine: intake + strategy library -> plan.

One public function, :func:`build_plan`. It is pure: the same intake and library always give the same plan, and
nothing is read from disk, the clock or the network.

How it decides:

1. Every library entry is evaluated, once per baby when its expressions read ``baby``, otherwise once. An entry
   fires when all of its ``all`` conditions and at least one of its ``any`` conditions hold. The conditions that
   held, and the intake values they read, become the item's trace.
2. Every fired entry that ``excludes`` others removes them from the plan (for the same baby, or for all babies
   when the excluding entry is about the whole family) and records why. Exclusion entries themselves only
   produce these records. So nothing excluded is ever also recommended; nor is an item pointing to amounts held.
3. Items are grouped into the library's sections, urgent items first and referrals second.
4. The schedule, feeding plans and timeline are computed. No daily amount and no step-down is computed for a
   baby while one of the baby's own guards holds (``Baby.amount_guards``) or an entry marked ``holds_amounts``
   fired for that baby; the step-down is kept only for a baby for whom the ``supplement-step-down`` entry
   survived step 2.
5. An urgent item or referral that a more urgent one supersedes is dropped, never listed as "left out": the list
   of what was left out holds only strategies, cautions and expectations, each with this family's reason.
"""

from __future__ import annotations

import dataclasses
import re
import string
from dataclasses import dataclass, field
from typing import Any

from careplan.errors import LibraryError
from careplan.intake import Baby, Intake
from careplan.language.catalogue import Catalogue
from careplan.language.choice import Candidate, choose, direction, fallback_note
from careplan.language.phrases import words as phrases
from careplan.plan import (
    ConditionTrace,
    Exclusion,
    LanguageNote,
    LetterRequest,
    Plan,
    PlanItem,
    PlanSection,
)
from careplan.rules.assembly import assemble, source_refs
from careplan.rules.expressions import LIST_LANGUAGE, words
from careplan.rules.library import KIND_SECTIONS, Entry, Letter, Library, Rule
from careplan.rules.parameters import Parameters

ROOTS = (
    "consult", "parent", "babies", "lactation", "health", "situation", "goals", "consent", "progress", "low_supply"
)


@dataclass
class _Firing:
    rule: Rule
    baby: Baby | None
    traces: list[ConditionTrace]
    params: dict[str, Any]


@dataclass
class _Removed:
    reason: str
    by: str
    babies: list[str] = field(default_factory=list)


class _Text(string.Formatter):
    """Fills {param} placeholders; an unknown value prints as 'unknown' whatever its format spec."""

    def format_field(self, value: Any, format_spec: str) -> str:
        if value is None:
            return phrases(LIST_LANGUAGE.get())("plan.unknown")
        if isinstance(value, list | tuple):  # a list reads as "a, b and c"
            return words(value)
        try:
            return str(super().format_field(value, format_spec))
        except (TypeError, ValueError):
            return str(value)


_FORMAT = _Text()


def _scope(intake: Intake, baby: Baby, parameters: Parameters) -> dict[str, Any]:
    scope: dict[str, Any] = {name: getattr(intake, name) for name in ROOTS}
    scope["baby"] = baby
    scope["parameters"] = parameters
    return scope


def _evaluate(rule: Rule, intake: Intake, baby: Baby, parameters: Parameters) -> _Firing | None:
    scope = _scope(intake, baby, parameters)
    traces: list[ConditionTrace] = []
    try:
        for name, compiled in rule.all.items():
            value, seen = compiled.evaluate(scope)
            if not value:
                return None
            traces.append(ConditionTrace(name=name, expression=compiled.source, values=seen))
        if rule.any:
            held = False
            for name, compiled in rule.any.items():
                value, seen = compiled.evaluate(scope)
                if value:
                    held = True
                    traces.append(ConditionTrace(name=name, expression=compiled.source, values=seen))
            if not held:
                return None
        params = {name: compiled.evaluate(scope)[0] for name, compiled in rule.params.items()}
    except Exception as exc:  # rule-engine raises its own EvaluationError family; any failure is the library's
        raise LibraryError(
            [f"{rule.origin}: entry '{rule.entry.id}': could not be evaluated ({type(exc).__name__})"]
        ) from exc
    return _Firing(rule=rule, baby=baby if rule.per_baby else None, traces=traces, params=params)


def _names(babies: list[Baby]) -> str:
    return words([b.name for b in babies])


def _letter(letter: Letter | None, values: dict[str, Any]) -> LetterRequest | None:
    """The doctors' letter's request for an item, filled with the same values as the item's text (English only)."""
    if letter is None:
        return None
    request = _FORMAT.vformat(letter.request, (), values)
    return LetterRequest(to=letter.to, urgency=letter.urgency, request=request)


@dataclass
class _Kept:
    """What survives the exclusions: the firings to show by entry, what was left out, and per baby the entries
    that hold the amounts and whether the step-down entry fired."""

    firings: dict[str, list[_Firing]] = field(default_factory=dict)
    exclusions: dict[tuple[str, str], Exclusion] = field(default_factory=dict)
    held: dict[str, list[str]] = field(default_factory=dict)
    step_down: set[str] = field(default_factory=set)


class _Build:
    """One plan being built: evaluate every entry, apply the exclusions, group twins, place items in sections."""

    def __init__(self, intake: Intake, library: Library, language: str, reviewed_only: bool = False) -> None:
        self.intake = intake
        self.library = library
        self.language = language
        self.catalogue = None if language == "en" else library.translations.get(language, Catalogue(language))
        self.reviewed_only = reviewed_only
        self.missing: set[str] = set()  # keys of texts this plan needs that have no usable translation
        self.drafts: set[str] = set()  # translation files not yet reviewed that this plan used

    def local(self, key: str, english: str | None) -> str | None:
        """The text ``key`` in the plan's language; a text without a usable translation is recorded as missing
        (the plan is then built again in English) and its English returned meanwhile."""
        if english is None or self.catalogue is None:
            return english
        found = self.catalogue.lookup(key, english)
        if found is None or (self.reviewed_only and found.status != "reviewed"):
            self.missing.add(key)
            return english
        if found.status != "reviewed":
            self.drafts.add(found.file)
        return found.text

    def fill(self, entry: Entry, part: str, values: dict[str, Any]) -> str | None:
        texts: dict[str, str] | None = getattr(entry, part)
        text = self.local(f"{entry.id}.{part}", None if texts is None else texts["en"])
        if text is None:
            return None
        filled = _FORMAT.vformat(text, (), self.worded(entry, values))
        if entry.words and values.get(_GROUPED):  # a word's "each baby" that starts a sentence
            filled = _capitalised(filled, phrases(self.language)("plan.each_baby"))
        return filled

    def worded(self, entry: Entry, values: dict[str, Any], english: bool = False) -> dict[str, Any]:
        """``values`` with each of the entry's word params (``words:``) given its text in the plan's language (in
        English with ``english``, for the doctors' letter): a key becomes its text, a list of keys their texts
        (sentences one after another, phrases as a list)."""
        if not entry.words:
            return values
        out = dict(values)
        if values.get(_GROUPED):  # one item for twins: a word naming "the" baby names each of them
            values = values | {"baby_name": EACH_BABY if english else phrases(self.language)("plan.each_baby")}
        for param, choices in entry.words.items():
            chosen = values.get(param)
            keys = [chosen] if isinstance(chosen, str) else list(chosen or [])
            texts = []
            for key in keys:
                if key in choices:
                    text = choices[key]["en"]
                    if not english:
                        text = self.local(f"{entry.id}.words.{param}.{key}", text) or text
                    texts.append(_FORMAT.vformat(text, (), values))
            sentences = all(t.rstrip().endswith((".", "!", "?")) for t in texts)
            out[param] = " ".join(texts) if sentences else words(texts)
        return out

    def evaluate(self) -> list[_Firing]:
        firings: list[_Firing] = []
        for rule_id in sorted(self.library.rules):
            rule = self.library.rules[rule_id]
            babies = self.intake.babies if rule.per_baby else [self.intake.youngest_baby]
            for baby in babies:
                firing = _evaluate(rule, self.intake, baby, self.library.parameters)
                if firing is not None:
                    firings.append(firing)
        return firings

    def values(self, firing: _Firing) -> dict[str, Any]:
        who = [firing.baby] if firing.baby is not None else self.intake.babies
        return {"baby_name": _names(who), "parent_name": self.intake.parent.name, **firing.params}

    def removed(self, firings: list[_Firing]) -> dict[tuple[str, str | None], _Removed]:
        """(target entry, baby name or None for all) -> why it is left out, from the exclusions that fired."""
        removed: dict[tuple[str, str | None], _Removed] = {}
        for firing in firings:
            entry = firing.rule.entry
            for target in entry.excludes:
                key = (target, firing.baby.name if firing.baby is not None else None)
                if key not in removed:
                    reason = self.fill(entry, "exclusion_reason", self.values(firing)) or ""
                    removed[key] = _Removed(reason=reason, by=entry.id)
        showing = [rule_id for rule_id, rule in self.library.rules.items() if rule.entry.shows_amounts]
        for firing in (f for f in firings if f.rule.entry.holds_amounts):  # items pointing to held amounts go
            why = _Removed(reason=phrases(self.language)("plan.amounts_held"), by=firing.rule.entry.id)
            for target in showing:
                removed.setdefault((target, firing.baby.name if firing.baby is not None else None), why)
        return removed

    def keep(self, firings: list[_Firing], step_down_entry: str | None) -> _Kept:
        removed = self.removed(firings)
        kept = _Kept(held={b.name: [] for b in self.intake.babies})
        everyone = [b.name for b in self.intake.babies]
        for firing in firings:
            entry = firing.rule.entry
            if entry.kind == "exclusion":
                continue
            names = [firing.baby.name] if firing.baby is not None else []
            why_out = _excluded(removed, firing)
            if why_out is not None:
                if entry.kind not in ("urgent", "referral"):  # those are superseded by a more urgent item
                    self.leave_out(kept, firing, why_out, names)
                continue
            if entry.holds_amounts:
                for name in names or everyone:
                    kept.held[name].append(entry.id)
            if entry.id == step_down_entry:
                kept.step_down.update(names or everyone)
            kept.firings.setdefault(entry.id, []).append(firing)
        return kept

    def leave_out(self, kept: _Kept, firing: _Firing, why_out: _Removed, names: list[str]) -> None:
        entry = firing.rule.entry
        title = self.fill(entry, "title", self.values(firing)) or entry.id
        key = (entry.id, title)
        if key in kept.exclusions:
            previous = kept.exclusions[key]
            reason = previous.reason
            if why_out.reason != reason:  # twins: one reason when only the names differ, else both
                each = phrases(self.language)("plan.each_baby")
                shared = _renamed(reason, previous.babies, each)
                both = shared == _renamed(why_out.reason, names, each)
                reason = shared if both else f"{reason}. {why_out.reason}"
            kept.exclusions[key] = previous.model_copy(update={"babies": previous.babies + names, "reason": reason})
            return
        by_entry = self.library.rules[why_out.by].entry
        kept.exclusions[key] = Exclusion(
            id=entry.id,
            title=title,
            reason=why_out.reason,
            by=why_out.by,
            sources=source_refs(self.library, by_entry.sources),
            babies=names,
        )

    def items(self, kept: _Kept) -> list[PlanItem]:
        items = []
        for group in kept.firings.values():
            for firing, babies in _together(group, self.intake.babies):
                entry = firing.rule.entry
                filled = self.values(firing) | {"baby_name": _names(babies)} if babies else self.values(firing)
                if len(babies) > 1:
                    filled[_GROUPED] = True
                items.append(
                    PlanItem(
                        id=entry.id,
                        kind=entry.kind,
                        urgency=entry.urgency,
                        section=entry.plan_section,
                        title=self.fill(entry, "title", filled) or entry.id,
                        text=self.fill(entry, "text", filled) or "",
                        why=self.fill(entry, "why", filled),
                        because=self.fill(entry, "because", filled),
                        short=self.fill(entry, "short", filled),
                        avoid_if=self.fill(entry, "avoid_if", filled),
                        clinician_note=entry.clinician_note,
                        sources=source_refs(self.library, entry.sources),
                        rules=entry.rules,
                        babies=[b.name for b in babies],
                        trace=[t for f in group for t in f.traces] if len(babies) > 1 else firing.traces,
                        letter=_letter(entry.letter, self.worded(entry, filled, english=True)),
                    )
                )
        return items

    def sections(self, items: list[PlanItem]) -> list[PlanSection]:
        order = {entry_id: rule.entry.priority for entry_id, rule in self.library.rules.items()}
        first = list(KIND_SECTIONS.values())
        section_ids = first + [s.id for s in self.library.sections if s.id not in first]
        sections = []
        for section_id in section_ids:
            here = sorted((i for i in items if i.section == section_id), key=lambda i: (order[i.id], i.id, i.babies))
            if here:
                section = self.library.section(section_id)
                title = self.local(f"section.{section.id}.title", section.title["en"]) or section.id
                english_intro = None if section.intro is None else section.intro["en"]
                intro = self.local(f"section.{section.id}.intro", english_intro)
                sections.append(PlanSection(id=section.id, title=title, intro=intro, items=here))
        return sections


def _excluded(removed: dict[tuple[str, str | None], _Removed], firing: _Firing) -> _Removed | None:
    entry_id = firing.rule.entry.id
    if firing.baby is None:
        return next((r for (t, _), r in removed.items() if t == entry_id), None)
    return removed.get((entry_id, firing.baby.name)) or removed.get((entry_id, None))


def build_plan(intake: Intake, library: Library, *, language: str | None = None, reviewed_only: bool = False) -> Plan:
    """Build the care plan for ``intake`` from ``library``: evaluate every entry, apply the exclusions, group
    twins, place the items in their sections, then add the parts the plan type computes.

    The plan is in the family's language (``intake.parent.preferred_language``, or ``language`` when given) only
    when every text it needs is translated and not stale (and reviewed, with ``reviewed_only``); otherwise it is
    in English with a note saying so (see :mod:`careplan.language.choice`)."""
    if library.plantype is not None and library.plantype.id != intake.plan_type:
        raise LibraryError(
            [f"the intake is a {intake.plan_type!r} intake, but the library is for {library.plantype.id!r}"]
        )
    requested = language or intake.parent.preferred_language
    candidate = choose(requested, library.translations, reviewed_only)
    if candidate.language != "en":
        build, plan = _build(intake, library, candidate.language, reviewed_only)
        if not build.missing:
            return plan.model_copy(update={"requested_language": requested,
                                           "translation_reviewed": not build.drafts,
                                           "direction": direction(candidate.language)})
        candidate = Candidate("en", requested, "not_reviewed" if reviewed_only else "incomplete")
    _, plan = _build(intake, library, "en", False)
    note = None
    if candidate.reason is not None:
        english_note, local = fallback_note(requested)
        note = LanguageNote(english=english_note, local=local, reason=candidate.reason)
    return plan.model_copy(update={"requested_language": requested, "language_note": note})


def _build(intake: Intake, library: Library, language: str, reviewed_only: bool) -> tuple[_Build, Plan]:
    """The plan in ``language``; the build records the texts it lacked in that language."""
    build = _Build(intake, library, language, reviewed_only)
    token = LIST_LANGUAGE.set(language)
    try:
        step_down_entry = library.plantype.step_down_entry if library.plantype is not None else None
        kept = build.keep(build.evaluate(), step_down_entry)
        sections = build.sections(build.items(kept))
        left_out = sorted(kept.exclusions.values(), key=lambda e: (e.id, e.babies))
        plan = assemble(intake, library, language, sections, left_out, kept.step_down, kept.held)
        return build, plan
    finally:
        LIST_LANGUAGE.reset(token)


#: Marks the values of one item for several babies (see _Build.worded).
_GROUPED = "_grouped"

#: What a twin item's values say where one baby's item named that baby ("Ida was born early" -> "each baby ...").
EACH_BABY = "each baby"


def _together(group: list[_Firing], babies: list[Baby]) -> list[tuple[_Firing, list[Baby]]]:
    """An entry that fired for every baby with the same values becomes one item naming them all (twins);
    otherwise one item per baby, or one for the whole family. Values that differ only by the baby's own name
    count as the same; in the shared item that name reads "each baby"."""
    per_baby = [f for f in group if f.baby is not None]
    if not per_baby:
        return [(f, []) for f in group]
    stand_in = phrases(LIST_LANGUAGE.get())("plan.each_baby")
    shared = [_without_name(f, stand_in) for f in per_baby]
    if len(babies) > 1 and len(per_baby) == len(babies) and all(p == shared[0] for p in shared):
        return [(dataclasses.replace(per_baby[0], params=shared[0]), list(babies))]
    return [(f, [f.baby]) for f in per_baby if f.baby is not None]


def _without_name(firing: _Firing, stand_in: str) -> dict[str, Any]:
    """The firing's values with its baby's name (as a whole word) replaced by ``stand_in``."""
    if firing.baby is None:
        return firing.params
    name = firing.baby.name
    return {key: _renamed(value, [name], stand_in) if isinstance(value, str) else value
            for key, value in firing.params.items()}


def _renamed(text: str, names: list[str], stand_in: str) -> str:
    """``text`` with each of ``names`` (as whole words) replaced by ``stand_in``, capitalised where a sentence
    starts."""
    for name in names:
        text = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", stand_in, text)
    return _capitalised(text, stand_in)


def _capitalised(text: str, stand_in: str) -> str:
    """``text`` with ``stand_in`` capitalised where a sentence starts."""
    starts = re.compile(rf"(^|[.!?]\s+){re.escape(stand_in)}")
    return starts.sub(lambda m: m.group(1) + stand_in[:1].upper() + stand_in[1:], text)
