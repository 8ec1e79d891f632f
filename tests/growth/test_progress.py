"""Follow-ups and progress: each baby's weights on the WHO standard in the plan (corrected age for a baby born
early, no centiles without the sex), the rules reading the recorded progress, impossible gains refused, and the
progress charts (two points or none, no curves without the sex, the same data the same SVG)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from pydantic import ValidationError

from careplan.cli import cli
from careplan.documents.progress_charts import charts, growth_chart, milk_chart, routine_chart
from careplan.growth import corrected_age_days, weight_for_age
from careplan.growth.series import NO_SEX
from careplan.intake import Intake, load_intake
from careplan.locales import Formatter, locale_for
from careplan.rules.engine import build_plan
from careplan.rules.library import Library
from tests.conftest import BASE_INTAKE, EXAMPLES, make_intake
from tests.helpers.strategies import intakes

FOUR_VISITS = next(path for path in EXAMPLES if path.name.startswith("10-"))
FMT = Formatter(locale_for(None, "US"))
SVG = "{http://www.w3.org/2000/svg}"


def follow_ups(*rows: tuple[str, int | None, float | None, float | None, int | None]) -> list[dict[str, Any]]:
    """Progress records (date, weight, milk expressed, supplement, wet diapers) for baby 1."""
    return [
        {"date": day, "baby": 1, "baby_weight_g": grams, "expressed_ml_per_24h": milk, "supplement_ml_per_24h": extra,
         "wet_diapers_24h": wet, "milk_removal_sessions_per_24h": 8}
        for day, grams, milk, extra, wet in rows
    ]


# --------------------------------------------------------------------------------------------------------------
# The growth block
# --------------------------------------------------------------------------------------------------------------


def test_the_example_with_five_visits_has_every_weight_with_z_centile_and_gain(library: Library) -> None:
    intake = load_intake(FOUR_VISITS)
    assert len({p.date for p in intake.progress}) >= 4, "the follow-up example has at least four visits"
    (baby,) = build_plan(intake, library).growth
    assert baby.sex == "female" and not baby.corrected
    assert [p.weight_g for p in baby.points] == [3300, 3380, 4350, 4560, 4800, 5130, 5440]
    for point in baby.points:
        score = weight_for_age("female", point.age_days, point.weight_g)
        assert (point.z, point.centile, point.beyond) == (score.z, score.centile, score.beyond)
    # the gain is measured from the latest weighing at least 5 days before
    assert [p.velocity_g_per_day for p in baby.points] == [None, 8.0, 24.9, 21.0, 21.8, 23.6, 22.1]
    assert baby.points[3].weighed == "pharmacy" and baby.points[3].weighed_how == "clean_diaper"
    assert baby.points[0].weighed == "birth"


def test_a_baby_born_early_is_placed_at_corrected_age(library: Library) -> None:
    intake = make_intake(**{"babies.0.gestational_age_weeks": 33, "babies.0.sex": "male"})
    (baby,) = build_plan(intake, library).growth
    assert baby.corrected
    current = baby.points[-1]
    assert current.age_days == 41 and current.corrected_age_days == pytest.approx(41 - 49)
    assert current.z is None and current.centile is None, "before the due date the WHO curves do not apply"
    older = make_intake(**{"babies.0.gestational_age_weeks": 33, "babies.0.sex": "male",
                           "babies.0.birth_date": "2026-01-20", "babies.0.current_weight_g": 5200})
    (baby,) = build_plan(older, library).growth
    current = baby.points[-1]
    corrected = corrected_age_days(current.age_days, 33)
    assert current.corrected_age_days == pytest.approx(corrected) and corrected == current.age_days - 49
    assert current.z == weight_for_age("male", corrected, 5200).z
    assert current.z != weight_for_age("male", current.age_days, 5200).z, "the uncorrected age gives another z"


def test_without_the_sex_there_are_weights_but_no_centiles(library: Library) -> None:
    (baby,) = build_plan(make_intake(), library).growth
    assert BASE_INTAKE["babies"][0].get("sex") is None and baby.sex == "unknown"
    assert [p.weight_g for p in baby.points] == [3400, 4300]
    assert all(p.z is None and p.centile is None for p in baby.points)
    assert NO_SEX in baby.notes


def test_weights_past_three_z_are_not_extrapolated(library: Library) -> None:
    small = make_intake(**{"babies.0.sex": "female", "babies.0.current_weight_g": 2500,
                           "babies.0.birth_weight_g": 2400})
    point = build_plan(small, library).growth[0].points[-1]
    assert (point.z, point.beyond) == (-3.0, "below")


def test_plan_json_has_the_growth_block(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["plan", str(FOUR_VISITS), "--format", "json"])
    assert result.exit_code == 0, result.output
    block = json.loads(result.output)["growth"]
    assert block[0]["standard"].startswith("WHO")
    last = block[0]["points"][-1]
    assert {"z", "centile", "velocity_g_per_day", "velocity_days", "corrected_age_days"} <= set(last)
    assert last["velocity_g_per_day"] == 22.1 and isinstance(last["z"], float)


# --------------------------------------------------------------------------------------------------------------
# Impossible gains are refused
# --------------------------------------------------------------------------------------------------------------


def test_a_gain_over_100_g_a_day_is_refused_at_that_weight() -> None:
    with pytest.raises(ValidationError) as caught:
        make_intake(**{"progress": follow_ups(("2026-04-20", 4300, None, None, None), ("2026-04-25", 4900, None,
                                                                                           None, None))})
    errors = caught.value.errors()
    assert [e["loc"] for e in errors] == [("progress", 1, "baby_weight_g")]
    assert "over 100 g a day" in errors[0]["msg"]
    # 100 g a day exactly is allowed; the same weight on the same day from two scales is not compared
    make_intake(**{"progress": follow_ups(("2026-04-20", 4300, None, None, None),
                                          ("2026-04-25", 4800, None, None, None))})


def test_the_cli_names_the_field_and_never_the_weights(write_json: Any) -> None:
    data = json.loads(json.dumps(BASE_INTAKE))
    data["babies"][0]["earlier_weights"] = [{"date": "2026-04-28", "grams": 3400}]
    path = write_json(data)
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "[babies.0.current_weight_g]" in lines[0] and "over 100 g a day" in lines[0]
    assert "4300" not in lines[0] and "3400" not in lines[0] and "Traceback" not in result.output


# --------------------------------------------------------------------------------------------------------------
# The rules read the progress
# --------------------------------------------------------------------------------------------------------------


def test_the_step_down_holds_when_the_gain_since_the_last_follow_up_is_low(library: Library) -> None:
    growing = make_intake(**{"consult.visit": "follow_up", "consult.first_visit": "2026-04-10",
                             "progress": follow_ups(("2026-04-10", 3900, 100, 600, 7))})
    assert build_plan(growing, library).feeding[0].step_down, "gaining 21 g a day: the step-down goes on"
    stalled = make_intake(**{"consult.visit": "follow_up", "consult.first_visit": "2026-04-10",
                             "progress": follow_ups(("2026-04-20", 4250, 100, 600, 7))})
    feeding = build_plan(stalled, library).feeding[0]
    assert not feeding.step_down and "gain_low" in feeding.amounts_held
    few_diapers = make_intake(**{"consult.visit": "follow_up", "consult.first_visit": "2026-04-10",
                                 "babies.0.wet_diapers_24h": 5,
                                 "progress": follow_ups(("2026-04-10", 3900, 100, 600, 7))})
    feeding = build_plan(few_diapers, library).feeding[0]
    assert not feeding.step_down and "red_flag" in feeding.amounts_held


def test_a_rising_supply_is_named_in_the_timeline_and_a_flat_one_sends_to_the_consultant(library: Library) -> None:
    def milk_text(first: float, last: float) -> str:
        intake = make_intake(**{"consult.visit": "follow_up", "consult.first_visit": "2026-04-10",
                                "progress": follow_ups(("2026-04-10", None, first, 600, 7),
                                                       ("2026-04-30", None, last, 500, 7))})
        return next(m.text for m in build_plan(intake, library).timeline if m.label == "Your milk so far")

    assert "went up from about 60 mL a day to about 240 mL a day" in milk_text(60, 240)
    assert "no more than at the first check" in milk_text(200, 150) and "lactation consultant" in milk_text(200, 150)


# --------------------------------------------------------------------------------------------------------------
# Charts
# --------------------------------------------------------------------------------------------------------------


def test_no_chart_with_fewer_than_two_points(library: Library) -> None:
    one_weight = make_intake(**{"babies.0.birth_weight_g": None, "consult.visit": "follow_up",
                                "progress": follow_ups(("2026-04-30", 4300, 100, 600, 7))})
    plan = build_plan(one_weight, library)
    assert len(plan.growth[0].points) == 1
    assert growth_chart(plan.growth[0], 0, FMT) is None
    assert milk_chart(plan, FMT) is None and routine_chart(plan, FMT) is None
    assert charts(plan, FMT) == []
    two = make_intake(**{"consult.visit": "follow_up",
                         "progress": follow_ups(("2026-04-20", 4100, 100, 600, 7), ("2026-04-30", 4300, 150, 550, 7))})
    assert [c["id"] for c in charts(build_plan(two, library), FMT)] == ["chart-growth-1", "chart-milk", "chart-routine"]


def _svg(chart: dict[str, Any]) -> ET.Element:
    return ET.fromstring(str(chart["svg"]))  # noqa: S314 - careplan's own SVG, made by the test


def test_unknown_sex_draws_no_curves_and_no_centile_column(library: Library) -> None:
    unknown = charts(build_plan(make_intake(), library), FMT)[0]
    known = charts(build_plan(make_intake(**{"babies.0.sex": "male"}), library), FMT)[0]
    assert unknown["id"] == known["id"] == "chart-growth-1"

    def end_labels(chart: dict[str, Any]) -> list[str]:
        return [t.text or "" for g in _svg(chart).iter(f"{SVG}g") if g.get("class") == "end-labels"
                for t in g.iter(f"{SVG}text")]
    assert end_labels(unknown) == [] and NO_SEX in unknown["notes"] and "Centile" not in unknown["head"]
    assert sorted(end_labels(known)) == sorted(["3rd", "15th", "50th", "85th", "97th"])
    assert "Centile" in known["head"] and known["explain"]


def test_each_chart_has_a_title_description_and_its_numbers_as_a_table(library: Library) -> None:
    plan = build_plan(load_intake(FOUR_VISITS), library)
    made = charts(plan, FMT)
    assert [c["id"] for c in made] == ["chart-growth-1", "chart-milk", "chart-routine"]
    for chart in made:
        svg = _svg(chart)
        assert svg.get("role") == "img"
        title = svg.find(f"{SVG}title")
        assert title is not None and chart["title"] in (title.text or "") and chart["description"] in (title.text or "")
        assert chart["rows"] and all(len(row) == len(chart["head"]) for row in chart["rows"])
    growth_rows = made[0]["rows"]
    assert growth_rows[-1][:4] == ["Sep 21", "14 weeks", "5,440 g (12 lb 0 oz)", "22nd"]
    milk = made[1]
    assert "Your milk went from 20 to 480 mL a day" in milk["description"]
    assert [row[1] for row in milk["rows"]][-1].startswith("480 mL")


def test_the_same_intake_gives_the_same_svg(library: Library) -> None:
    first = [str(c["svg"]) for c in charts(build_plan(load_intake(FOUR_VISITS), library), FMT)]
    second = [str(c["svg"]) for c in charts(build_plan(load_intake(FOUR_VISITS), library), FMT)]
    assert first == second


def test_a_first_visit_plan_has_no_progress_section_but_the_progress_document_does(library: Library) -> None:
    from careplan.documents.care_plan import render_html as plan_html
    from careplan.documents.progress import render_html as progress_html
    from careplan.practice import Practice

    first_visit = build_plan(make_intake(**{"babies.0.sex": "female"}), library)
    assert "section-progress" not in plan_html(first_visit, Practice())
    assert 'id="chart-growth-1"' in progress_html(first_visit, Practice())
    follow_up = build_plan(load_intake(FOUR_VISITS), library)
    assert 'id="chart-milk"' in plan_html(follow_up, Practice())


def test_ordinal_and_age_words() -> None:
    from careplan.documents.progress_charts import age_text, ordinal

    assert [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 101, 111)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "23rd", "101st", "111th"]
    assert [age_text(d) for d in (0, 1, 13, 14, 98, -21)] == [
        "0 days", "1 day", "13 days", "2 weeks", "14 weeks", "3 weeks before the due date"]


@settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(intake=intakes())
def test_any_valid_intake_gives_growth_and_charts_that_parse(library: Library, intake: Intake) -> None:
    plan = build_plan(intake, library)
    assert [g.baby for g in plan.growth] == [b.name for b in intake.babies]
    for block in plan.growth:
        dates = [p.date for p in block.points]
        assert dates == sorted(set(dates)), "one weighing per date, in date order"
        for point in block.points:
            assert (point.z is None) == (point.centile is None)
            assert point.z is None or -3 <= point.z <= 3
            assert point.velocity_g_per_day is None or point.velocity_g_per_day <= 100
    for chart in charts(plan, FMT):
        svg = _svg(chart)
        assert svg.get("role") == "img" and chart["rows"]
