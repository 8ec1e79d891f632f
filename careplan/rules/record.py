"""The clinical record a plan carries for the letter to the doctors (:class:`careplan.plan.ClinicalRecord`): the
consult, consent to share, the care team, and the history and measurements a physician reads, taken as they are
from the intake (the rules choose nothing here)."""

from __future__ import annotations

from careplan.intake import Intake
from careplan.plan import BabyRecord, CareTeamEntry, ClinicalRecord


def clinical_record(intake: Intake) -> ClinicalRecord:
    health, lactation = intake.health, intake.lactation
    conditions = [c for c in health.condition_list if c != "other"] + health.other_conditions
    return ClinicalRecord(
        reason=intake.consult.reason,
        duration_minutes=intake.consult.duration_minutes,
        setting=intake.consult.setting,
        consent_to_share=intake.consent.share_with_care_team,
        share_recorded_on=intake.consent.share_recorded_on,
        care_team=[CareTeamEntry(**member.model_dump(mode="json")) for member in intake.care_team],
        parent_relationship=intake.parent.relationship,
        parent_age=intake.parent.age,
        conditions=list(dict.fromkeys(conditions)),
        medications=[m.name for m in health.current_medications],
        breast_surgeries=[str(kind) for kind in health.surgery_kinds],
        breastfed_this_baby=lactation.breastfed_this_baby,
        breastfeeding_weeks=lactation.duration_weeks,
        weeks_since_milk_removal=lactation.weeks_since_last_milk_removal,
        stop_reasons=list(lactation.stop_reasons),
        current_output=lactation.current_output,
        latest_expressed_ml_per_24h=lactation.latest_expressed_ml_per_24h,
        low_supply=_low_supply(intake) if intake.plan_type == "low-supply" else None,
        babies=[
            BabyRecord(
                name=baby.name,
                birth_date=baby.birth_date,
                sex=baby.sex,
                age_days=baby.age_days,
                gestational_age_weeks=baby.gestational_age_weeks,
                birth_weight_g=baby.birth_weight_g,
                current_weight_g=baby.current_weight_g,
                weighed_on=baby.weighed_on,
                weight_change_pct=baby.weight_change_pct,
                gain_g_per_day=baby.weight_gain_g_per_day,
                wet_diapers_24h=baby.wet_diapers_24h,
                dirty_diapers_24h=baby.dirty_diapers_24h,
                milk=list(baby.feeding.milk),
                supplement_ml_per_24h=baby.feeding.supplement_ml_per_24h,
                supplement_methods=list(baby.feeding.methods),
                latches=baby.latches,
            )
            for baby in intake.babies
        ],
    )


def _low_supply(intake: Intake) -> dict[str, str | float | int | None]:
    block = intake.low_supply
    return {
        "milk_came_in": block.milk_came_in.status,
        "milk_in_hours": block.milk_came_in.hours_after_birth,
        "at_breast": block.feeding.at_breast,
        "breastfeeds_24h": block.feeding.breastfeeds_24h,
        "pump_sessions_24h": block.pumping.sessions_24h,
        "pumped_ml_24h": block.pumping.ml_24h,
        "pumps_after_feeds_only": block.pumping.after_feeds_only,
        "test_weights": block.test_weight_count,
        "test_weight_total_g": block.test_weight_total_g,
        "epds": block.parent.epds,
    }
