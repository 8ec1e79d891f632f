"""The letter's words that are worked out from the plan: the summary and the compact S/O/A/P, per recipient.

Minimum necessary: the baby's clinician reads the babies' measurements and the lactation history; the parent's
clinician and the prescriber read the parent's history (conditions, medicines, surgery) and, for the babies, only
their ages and how they are fed. Facts only, as recorded; the consultant's own assessment is quoted as written.
"""

from __future__ import annotations

from typing import Any

from careplan.documents.progress_charts import centile_text
from careplan.locales import Formatter
from careplan.plan import BabyRecord, ClinicalRecord, Plan

RELATIONSHIP = {"birth_parent": "birth parent", "adoptive_parent": "adoptive parent",
                "non_gestational_parent": "non-gestational parent", "grandparent": "grandparent",
                "other_carer": "carer"}
GOAL = {
    "exclusive_breastfeeding": "feeding at the breast only, in time",
    "partial_breastfeeding": "partial breastfeeding",
    "comfort_nursing": "comfort nursing",
    "expressed_milk": "expressed milk for the baby",
    "any_milk": "as much of the parent's own milk as possible",
    "unsure": "not yet decided",
}
OUTPUT = {"none": "no milk", "drops": "drops of milk", "some": "some milk", "unknown": "milk output not known"}
MILK = {"direct_breastfeeding": "at the breast", "expressed_breast_milk": "expressed breast milk",
        "donor_milk": "donor milk", "formula": "formula", "solids": "solids", "other": "other"}


#: Condition and reason keys whose words are not the key with spaces.
SPECIAL_WORDS = {"pcos": "PCOS", "diabetes_type_1": "type 1 diabetes", "diabetes_type_2": "type 2 diabetes"}


def _words(key: str) -> str:
    return SPECIAL_WORDS.get(key, key.replace("_", " "))


def _age(days: int) -> str:
    if days < 14:
        return f"{days} days"
    if days < 91:
        return f"{days // 7} weeks"
    return f"{round(days / 30.4375)} months"


def _baby_line(baby: BabyRecord, fmt: Formatter) -> str:
    """One baby's measurements: age, gestation, birth and current weight with the change and the gain a day,
    diapers and feeding."""
    parts = [f"{baby.name}: {_age(baby.age_days)} old"]
    if baby.gestational_age_weeks is not None:
        parts.append(f"born at {baby.gestational_age_weeks:g} weeks")
    if baby.birth_weight_g is not None:
        parts.append(f"birth weight {fmt.weight(baby.birth_weight_g)}")
    if baby.current_weight_g is not None and baby.weighed_on is not None:
        weight = f"{fmt.weight(baby.current_weight_g)} on {fmt.short_date(baby.weighed_on)}"
        if baby.weight_change_pct is not None:
            change = baby.weight_change_pct
            weight += f" ({abs(change):.1f}% {'below' if change < 0 else 'above'} birth weight)"
        parts.append(weight)
    if baby.gain_g_per_day is not None:
        parts.append(f"gaining {baby.gain_g_per_day:+.0f} g/day")
    if baby.wet_diapers_24h is not None:
        dirty = "" if baby.dirty_diapers_24h is None else f", {baby.dirty_diapers_24h} stools"
        parts.append(fmt.spell(f"{baby.wet_diapers_24h} wet diapers{dirty} a day"))
    fed = [MILK.get(m, m) for m in baby.milk]
    if fed:
        feeding = "fed " + ", ".join(fed)
        if baby.supplement_ml_per_24h is not None:
            feeding += f"; supplement {fmt.volume(baby.supplement_ml_per_24h)} a day"
        if baby.supplement_methods:
            feeding += f" by {', '.join(_words(m) for m in baby.supplement_methods)}"
        parts.append(feeding)
    return "; ".join(parts) + "."


def summary(plan: Plan, fmt: Formatter) -> list[str]:
    """Two to four sentences: who was seen, when and why; the babies; the lactation history; the goal."""
    record = plan.record
    if record is None:
        return []
    babies = " and ".join(f"{b.name} ({_age(b.age_days)})" for b in record.babies)
    who = RELATIONSHIP.get(record.parent_relationship, record.parent_relationship)
    sentences = [f"I saw {plan.parent_name} ({who}) with {babies} on {fmt.long_date(plan.consult_date)}."]
    if record.reason:
        sentences.append(f"Reason for the consult: {record.reason.rstrip('.')}.")
    sentences.append(f"The family's goal: {GOAL.get(plan.goal, _words(plan.goal))}.")
    return sentences


def _low_supply_history(facts: dict[str, Any]) -> str:
    """A low-supply consult's history: the milk coming in, feeding and pumping now, test weights, the EPDS."""
    came_in = {"yes": "the milk came in", "not_yet": "the milk has not come in yet",
               "never": "the milk never came in", "unknown": "when the milk came in is not known"}
    text = came_in.get(str(facts["milk_came_in"]), "when the milk came in is not known")
    if facts["milk_came_in"] == "yes" and facts["milk_in_hours"] is not None:
        text += f" about {float(facts['milk_in_hours']):.0f} hours after the birth"
    at_breast = {"yes": "feeds at the breast", "some": "some feeds at the breast", "no": "pump-dependent",
                 "unknown": "feeding at the breast not recorded"}
    text += f"; {at_breast.get(str(facts['at_breast']), 'feeding at the breast not recorded')}"
    if facts["breastfeeds_24h"] is not None:
        text += f", {facts['breastfeeds_24h']} breastfeeds in 24 hours"
    if facts["pump_sessions_24h"]:
        sessions = facts["pump_sessions_24h"]
        text += f"; pumping {sessions} time{'' if sessions == 1 else 's'} in 24 hours"
        if facts["pumped_ml_24h"] is not None:
            text += f", about {float(facts['pumped_ml_24h']):.0f} mL"
        if facts["pumps_after_feeds_only"] == "yes":
            text += " (after feeds only: not a measure of the baby's intake)"
    if facts["test_weights"]:
        text += (f"; {facts['test_weights']} test weight{'' if facts['test_weights'] == 1 else 's'} totalling "
                 f"{facts['test_weight_total_g']} g (a single feed can be off by 12-15 mL)")
    if facts["epds"] is not None:
        text += f"; EPDS {facts['epds']}"
    return text[0].upper() + text[1:]


def _history(record: ClinicalRecord) -> str:
    if record.low_supply is not None:
        return _low_supply_history(record.low_supply)
    if record.breastfed_this_baby == "no":
        text = "The parent has not breastfed this baby"
    elif record.breastfeeding_weeks is not None:
        lasted = record.breastfeeding_weeks
        text = f"Breastfeeding or expressing lasted about {lasted:g} week{'' if lasted == 1 else 's'}"
    else:
        text = "How long breastfeeding lasted is not known"
    if record.stop_reasons:
        text += f" and stopped because of {', '.join(_words(r) for r in record.stop_reasons)}"
    weeks = record.weeks_since_milk_removal
    if weeks is not None:  # days under 2 weeks
        days = round(weeks * 7)
        ago = "today" if days == 0 else f"{days} days ago" if weeks < 2 else f"about {weeks:g} weeks ago"
        text += f"; last milk removal {ago}"
    text += f"; now {OUTPUT.get(record.current_output, record.current_output)}"
    if record.latest_expressed_ml_per_24h is not None:
        text += f", about {record.latest_expressed_ml_per_24h:.0f} mL a day expressed at the last check"
    return text


def soap(plan: Plan, role: str, fmt: Formatter) -> list[dict[str, Any]]:
    """The compact S/O/A/P for ``role``: each a heading and its lines."""
    record = plan.record
    if record is None:
        return []
    subjective = [_history(record) + "."]
    parent_side = role in ("parent_clinician", "prescriber")
    if parent_side:
        if record.parent_age is not None:
            subjective.append(f"Parent's age: {record.parent_age}.")
        subjective.append("Conditions: " + (", ".join(_words(c) for c in record.conditions) or "none recorded") + ".")
        subjective.append("Medicines now: " + (", ".join(record.medications) or "none recorded") + ".")
        if record.breast_surgeries:
            subjective.append(f"Breast surgery: {', '.join(_words(s) for s in record.breast_surgeries)}.")
    if parent_side:
        objective = [f"{b.name}: {_age(b.age_days)} old." for b in record.babies]
    else:
        objective = [_baby_line(b, fmt) for b in record.babies]
        for growth in plan.growth:
            last = growth.points[-1] if growth.points else None
            if last is not None and last.centile is not None and last.z is not None:
                centile = centile_text(last)
                corrected = ", corrected age" if growth.corrected else ""
                objective.append(f"{growth.baby}: WHO weight-for-age z {last.z:+.2f} ({centile} centile) at the last "
                                 f"weighing{corrected}.")
    assessment = [plan.assessment] if plan.assessment else []
    assessment += [f"{item.title}." for item in plan.urgent() if item.letter is None or item.letter.to == role]
    return [
        {"letter": "S", "heading": "History", "lines": subjective},
        {"letter": "O", "heading": "Findings", "lines": objective},
        {"letter": "A", "heading": "Assessment", "lines": assessment or ["See the requests above."]},
        {"letter": "P", "heading": "Plan", "lines": _plan_lines(plan, role, fmt)},
    ]


def _plan_lines(plan: Plan, role: str, fmt: Formatter) -> list[str]:
    lines = []
    if plan.schedule is not None and plan.schedule.kind == "timed":
        lines.append(f"Milk removal {len(plan.schedule.sessions)} times in 24 hours, including one at night.")
    for feeding in plan.feeding:
        if feeding.step_down:
            first, last = feeding.step_down[0], feeding.step_down[-1]
            lines.append(f"{feeding.baby}: supplement stepped down from {fmt.volume(first.daily_ml)} a day "
                         f"({fmt.short_date(first.starts_on)}) to {fmt.volume(last.daily_ml)} by "
                         f"{fmt.short_date(last.starts_on)}, while weight gain and diapers hold.")
        elif feeding.amounts_held:
            lines.append(f"{feeding.baby}: no supplement amounts or step-down computed; amounts to be set with "
                         "the baby's clinician.")
    if role in ("parent_clinician", "prescriber") and plan.exclusions:
        titles = list(dict.fromkeys(e.title for e in plan.exclusions))
        lines.append(f"Left out of the family's plan: {'; '.join(titles)}.")
    if plan.next_visit is not None:
        lines.append(f"Next visit: {fmt.long_date(plan.next_visit)}.")
    return [fmt.spell(line) for line in lines]
